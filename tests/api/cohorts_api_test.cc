// Training cohorts end to end: a registry in a temp dir, the API and the
// cohort routes served on a loopback port of this process, and real HTTP
// requests, concurrent ones included.
#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "api/api_service.h"
#include "api/auth.h"
#include "api/cohorts_routes.h"
#include "api/http_server.h"
#include "indexer/search_index.h"
#include "registry/cohorts/cohorts.h"
#include "registry/tables/table_reader.h"
#include "registry/tables/xlsx_writer.h"
#include "support/run_together.h"
#include "support/temp_dir.h"

namespace {

using Json = nlohmann::json;
using namespace tp;

struct Answer {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  Json json() const { return Json::parse(body, nullptr, false); }
};

class CohortServer {
 public:
  static constexpr int kPeople = 40;

  CohortServer() {
    auto store = registry::Store::Create(dir_ / "registry");
    REQUIRE(store.ok());
    store_ = std::move(*store);
    Seed();
    auto index = indexer::SearchIndex::Open(store_->IndexDir());
    REQUIRE(index.ok());
    index_ = std::move(*index);
    api::ApiOptions options;
    options.per_token = {100000, 100000};
    options.check_per_token = {100000, 100000};
    options.check_per_staff_token = {100000, 100000};
    options.per_address_unauthenticated = {100000, 100000};
    options.index_follow_interval = std::chrono::milliseconds(0);
    auto service = api::ApiService::Create(*store_, index_.get(), options);
    REQUIRE(service.ok());
    service_ = std::move(*service);
    api::HttpServerOptions http;
    http.port = 0;
    http.worker_threads = 8;
    http.log_sink = [](std::string_view) {};
    server_ = std::make_unique<api::HttpServer>(http);
    service_->Install(*server_);
    // Until api_service.cc registers the cohort routes in its own table,
    // they are served here behind the same token check.
    bool served = false;
    for (const auto& r : service_->Routes())
      served = served || r.pattern == "/api/v1/events/{code}/plan";
    if (!served) {
      api::CohortRouteOptions cohort_options;
      cohort_options.after_write = [this] { (void)service_->CatchUpIndex(); };
      REQUIRE(api::AddCohortRoutes(*store_, cohort_options, &routes_).ok());
      InstallBehindTokens();
    }
    auto port = server_->Bind();
    REQUIRE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { (void)server_->Run(); });
  }

