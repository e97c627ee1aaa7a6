#include "common/basic/basic_header.h"

#include <strings.h>

namespace smg::basic {
namespace {

Status malformed() { return unauthenticated("basic_malformed", "malformed Basic credentials"); }

bool has_control_character(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  static constexpr uint32_t kMinCode[] = {0, 0x80, 0x800, 0x10000};
  std::size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    uint32_t code = lead;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xe0) == 0xc0) {
      extra = 1, code = lead & 0x1f;
    } else if ((lead & 0xf0) == 0xe0) {
      extra = 2, code = lead & 0x0f;
    } else if ((lead & 0xf8) == 0xf0) {
      extra = 3, code = lead & 0x07;
    } else {
      return false;
    }
    if (text.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = code << 6 | (next & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    if (code < kMinCode[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

Result<BasicCredentials> parse_basic_header(std::string_view value) {
  if (value.size() > kMaxHeaderBytes) {
    return Status(Code::kResourceExhausted, "basic_header_too_large",
                  "Authorization header too large");
  }
  if (value.empty()) {
    return unauthenticated("basic_missing", "missing Basic credentials");
  }
  constexpr std::string_view kScheme = "basic";
  if (value.size() <= kScheme.size() || value[kScheme.size()] != ' ' ||
      strncasecmp(value.data(), kScheme.data(), kScheme.size()) != 0) {
    return unauthenticated("basic_wrong_scheme", "not Basic credentials");
  }
  std::string_view encoded = value.substr(kScheme.size() + 1);
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  auto decoded = crypto::base64_decode(encoded);
  if (!decoded.ok()) return malformed();
  crypto::Secret plain(std::move(*decoded));
  std::string_view text = plain.reveal();
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || has_control_character(text) ||
      !is_valid_utf8(text)) {
    return malformed();
  }
  BasicCredentials credentials;
  credentials.username = std::string(text.substr(0, colon));
  credentials.password = crypto::Secret(std::string(text.substr(colon + 1)));
  return credentials;
}

}  // namespace smg::basic
