// A request-log database on a named backend, for tests that run the same cases on SQLite and
// PostgreSQL: "sqlite" is a file in a fresh temporary directory, "postgres" a fresh database on
// the binary's shared PostgresServer.
//
//   auto backend = GENERATE(as<std::string>{}, "sqlite", "postgres");
//   smg::test::RequestLogBackend db(backend);
//   auto store = db.open();                     // REQUIREs success, migrated
//   auto raw = db.connect();                    // a bare connection, for old-schema setups
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "server/requestlog/internal/postgres_connection.h"
#include "server/requestlog/internal/sqlite_connection.h"
#include "server/requestlog/request_log_store.h"
#include "tests/support/peers.h"
#include "tests/support/postgres_server.h"

namespace smg::test {

class RequestLogBackend {
 public:
  explicit RequestLogBackend(std::string backend) : backend_(std::move(backend)) {
    if (backend_ == "postgres") dsn_ = PostgresServer::shared().dsn(PostgresServer::shared().create_database());
  }
  const std::string& name() const { return backend_; }
  const std::string& dsn() const { return dsn_; }
  std::string path() const { return dir_.file("request_log.db"); }

  Result<std::unique_ptr<requestlog::RequestLogStore>> try_open() const {
    return backend_ == "postgres" ? requestlog::RequestLogStore::open_postgres(dsn_)
                                  : requestlog::RequestLogStore::open(path());
  }
  std::unique_ptr<requestlog::RequestLogStore> open() const {
    auto store = try_open();
    INFO(backend_ << ": " << store.status().message());
    REQUIRE(store.ok());
    return std::move(*store);
  }
  std::unique_ptr<requestlog::internal::SqlConnection> connect() const {
    if (backend_ == "postgres") {
      auto connection = requestlog::internal::PostgresConnection::open(dsn_);
      REQUIRE(connection.ok());
      return std::move(*connection);
    }
    auto connection = requestlog::internal::SqliteConnection::open(path());
    REQUIRE(connection.ok());
    return std::move(*connection);
  }

 private:
  std::string backend_;
  TempDir dir_;
  std::string dsn_;
};

}  // namespace smg::test