  ~CohortServer() {
    server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  Answer Call(const std::string& token, const std::string& method, const std::string& path,
              const std::string& body = "", httplib::Headers headers = {}) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60);
    client.set_write_timeout(60);
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    httplib::Result r(nullptr, httplib::Error::Unknown);
    if (method == "GET") {
      r = client.Get(path, headers);
    } else if (method == "POST") {
      r = client.Post(path, headers, body, "application/json");
    } else if (method == "PUT") {
      r = client.Put(path, headers, body, "application/json");
    } else if (method == "PATCH") {
      r = client.Patch(path, headers, body, "application/json");
    } else if (method == "DELETE") {
      r = client.Delete(path, headers);
    }
    Answer a;
    if (r) {
      a.status = r->status;
      a.body = r->body;
      a.headers = r->headers;
    }
    return a;
  }

  registry::Store& store() { return *store_; }
  api::ApiService& service() { return *service_; }
  int port() const { return port_; }

  std::string staff, province, unit;
  std::vector<std::string> ids;     // 编号 of the people, in order
  std::vector<std::string> phones;  // their whole phone numbers

 private:
  void Seed() {
    auto batch = store_->BeginWrite();
    REQUIRE(batch.ok());
    for (int i = 0; i < kPeople; ++i) {
      registry::Person p;
      p.name = "学员" + std::to_string(i);
      p.gender = i % 3 == 0 ? "女" : "男";
      p.ethnic_group = i % 5 == 0 ? "壮族" : "汉族";
      p.political_affiliation = "无党派人士";
      p.unit_name = "研究所" + std::to_string(i % 7);
      p.post = "研究员";
      p.phone = "1387711" + std::to_string(1000 + i);
      p.province = i % 2 == 0 ? "45" : "11";
      p.recommending_unit = i % 2 == 0 ? "广西壮族自治区科学技术协会" : "中国化学会";
      p.recommending_unit_type = i % 2 == 0 ? "省级科协" : "全国学会";
      p.tier = i % 4 == 3 ? "青年人才" : "领军人才";
      p.admission_year = i < 20 ? 2024 : 2025;
      p.can_attend_seminar = i % 10 != 9;
      p.can_attend_study_tour = true;
      auto done = (*batch)->UpsertPerson(&p);
      REQUIRE(done.ok());
      ids.push_back(p.public_id);
      phones.push_back(p.phone);
    }
    REQUIRE((*batch)->Commit().ok());
    batch->reset();
    std::string unit_code;
    auto units = store_->ListUnits();
    REQUIRE(units.ok());
    for (const auto& u : *units) {
      if (u.name == "中国化学会") unit_code = u.code;
    }
    staff = *store_->CreateToken("staff", "", "", "staff");
    province = *store_->CreateToken("province", "", "45", "gx");
    unit = *store_->CreateToken("unit", unit_code, "", "cs");
  }

  void InstallBehindTokens() {
    for (const api::RouteSpec& spec : routes_) {
      const api::RouteSpec* route = &spec;
      api::RouteOptions o;
      o.max_body_bytes = route->max_body_bytes;
      registry::Store* store = store_.get();
      server_->Handle(
          route->method, route->pattern,
          [store, route](const api::HttpRequest& req, api::HttpResponse& res) {
            std::optional<std::string> header = req.Header("Authorization");
            std::optional<std::string> token = header ? api::BearerToken(*header) : std::nullopt;
            auto info = token ? store->FindToken(*token)
                              : StatusOr<registry::TokenInfo>(NotFound("无令牌"));
            if (!info.ok()) return res.SetError(Status(StatusCode::kUnauthenticated, "令牌无效"));
            auto caller = api::CallerFromToken(*info);
            if (!caller.ok()) return res.SetError(caller.status());
            if (!api::Allows(route->roles, caller->role))
              return res.SetError(PermissionDenied("无权调用"));
            res.actor = caller->Actor();
            api::ApiCall call{req, &*caller, req.remote_addr};
            route->handler(call, res);
          },
          o);
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<registry::Store> store_;
  std::unique_ptr<indexer::SearchIndex> index_;
  std::unique_ptr<api::ApiService> service_;
  std::unique_ptr<api::HttpServer> server_;
  std::vector<api::RouteSpec> routes_;
  std::thread thread_;
  int port_ = 0;
};

using tp::testing::RunTogether;

std::string EventBody(const std::string& code, int seats) {
  return Json({{"code", code},
               {"title", "测试研修班 " + code},
               {"series", code},
               {"starts_on", "2026-05-10"},
               {"ends_on", "2026-05-12"},
               {"place", "北京"},
               {"capacity", seats},
               {"classes", {{{"name", "研修班"}, {"level", ""}, {"capacity", seats}}}}})
      .dump();
}

std::string ActBody(const std::string& id, const std::string& action) {
  return Json({{"id", id}, {"action", action}}).dump();
}

}  // namespace

TEST_CASE("Cohort API: staff and provinces read the seeded events, units may not",
          "[api][cohorts]") {
  CohortServer s;
  Answer list = s.Call(s.staff, "GET", "/api/v1/events");
  REQUIRE(list.status == 200);
  Json j = list.json();
  REQUIRE(j["total"] == 3);
  CHECK(j["items"][0]["code"] == "2024-training");
  CHECK(j["items"][0]["classes"].size() == 2);
  CHECK(j["items"][1]["capacity"] == 80);
  CHECK(s.Call(s.province, "GET", "/api/v1/events/2025-study-tour").json()["place"] ==
        "浙江省杭州市");
  CHECK(s.Call(s.unit, "GET", "/api/v1/events").status == 403);
  CHECK(s.Call("", "GET", "/api/v1/events").status == 401);
  CHECK(s.Call(s.staff, "GET", "/api/v1/events/nothing").status == 404);
  CHECK(s.Call(s.province, "POST", "/api/v1/events", EventBody("x-1", 5)).status == 403);
}

