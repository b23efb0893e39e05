#include "http/query/xml.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace iamd::http::query {
namespace {

using api::OutNode;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// What each ASCII byte becomes; an empty entry means "copy as is".
constexpr std::array<std::string_view, 128> make_ascii_table() {
  std::array<std::string_view, 128> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = kReplacement;
  t['\t'] = {};
  t['\n'] = {};
  t['\r'] = "&#xD;";
  t['&'] = "&amp;";
  t['<'] = "&lt;";
  t['>'] = "&gt;";
  t['"'] = "&quot;";
  t['\''] = "&apos;";
  return t;
}
constexpr auto kAscii = make_ascii_table();

struct Utf8Char {
  std::size_t length;  // bytes of the well-formed sequence at s[i]; 0 if ill-formed
  bool allowed;        // whether XML 1.0 allows the character
};

/// Decodes the sequence at s[i] (lead byte >= 0x80). Ill-formed input (bad bytes, overlongs,
/// surrogates, values past U+10FFFF) has length 0; U+FFFE/U+FFFF are well-formed but not allowed.
Utf8Char xml_utf8_char(std::string_view s, std::size_t i) {
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
    return {0, false};
  }
  if (s.size() - i < len) return {0, false};
  for (std::size_t k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {0, false};
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, false};
  return {len, cp != 0xFFFE && cp != 0xFFFF};
}

bool is_scalar(OutNode::Kind kind) {
  return kind != OutNode::Kind::Struct && kind != OutNode::Kind::List && kind != OutNode::Kind::Map;
}

/// An upper bound for the unescaped size, so the body is allocated once in the common case.
std::size_t estimate(const OutNode& n) {
  std::size_t size = 2 * n.name.size() + 5 + n.text.size();
  for (const auto& c : n.children) size += estimate(c);
  return size;
}

void open_tag(std::string& out, std::string_view name) {
  out += '<';
  out += name;
  out += '>';
}

void close_tag(std::string& out, std::string_view name) {
  out += "</";
  out += name;
  out += '>';
}

void text_element(std::string& out, std::string_view name, std::string_view text) {
  open_tag(out, name);
  append_xml_text(out, text);
  close_tag(out, name);
}

void write_node(std::string& out, const OutNode& n) {
  if (is_scalar(n.kind)) {
    text_element(out, n.name, n.text);
    return;
  }
  if (n.children.empty()) {
    out += '<';
    out += n.name;
    out += "/>";
    return;
  }
  open_tag(out, n.name);
  for (const auto& c : n.children) write_node(out, c);
  close_tag(out, n.name);
}

void open_root(std::string& out, std::string_view name, std::string_view xml_namespace) {
  out += '<';
  out += name;
  out += " xmlns=\"";
  append_xml_text(out, xml_namespace, /*attribute=*/true);
  out += "\">";
}

}  // namespace

void append_xml_text(std::string& out, std::string_view text, bool attribute) {
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
      // One U+FFFD per ill-formed byte, one per forbidden character.
      Utf8Char ch = xml_utf8_char(text, i);
      if (ch.length == 0) {
        replace(kReplacement, 1);
      } else if (!ch.allowed) {
        replace(kReplacement, ch.length);
      } else {
        i += ch.length;
      }
    } else if (attribute && (c == '\t' || c == '\n')) {
      // Attribute-value normalisation would turn these into spaces.
      replace(c == '\t' ? "&#x9;" : "&#xA;", 1);
    } else if (!kAscii[c].empty()) {
      replace(kAscii[c], 1);
    } else {
      ++i;
    }
  }
  out.append(text.data() + run, text.size() - run);
}

std::string encode_response(const api::ServiceInfo& service, std::string_view action,
                            const api::Output& result, std::string_view request_id) {
  std::string out;
  // The action name appears four times; the rest of the envelope is under 128 bytes.
  out.reserve(4 * action.size() + service.xml_namespace.size() + request_id.size() + 128 +
              (result.has_result ? estimate(result.result) : 0));
  std::string response_name(action);
  response_name += "Response";
  open_root(out, response_name, service.xml_namespace);
  if (result.has_result) {
    std::string result_name(action);
    result_name += "Result";
    // Members only: the root OutNode's own name and kind are not written.
    if (result.result.children.empty()) {
      out += '<';
      out += result_name;
      out += "/>";
    } else {
      open_tag(out, result_name);
      for (const auto& c : result.result.children) write_node(out, c);
      close_tag(out, result_name);
    }
  }
  out += "<ResponseMetadata>";
  text_element(out, "RequestId", request_id);
  out += "</ResponseMetadata>";
  close_tag(out, response_name);
  return out;
}

std::string encode_error(std::string_view xml_namespace, const core::Error& e,
                         std::string_view request_id) {
  std::string out;
  out.reserve(160 + xml_namespace.size() + e.message.size() + request_id.size());
  open_root(out, "ErrorResponse", xml_namespace);
  out += "<Error>";
  text_element(out, "Type", core::fault(e.code) == core::Fault::Sender ? "Sender" : "Receiver");
  text_element(out, "Code", core::wire_code(e.code));
  text_element(out, "Message", e.message);
  out += "</Error>";
  text_element(out, "RequestId", request_id);
  out += "</ErrorResponse>";
  return out;
}

}  // namespace iamd::http::query
