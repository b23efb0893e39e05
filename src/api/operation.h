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

/// The wire protocol a service speaks: AWS Query (form in, XML out) or AWS JSON (JSON in and out,
/// the operation named by the X-Amz-Target header).
enum class Protocol { Query, Json };

/// How a service is reached on the wire: its API version and, for Query services, the XML
/// namespace ("iam" -> 2010-05-08, its namespace); for JSON services, the X-Amz-Target prefix and
/// the JSON version of the Content-Type ("organizations" -> "AWSOrganizationsV20161128", "1.1":
/// application/x-amz-json-1.1).
struct ServiceInfo {
  std::string_view service;
  std::string_view version;
  std::string_view xml_namespace;
  Protocol protocol = Protocol::Query;
  std::string_view json_target_prefix = {};
  std::string_view json_version = {};
};
/// nullptr for a service that is not served.
const ServiceInfo* find_service(std::string_view service);
/// The JSON service whose X-Amz-Target prefix is `prefix` (the part before the last '.'), or
/// nullptr.
const ServiceInfo* find_service_by_target_prefix(std::string_view prefix);

}  // namespace iamd::api