TEST_CASE("Cohort API: plan an event, apply the roster, decline and see the waiting list move up",
          "[api][cohorts]") {
  CohortServer s;
  REQUIRE(s.Call(s.staff, "POST", "/api/v1/events", EventBody("2026-spring", 6)).status == 201);
  CHECK(s.Call(s.staff, "POST", "/api/v1/events", EventBody("2026-spring", 6)).status == 409);

  Answer planned =
      s.Call(s.staff, "POST", "/api/v1/events/2026-spring/plan",
             R"({"goals": {"minority_target": 2, "women_target": 2, "max_unit_share": 1},
                              "reserve_per_class": 3, "excluded": [")" +
                 s.ids[0] + R"("]})");
  REQUIRE(planned.status == 200);
  Json plan = planned.json();
  CHECK(plan["filled"] == 6);
  CHECK(plan["optimal"] == true);
  REQUIRE(plan["classes"][0]["lines"].size() == 6);
  for (const Json& line : plan["classes"][0]["lines"]) {
    CHECK(line["id"] != s.ids[0]);
    CHECK_FALSE(line["reasons"].empty());
  }
  bool minority_goal = false;
  for (const Json& g : plan["goals"]) {
    if (g["key"] == "minority") {
      minority_goal = true;
      CHECK(g["met"] == true);
      CHECK(g["text"].get<std::string>().find("目标 ≥2，已达到") != std::string::npos);
    }
  }
  CHECK(minority_goal);
  REQUIRE(plan["reserve"].size() == 3);
  CHECK(plan["reserve"][0]["rank"] == 1);
  CHECK(plan.dump().find(s.phones[1]) == std::string::npos);

  Json roster = {{"roster", Json::array()}, {"reserve", Json::array()}};
  for (const Json& line : plan["classes"][0]["lines"])
    roster["roster"].push_back({{"id", line["id"]}, {"class", line["class"]}});
  for (const Json& line : plan["reserve"])
    roster["reserve"].push_back({{"id", line["id"]}, {"class", line["class"]}});
  Answer applied = s.Call(s.staff, "POST", "/api/v1/events/2026-spring/roster", roster.dump());
  REQUIRE(applied.status == 200);
  CHECK(applied.json()["invited"] == 6);
  CHECK(applied.json()["waitlisted"] == 3);

  const std::string leaving = plan["classes"][0]["lines"][0]["id"];
  Answer declined =
      s.Call(s.staff, "POST", "/api/v1/events/2026-spring/enrolments", ActBody(leaving, "decline"));
  REQUIRE(declined.status == 200);
  CHECK(declined.json()["enrolment"]["state"] == "declined");
  CHECK(declined.json()["promoted"]["id"] == plan["reserve"][0]["id"]);
  CHECK(declined.json()["promoted"]["state"] == "invited");

  // A stale If-Match is refused; the current one works.
  const std::string promoted = declined.json()["promoted"]["id"];
  const int version = declined.json()["promoted"]["version"];
  Answer stale =
      s.Call(s.staff, "POST", "/api/v1/events/2026-spring/enrolments", ActBody(promoted, "confirm"),
             {{"If-Match", "\"v" + std::to_string(version - 1) + "\""}});
  CHECK(stale.status == 412);
  Answer fresh =
      s.Call(s.staff, "POST", "/api/v1/events/2026-spring/enrolments", ActBody(promoted, "confirm"),
             {{"If-Match", "\"v" + std::to_string(version) + "\""}});
  CHECK(fresh.status == 200);

  // A full class answers 422 with a message staff understand.
  Answer full =
      s.Call(s.staff, "POST", "/api/v1/events/2026-spring/enrolments", ActBody(leaving, "invite"));
  CHECK(full.status == 422);
  CHECK(full.json()["error"]["message"].get<std::string>().find("名额已满") != std::string::npos);

  Answer history = s.Call(s.staff, "GET", "/api/v1/persons/" + leaving + "/trainings");
  REQUIRE(history.status == 200);
  CHECK(history.json()["items"][0]["state"] == "declined");

  Answer audit = s.Call(s.staff, "GET", "/api/v1/audit?object_type=enrolment&action=promote");
  REQUIRE(audit.status == 200);
  CHECK(audit.json()["total"] == 1);
}

TEST_CASE("Cohort API: requests that make no sense are refused naming the field",
          "[api][cohorts]") {
  CohortServer s;
  Answer unknown_goal = s.Call(s.staff, "POST", "/api/v1/events/2025-seminar/plan",
                               R"({"goals": {"minorities": 3}})");
  CHECK(unknown_goal.status == 400);
  CHECK(unknown_goal.json()["error"]["details"][0]["field"] == "goals.minorities");
  Answer bad_share = s.Call(s.staff, "POST", "/api/v1/events/2025-seminar/plan",
                            R"({"goals": {"max_unit_share": 2}})");
  CHECK(bad_share.status == 400);
  Answer bad_action = s.Call(s.staff, "POST", "/api/v1/events/2025-seminar/enrolments",
                             ActBody(s.ids[1], "accept"));
  CHECK(bad_action.status == 400);
  CHECK(bad_action.json()["error"]["details"][0]["field"] == "action");
  Answer wrong_event =
      s.Call(s.staff, "POST", "/api/v1/events", R"({"code": "x", "title": "t", "series": "s",
      "starts_on": "2026-01-02", "ends_on": "2026-01-01", "capacity": 5,
      "classes": [{"name": "一班", "capacity": 5}]})");
  CHECK(wrong_event.status == 400);
  CHECK(wrong_event.json()["error"]["details"][0]["field"] == "结束日期");
  Answer unavailable = s.Call(s.staff, "POST", "/api/v1/events/2025-seminar/plan",
                              R"({"pinned": [")" + s.ids[9] + R"("]})");
  CHECK(unavailable.status == 422);
}

