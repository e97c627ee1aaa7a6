#include "common/wasm/abi.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>

namespace smg::wasm {
namespace {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [name](std::string_view candidate) {
    return equals_ignore_case(name, candidate);
  });
}

}  // namespace

std::string_view entry_export_name(EntryPoint entry) {
  return entry == EntryPoint::kOnRequest ? kOnRequestExport : kOnResponseExport;
}

bool is_credential_header(std::string_view name) {
  return is_one_of(name, {"authorization", "proxy-authorization", "x-api-key", "cookie"});
}

bool is_framing_header(std::string_view name) {
  return is_one_of(name, {"content-length", "transfer-encoding", "connection", "keep-alive",
                          "upgrade", "te", "trailer", "host", "proxy-connection"});
}

}  // namespace smg::wasm
