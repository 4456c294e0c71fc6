// Uploads read at once: the gate's counts on their own, then the two upload
// routes of a real server on loopback answering 429 and 503 while the test
// holds the gate's slots itself, so nothing depends on timing.
#include "api/upload_gate.h"

#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "api/api_test_support.h"

namespace tp::apitest {
namespace {

using json = nlohmann::json;
using api::UploadGate;

// A 汇总表 whose one row is refused (性别), so the upload answers 200
// whatever the state of the round's window.
const std::string kSheet = "序号,姓名,性别,出生年月\r\n1,测试,未知,1986.03\r\n";

Reply PostImport(ApiFixture& f, const std::string& token) {
  return f.Call(token, "POST", "/api/v1/imports?filename=pool.csv", "姓名,性别\r\n测试,未知\r\n",
                {}, "text/csv");
}

Reply PostSheet(ApiFixture& f, const std::string& token) {
  return f.Call(token, "POST", "/api/v1/rounds/pool-national-2025/uploads?filename=sheet.csv",
                kSheet, {}, "text/csv");
}

std::string ActorOf(ApiFixture& f, const std::string& token) {
  Reply me = f.Get(token, "/api/v1/me");
  REQUIRE(me.status == 200);
  return "token:" + std::to_string(me.Json()["token_id"].get<long>());
}

}  // namespace

TEST_CASE("UploadGate: one slot per token, as many as allowed in all, each freed when left",
          "[api][upload_gate]") {
  UploadGate gate(2, 1);
  auto first = gate.Enter("token:1");
  REQUIRE(first.ok());
  auto again = gate.Enter("token:1");
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == StatusCode::kResourceExhausted);
  auto second = gate.Enter("token:2");
  REQUIRE(second.ok());
  auto third = gate.Enter("token:3");
  REQUIRE_FALSE(third.ok());
  CHECK(third.status().code() == StatusCode::kUnavailable);
  CHECK(gate.InUse() == 2);
  {
    UploadGate::Slot moved = std::move(*first);  // the moved-from slot holds nothing
    CHECK(gate.InUse() == 2);
  }
  CHECK(gate.InUse() == 1);
  CHECK(gate.Enter("token:1").ok());  // token:1 holds none now; the temporary frees its slot
  CHECK(gate.InUse() == 1);
  CHECK(gate.Enter("token:3").ok());
}

TEST_CASE("Uploads: a token with one in hand gets 429, a full server 503, both with Retry-After",
          "[api][upload_gate]") {
  FixtureOptions options;
  options.api.upload_gate = std::make_shared<UploadGate>(2, 1);
  ApiFixture f(options);
  UploadGate& gate = *options.api.upload_gate;

  {
    // The staff token's upload still being read: its next one of either kind waits.
    auto held = gate.Enter(ActorOf(f, f.staff));
    REQUIRE(held.ok());
    Reply import = PostImport(f, f.staff);
    CHECK(import.status == 429);
    CHECK(import.Header("retry-after") == std::to_string(api::kUploadRetryAfterSeconds));
    json error = import.Json()["error"];
    CHECK(error["code"] == "RESOURCE_EXHAUSTED");
    CHECK(error["message"].get<std::string>().find("正在处理") != std::string::npos);
    CHECK(f.Call(f.staff, "POST", "/api/v1/rounds/pool-national-2025/uploads?unit=" + f.unit_a_code,
                 kSheet, {}, "text/csv")
              .status == 429);
    // Another token's upload goes ahead meanwhile.
    Reply sheet = PostSheet(f, f.unit_a);
    INFO(sheet.body);
    CHECK(sheet.status == 200);

    // Both slots taken by others: the server is busy for everyone.
    auto other = gate.Enter("token:elsewhere");
    REQUIRE(other.ok());
    Reply busy = PostSheet(f, f.unit_b);
    CHECK(busy.status == 503);
    CHECK(busy.Header("retry-after") == std::to_string(api::kUploadRetryAfterSeconds));
    CHECK(busy.Json()["error"]["code"] == "UNAVAILABLE");
    CHECK(PostImport(f, f.staff).status == 429);  // its own upload is the reason it waits
  }
  // Slots given back, and each upload gave its own back when answered.
  CHECK(gate.InUse() == 0);
  CHECK(PostImport(f, f.staff).status == 200);
  CHECK(PostSheet(f, f.unit_b).status == 200);
  CHECK(gate.InUse() == 0);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest
