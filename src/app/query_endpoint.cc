#include "app/query_endpoint.h"

#include <spdlog/spdlog.h>

#include <array>
#include <optional>
#include <cstdint>
#include <cstring>

#include "app/audit_event.h"
#include "audit/event.h"
#include "auth/session_token.h"
#include "auth/sigv4/verify.h"
#include "core/ids.h"
#include "core/strings.h"
#include "http/json/request.h"
#include "http/json/response.h"
#include "http/query/form.h"
#include "http/query/xml.h"
#include "organizations/errors.h"
#include "sts/authenticate.h"

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

// http::Request::header, with the length compared first and the name eight bytes at a time.
const std::string* header_of(const http::Request& request, std::string_view lower_name) {
  for (const auto& [name, value] : request.headers) {
    if (auth::sigv4::is_header_named(name, lower_name)) return &value;
  }
  return nullptr;
}

// Whether `s` starts with `prefix` (given in lower case), ignoring ASCII case.
bool starts_with_ci(std::string_view s, std::string_view lower_prefix) {
  return s.size() >= lower_prefix.size() && core::iequals(s.substr(0, lower_prefix.size()),
                                                          lower_prefix);
}

// The headers of a SignableRequest: views into the http::Request, in a vector each thread keeps
// (and lends to one request at a time) so that building the view allocates nothing.
class SignableHeaders {
 public:
  explicit SignableHeaders(auth::sigv4::SignableRequest& signable) : signable_(signable) {
    signable_.headers.swap(spare());
    signable_.headers.clear();
  }
  ~SignableHeaders() {
    signable_.headers.clear();
    if (signable_.headers.capacity() <= 256) signable_.headers.swap(spare());
  }
  SignableHeaders(const SignableHeaders&) = delete;
  SignableHeaders& operator=(const SignableHeaders&) = delete;

 private:
  static std::vector<std::pair<std::string_view, std::string_view>>& spare() {
    thread_local std::vector<std::pair<std::string_view, std::string_view>> headers;
    return headers;
  }
  auth::sigv4::SignableRequest& signable_;
};

// sigv4::parse() into ParsedSignatures each thread keeps, so that their strings keep their
// capacity, parsing allocates nothing and a client's next request finds its header remembered
// (sigv4::ParsedSignatureSlots); reads like the core::Result it stands for. Should one be made
// while another is alive on the thread (a handler that verifies a signature of its own), the
// inner one parses into a ParsedSignature of its own instead.
class ParsedOnThisThread {
 public:
  explicit ParsedOnThisThread(const auth::sigv4::SignableRequest& request)
      : parsed_(claim(request)), status_(auth::sigv4::parse(request, *parsed_)) {}
  ~ParsedOnThisThread() {
    if (!own_) slots().in_use = false;
  }
  ParsedOnThisThread(const ParsedOnThisThread&) = delete;
  ParsedOnThisThread& operator=(const ParsedOnThisThread&) = delete;

  explicit operator bool() const { return status_.has_value(); }
  const auth::sigv4::ParsedSignature& operator*() const { return *parsed_; }
  const auth::sigv4::ParsedSignature* operator->() const { return parsed_; }
  const core::Error& error() const { return status_.error(); }

 private:
  struct Slots {
    auth::sigv4::ParsedSignatureSlots parsed;
    bool in_use = false;
  };
  static Slots& slots() {
    thread_local Slots s;
    return s;
  }
  auth::sigv4::ParsedSignature* claim(const auth::sigv4::SignableRequest& request) {
    Slots& s = slots();
    if (s.in_use) return &own_.emplace();
    s.in_use = true;
    return &s.parsed.pick(request);
  }

  std::optional<auth::sigv4::ParsedSignature> own_;  // before parsed_: claim() may fill it
  auth::sigv4::ParsedSignature* parsed_;
  core::Status status_;
};

}  // namespace

struct QueryEndpoint::Impl {
  Impl(const api::Registry& r, authz::View& v, const core::Clock& c, core::Random& rnd,
       audit::Broker* b)
      : registry(r), view(v), clock(c), random(rnd), broker(b) {}

  const api::Registry& registry;
  authz::View& view;
  const core::Clock& clock;
  core::Random& random;
  audit::Broker* broker;  // null: auditing is off
  // Signing keys of temporary credentials (each session has its own secret; bounded cache).
  auth::sigv4::SigningKeyCache session_keys;

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

