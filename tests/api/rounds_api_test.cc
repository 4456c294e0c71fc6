// End-to-end tests of the rounds routes through a real server on loopback,
// with the seeds' rule sets and a clock the tests set.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/auth.h"
#include "api/http_server.h"
#include "api/rounds_json.h"
#include "api/rounds_routes.h"
#include "registry/base/paths.h"
#include "registry/fields/id_number.h"
#include "registry/fields/reference_data.h"
#include "registry/rounds/rounds.h"
#include "registry/rounds/summary_sheet.h"
#include "registry/tables/table_reader.h"
#include "registry/tables/xlsx_writer.h"
#include "support/pdf_text.h"
#include "support/temp_dir.h"
#include "support/workbook_rows.h"

namespace {

using Json = nlohmann::json;

struct Answer {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string disposition;
  Json json() const { return Json::parse(body, nullptr, false); }
};

std::string Id(const std::string& region, const std::string& birth, int seq) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%03d", seq);
  std::string first17 = region + birth + digits;
  return first17 + tp::registry::ComputeCheckDigit(first17);
}

// A person as the API takes one; `birth` is YYYYMMDD.
Json PersonJson(const std::string& name, const std::string& birth, int seq,
                const std::string& ethnic = "汉族", const std::string& affiliation = "九三学社社员",
                const std::string& region = "110105") {
  return {{"person",
           {{"姓名", name},
            {"身份证号", Id(region, birth, seq)},
            {"民族", ethnic},
            {"政治面貌", affiliation},
            {"工作单位", "中国科学院化学研究所"},
            {"职务", "研究员"},
            {"技术职称", "研究员"}}},
          {"opinion", "长期从事科研工作，成绩突出，同意推荐。"}};
}

