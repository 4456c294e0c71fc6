// The 2024 Guangxi 最美科技工作者 campaign end to end through HTTP, on a real server on loopback
// with a clock the test moves ([002]): channels submit within their quotas with the full 推荐表,
// photos and stamped scans; a candidate who works for a government organ is caught from the data
// without the unit ticking anything; three experts sign in and score two rounds (one of them
// recused automatically from the candidates of their own university), staff pick 10, a 公示 of 5
// working days runs across the 劳动节 holiday, an objection is recorded and dismissed, and
// publishing writes the honours into each person's history.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <set>

#include "api/api_test_support.h"
#include "registry/fields/id_number.h"
#include "registry/fields/text.h"
#include "registry/rounds/rounds.h"
#include "support/photo_writer.h"

namespace tp::apitest {
namespace {

using Json = nlohmann::json;

constexpr const char* kRound = "/api/v1/rounds/zuimei-guangxi-2024";

struct Channel {
  std::string name;
  std::string type;
  std::string group;  // 推荐组别 of its candidates
  int candidates = 0;
  std::string token = {};
  std::string code = {};
};

struct Candidate {
  std::string name;
  std::string organisation;
  std::string id_number;
  std::string phone;
  int64_t recommendation = 0;
  std::string person_id;
  std::string channel;
};

class Campaign {
 public:
  Campaign() : fixture_(Options(&now_)) {}

  static FixtureOptions Options(std::atomic<int64_t>* now) {
    FixtureOptions o;
    o.api.rounds_clock = [now] { return now->load(); };
    return o;
  }

  void At(const std::string& beijing) {
    auto t = registry::ParseBeijingTime(beijing);
    REQUIRE(t.ok());
    now_ = *t;
  }

  ApiFixture& f() { return fixture_; }

  Reply Json(const std::string& token, const std::string& method, const std::string& target,
             const nlohmann::json& body = nullptr,
             std::vector<std::pair<std::string, std::string>> headers = {}) {
    return fixture_.Call(token, method, target, body.is_null() ? "" : body.dump(),
                         std::move(headers));
  }

 private:
  std::atomic<int64_t> now_{0};
  ApiFixture fixture_;
};

// An expert's session, signed in over HTTP with the password changed as the first sign-in asks.
struct ExpertSession {
  std::string cookie, csrf;

