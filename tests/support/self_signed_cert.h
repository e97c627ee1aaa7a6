// A self-signed certificate for 127.0.0.1 (CN and IP SAN, P-256 key, valid one day) written as
// PEM files, for tests that serve HTTPS without running the openssl CLI.
#pragma once

#include <string>

namespace smg::test {

// Throws std::runtime_error if OpenSSL cannot make or write it.
void write_self_signed_cert(const std::string& cert_path, const std::string& key_path);

}  // namespace smg::test
