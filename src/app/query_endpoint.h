#pragma once
// The AWS Query endpoint: the request path from a parsed HTTP request to an XML response.
//   form decode -> SigV4 (key from the authz view) -> operation lookup -> handler -> XML
//   -> audit event (to the broker, which writes it off the request path)
// It is the one place that joins the protocol, authentication and the service registry.

#include <memory>

#include "api/operation.h"
#include "audit/broker.h"
#include "authz/view.h"
#include "core/clock.h"
#include "core/random.h"
#include "http/server/server.h"

namespace iamd::app {

class QueryEndpoint {
 public:
  /// `broker` receives one event per call (null: auditing is off).
  QueryEndpoint(const api::Registry& registry, authz::View& view, const core::Clock& clock,
                core::Random& random, audit::Broker* broker = nullptr);
  ~QueryEndpoint();

  /// Answers one request on "/" (GET or POST). Never throws for bad input: every failure becomes
  /// an AWS error response.
  http::Response handle(const http::Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace iamd::app
