#include "server/http/status_response.h"

namespace smg::server {

int http_status(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
    case Code::kOutOfRange: return 400;
    case Code::kUnauthenticated: return 401;
    case Code::kPermissionDenied: return 403;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition: return 409;
    case Code::kResourceExhausted: return 429;
    case Code::kUnimplemented: return 501;
    case Code::kUnavailable: return 503;
    case Code::kDeadlineExceeded: return 504;
    case Code::kOk:
    case Code::kInternal: break;
  }
  return 500;
}

const char* error_type(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
    case Code::kOutOfRange: return "invalid_request_error";
    case Code::kUnauthenticated: return "authentication_error";
    case Code::kPermissionDenied: return "permission_error";
    case Code::kNotFound: return "not_found_error";
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition: return "conflict_error";
    case Code::kResourceExhausted: return "rate_limit_error";
    case Code::kUnimplemented: return "not_implemented";
    case Code::kUnavailable: return "service_unavailable";
    case Code::kDeadlineExceeded: return "timeout_error";
    case Code::kOk:
    case Code::kInternal: break;
  }
  return "internal_error";
}

Response status_response(const Status& status) {
  if (status.ok()) {
    return error_response(500, "internal_error", "An answer was expected and none was made",
                          "internal_error");
  }
  return error_response(http_status(status.code()), error_type(status.code()), status.message(),
                        status.reason());
}

}  // namespace smg::server
