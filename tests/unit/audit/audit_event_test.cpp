#include "common/audit/audit_event.h"

#include <catch2/catch.hpp>

using nlohmann::json;
using smg::audit::AuditEvent;
using smg::audit::kMaxFieldBytes;
using smg::audit::to_json;
using smg::audit::to_json_line;

namespace {

AuditEvent sample() {
  AuditEvent event;
  event.timestamp_ms = 1700000000123;
  event.principal = "api_key:admin1";
  event.auth_method = "api_key";
  event.role = "admin";
  event.method = "DELETE";
  event.path = "/workers/123e4567-e89b-42d3-a456-426614174000";
  event.resource = "123e4567-e89b-42d3-a456-426614174000";
  event.outcome = "success";
  event.status = 202;
  event.request_id = "req-1";
  event.details = "";
  event.sequence = 7;
  return event;
}

// Whether `text` is well-formed UTF-8 (no truncated or stray sequences).
bool valid_utf8(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3
                                                        : (c >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

TEST_CASE("audit event: the JSON line carries every field", "[audit][event]") {
  std::string line = to_json_line(sample());
  CHECK(line.find('\n') == std::string::npos);
  json j = json::parse(line);
  CHECK(j["event"] == "control_plane_audit");
  CHECK(j["target"] == "smg::audit");
  CHECK(j["timestamp"] == "2023-11-14T22:13:20.123Z");
  CHECK(j["principal"] == "api_key:admin1");
  CHECK(j["auth_method"] == "api_key");
  CHECK(j["role"] == "admin");
  CHECK(j["method"] == "DELETE");
  CHECK(j["path"] == "/workers/123e4567-e89b-42d3-a456-426614174000");
  CHECK(j["resource"] == "123e4567-e89b-42d3-a456-426614174000");
  CHECK(j["outcome"] == "success");
  CHECK(j["status"] == 202);
  CHECK(j["request_id"] == "req-1");
  CHECK(j["details"] == "");
  CHECK(j["id"] == 7);
  CHECK(to_json(sample()) == j);
}

TEST_CASE("audit event: fields are capped at 1024 bytes without splitting UTF-8",
          "[audit][event]") {
  for (std::size_t prefix = kMaxFieldBytes - 3; prefix <= kMaxFieldBytes; ++prefix) {
    AuditEvent event = sample();
    // "€" is 3 bytes: every offset of the cap inside it is tried.
    event.path = std::string(prefix, 'a');
    for (int i = 0; i < 10; ++i) event.path += "\xe2\x82\xac";
    event.details = std::string(5000, 'd');
    json j = json::parse(to_json_line(event));
    std::string path = j["path"];
    INFO(prefix);
    CHECK(path.size() <= kMaxFieldBytes);
    CHECK(path.size() > kMaxFieldBytes - 3);
    CHECK(valid_utf8(path));
    CHECK(path.find("\xef\xbf\xbd") == std::string::npos);  // nothing replaced
    CHECK(path.compare(0, prefix, std::string(prefix, 'a')) == 0);
    CHECK(j["details"].get<std::string>().size() == kMaxFieldBytes);
  }
  AuditEvent exact = sample();
  exact.principal = std::string(kMaxFieldBytes, 'p');
  CHECK(to_json(exact)["principal"].get<std::string>().size() == kMaxFieldBytes);
}

TEST_CASE("audit event: a hostile path cannot forge a line", "[audit][event][attack]") {
  AuditEvent event = sample();
  event.path = "/workers/x\n{\"event\":\"forged\"}\r\x1b[31m\t\x01";
  event.details = "bad\nline";
  std::string line = to_json_line(event);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\r') == std::string::npos);
  CHECK(line.find('\x1b') == std::string::npos);
  CHECK(line.find('\x01') == std::string::npos);
  CHECK(line.find("\\n{\\\"event\\\":\\\"forged\\\"}") != std::string::npos);
  json j = json::parse(line);
  CHECK(j["event"] == "control_plane_audit");
  CHECK(j["path"] == event.path);
  SECTION("invalid UTF-8 is replaced, not thrown") {
    event.path = "/workers/\xff\xfe";
    json replaced;
    REQUIRE_NOTHROW(replaced = json::parse(to_json_line(event)));
    CHECK(replaced["path"].get<std::string>().find("\xef\xbf\xbd") != std::string::npos);
  }
}
