#include "server/requestlog/record_filter.h"

namespace smg::requestlog {
namespace {

class Builder {
 public:
  void add(const std::string& condition) {
    clause_ += clause_.empty() ? "WHERE " : " AND ";
    clause_ += condition;
  }
  std::string bind(SqlValue value) {
    values_.push_back(std::move(value));
    return "$" + std::to_string(values_.size());
  }
  void equals(const char* column, const std::string& value) {
    if (!value.empty()) add(std::string(column) + " = " + bind(value));
  }
  SqlWhere done() { return {std::move(clause_), std::move(values_)}; }

 private:
  std::string clause_;
  std::vector<SqlValue> values_;
};

void add_scope(Builder& where, const RecordFilter& filter) {
  std::string in;
  for (const auto& domain : filter.domains) {
    in += (in.empty() ? "" : ", ") + where.bind(domain);
  }
  if (filter.include_unscoped) in += (in.empty() ? "" : ", ") + where.bind(std::string());
  where.add(in.empty() ? "1 = 0" : "caller_domain IN (" + in + ")");
}

}  // namespace

SqlWhere where_clause(const RecordFilter& filter) {
  Builder where;
  add_scope(where, filter);
  where.equals("model", filter.model);
  where.equals("caller_subject", filter.caller);
  where.equals("worker", filter.worker);
  where.equals("route", filter.route);
  if (filter.status) where.add("status = " + where.bind(int64_t{*filter.status}));
  if (!filter.statuses.empty()) {
    std::string in;
    for (int status : filter.statuses) in += (in.empty() ? "" : ", ") + where.bind(int64_t{status});
    where.add("status IN (" + in + ")");
  }
  if (filter.status_class) {
    int64_t low = int64_t{*filter.status_class} * 100;
    where.add("status >= " + where.bind(low) + " AND status < " + where.bind(low + 100));
  }
  if (filter.errors_only) where.add(*filter.errors_only ? kIsError : std::string("NOT ") + kIsError);
  if (filter.stream) where.add("stream = " + where.bind(int64_t{*filter.stream ? 1 : 0}));
  if (filter.from_ms) where.add("ts_ms >= " + where.bind(*filter.from_ms));
  if (filter.to_ms) where.add("ts_ms < " + where.bind(*filter.to_ms));
  if (filter.before_seq) where.add("seq < " + where.bind(*filter.before_seq));
  return where.done();
}

}  // namespace smg::requestlog
