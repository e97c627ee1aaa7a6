#include "tests/support/postgres_server.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "tests/support/loopback_socket.h"

namespace smg::test {
namespace {

const char* const kBinDir = "/usr/lib/postgresql/15/bin";
const char* const kUser = "smg";

std::string quoted(const std::string& text) { return "'" + text + "'"; }

std::string random_hex(std::size_t bytes) {
  std::random_device device;
  std::string out;
  const char* digits = "0123456789abcdef";
  for (std::size_t i = 0; i < bytes; ++i) {
    unsigned value = device() & 0xff;
    out += digits[value >> 4];
    out += digits[value & 0xf];
  }
  return out;
}

int free_port() {
  int port = 0;
  int fd = bind_loopback(port, 0);
  if (fd >= 0) ::close(fd);
  return port;
}

bool as_root() { return ::geteuid() == 0; }

}  // namespace

PostgresServer::PostgresServer() {
  std::string pattern = (std::filesystem::temp_directory_path() / "smg-pg-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  dir_ = pattern;
  data_dir_ = dir_ + "/data";
  password_ = "pw-" + random_hex(12);
  std::ofstream(dir_ + "/pwfile") << password_ << "\n";
  if (as_root()) {
    passwd* postgres = ::getpwnam("postgres");
    REQUIRE(postgres != nullptr);  // Debian's postgresql package creates this user
    REQUIRE(::chown(dir_.c_str(), postgres->pw_uid, postgres->pw_gid) == 0);
    REQUIRE(::chown((dir_ + "/pwfile").c_str(), postgres->pw_uid, postgres->pw_gid) == 0);
  }
  run_pg("initdb", "-D " + data_dir_ + " -U " + kUser + " --pwfile=" + dir_ +
                       "/pwfile --auth-local=trust --auth-host=scram-sha-256 -E UTF8"
                       " --locale=C --no-sync >" + dir_ + "/initdb.log 2>&1");
  port_ = free_port();
  start();
}

PostgresServer::~PostgresServer() {
  if (running_) {
    std::string command = "cd " + dir_ + " && " + (as_root() ? "runuser -u postgres -- " : "") +
                          kBinDir + "/pg_ctl stop -m immediate -w -D " + data_dir_ +
                          " >/dev/null 2>&1";
    [[maybe_unused]] int ignored = std::system(command.c_str());
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;
  return server;
}

void PostgresServer::run_pg(const std::string& program, const std::string& arguments) const {
  // From the server's own directory: the postgres user may not be allowed into the test's.
  std::string command = "cd " + dir_ + " && " + (as_root() ? "runuser -u postgres -- " : "") +
                        kBinDir + "/" + program + " " + arguments;
  INFO(command);
  INFO(dir_);
  REQUIRE(std::system(command.c_str()) == 0);
}

// fsync off: the tests restart the server, they never crash the machine under it.
void PostgresServer::start() {
  run_pg("pg_ctl", "start -w -t 30 -D " + data_dir_ + " -l " + dir_ + "/server.log -o " +
                       quoted("-p " + std::to_string(port_) +
                              " -c listen_addresses=127.0.0.1 -k " + dir_ +
                              " -c fsync=off -c max_connections=200") +
                       " >/dev/null");
  running_ = true;
}

void PostgresServer::stop() {
  run_pg("pg_ctl", "stop -m fast -w -t 30 -D " + data_dir_ + " >/dev/null");
  running_ = false;
}

std::string PostgresServer::dsn(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + kUser +
         " password=" + password_ + " dbname=" + database;
}

std::string PostgresServer::sql(const std::string& database, const std::string& statement) const {
  PGconn* conn = PQconnectdb(dsn(database).c_str());
  INFO(PQerrorMessage(conn));
  REQUIRE(PQstatus(conn) == CONNECTION_OK);
  PGresult* result = PQexec(conn, statement.c_str());
  ExecStatusType status = PQresultStatus(result);
  std::string error = PQresultErrorMessage(result);
  std::string first = status == PGRES_TUPLES_OK && PQntuples(result) > 0 && PQnfields(result) > 0
                          ? PQgetvalue(result, 0, 0)
                          : "";
  PQclear(result);
  PQfinish(conn);
  INFO(statement << ": " << error);
  REQUIRE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK));
  return first;
}

std::string PostgresServer::create_database() {
  std::string name;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    name = "smg_test_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
  }
  sql("postgres", "CREATE DATABASE " + name);
  return name;
}

}  // namespace smg::test
