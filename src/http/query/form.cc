#include "http/query/form.h"

#include <string>
#include <utility>

#include "core/strings.h"

namespace iamd::http::query {
namespace {

using core::Error;
using core::ErrorCode;

constexpr std::size_t kEchoBytes = 96;  // how much of a bad name an error message repeats

Error malformed(std::string message) {
  return Error{ErrorCode::MalformedQueryString, std::move(message)};
}

/// A name for an error message: cut to kEchoBytes on a UTF-8 boundary so the message stays
/// readable and bounded however long the offending name is.
std::string echo(std::string_view name) {
  if (name.size() <= kEchoBytes) return std::string(name);
  std::size_t cut = kEchoBytes;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  std::string out(name.substr(0, cut));
  out += "...";
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/// Decodes one name or value. `offset` is where `s` starts in the whole text, for the message.
core::Result<std::string> decode_component(std::string_view s, std::size_t offset) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      int h = s.size() - i >= 3 ? hex_digit(s[i + 1]) : -1;
      int l = s.size() - i >= 3 ? hex_digit(s[i + 2]) : -1;
      if (h < 0 || l < 0) {
        return malformed("Malformed percent-encoding at byte " + std::to_string(offset + i) +
                         " of the query string");
      }
      out.push_back(static_cast<char>(h * 16 + l));
      i += 2;
    }
  }
  return out;
}

/// Empty segments, length and depth; checked before the tree is touched.
core::Status check_name(std::string_view name) {
  if (name.size() > kMaxNameBytes) {
    return malformed("Parameter name longer than " + std::to_string(kMaxNameBytes) +
                     " bytes: " + echo(name));
  }
  std::size_t segments = 1;
  bool empty_segment = name.empty() || name.front() == '.' || name.back() == '.';
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != '.') continue;
    ++segments;
    if (i + 1 < name.size() && name[i + 1] == '.') empty_segment = true;
  }
  if (empty_segment) return malformed("Invalid parameter name: '" + echo(name) + "'");
  if (segments > kMaxDepth) {
    return malformed("Parameter name nested deeper than " + std::to_string(kMaxDepth) +
                     " levels: " + echo(name));
  }
  return {};
}

Error too_many_fields() {
  return Error{ErrorCode::RequestEntityTooLarge,
               "Too many parameters: at most " + std::to_string(kMaxFields) + " are accepted"};
}

}  // namespace

core::Result<Fields> decode_form(std::string_view text) {
  Fields fields;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) amp = text.size();
    std::string_view field = text.substr(pos, amp - pos);
    if (!field.empty()) {
      if (fields.size() == kMaxFields) return too_many_fields();
      std::size_t eq = field.find('=');
      std::string_view raw_name = field.substr(0, eq);
      bool has_value = eq != std::string_view::npos;
      std::string_view raw_value = has_value ? field.substr(eq + 1) : std::string_view{};
      auto name = decode_component(raw_name, pos);
      if (!name) return name.error();
      auto value = decode_component(raw_value, has_value ? pos + eq + 1 : amp);
      if (!value) return value.error();
      // Checked after decoding: escapes can hide bad bytes, and raw bytes can be bad too.
      if (!core::is_valid_utf8(*name)) {
        return malformed("A parameter name in the query string is not valid UTF-8");
      }
      if (!core::is_valid_utf8(*value)) {
        return malformed("The value of parameter " + echo(*name) + " is not valid UTF-8");
      }
      fields.emplace_back(std::move(*name), std::move(*value));
    }
    pos = amp + 1;
  }
  return fields;
}

core::Result<api::ParamNode> build_params(const Fields& fields) {
  if (fields.size() > kMaxFields) return too_many_fields();
  api::ParamNode root;
  for (const auto& [name, value] : fields) {
    IAMD_TRY(check_name(name));
    api::ParamNode* node = &root;
    std::size_t start = 0;
    while (true) {
      std::size_t dot = name.find('.', start);
      std::string_view segment = std::string_view(name).substr(start, dot - start);
      // A node with a value may not also have children; the root never has a value.
      if (node->value) {
        return malformed("Parameter " + echo(std::string_view(name).substr(0, start - 1)) +
                         " cannot have both a value and nested parameters");
      }
      auto it = node->children.find(segment);
      if (it == node->children.end()) {
        it = node->children.emplace(std::string(segment), api::ParamNode{}).first;
      }
      node = &it->second;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (node->value) return malformed("Duplicate parameter: " + echo(name));
    if (!node->children.empty()) {
      return malformed("Parameter " + echo(name) +
                       " cannot have both a value and nested parameters");
    }
    node->value = value;
  }
  return root;
}

core::Result<Fields> merge_fields(Fields query, Fields body) {
  if (query.size() + body.size() > kMaxFields) return too_many_fields();
  if (query.empty()) return body;
  query.reserve(query.size() + body.size());
  for (auto& f : body) query.push_back(std::move(f));
  return query;
}

core::Result<api::ParamNode> parse_params(std::string_view query_string, std::string_view body) {
  auto query = decode_form(query_string);
  if (!query) return query.error();
  auto form = decode_form(body);
  if (!form) return form.error();
  auto merged = merge_fields(std::move(*query), std::move(*form));
  if (!merged) return merged.error();
  return build_params(*merged);
}

}  // namespace iamd::http::query
