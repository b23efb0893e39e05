#include "api/input.h"

#include <algorithm>
#include <charconv>

namespace iamd::api {
namespace {

std::string lower_camel(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

// Query list indices are 1-based decimal; anything else is not a list item.
std::optional<size_t> list_index(std::string_view s) {
  size_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v == 0) return std::nullopt;
  return v;
}

const ParamNode kEmpty{};

}  // namespace

Input::Input(const ParamNode& root)
    : node_(&root), errors_(std::make_shared<std::vector<std::string>>()) {}

Input::Input(const ParamNode* node, std::string path,
             std::shared_ptr<std::vector<std::string>> errors)
    : node_(node), path_(std::move(path)), errors_(std::move(errors)) {}

const ParamNode* Input::child(std::string_view name) const {
  auto it = node_->children.find(name);
  return it == node_->children.end() ? nullptr : &it->second;
}

bool Input::has(std::string_view name) const { return child(name) != nullptr; }

std::string Input::path_of(std::string_view name) const {
  return path_.empty() ? lower_camel(name) : path_ + "." + lower_camel(name);
}

void Input::violation(std::string_view name, std::optional<std::string_view> value,
                      std::string_view constraint, bool sensitive) {
  std::string msg = "Value";
  if (!value) {
    msg += " null";
  } else if (!sensitive) {
    msg += " '";
    msg += *value;
    msg += "'";
  }
  msg += " at '";
  msg += path_of(name);
  msg += "' failed to satisfy constraint: ";
  msg += constraint;
  errors_->push_back(std::move(msg));
}

void Input::check_string(std::string_view name, std::string_view value, const StringRule& rule) {
  if (rule.matches != nullptr && !rule.matches(value)) {
    violation(name, value,
              "Member must satisfy regular expression pattern: " + std::string(rule.pattern),
              rule.sensitive);
  }
  if (value.size() > rule.max_len) {
    violation(name, value,
              "Member must have length less than or equal to " + std::to_string(rule.max_len),
              rule.sensitive);
  }
  if (value.size() < rule.min_len) {
    violation(name, value,
              "Member must have length greater than or equal to " + std::to_string(rule.min_len),
              rule.sensitive);
  }
}

std::optional<std::string> Input::optional_string(std::string_view name, const StringRule& rule) {
  const ParamNode* c = child(name);
  if (c == nullptr || !c->value) return std::nullopt;
  check_string(name, *c->value, rule);
  return *c->value;
}

std::string Input::required_string(std::string_view name, const StringRule& rule) {
  auto v = optional_string(name, rule);
  if (!v) {
    violation(name, std::nullopt, "Member must not be null");
    return {};
  }
  return *v;
}

std::optional<std::int64_t> Input::optional_int(std::string_view name, const IntRule& rule) {
  const ParamNode* c = child(name);
  if (c == nullptr || !c->value) return std::nullopt;
  const std::string& s = *c->value;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
    violation(name, s, "Member must be a number");
    return std::nullopt;
  }
  if (v > rule.max) {
    violation(name, s, "Member must have value less than or equal to " + std::to_string(rule.max));
  } else if (v < rule.min) {
    violation(name, s,
              "Member must have value greater than or equal to " + std::to_string(rule.min));
  }
  return v;
}

std::optional<bool> Input::optional_bool(std::string_view name) {
  const ParamNode* c = child(name);
  if (c == nullptr || !c->value) return std::nullopt;
  if (*c->value == "true") return true;
  if (*c->value == "false") return false;
  violation(name, *c->value, "Member must be a boolean (true or false)");
  return std::nullopt;
}

std::optional<std::string> Input::optional_enum(std::string_view name,
                                                std::initializer_list<std::string_view> values) {
  const ParamNode* c = child(name);
  if (c == nullptr || !c->value) return std::nullopt;
  if (std::find(values.begin(), values.end(), *c->value) == values.end()) {
    std::string set = "Member must satisfy enum value set: [";
    bool first = true;
    for (auto v : values) {
      if (!first) set += ", ";
      set += v;
      first = false;
    }
    set += "]";
    violation(name, *c->value, set);
    return std::nullopt;
  }
  return *c->value;
}

