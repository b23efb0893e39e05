#pragma once
// IAM's model constraints (spec/iam-policy-sigv4.md §2.0), each with the regex text AWS prints in
// its ValidationError messages and a matcher that implements it.

#include <string_view>

#include "api/input.h"

namespace iamd::iam::rules {

bool is_name(std::string_view s);          // [\w+=,.@-]+
bool is_path(std::string_view s);          // (\u002F)|(\u002F[\u0021-\u007E]+\u002F)
bool is_path_prefix(std::string_view s);   // \u002F[\u0021-\u007F]*
bool is_word(std::string_view s);          // [\w]+
bool is_tag_key(std::string_view s);       // [\p{L}\p{Z}\p{N}_.:/=+\-@]+
bool is_tag_value(std::string_view s);     // [\p{L}\p{Z}\p{N}_.:/=+\-@]*
bool is_password_chars(std::string_view s);  // [\u0009\u000A\u000D\u0020-\u00FF]+
bool is_account_alias(std::string_view s);

inline constexpr std::string_view kNamePattern = "[\\w+=,.@-]+";

inline constexpr api::StringRule kUserName{1, 64, kNamePattern, is_name};
inline constexpr api::StringRule kExistingUserName{1, 128, kNamePattern, is_name};
inline constexpr api::StringRule kGroupName{1, 128, kNamePattern, is_name};
inline constexpr api::StringRule kPath{1, 512, "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
                                       is_path};
inline constexpr api::StringRule kPathPrefix{1, 512, "\\u002F[\\u0021-\\u007F]*", is_path_prefix};
inline constexpr api::StringRule kArn{20, 2048};
inline constexpr api::StringRule kAccessKeyId{16, 128, "[\\w]+", is_word};
inline constexpr api::StringRule kTagKey{1, 128, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", is_tag_key};
inline constexpr api::StringRule kTagValue{0, 256, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*", is_tag_value};
inline constexpr api::StringRule kPassword{1, 128, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
                                           is_password_chars, true};
inline constexpr api::StringRule kAccountAlias{
    3, 63, "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$", is_account_alias};

inline constexpr size_t kMaxTags = 50;

}  // namespace iamd::iam::rules
