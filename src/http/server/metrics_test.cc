#include "http/server/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "http/server/prometheus_text_check.h"

namespace iamd::http {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(Metrics, EmptyRegistryRendersValidText) {
  Metrics m;
  const std::string text = m.render_prometheus();
  EXPECT_EQ(testing::first_invalid_prometheus_line(text), "");
  EXPECT_NE(text.find("# TYPE iamd_http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("# TYPE iamd_http_request_duration_seconds histogram"), std::string::npos);
}

TEST(Metrics, CountsByServiceActionStatus) {
  Metrics m;
  m.record("iam", "ListUsers", 200, microseconds(50));
  m.record("iam", "ListUsers", 200, microseconds(300));
  m.record("iam", "ListUsers", 403, milliseconds(3));
  m.record("sts", "AssumeRole", 200, milliseconds(3000));
  const std::string text = m.render_prometheus();
  EXPECT_EQ(testing::first_invalid_prometheus_line(text), "") << text;
  EXPECT_NE(text.find("iamd_http_requests_total{service=\"iam\",action=\"ListUsers\",status=\"200\"} 2\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("iamd_http_requests_total{service=\"iam\",action=\"ListUsers\",status=\"403\"} 1\n"),
            std::string::npos);
  // Histogram per (service, action), cumulative buckets.
  const std::string b = "iamd_http_request_duration_seconds_bucket{service=\"iam\",action=\"ListUsers\",";
  EXPECT_NE(text.find(b + "le=\"0.0001\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find(b + "le=\"0.0005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find(b + "le=\"0.0025\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find(b + "le=\"0.005\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find(b + "le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("iamd_http_request_duration_seconds_count{service=\"iam\",action=\"ListUsers\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("iamd_http_request_duration_seconds_sum{service=\"iam\",action=\"ListUsers\"} 0.00335\n"),
            std::string::npos) << text;
  const std::string s = "iamd_http_request_duration_seconds_bucket{service=\"sts\",action=\"AssumeRole\",";
  EXPECT_NE(text.find(s + "le=\"2.5\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find(s + "le=\"+Inf\"} 1\n"), std::string::npos);
}

TEST(Metrics, BucketBoundIsInclusive) {
  Metrics m;
  m.record("s", "a", 200, microseconds(100));  // exactly 0.0001 s: le="0.0001"
  const std::string text = m.render_prometheus();
  EXPECT_NE(text.find("{service=\"s\",action=\"a\",le=\"0.0001\"} 1\n"), std::string::npos) << text;
}

TEST(Metrics, EscapesLabelValues) {
  Metrics m;
  m.record("we\"ird", "back\\slash\nnewline", 500, microseconds(1));
  const std::string text = m.render_prometheus();
  EXPECT_EQ(testing::first_invalid_prometheus_line(text), "") << text;
  EXPECT_NE(text.find(R"({service="we\"ird",action="back\\slash\nnewline",status="500"} 1)"),
            std::string::npos) << text;
}

TEST(Metrics, ShardsPerThreadAddUp) {
  Metrics m;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < kPerThread; ++i) m.record("iam", "GetUser", 200, microseconds(20));
    });
  }
  // Rendering while recording must be safe (run under TSan to check).
  for (int i = 0; i < 20; ++i) (void)m.render_prometheus();
  for (auto& t : threads) t.join();
  const std::string text = m.render_prometheus();
  EXPECT_NE(text.find("iamd_http_requests_total{service=\"iam\",action=\"GetUser\",status=\"200\"} 40000\n"),
            std::string::npos) << text;
}

TEST(Metrics, TwoRegistriesOnOneThreadStaySeparate) {
  Metrics a;
  Metrics b;
  a.record("x", "A", 200, microseconds(1));
  b.record("x", "B", 200, microseconds(1));
  a.record("x", "A", 200, microseconds(1));
  EXPECT_NE(a.render_prometheus().find("action=\"A\",status=\"200\"} 2"), std::string::npos);
  EXPECT_EQ(a.render_prometheus().find("action=\"B\""), std::string::npos);
  EXPECT_NE(b.render_prometheus().find("action=\"B\",status=\"200\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace iamd::http
