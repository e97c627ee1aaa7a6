// The request target of an HTTP/1.1 request line, turned into what the gateway routes on: the
// percent-decoded path (a '+' stays a '+') and the query parameters (form-decoded: '+' is a
// space; the last value of a repeated name wins). Malformed escapes are kept as written, as
// cpp-httplib did; a decoded CR, LF or NUL stays in the path for the gateway to refuse (and
// audit), never for the engine to hide.
//
//   RequestTarget target = split_target("/workers/a%2Fb?since=15m&x=1+2");
//   target.path == "/workers/a/b";  target.query["x"] == "1 2"
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace smg::server {

struct RequestTarget {
  std::string path;
  std::map<std::string, std::string> query;
  std::string query_string;  // as sent, without the '?' (and any '#...'): forwarded to workers
};

RequestTarget split_target(std::string_view target);

// %XX escapes decoded; with `plus_is_space`, '+' becomes ' ' (query strings, forms).
std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace smg::server
