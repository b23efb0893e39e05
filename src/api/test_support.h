#pragma once
// What the handler unit tests share for talking to operations: a terse way to build request
// parameters and readers for output trees. Tests only; header-only.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/params.h"

namespace iamd::api::testing {

/// Request fields in wire order, named as the Query protocol names them ("Tags.member.1.Key").
using Fields = std::vector<std::pair<std::string, std::string>>;

/// "A.member.1.B"-style names -> the tree api::Input reads (what the JSON decoder builds for
/// {"A":[{"B":..}]}). A later field with the same name overwrites the earlier one.
inline ParamNode params(const Fields& fields) {
  ParamNode root;
  for (const auto& [key, value] : fields) {
    ParamNode* n = &root;
    std::size_t start = 0;
    while (true) {
      std::size_t dot = key.find('.', start);
      n = &n->children[key.substr(start, dot - start)];
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    n->value = value;
  }
  return root;
}

/// The first child named `name`, or nullptr.
inline const OutNode* child(const OutNode& n, std::string_view name) {
  for (const auto& c : n.children) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

/// The text at `path` below `n`: child names joined by '/' ("User/UserId"), each step taking the
/// first child of that name. "<absent>" when a step is missing, so an absent member never
/// compares equal to an empty one.
inline std::string text(const OutNode& n, std::string_view path) {
  const OutNode* c = &n;
  std::size_t start = 0;
  while (c != nullptr) {
    std::size_t slash = path.find('/', start);
    c = child(*c, path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return c == nullptr ? "<absent>" : c->text;
}

/// The names of `n`'s children, in order.
inline std::vector<std::string> member_names(const OutNode& n) {
  std::vector<std::string> names;
  for (const auto& c : n.children) names.push_back(c.name);
  return names;
}

}  // namespace iamd::api::testing