TEST_CASE(
    "Cohort API: ten staff declining at once over HTTP never overbook and promote each in turn",
    "[api][cohorts][concurrency]") {
  CohortServer s;
  REQUIRE(s.Call(s.staff, "POST", "/api/v1/events", EventBody("2026-busy", 10)).status == 201);
  for (int i = 0; i < 10; ++i) {
    REQUIRE(s.Call(s.staff, "POST", "/api/v1/events/2026-busy/enrolments",
                   ActBody(s.ids[static_cast<size_t>(i)], "invite"))
                .status == 200);
  }
  for (int i = 10; i < 22; ++i) {
    REQUIRE(s.Call(s.staff, "POST", "/api/v1/events/2026-busy/enrolments",
                   ActBody(s.ids[static_cast<size_t>(i)], "waitlist"))
                .status == 200);
  }
  std::vector<Answer> answers(10);
  RunTogether(10, [&](int i) {
    answers[static_cast<size_t>(i)] = s.Call(s.staff, "POST", "/api/v1/events/2026-busy/enrolments",
                                             ActBody(s.ids[static_cast<size_t>(i)], "decline"));
  });
  std::set<std::string> promoted;
  for (const Answer& a : answers) {
    REQUIRE(a.status == 200);
    promoted.insert(a.json()["promoted"]["id"].get<std::string>());
  }
  CHECK(promoted == std::set<std::string>(s.ids.begin() + 10, s.ids.begin() + 20));

  // Eighteen invitations at once, for the two still waiting and sixteen
  // newcomers: the class is full, so every one is refused.
  std::atomic<int> ok{0}, refused{0};
  RunTogether(18, [&](int i) {
    Answer a = s.Call(s.staff, "POST", "/api/v1/events/2026-busy/enrolments",
                      ActBody(s.ids[static_cast<size_t>(20 + i)], "invite"));
    (a.status == 200 ? ok : refused)++;
  });
  CHECK(ok == 0);
  CHECK(refused == 18);
  Json event = s.Call(s.staff, "GET", "/api/v1/events/2026-busy").json();
  CHECK(event["classes"][0]["seats_taken"] == 10);
  CHECK(event["classes"][0]["waitlisted"] == 2);
}

TEST_CASE("Cohort API: simultaneous invitations over HTTP fill the free seats exactly",
          "[api][cohorts][concurrency]") {
  CohortServer s;
  REQUIRE(s.Call(s.staff, "POST", "/api/v1/events", EventBody("2026-open", 7)).status == 201);
  std::atomic<int> ok{0}, full{0}, other{0};
  RunTogether(24, [&](int i) {
    Answer a = s.Call(s.staff, "POST", "/api/v1/events/2026-open/enrolments",
                      ActBody(s.ids[static_cast<size_t>(i)], "invite"));
    if (a.status == 200) {
      ++ok;
    } else if (a.status == 422) {
      ++full;
    } else {
      ++other;
    }
  });
  CHECK(ok == 7);
  CHECK(full == 17);
  CHECK(other == 0);
  CHECK(s.Call(s.staff, "GET", "/api/v1/events/2026-open").json()["classes"][0]["seats_taken"] ==
        7);
}

