#include "server/requestlog/internal/sql_connection.h"

#include <charconv>
#include <cstdlib>

namespace smg::requestlog::internal {

// PostgreSQL answers SUM() of a BIGINT as numeric; a whole number reads the same either way.
int64_t SqlRow::integer(std::size_t column) const {
  const auto& cell = cells.at(column);
  if (!cell) return 0;
  int64_t value = 0;
  std::from_chars(cell->data(), cell->data() + cell->size(), value);
  return value;
}

double SqlRow::real(std::size_t column) const {
  const auto& cell = cells.at(column);
  return cell ? std::strtod(cell->c_str(), nullptr) : 0.0;
}

std::optional<int64_t> SqlRow::optional_integer(std::size_t column) const {
  if (!cells.at(column)) return std::nullopt;
  return integer(column);
}

}  // namespace smg::requestlog::internal
