// One mapping from a decision's Status to the HTTP answer, for every route that answers in
// OpenAI's error shape: the HTTP status from the Status's Code, and the body
// {"error": {"type": ..., "message": status.message(), "code": status.reason()}}.
// (Routes with SMG's own shapes, the tokenizer and admin APIs, keep them; they are pinned.)
//
//   Result<Worker> added = registry.add(spec);
//   if (!added.ok()) return status_response(added.status());   // 400, 404, 409, 503...
#pragma once

#include "common/status.h"
#include "server/http/exchange.h"

namespace smg::server {

// kInvalidArgument/kOutOfRange 400, kUnauthenticated 401, kPermissionDenied 403, kNotFound 404,
// kAlreadyExists/kFailedPrecondition 409, kResourceExhausted 429, kInternal 500,
// kUnimplemented 501, kUnavailable 503, kDeadlineExceeded 504.
int http_status(Code code);
// The OpenAI-style error type for the code: "invalid_request_error", "not_found_error", ...
const char* error_type(Code code);
// An OK status is a caller's bug: answered as 500 internal_error.
Response status_response(const Status& status);

}  // namespace smg::server