TEST_CASE(
    "Cohort API: sheets are masked for provinces and revealed to staff only when asked, and "
    "audited",
    "[api][cohorts][export]") {
  CohortServer s;
  for (int i = 0; i < 4; ++i) {
    REQUIRE(s.Call(s.staff, "POST", "/api/v1/events/2025-study-tour/enrolments",
                   ActBody(s.ids[static_cast<size_t>(i)], "invite"))
                .status == 200);
  }
  auto rows = [](const std::string& bytes) {
    registry::TableOptions options;
    options.known_columns = {"序号", "编号", "姓名"};  // under the title block
    auto reader = registry::OpenTableFromBytes(bytes, "sheet.xlsx", options);
    REQUIRE(reader.ok());
    std::vector<std::vector<std::string>> out = {(*reader)->Header()};
    std::vector<std::string> cells;
    long row = 0;
    while (*(*reader)->Next(&cells, &row)) out.push_back(cells);
    return out;
  };
  Answer provincial = s.Call(s.province, "GET", "/api/v1/events/2025-study-tour/roster.xlsx");
  REQUIRE(provincial.status == 200);
  auto p_rows = rows(provincial.body);
  CHECK(p_rows.size() == 1 + 2);  // people 0 and 2 are of province 45
  for (const auto& phone : s.phones) CHECK(provincial.body.find(phone) == std::string::npos);
  CHECK(
      s.Call(s.province, "GET", "/api/v1/events/2025-study-tour/roster.xlsx?reveal=phone").status ==
      403);
  CHECK(s.Call(s.unit, "GET", "/api/v1/events/2025-study-tour/roster.xlsx").status == 403);

  Answer staff = s.Call(s.staff, "GET", "/api/v1/events/2025-study-tour/roster.xlsx?reveal=phone");
  REQUIRE(staff.status == 200);
  auto s_rows = rows(staff.body);
  REQUIRE(s_rows.size() == 1 + 4);
  CHECK(s_rows[1][7] == s.phones[0]);
  // The sign-in sheet goes round the room: a column per day, no phone even when revealed.
  Answer sign_in = s.Call(s.staff, "GET",
                          "/api/v1/events/2025-study-tour/roster.xlsx?sheet=signin&reveal=phone");
  REQUIRE(sign_in.status == 200);
  auto i_rows = rows(sign_in.body);
  REQUIRE(i_rows.size() == 1 + 4);
  CHECK(i_rows[0][6] == "10月20日");
  for (const auto& phone : s.phones) CHECK(sign_in.body.find(phone) == std::string::npos);
  Answer audit = s.Call(s.staff, "GET", "/api/v1/audit?action=export&object_type=event");
  CHECK(audit.json()["total"] == 3);
}

TEST_CASE(
    "Cohort API: an attended training shows in the person's record and the trained and "
    "trained_year filters",
    "[api][cohorts][index]") {
  CohortServer s;
  const std::string id = s.ids[2];
  for (const char* action : {"invite", "confirm", "attend"}) {
    REQUIRE(s.Call(s.staff, "POST", "/api/v1/events/2024-training/enrolments", ActBody(id, action))
                .status == 200);
  }
  REQUIRE(s.service().CatchUpIndex().ok());
  Answer trained = s.Call(s.staff, "GET", "/api/v1/search?q=&trained=yes&size=50");
  REQUIRE(trained.status == 200);
  const Json found = trained.json();
  std::vector<std::string> hits;
  for (const Json& h : found["hits"]) hits.push_back(h["id"]);
  CHECK(hits == std::vector<std::string>{id});
  // "Trained in 2024": the year of the event, counted in its facet; another year finds nobody.
  Answer in_2024 = s.Call(s.staff, "GET", "/api/v1/search?q=&trained_year=2024&size=50");
  REQUIRE(in_2024.status == 200);
  REQUIRE(in_2024.json()["hits"].size() == 1);
  CHECK(in_2024.json()["hits"][0]["id"] == id);
  bool counted = false;
  for (const Json& v : found["facets"]["trained_year"])
    counted |= v["value"] == "2024" && v["count"] == 1;
  CHECK(counted);
  CHECK(s.Call(s.staff, "GET", "/api/v1/search?q=&trained_year=2025&size=50").json()["total"] == 0);
  Answer not_a_year = s.Call(s.staff, "GET", "/api/v1/search?q=&trained_year=abc");
  CHECK(not_a_year.status == 400);
  CHECK(not_a_year.json()["error"]["details"][0]["field"] == "培训年度");
  Answer person = s.Call(s.staff, "GET", "/api/v1/persons/" + id);
  REQUIRE(person.status == 200);
  CHECK(person.json()["trainings"][0]["state"] == "attended");
  CHECK(person.json()["trainings"][0]["event"] == "2024-training");
  // A unit sees the history of its own people only.
  CHECK(s.Call(s.unit, "GET", "/api/v1/persons/" + id + "/trainings").status == 404);
  CHECK(s.Call(s.unit, "GET", "/api/v1/persons/" + s.ids[1] + "/trainings").status == 200);
}

