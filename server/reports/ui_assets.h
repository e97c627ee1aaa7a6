// The reports web UI's static files (server/reports/ui/*), compiled into the binary by
// cmake/embed_files.cmake, and the content type each is served with.
// Thread-safety: immutable data.
//
//   const EmbeddedFile* file = find_ui_file("app.css");
//   if (file) body.assign(file->bytes(), file->size);
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace smg::server::reports {

struct EmbeddedFile {
  const char* name;  // path under server/reports/ui, e.g. "overview.html"
  const unsigned char* data;
  std::size_t size;

  std::string_view text() const { return {reinterpret_cast<const char*>(data), size}; }
};

// Defined in the generated source.
std::span<const EmbeddedFile> embedded_ui_files();

// The file of that name, or null.
const EmbeddedFile* find_ui_file(std::string_view name);
// By extension: html, js, css, svg; anything else is application/octet-stream.
std::string_view ui_content_type(std::string_view name);

}  // namespace smg::server::reports
