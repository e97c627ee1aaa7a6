// The Markdown export of a report view (`GET /admin/reports/api/export.md`): a heading, the
// filter it was made with, the totals, and the request rows as a table. Every value that came
// from a request (model names, caller subjects, error types, ids) is escaped, so a hostile
// model name can neither break the table nor smuggle links, HTML or emphasis into the document.
// Thread-safety: pure functions.
//
//   std::string md = markdown_export({.generated_at_ms = now, .filter_text = "model=m1"},
//                                    summary, rows);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/requestlog/report_queries.h"
#include "server/requestlog/request_record.h"

namespace smg::server::reports {

struct ExportHeader {
  int64_t generated_at_ms = 0;
  std::string subject;                     // who exported
  std::vector<std::string> domains;        // what they could see
  std::vector<std::pair<std::string, std::string>> filter;  // parameters as given
  bool more_rows = false;                  // the table was cut at the page size
};

// Escapes Markdown and HTML metacharacters and turns line breaks and control characters into
// spaces; the result is safe inside a table cell or a paragraph.
std::string escape_markdown(std::string_view text);

std::string markdown_export(const ExportHeader& header, const requestlog::Summary& summary,
                            const std::vector<requestlog::RequestRecord>& rows);

}  // namespace smg::server::reports
