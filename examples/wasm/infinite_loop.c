/* Never returns: the instruction budget stops it. Attach: on-request. */
#include "smg_middleware.h"

SMG_ON_REQUEST int on_request(void) {
  volatile int32_t spin = 0;
  for (;;) spin = spin + 1;
  return SMG_CONTINUE;
}
