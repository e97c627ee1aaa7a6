// The control-plane worker API (SMG shapes) as pure handlers: Request → Response.
//
//   POST   /workers               → 202, Location: /workers/{id},
//                                   {"status":"accepted","worker_id","url","location","message"}
//   GET    /workers[?model=]      → 200 {"workers":[...],"total","stats"}
//   GET    /workers/{worker_id}   → 200 worker
//   PUT    /workers/{worker_id}   → 200 worker (mutable fields replaced)
//   PATCH  /workers/{worker_id}   → 200 worker (mutable fields merged)
//   DELETE /workers/{worker_id}   → 202 {"status":"accepted","worker_id","url","message"}
//   GET    /get_loads             → 200 {"workers":[{"worker": url, "load": n}]}
// Errors: bad JSON/body/URL or a non-UUID id → 400 invalid_request_error; unknown id → 404
// WORKER_NOT_FOUND; duplicate URL → 409 WORKER_ALREADY_EXISTS; other methods → 405 with Allow.
// Authentication and audit happen before these handlers. With SharedWorkers (the Redis state
// backend) every change is stored and announced to the other replicas; when the store is
// unreachable the change is refused 503 worker_store_unavailable and nothing changes here.
// Thread-safety: handle() may be called from many threads at once.
//
//   smg::server::WorkersRoutes routes(registry, [&](auto&) { checker.wake(); });
//   if (smg::server::WorkersRoutes::owns(request.path)) { return routes.handle(request); }
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/http/exchange.h"
#include "server/workers/shared_workers.h"
#include "server/workers/worker_registry.h"

namespace smg::server {

class WorkersRoutes {
 public:
  using AddedHook = std::function<void(const std::shared_ptr<workers::Worker>&)>;

  // `on_added` runs after a successful POST (e.g. to wake the health checker).
  // REQUIRES: `registry` outlives the routes.
  // `shared` (may be null: one replica) outlives the routes.
  explicit WorkersRoutes(workers::WorkerRegistry& registry, AddedHook on_added = {},
                         workers::SharedWorkers* shared = nullptr);

  // True for /workers, /workers/{anything} and /get_loads.
  static bool owns(std::string_view path);
  // Dispatches on method and path. REQUIRES: owns(request.path).
  Response handle(const Request& request) const;

  Response create(const Request& request) const;
  Response list(const Request& request) const;
  Response get(const std::string& worker_id) const;
  Response update(const Request& request, const std::string& worker_id,
                  workers::UpdateMode mode) const;
  Response remove(const std::string& worker_id) const;
  Response loads() const;

 private:
  workers::WorkerRegistry& registry_;
  AddedHook on_added_;
  workers::SharedWorkers* shared_;
};

}  // namespace smg::server