// A registry with four units and their tokens, the rounds routes installed
// on a server of their own behind the same token check ApiService applies.
class RoundsServer {
 public:
  RoundsServer() {
    auto store = tp::registry::Store::Create(dir_ / "registry");
    REQUIRE(store.ok());
    store_ = std::move(*store);
    auto reference = tp::registry::ReferenceData::Load(tp::registry::DataDir());
    REQUIRE(reference.ok());
    reference_ = std::make_unique<tp::registry::ReferenceData>(*reference);
    {
      auto batch = store_->BeginWrite();
      REQUIRE(batch.ok());
      for (auto [name, type, province] :
           {std::tuple{"中国化学会", "全国学会", ""}, std::tuple{"中国物理学会", "全国学会", ""},
            std::tuple{"广西壮族自治区科学技术协会", "省级科协", "45"},
            std::tuple{"广西医学会", "省级学会", "45"}}) {
        auto unit = (*batch)->EnsureUnit(name, type, province);
        REQUIRE(unit.ok());
        units_.push_back(unit->code);
      }
      REQUIRE((*batch)->Commit().ok());
    }
    auto token = [&](const char* role, const std::string& unit, const char* province) {
      auto t = store_->CreateToken(role, unit, province, "rounds-test");
      REQUIRE(t.ok());
      return *t;
    };
    staff = token("staff", "", "");
    chem = token("unit", units_[0], "");
    physics = token("unit", units_[1], "");
    guangxi = token("unit", units_[2], "");
    medical = token("unit", units_[3], "");
    province = token("province", "", "45");

    tp::api::RoundsRouteOptions options;
    options.clock = [this] { return now_.load(); };
    options.after_write = [this] { ++writes; };
    std::vector<tp::api::RouteSpec> routes;
    tp::Status added = tp::api::AddRoundsRoutes(*store_, *reference_, options, &routes);
    if (!added.ok()) FAIL(added.ToString());
    routes_ = std::move(routes);
    tp::api::HttpServerOptions http;
    http.port = 0;
    http.log_sink = [](std::string_view) {};
    server_ = std::make_unique<tp::api::HttpServer>(http);
    for (const tp::api::RouteSpec& spec : routes_) {
      const tp::api::RouteSpec* route = &spec;
      tp::api::RouteOptions route_options;
      route_options.max_body_bytes = route->max_body_bytes;
      server_->Handle(
          route->method, route->pattern,
          [this, route](const tp::api::HttpRequest& req, tp::api::HttpResponse& res) {
            Authorize(*route, req, res);
          },
          route_options);
    }
    auto port = server_->Bind();
    REQUIRE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { (void)server_->Run(); });
  }

  ~RoundsServer() {
    server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  void At(const std::string& beijing) {
    auto t = tp::registry::ParseBeijingTime(beijing);
    REQUIRE(t.ok());
    now_ = *t;
  }

  Answer Call(const std::string& token, const std::string& method, const std::string& target,
              const std::string& body = "", const std::string& content_type = "application/json") {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30);
    httplib::Headers headers = {{"Authorization", "Bearer " + token}};
    httplib::Result r(nullptr, httplib::Error::Unknown);
    if (method == "GET") r = client.Get(target, headers);
    if (method == "POST") r = client.Post(target, headers, body, content_type);
    if (method == "DELETE") r = client.Delete(target, headers);
    Answer a;
    if (r) {
      a.status = r->status;
      a.body = r->body;
      a.content_type = r->get_header_value("Content-Type");
      a.disposition = r->get_header_value("Content-Disposition");
    }
    return a;
  }
  Answer Post(const std::string& token, const std::string& target, const Json& body) {
    return Call(token, "POST", target, body.dump());
  }

  // Adds a person to the caller's list; fails the test unless it was taken.
  int64_t MustAdd(const std::string& token, const std::string& round, const Json& person) {
    Answer a = Post(token, "/api/v1/rounds/" + round + "/recommendations", person);
    INFO(a.body);
    REQUIRE(a.status == 201);
    return a.json()["item"]["id"].get<int64_t>();
  }

  std::string staff, chem, physics, guangxi, medical, province;
  std::atomic<int> writes{0};  // after_write calls
  std::string database() const { return dir_ / "registry/registry.sqlite"; }
  std::vector<std::string> units_;
  tp::registry::Store& store() { return *store_; }

 private:
  // As ApiService::Install: Bearer token, known and unrevoked, role allowed.
  void Authorize(const tp::api::RouteSpec& route, const tp::api::HttpRequest& req,
                 tp::api::HttpResponse& res) {
    tp::api::ApiCall call{req, nullptr, req.remote_addr};
    auto header = req.Header("Authorization");
    auto token = header ? tp::api::BearerToken(*header) : std::nullopt;
    if (!token) return res.SetError(tp::Status(tp::StatusCode::kUnauthenticated, "缺少令牌"));
    auto info = store_->FindToken(*token);
    if (!info.ok()) return res.SetError(tp::Status(tp::StatusCode::kUnauthenticated, "令牌无效"));
    auto caller = tp::api::CallerFromToken(*info);
    if (!caller.ok()) return res.SetError(caller.status());
    if (!tp::api::Allows(route.roles, caller->role))
      return res.SetError(tp::PermissionDenied("无权调用此接口"));
    call.caller = &*caller;
    route.handler(call, res);
  }

  tp::testing::TempDir dir_;
  std::atomic<int64_t> now_{0};
  std::unique_ptr<tp::registry::Store> store_;
  std::unique_ptr<tp::registry::ReferenceData> reference_;
  std::vector<tp::api::RouteSpec> routes_;
  std::unique_ptr<tp::api::HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

constexpr const char* kNational = "pool-national-2025";

std::vector<Json> FiveWithTwoYoung() {
  return {PersonJson("林晓雯", "19950312", 2), PersonJson("陈思远", "19920705", 11),
          PersonJson("王建国", "19700101", 13), PersonJson("赵德明", "19721120", 15),
          PersonJson("孙立平", "19680808", 17)};
}

bool NamesRule(const Answer& a, const std::string& rule) {
  Json j = a.json();
  if (!j.contains("error")) return false;
  for (const Json& d : j["error"].value("details", Json::array()))
    if (d.value("field", "") == rule) return true;
  return false;
}

}  // namespace

