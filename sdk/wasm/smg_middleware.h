/* smg WASM middleware SDK for C (docs/wasm-abi.md). Header only, freestanding: build with
 *
 *   clang --target=wasm32 -O2 -nostdlib -fuse-ld=lld -Wl,--no-entry -Wl,-z,stack-size=16384 \
 *         -I sdk/wasm -o my.wasm my.c
 *
 * (a small stack keeps the module at one 64 KiB page: each call starts from fresh, zeroed
 * pages, so fewer initial pages make every call cheaper)
 *
 * A module defines one or both entry points and returns an action:
 *
 *   #include "smg_middleware.h"
 *   SMG_ON_RESPONSE int on_response(void) {
 *     smg_set_header_str("x-processed-by", "my-module");
 *     return SMG_MODIFY;
 *   }
 *
 * Every call runs in a fresh instance: globals, the heap and memory start from the module's
 * initial state each time. Credentials (Authorization, Proxy-Authorization, X-API-Key, Cookie)
 * are never visible; edits to them, and to framing headers (Content-Length, Host, ...), are
 * dropped by the gateway.
 */
#ifndef SMG_MIDDLEWARE_H_
#define SMG_MIDDLEWARE_H_

#include <stddef.h>
#include <stdint.h>

#define SMG_IMPORT(name) __attribute__((import_module("smg"), import_name(#name)))
#define SMG_ON_REQUEST __attribute__((export_name("smg_on_request")))
#define SMG_ON_RESPONSE __attribute__((export_name("smg_on_response")))

/* Actions an entry point returns. */
enum { SMG_CONTINUE = 0, SMG_MODIFY = 1, SMG_REJECT = 2 };

/* Fields for smg_read. In on_response, SMG_BODY is the response body; the others stay the
 * request's. SUBJECT, ROLE and DOMAIN are the authenticated principal (empty when open). */
enum {
  SMG_METHOD = 0,
  SMG_PATH = 1,
  SMG_QUERY = 2,
  SMG_BODY = 3,
  SMG_REQUEST_ID = 4,
  SMG_SUBJECT = 5,
  SMG_ROLE = 6,
  SMG_DOMAIN = 7,
};

/* Host functions. Reads copy min(length, cap) bytes and return the full length (-1: absent or
 * past the last header). A pointer range outside the module's memory traps the call. */
SMG_IMPORT(read) int32_t smg_read(int32_t field, void* buf, int32_t cap);
SMG_IMPORT(header_count) int32_t smg_header_count(void);
SMG_IMPORT(header_name) int32_t smg_header_name(int32_t index, void* buf, int32_t cap);
SMG_IMPORT(header_value) int32_t smg_header_value(int32_t index, void* buf, int32_t cap);
SMG_IMPORT(header_get)
int32_t smg_header_get(const char* name, int32_t name_len, void* buf, int32_t cap);
SMG_IMPORT(now_ms) int64_t smg_now_ms(void);
SMG_IMPORT(status) int32_t smg_status(void); /* response status; 0 in on_request */
/* Edits, applied only when the entry point returns SMG_MODIFY (or SMG_REJECT: status, body and
 * set/add headers make the rejection). Applied as: every set, then every add, then every remove. */
SMG_IMPORT(set_header)
void smg_set_header(const char* name, int32_t name_len, const char* value, int32_t value_len);
SMG_IMPORT(add_header)
void smg_add_header(const char* name, int32_t name_len, const char* value, int32_t value_len);
SMG_IMPORT(remove_header) void smg_remove_header(const char* name, int32_t name_len);
SMG_IMPORT(set_body) void smg_set_body(const void* body, int32_t len);
SMG_IMPORT(set_status) void smg_set_status(int32_t status); /* traps outside 100-599 */

/* Helpers (static inline: nothing to link). */
static inline int32_t smg_strlen(const char* s) {
  int32_t n = 0;
  while (s[n]) ++n;
  return n;
}

static inline int smg_bytes_equal(const void* a, const void* b, int32_t len) {
  const unsigned char* x = (const unsigned char*)a;
  const unsigned char* y = (const unsigned char*)b;
  for (int32_t i = 0; i < len; ++i) {
    if (x[i] != y[i]) return 0;
  }
  return 1;
}

/* True when the first `len` bytes of `text` start with the C string `prefix`. */
static inline int smg_starts_with(const char* text, int32_t len, const char* prefix) {
  int32_t n = smg_strlen(prefix);
  return n <= len && smg_bytes_equal(text, prefix, n);
}

static inline void smg_set_header_str(const char* name, const char* value) {
  smg_set_header(name, smg_strlen(name), value, smg_strlen(value));
}
static inline void smg_add_header_str(const char* name, const char* value) {
  smg_add_header(name, smg_strlen(name), value, smg_strlen(value));
}
static inline void smg_remove_header_str(const char* name) {
  smg_remove_header(name, smg_strlen(name));
}
static inline int32_t smg_header_get_str(const char* name, void* buf, int32_t cap) {
  return smg_header_get(name, smg_strlen(name), buf, cap);
}

/* Reject with a status and an optional body (e.g. JSON; set content-type with a set_header). */
static inline int smg_reject(int32_t status, const char* body) {
  smg_set_status(status);
  if (body) smg_set_body(body, smg_strlen(body));
  return SMG_REJECT;
}

/* A bump allocator over memory.grow: enough for one call, since every call starts afresh.
 * Returns 0 when the memory cap is reached. */
extern unsigned char __heap_base;
static uintptr_t smg_heap_top_;
static inline void* smg_alloc(size_t size) {
  if (smg_heap_top_ == 0) smg_heap_top_ = (uintptr_t)&__heap_base;
  uintptr_t start = (smg_heap_top_ + 15) & ~(uintptr_t)15;
  uintptr_t end = start + size;
  uintptr_t have = __builtin_wasm_memory_size(0) * 65536;
  if (end > have) {
    uintptr_t pages = (end - have + 65535) / 65536;
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;
  }
  smg_heap_top_ = end;
  return (void*)start;
}

/* The whole of a field in freshly allocated memory; *len gets its length. 0 on failure. */
static inline char* smg_read_all(int32_t field, int32_t* len) {
  int32_t n = smg_read(field, 0, 0);
  char* buf = (char*)smg_alloc((size_t)n + 1);
  if (!buf) return 0;
  smg_read(field, buf, n);
  buf[n] = 0;
  *len = n;
  return buf;
}

#endif /* SMG_MIDDLEWARE_H_ */
