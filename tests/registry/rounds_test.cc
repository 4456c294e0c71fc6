#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "registry/rounds/rounds.h"
#include "rounds_test_support.h"

using tp::StatusCode;
using tp::registry::BeijingDate;
using tp::registry::BeijingIso;
using tp::registry::BeijingText;
using tp::registry::ParseBeijingTime;
using tp::registry::PartialDate;
using tp::registry::Rounds;
using tp::registry::RoundSpec;
using tp::registry::UtcIso;
using tp::roundstest::RoundsFixture;

namespace {

int64_t At(const std::string& text) {
  auto t = ParseBeijingTime(text);
  if (!t.ok()) FAIL(t.status().ToString());
  return *t;
}

}  // namespace

TEST_CASE("Time: Beijing time is UTC+8 and 24:00 is the end of the day", "[rounds][time]") {
  CHECK(UtcIso(At("2024-11-06 18:00")) == "2024-11-06T10:00:00Z");
  CHECK(UtcIso(At("2024-03-26 24:00")) == "2024-03-26T16:00:00Z");
  CHECK(At("2024-03-26 24:00") == At("2024-03-27 00:00"));
  CHECK(At("2024-03-26") == At("2024-03-26 24:00"));
  CHECK(At("2025-08-14T17:00:00+08:00") == At("2025-08-14 17:00"));
  CHECK(At("2025-08-14T09:00:00Z") == At("2025-08-14 17:00"));
  CHECK(BeijingIso(At("2025-08-14 17:00")) == "2025-08-14T17:00:00+08:00");
  CHECK(BeijingText(At("2025-08-14 17:00") + 60) == "2025-08-14 17:01");
  CHECK(BeijingDate(At("2024-12-31 23:59")) == PartialDate{2024, 12, 31});
  CHECK(BeijingDate(At("2024-12-31 24:00")) == PartialDate{2025, 1, 1});
  for (const char* bad : {"2024-02-30 10:00", "2024-11-06 24:01", "2024-11-06 18", "11/06/2024",
                          "2024-11-06 18:00+09:00"}) {
    INFO(bad);
    auto t = ParseBeijingTime(bad);
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().message().find("2024-11-06 18:00") != std::string::npos);
  }
}

TEST_CASE("Rounds: the seed rounds are stored with their windows in UTC", "[rounds]") {
  RoundsFixture f;
  auto rounds = f.rounds().ListRounds();
  REQUIRE(rounds.ok());
  REQUIRE(rounds->size() >= 4);
  auto guangxi = f.rounds().GetRound("pool-guangxi-2024");
  REQUIRE(guangxi.ok());
  CHECK(UtcIso(guangxi->deadline_at) == "2024-11-06T10:00:00Z");
  CHECK(guangxi->campaign.kind == "pool");
  CHECK(guangxi->rule_set == "pool-guangxi-2024");
  CHECK(guangxi->year == 2024);
  auto national = f.rounds().GetRound("pool-national-2025");
  REQUIRE(national.ok());
  CHECK(BeijingIso(national->deadline_at) == "2025-08-14T17:00:00+08:00");
  CHECK(national->reference_date == PartialDate{2025, 8, 14});
  auto zuimei = f.rounds().GetRound("zuimei-guangxi-2024");
  REQUIRE(zuimei.ok());
  CHECK(UtcIso(zuimei->deadline_at) == "2024-03-26T16:00:00Z");
  CHECK(zuimei->campaign.kind == "honour");
  CHECK(zuimei->campaign.honour_title == "广西“最美科技工作者”");
  auto party = f.rounds().GetRound("youxiu-dangyuan-2018");
  REQUIRE(party.ok());
  CHECK(BeijingIso(party->deadline_at) == "2018-05-01T00:00:00+08:00");
  CHECK(f.rounds().GetRound("nope").status().code() == StatusCode::kNotFound);
}