TEST_CASE(
    "Rounds API: a national society of six is refused, five with one young is refused, a 理事长 "
    "sixth passes",
    "[rounds][api]") {
  RoundsServer s;
  s.At("2025-08-01 09:00");
  std::vector<int64_t> ids;
  for (const Json& p : FiveWithTwoYoung()) ids.push_back(s.MustAdd(s.chem, kNational, p));
  const int64_t sixth = s.MustAdd(s.chem, kNational, PersonJson("周明哲", "19750101", 19));

  Answer state = s.Call(s.chem, "GET", std::string("/api/v1/rounds/") + kNational + "/submission");
  REQUIRE(state.status == 200);
  CHECK(state.json()["quota"]["used"] == 6);
  CHECK(state.json()["quota"]["max"] == 5);
  CHECK(state.json()["quota"]["can_submit"] == false);

  Answer six =
      s.Post(s.chem, std::string("/api/v1/rounds/") + kNational + "/submit", Json::object());
  CHECK(six.status == 422);
  CHECK(NamesRule(six, "全国学会推荐名额不超过5人"));
  CHECK(six.json()["error"]["message"].get<std::string>().find("周明哲") != std::string::npos);

  REQUIRE(s.Call(s.chem, "DELETE", "/api/v1/recommendations/" + std::to_string(sixth)).status ==
          200);
  REQUIRE(s.Call(s.chem, "DELETE", "/api/v1/recommendations/" + std::to_string(ids[1])).status ==
          200);
  s.MustAdd(s.chem, kNational, PersonJson("钱国栋", "19800101", 21));
  Answer one_young =
      s.Post(s.chem, std::string("/api/v1/rounds/") + kNational + "/submit", Json::object());
  CHECK(one_young.status == 422);
  CHECK(NamesRule(one_young, "35岁及以下学员不少于2人"));

  // Back to two young people, and a 理事长 as the sixth.
  Json young = PersonJson("陈思远", "19920705", 11);
  s.MustAdd(s.chem, kNational, young);
  state = s.Call(s.chem, "GET", std::string("/api/v1/rounds/") + kNational + "/submission");
  INFO(state.body);
  REQUIRE(state.status == 200);
  int64_t extra = 0;
  const Json listed = state.json();
  for (const Json& item : listed["items"])
    if (item["person"]["name"] == "钱国栋") extra = item["id"].get<int64_t>();
  REQUIRE(s.Call(s.chem, "DELETE", "/api/v1/recommendations/" + std::to_string(extra)).status ==
          200);
  Json chair = PersonJson("郑国华", "19600101", 23);
  chair["person"]["职务"] = "中国化学会理事长";
  Answer added =
      s.Post(s.chem, std::string("/api/v1/rounds/") + kNational + "/recommendations", chair);
  REQUIRE(added.status == 201);
  CHECK(added.json()["item"]["exempt_reason"].get<std::string>().find("理事长") !=
        std::string::npos);
  CHECK(added.json()["quota"]["used"] == 5);
  Answer ok =
      s.Post(s.chem, std::string("/api/v1/rounds/") + kNational + "/submit", Json::object());
  INFO(ok.body);
  REQUIRE(ok.status == 200);
  CHECK(ok.json()["state"] == "submitted");
  CHECK(ok.json()["items"].size() == 6);
  CHECK(s.writes.load() >= 10);  // every add, removal and submission told the index

  // Another unit sees none of it; a unit cannot decide.
  CHECK(s.Call(s.physics, "GET", "/api/v1/recommendations/" + std::to_string(ids[0])).status ==
        404);
  CHECK(s.Call(s.physics, "GET",
               std::string("/api/v1/rounds/") + kNational + "/submission?unit=" + s.units_[0])
            .status == 404);
  CHECK(s.Post(s.chem, "/api/v1/recommendations/" + std::to_string(ids[0]) + "/decision",
               {{"action", "admit"}})
            .status == 403);
}

