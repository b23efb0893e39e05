// Rendering one call's CloudTrail record on the audit writer thread (audit/render.h), for the
// two calls `make bench` loads the server with: GetCallerIdentity (a read-only call with no
// parameters) and AssumeRole as AWS's CLI sends it (request parameters, a response with
// credentials, one resource). Each event is copied per iteration outside the timing, as the
// writer gets a fresh one each time.

#include <benchmark/benchmark.h>

#include <span>

#include "audit/render.h"
#include "core/time_format.h"

namespace {

using namespace iamd;

class CountingRandom final : public core::Random {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (std::uint8_t& b : out) b = static_cast<std::uint8_t>(++next_);
  }

 private:
  std::uint64_t next_ = 0;
};

audit::Event base_event(std::string service, std::string action) {
  audit::Event e;
  e.identity.type = "IAMUser";
  e.identity.principal_id = "AIDAS6NFHDNA5GDYPCGUM";
  e.identity.arn = "arn:aws:iam::123456789012:user/bench";
  e.identity.account_id = "123456789012";
  e.identity.access_key_id = "AKIA6DCDEZICBASKUFAK";
  e.identity.user_name = "bench";
  e.time = *core::parse_iso8601("2026-11-28T01:00:42Z");
  e.service = std::move(service);
  e.event_name = std::move(action);
  e.region = "us-east-1";
  e.source_ip = "127.0.0.1";
  e.user_agent = "aws-cli/1.29.0 md/Botocore#1.31.0 ua/2.0 os/linux#6.1.0 md/arch#x86_64 "
                 "lang/python#3.11.2 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.31.0";
  e.request_id = "5bdfce38-4ccf-4429-b1b5-99056911025f";
  e.request.children["Action"].value = e.event_name;
  e.request.children["Version"].value = "2011-06-15";
  return e;
}

audit::Event assume_role_event() {
  audit::Event e = base_event("sts", "AssumeRole");
  e.request.children["RoleArn"].value = "arn:aws:iam::123456789012:role/bench-role";
  e.request.children["RoleSessionName"].value = "bench";
  api::OutNode out;
  api::OutNode& creds = out.add_struct("Credentials");
  creds.add_string("AccessKeyId", "ASIAJ3IUAY7MQ3W5K3VD");
  creds.add_string("SecretAccessKey", "Vr0ZnMlkQ5AZ3RGXVsKCZ8cRyTaqNYxvqT8Awwq4");
  creds.add_string("SessionToken", std::string(412, 'T'));
  creds.add_timestamp("Expiration", "2026-11-28T02:00:42Z");
  api::OutNode& user = out.add_struct("AssumedRoleUser");
  user.add_string("AssumedRoleId", "AROAAIQ6M6YNU7Q3ORPL3:bench");
  user.add_string("Arn", "arn:aws:sts::123456789012:assumed-role/bench-role/bench");
  e.response = std::move(out);
  e.resources.push_back(
      {"arn:aws:iam::123456789012:role/bench-role", "123456789012", "AWS::IAM::Role"});
  return e;
}

void render_each(benchmark::State& state, const audit::Event& event) {
  CountingRandom random;
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto records = audit::render(event, random);
    bytes = records.front().json.size();
    benchmark::DoNotOptimize(records);
  }
  state.counters["json_bytes"] = static_cast<double>(bytes);
}

void BM_RenderGetCallerIdentity(benchmark::State& state) {
  render_each(state, base_event("sts", "GetCallerIdentity"));
}
BENCHMARK(BM_RenderGetCallerIdentity);

void BM_RenderAssumeRole(benchmark::State& state) { render_each(state, assume_role_event()); }
BENCHMARK(BM_RenderAssumeRole);

}  // namespace

BENCHMARK_MAIN();
