#include "server/routes/workers_routes.h"

#include "server/http/status_response.h"

namespace smg::server {
namespace {

using nlohmann::json;
using workers::UpdateMode;

constexpr std::string_view kWorkersPrefix = "/workers/";

Response method_not_allowed(const std::string& allow) {
  Response response = error_response(405, "invalid_request_error", "Method not allowed",
                                     "method_not_allowed");
  response.set_header("Allow", allow);
  return response;
}

Result<json> parse_body(const Request& request) {
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    return invalid_argument("invalid_json", "Request body is not valid JSON");
  }
  return body;
}

Status invalid_worker_id() {
  return invalid_argument("invalid_worker_id", "worker_id must be a UUID");
}

}  // namespace

WorkersRoutes::WorkersRoutes(workers::WorkerRegistry& registry, AddedHook on_added,
                             workers::SharedWorkers* shared)
    : registry_(registry), on_added_(std::move(on_added)), shared_(shared) {}

bool WorkersRoutes::owns(std::string_view path) {
  return path == "/workers" || path == "/get_loads" ||
         (path.starts_with(kWorkersPrefix) && path.size() > kWorkersPrefix.size());
}

Response WorkersRoutes::handle(const Request& request) const {
  const std::string& method = request.method;
  if (request.path == "/get_loads") {
    return method == "GET" ? loads() : method_not_allowed("GET");
  }
  if (request.path == "/workers") {
    if (method == "GET") {
      return list(request);
    }
    return method == "POST" ? create(request) : method_not_allowed("GET, POST");
  }
  std::string id = request.path.substr(kWorkersPrefix.size());
  if (method != "GET" && method != "PUT" && method != "PATCH" && method != "DELETE") {
    return method_not_allowed("GET, PUT, PATCH, DELETE");
  }
  if (!workers::is_uuid(id)) {
    return status_response(invalid_worker_id());
  }
  if (method == "GET") {
    return get(id);
  }
  if (method == "DELETE") {
    return remove(id);
  }
  return update(request, id, method == "PUT" ? UpdateMode::kReplace : UpdateMode::kMerge);
}

Response WorkersRoutes::create(const Request& request) const {
  auto body = parse_body(request);
  if (!body.ok()) {
    return status_response(body.status());
  }
  auto spec = workers::parse_worker_body(*body);
  if (!spec.ok()) {
    return status_response(spec.status());
  }
  workers::WorkerSpec as_given = *spec;  // shared without this replica's default api key
  auto worker = registry_.add(std::move(*spec));
  if (!worker.ok()) {
    return status_response(worker.status());
  }
  if (shared_ != nullptr) {
    if (Status stored = shared_->put((*worker)->id(), as_given); !stored.ok()) {
      (void)registry_.remove((*worker)->id());
      return status_response(stored);
    }
  }
  if (on_added_) {
    on_added_(*worker);
  }
  std::string location = "/workers/" + (*worker)->id();
  Response response = json_response(202, {{"status", "accepted"},
                                          {"worker_id", (*worker)->id()},
                                          {"url", (*worker)->url()},
                                          {"location", location},
                                          {"message", "Worker addition queued for background "
                                                      "processing"}});
  response.set_header("Location", location);
  return response;
}

Response WorkersRoutes::list(const Request& request) const {
  json items = json::array();
  for (const auto& worker : registry_.list(request.query_param("model"))) {
    items.push_back(worker->to_json());
  }
  std::size_t total = items.size();
  return json_response(200, {{"workers", std::move(items)},
                             {"total", total},
                             {"stats", registry_.stats()}});
}

Response WorkersRoutes::get(const std::string& worker_id) const {
  auto worker = registry_.get(worker_id);
  if (!worker) {
    return status_response(workers::worker_not_found(worker_id));
  }
  return json_response(200, worker->to_json());
}

Response WorkersRoutes::update(const Request& request, const std::string& worker_id,
                               UpdateMode mode) const {
  // An unknown id is 404 whatever the body says.
  auto current = registry_.get(worker_id);
  if (!current) {
    return status_response(workers::worker_not_found(worker_id));
  }
  auto body = parse_body(request);
  if (!body.ok()) {
    return status_response(body.status());
  }
  workers::WorkerSpec before = current->spec();
  auto worker = registry_.update(worker_id, *body, mode);
  if (!worker.ok()) {
    return status_response(worker.status());
  }
  if (shared_ != nullptr && shared_->is_shared(worker_id)) {
    if (Status stored = shared_->put(worker_id, (*worker)->spec()); !stored.ok()) {
      (*worker)->set_spec(std::move(before));
      return status_response(stored);
    }
  }
  return json_response(200, (*worker)->to_json());
}

Response WorkersRoutes::remove(const std::string& worker_id) const {
  if (shared_ != nullptr && shared_->is_shared(worker_id)) {
    if (Status erased = shared_->erase(worker_id); !erased.ok()) {
      return status_response(erased);
    }
  }
  auto worker = registry_.remove(worker_id);
  if (!worker.ok()) {
    return status_response(worker.status());
  }
  return json_response(202, {{"status", "accepted"},
                             {"worker_id", worker_id},
                             {"url", (*worker)->url()},
                             {"message", "Worker removed from routing; draining " +
                                             std::to_string((*worker)->load()) +
                                             " in-flight request(s)"}});
}

Response WorkersRoutes::loads() const {
  json items = json::array();
  auto snapshot = registry_.snapshot();  // held: the loop must not outlive its snapshot
  for (const auto& worker : *snapshot) {
    items.push_back({{"worker", worker->url()}, {"load", worker->load()}});
  }
  return json_response(200, {{"workers", std::move(items)}});
}

}  // namespace smg::server