TEST_CASE("Rounds API: a provincial association with two minorities is refused naming the rule",
          "[rounds][api]") {
  RoundsServer s;
  s.At("2025-08-01 09:00");
  for (int i = 0; i < 3; ++i) {
    Json p = PersonJson("新" + std::string(i == 0   ? "甲"
                                           : i == 1 ? "乙"
                                                    : "丙"),
                        "19800101", 31 + 2 * i);
    p["person"]["所属群体"] = "新经济组织";
    s.MustAdd(s.guangxi, kNational, p);
  }
  s.MustAdd(s.guangxi, kNational, PersonJson("壮一", "19810101", 41, "壮族"));
  s.MustAdd(s.guangxi, kNational, PersonJson("瑶二", "19820101", 43, "瑶族"));
  Answer refused =
      s.Post(s.guangxi, std::string("/api/v1/rounds/") + kNational + "/submit", Json::object());
  CHECK(refused.status == 422);
  CHECK(NamesRule(refused, "少数民族学员不少于3人"));
  CHECK_FALSE(NamesRule(refused, "新经济组织、新社会组织、新就业群体学员不少于3人"));
  s.MustAdd(s.guangxi, kNational, PersonJson("苗三", "19830101", 45, "苗族"));
  CHECK(s.Post(s.guangxi, std::string("/api/v1/rounds/") + kNational + "/submit", Json::object())
            .status == 200);
  // The province sees its association's list; it may not submit for it.
  Answer lists =
      s.Call(s.province, "GET", std::string("/api/v1/rounds/") + kNational + "/submissions");
  REQUIRE(lists.status == 200);
  CHECK(lists.json()["total"] == 1);
  CHECK(s.Post(s.province,
               std::string("/api/v1/rounds/") + kNational + "/submit?unit=" + s.units_[2],
               Json::object())
            .status == 403);
}

TEST_CASE("Rounds API: a CCP member is refused for the 党外 pool and required for 优秀党员",
          "[rounds][api]") {
  RoundsServer s;
  s.At("2025-08-01 09:00");
  Answer pool = s.Post(s.chem, std::string("/api/v1/rounds/") + kNational + "/recommendations",
                       PersonJson("党建华", "19800101", 51, "汉族", "中共党员"));
  CHECK(pool.status == 422);
  CHECK(NamesRule(pool, "非中共党员"));

  s.At("2018-04-20 10:00");
  Answer not_member = s.Post(s.chem, "/api/v1/rounds/youxiu-dangyuan-2018/recommendations",
                             PersonJson("群众乙", "19800101", 53, "汉族", "群众"));
  CHECK(not_member.status == 422);
  CHECK(NamesRule(not_member, "推荐对象须为中共党员"));
  s.MustAdd(s.chem, "youxiu-dangyuan-2018",
            PersonJson("党建华", "19800101", 51, "汉族", "中共党员"));
  // The member passes the party rule; the list waits only for the 推荐表 and its photos.
  Answer submitted = s.Post(s.chem, "/api/v1/rounds/youxiu-dangyuan-2018/submit", Json::object());
  CHECK(submitted.status == 422);
  CHECK_FALSE(NamesRule(submitted, "推荐对象须为中共党员"));
  CHECK(NamesRule(submitted, "全国学会优秀党员科技工作者推荐表"));
}

TEST_CASE(
    "Rounds API: a person admitted in 2024 is reported as enrolled to another unit in 2025, not by "
    "whom",
    "[rounds][api]") {
  RoundsServer s;
  s.At("2024-11-05 10:00");
  Json qin = PersonJson("覃海涛", "19860307", 11, "壮族", "九三学社社员", "450103");
  const int64_t id = s.MustAdd(s.medical, "pool-guangxi-2024", qin);
  s.MustAdd(s.medical, "pool-guangxi-2024",
            PersonJson("韦丽华", "19921120", 24, "壮族", "无党派人士", "450102"));
  REQUIRE(s.Post(s.medical, "/api/v1/rounds/pool-guangxi-2024/submit", Json::object()).status ==
          200);
  Answer admitted = s.Post(s.staff, "/api/v1/recommendations/bulk-admit",
                           {{"ids", Json::array({id})},
                            {"year", 2024},
                            {"tier", "领军人才"},
                            {"batch", "2024年第一批"}});
  INFO(admitted.body);
  REQUIRE(admitted.status == 200);
  CHECK(admitted.json()["items"][0]["state"] == "admitted");

  s.At("2025-08-01 09:00");
  Answer again =
      s.Post(s.chem, std::string("/api/v1/rounds/") + kNational + "/recommendations", qin);
  CHECK(again.status == 409);
  const std::string message = again.json()["error"]["message"].get<std::string>();
  CHECK(message.find("已于2024年入库") != std::string::npos);
  CHECK(message.find("2024年广西科技界党外代表人士遴选推荐（集中报送）") != std::string::npos);
  CHECK(again.body.find("广西医学会") == std::string::npos);
  CHECK(again.body.find(s.units_[3]) == std::string::npos);
  CHECK(again.body.find("覃海涛") == std::string::npos);
  CHECK(again.body.find("P0000") == std::string::npos);
}

