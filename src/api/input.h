#pragma once
// Typed reads of request parameters with AWS's model constraints. Every violation is collected, and
// finish() turns them into one ValidationError worded as AWS words it:
//   "2 validation errors detected: Value 'x!' at 'userName' failed to satisfy constraint: ...; ..."

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/params.h"
#include "core/result.h"

namespace iamd::api {

/// A model string constraint. `pattern` is the regex text AWS prints; `matches` implements it.
struct StringRule {
  size_t min_len = 0;
  size_t max_len = std::numeric_limits<size_t>::max();
  std::string_view pattern = {};
  bool (*matches)(std::string_view) = nullptr;
  /// Secrets (passwords) are never echoed back in messages.
  bool sensitive = false;
};

struct IntRule {
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
};

/// Marker/MaxItems pagination input (MaxItems 1-1000, default 100).
struct Page {
  std::optional<std::string> marker;
  size_t max_items = 100;
};

class Input {
 public:
  explicit Input(const ParamNode& root);

  bool has(std::string_view name) const;
  std::optional<std::string> optional_string(std::string_view name, const StringRule& rule = {});
  /// Records "Member must not be null" when absent; returns "" then.
  std::string required_string(std::string_view name, const StringRule& rule = {});
  std::optional<std::int64_t> optional_int(std::string_view name, const IntRule& rule = {});
  std::optional<bool> optional_bool(std::string_view name);
  /// A string that must be one of `values`.
  std::optional<std::string> optional_enum(std::string_view name,
                                           std::initializer_list<std::string_view> values);
  std::string required_enum(std::string_view name, std::initializer_list<std::string_view> values);
  /// The items of list `name` (`Name.member.N...`) in index order; an absent list or `Name=` is
  /// empty. More than `max_items` records a violation.
  std::vector<Input> list(std::string_view name,
                          size_t max_items = std::numeric_limits<size_t>::max());
  std::vector<std::string> string_list(std::string_view name, const StringRule& item_rule = {},
                                       size_t max_items = std::numeric_limits<size_t>::max());
  /// Whether list `name` was given at all (even as `Name=`).
  bool has_list(std::string_view name) const { return has(name); }
  Page page();

  /// Records a violation in AWS's words for a member this handler checks itself.
  void violation(std::string_view name, std::optional<std::string_view> value,
                 std::string_view constraint, bool sensitive = false);
  /// Ok, or the ValidationError listing every violation recorded so far.
  core::Status finish() const;

 private:
  Input(const ParamNode* node, std::string path, std::shared_ptr<std::vector<std::string>> errors);
  const ParamNode* child(std::string_view name) const;
  std::string path_of(std::string_view name) const;
  void check_string(std::string_view name, std::string_view value, const StringRule& rule);

  const ParamNode* node_;
  std::string path_;  // lowerCamel path of this node, "" at the root, "tags.1.member" for an item
  std::shared_ptr<std::vector<std::string>> errors_;
};

}  // namespace iamd::api
