#include "server/wasm/exchange_edits.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "common/http/form.h"
#include "common/wasm/abi.h"
#include "server/http/header_syntax.h"

namespace smg::server::wasm {
namespace {

using smg::wasm::Header;
using smg::wasm::Verdict;

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A module may not touch credentials or framing, nor write a header that could break the
// message on the wire (CR, LF, NUL in a value would let it smuggle a second request).
bool editable(std::string_view name) {
  return is_header_name(name) && !smg::wasm::is_credential_header(name) &&
         !smg::wasm::is_framing_header(name);
}
bool editable(const Header& header) {
  return editable(header.name) && is_header_value(header.value);
}

std::string encode_query(const std::map<std::string, std::string>& query) {
  std::string text;
  for (const auto& [name, value] : query) {
    if (!text.empty()) text += '&';
    text += http::percent_encode(name) + "=" + http::percent_encode(value);
  }
  return text;
}

void fill_principal(smg::wasm::View& view, const Principal* principal) {
  if (principal == nullptr) return;
  view.subject = principal->subject;
  view.role = role_name(principal->role);
  view.domain = principal->domain;
}

void add_visible(smg::wasm::View& view, const std::string& name, const std::string& value) {
  if (!smg::wasm::is_credential_header(name)) view.headers.push_back({name, value});
}

void erase_response_header(Response& response, std::string_view name) {
  if (same_name(name, "content-type")) response.content_type.clear();
  auto& headers = response.headers;
  headers.erase(
      std::remove_if(headers.begin(), headers.end(),
                     [name](const auto& header) { return same_name(header.first, name); }),
      headers.end());
}

void set_response_header(Response& response, const Header& header, bool replace) {
  if (same_name(header.name, "content-type")) {
    response.content_type = header.value;
  } else if (replace) {
    response.set_header(header.name, header.value);
  } else {
    response.add_header(header.name, header.value);
  }
}

void apply_headers(const Verdict& verdict, Response& response) {
  for (const Header& header : verdict.headers_set) {
    if (editable(header)) set_response_header(response, header, true);
  }
  for (const Header& header : verdict.headers_add) {
    if (editable(header)) set_response_header(response, header, false);
  }
  for (const std::string& name : verdict.headers_remove) {
    if (editable(name)) erase_response_header(response, name);
  }
}

}  // namespace

smg::wasm::View request_view(const Request& request, const Principal* principal, int64_t now_ms) {
  smg::wasm::View view;
  view.method = request.method;
  view.path = request.path;
  view.query = encode_query(request.query);
  for (const auto& [name, value] : request.headers) add_visible(view, name, value);
  view.body = request.body;
  view.request_id = request.request_id;
  view.now_ms = now_ms;
  fill_principal(view, principal);
  return view;
}

smg::wasm::View response_view(const Request& request, const Principal* principal,
                              const Response& response, int64_t now_ms) {
  smg::wasm::View view = request_view(request, principal, now_ms);
  view.headers.clear();
  if (!response.content_type.empty())
    view.headers.push_back({"content-type", response.content_type});
  for (const auto& [name, value] : response.headers) add_visible(view, name, value);
  view.body = response.body;
  view.status = response.status;
  return view;
}

void apply_to_request(const Verdict& verdict, Request& request) {
  for (const Header& header : verdict.headers_set) {
    if (!editable(header)) continue;
    request.headers.erase(header.name);
    request.headers.emplace(header.name, header.value);
  }
  for (const Header& header : verdict.headers_add) {
    if (editable(header)) request.headers.emplace(header.name, header.value);
  }
  for (const std::string& name : verdict.headers_remove) {
    if (editable(name)) request.headers.erase(name);
  }
  if (verdict.body) request.body = *verdict.body;
}

void apply_to_response(const Verdict& verdict, Response& response) {
  if (verdict.status) response.status = *verdict.status;
  if (verdict.action != smg::wasm::Action::kModify) return;
  apply_headers(verdict, response);
  if (verdict.body) response.body = *verdict.body;
}

Response reject_response(const Verdict& verdict) {
  Response response;
  response.status = verdict.status.value_or(400);
  response.body = verdict.body.value_or("");
  response.content_type = response.body.empty() ? "" : "text/plain; charset=utf-8";
  Verdict headers_only = verdict;
  headers_only.headers_remove.clear();
  apply_headers(headers_only, response);
  return response;
}

}  // namespace smg::server::wasm
