#include "common/apikey/api_key_spec.h"

#include <array>
#include <cstdlib>

#include "common/crypto/crypto.h"

namespace smg::apikey {
namespace {

// Wipes a string holding a plaintext key on every way out of a scope.
class EraseOnExit {
 public:
  explicit EraseOnExit(std::string& text) : text_(text) {}
  ~EraseOnExit() { crypto::secure_erase(text_); }
  EraseOnExit(const EraseOnExit&) = delete;
  EraseOnExit& operator=(const EraseOnExit&) = delete;

 private:
  std::string& text_;
};

Status spec_error(std::string_view source_label, std::string_view id, std::string_view what) {
  std::string message(source_label);
  if (!id.empty()) {
    message += " (id \"" + std::string(id) + "\")";
  }
  message += ": ";
  message += what;
  return invalid_argument("bad_api_key_spec", std::move(message));
}

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

std::string_view trim(std::string_view text) {
  const char* kSpace = " \t\r\n\v\f";
  std::size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) {
    return {};
  }
  std::size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

std::string position_label(std::string_view source, std::size_t index) {
  return std::string(source) + " #" + std::to_string(index + 1);
}

}  // namespace

Status validate_key_label(std::string_view field, std::string_view value) {
  std::string name(field);
  if (value.empty()) {
    return invalid_argument("bad_api_key_spec", name + " must not be empty");
  }
  for (char c : value) {
    if (c == ':' || c == ',') {
      return invalid_argument("bad_api_key_spec", name + " must not contain ':' or ','");
    }
    if (is_control(c)) {
      return invalid_argument("bad_api_key_spec", name + " must not contain control characters");
    }
  }
  return Status::ok_status();
}

Result<ApiKeyEntry> parse_api_key_spec(std::string spec, std::string_view source_label) {
  EraseOnExit wipe(spec);
  std::string_view rest(spec);
  std::array<std::string_view, 3> fields;  // id, name, role
  for (auto& field : fields) {
    std::size_t colon = rest.find(':');
    if (colon == std::string_view::npos) {
      // With fewer than four fields we cannot tell which one is the key: name none of them.
      return spec_error(source_label, "", "expected id:name:role:key");
    }
    field = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  const auto [id, name, role_text] = fields;
  const std::string_view key = rest;
  if (Status s = validate_key_label("id", id); !s.ok()) {
    return spec_error(source_label, "", s.message());
  }
  if (Status s = validate_key_label("name", name); !s.ok()) {
    return spec_error(source_label, id, s.message());
  }
  std::optional<Role> role = parse_role(role_text);
  if (!role) {
    return spec_error(source_label, id, "role must be admin or user");
  }
  if (key.empty()) {
    return spec_error(source_label, id, "key must not be empty");
  }
  return ApiKeyEntry{std::string(id), std::string(name), *role, crypto::sha256(key)};
}

Result<std::vector<ApiKeyEntry>> parse_api_key_flags(std::vector<std::string> specs,
                                                     std::string_view flag) {
  std::vector<ApiKeyEntry> entries;
  Status failure;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (failure.ok()) {
      Result<ApiKeyEntry> entry = parse_api_key_spec(specs[i], position_label(flag, i));
      if (entry.ok()) {
        entries.push_back(std::move(*entry));
      } else {
        failure = entry.status();
      }
    }
    crypto::secure_erase(specs[i]);  // wipe every spec, even after a failure
  }
  if (!failure.ok()) {
    return failure;
  }
  return entries;
}

Result<std::vector<ApiKeyEntry>> parse_api_key_list(std::string list, std::string_view source) {
  EraseOnExit wipe(list);
  std::vector<ApiKeyEntry> entries;
  std::string_view rest(list);
  for (std::size_t index = 0;; ++index) {
    std::size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    if (!item.empty()) {
      Result<ApiKeyEntry> entry =
          parse_api_key_spec(std::string(item), position_label(source, index));
      if (!entry.ok()) {
        return entry.status();
      }
      entries.push_back(std::move(*entry));
    }
    if (comma == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(comma + 1);
  }
  return entries;
}

Result<std::vector<ApiKeyEntry>> api_keys_from_env(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr) {
    return std::vector<ApiKeyEntry>{};
  }
  return parse_api_key_list(value, variable);
}

}  // namespace smg::apikey
