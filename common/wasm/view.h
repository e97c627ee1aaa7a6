// What a module sees of one exchange: the request (or the response, for on_response) and who sent
// it. Whoever builds a View removes credentials first (see is_credential_header in abi.h): a
// module never sees Authorization, Proxy-Authorization, X-API-Key or Cookie.
//
//   smg::wasm::View view{.method = "POST", .path = "/v1/chat/completions"};
//   view.headers.push_back({"content-type", "application/json"});
//   view.body = request.body;   // a view: the string must outlive the call
//
// Thread-safety: a plain value; the runtime only reads it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smg::wasm {

struct Header {
  std::string name;
  std::string value;
};

struct View {
  std::string method;  // the request's, also in on_response
  std::string path;
  std::string query;            // without '?', percent-encoded, e.g. "a=1&b=x%20y"
  std::vector<Header> headers;  // the request's, or the response's in on_response
  std::string_view body;        // likewise
  std::string request_id;
  int64_t now_ms = 0;  // Unix epoch milliseconds
  int status = 0;      // the response status in on_response; 0 in on_request
  // The authenticated principal; empty when the data plane is open.
  std::string subject;
  std::string role;
  std::string domain;
};

}  // namespace smg::wasm
