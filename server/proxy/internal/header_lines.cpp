#include "server/proxy/internal/header_lines.h"

#include <strings.h>

#include <array>
#include <cctype>
#include <string>

#include "server/http/header_syntax.h"

namespace smg::proxy::internal {
namespace {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

// "HTTP/1.1 200 OK" -> 200; 0 when malformed.
int parse_status_line(std::string_view line) {
  auto space = line.find(' ');
  if (space == std::string_view::npos || line.size() < space + 4) {
    return 0;
  }
  int status = 0;
  for (char c : line.substr(space + 1, 3)) {
    if (c < '0' || c > '9') {
      return 0;
    }
    status = status * 10 + (c - '0');
  }
  return status;
}

}  // namespace

bool is_connection_header(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "connection", "keep-alive", "proxy-connection", "transfer-encoding",  "te",
      "trailer",    "upgrade",    "content-length",   "proxy-authenticate", "proxy-authorization"};
  for (std::string_view known : kNames) {
    if (equals_ignore_case(name, known)) {
      return true;
    }
  }
  return false;
}

curl_slist* build_request_headers(const UpstreamHeaders& headers) {
  curl_slist* list = nullptr;
  for (const auto& [name, value] : headers) {
    // libcurl writes a line as given: a CR or LF in it would start another request on the
    // worker connection. The listener refuses such requests; this keeps any other path safe.
    if (is_connection_header(name) || !server::is_header_name(name) ||
        !server::is_header_value(value)) {
      continue;
    }
    // libcurl drops "Name:" (that is how defaults are removed); "Name;" sends it empty.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    list = curl_slist_append(list, line.c_str());
  }
  for (const char* name : {"Accept", "Content-Type", "Expect"}) {
    if (!find_header(headers, name)) {
      list = curl_slist_append(list, (std::string(name) + ":").c_str());
    }
  }
  return list;
}

void ResponseHead::on_line(std::string_view line) {
  if (complete_) {
    return;  // trailers
  }
  if (line.substr(0, 5) == "HTTP/") {
    status_ = parse_status_line(trim(line));
    headers_.clear();
    return;
  }
  line = trim(line);
  if (line.empty()) {
    complete_ = status_ >= 200;  // the end of an interim 1xx head is not the end
    return;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return;
  }
  std::string_view name = trim(line.substr(0, colon));
  if (!is_connection_header(name) || equals_ignore_case(name, "content-length")) {
    headers_.emplace_back(std::string(name), std::string(trim(line.substr(colon + 1))));
  }
}

}  // namespace smg::proxy::internal
