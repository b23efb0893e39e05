#pragma once
// How IAM calls about the policies of a user, group or role name that owner: the request
// parameter, the action name and the kind's word in messages. Shared by the inline-policy
// (inline_policies.cc) and managed-policy attachment (attachments.cc) handlers, which are each
// one implementation parameterized by store::EntityKind.

#include <string>
#include <string_view>

#include "api/input.h"
#include "iam/rules.h"
#include "iam/service.h"
#include "store/policies.h"

namespace iamd::iam {

/// The parameter that names the owner (UserName, GroupName, RoleName) and its model constraint.
struct OwnerParam {
  std::string_view name;
  api::StringRule rule;
};

/// `user_rule` is the UserName constraint, which differs by operation: userNameType (1-64) for
/// the attachment calls, existingUserNameType (1-128) for the inline-policy calls.
inline OwnerParam owner_param(store::EntityKind kind, const api::StringRule& user_rule) {
  switch (kind) {
    case store::EntityKind::User: return {"UserName", user_rule};
    case store::EntityKind::Group: return {"GroupName", rules::kGroupName};
    case store::EntityKind::Role: return {"RoleName", rules::kRoleName};
  }
  return {"UserName", user_rule};
}

/// "User", "Group" or "Role", as action names and quota names spell the kind.
inline std::string owner_word(store::EntityKind kind) {
  std::string word(store::kind_name(kind));
  word[0] = static_cast<char>(word[0] - 'a' + 'A');
  return word;
}

/// "iam:" + verb + kind + noun: iam:PutUserPolicy, iam:ListAttachedRolePolicies, ...
inline std::string owner_action(std::string_view verb, store::EntityKind kind,
                                std::string_view noun) {
  return "iam:" + std::string(verb) + owner_word(kind) + std::string(noun);
}

}  // namespace iamd::iam
