#include "server/discovery/watch_event.h"

#include <nlohmann/json.hpp>

namespace smg::discovery {
namespace {

Status bad_event(const std::string& message) {
  return invalid_argument("kube_bad_event", "watch event " + message);
}

bool parse_type(const std::string& name, WatchEventType& type) {
  static const std::pair<const char*, WatchEventType> kTypes[] = {
      {"ADDED", WatchEventType::kAdded},
      {"MODIFIED", WatchEventType::kModified},
      {"DELETED", WatchEventType::kDeleted},
      {"BOOKMARK", WatchEventType::kBookmark},
      {"ERROR", WatchEventType::kError}};
  for (const auto& [text, value] : kTypes) {
    if (name == text) {
      type = value;
      return true;
    }
  }
  return false;
}

void read_error_status(const nlohmann::json& object, WatchEvent& event) {
  auto code = object.find("code");
  if (code != object.end() && code->is_number_integer()) {
    auto value = code->get<int64_t>();
    event.error_code = value >= 0 && value < 1000 ? static_cast<int>(value) : 0;
  }
  auto text = [&](const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  event.error_reason = text("reason");
  event.error_message = text("message");
}

}  // namespace

const char* watch_event_type_name(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
    case WatchEventType::kError:
      return "ERROR";
  }
  return "ERROR";
}

Result<WatchEvent> parse_watch_event(std::string_view line) {
  auto doc = nlohmann::json::parse(line, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return bad_event("is not a JSON object");
  auto type = doc.find("type");
  auto object = doc.find("object");
  if (type == doc.end() || !type->is_string()) return bad_event("has no type");
  if (object == doc.end() || !object->is_object()) return bad_event("has no object");
  WatchEvent event;
  if (!parse_type(type->get<std::string>(), event.type)) return bad_event("has an unknown type");
  if (event.type == WatchEventType::kError) {
    read_error_status(*object, event);
    return event;
  }
  auto pod = parse_pod(*object);
  if (!pod.ok()) return bad_event("object: " + pod.status().message());
  event.resource_version = pod->resource_version;
  if (event.type == WatchEventType::kBookmark) {
    if (event.resource_version.empty()) return bad_event("BOOKMARK has no resourceVersion");
    return event;
  }
  event.pod = std::move(*pod);
  return event;
}

Status WatchLineBuffer::feed(std::string_view chunk,
                             const std::function<void(std::string_view)>& on_line) {
  auto emit = [&](std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) on_line(line);
  };
  std::size_t start = 0;
  while (start < chunk.size()) {
    std::size_t newline = chunk.find('\n', start);
    std::string_view piece = chunk.substr(
        start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
    if (pending_.size() + piece.size() > max_line_bytes_) {
      pending_.clear();
      return Status(Code::kResourceExhausted, "kube_line_too_long",
                    "watch event longer than " + std::to_string(max_line_bytes_) + " bytes");
    }
    if (newline == std::string_view::npos) {
      pending_.append(piece);
      break;
    }
    if (pending_.empty()) {
      emit(piece);
    } else {
      pending_.append(piece);
      std::string line = std::move(pending_);
      pending_.clear();
      emit(line);
    }
    start = newline + 1;
  }
  return Status::ok_status();
}

}  // namespace smg::discovery