TEST_CASE("Rounds API: a submission one minute after the deadline is refused with the window",
          "[rounds][api]") {
  RoundsServer s;
  s.At("2025-08-14 16:00");
  for (const Json& p : FiveWithTwoYoung()) s.MustAdd(s.physics, kNational, p);
  s.At("2025-08-14 17:01");
  Answer late =
      s.Post(s.physics, std::string("/api/v1/rounds/") + kNational + "/submit", Json::object());
  CHECK(late.status == 422);
  const std::string message = late.json()["error"]["message"].get<std::string>();
  CHECK(message.find("2025-07-29 00:00 至 2025-08-14 17:00") != std::string::npos);
  CHECK(message.find("已经截止") != std::string::npos);

  // Staff extend the deadline for this unit; the extension is logged.
  Answer extended = s.Post(
      s.staff, std::string("/api/v1/rounds/") + kNational + "/units/" + s.units_[1] + "/deadline",
      {{"deadline", "2025-08-15 12:00"}});
  REQUIRE(extended.status == 200);
  CHECK(extended.json()["deadline"] == "2025-08-15T12:00:00+08:00");
  CHECK(s.Post(s.physics, std::string("/api/v1/rounds/") + kNational + "/submit", Json::object())
            .status == 200);
}

TEST_CASE("Rounds API: the error-annotated XLSX of an upload lists exactly the bad rows",
          "[rounds][api]") {
  RoundsServer s;
  s.At("2025-08-01 09:00");
  // The unit's own workbook: the seed's columns, a title row above them.
  auto xlsx = tp::registry::WriteXlsxToBytes([](tp::registry::XlsxWriter& w) -> tp::Status {
    std::vector<std::string> head = tp::registry::SummarySheetColumns();
    head.push_back("推荐单位意见");
    TP_RETURN_IF_ERROR(w.WriteHeader(head));
    const std::vector<std::vector<std::string>> rows = {
        {"1", "林晓雯", "女", "汉族", "1995.03", "九三学社社员", "中国科学院化学研究所研究员",
         "博士研究生", "有机化学", "13800000001", "是", "否", "同意推荐"},
        {"2", "陈思远", "男", "汉族", "1992.13", "民盟盟员", "北京大学教授", "博士研究生",
         "物理化学", "13800000002", "是", "是", "同意推荐"},
        {"3", "王建国", "男", "汉族", "1994.01", "民建会员", "清华大学教授", "博士研究生",
         "化学工程", "13800000003", "否", "是", "同意推荐"},
        {"4", "赵德明", "男", "汉族", "1972.11", "中共党员", "南开大学教授", "博士研究生", "催化",
         "13800000004", "是", "是", "同意推荐"},
    };
    for (const auto& r : rows) TP_RETURN_IF_ERROR(w.WriteRow(r));
    return tp::Status::Ok();
  });
  REQUIRE(xlsx.ok());
  Answer report = s.Call(
      s.chem, "POST",
      std::string("/api/v1/rounds/") + kNational + "/uploads?filename=%E6%B1%87%E6%80%BB.xlsx",
      *xlsx, "application/octet-stream");
  INFO(report.body);
  REQUIRE(report.status == 200);
  CHECK(report.json()["added"] == 2);
  CHECK(report.json()["rejected"] == 2);
  const std::string link = report.json()["error_file"].get<std::string>();
  CHECK(s.Call(s.physics, "GET", link).status == 404);
  Answer file = s.Call(s.chem, "GET", link);
  REQUIRE(file.status == 200);
  CHECK(file.content_type.find("spreadsheetml") != std::string::npos);
  auto table = tp::registry::OpenTableFromBytes(file.body, "errors.xlsx");
  REQUIRE(table.ok());
  CHECK((*table)->Header().back() == "错误信息");
  std::vector<std::string> names, messages;
  std::vector<std::string> cells;
  long row = 0;
  for (;;) {
    auto more = (*table)->Next(&cells, &row);
    REQUIRE(more.ok());
    if (!*more) break;
    names.push_back(cells[1]);
    messages.push_back(cells.back());
  }
  CHECK(names == std::vector<std::string>{"陈思远", "赵德明"});
  CHECK(messages[0].find("第3行") != std::string::npos);
  CHECK(messages[1].find("非中共党员") != std::string::npos);
  // At rest the workbook is sealed: no zip whose cells hold the rows' phones.
  {
    SQLite::Database db(s.database(), SQLite::OPEN_READONLY);
    SQLite::Statement st(db, "SELECT errors_xlsx FROM upload_reports");
    REQUIRE(st.executeStep());
    SQLite::Column blob = st.getColumn(0);
    const std::string stored(static_cast<const char*>(blob.getBlob()), blob.getBytes());
    CHECK(stored.rfind("PK\x03\x04", 0) != 0);
    CHECK_FALSE(tp::registry::OpenTableFromBytes(stored, "errors.xlsx").ok());
  }

  // Staff export the list after it is submitted: the seed's headings.
  CHECK(s.Post(s.chem, std::string("/api/v1/rounds/") + kNational + "/submit", Json::object())
            .status == 200);
  Answer exported =
      s.Call(s.staff, "GET",
             std::string("/api/v1/rounds/") + kNational + "/export.xlsx?unit=" + s.units_[0]);
  REQUIRE(exported.status == 200);
  auto sheet = tp::registry::OpenTableFromBytes(exported.body, "export.xlsx");
  REQUIRE(sheet.ok());
  CHECK((*sheet)->Header() == tp::registry::SummarySheetColumns());
  // The unit itself exports its own list.
  CHECK(s.Call(s.chem, "GET", std::string("/api/v1/rounds/") + kNational + "/export.xlsx").status ==
        200);
}

