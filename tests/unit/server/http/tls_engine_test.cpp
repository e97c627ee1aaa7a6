// HTTPS on the Asio engine through the Listener, in-process (a certificate made with OpenSSL's
// API): requests over TLS, pipelined requests in one TLS record (decrypted bytes waiting inside
// OpenSSL), the 431 for an over-long header line, clients that never finish a handshake, and
// cleartext sent to the TLS port.
#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/http/listener.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/text_search.h"
#include "tests/support/peers.h"
#include "tests/support/self_signed_cert.h"

using namespace std::chrono_literals;
using smg::server::Listener;
using smg::server::ListenerOptions;
using smg::server::Request;

namespace {

class TlsListener {
 public:
  TlsListener() {
    smg::test::write_self_signed_cert(dir_.file("cert.pem"), dir_.file("key.pem"));
    ListenerOptions options;
    options.port = 0;
    options.serving_threads = 2;
    options.keep_alive_timeout = 1s;
    options.tls_cert_path = dir_.file("cert.pem");
    options.tls_key_path = dir_.file("key.pem");
    listener_ = std::make_unique<Listener>(options, [](Request& request) {
      smg::server::Response response = smg::server::text_response(
          200, request.path + (request.tls ? " over tls" : " in clear"));
      if (request.path == "/stream") {
        response.stream = [](smg::server::StreamSink& sink) {
          for (int i = 0; i < 3; ++i) {  // three chunks, each written once the last one is
            if (!sink.write("data: " + std::to_string(i) + "\n\n")) return false;
          }
          return true;
        };
      }
      return response;
    });
    auto port = listener_->bind();
    REQUIRE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { listener_->serve(); });
  }
  ~TlsListener() {
    listener_->stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  smg::test::TempDir dir_;
  std::unique_ptr<Listener> listener_;
  int port_ = 0;
  std::thread thread_;
};

// A TLS client on a raw socket: what it writes leaves as one TLS record.
class RawTlsClient {
 public:
  explicit RawTlsClient(int port)
      : ctx_(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free), fd_(smg::test::connect_loopback(port)) {
    REQUIRE(fd_ >= 0);
    ssl_ = SSL_new(ctx_.get());
    SSL_set_fd(ssl_, fd_);
    timeval wait{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    REQUIRE(SSL_connect(ssl_) == 1);
  }
  ~RawTlsClient() {
    SSL_free(ssl_);
    ::close(fd_);
  }
  void write(const std::string& bytes) {
    REQUIRE(SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) ==
            static_cast<int>(bytes.size()));
  }
  // Everything until the server closes (or 5 s pass).
  std::string read_all() {
    std::string out;
    char buffer[4096];
    int n;
    while ((n = SSL_read(ssl_, buffer, sizeof buffer)) > 0) out.append(buffer, n);
    ERR_clear_error();
    return out;
  }

 private:
  std::unique_ptr<SSL_CTX, void (*)(SSL_CTX*)> ctx_;
  int fd_;
  SSL* ssl_ = nullptr;
};

}  // namespace

TEST_CASE("tls engine: requests over TLS are served and marked tls", "[http][tls]") {
  TlsListener server;
  httplib::SSLClient client("127.0.0.1", server.port());
  client.enable_server_certificate_verification(false);
  for (int i = 0; i < 3; ++i) {  // one keep-alive connection, several requests
    auto res = client.Get("/hello");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "/hello over tls");
  }
}

TEST_CASE("tls engine: a streamed response over TLS and then the same connection again",
          "[http][tls]") {
  TlsListener server;
  httplib::SSLClient client("127.0.0.1", server.port());
  client.enable_server_certificate_verification(false);
  for (int i = 0; i < 2; ++i) {
    auto streamed = client.Get("/stream");
    REQUIRE(streamed);
    CHECK(streamed->status == 200);
    CHECK(streamed->body == "data: 0\n\ndata: 1\n\ndata: 2\n\n");
    auto after = client.Get("/after");
    REQUIRE(after);
    CHECK(after->body == "/after over tls");
  }
}

TEST_CASE("tls engine: pipelined requests in one TLS record are all answered", "[http][tls]") {
  TlsListener server;
  RawTlsClient client(server.port());
  client.write("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"
               "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string answers = client.read_all();
  CHECK(smg::test::count_occurrences(answers, "HTTP/1.1 200") == 3);
  auto one = answers.find("/one over tls");
  auto two = answers.find("/two over tls");
  auto three = answers.find("/three over tls");
  REQUIRE(three != std::string::npos);
  CHECK(one < two);
  CHECK(two < three);
}

TEST_CASE("tls engine: a header line over 8 KiB is 431 JSON", "[http][tls][attack]") {
  TlsListener server;
  RawTlsClient client(server.port());
  client.write("GET /x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(9000, 'a') +
               "\r\n\r\n");
  std::string answer = client.read_all();
  CHECK(answer.rfind("HTTP/1.1 431", 0) == 0);
  CHECK(answer.find("request_header_fields_too_large") != std::string::npos);
}

TEST_CASE("tls engine: silent clients and cleartext do not hold up others", "[http][tls][attack]") {
  TlsListener server;
  std::vector<int> silent;
  for (int i = 0; i < 50; ++i) silent.push_back(smg::test::connect_loopback(server.port()));
  int clear = smg::test::connect_loopback(server.port());
  std::string request = "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n";
  REQUIRE(::send(clear, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));

  httplib::SSLClient client("127.0.0.1", server.port());
  client.enable_server_certificate_verification(false);
  auto began = std::chrono::steady_clock::now();
  auto res = client.Get("/fine");
  REQUIRE(res);
  CHECK(res->body == "/fine over tls");
  CHECK(std::chrono::steady_clock::now() - began < 2s);

  // Cleartext is not a TLS handshake: the connection is closed without an HTTP answer.
  timeval wait{5, 0};
  setsockopt(clear, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  char buffer[256];
  ssize_t n = ::recv(clear, buffer, sizeof buffer, 0);
  CHECK((n <= 0 || std::string(buffer, static_cast<std::size_t>(n)).find("HTTP/1.1 200") ==
                       std::string::npos));
  // Silent connections are closed after the 1 s idle timeout.
  setsockopt(silent.front(), SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  CHECK(::recv(silent.front(), buffer, 1, 0) == 0);
  for (int fd : silent) ::close(fd);
  ::close(clear);
}
