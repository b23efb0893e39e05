// libFuzzer target for policy documents: arbitrary bytes -> json::parse (Strict and Lenient) ->
// validate + check for every PolicyType, and parse_and_validate.
//
// Properties checked, beyond "no crash, no sanitizer report, no deep recursion":
//   - whatever Strict accepts, Lenient accepts and reads to the same model;
//   - every string in a parsed model is valid UTF-8;
//   - statement positions are 1-based and each statement ends after it starts;
//   - validate() succeeds exactly when expect() reports no error, and otherwise expect() reports
//     validate()'s message too;
//   - parse_and_validate() succeeds only if Strict parse and validate() both do;
//   - every error is MalformedPolicyDocument; quota_size never exceeds the byte count.
//
// Build (from the repository root):
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/fuzz_policy_parse.cc src/policy/json/reader.cc src/policy/json/parse.cc \
//     src/policy/validate.cc src/policy/validate_actions.cc src/policy/validate_conditions.cc \
//     src/policy/validate_principals.cc src/policy/validate_resources.cc \
//     src/policy/validate_values.cc src/policy/actions.cc \
//     src/core/error.cc src/core/strings.cc \
//     -o fuzz_policy_parse
//   ./fuzz_policy_parse -max_total_time=30 tests/fuzz/corpus/fuzz_policy_parse

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/strings.h"
#include "policy/json/parse.h"
#include "policy/json/parse_and_validate.h"
#include "policy/validate.h"

namespace {

using namespace iamd;
using namespace iamd::policy;

void expect(bool ok) {
  if (!ok) std::abort();
}

bool same(const Principals& a, const Principals& b) {
  return a.any == b.any && a.by_type == b.by_type;
}

bool same(const std::optional<Principals>& a, const std::optional<Principals>& b) {
  return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

bool same(const Statement& a, const Statement& b) {
  if (a.conditions.size() != b.conditions.size()) return false;
  for (std::size_t i = 0; i < a.conditions.size(); ++i) {
    const Condition& x = a.conditions[i];
    const Condition& y = b.conditions[i];
    if (x.op != y.op || x.key != y.key || x.values != y.values) return false;
  }
  return a.sid == b.sid && a.effect == b.effect && same(a.principal, b.principal) &&
         same(a.not_principal, b.not_principal) && a.actions == b.actions &&
         a.not_action == b.not_action && a.has_action == b.has_action &&
         a.resources == b.resources && a.not_resource == b.not_resource &&
         a.has_resource == b.has_resource && a.start.line == b.start.line &&
         a.start.column == b.start.column && a.end.line == b.end.line &&
         a.end.column == b.end.column;
}

bool same(const Policy& a, const Policy& b) {
  if (a.version != b.version || a.id != b.id || a.statements.size() != b.statements.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.statements.size(); ++i) {
    if (!same(a.statements[i], b.statements[i])) return false;
  }
  return true;
}

bool utf8(std::string_view s) { return core::is_valid_utf8(s); }

void check_model(const Policy& p) {
  expect(utf8(p.version) && (!p.id || utf8(*p.id)));
  for (const Statement& s : p.statements) {
    expect(s.start.line >= 1 && s.start.column >= 1);
    expect(s.end.line > s.start.line ||
           (s.end.line == s.start.line && s.end.column > s.start.column));
    expect(!s.sid || utf8(*s.sid));
    for (const auto& a : s.actions) expect(utf8(a));
    for (const auto& r : s.resources) expect(utf8(r));
    for (const auto* principals : {&s.principal, &s.not_principal}) {
      if (!*principals) continue;
      for (const auto& [type, values] : (*principals)->by_type) {
        expect(utf8(type));
        for (const auto& v : values) expect(utf8(v));
      }
    }
    for (const Condition& c : s.conditions) {
      expect(utf8(c.op) && utf8(c.key));
      for (const auto& v : c.values) expect(utf8(v));
    }
  }
}

void check_validation(const Policy& p, PolicyType type) {
  auto status = validate(p, type);
  auto findings = policy::check(p, type);
  bool any_error = false, has_message = false;
  for (const Finding& f : findings) {
    expect(!f.message.empty());
    if (f.severity != Finding::Severity::Error) continue;
    any_error = true;
    if (!status && f.message == status.error().message) has_message = true;
  }
  expect(status.has_value() == !any_error);
  if (!status) {
    expect(status.error().code == core::ErrorCode::MalformedPolicyDocument);
    expect(has_message);
  }
}

constexpr PolicyType kTypes[] = {PolicyType::Identity, PolicyType::Boundary, PolicyType::Session,
                                 PolicyType::Trust,    PolicyType::Resource, PolicyType::Scp};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  expect(quota_size(text) <= size);

  auto strict = json::parse(text, json::ParseMode::Strict);
  auto lenient = json::parse(text, json::ParseMode::Lenient);
  if (!strict) expect(strict.error().code == core::ErrorCode::MalformedPolicyDocument);
  if (!lenient) expect(lenient.error().code == core::ErrorCode::MalformedPolicyDocument);
  if (strict) {
    expect(lenient.has_value() && same(*strict, *lenient));
    check_model(*strict);
  }
  if (lenient) check_model(*lenient);

  for (PolicyType type : kTypes) {
    if (lenient) check_validation(*lenient, type);
    auto accepted = json::parse_and_validate(text, type);
    if (accepted) {
      expect(strict.has_value() && validate(*strict, type).has_value());
    } else {
      expect(accepted.error().code == core::ErrorCode::MalformedPolicyDocument);
    }
  }
  return 0;
}
