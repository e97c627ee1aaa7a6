#include "server/requestlog/internal/postgres_connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <deque>

#include "common/log/logger.h"
#include "common/tokenizer/unicode.h"

namespace smg::requestlog::internal {
namespace {

constexpr Oid kByteaOid = 17;
constexpr std::chrono::milliseconds kMaxBackoff{5000};

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Parameters for PQexecParams, all as text.
class Params {
 public:
  void text(std::string_view value) { add(keep(value), 0); }
  // PostgreSQL text holds valid UTF-8 without NUL; SQLite stores any bytes. Client-supplied ids
  // are made valid here rather than failing the whole batch.
  void client_text(std::string_view value) {
    bool clean = value.find('\0') == std::string_view::npos && tokenizer::is_valid_utf8(value);
    if (clean) {
      add(value, 0);
      return;
    }
    std::string fixed = tokenizer::utf8_lossy(value);
    std::replace(fixed.begin(), fixed.end(), '\0', '?');
    add(keep(fixed), 0);
  }
  void integer(int64_t value) { add(keep(std::to_string(value)), 0); }
  void optional_integer(const std::optional<int64_t>& value) {
    if (value) {
      integer(*value);
    } else {
      values_.push_back(nullptr);
      lengths_.push_back(0);
      formats_.push_back(0);
    }
  }
  void value(const SqlValue& value) {
    if (const auto* number = std::get_if<int64_t>(&value)) {
      integer(*number);
    } else {
      client_text(std::get<std::string>(value));
    }
  }
  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::string_view keep(std::string_view value) { return storage_.emplace_back(value); }
  void add(std::string_view value, int format) {
    // libpq reads text parameters up to their NUL; a view into a std::string has one after it,
    // and kept copies are std::strings too.
    values_.push_back(value.data());
    lengths_.push_back(static_cast<int>(value.size()));
    formats_.push_back(format);
  }