TEST_CASE("Cohort API: a twin event is refused unless meant, availability set and taken back",
          "[api][cohorts]") {
  CohortServer s;
  REQUIRE(s.Call(s.staff, "POST", "/api/v1/events", EventBody("2026-spring", 6)).status == 201);
  // Same title and dates under another code: a 409 naming the first, unless meant.
  Json twin = Json::parse(EventBody("2026-spring", 6));
  twin["code"] = "2026-spring-b";
  twin["title"] = "测试研修班 2026-spring";
  Answer refused = s.Call(s.staff, "POST", "/api/v1/events", twin.dump());
  CHECK(refused.status == 409);
  CHECK(refused.body.find("2026-spring") != std::string::npos);
  twin["same_as_another"] = true;
  CHECK(s.Call(s.staff, "POST", "/api/v1/events", twin.dump()).status == 201);

  const std::string path = "/api/v1/events/2025-seminar/availability/" + s.ids[0];
  Answer set = s.Call(s.staff, "PUT", path, R"({"available": false})");
  REQUIRE(set.status == 200);
  CHECK(set.json()["source"] == "staff");
  Answer cleared = s.Call(s.staff, "PUT", path, R"({"available": null})");
  REQUIRE(cleared.status == 200);
  CHECK(cleared.json()["source"] == "unit_sheet");
  CHECK(cleared.json()["available"] == true);
  CHECK(s.Call(s.staff, "DELETE", path).status == 404);
  REQUIRE(s.Call(s.staff, "PUT", path, R"({"available": false})").status == 200);
  CHECK(s.Call(s.staff, "DELETE", path).json()["source"] == "unit_sheet");
  CHECK(s.Call(s.staff, "PUT", path, R"({"available": "no"})").status == 400);
}

TEST_CASE("Cohort API: an edit into another event's twin is a 409 naming it, unless meant",
          "[api][cohorts][edit]") {
  CohortServer s;
  REQUIRE(s.Call(s.staff, "POST", "/api/v1/events", EventBody("2026-first", 2)).status == 201);
  REQUIRE(s.Call(s.staff, "POST", "/api/v1/events", EventBody("2026-second", 2)).status == 201);
  Json twin = {{"title", "测试研修班 2026-first"}};
  Answer refused = s.Call(s.staff, "PATCH", "/api/v1/events/2026-second", twin.dump());
  CHECK(refused.status == 409);
  CHECK(refused.body.find("2026-first") != std::string::npos);
  CHECK(s.Call(s.staff, "GET", "/api/v1/events/2026-second").json()["title"] ==
        "测试研修班 2026-second");
  twin["same_as_another"] = "yes";
  CHECK(s.Call(s.staff, "PATCH", "/api/v1/events/2026-second", twin.dump()).status == 400);
  twin["same_as_another"] = true;
  CHECK(s.Call(s.staff, "PATCH", "/api/v1/events/2026-second", twin.dump()).status == 200);
}

TEST_CASE("Cohort API: an edit sets, keeps and clears a class's age band", "[api][cohorts][edit]") {
  CohortServer s;
  REQUIRE(s.Call(s.staff, "POST", "/api/v1/events", EventBody("2026-ages", 4)).status == 201);
  const std::string path = "/api/v1/events/2026-ages";
  Json edit = {{"classes",
                {{{"name", "研修班"}, {"capacity", 4}, {"max_age", 40}},
                 {{"name", "青年班"}, {"level", "青年人才"}, {"capacity", 2}, {"max_age", 35}}}}};
  Answer set = s.Call(s.staff, "PATCH", path, edit.dump());
  REQUIRE(set.status == 200);
  CHECK(set.json()["classes"][0]["max_age"] == 40);
  CHECK(set.json()["classes"][1]["max_age"] == 35);
  // Left out: kept. null: no limit.
  edit["classes"][0].erase("max_age");
  edit["classes"][1]["max_age"] = nullptr;
  Answer kept = s.Call(s.staff, "PATCH", path, edit.dump());
  REQUIRE(kept.status == 200);
  CHECK(kept.json()["classes"][0]["max_age"] == 40);
  CHECK(kept.json()["classes"][1]["max_age"].is_null());
  edit["classes"][0]["min_age"] = 1.5;
  Answer fraction = s.Call(s.staff, "PATCH", path, edit.dump());
  CHECK(fraction.status == 400);
  CHECK(fraction.body.find("min_age") != std::string::npos);
  edit["classes"][0]["min_age"] = 45;
  Answer above = s.Call(s.staff, "PATCH", path, edit.dump());
  CHECK(above.status == 400);
  CHECK(above.body.find("「研修班」的最低年龄 45 大于最高年龄 40") != std::string::npos);
}

