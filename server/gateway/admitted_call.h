// A data-plane call behind admission control without a thread waiting in the queue: `next` runs
// with the permit at once when a token is free (the usual case: no allocation beyond the call's
// state), else the answer is a deferred Response that runs `next` when the queue grants a token
// or fails it (429 full at once, 503 at the queue timeout). A client that leaves while queued
// takes its place out of the queue at once; one that leaves after the grant cancels what `next`
// started.
//
//   return admit_then(admission, [&](Result<Permit> permit) {
//     if (!permit.ok()) return status_response(permit.status());
//     return proxy.forward(request, true, std::move(*permit));
//   });
#pragma once

#include <functional>

#include "common/status.h"
#include "server/admission/admission_controller.h"
#include "server/http/exchange.h"

namespace smg::server {

using AdmittedNext = std::function<Response(Result<admission::Permit>)>;

// REQUIRES: `admission` outlives the answer; `next` must not block (it may run on the thread
// that released a permit, or on the admission timer thread).
Response admit_then(admission::AdmissionController& admission, AdmittedNext next);

}  // namespace smg::server