TEST_CASE("Rounds API: staff create the year's supplementary rounds in one call", "[rounds][api]") {
  RoundsServer s;
  s.At("2026-01-10 09:00");
  Answer made = s.Post(s.staff, "/api/v1/rounds/supplementary", {{"year", 2026}});
  REQUIRE(made.status == 201);
  REQUIRE(made.json()["items"].size() == 2);
  CHECK(made.json()["items"][0]["code"] == "pool-2026-06");
  CHECK(made.json()["items"][1]["deadline"] == "2026-12-01T00:00:00+08:00");
  CHECK(s.Post(s.chem, "/api/v1/rounds/supplementary", {{"year", 2026}}).status == 403);
  Answer list = s.Call(s.chem, "GET", "/api/v1/rounds");
  REQUIRE(list.status == 200);
  CHECK(list.json()["total"] == 6);
}

namespace {

TEST_CASE("Rounds API: the rounds' progress downloads as XLSX with the lists' own counts",
          "[rounds][api][export]") {
  RoundsServer s;
  s.At("2025-08-01 09:00");
  s.MustAdd(s.chem, kNational, PersonJson("周明哲", "19750101", 19));
  s.MustAdd(s.chem, kNational, PersonJson("钱国栋", "19800101", 21));
  for (const std::string& token : {s.staff, s.province}) {
    Answer a = s.Call(token, "GET", "/api/v1/stats/rounds.xlsx");
    REQUIRE(a.status == 200);
    auto rows = tp::testing::WorkbookRows(a.body);
    REQUIRE(rows.size() >= 2);
    CHECK(rows[0] == std::vector<std::string>{"推荐批次", "批次代码", "截止时间", "单位数", "草稿",
                                              "已报送", "审核中", "已退回", "已入库", "未通过"});
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const std::string& code = rows[i].at(1);
      INFO(code);
      Json lists = s.Call(token, "GET", "/api/v1/rounds/" + code + "/submissions").json();
      CHECK(rows[i].at(3) == std::to_string(lists["total"].get<int>()));
      int people = 0, drafts = 0;
      for (const Json& list : lists["items"]) {
        people += list["people"].get<int>();
        drafts += list["by_state"].value("draft", 0);
      }
      int counted = 0;
      for (std::size_t c = 4; c < rows[i].size(); ++c) counted += std::stoi(rows[i][c]);
      CHECK(counted == people);
      CHECK(rows[i].at(4) == std::to_string(drafts));
      if (code == kNational && token == s.staff) CHECK(drafts == 2);
    }
  }
  CHECK(s.Call(s.chem, "GET", "/api/v1/stats/rounds.xlsx").status == 403);
}

}  // namespace