  std::deque<std::string> storage_;  // deque: growing never moves what values_ points at
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

std::string trimmed_error(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// COPY's text format: tab-separated columns, one line per row, \N for null; backslash, tab,
// newline and carriage return escaped. Text must be valid UTF-8 without NUL (see client_text).
void copy_text(std::string& line, std::string_view value) {
  bool clean = value.find('\0') == std::string_view::npos && tokenizer::is_valid_utf8(value);
  std::string fixed;
  if (!clean) {
    fixed = tokenizer::utf8_lossy(value);
    std::replace(fixed.begin(), fixed.end(), '\0', '?');
    value = fixed;
  }
  for (char c : value) {
    switch (c) {
      case '\\': line += "\\\\"; break;
      case '\t': line += "\\t"; break;
      case '\n': line += "\\n"; break;
      case '\r': line += "\\r"; break;
      default: line += c;
    }
  }
  line += '\t';
}

void copy_integer(std::string& line, int64_t value) {
  line += std::to_string(value);
  line += '\t';
}

void copy_optional(std::string& line, const std::optional<int64_t>& value) {
  if (value) {
    copy_integer(line, *value);
  } else {
    line += "\\N\t";
  }
}

// bytea in hex ("\x0a1b..."), its backslash escaped for COPY.
void copy_bytes(std::string& line, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  line += "\\\\x";
  for (unsigned char c : bytes) {
    line += kHex[c >> 4];
    line += kHex[c & 0xf];
  }
  line += '\t';
}

void end_row(std::string& line) { line.back() = '\n'; }

void record_row(std::string& line, const RequestRecord& r) {
  copy_integer(line, r.seq);
  copy_text(line, r.request_id);
  copy_integer(line, r.timestamp_ms);
  for (const std::string* text : {&r.caller_subject, &r.caller_domain, &r.auth_method, &r.model,
                                  &r.worker, &r.route}) {
    copy_text(line, *text);
  }
  for (int64_t number : {int64_t{r.status}, int64_t{r.upstream_status}, r.latency_us, r.ttfb_us,
                         int64_t{r.stream ? 1 : 0}}) {
    copy_integer(line, number);
  }
  for (const auto& count : {r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens}) {
    copy_optional(line, count);
  }
  copy_text(line, r.error_type);
  copy_text(line, r.client_addr);
  end_row(line);
}

void content_row(std::string& line, int64_t seq, const CapturedContent& c) {
  copy_integer(line, seq);
  copy_bytes(line, c.request_body);
  copy_bytes(line, c.response_body);
  copy_integer(line, c.request_truncated ? 1 : 0);
  copy_integer(line, c.response_truncated ? 1 : 0);
  copy_integer(line, c.captured_at_ms);
  copy_integer(line, c.expires_at_ms);
  end_row(line);
}

// Rows go to the server in chunks of about this many bytes.
constexpr std::size_t kCopyChunkBytes = 256 * 1024;

// One parameterised statement; the values are bound by Params (text, bytea as binary).
ResultPtr exec_params(PGconn* conn, const std::string& sql,
                      const std::vector<SqlValue>& values) {
  Params params;
  for (const auto& value : values) params.value(value);
  return ResultPtr(PQexecParams(conn, sql.c_str(), params.size(), nullptr, params.values(),
                                params.lengths(), params.formats(), 0),
                   &PQclear);
}

}  // namespace

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::open(const std::string& dsn) {
  std::unique_ptr<PostgresConnection> connection(new PostgresConnection(dsn));
  if (Status connected = connection->connect(); !connected.ok()) return connected;
  return connection;
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

// Defaults come before the DSN, so a DSN that sets any of them wins. The statement timeout keeps
// a wedged server from holding the writer (or a report) forever.
Status PostgresConnection::connect() {
  PQfinish(conn_);
  const char* keywords[] = {"connect_timeout", "application_name", "keepalives_idle", "options",
                            "dbname", nullptr};
  const char* values[] = {"3", "smg", "30", "-c statement_timeout=30000", dsn_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  auto now = std::chrono::steady_clock::now();
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) {
    // Server notices ("relation already exists, skipping") are not errors; libpq would print
    // them on stderr, outside the gateway's log format.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    if (lost_logged_) log::info("smg::request_log", "PostgreSQL reachable again");
    lost_logged_ = false;
    backoff_ = std::chrono::milliseconds(200);
    return Status::ok_status();
  }
  // libpq's messages name the host and user, never the password.
  std::string reason = trimmed_error(PQerrorMessage(conn_));
  PQfinish(conn_);
  conn_ = nullptr;
  next_attempt_ = now + backoff_;
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  if (!lost_logged_) {
    log::warn("smg::request_log", "PostgreSQL unreachable; records wait in the queue",
              {{"reason", reason}});
    lost_logged_ = true;
  }
  return unavailable(kUnreachable, "Request log: cannot connect to PostgreSQL: " + reason);
}

Status PostgresConnection::ready() {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return Status::ok_status();
  if (std::chrono::steady_clock::now() < next_attempt_) {
    return unavailable(kUnreachable, "Request log: PostgreSQL unreachable (retrying)");
  }
  return connect();
}

Status PostgresConnection::failure(const std::string& what) {
  std::string reason = trimmed_error(PQerrorMessage(conn_));
  if (PQstatus(conn_) == CONNECTION_BAD) {
    PQfinish(conn_);
    conn_ = nullptr;
    next_attempt_ = {};  // the first reconnect is at once: a restart may already be over
    if (!lost_logged_) {
      log::warn("smg::request_log", "PostgreSQL connection lost; records wait in the queue",
                {{"reason", reason}});
      lost_logged_ = true;
    }
    return unavailable(kUnreachable, "Request log: PostgreSQL connection lost: " + reason);
  }
  return unavailable("request_log_unavailable", "Request log: " + what + ": " + reason);
}

Status PostgresConnection::execute(std::string_view script) {
  if (Status s = ready(); !s.ok()) return s;
  ResultPtr result(PQexec(conn_, std::string(script).c_str()), &PQclear);
  ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return failure("statement failed");
  return Status::ok_status();
}

Result<SqlRows> PostgresConnection::query(const std::string& sql,
                                          const std::vector<SqlValue>& values) {
  if (Status s = ready(); !s.ok()) return s;
  ResultPtr result = exec_params(conn_, sql, values);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) return failure("query failed");
  int rows = PQntuples(result.get());
  int columns = PQnfields(result.get());
  SqlRows out(static_cast<std::size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    auto& cells = out[static_cast<std::size_t>(r)].cells;
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result.get(), r, c)) {
        cells.emplace_back(std::nullopt);
        continue;
      }
      const char* text = PQgetvalue(result.get(), r, c);
      if (PQftype(result.get(), c) != kByteaOid) {
        cells.emplace_back(std::string(text, static_cast<std::size_t>(PQgetlength(result.get(), r, c))));
        continue;
      }
      std::size_t length = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &length);
      cells.emplace_back(std::string(reinterpret_cast<const char*>(bytes), length));
      PQfreemem(bytes);
    }
  }
  return out;
}

