#include "app/policy_cli.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "core/arn.h"
#include "policy/compile.h"
#include "policy/evaluate.h"
#include "policy/explain.h"
#include "policy/json/parse.h"
#include "policy/validate.h"

namespace iamd::app {
namespace {

constexpr size_t kMaxPolicyFileBytes = 1 << 20;

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return out.size() <= kMaxPolicyFileBytes;
}

std::optional<policy::PolicyType> type_named(const std::string& name) {
  static const std::map<std::string, policy::PolicyType> kTypes = {
      {"identity", policy::PolicyType::Identity}, {"trust", policy::PolicyType::Trust},
      {"boundary", policy::PolicyType::Boundary}, {"session", policy::PolicyType::Session},
      {"scp", policy::PolicyType::Scp},           {"resource", policy::PolicyType::Resource}};
  auto it = kTypes.find(name);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

// Loads and compiles one policy file; prints why not and returns nullptr on failure.
std::shared_ptr<const policy::CompiledPolicy> load(const std::string& path) {
  std::string text;
  if (!read_file(path, text)) {
    std::fprintf(stderr, "iamd: cannot read %s\n", path.c_str());
    return nullptr;
  }
  auto parsed = policy::json::parse(text, policy::json::ParseMode::Strict);
  if (!parsed) {
    std::fprintf(stderr, "iamd: %s: %s\n", path.c_str(), parsed.error().message.c_str());
    return nullptr;
  }
  auto compiled = policy::compile(*parsed, policy::PolicySource{path, "file"});
  if (!compiled) {
    std::fprintf(stderr, "iamd: %s: %s\n", path.c_str(), compiled.error().message.c_str());
    return nullptr;
  }
  return *compiled;
}

}  // namespace

int policy_check(const PolicyCheckOptions& options) {
  auto type = type_named(options.type);
  if (!type) {
    std::fprintf(stderr, "iamd: unknown policy type '%s'\n", options.type.c_str());
    return 2;
  }
  std::string text;
  if (!read_file(options.file, text)) {
    std::fprintf(stderr, "iamd: cannot read %s\n", options.file.c_str());
    return 2;
  }
  auto parsed = policy::json::parse(text, policy::json::ParseMode::Strict);
  if (!parsed) {
    std::printf("error: %s\n", parsed.error().message.c_str());
    return 1;
  }
  int errors = 0;
  for (const auto& f : policy::check(*parsed, *type)) {
    bool error = f.severity == policy::Finding::Severity::Error;
    errors += error;
    std::printf("%s: %s%s%s\n", error ? "error" : "warning", f.message.c_str(),
                f.pointer.empty() ? "" : " at ", f.pointer.c_str());
  }
  std::printf("%s: %d error(s)\n", options.file.c_str(), errors);
  return errors > 0 ? 1 : 0;
}

int policy_eval(const PolicyEvalOptions& options) {
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> keep;
  auto load_all = [&](const std::vector<std::string>& files,
                      std::vector<const policy::CompiledPolicy*>& out) {
    for (const auto& f : files) {
      auto p = load(f);
      if (!p) return false;
      out.push_back(p.get());
      keep.push_back(std::move(p));
    }
    return true;
  };

  policy::RequestContext rc;
  rc.action = options.action;
  rc.resource = options.resource;
  std::string arn = options.principal_arn.empty() ? "arn:aws:iam::123456789012:user/cli-user"
                                                  : options.principal_arn;
  auto parsed_arn = core::Arn::parse(arn);
  if (!parsed_arn) {
    std::fprintf(stderr, "iamd: --principal must be an ARN\n");
    return 2;
  }
  rc.principal.arn = arn;
  rc.principal.account = parsed_arn->account;
  rc.principal.kind = parsed_arn->resource == "root" ? policy::PrincipalInfo::Kind::Root
                      : parsed_arn->service == "sts" ? policy::PrincipalInfo::Kind::AssumedRole
                                                     : policy::PrincipalInfo::Kind::User;
  std::map<std::string, std::vector<std::string>> values;
  for (const auto& kv : options.context) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "iamd: --context wants key=value, got '%s'\n", kv.c_str());
      return 2;
    }
    values[kv.substr(0, eq)].push_back(kv.substr(eq + 1));
  }
  for (auto& [k, v] : values) {
    if (v.size() == 1) rc.set(k, v.front());
    else rc.set_multi(k, v);
  }

  policy::EvaluationInput input;
  input.context = &rc;
  input.principal_is_account_root = rc.principal.kind == policy::PrincipalInfo::Kind::Root;
  if (!load_all(options.identity_files, input.identity)) return 2;
  if (!options.boundary_files.empty()) {
    input.boundary.emplace();
    if (!load_all(options.boundary_files, *input.boundary)) return 2;
  }
  if (!options.session_files.empty()) {
    input.session.emplace();
    if (!load_all(options.session_files, *input.session)) return 2;
  }
  for (const auto& f : options.scp_files) {
    input.scp_levels.emplace_back();
    if (!load_all({f}, input.scp_levels.back())) return 2;
  }
  if (!options.resource_policy_file.empty()) {
    auto p = load(options.resource_policy_file);
    if (!p) return 2;
    input.resource_policy = p.get();
    keep.push_back(std::move(p));
  }
  policy::Evaluation ev = policy::evaluate(input);
  std::fputs(policy::explain(ev, rc).c_str(), stdout);
  if (ev.decision != policy::Decision::Allow) {
    std::printf("%s\n", policy::access_denied_message(ev, arn, options.action,
                                                      options.resource == "*" ? "" : options.resource)
                            .c_str());
  }
  return ev.decision == policy::Decision::Allow ? 0 : 1;
}

}  // namespace iamd::app
