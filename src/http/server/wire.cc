#include "http/server/wire.h"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <random>

#include <boost/beast/http/status.hpp>

#include "core/clock.h"
#include "core/strings.h"
#include "core/time_format.h"

namespace iamd::http::detail {
namespace {

void append_number(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_xml_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
}

bool has_crlf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// Headers whose meaning is the server's business: framing and connection management.
bool is_reserved(std::string_view name) {
  return core::iequals(name, "Content-Length") || core::iequals(name, "Transfer-Encoding") ||
         core::iequals(name, "Connection");
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

}  // namespace

std::string_view http_date_now() {
  struct Cache {
    std::int64_t second = -1;
    std::string text;
  };
  thread_local Cache cache;
  static const core::SystemClock clock;
  const auto now = clock.now();
  const std::int64_t second =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (second != cache.second) {
    cache.text = core::format_http_date(now);
    cache.second = second;
  }
  return cache.text;
}

void make_request_id(std::string& out) {
  thread_local std::mt19937_64 prng = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  std::uint64_t hi = prng();
  std::uint64_t lo = prng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                    // version 4
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);        // variant 10xx
  static constexpr char kHex[] = "0123456789abcdef";
  out.resize(36);
  std::size_t pos = 0;
  auto put = [&](std::uint64_t v, int first_nibble, int count) {
    for (int i = first_nibble; i > first_nibble - count; --i) {
      out[pos++] = kHex[(v >> (i * 4)) & 0xF];
    }
  };
  put(hi, 15, 8);
  out[pos++] = '-';
  put(hi, 7, 4);
  out[pos++] = '-';
  put(hi, 3, 4);
  out[pos++] = '-';
  put(lo, 15, 4);
  out[pos++] = '-';
  put(lo, 11, 12);
}

Response error_response(int status, std::string_view code, std::string_view type,
                        std::string_view message) {
  Response res;
  res.status = status;
  make_request_id(res.request_id);
  std::string& b = res.body;
  b.reserve(200 + message.size());
  b += "<ErrorResponse><Error><Type>";
  b += type;
  b += "</Type><Code>";
  b += code;
  b += "</Code><Message>";
  append_xml_escaped(b, message);
  b += "</Message></Error><RequestId>";
  b += res.request_id;
  b += "</RequestId></ErrorResponse>";
  return res;
}

bool has_body(int status, std::string_view method) {
  return !(status < 200 || status == 204 || status == 304 || method == "HEAD");
}

void serialize_head(std::string& out, const Response& res, bool keep_alive,
                    int version) {
  const int status = res.status;
  out.clear();
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::uint64_t>(status));
  out += ' ';
  const auto reason = boost::beast::http::obsolete_reason(
      boost::beast::http::int_to_status(static_cast<unsigned>(status)));
  out.append(reason.data(), reason.size());
  out += "\r\nServer: iamd\r\nDate: ";
  out += http_date_now();
  out += "\r\n";
  if (!res.content_type.empty() && !has_crlf(res.content_type)) {
    append_header(out, "Content-Type", res.content_type);
  }
  // A HEAD response announces the length the GET would have had. 1xx and 204 carry none.
  if (status >= 200 && status != 204) {
    out += "Content-Length: ";
    append_number(out, res.body.size());
    out += "\r\n";
  }
  if (!res.request_id.empty() && !has_crlf(res.request_id)) {
    append_header(out, "x-amzn-RequestId", res.request_id);
  }
  for (const auto& [name, value] : res.headers) {
    // Handler headers can carry user input; CR/LF would let it forge headers or responses.
    if (name.empty() || has_crlf(name) || has_crlf(value) || is_reserved(name)) continue;
    append_header(out, name, value);
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (version < 11) {
    out += "Connection: keep-alive\r\n";  // HTTP/1.0 closes unless told otherwise
  }
  out += "\r\n";
}

}  // namespace iamd::http::detail
