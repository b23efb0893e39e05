#pragma once
// The operation registry: service + action name -> handler. Protocol adapters look operations up
// here; service modules register theirs at start-up.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "api/context.h"
#include "api/input.h"
#include "api/params.h"
#include "core/result.h"

namespace iamd::api {

using Handler = std::function<core::Result<Output>(const Context&, Input&)>;

enum class Auth { Signed, Unsigned };

struct Operation {
  std::string service;  // SigV4 signing name: "iam", "sts"
  std::string action;   // "CreateUser"
  Handler handler;
  Auth auth = Auth::Signed;
};

class Registry {
 public:
  void add(Operation op);
  /// nullptr when the service has no such action.
  const Operation* find(std::string_view service, std::string_view action) const;
  /// The service that has `action` under API `version` ("2010-05-08" -> iam), for unsigned calls.
  const Operation* find_by_version(std::string_view version, std::string_view action) const;

 private:
  std::map<std::pair<std::string, std::string>, Operation, std::less<>> ops_;
};

/// API version and XML namespace of a Query service ("iam" -> 2010-05-08, its namespace).
struct ServiceInfo {
  std::string_view service;
  std::string_view version;
  std::string_view xml_namespace;
};
/// nullptr for a service that is not served.
const ServiceInfo* find_service(std::string_view service);

}  // namespace iamd::api
