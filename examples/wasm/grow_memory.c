/* Asks for 2048 pages (128 MiB), twice the default cap: memory.grow fails, and the module traps
 * as SMG's runtime does on a failed grow. Attach: on-request. */
#include "smg_middleware.h"

SMG_ON_REQUEST int on_request(void) {
  if (__builtin_wasm_memory_grow(0, 2048) == (size_t)-1) __builtin_trap();
  smg_set_header_str("x-grew", "2048");
  return SMG_MODIFY;
}
