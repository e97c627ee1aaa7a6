/* Tries to read every credential header and reports what it found in request headers
 * x-seen-authorization etc. ("-1" = absent), and whether any header it was shown is one of them.
 * Attach: on-request. */
#include "smg_middleware.h"

static char buffer[512];
static char digits[16];

static const char* number(int32_t n) {
  char* p = digits + sizeof digits - 1;
  *p = 0;
  int negative = n < 0;
  unsigned v = negative ? (unsigned)-n : (unsigned)n;
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  if (negative) *--p = '-';
  return p;
}

static int is_credential(const char* name, int32_t len) {
  const char* names[] = {"authorization", "proxy-authorization", "x-api-key", "cookie"};
  for (int i = 0; i < 4; ++i) {
    int32_t n = smg_strlen(names[i]);
    if (n != len) continue;
    int same = 1;
    for (int32_t k = 0; k < n; ++k) {
      char c = name[k];
      if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
      if (c != names[i][k]) same = 0;
    }
    if (same) return 1;
  }
  return 0;
}

SMG_ON_REQUEST int on_request(void) {
  smg_set_header_str("x-seen-authorization",
                     number(smg_header_get_str("authorization", buffer, sizeof buffer)));
  smg_set_header_str("x-seen-api-key",
                     number(smg_header_get_str("x-api-key", buffer, sizeof buffer)));
  smg_set_header_str("x-seen-cookie", number(smg_header_get_str("cookie", buffer, sizeof buffer)));
  int listed = 0;
  for (int32_t i = 0; i < smg_header_count(); ++i) {
    int32_t n = smg_header_name(i, buffer, sizeof buffer);
    if (n > 0 && n <= (int32_t)sizeof buffer && is_credential(buffer, n)) ++listed;
  }
  smg_set_header_str("x-seen-listed", number(listed));
  return SMG_MODIFY;
}
