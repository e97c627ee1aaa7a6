#include "server/ratelimit/usage_settlement.h"

#include "server/requestlog/usage.h"

namespace smg::ratelimit {
namespace {

using server::BodyPiece;
using server::BodySource;
using server::StreamSink;

std::optional<int64_t> total_of(const requestlog::TokenUsage& usage) {
  if (usage.total_tokens) return usage.total_tokens;
  if (usage.prompt_tokens || usage.completion_tokens) {
    return usage.prompt_tokens.value_or(0) + usage.completion_tokens.value_or(0);
  }
  return std::nullopt;
}

// Sees a stream's bytes; settles when it ends, fails, or is dropped (whichever is first).
struct StreamSettlement {
  std::shared_ptr<Reservation> reservation;
  requestlog::SseUsageScanner usage;
  void done() { reservation->settle(total_of(usage.usage())); }
  ~StreamSettlement() { done(); }
};

class SettlingSource final : public BodySource {
 public:
  SettlingSource(std::shared_ptr<BodySource> inner, std::shared_ptr<StreamSettlement> settlement)
      : inner_(std::move(inner)), settlement_(std::move(settlement)) {}
  void pull(std::function<void(BodyPiece)> ready) override {
    inner_->pull([settlement = settlement_, ready = std::move(ready)](BodyPiece piece) {
      settlement->usage.feed(piece.bytes);
      if (piece.end || piece.failed) settlement->done();
      ready(std::move(piece));
    });
  }
  void cancel() override { inner_->cancel(); }

 private:
  std::shared_ptr<BodySource> inner_;
  std::shared_ptr<StreamSettlement> settlement_;
};

class SettlingSink final : public StreamSink {
 public:
  SettlingSink(StreamSink& client, StreamSettlement& settlement)
      : client_(client), settlement_(settlement) {}
  bool write(std::string_view bytes) override {
    settlement_.usage.feed(bytes);
    return client_.write(bytes);
  }
  bool client_connected() const override { return client_.client_connected(); }

 private:
  StreamSink& client_;
  StreamSettlement& settlement_;
};

}  // namespace

server::Response settle_when_done(server::Response response,
                                  std::shared_ptr<Reservation> reservation) {
  if (!response.streams()) {
    if (response.status >= 400) {
      reservation->settle(0);
    } else {
      reservation->settle(total_of(requestlog::usage_from_json(response.body)));
    }
    return response;
  }
  auto settlement = std::make_shared<StreamSettlement>();
  settlement->reservation = std::move(reservation);
  if (response.source) {
    response.source = std::make_shared<SettlingSource>(std::move(response.source), settlement);
    return response;
  }
  response.stream = [inner = std::move(response.stream), settlement](StreamSink& sink) {
    SettlingSink settling(sink, *settlement);
    bool completed = inner(settling);
    settlement->done();
    return completed;
  };
  return response;
}

}  // namespace smg::ratelimit