TEST_CASE("Rounds API: a unit prints its own 汇总表 as PDF and Word, never another unit's",
          "[rounds][api][forms]") {
  RoundsServer s;
  s.At("2025-08-01 09:00");
  const std::vector<Json> people = FiveWithTwoYoung();
  for (const Json& p : people) s.MustAdd(s.chem, kNational, p);
  REQUIRE(s.Post(s.chem, std::string("/api/v1/rounds/") + kNational + "/submit", Json::object())
              .status == 200);
  const std::string base = std::string("/api/v1/rounds/") + kNational;

  // The unit's own list, without ?unit=: every person it sent, its name in the heading block.
  Answer pdf = s.Call(s.chem, "GET", base + "/summary.pdf");
  REQUIRE(pdf.status == 200);
  CHECK(pdf.content_type == "application/pdf");
  CHECK(pdf.disposition.find("filename*=UTF-8''") != std::string::npos);
  CHECK(pdf.disposition.find("summary-pool-national-2025-" + s.units_[0] + ".pdf") !=
        std::string::npos);
  tp::testing::TempDir dir;
  const tp::testing::PdfText read = tp::testing::ReadPdf(dir, pdf.body);
  CHECK(tp::testing::Has(read.text, "推荐单位：中国化学会（加盖公章）"));
  for (const Json& p : people) CHECK(tp::testing::Has(read.text, p["person"]["姓名"]));
  // A unit's copy leaves 民族 and 政治面貌 blank, as it reads people everywhere.
  CHECK_FALSE(tp::testing::Has(read.text, "九三学社社员"));

  tp::registry::TableOptions options;
  options.known_columns = tp::registry::SummarySheetColumns();
  auto ReadDocx = [&](const Answer& a) {
    INFO(a.body.substr(0, 300));
    REQUIRE(a.status == 200);
    CHECK(a.content_type.find("wordprocessingml") != std::string::npos);
    auto table = tp::registry::OpenTableFromBytes(a.body, "summary.docx", options);
    REQUIRE(table.ok());
    CHECK((*table)->Header() == tp::registry::SummarySheetColumns());
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> cells;
    long row = 0;
    for (;;) {
      auto more = (*table)->Next(&cells, &row);
      REQUIRE(more.ok());
      if (!*more) break;
      rows.push_back(cells);
    }
    return rows;
  };
  const auto own = ReadDocx(s.Call(s.chem, "GET", base + "/summary.docx"));
  REQUIRE(own.size() == people.size());
  for (size_t i = 0; i < own.size(); ++i) {
    CHECK(own[i][0] == std::to_string(i + 1));
    CHECK(own[i][1] == people[i]["person"]["姓名"]);
    CHECK(own[i][5].empty());
  }

  // Another unit's list answers as missing; so does an unknown round or unit.
  CHECK(s.Call(s.physics, "GET", base + "/summary.pdf?unit=" + s.units_[0]).status == 404);
  CHECK(s.Call(s.physics, "GET", base + "/summary.docx?unit=" + s.units_[0]).status == 404);
  CHECK(ReadDocx(s.Call(s.physics, "GET", base + "/summary.docx")).empty());
  CHECK(s.Call(s.chem, "GET", "/api/v1/rounds/no-such-round/summary.pdf").status == 404);
  CHECK(s.Call(s.staff, "GET", base + "/summary.pdf?unit=U999999").status == 404);
  // A province reads its own province's units only; staff must name the unit.
  CHECK(s.Call(s.province, "GET", base + "/summary.docx?unit=" + s.units_[0]).status == 404);
  CHECK(s.Call(s.province, "GET", base + "/summary.docx?unit=" + s.units_[2]).status == 200);
  CHECK(s.Call(s.staff, "GET", base + "/summary.docx").status == 400);
  // Whole phones are for staff only.
  CHECK(s.Call(s.chem, "GET", base + "/summary.pdf?reveal=phone").status == 403);
  const auto staff = ReadDocx(s.Call(s.staff, "GET", base + "/summary.docx?unit=" + s.units_[0]));
  REQUIRE(staff.size() == people.size());
  CHECK(staff[0][3] == "汉族");
  CHECK(staff[0][5] == "九三学社社员");

  // Every download is recorded as the round's export is, with the unit, form and format.
  SQLite::Database db(s.database(), SQLite::OPEN_READONLY);
  SQLite::Statement st(db,
                       "SELECT actor, detail FROM audit_log WHERE action='export' AND "
                       "object_type='round' AND object_id=? ORDER BY id");
  st.bind(1, kNational);
  std::vector<Json> details;
  while (st.executeStep()) details.push_back(Json::parse(st.getColumn(1).getString()));
  REQUIRE(details.size() == 5);  // chem pdf and docx, physics' own, the province's, staff's
  CHECK(details[0]["form"] == "推荐学员汇总表");
  CHECK(details[0]["format"] == "pdf");
  CHECK(details[0]["unit"] == s.units_[0]);
  CHECK(details[0]["rows"] == 5);
  CHECK(details[1]["format"] == "docx");
  CHECK(details[2]["unit"] == s.units_[1]);
  CHECK(details[2]["rows"] == 0);
  CHECK(details[4]["reveal_phone"] == false);
}

