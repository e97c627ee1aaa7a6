// RedisUrl: where the shared state lives, parsed from `redis://[[user]:password@]host[:port][/db]`
// (the URL is read from the environment variable `server.state.redis_url_env` names, so the
// password never sits in a config file or on a command line).
//
// Defaults: port 6379, db 0. The password (and user) may be percent-encoded. TLS (`rediss://`),
// query strings, fragments and Unix sockets are refused with a clear message rather than ignored.
// describe() gives the URL without its password, for logs.
// Thread-safety: plain values and pure functions.
//
//   auto url = smg::redis::parse_redis_url("redis://:s3cret@127.0.0.1:6379/2");
//   if (!url.ok()) return url.status();            // reason "redis_url_invalid"
//   connect(url->host, url->port);                 // then AUTH, SELECT url->db
#pragma once

#include <string>
#include <string_view>

#include "common/crypto/crypto.h"
#include "common/status.h"

namespace smg::redis {

struct RedisUrl {
  std::string host{};
  int port = 6379;
  int db = 0;
  std::string user{};        // empty: AUTH with the password alone (Redis < 6 style)
  crypto::Secret password{};  // empty: no AUTH

  // "redis://host:port/db" with the credentials left out.
  std::string describe() const;
};

// kInvalidArgument "redis_url_invalid" naming what is wrong (never echoing the password).
Result<RedisUrl> parse_redis_url(std::string_view text);

}  // namespace smg::redis
