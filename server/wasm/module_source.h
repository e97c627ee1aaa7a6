// Where a module's bytes come from on POST /wasm and in `server.wasm.modules`: a `file_path` on
// the gateway host, checked with SMG's rules (absolute, no `..` or `.` component, a `.wasm`
// extension, not under /etc /proc /sys /dev /boot /root /var/log /var/run before or after
// resolving symlinks, whose target must also end in .wasm; not empty, not over the size
// limit), or `wasm_base64` uploaded by a remote admin. The messages are SMG's.
//
//   auto bytes = smg::server::wasm::read_module_file("/srv/wasm/logging.wasm", limits);
//   if (!bytes.ok()) return 400 with bytes.status().message();
//
// Thread-safety: pure functions (they read the file system).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "common/wasm/limits.h"

namespace smg::server::wasm {

// SMG's checks on the text of the path (no file system access).
Status check_module_path(std::string_view path);

// check_module_path, then the file's own checks, then its bytes.
Result<std::string> read_module_file(const std::string& path, const smg::wasm::Limits& limits);

// Standard base64 (padding optional, no whitespace), at most limits.max_module_bytes decoded.
Result<std::string> decode_module_base64(std::string_view text, const smg::wasm::Limits& limits);

}  // namespace smg::server::wasm
