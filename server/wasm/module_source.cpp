#include "server/wasm/module_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <system_error>

#include "common/crypto/crypto.h"

namespace smg::server::wasm {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kBlockedPrefixes[] = {"/etc/",  "/proc/", "/sys/",     "/dev/",
                                                 "/boot/", "/root/", "/var/log/", "/var/run/"};

Status refused(std::string reason, std::string message) {
  return invalid_argument(std::move(reason), std::move(message));
}

std::string_view blocked_prefix(std::string_view path) {
  for (std::string_view prefix : kBlockedPrefixes) {
    if (path.starts_with(prefix)) return prefix;
  }
  return {};
}

bool has_wasm_extension(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".wasm";
}

Status check_file(const std::string& path, const smg::wasm::Limits& limits) {
  std::error_code error;
  auto size = fs::file_size(path, error);
  if (error) {
    return refused("wasm_file_unreadable",
                   "Failed to access file " + path + ": " + error.message());
  }
  if (size == 0) return refused("wasm_file_empty", "Module file size cannot be 0");
  if (size > limits.max_module_bytes) {
    return refused("wasm_too_large", "Module file is larger than " +
                                         std::to_string(limits.max_module_bytes) + " bytes");
  }
  fs::path canonical = fs::canonical(path, error);
  if (error) {
    return refused("wasm_file_unreadable",
                   "Failed to canonicalize path " + path + ": " + error.message());
  }
  if (std::string_view prefix = blocked_prefix(canonical.string()); !prefix.empty()) {
    return refused("wasm_path_blocked",
                   "Path resolves to blocked directory " + std::string(prefix) + " (via symlink)");
  }
  if (!has_wasm_extension(canonical)) {
    return refused("wasm_path_not_wasm", "Symlink target must be a .wasm file");
  }
  return Status();
}

}  // namespace

Status check_module_path(std::string_view path) {
  if (path.empty()) return refused("wasm_path_empty", "Module file path cannot be empty");
  fs::path file(path);
  if (!file.is_absolute()) {
    return refused("wasm_path_relative",
                   "Module file path must be absolute, got: " + std::string(path));
  }
  for (const fs::path& component : file) {
    if (component == "..") {
      return refused("wasm_path_traversal", "Path traversal (..) not allowed in module file path");
    }
    if (component == ".") {
      return refused("wasm_path_current_dir",
                     "Current directory (.) not allowed in module file path");
    }
  }
  if (!has_wasm_extension(file)) {
    return refused("wasm_path_not_wasm", "Module file must have .wasm extension");
  }
  if (std::string_view prefix = blocked_prefix(path); !prefix.empty()) {
    return refused("wasm_path_blocked",
                   "Access to " + std::string(prefix) + " directory is not allowed");
  }
  return Status();
}

Result<std::string> read_module_file(const std::string& path, const smg::wasm::Limits& limits) {
  if (Status status = check_module_path(path); !status.ok()) return status;
  if (Status status = check_file(path, limits); !status.ok()) return status;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return refused("wasm_file_unreadable", "Failed to read WASM file " + path);
  }
  std::string content = bytes.str();
  if (content.size() > limits.max_module_bytes) {  // grew between the size check and the read
    return refused("wasm_too_large", "Module file is larger than " +
                                         std::to_string(limits.max_module_bytes) + " bytes");
  }
  return content;
}

Result<std::string> decode_module_base64(std::string_view text, const smg::wasm::Limits& limits) {
  // 4 characters per 3 bytes: refuse an oversize upload before decoding it.
  if (text.size() / 4 * 3 > limits.max_module_bytes + 3) {
    return refused("wasm_too_large",
                   "Module is larger than " + std::to_string(limits.max_module_bytes) + " bytes");
  }
  std::string padded(text);
  while (padded.size() % 4 != 0) padded += '=';
  Result<std::string> bytes = crypto::base64_decode(padded);
  if (!bytes.ok()) return refused("wasm_bad_base64", "wasm_base64 is not valid base64");
  if (bytes->empty()) return refused("wasm_file_empty", "Module file size cannot be 0");
  if (bytes->size() > limits.max_module_bytes) {
    return refused("wasm_too_large",
                   "Module is larger than " + std::to_string(limits.max_module_bytes) + " bytes");
  }
  return bytes;
}

}  // namespace smg::server::wasm