  // An error in the JSON protocol's shape ({"__type", "Message"}, plus Organizations' Reason).
  http::Response json_error(const api::ServiceInfo* service, core::Error e,
                            const std::string& request_id) {
    if (core::fault(e.code) == core::Fault::Receiver) {
      spdlog::error("request {}: {}: {}", request_id, core::wire_code(e.code), e.message);
      e.message = "An internal error occurred.";
    }
    e = http::json::to_json_error(std::move(e));
    http::Response r;
    r.status = core::http_status(e.code);
    std::string_view reason = organizations::error_reason(e);
    http::json::ErrorField fields[] = {{"Reason", reason}};
    r.body = http::json::encode_error(
        e, reason.empty() ? std::span<const http::json::ErrorField>() : fields);
    r.content_type = http::json::content_type(service ? service->json_version : "1.1");
    r.request_id = request_id;
    if (service) r.service = std::string(service->service);
    return r;
  }

  // Hands the call to the audit trail. `error` is the error as the client got it (null on
  // success); the output tree is only kept for calls that change something. Takes what it can
  // from `ctx`, which is done with: every call pays for this on its own thread.
  void publish(api::Context&& ctx, const api::ServiceInfo& service, std::string action,
               api::ParamNode&& params, const core::Error* error, api::Output* out,
               api::AuditNotes&& notes, audit::Identity identity) {
    audit::Event e;
    e.identity = std::move(identity);
    e.time = ctx.now;
    e.service = std::string(service.service);
    e.event_name = std::move(action);
    e.region = std::move(ctx.region);
    e.source_ip = std::move(ctx.source_ip);
    e.user_agent = std::move(ctx.user_agent);
    e.request_id = std::move(ctx.request_id);
    if (error != nullptr) {
      e.error_code = std::string(core::wire_code(error->code));
      e.error_message = core::fault(error->code) == core::Fault::Receiver
                            ? "An internal error occurred."
                            : error->message;
    } else if (out != nullptr && out->has_result && !audit::is_read_only(e.event_name)) {
      e.response = std::move(out->result);
    }
    e.request = std::move(params);
    e.resources = std::move(notes.resources);
    e.other_account = std::move(notes.other_account);
    // An unsigned call that failed before it named any account has nowhere to be delivered.
    if (audit::recipient_account(e).empty()) return;
    broker->publish(std::move(e));
  }

  // A signed call whose signature did not verify: recorded in the account the access key
  // belongs to, with an identity of type Unknown (nothing about the caller was proven). A key
  // no account has, or a session token that does not open, leaves no record: no account to
  // deliver it to.
  void publish_auth_failure(api::Context&& ctx, const api::ServiceInfo& service,
                            std::string_view action, api::ParamNode&& params,
                            const auth::sigv4::ParsedSignature& sig, const core::Error& error) {
    audit::Identity id;
    id.type = "Unknown";
    id.access_key_id = sig.access_key_id;
    if (sig.session_token) {
      auto session = auth::open_session(*sig.session_token, *view.keyring());
      if (!session) return;
      id.account_id = (*session)->account;
    } else {
      auto cred = view.find_credential(sig.access_key_id);
      if (cred == nullptr) return;
      id.account_id = cred->caller.account;
    }
    publish(std::move(ctx), service, std::string(action), std::move(params), &error, nullptr,
            api::AuditNotes{}, std::move(id));
  }

  // AWS JSON 1.0/1.1: POST, X-Amz-Target names the operation, the body is a JSON object.
  http::Response handle_json(const http::Request& request, std::string_view x_amz_target,
                             const std::string& request_id, core::TimePoint now) {
    auto target = http::json::parse_target(x_amz_target);
    if (!target) return json_error(nullptr, target.error(), request_id);
    const api::ServiceInfo* service = target->service;
    if (request.method != "POST") {
      return json_error(service,
                        core::Error{ErrorCode::MethodNotAllowed,
                                    "The HTTP method " + request.method +
                                        " is not supported by this endpoint."},
                        request_id);
    }
    auto params = http::json::decode_body(request.body);
    if (!params) return json_error(service, params.error(), request_id);

    auth::sigv4::SignableRequest signable;
    signable.method = request.method;
    signable.target = request.target;
    signable.body = request.body;
    const SignableHeaders lend_headers(signable);
    for (const auto& [name, value] : request.headers) signable.headers.emplace_back(name, value);
    const ParsedOnThisThread sig(signable);
    if (!sig) return json_error(service, sig.error(), request_id);

    api::Context ctx;
    ctx.request_id = request_id;
    ctx.now = now;
    ctx.source_ip = request.remote_ip;
    ctx.secure_transport = request.tls;
    ctx.region = sig->region;
    if (const std::string* ua = header_of(request, "user-agent")) ctx.user_agent = *ua;
    const api::Operation* op = registry.find(service->service, target->action);
    auto caller = authenticate(signable, *sig, service->service, now);
    if (!caller) {
      if (broker != nullptr && op != nullptr) {
        publish_auth_failure(std::move(ctx), *service, target->action, std::move(*params), *sig,
                             http::json::to_json_error(caller.error()));
      }
      return json_error(service, caller.error(), request_id);
    }
    ctx.caller = std::move(*caller);

    if (op == nullptr) {
      return json_error(service, core::Error{ErrorCode::UnknownOperationException, ""},
                        request_id);
    }
    api::AuditNotes notes;
    if (broker != nullptr) ctx.audit = &notes;
    api::Input input(*params);
    core::Result<api::Output> out = op->handler(ctx, input);
    if (!out) {
      if (broker != nullptr) {
        core::Error sent = http::json::to_json_error(out.error());
        publish(std::move(ctx), *service, std::string(target->action), std::move(*params), &sent,
                nullptr, std::move(notes), audit_identity(std::move(ctx.caller)));
      }
      return json_error(service, out.error(), request_id);
    }
    http::Response response;
    response.body = http::json::encode_response(*out);
    response.content_type = http::json::content_type(service->json_version);
    response.request_id = request_id;
    response.service = std::string(service->service);
    response.action = std::string(target->action);
    if (broker != nullptr) {
      publish(std::move(ctx), *service, response.action, std::move(*params), nullptr, &*out,
              std::move(notes), audit_identity(std::move(ctx.caller)));
    }
    return response;
  }

