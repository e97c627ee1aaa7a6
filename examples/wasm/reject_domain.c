/* Rejects POST /v1/embeddings with 403 and a JSON body for principals of the domain
 * "blocked/embeddings"; every other request continues. Attach: on-request. */
#include "smg_middleware.h"

static char path[64];
static char domain[64];

SMG_ON_REQUEST int on_request(void) {
  int32_t path_len = smg_read(SMG_PATH, path, sizeof path);
  int32_t domain_len = smg_read(SMG_DOMAIN, domain, sizeof domain);
  const char* blocked = "blocked/embeddings";
  if (path_len == smg_strlen("/v1/embeddings") &&
      smg_starts_with(path, path_len, "/v1/embeddings") && domain_len == smg_strlen(blocked) &&
      smg_starts_with(domain, domain_len, blocked)) {
    smg_set_header_str("content-type", "application/json");
    return smg_reject(403,
                      "{\"error\":{\"type\":\"forbidden\",\"message\":\"embeddings are not "
                      "allowed for this domain\"}}");
  }
  return SMG_CONTINUE;
}
