#include "server/wasm/wasm_routes.h"

#include "server/http/status_response.h"
#include "server/wasm/module_source.h"
#include "server/workers/worker.h"

namespace smg::server::wasm {
namespace {

using nlohmann::json;

constexpr std::string_view kPrefix = "/wasm/";

Response method_not_allowed(const std::string& allow) {
  Response response =
      error_response(405, "invalid_request_error", "Method not allowed", "method_not_allowed");
  response.set_header("Allow", allow);
  return response;
}

Response bad_request(const std::string& message, const std::string& code) {
  return error_response(400, "invalid_request_error", message, code);
}

Status bad_descriptor(std::string reason, std::string message) {
  return invalid_argument(std::move(reason), std::move(message));
}

std::string string_field(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// attach_points: [{"Middleware":"OnRequest"}, ...] (serde's externally tagged enums).
Status read_attach_points(const json& descriptor, ModuleSpec& spec) {
  auto points = descriptor.find("attach_points");
  if (points == descriptor.end() || !points->is_array() || points->empty()) {
    return bad_descriptor("wasm_no_attach_point", "attach_points must be a non-empty array");
  }
  for (const json& point : *points) {
    std::string where = point.is_object() ? string_field(point, "Middleware") : "";
    if (where == "OnRequest") {
      spec.on_request = true;
    } else if (where == "OnResponse") {
      spec.on_response = true;
    } else if (where == "OnError") {
      return bad_descriptor("wasm_attach_point", "OnError attach point not yet implemented");
    } else {
      return bad_descriptor("wasm_attach_point",
                            "attach point must be {\"Middleware\":\"OnRequest\"} or "
                            "{\"Middleware\":\"OnResponse\"}");
    }
  }
  return Status();
}

Result<ModuleSpec> read_descriptor(const json& descriptor, const smg::wasm::Limits& limits) {
  if (!descriptor.is_object()) return bad_descriptor("wasm_descriptor", "module must be an object");
  ModuleSpec spec;
  spec.name = string_field(descriptor, "name");
  if (spec.name.empty()) return bad_descriptor("wasm_name_empty", "Module name cannot be empty");
  std::string type =
      descriptor.contains("module_type") ? string_field(descriptor, "module_type") : "Middleware";
  if (type != "Middleware") {
    return bad_descriptor("wasm_module_type", "module_type must be \"Middleware\"");
  }
  if (Status status = read_attach_points(descriptor, spec); !status.ok()) return status;
  auto fail_closed = descriptor.find("fail_closed");
  if (fail_closed != descriptor.end() && !fail_closed->is_boolean() && !fail_closed->is_null()) {
    return bad_descriptor("wasm_fail_closed", "fail_closed must be a boolean");
  }
  spec.fail_closed =
      fail_closed != descriptor.end() && fail_closed->is_boolean() && fail_closed->get<bool>();
  bool has_base64 = descriptor.contains("wasm_base64");
  spec.file_path = string_field(descriptor, "file_path");
  if (has_base64 && !spec.file_path.empty()) {
    return bad_descriptor("wasm_source", "give file_path or wasm_base64, not both");
  }
  Result<std::string> bytes =
      has_base64 ? decode_module_base64(string_field(descriptor, "wasm_base64"), limits)
                 : read_module_file(spec.file_path, limits);
  if (!bytes.ok()) return bytes.status();
  spec.bytes = std::move(*bytes);
  return spec;
}

}  // namespace

std::size_t max_upload_bytes(const smg::wasm::Limits& limits) {
  return limits.max_module_bytes / 3 * 4 + 64 * 1024;
}

WasmRoutes::WasmRoutes(ModuleRegistry* registry) : registry_(registry) {}

bool WasmRoutes::owns(std::string_view path) {
  return path == "/wasm" || (path.starts_with(kPrefix) && path.size() > kPrefix.size());
}

Response WasmRoutes::handle(const Request& request) const {
  if (registry_ == nullptr) {
    return error_response(400, "wasm_disabled",
                          "WASM middleware is disabled; start the gateway with --enable-wasm",
                          "wasm_disabled");
  }
  if (request.path == "/wasm") {
    if (request.method == "GET") return list();
    return request.method == "POST" ? add(request) : method_not_allowed("GET, POST");
  }
  std::string uuid = request.path.substr(kPrefix.size());
  if (request.method != "GET" && request.method != "DELETE") {
    return method_not_allowed("GET, DELETE");
  }
  if (!workers::is_uuid(uuid)) return bad_request("module_uuid must be a UUID", "invalid_uuid");
  return request.method == "GET" ? get(uuid) : remove(uuid);
}

Result<std::string> WasmRoutes::add_descriptor(ModuleRegistry& registry, const json& descriptor) {
  Result<ModuleSpec> spec = read_descriptor(descriptor, registry.limits());
  if (!spec.ok()) return spec.status();
  return registry.add(std::move(*spec));
}

Response WasmRoutes::add(const Request& request) const {
  if (request.body.size() > max_upload_bytes(registry_->limits())) {
    return bad_request("Request body is larger than " +
                           std::to_string(max_upload_bytes(registry_->limits())) + " bytes",
                       "wasm_too_large");
  }
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return bad_request("Request body is not a JSON object", "invalid_json");
  }
  auto modules = body.find("modules");
  if (modules == body.end() || !modules->is_array() || modules->empty()) {
    return bad_request("modules must be a non-empty array", "invalid_request");
  }
  json echoed = json::array();
  std::string first_error;
  for (const json& descriptor : *modules) {
    Result<std::string> uuid = add_descriptor(*registry_, descriptor);
    json echo = descriptor.is_object() ? descriptor : json::object();
    echo.erase("wasm_base64");  // don't send megabytes back
    echo["add_result"] =
        uuid.ok() ? json{{"Success", *uuid}} : json{{"Error", uuid.status().message()}};
    if (!uuid.ok() && first_error.empty()) {
      first_error = "module " + string_field(echo, "name") + ": " + uuid.status().message();
    }
    echoed.push_back(std::move(echo));
  }
  json answer = {{"modules", echoed}};
  if (first_error.empty()) return json_response(200, answer);
  // SMG's shape plus our one-line error, so clients that read error.message (smgctl) say why.
  answer["error"] = {
      {"type", "invalid_request_error"}, {"message", first_error}, {"code", "wasm_add_failed"}};
  return json_response(400, answer);
}

Response WasmRoutes::list() const { return json_response(200, registry_->to_json()); }

Response WasmRoutes::get(const std::string& uuid) const {
  auto module = registry_->find(uuid);
  if (!module) {
    return error_response(404, "not_found_error", "module not found: " + uuid,
                          "wasm_module_not_found");
  }
  return json_response(200, module->to_json());
}

Response WasmRoutes::remove(const std::string& uuid) const {
  Status status = registry_->remove(uuid);
  if (!status.ok()) {
    return status_response(status);
  }
  return text_response(200, "Module removed successfully");
}

}  // namespace smg::server::wasm