TEST_CASE("Cohort API: inviting past the waiting list needs ahead_of_waitlist", "[api][cohorts]") {
  CohortServer s;
  REQUIRE(s.Call(s.staff, "POST", "/api/v1/events", EventBody("2026-tiny", 1)).status == 201);
  const std::string enrol = "/api/v1/events/2026-tiny/enrolments";
  REQUIRE(s.Call(s.staff, "POST", enrol, ActBody(s.ids[0], "invite")).status == 200);
  CHECK(s.Call(s.staff, "POST", enrol, ActBody(s.ids[1], "waitlist")).status == 200);
  // Capacity raised: the one waiting is invited at once.
  Answer raised = s.Call(s.staff, "PATCH", "/api/v1/events/2026-tiny",
                         R"({"class": "研修班", "capacity": 3})");
  REQUIRE(raised.status == 200);
  CHECK(raised.json()["classes"][0]["seats_taken"] == 2);
  // A free seat: the waiting list is not for it.
  CHECK(s.Call(s.staff, "POST", enrol, ActBody(s.ids[2], "waitlist")).status == 422);
  Json past = Json::parse(ActBody(s.ids[2], "invite"));
  past["ahead_of_waitlist"] = "yes";
  CHECK(s.Call(s.staff, "POST", enrol, past.dump()).status == 400);
}

TEST_CASE("Cohort API: the statistics count attendance, not every enrolment record",
          "[api][cohorts][stats]") {
  CohortServer s;
  for (const char* action : {"invite", "confirm", "attend"}) {
    REQUIRE(s.Call(s.staff, "POST", "/api/v1/events/2024-training/enrolments",
                   ActBody(s.ids[0], action))
                .status == 200);
  }
  REQUIRE(s.Call(s.staff, "POST", "/api/v1/events/2024-training/enrolments",
                 ActBody(s.ids[1], "invite"))
              .status == 200);
  for (const char* action : {"invite", "confirm", "absent"}) {
    REQUIRE(s.Call(s.staff, "POST", "/api/v1/events/2024-training/enrolments",
                   ActBody(s.ids[2], action))
                .status == 200);
  }
  const Json stats = s.Call(s.staff, "GET", "/api/v1/stats").json();
  CHECK(stats["enrolments"] == 3);
  CHECK(stats["attended"] == 1);
  CHECK(stats["absent"] == 1);
  CHECK(stats["attended_by_year"]["2024"] == 1);
}

