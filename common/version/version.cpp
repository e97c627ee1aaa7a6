#include "common/version/version.h"

#include "version_info.h"

#include <curl/curl.h>
#include <openssl/crypto.h>

namespace smg::version {

const char* smg_version() { return SMG_VERSION; }
const char* git_revision() { return SMG_GIT_REVISION; }

std::string openssl_version() { return OpenSSL_version(OPENSSL_VERSION); }

std::string curl_version() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  return info != nullptr && info->version != nullptr ? info->version : "unknown";
}

}  // namespace smg::version
