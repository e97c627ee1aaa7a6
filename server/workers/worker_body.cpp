#include "server/workers/worker_body.h"

#include <algorithm>
#include <cctype>

namespace smg::workers {
namespace {

using nlohmann::json;

Status bad_body(const std::string& message) {
  return invalid_argument("invalid_worker_body", message);
}

Status bad_url(const std::string& message) {
  return invalid_argument("invalid_worker_url", message);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool valid_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return host.find_first_not_of("0123456789abcdefABCDEF:.", 1) == host.size() - 1;
  }
  return !host.empty() &&
         std::all_of(host.begin(), host.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '.' || c == '_';
         });
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return false;
  }
  int value = std::stoi(std::string(port));
  return value >= 1 && value <= 65535;
}

// A base path of plain segments: unreserved characters and percent escapes, no dot segments.
bool valid_base_path(std::string_view path) {
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    std::size_t length = end == std::string_view::npos ? end : end - start;
    std::string_view segment = path.substr(start, length);
    if (segment == "." || segment == ".." ||
        !std::all_of(segment.begin(), segment.end(), [](unsigned char c) {
          return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '%';
        })) {
      return false;
    }
    start = end == std::string_view::npos ? path.size() : end + 1;
  }
  return true;
}

}  // namespace

Result<std::string> normalize_worker_url(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return bad_url("worker url must be an absolute http:// or https:// URL");
  }
  std::string scheme = lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return bad_url("worker url scheme must be http or https");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  std::size_t colon = authority.rfind(':');
  bool has_port =
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos;
  std::string_view host = has_port ? authority.substr(0, colon) : authority;
  if (!valid_host(host) || (has_port && !valid_port(authority.substr(colon + 1)))) {
    return bad_url("worker url must name a host and an optional numeric port");
  }
  if (!valid_base_path(path.empty() ? path : path.substr(1))) {
    return bad_url("worker url may carry only a plain base path (no query, fragment or dots)");
  }
  return scheme + "://" + lower(authority) + std::string(path);
}

namespace {

Result<std::vector<std::string>> parse_models(const json& models) {
  if (!models.is_array()) {
    return bad_body("models must be an array of {\"id\": string}");
  }
  std::vector<std::string> ids;
  for (const auto& entry : models) {
    const json* id = &entry;
    if (entry.is_object()) {
      auto it = entry.find("id");
      id = it == entry.end() ? nullptr : &*it;
    }
    if (id == nullptr || !id->is_string() || id->get<std::string>().empty()) {
      return bad_body("models must be an array of {\"id\": string}");
    }
    ids.push_back(id->get<std::string>());
  }
  return ids;
}

Result<std::map<std::string, std::string>> merge_labels(std::map<std::string, std::string> labels,
                                                        const json& patch) {
  if (!patch.is_object()) {
    return bad_body("labels must be an object of strings");
  }
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      labels.erase(key);
    } else if (value.is_string()) {
      labels[key] = value.get<std::string>();
    } else {
      return bad_body("labels must be an object of strings");
    }
  }
  return labels;
}

Status optional_string(const json& body, const char* field, std::string& out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    return {};
  }
  if (!it->is_string()) {
    return bad_body(std::string(field) + " must be a string");
  }
  out = it->get<std::string>();
  return {};
}

// Sets every mutable field present in `body` on `spec` (labels merged into the existing ones).
Status apply_fields(const json& body, WorkerSpec& spec) {
  if (auto it = body.find("models"); it != body.end() && !it->is_null()) {
    auto models = parse_models(*it);
    if (!models.ok()) {
      return models.status();
    }
    spec.models = std::move(*models);
  }
  if (Status s = optional_string(body, "model_id", spec.model_id); !s.ok()) {
    return s;
  }
  if (auto it = body.find("api_key"); it != body.end()) {
    if (!it->is_null() && !it->is_string()) {
      return bad_body("api_key must be a string");
    }
    spec.api_key = crypto::Secret(it->is_null() ? std::string() : it->get<std::string>());
  }
  if (auto it = body.find("priority"); it != body.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 1000000) {
      return bad_body("priority must be a non-negative integer");
    }
    spec.priority = it->get<int>();
  }
  if (auto it = body.find("cost"); it != body.end()) {
    if (!it->is_number() || it->get<double>() < 0) {
      return bad_body("cost must be a non-negative number");
    }
    spec.cost = it->get<double>();
  }
  if (auto it = body.find("labels"); it != body.end() && !it->is_null()) {
    auto labels = merge_labels(std::move(spec.labels), *it);
    if (!labels.ok()) {
      return labels.status();
    }
    spec.labels = std::move(*labels);
  }
  return {};
}

Result<WorkerType> parse_type_field(const json& body, WorkerType fallback) {
  auto it = body.find("worker_type");
  if (it == body.end() || it->is_null()) {
    return fallback;
  }
  if (!it->is_string()) {
    return bad_body("worker_type must be a string");
  }
  return parse_worker_type(it->get<std::string>());
}

}  // namespace

Result<WorkerSpec> parse_worker_body(const json& body) {
  if (!body.is_object()) {
    return bad_body("request body must be a JSON object");
  }
  auto url = body.find("url");
  if (url == body.end() || !url->is_string()) {
    return bad_body("url is required and must be a string");
  }
  auto normalized = normalize_worker_url(url->get<std::string>());
  if (!normalized.ok()) {
    return normalized.status();
  }
  WorkerSpec spec;
  spec.url = std::move(*normalized);
  auto type = parse_type_field(body, WorkerType::kRegular);
  if (!type.ok()) {
    return type.status();
  }
  spec.worker_type = *type;
  if (Status s = apply_fields(body, spec); !s.ok()) {
    return s;
  }
  return spec;
}

Result<WorkerSpec> apply_worker_update(const WorkerSpec& current, const json& body,
                                       UpdateMode mode) {
  if (!body.is_object()) {
    return bad_body("request body must be a JSON object");
  }
  if (auto url = body.find("url"); url != body.end()) {
    auto normalized = url->is_string() ? normalize_worker_url(url->get<std::string>())
                                       : Result<std::string>(bad_body("url must be a string"));
    if (!normalized.ok() || *normalized != current.url) {
      return invalid_argument("worker_url_immutable", "a worker's url cannot be changed");
    }
  }
  auto type = parse_type_field(body, current.worker_type);
  if (!type.ok()) {
    return type.status();
  }
  if (*type != current.worker_type) {
    return invalid_argument("worker_type_immutable", "a worker's worker_type cannot be changed");
  }
  WorkerSpec next = current;
  if (mode == UpdateMode::kReplace) {
    next = WorkerSpec{};
    next.url = current.url;
    next.worker_type = current.worker_type;
    next.api_key = current.api_key;
  }
  if (Status s = apply_fields(body, next); !s.ok()) {
    return s;
  }
  return next;
}

}  // namespace smg::workers
