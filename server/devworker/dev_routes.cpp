#include "server/devworker/dev_routes.h"

#include <strings.h>

#include <cctype>
#include <charconv>
#include <ctime>
#include <map>
#include <thread>
#include <utility>

#include "common/crypto/crypto.h"
#include "server/devworker/sse_stream.h"

namespace smg::devworker {
namespace {

using nlohmann::json;

using server::Request;
using server::Response;

Response send_json(int status, const json& body) {
  Response response;
  response.status = status;
  // Replace rather than throw on invalid UTF-8 (headers echoed by /dev/stats may hold any byte).
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

Response send_error(int status, const std::string& type, const std::string& message,
                    const std::string& code = "") {
  return server::error_response(status, type, message, code);
}

Response send_bad_request(const Status& status) {
  return send_error(400, "invalid_request_error", status.message());
}

Response unauthorized() {
  Response response =
      send_error(401, "invalid_request_error", "Missing or invalid API key", "invalid_api_key");
  response.set_header("WWW-Authenticate", "Bearer");
  return response;
}

std::map<std::string, std::string> lower_cased_headers(const Request& req) {
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : req.headers) {
    std::string lower = name;
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    headers.emplace(std::move(lower), value);  // the first of repeated headers wins
  }
  return headers;
}

// A header holding a non-negative decimal integer no larger than `max`.
Result<std::optional<long>> numeric_header(const Request& req, const char* name, long max) {
  std::optional<std::string> header = req.header(name);
  if (!header) {
    return std::optional<long>();
  }
  const std::string& text = *header;
  long value = -1;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0 || value > max) {
    return invalid_argument(
        "invalid_request_error",
        std::string("header ") + name + " must be an integer in [0, " + std::to_string(max) + "]");
  }
  return std::optional<long>(value);
}

Result<TestHooks> parse_hooks(const Request& req) {
  TestHooks hooks;
  auto delay = numeric_header(req, "x-dev-delay-ms", 600000);
  auto status = numeric_header(req, "x-dev-status", 599);
  auto chunks = numeric_header(req, "x-dev-chunks", 1000000);
  for (const auto* parsed : {&delay, &status, &chunks}) {
    if (!parsed->ok()) {
      return parsed->status();
    }
  }
  if (*delay) {
    hooks.delay = std::chrono::milliseconds(**delay);
  }
  if (*status) {
    hooks.status = static_cast<int>(**status);
  }
  if (*chunks && **chunks > 0) {
    hooks.chunks = static_cast<std::size_t>(**chunks);
  }
  return hooks;
}

Response send_forced_status(int status) {
  bool client_error = status < 500;
  return send_error(status, client_error ? "invalid_request_error" : "server_error",
             "x-dev-status asked for HTTP " + std::to_string(status), "dev_forced_status");
}

}  // namespace

DevRoutes::DevRoutes(const DevWorkerOptions& options, DevStats& stats,
                     const std::atomic<bool>& stopping, boost::asio::io_context& io)
    : options_(options),
      stats_(stats),
      stopping_(stopping),
      io_(io),
      started_at_(static_cast<std::int64_t>(std::time(nullptr))) {
  install_routes();
}

bool DevRoutes::authorized(const Request& req) const {
  if (!options_.api_key) {
    return true;
  }
  std::string header = req.header("Authorization").value_or("");
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() < kScheme.size() ||
      strncasecmp(header.c_str(), kScheme.data(), kScheme.size()) != 0) {
    return false;
  }
  return crypto::constant_time_equal(std::string_view(header).substr(kScheme.size()),
                                     *options_.api_key);
}

bool DevRoutes::serves(const std::string& model) const {
  for (const auto& id : options_.models) {
    if (id == model) {
      return true;
    }
  }
  return false;
}

ResponseIds DevRoutes::next_ids(const char* prefix) {
  return {std::string(prefix) + "-dev-" + std::to_string(++next_id_),
          static_cast<std::int64_t>(std::time(nullptr))};
}

std::chrono::milliseconds DevRoutes::stream_delay(const TestHooks& hooks) const {
  return hooks.delay.value_or(std::chrono::milliseconds(options_.stream_chunk_delay_ms));
}

