// Table: aligned text columns for `-o table` (kubectl's look: upper-case headers, two spaces
// between columns, no borders). Cells are sanitised to one line so a hostile value (a worker
// label, an audit path) cannot break the layout or forge rows.
// Thread-safety: a plain value.
//
//   Table table({"ID", "URL", "STATUS"});
//   table.add_row({id, url, "ready"});
//   table.print(std::cout);
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/output/color.h"

namespace smg::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // REQUIRES: cells.size() == number of headers.
  void add_row(std::vector<std::string> cells);
  std::size_t rows() const { return rows_.size(); }
  // Headers and rows; the last column is not padded. With `color`, the cells of the STATUS
  // column (and any OUTCOME column) are coloured (color.h), padding left outside the codes.
  void print(std::ostream& out, bool color = false) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// `text` with control characters (newlines, tabs, escapes) replaced by spaces.
std::string one_line(const std::string& text);

}  // namespace smg::cli
