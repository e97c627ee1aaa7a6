#include "server/http/request_target.h"

namespace smg::server {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void add_parameter(std::string_view pair, std::map<std::string, std::string>& query) {
  auto equals = pair.find('=');
  std::string name = percent_decode(pair.substr(0, equals), true);
  if (name.empty()) return;
  std::string value =
      equals == std::string_view::npos ? "" : percent_decode(pair.substr(equals + 1), true);
  query[std::move(name)] = std::move(value);
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

RequestTarget split_target(std::string_view target) {
  RequestTarget out;
  auto question = target.find('?');
  out.path = percent_decode(target.substr(0, question), false);
  if (question == std::string_view::npos) return out;
  std::string_view query = target.substr(question + 1);
  query = query.substr(0, query.find('#'));
  out.query_string = std::string(query);
  while (!query.empty()) {
    auto amp = query.find('&');
    add_parameter(query.substr(0, amp), out.query);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace smg::server
