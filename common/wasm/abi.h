// The middleware ABI between the gateway and a core WebAssembly module (docs/wasm-abi.md; the C
// side is sdk/wasm/smg_middleware.h). These numbers and names are the contract: change both
// sides and the document together.
//
// A module exports `memory` and one or both of `smg_on_request`, `smg_on_response`, each of type
// () -> i32 returning an action code. It may import only the `smg` functions of kHostFunctions.
//
// Thread-safety: constants and pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace smg::wasm {

enum class EntryPoint { kOnRequest, kOnResponse };

inline constexpr std::string_view kMemoryExport = "memory";
inline constexpr std::string_view kOnRequestExport = "smg_on_request";
inline constexpr std::string_view kOnResponseExport = "smg_on_response";
inline constexpr std::string_view kImportModule = "smg";

std::string_view entry_export_name(EntryPoint entry);

// Return values of an entry point. Anything else fails the call (reason wasm_bad_action).
inline constexpr int32_t kActionContinue = 0;
inline constexpr int32_t kActionModify = 1;
inline constexpr int32_t kActionReject = 2;

// Fields for smg.read(field, buf, cap).
enum class Field : int32_t {
  kMethod = 0,
  kPath = 1,
  kQuery = 2,
  kBody = 3,
  kRequestId = 4,
  kSubject = 5,
  kRole = 6,
  kDomain = 7,
};
inline constexpr int32_t kFieldCount = 8;

// Host functions a module may import from "smg", with their wasm signatures. i32 pointers and
// lengths address the module's own memory; a range outside it traps.
enum class HostFunction {
  kRead,          // read(field, buf, cap) -> i32 length of the field (copies min(len, cap))
  kHeaderCount,   // header_count() -> i32
  kHeaderName,    // header_name(index, buf, cap) -> i32 length, -1 past the end
  kHeaderValue,   // header_value(index, buf, cap) -> i32 length, -1 past the end
  kHeaderGet,     // header_get(name, name_len, buf, cap) -> i32 length, -1 when absent
  kNowMs,         // now_ms() -> i64 Unix epoch milliseconds
  kStatus,        // status() -> i32 response status, 0 in on_request
  kSetHeader,     // set_header(name, name_len, value, value_len)
  kAddHeader,     // add_header(name, name_len, value, value_len)
  kRemoveHeader,  // remove_header(name, name_len)
  kSetBody,       // set_body(ptr, len)
  kSetStatus,     // set_status(status); traps outside 100-599
};

struct HostFunctionSpec {
  HostFunction id;
  std::string_view name;
  std::string_view params;   // one letter per parameter: 'i' i32, 'I' i64
  std::string_view results;  // likewise
};

inline constexpr HostFunctionSpec kHostFunctions[] = {
    {HostFunction::kRead, "read", "iii", "i"},
    {HostFunction::kHeaderCount, "header_count", "", "i"},
    {HostFunction::kHeaderName, "header_name", "iii", "i"},
    {HostFunction::kHeaderValue, "header_value", "iii", "i"},
    {HostFunction::kHeaderGet, "header_get", "iiii", "i"},
    {HostFunction::kNowMs, "now_ms", "", "I"},
    {HostFunction::kStatus, "status", "", "i"},
    {HostFunction::kSetHeader, "set_header", "iiii", ""},
    {HostFunction::kAddHeader, "add_header", "iiii", ""},
    {HostFunction::kRemoveHeader, "remove_header", "ii", ""},
    {HostFunction::kSetBody, "set_body", "ii", ""},
    {HostFunction::kSetStatus, "set_status", "i", ""},
};

// Caps on what one call may record (a module over them traps).
inline constexpr int kMaxHeaderEdits = 256;
inline constexpr std::size_t kMaxHeaderBytes = 64 * 1024;  // one name or value

// Headers that carry a credential: never shown to a module, never changed by one.
bool is_credential_header(std::string_view name);
// Headers that frame the message (Content-Length, Transfer-Encoding, Connection, Host, ...): a
// module's edits to them are dropped, the gateway owns them.
bool is_framing_header(std::string_view name);

}  // namespace smg::wasm
