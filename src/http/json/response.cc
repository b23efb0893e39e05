#include "http/json/response.h"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>

#include "core/time_format.h"

namespace iamd::http::json {
namespace {

using api::OutNode;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

/// Length of the well-formed UTF-8 sequence at s[i] (lead byte >= 0x80); 0 if ill-formed
/// (bad bytes, overlongs, surrogates, values past U+10FFFF).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto lead = static_cast<unsigned char>(s[i]);
  std::size_t len;
  std::uint32_t cp;
  if ((lead & 0xE0) == 0xC0) {
    len = 2;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_integer_text(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

/// ISO 8601 (as OutNode timestamps hold them) -> epoch seconds, with milliseconds when present.
void append_timestamp(std::string& out, std::string_view iso8601) {
  auto t = core::parse_iso8601(iso8601);
  if (!t) {
    append_json_string(out, iso8601);  // not ours to reinterpret; still valid JSON
    return;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count();
  if (ms < 0) {
    out += '-';
    ms = -ms;
  }
  auto seconds = ms / 1000;
  auto frac = ms % 1000;
  out += std::to_string(seconds);
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(frac));
    out += buf;
  }
}

void write_value(std::string& out, const OutNode& n);

void write_members(std::string& out, const OutNode& n) {
  out += '{';
  bool first = true;
  for (const auto& c : n.children) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, c.name);
    out += ':';
    write_value(out, c);
  }
  out += '}';
}

// A map's entries are {key, value} structs (api::OutNode::add_entry).
void write_map(std::string& out, const OutNode& n) {
  out += '{';
  bool first = true;
  for (const auto& entry : n.children) {
    const OutNode* key = nullptr;
    const OutNode* value = nullptr;
    for (const auto& c : entry.children) {
      if (c.name == "key") key = &c;
      if (c.name == "value") value = &c;
    }
    if (key == nullptr) continue;
    if (!first) out += ',';
    first = false;
    append_json_string(out, key->text);
    out += ':';
    if (value == nullptr) {
      out += "null";
    } else {
      write_value(out, *value);
    }
  }
  out += '}';
}

void write_value(std::string& out, const OutNode& n) {
  switch (n.kind) {
    case OutNode::Kind::Struct:
      write_members(out, n);
      return;
    case OutNode::Kind::List: {
      out += '[';
      bool first = true;
      for (const auto& item : n.children) {
        if (!first) out += ',';
        first = false;
        write_value(out, item);
      }
      out += ']';
      return;
    }
    case OutNode::Kind::Map:
      write_map(out, n);
      return;
    case OutNode::Kind::String:
      append_json_string(out, n.text);
      return;
    case OutNode::Kind::Integer:
      // Handlers format integers with std::to_string; anything else is written as a string so
      // the body stays valid JSON.
      if (is_integer_text(n.text)) {
        out += n.text;
      } else {
        append_json_string(out, n.text);
      }
      return;
    case OutNode::Kind::Boolean:
      out += n.text == "true" ? "true" : "false";
      return;
    case OutNode::Kind::Timestamp:
      append_timestamp(out, n.text);
      return;
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  auto replace = [&](std::string_view with, std::size_t consumed) {
    out.append(text.data() + run, i - run);
    out += with;
    i += consumed;
    run = i;
  };
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t len = utf8_length(text, i);
      if (len == 0) {
        replace(kReplacement, 1);  // one U+FFFD per ill-formed byte
      } else {
        i += len;
      }
    } else if (c == '"') {
      replace("\\\"", 1);
    } else if (c == '\\') {
      replace("\\\\", 1);
    } else if (c < 0x20) {
      switch (c) {
        case '\n': replace("\\n", 1); break;
        case '\r': replace("\\r", 1); break;
        case '\t': replace("\\t", 1); break;
        case '\b': replace("\\b", 1); break;
        case '\f': replace("\\f", 1); break;
        default: {
          char esc[7] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF], 0};
          replace(std::string_view(esc, 6), 1);
        }
      }
    } else {
      ++i;
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

std::string content_type(std::string_view json_version) {
  return "application/x-amz-json-" + std::string(json_version.empty() ? "1.1" : json_version);
}

std::string encode_response(const api::Output& out) {
  if (!out.has_result) return "{}";
  std::string body;
  write_members(body, out.result);
  return body;
}

std::string encode_error(const core::Error& e, std::span<const ErrorField> extra) {
  std::string body = "{\"__type\":";
  append_json_string(body, core::wire_code(e.code));
  if (!e.message.empty()) {
    body += ",\"Message\":";
    append_json_string(body, e.message);
  }
  for (const auto& f : extra) {
    body += ',';
    append_json_string(body, f.name);
    body += ':';
    append_json_string(body, f.value);
  }
  body += '}';
  return body;
}

core::Error to_json_error(core::Error e) {
  using core::ErrorCode;
  switch (e.code) {
    case ErrorCode::InvalidClientTokenId: e.code = ErrorCode::UnrecognizedClientException; break;
    case ErrorCode::SignatureDoesNotMatch:
    case ErrorCode::RequestExpired: e.code = ErrorCode::InvalidSignatureException; break;
    case ErrorCode::IncompleteSignature: e.code = ErrorCode::IncompleteSignatureException; break;
    case ErrorCode::MissingAuthenticationToken:
      e.code = ErrorCode::MissingAuthenticationTokenException;
      break;
    case ErrorCode::ExpiredToken: e.code = ErrorCode::ExpiredTokenException; break;
    case ErrorCode::AccessDenied: e.code = ErrorCode::AccessDeniedException; break;
    case ErrorCode::ValidationError: e.code = ErrorCode::ValidationException; break;
    case ErrorCode::Throttling: e.code = ErrorCode::ThrottlingException; break;
    case ErrorCode::MalformedQueryString: e.code = ErrorCode::SerializationException; break;
    default: break;
  }
  return e;
}

}  // namespace iamd::http::json
