// A Beast body that is a std::string growing as bytes arrive. Beast's string_body reserves the
// whole Content-Length before the first byte, so a client announcing 500 MB (within the payload
// limit) would make us allocate it up front; this one reserves at most 1 MiB ahead.
// Thread-safety: as std::string.
//
//   boost::beast::http::request_parser<GrowingStringBody> parser;
#pragma once

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <string>

namespace smg::server {

struct GrowingStringBody {
  using value_type = std::string;

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& error) {
      constexpr std::uint64_t kReserveAtMost = 1 << 20;
      if (length) body_.reserve(static_cast<std::size_t>(std::min(*length, kReserveAtMost)));
      error = {};
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& error) {
      std::size_t taken = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        boost::asio::const_buffer piece = *it;
        body_.append(static_cast<const char*>(piece.data()), piece.size());
        taken += piece.size();
      }
      error = {};
      return taken;
    }

    void finish(boost::beast::error_code& error) { error = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace smg::server
