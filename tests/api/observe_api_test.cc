// GET /healthz and GET /metrics of the API service on a real server on loopback.
#include <catch2/catch.hpp>

#include "api_test_support.h"

using tp::apitest::ApiFixture;
using tp::apitest::FixtureOptions;

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
