// The honour campaign after the recommendation: expert review in stages with 回避, and the 公示
// on working days with objections and publishing, on the seed's 2024 Guangxi 最美 round.
#include <catch2/catch.hpp>

#include "registry/accounts/accounts.h"
#include "registry/campaigns/notices.h"
#include "registry/campaigns/reviews.h"
#include "registry/store/db_handle.h"
#include "rounds_test_support.h"

namespace tp::registry {
namespace {

using roundstest::Cells;
using roundstest::IdNumber;

constexpr const char* kRound = "zuimei-guangxi-2024";

Cells Candidate(const std::string& name, const std::string& birth, int seq,
                const std::string& organisation) {
  return {{"姓名", name},
          {"身份证号", IdNumber("450103", birth, seq)},
          {"民族", "壮族"},
          {"政治面貌", "中共党员"},
          {"工作单位", organisation},
          {"职务", "副所长"},
          {"技术职称", "研究员"},
          {"推荐单位意见", "事迹突出，同意推荐。"}};
}

// Three channels of the seed with their candidates submitted, three experts, the reviews and
// the notices, at a clock the test moves.
class CampaignFixture {
 public:
  CampaignFixture() {
    rounds.At("2024-03-20 09:00");
    nanning = rounds.Unit("南宁市科学技术协会", "市科协", "45");
    gxu = rounds.Unit("广西大学科学技术协会", "高校科协", "45");
    agri = rounds.Unit("广西农学会", "省级学会", "45");
    Add(nanning, "韦明华", "19800312", 11, "南宁市农业科学研究所", "地市");
    Add(nanning, "黄丽萍", "19850620", 22, "南宁市第一人民医院", "地市");
    Add(nanning, "陆文涛", "19780105", 31, "南宁市城市建设研究院", "地市");
    Add(gxu, "覃海燕", "19821109", 42, "广西大学农学院", "农科");
    Add(gxu, "蒙志强", "19790930", 51, "广西大学计算机与电子信息学院", "工科");
    Add(agri, "梁秀英", "19760418", 62, "广西壮族自治区农业科学院水稻研究所", "农科");
    for (const registry::Actor* unit : {&nanning, &gxu, &agri}) {
      auto done = rounds.workflow().Submit(kRound, unit->unit_rowid, {}, *unit);
      if (!done.ok()) FAIL(done.status().ToString());
    }
    AccountOptions options;
    options.cost = PasswordCost::Interactive();
    auto opened = Accounts::Open(rounds.store(), DataDir(), options);
    REQUIRE(opened.ok());
    accounts = std::move(*opened);
    li = Expert("expert-li", "李教授", "广西大学", "");
    zhou = Expert("expert-zhou", "周研究员", "广西壮族自治区科学技术厅", "");
    tan = Expert("expert-tan", "谭主任", "广西农学会秘书处", Code(agri));
    auto reviews_opened = Reviews::Open(rounds.rounds(), rounds.workflow(), DataDir());
    if (!reviews_opened.ok()) FAIL(reviews_opened.status().ToString());
    reviews = std::move(*reviews_opened);
    auto notices_opened = Notices::Open(rounds.rounds(), rounds.workflow(), *reviews, DataDir());
    REQUIRE(notices_opened.ok());
    notices = std::move(*notices_opened);
    rounds.At("2024-04-08 09:00");
  }

  void Add(const registry::Actor& unit, const std::string& name, const std::string& birth, int seq,
           const std::string& organisation, const std::string& group) {
    auto added = rounds.MustAdd(
        kRound, unit, roundstest::Input(Candidate(name, birth, seq, organisation), {}, group));
    ids[name] = added.item.id;
  }

  std::string Code(const registry::Actor& unit) {
    auto units = rounds.store().ListUnits();
    REQUIRE(units.ok());
    for (const UnitRecord& u : *units)
      if (u.rowid == unit.unit_rowid) return u.code;
    FAIL("no unit " << unit.unit_rowid);
    return {};
  }

  registry::Actor Expert(const std::string& username, const std::string& name,
                         const std::string& organisation, const std::string& unit) {
    AuditEntry who;
    who.actor = "cli";
    auto made = accounts->Create({username, name, "expert", "", unit, organisation}, who);
    if (!made.ok()) FAIL(made.status().ToString());
    account_ids[username] = made->first.id;
    registry::Actor a;
    a.id = "account:" + username;
    a.name = name;
    a.role = "expert";
    return a;
  }