std::string Input::required_enum(std::string_view name,
                                 std::initializer_list<std::string_view> values) {
  const ParamNode* c = child(name);
  if (c == nullptr || !c->value) {
    violation(name, std::nullopt, "Member must not be null");
    return {};
  }
  return optional_enum(name, values).value_or("");
}

std::vector<Input> Input::list(std::string_view name, size_t max_items) {
  std::vector<Input> items;
  const ParamNode* c = child(name);
  if (c == nullptr) return items;
  auto members = c->children.find("member");
  if (members == c->children.end()) return items;
  std::vector<std::pair<size_t, const ParamNode*>> indexed;
  for (const auto& [key, node] : members->second.children) {
    if (auto i = list_index(key)) indexed.emplace_back(*i, &node);
  }
  std::sort(indexed.begin(), indexed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string base = path_of(name);
  for (const auto& [i, node] : indexed) {
    items.push_back(Input(node, base + "." + std::to_string(i) + ".member", errors_));
  }
  if (items.size() > max_items) {
    errors_->push_back("Value at '" + base +
                       "' failed to satisfy constraint: Member must have length less than or "
                       "equal to " +
                       std::to_string(max_items));
  }
  return items;
}

std::vector<std::string> Input::string_list(std::string_view name, const StringRule& item_rule,
                                            size_t max_items) {
  std::vector<std::string> out;
  const ParamNode* c = child(name);
  if (c == nullptr) return out;
  auto members = c->children.find("member");
  if (members == c->children.end()) return out;
  std::vector<std::pair<size_t, const std::string*>> indexed;
  for (const auto& [key, node] : members->second.children) {
    auto i = list_index(key);
    if (i && node.value) indexed.emplace_back(*i, &*node.value);
  }
  std::sort(indexed.begin(), indexed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string base = path_of(name);
  for (const auto& [i, value] : indexed) {
    if (item_rule.matches != nullptr && !item_rule.matches(*value)) {
      errors_->push_back("Value '" + *value + "' at '" + base + "." + std::to_string(i) +
                         ".member' failed to satisfy constraint: Member must satisfy regular "
                         "expression pattern: " +
                         std::string(item_rule.pattern));
    }
    if (value->size() > item_rule.max_len) {
      errors_->push_back("Value '" + *value + "' at '" + base + "." + std::to_string(i) +
                         ".member' failed to satisfy constraint: Member must have length less "
                         "than or equal to " +
                         std::to_string(item_rule.max_len));
    }
    if (value->size() < item_rule.min_len) {
      errors_->push_back("Value '" + *value + "' at '" + base + "." + std::to_string(i) +
                         ".member' failed to satisfy constraint: Member must have length greater "
                         "than or equal to " +
                         std::to_string(item_rule.min_len));
    }
    out.push_back(*value);
  }
  if (out.size() > max_items) {
    errors_->push_back("Value at '" + base +
                       "' failed to satisfy constraint: Member must have length less than or "
                       "equal to " +
                       std::to_string(max_items));
  }
  return out;
}

Page Input::page() {
  static constexpr StringRule kMarker{
      1, 320, "[\\u0020-\\u00FF]+", [](std::string_view s) {
        // Bytes of U+0020..U+00FF in UTF-8: printable ASCII, or C2/C3 lead bytes with a
        // continuation byte.
        for (size_t i = 0; i < s.size(); ++i) {
          auto c = static_cast<unsigned char>(s[i]);
          if (c >= 0x20 && c < 0x7f) continue;
          if ((c == 0xC2 || c == 0xC3) && i + 1 < s.size()) {
            ++i;
            continue;
          }
          if (c == 0x7f) continue;
          return false;
        }
        return true;
      }};
  Page page;
  page.marker = optional_string("Marker", kMarker);
  if (auto n = optional_int("MaxItems", IntRule{1, 1000}); n && *n >= 1 && *n <= 1000) {
    page.max_items = static_cast<size_t>(*n);
  }
  return page;
}

core::Status Input::finish() const {
  if (errors_->empty()) return {};
  std::string msg = std::to_string(errors_->size());
  msg += errors_->size() == 1 ? " validation error detected: " : " validation errors detected: ";
  for (size_t i = 0; i < errors_->size(); ++i) {
    if (i > 0) msg += "; ";
    msg += (*errors_)[i];
  }
  return core::Error{core::ErrorCode::ValidationError, std::move(msg)};
}

}  // namespace iamd::api
