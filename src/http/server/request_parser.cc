#include "http/server/request_parser.h"

#include "core/strings.h"

namespace iamd::http::detail {

namespace http = boost::beast::http;

RequestParser::RequestParser(Request& out, std::size_t header_limit, std::size_t body_limit)
    : req_(out) {
  this->header_limit(static_cast<std::uint32_t>(
      header_limit > UINT32_MAX ? UINT32_MAX : header_limit));
  this->body_limit(body_limit);
  // Parse the body in the same put() as the header when the bytes are already buffered.
  this->eager(true);
  req_.method.clear();
  req_.target.clear();
  req_.body.clear();
  // req_.headers keeps its elements until on_finish_impl so their strings can be reused.
}

void RequestParser::on_request_impl(http::verb, string_view method, string_view target,
                                    int version, error_code&) {
  version_ = version;
  req_.method.assign(method.data(), method.size());
  req_.target.assign(target.data(), target.size());
}

void RequestParser::on_field_impl(http::field name, string_view name_string, string_view value,
                                  error_code&) {
  // Chunked trailers come through here too. They are dropped: a trailer must not be able to
  // pose as a header the signature did not cover (Authorization, X-Amz-*).
  if (header_done_) return;
  if (name == http::field::expect &&
      core::iequals(std::string_view(value.data(), value.size()), "100-continue")) {
    expect_continue_ = true;
  }
  if (header_count_ < req_.headers.size()) {
    Header& h = req_.headers[header_count_];
    h.first.assign(name_string.data(), name_string.size());
    h.second.assign(value.data(), value.size());
  } else {
    req_.headers.emplace_back(std::string(name_string.data(), name_string.size()),
                              std::string(value.data(), value.size()));
  }
  ++header_count_;
}

void RequestParser::on_header_impl(error_code&) {
  header_done_ = true;
  req_.headers.resize(header_count_);
}

void RequestParser::on_body_init_impl(boost::optional<std::uint64_t> const& content_length,
                                      error_code&) {
  // Already checked against body_limit by the parser, so reserving cannot be abused.
  if (content_length) req_.body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  req_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  req_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) {}

}  // namespace iamd::http::detail
