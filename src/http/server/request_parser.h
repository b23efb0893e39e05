#pragma once
// Beast's HTTP/1.1 request parser (size limits, chunked decoding, keep-alive rules) writing
// straight into a Request that the connection reuses: unlike beast::http::request_parser it
// allocates no beast::fields node per header and needs no copy afterwards, and the strings
// and the header vector keep their capacity from one request to the next.

#include <cstddef>
#include <cstdint>

#include <boost/beast/http/basic_parser.hpp>

#include "http/server/server.h"

namespace iamd::http::detail {

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  /// Prepares `out` for a new request (method, target, headers, body); remote_* and tls are
  /// the connection's and are left alone. Limits: header bytes (request line included) and
  /// body bytes; going over them fails with http::error::header_limit / body_limit.
  RequestParser(Request& out, std::size_t header_limit, std::size_t body_limit);

  /// The client sent "Expect: 100-continue" and waits for a 100 before sending the body.
  bool expects_continue() const { return expect_continue_; }
  /// 10 for HTTP/1.0, 11 for HTTP/1.1; valid once the request line is parsed.
  int version() const { return version_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field name, string_view name_string,
                     string_view value, error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(boost::optional<std::uint64_t> const& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions,
                            error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body,
                                 error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  Request& req_;
  std::size_t header_count_ = 0;
  int version_ = 11;
  bool header_done_ = false;
  bool expect_continue_ = false;
};

}  // namespace iamd::http::detail
