#pragma once
// For handler unit tests that authorize through the authz view: deterministic randomness and a
// pass-through sealer for the view's dependencies, the root user of an account as a caller, and an
// IAM user written straight to the store with what the view needs to load its policies (an access
// key, and optionally an inline policy). Tests only; header-only.

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "api/context.h"
#include "core/arn.h"
#include "core/ids.h"
#include "core/random.h"
#include "core/result.h"
#include "core/sealer.h"
#include "store/entities.h"
#include "store/policies.h"
#include "store/store.h"

namespace iamd::authz::testing {

/// Deterministic: the same seed gives the same ids on every run, and the period is long enough
/// that ids never repeat within a test.
class SeededRandom final : public core::Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = static_cast<std::uint8_t>(engine_());
  }

 private:
  std::mt19937_64 engine_;
};

/// Seals nothing: the sealed form is the plaintext, for tests that do not look at sealing.
class NullSealer final : public core::Sealer {
 public:
  std::string seal(std::string_view plaintext, std::string_view) override {
    return std::string(plaintext);
  }
  core::Result<core::Secret> open(std::string_view sealed, std::string_view) const override {
    return core::Secret(std::string(sealed));
  }
};

/// The root user of `account`.
inline api::Caller root_caller(std::string_view account) {
  api::Caller c;
  c.type = api::PrincipalType::Root;
  c.account = std::string(account);
  c.arn = core::root_arn(account);
  c.user_id = c.account;
  return c;
}

/// Writes IAM user `name` (path "/") of `account` to `store` with one access key (its sealed
/// secret a placeholder) and, unless `policy` is empty, `policy` inline as "p". Returns the user
/// as a caller; a failed write is reported as a test failure.
inline api::Caller user_with_key(store::Store& store, core::Random& random,
                                 std::string_view account, const std::string& name,
                                 const std::string& policy) {
  store::User u;
  u.account = std::string(account);
  u.name = name;
  u.id = core::make_entity_id(random, core::id_prefix::kUser);
  EXPECT_TRUE(store.write([&](store::Transaction& tx) -> core::Status {
    store::Entities e(tx);
    IAMD_TRY(e.put_user(u));
    store::AccessKey key;
    key.id = core::make_access_key_id(random, core::id_prefix::kAccessKey);
    key.account = u.account;
    key.owner_id = u.id;
    key.sealed_secret = "secret";
    IAMD_TRY(e.put_access_key(key));
    if (policy.empty()) return {};
    return store::PolicyEntities(tx).put_inline(u.account, store::EntityKind::User, u.id,
                                                store::InlinePolicy{"p", policy});
  }));
  api::Caller c;
  c.type = api::PrincipalType::User;
  c.account = u.account;
  c.arn = core::iam_arn(u.account, "user", "/", name);
  c.user_id = u.id;
  c.name = name;
  c.path = "/";
  return c;
}

}  // namespace iamd::authz::testing
