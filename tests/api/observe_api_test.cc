// GET /healthz and GET /metrics of the API service on a real server on loopback.
#include <catch2/catch.hpp>

#include "api_test_support.h"

using tp::apitest::ApiFixture;
using tp::apitest::FixtureOptions;
using tp::apitest::MakeIdNumber;

namespace {

// The value of one sample line of a Prometheus text ("name{labels} value"); -1 when absent.
double Sample(const std::string& text, const std::string& series) {
  const std::string start = series + " ";
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (text.compare(at, start.size(), start) == 0) {
      return std::stod(text.substr(at + start.size(), end - at - start.size()));
    }
    at = end + 1;
  }
  return -1;
}

}  // namespace

TEST_CASE("Health: database and index ready, and how far the index lags", "[api][observe]") {
  ApiFixture f;
  auto reply = f.Get("", "/healthz");
  REQUIRE(reply.status == 200);
  auto health = reply.Json();
  CHECK(health["status"] == "ok");
  CHECK(health["database"] == "ok");
  CHECK(health["index"] == "ok");
  CHECK(health["index_lag"] == 0);
  CHECK(health["index_documents"].get<int64_t>() > 0);
}

TEST_CASE("Metrics: Prometheus text for the configured addresses, 404 for any other",
          "[api][observe]") {
  {
    ApiFixture f;  // metrics_from defaults to the machine itself
    REQUIRE(f.Get(f.staff, "/api/v1/search?q=x").status == 200);
    auto reply = f.Get("", "/metrics");
    REQUIRE(reply.status == 200);
    CHECK(reply.Header("content-type").rfind("text/plain; version=0.0.4", 0) == 0);
    CHECK(reply.body.find("# TYPE talentpool_index_lag_changes gauge\n"
                          "talentpool_index_lag_changes 0\n") != std::string::npos);
    CHECK(reply.body.find("talentpool_registry_last_seq ") != std::string::npos);
    CHECK(reply.body.find("# TYPE talentpool_audit_entries_total counter") != std::string::npos);
  }
  {
    FixtureOptions options;
    options.api.metrics_from = {"192.0.2.10"};
    ApiFixture f(options);
    auto reply = f.Get("", "/metrics");
    CHECK(reply.status == 404);
    CHECK(reply.body.find("talentpool_") == std::string::npos);
  }
}

TEST_CASE("Metrics: the API's imports by outcome, open sessions and the audit spool",
          "[api][observe]") {
  ApiFixture f;
  auto metrics = [&f] {
    auto reply = f.Get("", "/metrics");
    REQUIRE(reply.status == 200);
    return reply.body;
  };
  const std::string before = metrics();
  CHECK(Sample(before, "talentpool_imports_total{result=\"ok\"}") == 0);
  CHECK(Sample(before, "talentpool_import_rows_total{outcome=\"inserted\"}") == 0);
  CHECK(Sample(before, "talentpool_audit_spool_entries") >= 0);
  const double sessions = Sample(before, "talentpool_sessions_open");
  CHECK(sessions >= 1);  // the fixture's expert is signed in

  std::string good = MakeIdNumber("450103", "19900101", "031");
  std::string bad = MakeIdNumber("450103", "19900202", "041");
  bad[17] = bad[17] == '0' ? '1' : '0';
  const std::string csv =
      "姓名,性别,出生日期,身份证号,工作单位,推荐单位,推荐单位类型,人才类别,入库年度\r\n"
      "黄一鸣,男,1990-01-01," +
      good + ",广西大学,广西壮族自治区科学技术协会,省级科协,青年人才,2025\r\n蒙二,男,1990-02-02," +
      bad + ",广西大学,广西壮族自治区科学技术协会,省级科协,青年人才,2025\r\n";
  REQUIRE(f.Call(f.staff, "POST", "/api/v1/imports?filename=a.csv", csv, {}, "text/csv").status ==
          200);
  REQUIRE(f.Call(f.staff, "POST", "/api/v1/imports?filename=a.csv", csv, {}, "text/csv").status ==
          200);
  REQUIRE(f.Call(f.staff, "POST", "/api/v1/imports", "PK\x03\x04garbage", {},
                 "application/octet-stream")
              .status == 400);
  f.RenewExpertSession();  // a second session of the expert

  const std::string after = metrics();
  CHECK(Sample(after, "talentpool_imports_total{result=\"ok\"}") == 2);
  CHECK(Sample(after, "talentpool_imports_total{result=\"failed\"}") == 1);
  CHECK(Sample(after, "talentpool_import_rows_total{outcome=\"inserted\"}") == 1);
  CHECK(Sample(after, "talentpool_import_rows_total{outcome=\"unchanged\"}") == 1);
  CHECK(Sample(after, "talentpool_import_rows_total{outcome=\"rejected\"}") == 2);
  CHECK(Sample(after, "talentpool_sessions_open") == sessions + 1);
  CHECK(after.find("# TYPE talentpool_import_rows_total counter") != std::string::npos);
}