TEST_CASE(
    "Rounds API: a unit exports its own 汇总表 as XLSX, never another unit's, and times are "
    "Beijing time",
    "[rounds][api]") {
  RoundsServer s;
  s.At("2025-08-01 09:00");
  const std::vector<Json> people = FiveWithTwoYoung();
  for (const Json& p : people) s.MustAdd(s.chem, kNational, p);
  Answer submitted =
      s.Post(s.chem, std::string("/api/v1/rounds/") + kNational + "/submit", Json::object());
  REQUIRE(submitted.status == 200);
  // Submitted at 09:00 in Beijing: shown so, not as 01:00Z.
  CHECK(submitted.json()["submitted_at"] == "2025-08-01T09:00:00+08:00");
  const std::string base = std::string("/api/v1/rounds/") + kNational + "/export.xlsx";

  for (const std::string& target : {base, base + "?unit=" + s.units_[0]}) {
    INFO(target);
    Answer own = s.Call(s.chem, "GET", target);
    REQUIRE(own.status == 200);
    CHECK(own.content_type == tp::api::kXlsxType);
    auto sheet = tp::registry::OpenTableFromBytes(own.body, "export.xlsx");
    REQUIRE(sheet.ok());
    CHECK((*sheet)->Header() == tp::registry::SummarySheetColumns());
    std::vector<std::string> cells;
    long row = 0;
    std::vector<std::string> names;
    for (;;) {
      auto more = (*sheet)->Next(&cells, &row);
      REQUIRE(more.ok());
      if (!*more) break;
      names.push_back(cells[1]);
      CHECK(cells[5].empty());  // 政治面貌: a unit's copy leaves it blank
    }
    CHECK(names.size() == people.size());
  }
  // Another unit's list is not there for it; nor the phones in full.
  CHECK(s.Call(s.physics, "GET", base + "?unit=" + s.units_[0]).status == 404);
  CHECK(s.Call(s.chem, "GET", base + "?reveal=phone").status == 403);
  CHECK(s.Call(s.province, "GET", base).status == 400);

  // Staff see the submission and the decision at Beijing time too.
  Answer lists =
      s.Call(s.staff, "GET", std::string("/api/v1/rounds/") + kNational + "/submissions");
  REQUIRE(lists.status == 200);
  CHECK(lists.json()["items"][0]["submitted_at"] == "2025-08-01T09:00:00+08:00");
  s.At("2025-08-20 15:30");
  const int64_t first = submitted.json()["items"][0]["id"].get<int64_t>();
  Answer decided = s.Post(s.staff, "/api/v1/recommendations/" + std::to_string(first) + "/decision",
                          {{"action", "review"}});
  REQUIRE(decided.status == 200);
  CHECK(decided.json()["decided_at"] == "2025-08-20T15:30:00+08:00");
  Answer rules = s.Call(s.staff, "GET", "/api/v1/rule-sets");
  REQUIRE(rules.status == 200);
  CHECK(rules.json()["items"][0]["updated_at"].get<std::string>().find("+08:00") !=
        std::string::npos);
}
