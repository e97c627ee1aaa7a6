#include <curl/curl.h>

#include <string>

#include "common/http/http_client.h"

namespace smg::http {
namespace {

// Parses with libcurl's URL API so that our idea of the host matches the one curl will connect to.
struct ParsedUrl {
  std::string scheme;
  std::string host;
};

Result<ParsedUrl> parse_url(const std::string& url) {
  CURLU* handle = curl_url();
  if (curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    curl_url_cleanup(handle);
    return invalid_argument("bad_url", "not a valid absolute URL");
  }
  ParsedUrl parsed;
  char* part = nullptr;
  if (curl_url_get(handle, CURLUPART_SCHEME, &part, 0) == CURLUE_OK) {
    parsed.scheme = part;
    curl_free(part);
  }
  if (curl_url_get(handle, CURLUPART_HOST, &part, 0) == CURLUE_OK) {
    parsed.host = part;
    curl_free(part);
  }
  curl_url_cleanup(handle);
  return parsed;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "[::1]" || host == "::1") {
    return true;
  }
  // 127.0.0.0/8 in dotted-quad form only; curl normalises other IPv4 spellings to this form.
  if (host.rfind("127.", 0) != 0) {
    return false;
  }
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

bool is_loopback_url(const std::string& url) {
  auto parsed = parse_url(url);
  return parsed.ok() && is_loopback_host(parsed->host);
}

Status check_fetch_url(const std::string& url) {
  auto parsed = parse_url(url);
  if (!parsed.ok()) {
    return parsed.status();
  }
  if (parsed->scheme == "https") {
    return Status::ok_status();
  }
  if (parsed->scheme == "http" && is_loopback_host(parsed->host)) {
    return Status::ok_status();
  }
  return invalid_argument("insecure_url", "URL must use https (http is allowed only for loopback)");
}

}  // namespace smg::http