TEST_CASE("Rounds: opening again keeps a rule set staff edited", "[rounds]") {
  RoundsFixture f;
  auto rules = f.rounds().GetRuleSet("pool-national-2025");
  REQUIRE(rules.ok());
  std::string edited = rules->json();
  REQUIRE(edited.find("\"max\": 5") != std::string::npos);
  edited.replace(edited.find("\"max\": 5"), 8, "\"max\": 7");
  auto saved = f.rounds().PutRuleSet("pool-national-2025", edited, f.staff);
  REQUIRE(saved.ok());
  CHECK(saved->version == 2);
  auto reopened = Rounds::Open(f.store(), tp::registry::DataDir(), f.reference());
  REQUIRE(reopened.ok());
  auto again = (*reopened)->GetRuleSet("pool-national-2025");
  REQUIRE(again.ok());
  CHECK(again->json().find("\"max\": 7") != std::string::npos);
  auto rounds = (*reopened)->ListRounds();
  REQUIRE(rounds.ok());
  CHECK(rounds->size() == 4);  // seeds are not stored twice
}

TEST_CASE("Rounds: a rule set saved through the API is validated first", "[rounds]") {
  RoundsFixture f;
  auto wrong_code =
      f.rounds().PutRuleSet("pool-national-2025", R"({"code":"other","title":"t","source":"s",
      "kind":"pool","quotas":[{"name":"q","unit_types":["全国学会"],"max":1}]})",
                            f.staff);
  REQUIRE_FALSE(wrong_code.ok());
  CHECK(wrong_code.status().details().front().field == "pool-national-2025:$.code");
  auto unknown_type =
      f.rounds().PutRuleSet("x", R"({"code":"x","title":"t","source":"s","kind":"pool",
      "quotas":[{"name":"q","unit_types":["全国学会（协会）"],"max":1}]})",
                            f.staff);
  REQUIRE_FALSE(unknown_type.ok());
  CHECK(unknown_type.status().message().find("全国学会（协会）") != std::string::npos);
  auto info = f.rounds().GetRuleSetInfo("pool-national-2025");
  REQUIRE(info.ok());
  CHECK(info->version == 1);
}

TEST_CASE("Rounds: a broken seed file fails start-up naming the file and path", "[rounds]") {
  tp::testing::TempDir data;
  namespace fs = std::filesystem;
  const std::string src = tp::registry::DataDir();
  fs::create_directories(data / "rules");
  for (const char* f : {"rounds.json", "unit_types.tsv"}) fs::copy_file(src + "/" + f, data / f);
  for (const auto& e : fs::directory_iterator(src + "/rules"))
    fs::copy_file(e.path(), data / ("rules/" + e.path().filename().string()));
  std::string text = tp::testing::ReadFileBytes(data / "rules/pool-guangxi-2024.json");
  text.replace(text.find("\"max\": 2"), 8, "\"max\": \"2\"");
  tp::testing::WriteFileBytes(data / "rules/pool-guangxi-2024.json", text);
  auto store = tp::registry::Store::Create(data / "reg");
  REQUIRE(store.ok());
  RoundsFixture f;  // for reference data
  auto opened = Rounds::Open(**store, data.path(), f.reference());
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().details().front().field == "pool-guangxi-2024.json:$.quotas[0].max");

  // A round pointing at a rule set that does not exist.
  tp::testing::WriteFileBytes(data / "rules/pool-guangxi-2024.json",
                              tp::testing::ReadFileBytes(src + "/rules/pool-guangxi-2024.json"));
  std::string rounds = tp::testing::ReadFileBytes(data / "rounds.json");
  rounds.replace(rounds.find("\"rule_set\": \"pool-national-2025\", \"year\": 2025"), 32,
                 "\"rule_set\": \"pool-national-2099\"");
  tp::testing::WriteFileBytes(data / "rounds.json", rounds);
  opened = Rounds::Open(**store, data.path(), f.reference());
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().details().front().field == "rounds.json:$.rounds[1].rule_set");
}

