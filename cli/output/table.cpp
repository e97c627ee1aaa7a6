#include "cli/output/table.h"

#include <algorithm>
#include <cassert>

namespace smg::cli {

std::string one_line(const std::string& text) {
  std::string line = text;
  std::replace_if(
      line.begin(), line.end(),
      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, ' ');
  return line;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::add_row(std::vector<std::string> cells) {
  assert(cells.size() == headers_.size());
  for (std::string& cell : cells) cell = one_line(cell);
  rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out, bool color) const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t i = 0; i < headers_.size(); ++i) widths[i] = headers_[i].size();
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  auto color_of = [&](std::size_t column, const std::string& cell) {
    if (!color) return Color::kNone;
    if (headers_[column] == "STATUS") return color_for_status(cell);
    if (headers_[column] == "OUTCOME") return color_for_outcome(cell);
    return Color::kNone;
  };
  bool header = true;
  auto print_row = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out << (header ? cells[i] : paint(cells[i], color_of(i, cells[i]), true));
      if (i + 1 < cells.size()) out << std::string(widths[i] - cells[i].size() + 2, ' ');
    }
    out << "\n";
  };
  print_row(headers_);
  header = false;
  for (const auto& row : rows_) print_row(row);
}

}  // namespace smg::cli
