#include "server/reports/ui_assets.h"

namespace smg::server::reports {

const EmbeddedFile* find_ui_file(std::string_view name) {
  for (const auto& file : embedded_ui_files()) {
    if (name == file.name) return &file;
  }
  return nullptr;
}

std::string_view ui_content_type(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace smg::server::reports
