#include "server/reports/markdown_export.h"

#include <catch2/catch.hpp>

#include <algorithm>

using smg::server::reports::escape_markdown;
using smg::server::reports::ExportHeader;
using smg::server::reports::markdown_export;

TEST_CASE("markdown export: escapes table breakers links html and emphasis",
          "[reports][markdown][attack]") {
  CHECK(escape_markdown("a|b") == "a\\|b");
  CHECK(escape_markdown("[click](http://evil)") == "\\[click\\](http://evil)");
  CHECK(escape_markdown("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(escape_markdown("**bold** _it_ `code`") == "\\*\\*bold\\*\\* \\_it\\_ \\`code\\`");
  CHECK(escape_markdown("line\nbreak\r\tend") == "line break  end");
  CHECK(escape_markdown("m1") == "m1");
}

TEST_CASE("markdown export: one escaped row per record under the totals", "[reports][markdown]") {
  smg::requestlog::RequestRecord row;
  row.request_id = "id-1";
  row.timestamp_ms = 0;
  row.caller_subject = "caller:app1";
  row.caller_domain = "example/prod";
  row.model = "evil|model\n| injected | row |";
  row.status = 200;
  row.usage.total_tokens = 12;
  smg::requestlog::Summary summary;
  summary.totals.requests = 1;
  ExportHeader header;
  header.subject = "basic:admin";
  header.domains = {"example/prod"};
  header.filter = {{"model", "<b>x</b>"}};
  std::string md = markdown_export(header, summary, {row});
  CHECK(md.find("# smg request report") == 0);
  CHECK(md.find("evil\\|model \\| injected \\| row \\|") != std::string::npos);
  CHECK(md.find("<b>") == std::string::npos);
  CHECK(md.find("- Filter model: &lt;b&gt;x&lt;/b&gt;") != std::string::npos);
  // Header, separator and exactly one data row in the requests table: no injected row.
  auto table = md.substr(md.find("## Requests"));
  CHECK(std::count(table.begin(), table.end(), '\n') == 5);
}