  // Scores every criterion of the plan with `share` of its maximum.
  StatusOr<ExpertScore> ScoreAs(const std::string& username, int64_t stage, const std::string& name,
                                double share) {
    std::map<std::string, double> points;
    const ReviewPlan* plan = reviews->plans().Find(kRound);
    for (const Criterion& c : plan->criteria) points[c.key] = std::round(c.max * share * 2) / 2;
    registry::Actor actor;
    actor.id = "account:" + username;
    actor.role = "expert";
    return reviews->Score(stage, account_ids[username], ids[name], points, "评语", actor);
  }

  roundstest::RoundsFixture rounds;
  registry::Actor nanning, gxu, agri, li, zhou, tan;
  std::unique_ptr<Accounts> accounts;
  std::unique_ptr<Reviews> reviews;
  std::unique_ptr<Notices> notices;
  std::map<std::string, int64_t> ids;
  std::map<std::string, int64_t> account_ids;
};

std::vector<std::string> Names(const std::vector<QueueItem>& queue) {
  std::vector<std::string> out;
  for (const QueueItem& q : queue) out.push_back(q.candidate.name);
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("Reviews: an expert of the candidate's organisation or recommending unit is recused",
          "[campaigns][reviews]") {
  ReviewExpert li{1, "expert-li", "李教授", "广西大学", "", {}};
  ReviewCandidate c;
  c.organisation = "广西大学农学院";
  c.unit_code = "U0002";
  c.unit_name = "广西大学科学技术协会";
  CHECK(RecusalReason(li, c) == "与候选人同一工作单位（广西大学农学院）");
  c.organisation = "广西 大学（农学院）";
  CHECK_FALSE(RecusalReason(li, c).empty());
  c.organisation = "广西医科大学";
  CHECK(RecusalReason(li, c).empty());
  ReviewExpert short_name{2, "expert-x", "某", "大学", "", {}};
  c.organisation = "广西大学农学院";
  CHECK(RecusalReason(short_name, c).empty());  // too short to say anything
  ReviewExpert tan{3, "expert-tan", "谭主任", "广西农学会秘书处", "U0002", {}};
  CHECK(RecusalReason(tan, c) == "来自推荐单位（广西大学科学技术协会）");
}

TEST_CASE("Reviews: a shortlist advances the best, a final ranks, recused experts never see them",
          "[campaigns][reviews]") {
  CampaignFixture f;
  auto first = f.reviews->OpenStage(kRound, {"shortlist", "", 4}, f.rounds.staff);
  REQUIRE(first.ok());
  CHECK(first->stage == 1);
  CHECK(first->title == "第1轮初评");
  CHECK(first->candidates == 6);
  CHECK(first->max_total == 100);
  // A unit cannot organise it; a second stage waits for the first.
  CHECK(f.reviews->OpenStage(kRound, {"final", "", 0}, f.nanning).status().code() ==
        StatusCode::kPermissionDenied);
  CHECK(f.reviews->OpenStage(kRound, {"final", "", 0}, f.rounds.staff).status().code() ==
        StatusCode::kPreconditionFailed);

  auto assigned = f.reviews->AssignExperts(
      first->id, {{"expert-li", {}}, {"expert-zhou", {}}, {"expert-tan", {"农科", "地市"}}},
      f.rounds.staff);
  REQUIRE(assigned.ok());
  CHECK(assigned->experts.size() == 3);
  auto not_expert = f.reviews->AssignExperts(first->id, {{"nobody", {}}}, f.rounds.staff);
  CHECK(not_expert.status().code() == StatusCode::kInvalidArgument);
  CHECK(not_expert.status().details().front().field == "experts[0]");
  CHECK(f.reviews->AssignExperts(first->id, {{"expert-li", {"文科"}}}, f.rounds.staff)
            .status()
            .details()
            .front()
            .field == "experts[0].groups");

  // 回避: 李教授 works at 广西大学 (two of its candidates), 谭主任 belongs to 广西农学会 (梁秀英's
  // recommending unit) and reviews only 农科 and 地市.
  auto li_queue = f.reviews->Queue(first->id, f.account_ids["expert-li"]);
  REQUIRE(li_queue.ok());
  CHECK(Names(*li_queue) == std::vector<std::string>{"梁秀英", "陆文涛", "韦明华", "黄丽萍"});
  auto tan_queue = f.reviews->Queue(first->id, f.account_ids["expert-tan"]);
  REQUIRE(tan_queue.ok());
  CHECK(Names(*tan_queue) == std::vector<std::string>{"覃海燕", "陆文涛", "韦明华", "黄丽萍"});
  CHECK(f.ScoreAs("expert-li", first->id, "覃海燕", 0.9).status().code() ==
        StatusCode::kPermissionDenied);
  CHECK(f.ScoreAs("expert-tan", first->id, "梁秀英", 0.9).status().code() ==
        StatusCode::kPermissionDenied);
  CHECK(f.ScoreAs("expert-tan", first->id, "蒙志强", 0.9).status().code() ==
        StatusCode::kNotFound);  // 工科: not their group

  // What an expert sees of a candidate: the form without the ID number or phone.
  auto seen = f.reviews->CandidateFor(first->id, f.account_ids["expert-zhou"], f.ids["覃海燕"]);
  REQUIRE(seen.ok());
  CHECK(seen->candidate.organisation == "广西大学农学院");
  CHECK(seen->recommendation.submitted.person.name == "覃海燕");
  CHECK(seen->recommendation.submitted.person.id_number.empty());
  CHECK(seen->recommendation.submitted.id_number_mask.empty());
  CHECK(seen->recommendation.record.person.public_id.empty());
  // An expert not on the stage sees nothing of it.
  CHECK(f.reviews->Queue(first->id, f.account_ids["expert-li"] + 100).status().code() ==
        StatusCode::kNotFound);

  const std::map<std::string, double> shares = {{"韦明华", 0.9}, {"黄丽萍", 0.8},
                                                {"陆文涛", 0.5}, {"覃海燕", 0.85},
                                                {"蒙志强", 0.6}, {"梁秀英", 0.95}};
  for (const std::string expert : {"expert-li", "expert-zhou", "expert-tan"}) {
    auto queue = f.reviews->Queue(first->id, f.account_ids[expert]);
    REQUIRE(queue.ok());
    for (const QueueItem& q : *queue) {
      auto scored = f.ScoreAs(expert, first->id, q.candidate.name, shares.at(q.candidate.name));
      if (!scored.ok()) FAIL(scored.status().ToString());
    }
  }
  auto ranking = f.reviews->Rank(first->id);
  REQUIRE(ranking.ok());
  REQUIRE(ranking->candidates.size() == 6);
  CHECK(ranking->candidates[0].candidate.name == "梁秀英");
  CHECK(ranking->candidates[0].rank == 1);
  CHECK(ranking->candidates[0].expected == 2);  // 谭主任 recused
  REQUIRE(ranking->candidates[0].recused.size() == 1);
  CHECK(ranking->candidates[0].recused[0].username == "expert-tan");
  CHECK(ranking->candidates.back().candidate.name == "陆文涛");
  for (const RankedCandidate& r : ranking->candidates) CHECK(r.missing.empty());

  auto closed = f.reviews->CloseStage(first->id, {}, false, f.rounds.staff);
  REQUIRE(closed.ok());
  CHECK(closed->state == "closed");
  CHECK(f.ScoreAs("expert-zhou", first->id, "韦明华", 0.1).status().code() ==
        StatusCode::kPreconditionFailed);

  auto final_stage = f.reviews->OpenStage(kRound, {"final", "终评", 0}, f.rounds.staff);
  REQUIRE(final_stage.ok());
  CHECK(final_stage->candidates == 4);
  auto finalists = f.reviews->FinalCandidates(kRound);
  CHECK(finalists.status().code() == StatusCode::kPreconditionFailed);  // still open
  REQUIRE(f.reviews->AssignExperts(final_stage->id, {{"expert-zhou", {}}}, f.rounds.staff).ok());
  CHECK(f.reviews->CloseStage(final_stage->id, {}, false, f.rounds.staff).status().code() ==
        StatusCode::kPreconditionFailed);  // 周研究员 has not scored
  REQUIRE(f.reviews->CloseStage(final_stage->id, {}, true, f.rounds.staff).ok());
  finalists = f.reviews->FinalCandidates(kRound);
  REQUIRE(finalists.ok());
  REQUIRE(finalists->has_value());
  CHECK((*finalists)->size() == 4);
  CHECK(std::find((*finalists)->begin(), (*finalists)->end(), f.ids["陆文涛"]) ==
        (*finalists)->end());
}

TEST_CASE("Reviews: a score names the criterion it gets wrong", "[campaigns][reviews]") {
  CampaignFixture f;
  auto stage = f.reviews->OpenStage(kRound, {"final", "", 0}, f.rounds.staff);
  REQUIRE(stage.ok());
  REQUIRE(f.reviews->AssignExperts(stage->id, {{"expert-zhou", {}}}, f.rounds.staff).ok());
  const int64_t zhou = f.account_ids["expert-zhou"];
  const int64_t who = f.ids["韦明华"];
  auto fields = [&](const std::map<std::string, double>& points, const std::string& comment) {
    auto s = f.reviews->Score(stage->id, zhou, who, points, comment, f.zhou);
    std::vector<std::string> out;
    for (const FieldError& e : s.status().details()) out.push_back(e.field);
    return out;
  };
  CHECK(fields({{"political", 20}, {"achievement", 40}, {"story", 25}}, "") ==
        std::vector<std::string>{"scores.grassroots"});
  CHECK(fields({{"political", 21}, {"achievement", 40}, {"story", 25}, {"grassroots", 15}}, "") ==
        std::vector<std::string>{"scores.political"});
  CHECK(fields({{"political", 19.3}, {"achievement", 40}, {"story", 25}, {"grassroots", 15}}, "") ==
        std::vector<std::string>{"scores.political"});
  CHECK(
      fields(
          {{"political", 20}, {"achievement", 40}, {"story", 25}, {"grassroots", 15}, {"luck", 3}},
          "") == std::vector<std::string>{"scores.luck"});
  CHECK(fields({{"political", 20}, {"achievement", 40}, {"story", 25}, {"grassroots", 15}},
               std::string(501, 'x')) == std::vector<std::string>{"comment"});
  auto ok = f.reviews->Score(
      stage->id, zhou, who,
      {{"political", 18.5}, {"achievement", 36}, {"story", 20}, {"grassroots", 12}},
      "扎根基层二十年", f.zhou);
  REQUIRE(ok.ok());
  CHECK(ok->total == 86.5);
  // Changed while the stage is open: the last one counts.
  auto again = f.reviews->Score(
      stage->id, zhou, who,
      {{"political", 20}, {"achievement", 38}, {"story", 20}, {"grassroots", 12}}, "", f.zhou);
  REQUIRE(again.ok());
  auto ranking = f.reviews->Rank(stage->id);
  REQUIRE(ranking.ok());
  CHECK(ranking->candidates.front().mean == 90);
  CHECK(ranking->candidates.front().given == 1);
}

TEST_CASE("Reviews: a tie at the shortlist's cut is refused with the tied names",
          "[campaigns][reviews]") {
  CampaignFixture f;
  auto stage = f.reviews->OpenStage(kRound, {"shortlist", "", 1}, f.rounds.staff);
  REQUIRE(stage.ok());
  REQUIRE(f.reviews->AssignExperts(stage->id, {{"expert-zhou", {"地市"}}}, f.rounds.staff).ok());
  REQUIRE(f.ScoreAs("expert-zhou", stage->id, "韦明华", 0.8).ok());
  REQUIRE(f.ScoreAs("expert-zhou", stage->id, "黄丽萍", 0.8).ok());
  REQUIRE(f.ScoreAs("expert-zhou", stage->id, "陆文涛", 0.5).ok());
  auto tied = f.reviews->CloseStage(stage->id, {}, false, f.rounds.staff);
  REQUIRE(tied.status().code() == StatusCode::kPreconditionFailed);
  CHECK(tied.status().message().find("韦明华") != std::string::npos);
  CHECK(tied.status().message().find("黄丽萍") != std::string::npos);
  // Staff name who goes on.
  auto named = f.reviews->CloseStage(stage->id, {f.ids["黄丽萍"]}, false, f.rounds.staff);
  REQUIRE(named.ok());
  auto next = f.reviews->OpenStage(kRound, {"final", "", 0}, f.rounds.staff);
  REQUIRE(next.ok());
  CHECK(next->candidates == 1);
}

TEST_CASE("Notices: a 公示 of 5 working days across 国庆, objections, and publishing the honours",
          "[campaigns][notices]") {
  CampaignFixture f;
  // No review: staff choose among the submitted candidates.
  NewNotice spec{{f.ids["韦明华"], f.ids["覃海燕"], f.ids["梁秀英"]}, "2024-09-27", 0};
  CHECK(f.notices->Start(kRound, spec, f.nanning).status().code() == StatusCode::kPermissionDenied);
  NewNotice bad_day = spec;
  bad_day.first_day = "2023-12-28";  // runs into a year the calendar lacks
  CHECK(f.notices->Start(kRound, bad_day, f.rounds.staff).status().details().front().field ==
        "first_day");
  auto started = f.notices->Start(kRound, spec, f.rounds.staff);
  REQUIRE(started.ok());
  CHECK(started->days == 5);
  CHECK(started->last_day == "2024-10-09");
  CHECK(started->workdays == std::vector<std::string>{"2024-09-27", "2024-09-29", "2024-09-30",
                                                      "2024-10-08", "2024-10-09"});
  CHECK(started->names.size() == 3);
  CHECK(f.notices->Start(kRound, spec, f.rounds.staff).status().code() ==
        StatusCode::kAlreadyExists);

  // An objection outside the period, or about someone not on it, is refused.
  NewObjection late{f.ids["覃海燕"], "2024-10-10", "实名：张某，13800000000", "论文署名存疑"};
  CHECK(f.notices->AddObjection(kRound, late, f.rounds.staff).status().details().front().field ==
        "received_on");
  NewObjection stranger{f.ids["陆文涛"], "2024-10-08", "匿名", "……"};
  CHECK(
      f.notices->AddObjection(kRound, stranger, f.rounds.staff).status().details().front().field ==
      "recommendation");
  NewObjection first{f.ids["覃海燕"], "2024-09-30", "实名：张某，13800000000", "论文署名存疑"};
  auto objection = f.notices->AddObjection(kRound, first, f.rounds.staff);
  REQUIRE(objection.ok());
  CHECK(objection->name == "覃海燕");
  CHECK(objection->state == "open");
  NewObjection second{f.ids["梁秀英"], "2024-10-08", "匿名来信", "长期不在岗"};
  auto upheld = f.notices->AddObjection(kRound, second, f.rounds.staff);
  REQUIRE(upheld.ok());

  // What the objector said is sealed in the table.
  {
    auto lease = f.rounds.store().Db().Read();
    SQLite::Statement st(*lease, "SELECT source_enc, content_enc FROM objections");
    while (st.executeStep()) {
      const std::string raw(static_cast<const char*>(st.getColumn(0).getBlob()),
                            static_cast<size_t>(st.getColumn(0).getBytes()));
      CHECK(raw.find("张某") == std::string::npos);
      CHECK(raw.find("13800000000") == std::string::npos);
    }
  }

  // Too early, then blocked by open objections.
  f.rounds.At("2024-10-09 17:00");
  auto early = f.notices->Publish(kRound, f.rounds.staff);
  CHECK(early.status().code() == StatusCode::kPreconditionFailed);
  CHECK(early.status().message().find("2024-10-09") != std::string::npos);
  f.rounds.At("2024-10-10 09:00");
  auto blocked = f.notices->Publish(kRound, f.rounds.staff);
  CHECK(blocked.status().code() == StatusCode::kPreconditionFailed);
  CHECK(blocked.status().message().find("覃海燕") != std::string::npos);
  CHECK(f.notices->Resolve(objection->id, "maybe", "x", f.rounds.staff)
            .status()
            .details()
            .front()
            .field == "outcome");
  REQUIRE(f.notices->Resolve(objection->id, "dismissed", "经核查，署名无误", f.rounds.staff).ok());
  REQUIRE(f.notices->Resolve(upheld->id, "upheld", "经核查属实", f.rounds.staff).ok());
  CHECK(f.notices->Resolve(upheld->id, "dismissed", "改判", f.rounds.staff).status().code() ==
        StatusCode::kPreconditionFailed);

  auto published = f.notices->Publish(kRound, f.rounds.staff);
  if (!published.ok()) FAIL(published.status().ToString());
  CHECK(published->state == "published");
  CHECK(f.notices->Publish(kRound, f.rounds.staff).status().code() ==
        StatusCode::kPreconditionFailed);
  // The honours history: 韦明华 and 覃海燕 hold the title; 梁秀英 was taken off and rejected.
  for (const auto& [name, honoured] : std::vector<std::pair<std::string, bool>>{
           {"韦明华", true}, {"覃海燕", true}, {"梁秀英", false}}) {
    auto item = f.rounds.workflow().GetRecommendation(f.ids[name]);
    REQUIRE(item.ok());
    CHECK(item->state == (honoured ? "admitted" : "rejected"));
    auto record = f.rounds.store().GetPerson(item->record.person.public_id);
    REQUIRE(record.ok());
    CHECK(record->honours.size() == (honoured ? 1u : 0u));
    if (honoured) CHECK(record->honours.front().title == "广西“最美科技工作者”");
  }
}

TEST_CASE("Notices: the campaign's number, the final list and the round's own candidates bound it",
          "[campaigns][notices]") {
  CampaignFixture f;
  auto stage = f.reviews->OpenStage(kRound, {"final", "", 0}, f.rounds.staff);
  REQUIRE(stage.ok());
  NewNotice spec{{f.ids["韦明华"]}, "2024-05-06", 0};
  // The review is still open.
  CHECK(f.notices->Start(kRound, spec, f.rounds.staff).status().code() ==
        StatusCode::kPreconditionFailed);
  REQUIRE(f.reviews->AssignExperts(stage->id, {{"expert-zhou", {}}}, f.rounds.staff).ok());
  REQUIRE(f.reviews->CloseStage(stage->id, {}, true, f.rounds.staff).ok());
  NewNotice stranger{{f.ids["韦明华"], 999999}, "2024-05-06", 0};
  CHECK(f.notices->Start(kRound, stranger, f.rounds.staff).status().details().front().field ==
        "recommendations[1]");
  NewNotice eleven{{}, "2024-05-06", 0};
  for (int i = 0; i < 11; ++i) eleven.recommendations.push_back(1000 + i);
  auto too_many = f.notices->Start(kRound, eleven, f.rounds.staff);
  CHECK(too_many.status().details().front().field == "recommendations");
  CHECK(too_many.status().message().find("最多确定 10 名") != std::string::npos);
  auto ok = f.notices->Start(kRound, spec, f.rounds.staff);
  REQUIRE(ok.ok());
  CHECK(ok->last_day == "2024-05-10");
}

TEST_CASE("ReviewPlans: a broken reviews.json names the file and the path", "[campaigns]") {
  auto bad = ReviewPlans::Parse(
      R"({"campaigns": [{"campaign": "x", "source": "s", "honourees": 0,
           "criteria": [{"key": "A b", "label": "甲", "max": 10.3}, {"key": "a", "label": "乙", "max": 5},
                        {"key": "a", "label": "丙", "max": 5}]}]})",
      "reviews.json");
  REQUIRE(bad.status().code() == StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const FieldError& e : bad.status().details()) fields.push_back(e.field);
  CHECK(fields == std::vector<std::string>{"reviews.json:$.campaigns[0].honourees",
                                           "reviews.json:$.campaigns[0].criteria[0].key",
                                           "reviews.json:$.campaigns[0].criteria[0].max",
                                           "reviews.json:$.campaigns[0].criteria[2].key"});
  auto seeds = ReviewPlans::Load(DataDir());
  REQUIRE(seeds.ok());
  REQUIRE(seeds->Find("zuimei-guangxi-2024") != nullptr);
  CHECK(seeds->Find("zuimei-guangxi-2024")->honourees == 10);
  CHECK(seeds->Find("zuimei-guangxi-2024")->notice_days == 5);
  CHECK(seeds->Find("zuimei-guangxi-2024")->MaxTotal() == 100);
}

}  // namespace
}  // namespace tp::registry
