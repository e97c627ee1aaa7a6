// ChunkedFraming: follows a chunked request body (RFC 9112 §7.1) byte by byte and says when it
// breaks the grammar. A lenient parser (cpp-httplib's strtoul took " 0x44", "+44" and "44 junk" as
// sizes) reads another request in the same bytes than a strict front proxy does. Beast's parser
// refuses those too; the listener still runs every body byte Beast takes through this, so what
// a chunked body may be is written down here, whatever the parser, and answers 400 (and closes)
// on the first byte that does not fit:
//
//   chunked-body = *chunk last-chunk trailer-section CRLF
//   chunk        = 1*HEXDIG [ chunk-ext ] CRLF chunk-data CRLF
//   chunk-ext    = *( BWS ";" BWS name [ BWS "=" BWS value ] )
//
// Extensions are accepted (their content is not interpreted) as long as they hold no control
// character; a size over 15 hex digits, a bare LF and data not followed by CRLF are refused.
// Thread-safety: one thread at a time.
//
//   ChunkedFraming framing;
//   for (char c : bytes) if (!framing.accept(c)) -> 400
//   framing.done();  // the last chunk and the trailer section are complete
#pragma once

#include <cstdint>
#include <string_view>

namespace smg::server {

class ChunkedFraming {
 public:
  // False once the body breaks the grammar (and for every byte after that, or after done()).
  bool accept(char c);
  // Every byte of `bytes`, in order; false at the first refused one.
  bool accept(std::string_view bytes);
  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }

 private:
  enum class State {
    kSizeStart,     // the first hex digit of a chunk size
    kSize,          // more hex digits, an extension, or CR
    kExtension,     // after ";" or BWS: anything visible until CR
    kSizeLf,        // LF after the size line's CR
    kData,          // data_left_ bytes of chunk data
    kDataCr,        // CR after chunk data
    kDataLf,        // LF after chunk data
    kTrailerStart,  // a trailer field line, or CR of the final empty line
    kTrailer,       // a trailer field line until CR
    kTrailerLf,     // LF after a trailer field line
    kEndLf,         // LF of the final empty line
    kDone,
    kFailed,
  };
  bool fail() {
    state_ = State::kFailed;
    return false;
  }

  State state_ = State::kSizeStart;
  std::uint64_t size_ = 0;
  int digits_ = 0;
  std::uint64_t data_left_ = 0;
};

}  // namespace smg::server
