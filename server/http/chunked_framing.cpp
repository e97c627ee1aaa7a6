#include "server/http/chunked_framing.h"

#include <algorithm>

namespace smg::server {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A byte an extension or trailer line may hold: visible ASCII, obs-text, SP and HTAB.
bool is_field_byte(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte == '\t' || (byte >= 0x20 && byte != 0x7f);
}

constexpr int kMaxSizeDigits = 15;  // 2^60 - 1: far over any body limit, never an overflow

}  // namespace

bool ChunkedFraming::accept(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    // Chunk data in bulk: only its length matters.
    if (state_ == State::kData) {
      std::uint64_t take = std::min<std::uint64_t>(data_left_, bytes.size() - i);
      data_left_ -= take;
      i += take;
      if (data_left_ == 0) state_ = State::kDataCr;
      if (i == bytes.size()) break;
    }
    if (!accept(bytes[i])) return false;
  }
  return !failed();
}

bool ChunkedFraming::accept(char c) {
  switch (state_) {
    case State::kSizeStart: {
      int digit = hex_value(c);
      if (digit < 0) return fail();
      size_ = static_cast<std::uint64_t>(digit);
      digits_ = 1;
      state_ = State::kSize;
      return true;
    }
    case State::kSize: {
      int digit = hex_value(c);
      if (digit >= 0) {
        if (++digits_ > kMaxSizeDigits) return fail();
        size_ = size_ * 16 + static_cast<std::uint64_t>(digit);
        return true;
      }
      if (c == '\r') {
        state_ = State::kSizeLf;
        return true;
      }
      if (c == ';' || c == ' ' || c == '\t') {
        state_ = State::kExtension;
        return true;
      }
      return fail();
    }
    case State::kExtension:
      if (c == '\r') {
        state_ = State::kSizeLf;
        return true;
      }
      return is_field_byte(c) ? true : fail();
    case State::kSizeLf:
      if (c != '\n') return fail();
      data_left_ = size_;
      state_ = size_ == 0 ? State::kTrailerStart : State::kData;
      return true;
    case State::kData:
      if (--data_left_ == 0) state_ = State::kDataCr;
      return true;
    case State::kDataCr:
      if (c != '\r') return fail();
      state_ = State::kDataLf;
      return true;
    case State::kDataLf:
      if (c != '\n') return fail();
      state_ = State::kSizeStart;
      return true;
    case State::kTrailerStart:
      if (c == '\r') {
        state_ = State::kEndLf;
        return true;
      }
      if (!is_field_byte(c)) return fail();
      state_ = State::kTrailer;
      return true;
    case State::kTrailer:
      if (c == '\r') {
        state_ = State::kTrailerLf;
        return true;
      }
      return is_field_byte(c) ? true : fail();
    case State::kTrailerLf:
      if (c != '\n') return fail();
      state_ = State::kTrailerStart;
      return true;
    case State::kEndLf:
      if (c != '\n') return fail();
      state_ = State::kDone;
      return true;
    case State::kDone:
    case State::kFailed:
      return fail();
  }
  return fail();
}

}  // namespace smg::server
