#pragma once
// Request parameters as a protocol-neutral tree, and the output tree a handler returns.
//
// The AWS Query decoder builds a ParamNode from "Tags.member.1.Key=k"-style form fields (each
// '.'-separated segment a child); a JSON decoder builds the same shape (arrays become
// "member" -> "1", "2", ...). Handlers read it through api::Input (input.h) and never see the wire.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace iamd::api {

struct ParamNode {
  /// The scalar value when the wire gave one for exactly this path ("Name=" gives "").
  std::optional<std::string> value;
  /// Children by path segment; list items sit under "member" keyed by their 1-based index.
  std::map<std::string, ParamNode, std::less<>> children;
};

/// One output element. Kinds matter to JSON encoders; the XML encoder writes every scalar as text.
struct OutNode {
  enum class Kind { Struct, List, Map, String, Integer, Boolean, Timestamp };

  std::string name;
  Kind kind = Kind::Struct;
  std::string text;               // scalars, already formatted (timestamps in ISO 8601)
  std::vector<OutNode> children;  // Struct fields in model order; List items; Map entries

  OutNode& add_string(std::string name, std::string value);
  OutNode& add_integer(std::string name, std::int64_t value);
  OutNode& add_boolean(std::string name, bool value);
  /// `iso8601` as formatted by core::format_iso8601.
  OutNode& add_timestamp(std::string name, std::string iso8601);
  OutNode& add_struct(std::string name);
  /// A list whose items the caller appends with add_item()/add_string_item().
  OutNode& add_list(std::string name);
  /// A map whose entries the caller appends with add_entry().
  OutNode& add_map(std::string name);
  /// For lists: a new struct item.
  OutNode& add_item();
  /// For lists: a new scalar string item.
  void add_string_item(std::string value);
  /// For maps: a key -> scalar entry (written <entry><key/><value/></entry> in XML).
  void add_entry(std::string key, std::string value, Kind value_kind = Kind::String);
};

/// What an operation returns: `result` holds the members of <ActionResult>. Operations without
/// output have has_result false and no Result element on the wire.
struct Output {
  OutNode result{"", OutNode::Kind::Struct, "", {}};
  bool has_result = true;

  static Output none() {
    Output out;
    out.has_result = false;
    return out;
  }
};

}  // namespace iamd::api
