/* Stores far past the end of its memory: an out-of-bounds trap. Attach: on-request. */
#include "smg_middleware.h"

SMG_ON_REQUEST int on_request(void) {
  volatile int32_t* far = (volatile int32_t*)(uintptr_t)0x7ffffff0u;
  *far = 1;
  return SMG_CONTINUE;
}