void DevRoutes::pause(const TestHooks& hooks) const {
  if (!hooks.delay) {
    return;
  }
  // Blocks this pool thread on purpose: a slow worker, as a test wants it.
  auto until = std::chrono::steady_clock::now() + *hooks.delay;
  while (!stopping_ && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        until - std::chrono::steady_clock::now(), std::chrono::milliseconds(20)));
  }
}

DevRoutes::Handler DevRoutes::data_plane(DataHandler handler) {
  return [this, handler = std::move(handler)](Request& req) {
    stats_.count_any_request();
    stats_.record_data_plane(lower_cased_headers(req));
    auto in_flight = stats_.begin_request();
    if (!authorized(req)) {
      return unauthorized();
    }
    auto hooks = parse_hooks(req);
    if (!hooks.ok()) {
      return send_bad_request(hooks.status());
    }
    if (hooks->status) {
      pause(*hooks);
      return send_forced_status(*hooks->status);
    }
    return handler(req, *hooks, std::move(in_flight));
  };
}

DevRoutes::Handler DevRoutes::control(std::function<Response(const Request&)> handler) {
  return [this, handler = std::move(handler)](Request& req) {
    stats_.count_any_request();
    if (!authorized(req)) {
      return unauthorized();
    }
    return handler(req);
  };
}

Response DevRoutes::chat(const Request& req, const TestHooks& hooks,
                         std::shared_ptr<void> in_flight) {
  auto body = parse_json_object(req.body);
  auto request = body.ok() ? parse_chat_request(*body) : Result<ChatRequest>(body.status());
  if (!request.ok()) {
    return send_bad_request(request.status());
  }
  if (!serves(request->model)) {
    return send_error(404, "invalid_request_error",
                      "The model '" + request->model + "' does not exist", "model_not_found");
  }
  Reply reply = make_reply(request->last_user_text, request->max_tokens, hooks.chunks);
  ResponseIds ids = next_ids("chatcmpl");
  if (request->stream) {
    SseStream stream{chat_completion_events(ids, *request, reply), stream_delay(hooks)};
    return sse_response(std::move(stream), stats_, std::move(in_flight), stopping_, io_);
  }
  pause(hooks);
  return send_json(200, chat_completion(ids, *request, reply));
}

Response DevRoutes::completions(const Request& req, const TestHooks& hooks,
                                std::shared_ptr<void> in_flight) {
  auto body = parse_json_object(req.body);
  auto request =
      body.ok() ? parse_completion_request(*body) : Result<CompletionRequest>(body.status());
  if (!request.ok()) {
    return send_bad_request(request.status());
  }
  if (!serves(request->model)) {
    return send_error(404, "invalid_request_error",
                      "The model '" + request->model + "' does not exist", "model_not_found");
  }
  std::vector<Reply> replies;
  for (const auto& prompt : request->prompts) {
    replies.push_back(make_reply(prompt, request->max_tokens, hooks.chunks));
  }
  ResponseIds ids = next_ids("cmpl");
  if (request->stream) {
    SseStream stream{text_completion_events(ids, *request, replies), stream_delay(hooks)};
    return sse_response(std::move(stream), stats_, std::move(in_flight), stopping_, io_);
  }
  pause(hooks);
  return send_json(200, text_completion(ids, *request, replies));
}

Response DevRoutes::embed(const Request& req, const TestHooks& hooks, std::shared_ptr<void>) {
  auto body = parse_json_object(req.body);
  auto request =
      body.ok() ? parse_embedding_request(*body) : Result<EmbeddingRequest>(body.status());
  if (!request.ok()) {
    return send_bad_request(request.status());
  }
  if (!serves(request->model)) {
    return send_error(404, "invalid_request_error",
                      "The model '" + request->model + "' does not exist", "model_not_found");
  }
  pause(hooks);
  return send_json(200, embeddings(*request));
}

Response DevRoutes::generate(const Request& req, const TestHooks& hooks,
                             std::shared_ptr<void> in_flight) {
  auto body = parse_json_object(req.body);
  auto request = body.ok() ? parse_generate_request(*body) : Result<GenerateRequest>(body.status());
  if (!request.ok()) {
    return send_bad_request(request.status());
  }
  Reply reply = make_reply(request->text, request->max_new_tokens, hooks.chunks);
  ResponseIds ids = next_ids("gen");
  if (request->stream) {
    SseStream stream{generate_events(ids, *request, reply), stream_delay(hooks)};
    return sse_response(std::move(stream), stats_, std::move(in_flight), stopping_, io_);
  }
  pause(hooks);
  return send_json(200, generate_result(ids, *request, reply));
}