  std::vector<std::pair<std::string, std::string>> Headers(bool write) const {
    std::vector<std::pair<std::string, std::string>> h = {{"Cookie", "tp_session=" + cookie}};
    if (write) h.emplace_back("X-CSRF-Token", csrf);
    return h;
  }
};

ExpertSession SignIn(Campaign& c, const std::string& username, const std::string& initial) {
  Reply in = c.Json("", "POST", "/api/v1/session", {{"username", username}, {"password", initial}});
  REQUIRE(in.status == 200);
  ExpertSession s;
  const std::string set_cookie = in.Header("set-cookie");
  const size_t eq = set_cookie.find('=');
  s.cookie = set_cookie.substr(eq + 1, set_cookie.find(';') - eq - 1);
  s.csrf = in.Json()["csrf_token"];
  Reply changed = c.Json("", "POST", "/api/v1/session/password",
                         {{"current_password", initial}, {"new_password", "Kx7!Review-Panel-2024"}},
                         s.Headers(true));
  REQUIRE(changed.status == 200);
  // Changing the password ends the other sessions, not this one.
  return s;
}

// The boxes of the 最美 推荐表 beyond the person's fields, filled in as a unit would.
nlohmann::json FullForm(const std::string& organisation) {
  std::string deeds = "扎根一线二十年，培育新品种，带动农户增收。";
  while (registry::CountCharacters(deeds) < 1500) deeds += "深入田间地头开展技术指导，服务乡村振兴。";
  return {{"推荐领域", {"科技服务民生"}},
          {"办公电话", "0771-3243011"},
          {"学习工作经历",
           {{{"起止年月", "2004.07—今"}, {"单位", organisation}, {"工作", "研究员"}}}},
          {"主要事迹", deeds},
          {"感人故事", {"台风过后，他第一个走进试验田。"}},
          {"个人声明", true},
          {"所在单位意见", "该同志政治表现好、廉洁自律，材料真实准确，不涉密。同意推荐。"}};
}

// Every criterion at `share` of its maximum, in steps of 0.5.
nlohmann::json Scores(const nlohmann::json& criteria, double share) {
  nlohmann::json scores = nlohmann::json::object();
  for (const auto& c : criteria)
    scores[c["key"].get<std::string>()] = std::round(c["max"].get<double>() * share * 2) / 2;
  return scores;
}

TEST_CASE("Campaign: the 2024 Guangxi 最美 campaign runs end to end through HTTP",
          "[api][campaigns]") {
  Campaign c;
  ApiFixture& f = c.f();
  c.At("2024-03-20 09:00");

  // --- The channels of [002] 三（二）: cities 2–3 each, universities and societies 1–2 each.
  std::vector<Channel> channels = {{"南宁市科学技术协会", "市科协", "地市", 3},
                                   {"柳州市科学技术协会", "市科协", "地市", 3},
                                   {"桂林市科学技术协会", "市科协", "地市", 3},
                                   {"梧州市科学技术协会", "市科协", "地市", 3},
                                   {"广西大学科学技术协会", "高校科协", "农科", 2},
                                   {"广西医科大学科学技术协会", "高校科协", "医科", 2},
                                   {"广西农学会", "省级学会", "农科", 1},
                                   {"广西化学化工学会", "省级学会", "理科", 1}};
  {
    auto batch = f.store().BeginWrite();
    REQUIRE(batch.ok());
    for (Channel& ch : channels) {
      auto unit = (*batch)->EnsureUnit(ch.name, ch.type, "45");
      REQUIRE(unit.ok());
      ch.code = unit->code;
    }
    REQUIRE((*batch)->Commit().ok());
  }
  for (Channel& ch : channels) {
    auto token = f.store().CreateToken("unit", ch.code, "", "campaign-test");
    REQUIRE(token.ok());
    ch.token = *token;
  }
  const std::string photo = testing::MakePhoto(testing::TempDir(), "JPEG", 240, 320, 300);
  const std::string scan = testing::MakePdfScan(testing::TempDir(), 2);

  std::vector<Candidate> candidates;
  int seq = 1;
  for (const Channel& ch : channels) {
    for (int i = 0; i < ch.candidates; ++i, ++seq) {
      Candidate cand;
      static const char* const kSurnames[] = {"韦", "黄", "陆", "覃", "蒙", "梁", "莫", "农", "卢",
                                              "零", "潘", "廖", "甘", "谢", "罗", "唐", "蓝", "周"};
      static const char* const kGiven[] = {"明华", "丽萍", "文涛", "海燕", "志强", "秀英",
                                           "建国", "春花", "永福", "桂兰", "德明", "金凤",
                                           "振华", "玉梅", "国栋", "小红", "立新", "慧敏"};
      cand.name = std::string(kSurnames[seq - 1]) + kGiven[seq - 1];
      cand.organisation =
          ch.type == "高校科协"
              ? (ch.name.substr(0, ch.name.find("科学技术协会")) + (i == 0 ? "农学院" : "附属医院"))
              : ch.name.substr(0, ch.name.find("科学技术协会")) + "农业科学研究所";
      if (ch.type == "省级学会") cand.organisation = "广西壮族自治区农业科学院";
      char birth[32];
      std::snprintf(birth, sizeof birth, "19%02d0%d1%d", 70 + seq, 1 + seq % 9, seq % 10);
      char sequence[32];
      std::snprintf(sequence, sizeof sequence, "%03d", 2 * seq + 1);
      cand.id_number = MakeIdNumber("450103", birth, sequence);
      cand.phone = "1397712" + std::to_string(1000 + seq);
      cand.channel = ch.code;
      Json body = {{"person",
                    {{"姓名", cand.name},
                     {"身份证号", cand.id_number},
                     {"民族", "壮族"},
                     {"政治面貌", "中共党员"},
                     {"工作单位", cand.organisation},
                     {"职务", "研究室主任"},
                     {"技术职称", "研究员"},
                     {"最高学历", "研究生"},
                     {"毕业院校", "广西大学"},
                     {"所学专业", "作物遗传育种"},
                     {"手机", cand.phone}}},
                   {"group", ch.group},
                   {"opinion", "扎根一线，事迹感人，同意推荐。"}};
      Reply added = c.Json(ch.token, "POST", std::string(kRound) + "/recommendations", body);
      INFO(added.body);
      REQUIRE(added.status == 201);
      cand.recommendation = added.Json()["item"]["id"];
      cand.person_id = added.Json()["item"]["person"]["id"].is_string()
                           ? added.Json()["item"]["person"]["id"].get<std::string>()
                           : std::string();
      candidates.push_back(cand);
    }
  }
  // Each 推荐表, filled in by its unit.
  for (const Candidate& cand : candidates) {
    const Channel& ch = *std::find_if(channels.begin(), channels.end(),
                                      [&](const Channel& x) { return x.code == cand.channel; });
    Reply form = c.Json(ch.token, "PUT",
                        "/api/v1/recommendations/" + std::to_string(cand.recommendation) +
                            "/honour-form",
                        FullForm(cand.organisation));
    INFO(form.body);
    REQUIRE(form.status == 200);
  }
  // The unit sees only its copy; staff find the 编号 of each person.
  for (Candidate& cand : candidates) {
    Reply item =
        c.Json(f.staff, "GET", "/api/v1/recommendations/" + std::to_string(cand.recommendation));
    REQUIRE(item.status == 200);
    cand.person_id = item.Json()["person"]["id"];
  }
  // Photos (小2寸 and two work photos) and the stamped 推荐表 scan, uploaded by the unit.
  for (const Candidate& cand : candidates) {
    const Channel& ch = *std::find_if(channels.begin(), channels.end(),
                                      [&](const Channel& x) { return x.code == cand.channel; });
    for (const auto& [kind, bytes, count] :
         {std::tuple{"photo", &photo, 1}, std::tuple{"work_photo", &photo, 2},
          std::tuple{"form_scan", &scan, 1}, std::tuple{"unit_opinion", &scan, 1},
          std::tuple{"recommendation_opinion", &scan, 1}}) {
      for (int n = 0; n < count; ++n) {
        Reply up =
            f.Call(ch.token, "POST",
                   "/api/v1/persons/" + cand.person_id + "/attachments?kind=" + kind +
                       "&round=zuimei-guangxi-2024&filename=" + UrlEncode(cand.name) +
                       std::to_string(n + 1) + (std::string(kind) == "form_scan" ? ".pdf" : ".jpg"),
                   *bytes, {}, std::string(kind) == "form_scan" ? "application/pdf" : "image/jpeg");
        INFO(up.body);
        REQUIRE(up.status == 201);
      }
    }
  }
  // A second candidate of 广西化学化工学会 works for a government organ; the unit ticked nothing,
  // the data raises it, and the list cannot go until it is answered: the unit takes them off.
  Channel& chemistry = channels.back();
  Reply organ = c.Json(chemistry.token, "POST", std::string(kRound) + "/recommendations",
                       {{"person",
                         {{"姓名", "石建华"},
                          {"身份证号", MakeIdNumber("450103", "19800101", "057")},
                          {"民族", "汉族"},
                          {"政治面貌", "中共党员"},
                          {"工作单位", "广西壮族自治区科学技术厅"},
                          {"职务", "处长"},
                          {"技术职称", "研究员"},
                          {"最高学历", "研究生"},
                          {"毕业院校", "广西大学"},
                          {"所学专业", "化学"}}},
                        {"group", "理科"},
                        {"opinion", "同意推荐。"}});
  REQUIRE(organ.status == 201);
  const int64_t organ_id = organ.Json()["item"]["id"];
  Reply raised = c.Json(chemistry.token, "GET",
                        "/api/v1/recommendations/" + std::to_string(organ_id) + "/honour-form");
  REQUIRE(raised.status == 200);
  const nlohmann::json exclusions = raised.Json()["exclusions"];
  REQUIRE(exclusions.size() == 1);
  CHECK(exclusions[0]["check"] == "official");
  CHECK(exclusions[0]["open"] == true);
  Reply refused = c.Json(chemistry.token, "POST", std::string(kRound) + "/submit", Json::object());
  CHECK(refused.status == 422);
  CHECK(refused.body.find("石建华") != std::string::npos);
  REQUIRE(c.Json(chemistry.token, "DELETE", "/api/v1/recommendations/" + std::to_string(organ_id))
              .status == 200);
  for (const Channel& ch : channels) {
    Reply submitted = c.Json(ch.token, "POST", std::string(kRound) + "/submit", Json::object());
    INFO(ch.name << " " << submitted.body);
    REQUIRE(submitted.status == 200);
  }
  Reply overview = c.Json(f.staff, "GET", std::string(kRound) + "/campaign");
  REQUIRE(overview.status == 200);
  CHECK(overview.Json()["channels"].size() == channels.size());
  CHECK(overview.Json()["candidates"].size() == candidates.size());
  const nlohmann::json listed = overview.Json()["candidates"];
  for (const auto& cand : listed) CHECK(cand["missing"].empty());
  CHECK(overview.Json()["plan"]["honourees"] == 10);
  // Units and experts do not see the overview.
  CHECK(c.Json(channels[0].token, "GET", std::string(kRound) + "/campaign").status == 403);

  // --- Experts, made by staff: one works at 广西大学, one belongs to 南宁市科协.
  c.At("2024-04-08 09:00");
  struct ExpertSpec {
    const char* username;
    const char* name;
    const char* organisation;
    std::string unit;
  };
  std::vector<ExpertSpec> specs = {{"expert-li", "李教授", "广西大学", ""},
                                   {"expert-zhou", "周研究员", "中国科学院广西植物研究所", ""},
                                   {"expert-tan", "谭编审", "广西科技出版社", ""}};
  std::map<std::string, ExpertSession> experts;
  for (const ExpertSpec& e : specs) {
    Reply made = c.Json(f.staff, "POST", "/api/v1/accounts",
                        {{"username", e.username},
                         {"display_name", e.name},
                         {"role", "expert"},
                         {"organisation", e.organisation}});
    INFO(made.body);
    REQUIRE(made.status == 201);
    CHECK(made.Json()["account"]["organisation"] == e.organisation);
    experts[e.username] = SignIn(c, e.username, made.Json()["initial_password"]);
  }
  // An expert is no unit: the registry's people and lists are closed to them.
  CHECK(
      c.Json("", "GET", "/api/v1/search?q=%E9%9F%A6", nullptr, experts["expert-li"].Headers(false))
          .status == 403);
  CHECK(c.Json("", "GET", std::string(kRound) + "/submissions", nullptr,
               experts["expert-li"].Headers(false))
            .status == 403);

  // Scores that make a strict order: the n-th candidate gets 95 − 2n per cent, less for expert
  // tan (who scores a little lower across the board).
  std::map<int64_t, int> order;
  for (size_t i = 0; i < candidates.size(); ++i)
    order[candidates[i].recommendation] = static_cast<int>(i);
  std::set<std::string> secrets;
  for (const Candidate& cand : candidates) {
    secrets.insert(cand.id_number);
    secrets.insert(cand.phone);
  }
  auto score_all = [&](int64_t stage, int expected_li) {
    for (const auto& [username, session] : experts) {
      Reply mine = c.Json("", "GET", "/api/v1/expert/reviews", nullptr, session.Headers(false));
      REQUIRE(mine.status == 200);
      Reply queue =
          c.Json("", "GET", "/api/v1/expert/reviews/" + std::to_string(stage) + "/candidates",
                 nullptr, session.Headers(false));
      REQUIRE(queue.status == 200);
      if (username == "expert-li")
        CHECK(static_cast<int>(queue.Json()["items"].size()) == expected_li);
      const nlohmann::json items = queue.Json()["items"];
      for (const auto& item : items) {
        const int64_t rec = item["recommendation"];
        const std::string base = "/api/v1/expert/reviews/" + std::to_string(stage) +
                                 "/candidates/" + std::to_string(rec);
        Reply seen = c.Json("", "GET", base, nullptr, session.Headers(false));
        REQUIRE(seen.status == 200);
        for (const std::string& secret : secrets)
          CHECK(seen.body.find(secret) == std::string::npos);
        const auto criteria = seen.Json()["stage"]["criteria"];
        CHECK(seen.Json()["attachments"].size() == 6);
        // The 推荐表's own boxes, without the office phone.
        CHECK(seen.body.find("主要事迹") != std::string::npos);
        CHECK(seen.body.find("0771-3243011") == std::string::npos);
        // A photo opens through the expert's own route.
        const std::string url = seen.Json()["attachments"][0]["content_url"];
        Reply file = c.Json("", "GET", url, nullptr, session.Headers(false));
        CHECK(file.status == 200);
        CHECK(file.Header("content-type") == "image/jpeg");
        const double share = (95.0 - 2 * order[rec]) / 100 - (username == "expert-tan" ? 0.05 : 0);
        Reply scored = c.Json("", "PUT", base + "/score",
                              {{"scores", Scores(criteria, share)}, {"comment", "事迹扎实"}},
                              session.Headers(true));
        INFO(scored.body);
        REQUIRE(scored.status == 200);
      }
    }
  };

  // --- Round 1: a shortlist of 12 out of 18.
  Reply first = c.Json(f.staff, "POST", std::string(kRound) + "/reviews",
                       {{"kind", "shortlist"}, {"title", "第一轮评审"}, {"advance", 12}});
  INFO(first.body);
  REQUIRE(first.status == 201);
  const int64_t stage1 = first.Json()["id"];
  nlohmann::json assignment = {{"experts", nlohmann::json::array()}};
  for (const ExpertSpec& e : specs) assignment["experts"].push_back({{"username", e.username}});
  REQUIRE(
      c.Json(f.staff, "PUT", "/api/v1/reviews/" + std::to_string(stage1) + "/experts", assignment)
          .status == 200);
  // 李教授 of 广西大学 is recused from the two candidates of 广西大学 (农学院, 附属医院).
  score_all(stage1, 16);
  Reply ranking = c.Json(f.staff, "GET", "/api/v1/reviews/" + std::to_string(stage1));
  REQUIRE(ranking.status == 200);
  int recused = 0;
  const nlohmann::json ranked = ranking.Json()["candidates"];
  REQUIRE(ranked.size() == candidates.size());
  for (const auto& r : ranked) {
    CHECK(r["missing"].empty());
    for (const auto& x : r["recused"]) {
      CHECK(x["username"] == "expert-li");
      ++recused;
    }
    if (r["organisation"].get<std::string>().rfind("广西大学", 0) == 0) CHECK(r["given"] == 2);
  }
  CHECK(recused == 2);
  CHECK(ranking.Json()["candidates"][0]["recommendation"] == candidates[0].recommendation);
  Reply closed = c.Json(f.staff, "POST", "/api/v1/reviews/" + std::to_string(stage1) + "/close",
                        nlohmann::json::object());
  INFO(closed.body);
  REQUIRE(closed.status == 200);

  // --- Round 2: the final of the 12.
  Reply second = c.Json(f.staff, "POST", std::string(kRound) + "/reviews", {{"kind", "final"}});
  REQUIRE(second.status == 201);
  const int64_t stage2 = second.Json()["id"];
  CHECK(second.Json()["candidates"] == 12);
  REQUIRE(
      c.Json(f.staff, "PUT", "/api/v1/reviews/" + std::to_string(stage2) + "/experts", assignment)
          .status == 200);
  score_all(stage2, 12);  // 广西大学's two candidates were not shortlisted
  REQUIRE(c.Json(f.staff, "POST", "/api/v1/reviews/" + std::to_string(stage2) + "/close",
                 nlohmann::json::object())
              .status == 200);
  Reply final_ranking = c.Json(f.staff, "GET", "/api/v1/reviews/" + std::to_string(stage2));
  std::vector<int64_t> chosen;
  const nlohmann::json finalists = final_ranking.Json()["candidates"];
  for (const auto& r : finalists)
    if (chosen.size() < 10) chosen.push_back(r["recommendation"]);
  REQUIRE(chosen.size() == 10);

  // --- 公示: 5 working days from Sunday 28 April (a 调休 working day) across 劳动节.
  nlohmann::json eleven = chosen;
  eleven.push_back(final_ranking.Json()["candidates"][10]["recommendation"]);
  CHECK(c.Json(f.staff, "POST", std::string(kRound) + "/notice",
               {{"recommendations", eleven}, {"first_day", "2024-04-28"}})
            .status == 400);
  Reply notice = c.Json(f.staff, "POST", std::string(kRound) + "/notice",
                        {{"recommendations", chosen}, {"first_day", "2024-04-28"}});
  INFO(notice.body);
  REQUIRE(notice.status == 201);
  CHECK(notice.Json()["last_day"] == "2024-05-07");
  CHECK(notice.Json()["workdays"] ==
        nlohmann::json({"2024-04-28", "2024-04-29", "2024-04-30", "2024-05-06", "2024-05-07"}));
  Reply objection = c.Json(f.staff, "POST", std::string(kRound) + "/notice/objections",
                           {{"recommendation", chosen[3]},
                            {"received_on", "2024-04-30"},
                            {"source", "实名：王某，0771-5550000"},
                            {"content", "反映其论文存在一稿多投"}});
  REQUIRE(objection.status == 201);
  const int64_t objection_id = objection.Json()["id"];
  c.At("2024-05-07 18:00");
  Reply early =
      c.Json(f.staff, "POST", std::string(kRound) + "/notice/publish", nlohmann::json::object());
  CHECK(early.status == 412);
  c.At("2024-05-08 09:00");
  Reply blocked =
      c.Json(f.staff, "POST", std::string(kRound) + "/notice/publish", nlohmann::json::object());
  CHECK(blocked.status == 412);
  REQUIRE(
      c.Json(f.staff, "POST", "/api/v1/objections/" + std::to_string(objection_id) + "/resolve",
             {{"outcome", "dismissed"}, {"resolution", "经核查，系期刊撤稿后改投，不属一稿多投"}})
          .status == 200);
  Reply published =
      c.Json(f.staff, "POST", std::string(kRound) + "/notice/publish", nlohmann::json::object());
  INFO(published.body);
  REQUIRE(published.status == 200);
  CHECK(published.Json()["state"] == "published");
  CHECK(published.Json()["objections"][0]["state"] == "dismissed");

  // --- The honours history: the ten hold the title, the others do not.
  int honoured = 0;
  for (const Candidate& cand : candidates) {
    Reply person = c.Json(f.staff, "GET", "/api/v1/persons/" + cand.person_id);
    REQUIRE(person.status == 200);
    const bool chosen_one =
        std::find(chosen.begin(), chosen.end(), cand.recommendation) != chosen.end();
    const nlohmann::json honours = person.Json()["honours"];
    CHECK(honours.size() == (chosen_one ? 1u : 0u));
    if (chosen_one && !honours.empty()) {
      CHECK(honours[0]["title"] == "广西“最美科技工作者”");
      CHECK(honours[0]["year"] == 2024);
      ++honoured;
    }
  }
  CHECK(honoured == 10);
  // Every read of a candidate by an expert is in the audit log.
  Reply audit = c.Json(f.staff, "GET", "/api/v1/audit?action=read&actor=account:expert-zhou");
  REQUIRE(audit.status == 200);
  CHECK(audit.Json()["total"].get<int>() >= 18 + 12);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace
}  // namespace tp::apitest
