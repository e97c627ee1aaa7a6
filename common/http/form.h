// application/x-www-form-urlencoded and URL query building (RFC 3986 unreserved characters kept,
// everything else percent-encoded, space as %20 so the result is valid in both places).
//
//   smg::http::form_encode({{"grant_type", "authorization_code"}, {"code", c}});
//   smg::http::percent_encode("a b&c") == "a%20b%26c";
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smg::http {

std::string percent_encode(std::string_view text);
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace smg::http
