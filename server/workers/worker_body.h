// Parsing the worker API's JSON bodies into WorkerSpec, and validating worker URLs.
//
// POST /workers body: {"url", "models"?: [{"id"}] or ["id"], "model_id"?, "api_key"?,
// "worker_type"?: "regular"|"prefill"|"decode", "priority"? (50), "cost"? (1.0), "labels"?}.
// Unknown fields are ignored (SMG accepts many fields we do not use); wrong types are errors.
// Every failure is Code::kInvalidArgument with a stable reason: "invalid_worker_body",
// "invalid_worker_url", "invalid_worker_type", "worker_url_immutable".
// Thread-safety: pure functions.
//
//   smg::Result<smg::workers::WorkerSpec> spec = smg::workers::parse_worker_body(
//       nlohmann::json::parse(R"({"url": "http://10.0.0.5:8000/", "priority": 70})"));
//   // spec->url == "http://10.0.0.5:8000"
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "server/workers/worker.h"

namespace smg::workers {

// Absolute http/https URL with a host, an optional port and an optional base path of plain
// segments; no userinfo, query, fragment, whitespace, or "." / ".." segments. Scheme and host are
// lower-cased and trailing slashes dropped: "HTTP://Host:8000/v1/" → "http://host:8000/v1".
Result<std::string> normalize_worker_url(std::string_view url);

// A POST body → a new WorkerSpec (url required and normalized).
Result<WorkerSpec> parse_worker_body(const nlohmann::json& body);

enum class UpdateMode {
  kReplace,  // PUT: mutable fields absent from the body return to their defaults, except
             // api_key, which is kept (it is write-only, so a GET-then-PUT cannot carry it)
  kMerge,    // PATCH: only fields present change; labels merge, a null label value deletes it
};

// Applies a PUT/PATCH body to `current`. "url" may appear only unchanged ("worker_url_immutable"
// otherwise); "worker_type" likewise, since a worker's role cannot change under running traffic.
Result<WorkerSpec> apply_worker_update(const WorkerSpec& current, const nlohmann::json& body,
                                       UpdateMode mode);

}  // namespace smg::workers
