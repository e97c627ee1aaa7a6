/* Adds headers to every response, like SMG's wasm-guest-logging: x-wasm-processed, and the
 * request id and route it handled. Attach: on-response. */
#include "smg_middleware.h"

static char buffer[256];

SMG_ON_RESPONSE int on_response(void) {
  smg_set_header_str("x-wasm-processed", "true");
  int32_t n = smg_read(SMG_REQUEST_ID, buffer, sizeof buffer);
  if (n > 0 && n <= (int32_t)sizeof buffer) smg_set_header("x-request-id", 12, buffer, n);
  n = smg_read(SMG_PATH, buffer, sizeof buffer);
  if (n > 0 && n <= (int32_t)sizeof buffer) smg_set_header("x-wasm-route", 12, buffer, n);
  return SMG_MODIFY;
}