TEST_CASE("Rounds: supplementary rounds of a year come from the template in one call", "[rounds]") {
  RoundsFixture f;
  auto made = f.rounds().CreateFromTemplate("pool-supplementary", 2026, f.staff);
  REQUIRE(made.ok());
  REQUIRE(made->size() == 2);
  CHECK((*made)[0].code == "pool-2026-06");
  CHECK((*made)[0].kind == "supplementary");
  CHECK(BeijingIso((*made)[0].opens_at) == "2026-06-01T00:00:00+08:00");
  CHECK(UtcIso((*made)[0].deadline_at) == "2026-06-30T16:00:00Z");  // 30 June 24:00
  CHECK((*made)[1].code == "pool-2026-11");
  CHECK(BeijingText((*made)[1].deadline_at) == "2026-12-01 00:00");
  CHECK((*made)[1].reference_date == PartialDate{2026, 11, 30});
  CHECK((*made)[1].title == "2026年11月科技界党外代表人士补充报送");
  // Again: the same rounds, nothing new.
  auto again = f.rounds().CreateFromTemplate("pool-supplementary", 2026, f.staff);
  REQUIRE(again.ok());
  CHECK((*again)[0].rowid == (*made)[0].rowid);
  CHECK(f.rounds().CreateFromTemplate("pool-supplementary", 2024, f.staff).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("Rounds: submitting one minute after the deadline is refused with the window",
          "[rounds]") {
  RoundsFixture f;
  auto round = f.rounds().GetRound("pool-national-2025");
  REQUIRE(round.ok());
  auto unit = f.Unit("中国化学会", "全国学会");
  f.At("2025-08-14 16:59");
  CHECK(f.rounds().CheckWindow(*round, unit.unit_rowid).ok());
  f.At("2025-08-14 17:01");
  tp::Status late = f.rounds().CheckWindow(*round, unit.unit_rowid);
  REQUIRE(late.code() == StatusCode::kRuleViolated);
  CHECK(late.message().find("2025-07-29 00:00 至 2025-08-14 17:00") != std::string::npos);
  CHECK(late.message().find("已经截止") != std::string::npos);
  f.At("2025-07-28 23:59");
  CHECK(f.rounds().CheckWindow(*round, unit.unit_rowid).message().find("尚未开始") !=
        std::string::npos);

  SECTION("staff extend the deadline for one unit only, and it is logged") {
    auto other = f.Unit("中国物理学会", "全国学会");
    auto code = f.store().ListUnits();
    std::string unit_code;
    for (const auto& u : *code)
      if (u.rowid == unit.unit_rowid) unit_code = u.code;
    REQUIRE(f.rounds()
                .ExtendDeadline("pool-national-2025", unit_code, "2025-08-20 17:00", f.staff)
                .ok());
    f.At("2025-08-15 10:00");
    CHECK(f.rounds().CheckWindow(*round, unit.unit_rowid).ok());
    CHECK(f.rounds().CheckWindow(*round, other.unit_rowid).code() == StatusCode::kRuleViolated);
    auto window = f.rounds().WindowFor(*round, unit.unit_rowid);
    REQUIRE(window.ok());
    CHECK(window->extended);
    SQLite::Database db(f.dir() / "registry/registry.sqlite", SQLite::OPEN_READONLY);
    SQLite::Statement st(db,
                         "SELECT actor, detail FROM audit_log WHERE action='extend' AND "
                         "object_id='pool-national-2025'");
    REQUIRE(st.executeStep());
    CHECK(st.getColumn(0).getString() == "token:1");
    CHECK(st.getColumn(1).getString().find("2025-08-20T17:00:00+08:00") != std::string::npos);
    CHECK(f.rounds()
              .ExtendDeadline("pool-national-2025", unit_code, "2025-08-01 17:00", f.staff)
              .code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("Rounds: staff create a round, bad specs name the field", "[rounds]") {
  RoundsFixture f;
  RoundSpec spec;
  spec.code = "pool-2027-special";
  spec.campaign = "pool";
  spec.title = "2027年专项推荐";
  spec.opens = "2027-03-01 09:00";
  spec.deadline = "2027-03-31 24:00";
  spec.rule_set = "pool-national-2025";
  auto made = f.rounds().CreateRound(spec, f.staff);
  REQUIRE(made.ok());
  CHECK(made->year == 2027);
  CHECK(made->reference_date == PartialDate{2027, 3, 31});
  CHECK(f.rounds().CreateRound(spec, f.staff).status().code() == StatusCode::kAlreadyExists);
  spec.code = "pool-2027-other";
  spec.deadline = "2027-02-01 09:00";
  auto bad = f.rounds().CreateRound(spec, f.staff);
  REQUIRE(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().details().front().field == "deadline");
  spec.deadline = "2027-03-31 24:00";
  spec.rule_set = "missing";
  CHECK(f.rounds().CreateRound(spec, f.staff).status().code() == StatusCode::kNotFound);
}