void DevRoutes::add(std::string method, std::string path, Handler handler, bool prefix) {
  routes_.push_back({std::move(method), std::move(path), std::move(handler), prefix});
}

// GET routes answer HEAD too, as cpp-httplib's did.
Response DevRoutes::handle(Request& request) {
  const std::string method = request.method == "HEAD" ? std::string("GET") : request.method;
  for (const auto& route : routes_) {
    bool matches = route.prefix ? request.path.size() > route.path.size() &&
                                      request.path.compare(0, route.path.size(), route.path) == 0
                                : request.path == route.path;
    if (route.method == method && matches) {
      try {
        return route.handler(request);
      } catch (...) {
        return send_error(500, "server_error", "internal error in the dev worker");
      }
    }
  }
  return send_error(404, "not_found_error", "No such route");
}

void DevRoutes::install_routes() {
  using std::placeholders::_1, std::placeholders::_2, std::placeholders::_3;
  add("GET", "/health", [](Request&) { return server::text_response(200, "OK"); });
  // What reached the worker, behind the worker's key when it has one (never a credential: those
  // are digests).
  add("GET", "/dev/stats", [this](Request& req) {
    if (!authorized(req)) {
      return unauthorized();
    }
    return send_json(200, stats_.snapshot().to_json());
  });
  add("GET", "/v1/models",
      data_plane([this](const Request&, const TestHooks&, std::shared_ptr<void>) {
        return models();
      }));
  // GET /v1/models/{id}: ids may hold slashes ("org/model").
  add("GET", "/v1/models/",
      data_plane([this](const Request& req, const TestHooks&, std::shared_ptr<void>) {
        return model(req.path.substr(std::string_view("/v1/models/").size()));
      }),
      true);
  add("POST", "/v1/chat/completions", data_plane(std::bind(&DevRoutes::chat, this, _1, _2, _3)));
  add("POST", "/v1/completions",
      data_plane(std::bind(&DevRoutes::completions, this, _1, _2, _3)));
  add("POST", "/v1/embeddings", data_plane(std::bind(&DevRoutes::embed, this, _1, _2, _3)));
  add("POST", "/generate", data_plane(std::bind(&DevRoutes::generate, this, _1, _2, _3)));
  install_control_routes();
}

void DevRoutes::install_control_routes() {
  add("GET", "/get_model_info", control([this](const Request&) {
        return send_json(200, {{"model_path", options_.models.front()},
                               {"tokenizer_path", options_.models.front()},
                               {"is_generation", true}});
      }));
  add("GET", "/get_server_info", control([this](const Request&) { return server_info(); }));
  add("GET", "/get_load", control([this](const Request&) {
        return send_json(200, {{"load", stats_.in_flight()}});
      }));
  auto flush = control([](const Request&) { return server::text_response(200, "Cache flushed."); });
  add("POST", "/flush_cache", flush);
  add("GET", "/flush_cache", flush);
}

Response DevRoutes::models() const {
  json data = json::array();
  for (const auto& id : options_.models) {
    data.push_back(
        {{"id", id}, {"object", "model"}, {"created", started_at_}, {"owned_by", "smg-dev"}});
  }
  return send_json(200, {{"object", "list"}, {"data", std::move(data)}});
}

Response DevRoutes::model(const std::string& id) const {
  for (const auto& served : options_.models) {
    if (served != id) continue;
    return send_json(
        200, {{"id", id}, {"object", "model"}, {"created", started_at_}, {"owned_by", "smg-dev"}});
  }
  return send_error(404, "invalid_request_error", "The model does not exist", "model_not_found");
}

Response DevRoutes::server_info() const {
  return send_json(200, {{"version", "smg-dev"},
                         {"model_path", options_.models.front()},
                         {"served_model_names", options_.models},
                         {"max_total_num_tokens", 1 << 20},
                         {"stream_chunk_delay_ms", options_.stream_chunk_delay_ms}});
}

}  // namespace smg::devworker
