#include "app/query_endpoint.h"

#include <spdlog/spdlog.h>

#include "auth/sigv4/verify.h"
#include "core/ids.h"
#include "core/strings.h"
#include "http/query/form.h"
#include "http/query/xml.h"

namespace iamd::app {

using core::ErrorCode;

namespace {

const api::ServiceInfo& default_service() { return *api::find_service("iam"); }

std::string_view param(const api::ParamNode& root, std::string_view name) {
  auto it = root.children.find(name);
  if (it == root.children.end() || !it->second.value) return {};
  return *it->second.value;
}

core::Error invalid_token() {
  return core::Error{ErrorCode::InvalidClientTokenId,
                     "The security token included in the request is invalid."};
}

}  // namespace

struct QueryEndpoint::Impl {
  Impl(const api::Registry& r, authz::View& v, const core::Clock& c, core::Random& rnd)
      : registry(r), view(v), clock(c), random(rnd) {}

  const api::Registry& registry;
  authz::View& view;
  const core::Clock& clock;
  core::Random& random;
  auth::sigv4::SigningKeyCache key_cache;

  http::Response error_response(const api::ServiceInfo& service, const core::Error& e,
                                const std::string& request_id) {
    http::Response r;
    r.status = core::http_status(e.code);
    if (core::fault(e.code) == core::Fault::Receiver) {
      // Our faults carry detail (SQLite's words) for operators, not for clients.
      spdlog::error("request {}: {}: {}", request_id, core::wire_code(e.code), e.message);
      r.body = http::query::encode_error(
          service.xml_namespace, core::Error{e.code, "An internal error occurred."}, request_id);
    } else {
      r.body = http::query::encode_error(service.xml_namespace, e, request_id);
    }
    r.request_id = request_id;
    r.service = std::string(service.service);
    return r;
  }

  // Authenticates a signed request: the caller it was signed by, or the AWS error.
  core::Result<api::Caller> authenticate(const auth::sigv4::SignableRequest& signable,
                                         const auth::sigv4::ParsedSignature& sig,
                                         std::string_view service, core::TimePoint now) {
    IAMD_TRY(auth::sigv4::check_scope_and_time(sig, service, now));
    // Temporary credentials (ASIA keys with session tokens) arrive with STS sessions.
    if (sig.session_token) return invalid_token();
    auto cred = view.find_credential(sig.access_key_id);
    if (cred == nullptr || !cred->active) return invalid_token();
    IAMD_TRY(auth::sigv4::verify(signable, sig, cred->secret.reveal(), key_cache));
    view.record_key_use(sig.access_key_id, authz::KeyUse{now, std::string(service), sig.region});
    return cred->caller;
  }

  http::Response handle(const http::Request& request) {
    std::string request_id = core::make_uuid(random);
    core::TimePoint now = clock.now();
    const api::ServiceInfo* service = &default_service();

    std::string_view target = request.target;
    size_t q = target.find('?');
    std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    std::string_view body;
    if (request.method == "POST") {
      const std::string* type = request.header("content-type");
      if (type == nullptr || core::ascii_lower(*type).starts_with("application/x-www-form-urlencoded")) {
        body = request.body;
      }
    } else if (request.method != "GET") {
      return error_response(*service,
                            core::Error{ErrorCode::MethodNotAllowed,
                                        "The HTTP method " + request.method +
                                            " is not supported by this endpoint."},
                            request_id);
    }

    auto params = http::query::parse_params(query, body);
    if (!params) return error_response(*service, params.error(), request_id);
    std::string_view action = param(*params, "Action");
    std::string_view version = param(*params, "Version");

    auth::sigv4::SignableRequest signable;
    signable.method = request.method;
    signable.target = request.target;
    signable.body = request.body;
    signable.headers.reserve(request.headers.size());
    for (const auto& [name, value] : request.headers) signable.headers.emplace_back(name, value);

    // The service is the credential scope's; unsigned requests name it through Version.
    auto sig = auth::sigv4::parse(signable);
    if (sig) {
      if (const auto* s = api::find_service(sig->service)) service = s;
    } else {
      for (const char* name : {"iam", "sts"}) {
        if (api::find_service(name)->version == version) service = api::find_service(name);
      }
    }
    if (action.empty()) {
      return error_response(*service, core::Error{ErrorCode::MissingAction, "Missing Action"},
                            request_id);
    }
    const api::Operation* op = registry.find(service->service, action);
    if (!sig) {
      if (op == nullptr || op->auth != api::Auth::Unsigned) {
        return error_response(*service, sig.error(), request_id);
      }
    }

    api::Context ctx;
    ctx.request_id = request_id;
    ctx.now = now;
    ctx.source_ip = request.remote_ip;
    ctx.secure_transport = request.tls;
    if (const std::string* ua = request.header("user-agent")) ctx.user_agent = *ua;
    if (sig) {
      ctx.region = sig->region;
      auto caller = authenticate(signable, *sig, service->service, now);
      if (!caller) return error_response(*service, caller.error(), request_id);
      ctx.caller = std::move(*caller);
    }
    if (op == nullptr || (!version.empty() && version != service->version)) {
      std::string v = version.empty() ? std::string(service->version) : std::string(version);
      return error_response(*service,
                            core::Error{ErrorCode::InvalidAction,
                                        "Could not find operation " + std::string(action) +
                                            " for version " + v},
                            request_id);
    }

    api::Input input(*params);
    core::Result<api::Output> out = op->handler(ctx, input);
    http::Response response;
    if (!out) {
      response = error_response(*service, out.error(), request_id);
    } else {
      response.body = http::query::encode_response(*service, action, *out, request_id);
      response.request_id = request_id;
    }
    response.service = std::string(service->service);
    response.action = std::string(action);
    return response;
  }
};

QueryEndpoint::QueryEndpoint(const api::Registry& registry, authz::View& view,
                             const core::Clock& clock, core::Random& random)
    : impl_(std::make_unique<Impl>(registry, view, clock, random)) {}

QueryEndpoint::~QueryEndpoint() = default;

http::Response QueryEndpoint::handle(const http::Request& request) {
  return impl_->handle(request);
}

}  // namespace iamd::app
