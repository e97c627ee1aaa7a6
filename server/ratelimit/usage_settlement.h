// Settles a tenant's token reservation once its answer is complete, from the worker's `usage`:
// a buffered body's JSON, or the last usage seen in a stream's events (the stream is watched on
// its way to the client, never buffered). An error answer (4xx/5xx) refunds the reserved tokens;
// a success without usage keeps the reservation as the charge.
// Thread-safety: the wrapped response belongs to one exchange.
//
//   return then(proxy.forward(...), [reservation](Response done) {
//     return settle_when_done(std::move(done), reservation);
//   });
#pragma once

#include <memory>

#include "server/http/exchange.h"
#include "server/ratelimit/tenant_limiter.h"

namespace smg::ratelimit {

server::Response settle_when_done(server::Response response,
                                  std::shared_ptr<Reservation> reservation);

}  // namespace smg::ratelimit
