#include "server/reports/markdown_export.h"

#include <cstdio>

#include "common/clock/clock.h"

namespace smg::server::reports {
namespace {

std::string one_decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

std::string count(const std::optional<int64_t>& value) {
  return value ? std::to_string(*value) : "";
}

std::string row_line(const requestlog::RequestRecord& r) {
  std::vector<std::string> cells = {
      format_rfc3339_ms(r.timestamp_ms), r.request_id, r.caller_subject, r.caller_domain, r.model,
      r.worker, r.route, std::to_string(r.status), r.stream ? "yes" : "no",
      one_decimal(static_cast<double>(r.latency_us) / 1000.0),
      one_decimal(static_cast<double>(r.ttfb_us) / 1000.0), count(r.usage.prompt_tokens),
      count(r.usage.completion_tokens), count(r.usage.total_tokens), r.error_type};
  std::string line = "|";
  for (const auto& cell : cells) line += " " + escape_markdown(cell) + " |";
  return line + "\n";
}

std::string totals_section(const requestlog::Summary& s) {
  const auto& t = s.totals;
  double rate = t.requests == 0 ? 0.0 : 100.0 * static_cast<double>(t.errors) /
                                            static_cast<double>(t.requests);
  return "## Totals\n\n"
         "| requests | errors | error rate | p50 latency ms | p95 latency ms | prompt tokens |"
         " completion tokens | total tokens |\n"
         "|---:|---:|---:|---:|---:|---:|---:|---:|\n| " +
         std::to_string(t.requests) + " | " + std::to_string(t.errors) + " | " +
         one_decimal(rate) + "% | " + one_decimal(s.p50_latency_ms) + " | " +
         one_decimal(s.p95_latency_ms) + " | " + std::to_string(t.prompt_tokens) + " | " +
         std::to_string(t.completion_tokens) + " | " + std::to_string(t.total_tokens) + " |\n\n";
}

}  // namespace

std::string escape_markdown(std::string_view text) {
  // Inline metacharacters only: values never start a line (they follow "| " or "- Name: "),
  // so block markers (#, -, +, digits with a dot) cannot take effect, and without [ ] no link or
  // image can form.
  static constexpr std::string_view kSpecial = "\\`*_[]|~";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += ' ';
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      if (kSpecial.find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  return out;
}

std::string markdown_export(const ExportHeader& header, const requestlog::Summary& summary,
                            const std::vector<requestlog::RequestRecord>& rows) {
  std::string md = "# smg request report\n\n";
  md += "- Generated: " + escape_markdown(format_rfc3339_ms(header.generated_at_ms)) + "\n";
  md += "- By: " + escape_markdown(header.subject) + "\n";
  std::string domains;
  for (const auto& domain : header.domains) domains += (domains.empty() ? "" : ", ") + domain;
  md += "- Domains: " + escape_markdown(domains) + "\n";
  for (const auto& [name, value] : header.filter) {
    md += "- Filter " + escape_markdown(name) + ": " + escape_markdown(value) + "\n";
  }
  md += "\n" + totals_section(summary);
  md += "## Requests\n\n"
        "| time | request id | caller | domain | model | worker | route | status | stream |"
        " latency ms | ttfb ms | prompt tokens | completion tokens | total tokens | error |\n"
        "|---|---|---|---|---|---|---|---:|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& row : rows) md += row_line(row);
  if (header.more_rows) md += "\nMore rows match; narrow the filter or page with the API.\n";
  return md;
}

}  // namespace smg::server::reports
