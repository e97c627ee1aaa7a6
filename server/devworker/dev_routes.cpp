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
#include "server/http/exchange.h"
#include "server/http/serving_threads.h"

namespace smg::devworker {
namespace {

using nlohmann::json;

void send(httplib::Response& res, const server::Response& response) {
  res.status = response.status;
  for (const auto& [name, value] : response.headers) {
    res.set_header(name, value);
  }
  res.set_content(response.body, response.content_type.c_str());
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // Replace rather than throw on invalid UTF-8 (headers echoed by /dev/stats may hold any byte).
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& type,
                const std::string& message, const std::string& code = "") {
  send(res, server::error_response(status, type, message, code));
}

void send_bad_request(httplib::Response& res, const Status& status) {
  send_error(res, 400, "invalid_request_error", status.message());
}

std::map<std::string, std::string> lower_cased_headers(const httplib::Request& req) {
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : req.headers) {
    // httplib files the peer's addresses among the headers; they were never sent.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT") {
      continue;
    }
    std::string lower = name;
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    headers.emplace(std::move(lower), value);  // the first of repeated headers wins
  }
  return headers;
}

// A header holding a non-negative decimal integer no larger than `max`.
Result<std::optional<long>> numeric_header(const httplib::Request& req, const char* name,
                                           long max) {
  if (!req.has_header(name)) {
    return std::optional<long>();
  }
  std::string text = req.get_header_value(name);
  long value = -1;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0 || value > max) {
    return invalid_argument(
        "invalid_request_error",
        std::string("header ") + name + " must be an integer in [0, " + std::to_string(max) + "]");
  }
  return std::optional<long>(value);
}

Result<TestHooks> parse_hooks(const httplib::Request& req) {
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

void send_forced_status(httplib::Response& res, int status) {
  bool client_error = status < 500;
  send_error(res, status, client_error ? "invalid_request_error" : "server_error",
             "x-dev-status asked for HTTP " + std::to_string(status), "dev_forced_status");
}

}  // namespace

DevRoutes::DevRoutes(const DevWorkerOptions& options, DevStats& stats,
                     const std::atomic<bool>& stopping)
    : options_(options),
      stats_(stats),
      stopping_(stopping),
      started_at_(static_cast<std::int64_t>(std::time(nullptr))) {}

bool DevRoutes::authorized(const httplib::Request& req) const {
  if (!options_.api_key) {
    return true;
  }
  std::string header = req.get_header_value("Authorization");
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
  server::ServingThreads::hand_off_current();  // a long wait: a replacement serves the rest
  auto until = std::chrono::steady_clock::now() + *hooks.delay;
  while (!stopping_ && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        until - std::chrono::steady_clock::now(), std::chrono::milliseconds(20)));
  }
}

httplib::Server::Handler DevRoutes::data_plane(DataHandler handler) {
  return [this, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    stats_.count_any_request();
    stats_.record_data_plane(lower_cased_headers(req));
    auto in_flight = stats_.begin_request();
    if (!authorized(req)) {
      res.set_header("WWW-Authenticate", "Bearer");
      return send_error(res, 401, "invalid_request_error", "Missing or invalid API key",
                        "invalid_api_key");
    }
    auto hooks = parse_hooks(req);
    if (!hooks.ok()) {
      return send_bad_request(res, hooks.status());
    }
    if (hooks->status) {
      pause(*hooks);
      return send_forced_status(res, *hooks->status);
    }
    handler(req, res, *hooks, std::move(in_flight));
  };
}

httplib::Server::Handler DevRoutes::control(httplib::Server::Handler handler) {
  return [this, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    stats_.count_any_request();
    if (!authorized(req)) {
      res.set_header("WWW-Authenticate", "Bearer");
      return send_error(res, 401, "invalid_request_error", "Missing or invalid API key",
                        "invalid_api_key");
    }
    handler(req, res);
  };
}

void DevRoutes::chat(const httplib::Request& req, httplib::Response& res, const TestHooks& hooks,
                     std::shared_ptr<void> in_flight) {
  auto body = parse_json_object(req.body);
  auto request = body.ok() ? parse_chat_request(*body) : Result<ChatRequest>(body.status());
  if (!request.ok()) {
    return send_bad_request(res, request.status());
  }
  if (!serves(request->model)) {
    return send_error(res, 404, "invalid_request_error",
                      "The model '" + request->model + "' does not exist", "model_not_found");
  }
  Reply reply = make_reply(request->last_user_text, request->max_tokens, hooks.chunks);
  ResponseIds ids = next_ids("chatcmpl");
  if (request->stream) {
    SseStream stream{chat_completion_events(ids, *request, reply), stream_delay(hooks)};
    return send_sse(res, std::move(stream), stats_, std::move(in_flight), stopping_);
  }
  pause(hooks);
  send_json(res, 200, chat_completion(ids, *request, reply));
}

void DevRoutes::completions(const httplib::Request& req, httplib::Response& res,
                            const TestHooks& hooks, std::shared_ptr<void> in_flight) {
  auto body = parse_json_object(req.body);
  auto request =
      body.ok() ? parse_completion_request(*body) : Result<CompletionRequest>(body.status());
  if (!request.ok()) {
    return send_bad_request(res, request.status());
  }
  if (!serves(request->model)) {
    return send_error(res, 404, "invalid_request_error",
                      "The model '" + request->model + "' does not exist", "model_not_found");
  }
  std::vector<Reply> replies;
  for (const auto& prompt : request->prompts) {
    replies.push_back(make_reply(prompt, request->max_tokens, hooks.chunks));
  }
  ResponseIds ids = next_ids("cmpl");
  if (request->stream) {
    SseStream stream{text_completion_events(ids, *request, replies), stream_delay(hooks)};
    return send_sse(res, std::move(stream), stats_, std::move(in_flight), stopping_);
  }
  pause(hooks);
  send_json(res, 200, text_completion(ids, *request, replies));
}