  // Authenticates a signed request: the caller it was signed by, or the AWS error.
  core::Result<api::Caller> authenticate(const auth::sigv4::SignableRequest& signable,
                                         const auth::sigv4::ParsedSignature& sig,
                                         std::string_view service, core::TimePoint now) {
    IAMD_TRY(auth::sigv4::check_scope_and_time(sig, service, now));
    // Temporary credentials (ASIA keys with session tokens) arrive with STS sessions.
    if (sig.session_token) {
      // Temporary credentials: the session is in the sealed token (sts/authenticate.h).
      auto caller = sts::authenticate_session(view, *sig.session_token, sig.access_key_id, now);
      IAMD_TRY(caller);
      IAMD_TRY(auth::sigv4::verify(signable, sig, caller->session->secret_access_key.reveal(),
                                   session_keys));
      return caller;
    }
    auto cred = view.find_credential(sig.access_key_id);
    if (cred == nullptr || !cred->active) return invalid_token();
    // The credential's own signing-key cache: no lock, no hash of the secret (key_slots.h).
    IAMD_TRY(auth::sigv4::verify(signable, sig, cred->secret.reveal(), cred->signing_keys));
    return cred->caller;
  }

  http::Response handle(const http::Request& request) {
    std::string request_id = core::make_uuid(random);
    core::TimePoint now = clock.now();
    const api::ServiceInfo* service = &default_service();
    if (const std::string* x_amz_target = header_of(request, "x-amz-target")) {
      return handle_json(request, *x_amz_target, request_id, now);
    }

    std::string_view target = request.target;
    size_t q = target.find('?');
    std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    std::string_view body;
    if (request.method == "POST") {
      const std::string* type = header_of(request, "content-type");
      if (type == nullptr || starts_with_ci(*type, "application/x-www-form-urlencoded")) {
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
    const SignableHeaders lend_headers(signable);
    for (const auto& [name, value] : request.headers) signable.headers.emplace_back(name, value);

    // The service is the credential scope's; unsigned requests name it through Version.
    const ParsedOnThisThread sig(signable);
    if (sig) {
      const auto* s = api::find_service(sig->service);
      if (s != nullptr && s->protocol == api::Protocol::Query) service = s;
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
    if (const std::string* ua = header_of(request, "user-agent")) ctx.user_agent = *ua;
    if (sig) {
      ctx.region = sig->region;
      auto caller = authenticate(signable, *sig, service->service, now);
      if (!caller) {
        if (broker != nullptr && op != nullptr) {
          publish_auth_failure(std::move(ctx), *service, action, std::move(*params), *sig,
                               caller.error());
        }
        return error_response(*service, caller.error(), request_id);
      }
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

    api::AuditNotes notes;
    if (broker != nullptr) ctx.audit = &notes;
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
    if (broker != nullptr) {
      publish(std::move(ctx), *service, response.action, std::move(*params),
              out ? nullptr : &out.error(), out ? &*out : nullptr, std::move(notes),
              audit_identity(std::move(ctx.caller)));
    }
    return response;
  }
};

QueryEndpoint::QueryEndpoint(const api::Registry& registry, authz::View& view,
                             const core::Clock& clock, core::Random& random,
                             audit::Broker* broker)
    : impl_(std::make_unique<Impl>(registry, view, clock, random, broker)) {}

QueryEndpoint::~QueryEndpoint() = default;

http::Response QueryEndpoint::handle(const http::Request& request) {
  return impl_->handle(request);
}

}  // namespace iamd::app
