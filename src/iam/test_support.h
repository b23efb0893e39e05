#pragma once
// What the IAM unit tests share: deterministic randomness, sealers, a terse way to build request
// parameters, and readers for output trees. Tests only.

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/params.h"
#include "core/random.h"
#include "core/sealer.h"

namespace iamd::iam::testing {

using Fields = std::vector<std::pair<std::string, std::string>>;

/// Deterministic, with a period long enough that ids never repeat within a test.
class SeededRandom final : public core::Random {
 public:
  explicit SeededRandom(std::uint64_t seed = 42) : engine_(seed) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = static_cast<std::uint8_t>(engine_());
  }

 private:
  std::mt19937_64 engine_;
};

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

/// Form-style fields ("Tags.member.1.Key") -> the tree api::Input reads.
inline api::ParamNode params(const Fields& fields) {
  api::ParamNode root;
  for (const auto& [key, value] : fields) {
    api::ParamNode* n = &root;
    size_t start = 0;
    while (true) {
      size_t dot = key.find('.', start);
      n = &n->children[key.substr(start, dot - start)];
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    n->value = value;
  }
  return root;
}

/// The first child named `name`, or nullptr.
inline const api::OutNode* child(const api::OutNode& n, std::string_view name) {
  for (const auto& c : n.children) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace iamd::iam::testing
