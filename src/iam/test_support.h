#pragma once
// What the IAM unit tests share: a sealer that keeps contexts apart and, from api/ and
// authz/test_support.h, deterministic randomness, a terse way to build request parameters and a
// reader for output trees. Tests only.

#include <string>
#include <string_view>

#include "api/test_support.h"
#include "authz/test_support.h"
#include "core/sealer.h"

namespace iamd::iam::testing {

/// Seals by tagging and scrambling: enough to prove a secret never reaches the store in the clear
/// and that a value sealed for one context does not open in another.
class TagSealer final : public core::Sealer {
 public:
  std::string seal(std::string_view plaintext, std::string_view context) override {
    std::string s = "sealed:" + std::string(context) + ":";
    for (char c : plaintext) s.push_back(static_cast<char>(c ^ 0x5a));
    return s;
  }
  core::Result<core::Secret> open(std::string_view sealed, std::string_view context) const override {
    std::string prefix = "sealed:" + std::string(context) + ":";
    if (!sealed.starts_with(prefix)) {
      return core::Error{core::ErrorCode::ServiceFailure, "bad seal"};
    }
    std::string plain;
    for (char c : sealed.substr(prefix.size())) plain.push_back(static_cast<char>(c ^ 0x5a));
    return core::Secret(plain);
  }
};

using api::testing::child;
using api::testing::Fields;
using api::testing::params;
using authz::testing::SeededRandom;

}  // namespace iamd::iam::testing
