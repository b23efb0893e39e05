#pragma once
// `iamd policy check` and `iamd policy eval`: the policy core from the command line.

#include <string>
#include <vector>

namespace iamd::app {

struct PolicyCheckOptions {
  std::string file;
  std::string type = "identity";  // identity | trust | boundary | session | scp | resource
};

/// Prints every finding (errors and warnings) of one policy file. Exit status: 0 when there is no
/// error, 1 when there are errors, 2 when the file cannot be read or parsed.
int policy_check(const PolicyCheckOptions& options);

struct PolicyEvalOptions {
  std::vector<std::string> identity_files;
  std::vector<std::string> boundary_files;
  std::vector<std::string> session_files;
  std::vector<std::string> scp_files;
  std::string resource_policy_file;
  std::string action;
  std::string resource = "*";
  std::string principal_arn;             // default: a user in account 123456789012
  std::vector<std::string> context;      // key=value (repeat a key for a multivalued key)
};

/// Evaluates one request against the given policies and explains the decision statement by
/// statement. Exit status: 0 allowed, 1 denied, 2 bad input.
int policy_eval(const PolicyEvalOptions& options);

}  // namespace iamd::app