void DevRoutes::embed(const httplib::Request& req, httplib::Response& res, const TestHooks& hooks,
                      std::shared_ptr<void>) {
  auto body = parse_json_object(req.body);
  auto request =
      body.ok() ? parse_embedding_request(*body) : Result<EmbeddingRequest>(body.status());
  if (!request.ok()) {
    return send_bad_request(res, request.status());
  }
  if (!serves(request->model)) {
    return send_error(res, 404, "invalid_request_error",
                      "The model '" + request->model + "' does not exist", "model_not_found");
  }
  pause(hooks);
  send_json(res, 200, embeddings(*request));
}

void DevRoutes::generate(const httplib::Request& req, httplib::Response& res,
                         const TestHooks& hooks, std::shared_ptr<void> in_flight) {
  auto body = parse_json_object(req.body);
  auto request = body.ok() ? parse_generate_request(*body) : Result<GenerateRequest>(body.status());
  if (!request.ok()) {
    return send_bad_request(res, request.status());
  }
  Reply reply = make_reply(request->text, request->max_new_tokens, hooks.chunks);
  ResponseIds ids = next_ids("gen");
  if (request->stream) {
    SseStream stream{generate_events(ids, *request, reply), stream_delay(hooks)};
    return send_sse(res, std::move(stream), stats_, std::move(in_flight), stopping_);
  }
  pause(hooks);
  send_json(res, 200, generate_result(ids, *request, reply));
}

void DevRoutes::install(httplib::Server& server) {
  using std::placeholders::_1, std::placeholders::_2, std::placeholders::_3, std::placeholders::_4;
  server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("OK", "text/plain");
  });
  // What reached the worker, behind the worker's key when it has one (never a credential: those
  // are digests).
  server.Get("/dev/stats", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req)) {
      res.set_header("WWW-Authenticate", "Bearer");
      return send_error(res, 401, "invalid_request_error", "Missing or invalid API key",
                        "invalid_api_key");
    }
    send_json(res, 200, stats_.snapshot().to_json());
  });
  server.Get("/v1/models",
             data_plane([this](const httplib::Request&, httplib::Response& res, const TestHooks&,
                               std::shared_ptr<void>) { models(res); }));
  server.Get("/v1/models/(.+)",
             data_plane([this](const httplib::Request& req, httplib::Response& res,
                               const TestHooks&, std::shared_ptr<void>) {
               model(req.matches[1].str(), res);
             }));
  server.Post("/v1/chat/completions",
              data_plane(std::bind(&DevRoutes::chat, this, _1, _2, _3, _4)));
  server.Post("/v1/completions",
              data_plane(std::bind(&DevRoutes::completions, this, _1, _2, _3, _4)));
  server.Post("/v1/embeddings", data_plane(std::bind(&DevRoutes::embed, this, _1, _2, _3, _4)));
  server.Post("/generate", data_plane(std::bind(&DevRoutes::generate, this, _1, _2, _3, _4)));
  install_control_routes(server);
  install_error_handlers(server);
}

void DevRoutes::install_control_routes(httplib::Server& server) {
  server.Get("/get_model_info", control([this](const httplib::Request&, httplib::Response& res) {
               send_json(res, 200,
                         {{"model_path", options_.models.front()},
                          {"tokenizer_path", options_.models.front()},
                          {"is_generation", true}});
             }));
  server.Get("/get_server_info", control([this](const httplib::Request&, httplib::Response& res) {
               server_info(res);
             }));
  server.Get("/get_load", control([this](const httplib::Request&, httplib::Response& res) {
               send_json(res, 200, {{"load", stats_.in_flight()}});
             }));
  auto flush = control([](const httplib::Request&, httplib::Response& res) {
    res.set_content("Cache flushed.", "text/plain");
  });
  server.Post("/flush_cache", flush);
  server.Get("/flush_cache", flush);
}

void DevRoutes::install_error_handlers(httplib::Server& server) {
  // Engine-level errors (unknown route, unreadable request) get a JSON body too, unless the
  // handler already wrote one.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        bool not_found = res.status == 404;
        send_error(res, res.status, not_found ? "not_found_error" : "invalid_request_error",
                   not_found ? "No such route" : "HTTP " + std::to_string(res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        send_error(res, 500, "server_error", "internal error in the dev worker");
      });
}

void DevRoutes::models(httplib::Response& res) const {
  json data = json::array();
  for (const auto& id : options_.models) {
    data.push_back(
        {{"id", id}, {"object", "model"}, {"created", started_at_}, {"owned_by", "smg-dev"}});
  }
  send_json(res, 200, {{"object", "list"}, {"data", std::move(data)}});
}

void DevRoutes::model(const std::string& id, httplib::Response& res) const {
  for (const auto& served : options_.models) {
    if (served != id) continue;
    return send_json(
        res, 200,
        {{"id", id}, {"object", "model"}, {"created", started_at_}, {"owned_by", "smg-dev"}});
  }
  send_error(res, 404, "invalid_request_error", "The model does not exist", "model_not_found");
}

void DevRoutes::server_info(httplib::Response& res) const {
  send_json(res, 200,
            {{"version", "smg-dev"},
             {"model_path", options_.models.front()},
             {"served_model_names", options_.models},
             {"max_total_num_tokens", 1 << 20},
             {"stream_chunk_delay_ms", options_.stream_chunk_delay_ms}});
}

}  // namespace smg::devworker