Result<int64_t> PostgresConnection::update(const std::string& sql,
                                           const std::vector<SqlValue>& values) {
  if (Status s = ready(); !s.ok()) return s;
  ResultPtr result = exec_params(conn_, sql, values);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) return failure("change failed");
  return int64_t{std::atoll(PQcmdTuples(result.get()))};
}

// One transaction: seqs from the sequence first (one round trip for the whole batch, and each
// record knows its seq before the content rows refer to it), then one COPY per table.
Status PostgresConnection::insert(std::vector<RequestRecord>& records) {
  if (records.empty()) return Status::ok_status();
  if (Status begun = execute("BEGIN"); !begun.ok()) return begun;
  Status inserted = insert_rows(records);
  if (inserted.ok()) inserted = insert_content(records);
  if (inserted.ok()) return execute("COMMIT");
  if (conn_ != nullptr) execute("ROLLBACK");
  return inserted;
}

Status PostgresConnection::insert_rows(std::vector<RequestRecord>& records) {
  auto seqs = query("SELECT nextval(pg_get_serial_sequence('requests', 'seq')) FROM"
                    " generate_series(1, " + std::to_string(records.size()) + ")",
                    {});
  if (!seqs.ok()) return seqs.status();
  if (seqs->size() != records.size()) return failure("sequence returned too few values");
  for (std::size_t i = 0; i < records.size(); ++i) records[i].seq = (*seqs)[i].integer(0);
  return copy("COPY requests (seq, request_id, ts_ms, caller_subject, caller_domain, auth_method,"
              " model, worker, route, status, upstream_status, latency_us, ttfb_us, stream,"
              " prompt_tokens, completion_tokens, total_tokens, error_type, client_addr)"
              " FROM STDIN",
              records, false);
}

Status PostgresConnection::insert_content(const std::vector<RequestRecord>& records) {
  bool any = std::any_of(records.begin(), records.end(),
                         [](const RequestRecord& r) { return r.content.has_value(); });
  if (!any) return Status::ok_status();
  return copy("COPY content FROM STDIN", records, true);
}

// COPY, not INSERT: PostgreSQL parses and plans one statement per batch instead of a
// 512-row VALUES list, several times the rows per second for the same CPU.
Status PostgresConnection::copy(const std::string& sql, const std::vector<RequestRecord>& records,
                                bool content) {
  ResultPtr started(PQexec(conn_, sql.c_str()), &PQclear);
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) return failure("cannot start COPY");
  std::string chunk;
  bool sent = true;
  for (const RequestRecord& r : records) {
    if (content && !r.content) continue;
    content ? content_row(chunk, r.seq, *r.content) : record_row(chunk, r);
    if (chunk.size() >= kCopyChunkBytes) {
      sent = sent && PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) == 1;
      chunk.clear();
    }
  }
  if (!chunk.empty()) {
    sent = sent && PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) == 1;
  }
  sent = PQputCopyEnd(conn_, sent ? nullptr : "smg: could not send rows") == 1 && sent;
  ResultPtr done(PQgetResult(conn_), &PQclear);
  bool copied = sent && PQresultStatus(done.get()) == PGRES_COMMAND_OK;
  while (PGresult* more = PQgetResult(conn_)) PQclear(more);
  return copied ? Status::ok_status() : failure("COPY failed");
}

}  // namespace smg::requestlog::internal
