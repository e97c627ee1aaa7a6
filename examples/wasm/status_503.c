/* Turns a worker's 500 into a 503 (so clients retry), as SMG's logging example does.
 * Attach: on-response. */
#include "smg_middleware.h"

SMG_ON_RESPONSE int on_response(void) {
  if (smg_status() != 500) return SMG_CONTINUE;
  smg_set_status(503);
  smg_set_header_str("retry-after", "1");
  return SMG_MODIFY;
}
