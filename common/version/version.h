// Build and library versions, for `smgctl version` and the gateway's start-up log.
#pragma once

#include <string>

namespace smg::version {

const char* smg_version();    // e.g. "0.1.0"
const char* git_revision();   // short hash at configure time, or "unknown"
std::string openssl_version();  // of the library in use at run time, e.g. "OpenSSL 3.0.17 1 Jul 2025"
std::string curl_version();     // of the library in use at run time, e.g. "8.14.1"

}  // namespace smg::version
