// The request log's JSON lines and the Prometheus text of GET /metrics (api/observe.h).
#include "api/observe.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/progress.h"

using tp::api::RequestMetrics;
using tp::api::RequestRecord;

namespace {

RequestRecord Request(std::string_view route, int status, double ms) {
  RequestRecord r;
  r.method = "GET";
  r.path = "/api/v1/persons/P0000001";
  r.route = route;
  r.status = status;
  r.bytes = 120;
  r.milliseconds = ms;
  r.request_id = "r-7";
  r.actor = "token:12";
  return r;
}

// 2026-12-31T16:30:05.250Z: already 2027 in Beijing.
const auto kNewYearInBeijing =
    std::chrono::system_clock::time_point(std::chrono::milliseconds(1798734605250));

}  // namespace

TEST_CASE("Observe: a log line carries Beijing time and UTC, the route's pattern, never the path",
          "[observe]") {
  auto line = nlohmann::json::parse(
      tp::api::JsonLogLine(Request("/api/v1/persons/{id}", 404, 3.14), kNewYearInBeijing));
  CHECK(line["time"] == "2027-01-01T00:30:05.250+08:00");
  CHECK(line["time_utc"] == "2026-12-31T16:30:05.250Z");
  CHECK(line["level"] == "warn");
  CHECK(line["route"] == "/api/v1/persons/{id}");
  CHECK(line["status"] == 404);
  CHECK(line["latency_ms"] == Approx(3.1));
  CHECK(line["request_id"] == "r-7");
  CHECK(line["account"] == "token:12");
  CHECK(line.dump().find("P0000001") == std::string::npos);
  CHECK(nlohmann::json::parse(
            tp::api::JsonLogLine(Request("", 500, 1), kNewYearInBeijing))["level"] == "error");
}

TEST_CASE("Observe: requests are counted by route and status, search latencies in buckets",
          "[observe]") {
  RequestMetrics metrics({"/api/v1/search"});
  metrics.Record(Request("/api/v1/search", 200, 3));
  metrics.Record(Request("/api/v1/search", 200, 40));
  metrics.Record(Request("/api/v1/search", 429, 0.5));
  metrics.Record(Request("/healthz", 200, 0.2));
  const std::string text = metrics.Prometheus();
  CHECK(text.find("# TYPE talentpool_http_requests_total counter\n") != std::string::npos);
  CHECK(text.find("talentpool_http_requests_total{route=\"/api/v1/search\",method=\"GET\","
                  "status=\"200\"} 2\n") != std::string::npos);
  CHECK(text.find("talentpool_http_requests_total{route=\"/api/v1/search\",method=\"GET\","
                  "status=\"429\"} 1\n") != std::string::npos);
  CHECK(text.find("talentpool_http_requests_total{route=\"/healthz\",method=\"GET\","
                  "status=\"200\"} 1\n") != std::string::npos);
  // 0.5 ms ≤ 1 ms; 3 ms ≤ 5 ms; 40 ms ≤ 50 ms.
  const std::string bucket =
      "talentpool_http_request_duration_seconds_bucket{route=\"/api/v1/search\",le=";
  CHECK(text.find(bucket + "\"0.001\"} 1\n") != std::string::npos);
  CHECK(text.find(bucket + "\"0.0025\"} 1\n") != std::string::npos);
  CHECK(text.find(bucket + "\"0.005\"} 2\n") != std::string::npos);
  CHECK(text.find(bucket + "\"0.025\"} 2\n") != std::string::npos);
  CHECK(text.find(bucket + "\"0.05\"} 3\n") != std::string::npos);
  CHECK(text.find(bucket + "\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("talentpool_http_request_duration_seconds_count{route=\"/api/v1/search\"} 3\n") !=
        std::string::npos);
  // Only the timed routes have histograms.
  CHECK(text.find("duration_seconds_count{route=\"/healthz\"}") == std::string::npos);
}

TEST_CASE("Observe: the progress line shows rows per second and the time left when known",
          "[observe]") {
  tp::api::ProgressLine line("导入", false, stderr);
  CHECK(line.Text(50000, 0, 10) == "导入 50000 行，5000 行/秒");
  CHECK(line.Text(50000, 200000, 10) == "导入 50000/200000 行，5000 行/秒，约剩 0:30");
  CHECK(line.Text(200000, 200000, 40) == "导入 200000/200000 行，5000 行/秒");
  tp::api::ProgressLine index("重建索引", false, stderr, "人");
  CHECK(index.Text(1000, 4000, 2) == "重建索引 1000/4000 人，500 人/秒，约剩 0:06");
}
