/* Caps "max_tokens" in a JSON request body at 64 by rewriting the number in place (a textual
 * edit: enough for an example, no JSON parser in 60 lines). Attach: on-request. */
#include "smg_middleware.h"

#define CAP 64

static int is_digit(char c) { return c >= '0' && c <= '9'; }

SMG_ON_REQUEST int on_request(void) {
  int32_t len = 0;
  char* body = smg_read_all(SMG_BODY, &len);
  if (!body) return SMG_CONTINUE;
  const char* key = "\"max_tokens\"";
  int32_t key_len = smg_strlen(key);
  for (int32_t i = 0; i + key_len <= len; ++i) {
    if (!smg_bytes_equal(body + i, key, key_len)) continue;
    int32_t j = i + key_len;
    while (j < len && (body[j] == ' ' || body[j] == ':')) ++j;
    int32_t start = j;
    long value = 0;
    while (j < len && is_digit(body[j]) && value <= 1000000000L)
      value = value * 10 + (body[j++] - '0');
    if (j == start || value <= CAP) return SMG_CONTINUE;
    char* out = (char*)smg_alloc((size_t)len + 2);
    if (!out) return SMG_CONTINUE;
    int32_t n = 0;
    for (int32_t k = 0; k < start; ++k) out[n++] = body[k];
    out[n++] = '0' + CAP / 10;
    out[n++] = '0' + CAP % 10;
    for (int32_t k = j; k < len; ++k) out[n++] = body[k];
    smg_set_body(out, n);
    smg_set_header_str("x-max-tokens-capped", "64");
    return SMG_MODIFY;
  }
  return SMG_CONTINUE;
}
