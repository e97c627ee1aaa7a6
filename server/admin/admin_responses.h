// Successful admin responses carry the same no-cache headers as admin errors:
// identity metadata must never sit in a shared cache.
//
//   return admin_json(200, {{"ok", true}});
#pragma once

#include <nlohmann/json.hpp>

#include "server/http/exchange.h"

namespace smg::server::admin {

inline Response admin_json(int status, const nlohmann::json& body) {
  Response response = json_response(status, body);
  response.set_header("Cache-Control", "no-store");
  response.set_header("Pragma", "no-cache");
  response.set_header("X-Content-Type-Options", "nosniff");
  return response;
}

inline Response admin_redirect(const std::string& location) {
  Response response = admin_json(302, nlohmann::json::object());
  response.body.clear();
  response.content_type = "text/plain";
  response.set_header("Location", location);
  return response;
}

}  // namespace smg::server::admin
