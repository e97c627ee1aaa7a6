// PostgresServer: a real PostgreSQL for tests, from Debian's binaries (/usr/lib/postgresql/15/bin,
// installed by scripts/install-deps): `initdb` into a temporary directory, `pg_ctl start` on a
// free loopback port, password (SCRAM) authentication for TCP. PostgreSQL refuses to run as
// root, so under root the directory is handed to the `postgres` system user and every server
// command runs through `runuser -u postgres --`. stop()/start() keep the data and the port, for
// tests of an outage. initdb runs once per machine: its cluster is kept as a template under the
// temporary directory and copied for each server. shared() makes one server per test process;
// tests isolate themselves with create_database().
// Thread-safety: one owner; create_database() may be called from any thread.
//
//   auto& pg = smg::test::PostgresServer::shared();
//   std::string dsn = pg.dsn(pg.create_database());   // "host=127.0.0.1 port=... dbname=..."
//   pg.stop(); ... pg.start();
#pragma once

#include <mutex>
#include <string>

namespace smg::test {

class PostgresServer {
 public:
  PostgresServer();  // REQUIREs that initdb and the start succeed
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  static PostgresServer& shared();

  int port() const { return port_; }
  const std::string& password() const { return password_; }
  std::string dsn(const std::string& database = "postgres") const;
  // A new, empty database with a unique name.
  std::string create_database();
  // Runs SQL as the superuser on `database`; returns the first column of the first row, or "".
  std::string sql(const std::string& database, const std::string& statement) const;

  void stop();   // fast shutdown: connections are cut, as in a restart
  void start();  // same data directory and port
  bool running() const { return running_; }

 private:
  void run_pg(const std::string& program, const std::string& arguments) const;

  std::string dir_;
  std::string data_dir_;
  std::string password_;
  int port_ = 0;
  bool running_ = false;
  int databases_ = 0;
  std::mutex mutex_;
};

}  // namespace smg::test