namespace {

// Confirms the first two people (both 领军人才) for the 2024 annual training, 17-23 November.
void ConfirmTwo(CohortServer& s) {
  for (std::size_t i : {0u, 1u}) {
    for (const char* action : {"invite", "confirm"}) {
      REQUIRE(s.Call(s.staff, "POST", "/api/v1/events/2024-training/enrolments",
                     ActBody(s.ids[i], action))
                  .status == 200);
    }
  }
}

Json Mark(const std::string& id, const std::string& day, bool present) {
  return {{"id", id}, {"day", day}, {"present", present}};
}

const Json* EnrolmentIn(const Json& list, const std::string& id) {
  for (const Json& e : list["items"]) {
    if (e["id"] == id) return &e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE(
    "Cohort API: attendance per day is recorded in one go, shown on the enrolments and "
    "audited",
    "[api][cohorts][attendance]") {
  CohortServer s;
  ConfirmTwo(s);
  const std::string path = "/api/v1/events/2024-training/attendance";
  Json body = {{"items",
                {Mark(s.ids[0], "2024-11-17", true), Mark(s.ids[0], "2024-11-18", false),
                 Mark(s.ids[1], "2024-11-17", false)}}};
  Answer done = s.Call(s.staff, "POST", path, body.dump());
  INFO(done.body);
  REQUIRE(done.status == 200);
  const Json changed = done.json();
  REQUIRE(changed["total"] == 2);
  CHECK(changed["items"][0]["id"] == s.ids[0]);
  CHECK(changed["items"][0]["state"] == "attended");
  CHECK(
      changed["items"][0]["days"] ==
      Json::parse(R"([{"day":"2024-11-17","present":true},{"day":"2024-11-18","present":false}])"));
  CHECK(changed["items"][1]["state"] == "absent");

  const Json list = s.Call(s.staff, "GET", "/api/v1/events/2024-training/enrolments").json();
  const Json* first = EnrolmentIn(list, s.ids[0]);
  REQUIRE(first != nullptr);
  CHECK((*first)["days"].size() == 2);
  Answer history = s.Call(s.staff, "GET", "/api/v1/persons/" + s.ids[1] + "/trainings");
  CHECK(history.json()["items"][0]["days"] ==
        Json::parse(R"([{"day":"2024-11-17","present":false}])"));
  Answer audit = s.Call(s.staff, "GET", "/api/v1/audit?action=attendance&object_type=enrolment");
  CHECK(audit.json()["total"] == 2);

  // A day outside the event, or a person without a seat: 422 naming each item, nothing written.
  Json bad = {{"items",
               {Mark(s.ids[0], "2024-11-19", true), Mark(s.ids[0], "2024-11-24", true),
                Mark(s.ids[5], "2024-11-17", true)}}};
  Answer refused = s.Call(s.staff, "POST", path, bad.dump());
  REQUIRE(refused.status == 422);
  const Json details = refused.json()["error"]["details"];
  REQUIRE(details.size() == 2);
  CHECK(details[0]["field"] == "items[1]");
  CHECK(details[0]["row"] == 2);
  CHECK(details[1]["field"] == "items[2]");
  CHECK(EnrolmentIn(s.Call(s.staff, "GET", "/api/v1/events/2024-training/enrolments").json(),
                    s.ids[0])
            ->at("days")
            .size() == 2);
  // A malformed body is a 400 naming the field; provinces and units may not record.
  CHECK(s.Call(s.staff, "POST", path, R"({"items":[{"id":"P1","day":"2024-11-17"}]})")
            .json()["error"]["details"][0]["field"] == "items[0].present");
  CHECK(s.Call(s.staff, "POST", path, R"({"marks":[]})").status == 400);
  CHECK(s.Call(s.province, "POST", path, body.dump()).status == 403);
  CHECK(s.Call(s.unit, "POST", path, body.dump()).status == 403);
}

TEST_CASE(
    "Cohort API: the sign-in sheet printed, ticked and uploaded back records the days, a "
    "bad state or a faulty sheet is refused",
    "[api][cohorts][signin]") {
  CohortServer s;
  ConfirmTwo(s);
  CHECK(s.Call(s.staff, "GET", "/api/v1/events/2024-training/roster.xlsx?states=confirmed,bogus")
            .json()["error"]["message"]
            .get<std::string>()
            .find("bogus") != std::string::npos);
  Answer printed = s.Call(s.staff, "GET",
                          "/api/v1/events/2024-training/roster.xlsx?sheet=signin&states=confirmed");
  REQUIRE(printed.status == 200);
  registry::TableOptions options;
  options.known_columns = {"序号", "编号", "姓名"};
  auto reader = registry::OpenTableFromBytes(printed.body, "签到表.xlsx", options);
  REQUIRE(reader.ok());
  std::vector<std::vector<std::string>> rows = {(*reader)->Header()};
  std::vector<std::string> cells;
  long row = 0;
  while (*(*reader)->Next(&cells, &row)) rows.push_back(cells);
  REQUIRE(rows.size() == 3);
  REQUIRE(rows[0][6] == "11月17日");
  rows[1][6] = "√";
  rows[1][7] = "√";
  rows[2][6] = "×";
  auto upload = [&](const std::vector<std::vector<std::string>>& sheet) {
    auto bytes = registry::WriteXlsxToBytes([&](registry::XlsxWriter& w) {
      TP_RETURN_IF_ERROR(w.SetTitle({"签到表"}));
      TP_RETURN_IF_ERROR(w.WriteHeader(sheet[0]));
      for (std::size_t r = 1; r < sheet.size(); ++r) TP_RETURN_IF_ERROR(w.WriteRow(sheet[r]));
      return Status::Ok();
    });
    REQUIRE(bytes.ok());
    httplib::Client client("127.0.0.1", s.port());
    auto r =
        client.Post("/api/v1/events/2024-training/signin?filename=signin.xlsx",
                    {{"Authorization", "Bearer " + s.staff}}, *bytes, "application/octet-stream");
    REQUIRE(r);
    return Answer{r->status, r->body, r->headers};
  };
  Answer done = upload(rows);
  INFO(done.body);
  REQUIRE(done.status == 200);
  CHECK(done.json()["rows"] == 2);
  CHECK(done.json()["marks"] == 3);
  CHECK(done.json()["total"] == 2);
  Json list = s.Call(s.staff, "GET", "/api/v1/events/2024-training/enrolments").json();
  CHECK(EnrolmentIn(list, rows[1][1])->at("state") == "attended");
  CHECK(EnrolmentIn(list, rows[1][1])->at("days").size() == 2);
  CHECK(EnrolmentIn(list, rows[2][1])->at("state") == "absent");
  Answer audit = s.Call(s.staff, "GET", "/api/v1/audit?action=attendance&object_type=enrolment");
  CHECK(audit.json()["total"] == 2);

  rows[1][8] = "迟到";
  Answer faulty = upload(rows);
  REQUIRE(faulty.status == 422);
  CHECK(faulty.json()["error"]["details"][0]["field"] == "11月19日");
  CHECK(faulty.json()["error"]["details"][0]["row"] == 3);
  CHECK(s.Call(s.province, "POST", "/api/v1/events/2024-training/signin", "x").status == 403);
}
