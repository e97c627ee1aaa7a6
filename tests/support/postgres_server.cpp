#include "tests/support/postgres_server.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <sys/file.h>
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

// Hands `path` to the postgres user when running as root (PostgreSQL refuses to run as root).
void give_to_server_user(const std::string& path) {
  if (!as_root()) return;
  passwd* postgres = ::getpwnam("postgres");
  REQUIRE(postgres != nullptr);  // Debian's postgresql package creates this user
  REQUIRE(::chown(path.c_str(), postgres->pw_uid, postgres->pw_gid) == 0);
}

// Runs a shell command line as the server's user, from `dir` (the postgres user may not be
// allowed into the test's working directory).
int run_as_server_user(const std::string& dir, const std::string& command_line) {
  std::string command = "cd " + dir + " && " + (as_root() ? "runuser -u postgres -- " : "") +
                        command_line;
  return std::system(command.c_str());
}

class FileLock {
 public:
  explicit FileLock(const std::string& path)
      : fd_(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600)) {
    REQUIRE(fd_ >= 0);
    REQUIRE(::flock(fd_, LOCK_EX) == 0);
  }
  ~FileLock() { ::close(fd_); }  // closing releases the lock

 private:
  int fd_;
};

// Every server starts from the same initdb'd cluster: it is made once per machine and user and
// copied after, so a test process (ctest runs one per test case, in parallel, hence the lock)
// pays a copy of a few megabytes, not an initdb.
std::string cluster_template() {
  std::string root = (std::filesystem::temp_directory_path() /
                      ("smg-pg15-template-" + std::to_string(::geteuid())))
                         .string();
  FileLock lock(root + ".lock");
  if (std::filesystem::exists(root + "/ready")) return root;
  std::filesystem::remove_all(root);
  std::filesystem::create_directory(root);
  std::filesystem::permissions(root, std::filesystem::perms::owner_all);
  std::ofstream(root + "/pwfile") << "pw-" << random_hex(12) << "\n";
  give_to_server_user(root);
  give_to_server_user(root + "/pwfile");
  int initdb = run_as_server_user(
      root, std::string(kBinDir) + "/initdb -D " + root + "/data -U " + kUser + " --pwfile=" +
                root + "/pwfile --auth-local=trust --auth-host=scram-sha-256 -E UTF8" +
                " --locale=C --no-sync >" + root + "/initdb.log 2>&1");
  INFO("initdb into " << root);
  REQUIRE(initdb == 0);
  std::ofstream(root + "/ready") << "1\n";
  return root;
}

}  // namespace

PostgresServer::PostgresServer() {
  std::string source = cluster_template();
  std::ifstream(source + "/pwfile") >> password_;
  std::string pattern = (std::filesystem::temp_directory_path() / "smg-pg-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  dir_ = pattern;
  data_dir_ = dir_ + "/data";
  give_to_server_user(dir_);
  // -a keeps the postgres user's ownership and the 0700 the server insists on.
  REQUIRE(std::system(("cp -a " + source + "/data " + data_dir_).c_str()) == 0);
  port_ = free_port();
  start();
}

PostgresServer::~PostgresServer() {
  if (running_) {
    [[maybe_unused]] int ignored = run_as_server_user(
        dir_, std::string(kBinDir) + "/pg_ctl stop -m immediate -w -D " + data_dir_ +
                  " >/dev/null 2>&1");
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;
  return server;
}

void PostgresServer::run_pg(const std::string& program, const std::string& arguments) const {
  std::string command = std::string(kBinDir) + "/" + program + " " + arguments;
  INFO(command);
  REQUIRE(run_as_server_user(dir_, command) == 0);
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
