#include "api/cohorts_routes.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "api/internal/cohorts_routes_internal.h"
#include "api/rounds_json.h"
#include "api/route_helpers.h"
#include "registry/base/paths.h"
#include "registry/cohorts/cohorts.h"
#include "registry/cohorts/planner.h"
#include "registry/store/store_api_queries.h"

namespace tp::api {

nlohmann::json cohort_routes::EnrolmentJson(const registry::Enrolment& e) {
  nlohmann::json days = nlohmann::json::array();
  for (const registry::AttendanceDay& d : e.days) {
    days.push_back({{"day", d.day}, {"present", d.present}});
  }
  return {{"event", e.event_code},
          {"class", TextOrNull(e.class_name)},
          {"id", e.person_id},
          {"name", e.person_name},
          {"state", registry::StateName(e.state)},
          {"state_label", registry::StateLabel(e.state)},
          {"waitlist_rank",
           e.waitlist_rank > 0 ? nlohmann::json(e.waitlist_rank) : nlohmann::json(nullptr)},
          {"version", e.version},
          {"updated_at", BeijingOrNull(e.updated_at)},
          {"days", std::move(days)}};
}

namespace {

using Json = nlohmann::json;
using cohort_routes::EnrolmentJson;

StatusOr<std::string> Text(const Json& o, const char* key, bool required) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    if (required) return BadField(key, "不能为空");
    return std::string();
  }
  if (!it->is_string()) return BadField(key, "应为字符串");
  return it->get<std::string>();
}

StatusOr<int> Integer(const Json& o, const char* key, int fallback) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) return BadField(key, "应为整数");
  const auto v = it->get<int64_t>();
  if (v < -1000000 || v > 1000000) return BadField(key, "超出范围");
  return static_cast<int>(v);
}

StatusOr<double> Number(const Json& o, const char* key, double fallback) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return fallback;
  if (!it->is_number()) return BadField(key, "应为数字");
  return it->get<double>();
}

StatusOr<bool> Bool(const Json& o, const char* key, bool fallback) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return BadField(key, "应为 true 或 false");
  return it->get<bool>();
}

// The version an If-Match header names ("v7", W/"v7"); 0 when none, -1 when malformed.
int64_t IfMatchVersion(const HttpRequest& req) {
  std::optional<std::string> header = req.Header("If-Match");
  if (!header) return 0;
  std::string v = *header;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() < 4 || v.front() != '"' || v.back() != '"' || v[1] != 'v') return -1;
  std::string digits = v.substr(2, v.size() - 3);
  if (digits.empty() || digits.size() > 18 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return -1;
  return std::stoll(digits);
}

Json EventJson(const registry::Event& e) {
  Json classes = Json::array();
  for (const auto& c : e.classes) {
    classes.push_back({{"name", c.name},
                       {"level", TextOrNull(c.level)},
                       {"capacity", c.capacity},
                       {"seats_taken", c.seats_taken},
                       {"waitlisted", c.waitlisted},
                       {"min_age", c.min_age > 0 ? Json(c.min_age) : Json(nullptr)},
                       {"max_age", c.max_age > 0 ? Json(c.max_age) : Json(nullptr)}});
  }
  return {{"code", e.code},
          {"title", e.title},
          {"series", e.series},
          {"starts_on", e.starts_on},
          {"ends_on", e.ends_on},
          {"place", TextOrNull(e.place)},
          {"capacity", e.capacity},
          {"availability_field", TextOrNull(e.availability_field)},
          {"source", TextOrNull(e.source)},
          {"classes", std::move(classes)}};
}

Json LineJson(const registry::PlanLine& l) {
  return {{"id", l.person_id},
          {"name", l.name},
          {"class", l.class_name},
          {"gender", TextOrNull(l.gender)},
          {"ethnic_group", TextOrNull(l.ethnic_group)},
          {"province", TextOrNull(l.province)},
          {"province_name", TextOrNull(l.province_name)},
          {"unit", TextOrNull(l.unit)},
          {"unit_type", TextOrNull(l.unit_type)},
          {"group", TextOrNull(l.group_type)},
          {"admission_year", l.admission_year},
          {"never_trained", l.never_trained},
          {"pinned", l.pinned},
          {"kept", l.kept},
          {"rank", l.rank > 0 ? Json(l.rank) : Json(nullptr)},
          {"points", l.points},
          {"reasons", l.reasons}};
}

Json PlanJson(const registry::Plan& p) {
  Json classes = Json::array();
  for (const auto& c : p.classes) {
    Json lines = Json::array();
    for (const auto& l : c.lines) lines.push_back(LineJson(l));
    classes.push_back({{"name", c.name},
                       {"level", TextOrNull(c.level)},
                       {"capacity", c.capacity},
                       {"lines", std::move(lines)}});
  }
  Json reserve = Json::array();
  for (const auto& l : p.reserve) reserve.push_back(LineJson(l));
  Json goals = Json::array();
  for (const auto& g : p.goals) {
    goals.push_back({{"key", g.key},
                     {"label", g.label},
                     {"reached", g.reached},
                     {"seats", g.seats},
                     {"target", g.target},
                     {"at_most", g.at_most},
                     {"best_possible", g.best_possible},
                     {"met", g.met},
                     {"reachable", g.reachable},
                     {"text", g.text},
                     {"class", TextOrNull(g.class_name)}});
  }
  Json left_out = Json::array();
  for (const auto& [reason, count] : p.left_out)
    left_out.push_back({{"reason", reason}, {"count", count}});
  return {{"event", p.event_code},
          {"seats", p.seats},
          {"filled", p.filled},
          {"candidates", p.candidates},
          {"objective", p.objective},
          {"bound", p.bound},
          {"gap", p.gap},
          {"optimal", p.optimal},
          {"variables", p.variables},
          {"constraints", p.constraints},
          {"seconds", {{"load", p.load_seconds}, {"solve", p.solve_seconds}}},
          {"classes", std::move(classes)},
          {"reserve", std::move(reserve)},
          {"goals", std::move(goals)},
          {"left_out", std::move(left_out)}};
}

StatusOr<registry::Event> EventFromJson(const Json& o) {
  TP_RETURN_IF_ERROR(
      OnlyKeys(o,
               {"code", "title", "series", "starts_on", "ends_on", "place", "capacity",
                "availability_field", "source", "classes", "same_as_another"},
               ""));
  registry::Event e;
  for (auto [key, out] : {std::pair{"code", &e.code},
                          {"title", &e.title},
                          {"series", &e.series},
                          {"starts_on", &e.starts_on},
                          {"ends_on", &e.ends_on},
                          {"place", &e.place},
                          {"availability_field", &e.availability_field},
                          {"source", &e.source}}) {
    TP_ASSIGN_OR_RETURN(auto v, Text(o, key, false));
    *out = v;
  }
  auto capacity = Integer(o, "capacity", 0);
  if (!capacity.ok()) return capacity.status();
  e.capacity = *capacity;
  auto classes = o.find("classes");
  if (classes == o.end() || !classes->is_array()) return BadField("classes", "应为班次数组");
  for (const Json& c : *classes) {
    if (!c.is_object()) return BadField("classes", "每个班次应为 JSON 对象");
    TP_RETURN_IF_ERROR(OnlyKeys(c, {"name", "level", "capacity", "min_age", "max_age"}, "classes"));
    registry::EventClass ec;
    TP_ASSIGN_OR_RETURN(ec.name, Text(c, "name", true));
    TP_ASSIGN_OR_RETURN(ec.level, Text(c, "level", false));
    TP_ASSIGN_OR_RETURN(ec.capacity, Integer(c, "capacity", 0));
    TP_ASSIGN_OR_RETURN(ec.min_age, Integer(c, "min_age", 0));
    TP_ASSIGN_OR_RETURN(ec.max_age, Integer(c, "max_age", 0));
    e.classes.push_back(std::move(ec));
  }
  return e;
}

struct IntGoal {
  const char* key;
  int registry::PlanGoals::*field;
};
struct RealGoal {
  const char* key;
  double registry::PlanGoals::*field;
};
constexpr IntGoal kIntGoals[] = {
    {"minority_target", &registry::PlanGoals::minority_target},
    {"women_target", &registry::PlanGoals::women_target},
    {"new_group_target", &registry::PlanGoals::new_group_target},
};
constexpr RealGoal kRealGoals[] = {
    {"max_province_share", &registry::PlanGoals::max_province_share},
    {"max_unit_type_share", &registry::PlanGoals::max_unit_type_share},
    {"max_unit_share", &registry::PlanGoals::max_unit_share},
    {"seat_weight", &registry::PlanGoals::seat_weight},
    {"never_trained_weight", &registry::PlanGoals::never_trained_weight},
    {"older_round_weight", &registry::PlanGoals::older_round_weight},
    {"target_weight", &registry::PlanGoals::target_weight},
    {"unit_excess_weight", &registry::PlanGoals::unit_excess_weight},
    {"province_excess_weight", &registry::PlanGoals::province_excess_weight},
    {"unit_type_excess_weight", &registry::PlanGoals::unit_type_excess_weight},
    {"province_coverage_weight", &registry::PlanGoals::province_coverage_weight},
};

// A class's goals: the event's targets and shares, under class_goals.NAME.
StatusOr<registry::ClassGoals> ClassGoalsFromJson(const std::string& name, const Json& o) {
  const std::string where = "class_goals." + name;
  if (!o.is_object()) return BadField(where, "应为 JSON 对象");
  registry::ClassGoals goals;
  struct {
    const char* key;
    int registry::ClassGoals::*field;
  } const ints[] = {{"minority_target", &registry::ClassGoals::minority_target},
                    {"women_target", &registry::ClassGoals::women_target},
                    {"new_group_target", &registry::ClassGoals::new_group_target}};
  struct {
    const char* key;
    double registry::ClassGoals::*field;
  } const shares[] = {{"max_province_share", &registry::ClassGoals::max_province_share},
                      {"max_unit_type_share", &registry::ClassGoals::max_unit_type_share},
                      {"max_unit_share", &registry::ClassGoals::max_unit_share}};
  for (auto it = o.begin(); it != o.end(); ++it) {
    bool known = false;
    for (const auto& g : ints) {
      if (it.key() != g.key) continue;
      known = true;
      auto v = Integer(o, g.key, 0);
      if (!v.ok()) return BadField(where + "." + g.key, "应为整数");
      goals.*(g.field) = *v;
    }
    for (const auto& g : shares) {
      if (it.key() != g.key) continue;
      known = true;
      auto v = Number(o, g.key, 1);
      if (!v.ok()) return BadField(where + "." + g.key, "应为数字");
      goals.*(g.field) = *v;
    }
    if (!known) return BadField(where + "." + it.key(), "不认识的班次目标（权重只能按活动设置）");
  }
  return goals;
}

StatusOr<registry::PlanRequest> PlanRequestFromJson(const std::string& code, const Json& o) {
  TP_RETURN_IF_ERROR(OnlyKeys(o,
                              {"goals", "class_goals", "pinned", "excluded", "allow_retrained",
                               "reserve_per_class", "time_limit_seconds"},
                              ""));
  registry::PlanRequest r;
  r.event_code = code;
  if (auto goals = o.find("goals"); goals != o.end() && !goals->is_null()) {
    if (!goals->is_object()) return BadField("goals", "应为 JSON 对象");
    for (auto it = goals->begin(); it != goals->end(); ++it) {
      bool known = false;
      for (const IntGoal& g : kIntGoals) {
        if (it.key() != g.key) continue;
        known = true;
        auto v = Integer(*goals, g.key, 0);
        if (!v.ok()) return BadField(std::string("goals.") + g.key, "应为整数");
        r.goals.*(g.field) = *v;
      }
      for (const RealGoal& g : kRealGoals) {
        if (it.key() != g.key) continue;
        known = true;
        auto v = Number(*goals, g.key, 0);
        if (!v.ok()) return BadField(std::string("goals.") + g.key, "应为数字");
        r.goals.*(g.field) = *v;
      }
      if (!known) return BadField("goals." + it.key(), "不认识的目标");
    }
  }
  if (auto classes = o.find("class_goals"); classes != o.end() && !classes->is_null()) {
    if (!classes->is_object()) return BadField("class_goals", "应为以班次名称为键的 JSON 对象");
    for (auto it = classes->begin(); it != classes->end(); ++it) {
      TP_ASSIGN_OR_RETURN(r.class_goals[it.key()], ClassGoalsFromJson(it.key(), it.value()));
    }
  }
  if (auto pinned = o.find("pinned"); pinned != o.end() && !pinned->is_null()) {
    if (!pinned->is_array()) return BadField("pinned", "应为数组");
    for (const Json& p : *pinned) {
      if (p.is_string()) {
        r.pinned.push_back({p.get<std::string>(), ""});
        continue;
      }
      if (!p.is_object()) return BadField("pinned", "每项应为编号或 {\"id\", \"class\"}");
      TP_RETURN_IF_ERROR(OnlyKeys(p, {"id", "class"}, "pinned"));
      auto id = Text(p, "id", true);
      auto cls = Text(p, "class", false);
      if (!id.ok()) return id.status();
      if (!cls.ok()) return cls.status();
      r.pinned.push_back({*id, *cls});
    }
  }
  if (auto excluded = o.find("excluded"); excluded != o.end() && !excluded->is_null()) {
    if (!excluded->is_array()) return BadField("excluded", "应为编号数组");
    for (const Json& p : *excluded) {
      if (!p.is_string()) return BadField("excluded", "每项应为编号");
      r.excluded.push_back(p.get<std::string>());
    }
  }
  auto allow = Bool(o, "allow_retrained", false);
  auto reserve = Integer(o, "reserve_per_class", r.reserve_per_class);
  auto limit = Number(o, "time_limit_seconds", r.time_limit_seconds);
  if (!allow.ok()) return allow.status();
  if (!reserve.ok()) return reserve.status();
  if (!limit.ok()) return limit.status();
  r.allow_retrained = *allow;
  r.reserve_per_class = *reserve;
  r.time_limit_seconds = *limit;
  return r;
}

StatusOr<std::vector<registry::Placement>> Placements(const Json& o, const char* key) {
  std::vector<registry::Placement> out;
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return out;
  if (!it->is_array()) return BadField(key, "应为数组");
  for (const Json& line : *it) {
    if (!line.is_object()) return BadField(key, "每行应为 {\"id\", \"class\"}");
    TP_RETURN_IF_ERROR(OnlyKeys(line, {"id", "class"}, key));
    auto id = Text(line, "id", true);
    auto cls = Text(line, "class", false);
    if (!id.ok()) return id.status();
    if (!cls.ok()) return cls.status();
    out.push_back({*id, *cls});
  }
  return out;
}

struct Context {
  Context(registry::Store& s, std::unique_ptr<registry::Cohorts> c,
          std::unique_ptr<registry::ApiQueries> q, CohortRouteOptions o)
      : store(s), cohorts(std::move(c)), queries(std::move(q)), options(std::move(o)) {}

  registry::AuditEntry Who(const ApiCall& call) const { return WhoCalls(call); }

  void Audit(const ApiCall& call, std::string action, std::string object_type,
             std::string object_id, const Json& detail) {
    registry::AuditEntry e = Who(call);
    e.action = std::move(action);
    e.object_type = std::move(object_type);
    e.object_id = std::move(object_id);
    e.detail_json = Dump(detail);
    Status s = store.Audit(e);
    if (!s.ok())
      std::fprintf(stderr, "audit write failed: %s\n", std::string(CodeName(s.code())).c_str());
  }

  void Wrote() {
    if (options.after_write) options.after_write();
  }

  // Whether the caller's scope holds the person (staff: everyone).
  StatusOr<bool> Sees(const Caller& caller, const std::string& person_id) {
    if (caller.role == Role::kStaff) return true;
    TP_ASSIGN_OR_RETURN(auto rowid, queries->VisiblePerson(person_id, caller.Scope()));
    return rowid.has_value();
  }

  registry::Store& store;
  std::unique_ptr<registry::Cohorts> cohorts;
  std::unique_ptr<registry::ApiQueries> queries;
  CohortRouteOptions options;
};

using Handler = void (*)(Context&, const ApiCall&, HttpResponse&);

void ListEvents(Context& ctx, const ApiCall&, HttpResponse& res) {
  auto events = ctx.cohorts->ListEvents();
  if (!events.ok()) return res.SetError(events.status());
  Json items = Json::array();
  for (const auto& e : *events) items.push_back(EventJson(e));
  res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}));
}

void GetEvent(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto event = ctx.cohorts->GetEvent(call.request.PathParam("code"));
  if (!event.ok()) return res.SetError(event.status());
  res.SetJson(Dump(EventJson(*event)));
}

void CreateEvent(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto body = ParseJsonObject(call.request.body);
  if (!body.ok()) return res.SetError(body.status());
  auto event = EventFromJson(*body);
  if (!event.ok()) return res.SetError(event.status());
  auto same = Bool(*body, "same_as_another", false);
  if (!same.ok()) return res.SetError(same.status());
  auto made = ctx.cohorts->CreateEvent(*event, ctx.Who(call), *same);
  if (!made.ok()) return res.SetError(made.status());
  res.SetHeader("Location", "/api/v1/events/" + made->code);
  res.SetJson(Dump(EventJson(*made)), 201);
}

// The body of an event edit: the fields given change, `classes` is the whole new list.
StatusOr<registry::EventEdit> EventEditFromJson(const Json& o) {
  TP_RETURN_IF_ERROR(OnlyKeys(
      o, {"title", "starts_on", "ends_on", "place", "source", "classes", "same_as_another"}, ""));
  registry::EventEdit edit;
  TP_ASSIGN_OR_RETURN(edit.same_as_another, Bool(o, "same_as_another", false));
  for (auto [key, out] : {std::pair{"title", &edit.title},
                          {"starts_on", &edit.starts_on},
                          {"ends_on", &edit.ends_on},
                          {"place", &edit.place},
                          {"source", &edit.source}}) {
    if (!o.contains(key)) continue;
    TP_ASSIGN_OR_RETURN(auto v, Text(o, key, false));
    *out = v;
  }
  auto classes = o.find("classes");
  if (classes == o.end()) return edit;
  if (!classes->is_array()) return BadField("classes", "应为班次数组");
  edit.classes.emplace();
  for (const Json& c : *classes) {
    if (!c.is_object()) return BadField("classes", "每个班次应为 JSON 对象");
    TP_RETURN_IF_ERROR(
        OnlyKeys(c, {"name", "level", "capacity", "min_age", "max_age", "was"}, "classes"));
    registry::ClassEdit ce;
    TP_ASSIGN_OR_RETURN(ce.change.name, Text(c, "name", true));
    TP_ASSIGN_OR_RETURN(ce.change.level, Text(c, "level", false));
    TP_ASSIGN_OR_RETURN(ce.change.capacity, Integer(c, "capacity", 0));
    // An age given (null: no limit) sets the band; left out, an existing class keeps its own.
    for (auto [key, out] : {std::pair{"min_age", &ce.min_age}, {"max_age", &ce.max_age}}) {
      if (!c.contains(key)) continue;
      TP_ASSIGN_OR_RETURN(*out, Integer(c, key, 0));
    }
    TP_ASSIGN_OR_RETURN(ce.was, Text(c, "was", false));
    edit.classes->push_back(std::move(ce));
  }
  return edit;
}

void PatchEvent(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto body = ParseJsonObject(call.request.body);
  if (!body.ok()) return res.SetError(body.status());
  if (!body->contains("class")) {
    auto edit = EventEditFromJson(*body);
    if (!edit.ok()) return res.SetError(edit.status());
    auto edited = ctx.cohorts->EditEvent(call.request.PathParam("code"), *edit, ctx.Who(call));
    if (!edited.ok()) return res.SetError(edited.status());
    ctx.Wrote();
    return res.SetJson(Dump(EventJson(*edited)));
  }
  if (Status s = OnlyKeys(*body, {"class", "capacity"}, ""); !s.ok()) return res.SetError(s);
  auto cls = Text(*body, "class", true);
  if (!cls.ok()) return res.SetError(cls.status());
  auto capacity = Integer(*body, "capacity", 0);
  if (!capacity.ok()) return res.SetError(capacity.status());
  auto event =
      ctx.cohorts->SetClassCapacity(call.request.PathParam("code"), *cls, *capacity, ctx.Who(call));
  if (!event.ok()) return res.SetError(event.status());
  ctx.Wrote();
  res.SetJson(Dump(EventJson(*event)));
}

void Plan(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto body = ParseJsonObject(call.request.body.empty() ? "{}" : call.request.body);
  if (!body.ok()) return res.SetError(body.status());
  const std::string code = call.request.PathParam("code");
  auto request = PlanRequestFromJson(code, *body);
  if (!request.ok()) return res.SetError(request.status());
  auto plan = registry::PlanEvent(ctx.store, *request);
  if (!plan.ok()) return res.SetError(plan.status());
  ctx.Audit(call, "plan", "event", code,
            {{"filled", plan->filled},
             {"seats", plan->seats},
             {"objective", plan->objective},
             {"pinned", request->pinned.size()},
             {"excluded", request->excluded.size()}});
  res.SetJson(Dump(PlanJson(*plan)));
}

void ApplyRoster(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto body = ParseJsonObject(call.request.body);
  if (!body.ok()) return res.SetError(body.status());
  if (Status s = OnlyKeys(*body, {"roster", "reserve"}, ""); !s.ok()) return res.SetError(s);
  auto roster = Placements(*body, "roster");
  if (!roster.ok()) return res.SetError(roster.status());
  auto reserve = Placements(*body, "reserve");
  if (!reserve.ok()) return res.SetError(reserve.status());
  auto applied =
      ctx.cohorts->ApplyRoster(call.request.PathParam("code"), *roster, *reserve, ctx.Who(call));
  if (!applied.ok()) return res.SetError(applied.status());
  ctx.Wrote();
  res.SetJson(Dump({{"invited", applied->invited},
                    {"waitlisted", applied->waitlisted},
                    {"skipped", applied->skipped}}));
}

void ListEnrolments(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto list = ctx.cohorts->ListEnrolments(call.request.PathParam("code"));
  if (!list.ok()) return res.SetError(list.status());
  Json items = Json::array();
  for (const auto& e : *list) {
    auto sees = ctx.Sees(*call.caller, e.person_id);
    if (!sees.ok()) return res.SetError(sees.status());
    if (*sees) items.push_back(EnrolmentJson(e));
  }
  res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}));
}

// The "move" action: a waitlisted person to another rank of the class's list.
void MoveOnWaitlist(Context& ctx, const ApiCall& call, const Json& body, HttpResponse& res) {
  auto id = Text(body, "id", true);
  if (!id.ok()) return res.SetError(id.status());
  for (const char* key : {"class", "allow_retrained", "ahead_of_waitlist"}) {
    if (body.contains(key)) return res.SetError(BadField(key, "调整候补名次时不用此字段"));
  }
  auto rank_it = body.find("rank");
  if (rank_it == body.end() || !rank_it->is_number_integer()) {
    return res.SetError(BadField("rank", "应为候补名次（从 1 起的整数）"));
  }
  const int64_t rank = rank_it->get<int64_t>();
  if (rank < 1 || rank > 100000) return res.SetError(BadField("rank", "应为从 1 起的整数"));
  const int64_t version = IfMatchVersion(call.request);
  if (version < 0) return res.SetError(BadField("If-Match", "应为读取时得到的 ETag，如 \"v3\""));
  auto moved = ctx.cohorts->MoveOnWaitlist(call.request.PathParam("code"), *id,
                                           static_cast<int>(rank), version, ctx.Who(call));
  if (!moved.ok()) return res.SetError(moved.status());
  ctx.Wrote();
  res.SetHeader("ETag", "\"v" + std::to_string(moved->version) + "\"");
  res.SetJson(Dump({{"enrolment", EnrolmentJson(*moved)}, {"promoted", nullptr}}));
}

void Act(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto body = ParseJsonObject(call.request.body);
  if (!body.ok()) return res.SetError(body.status());
  if (Status s = OnlyKeys(
          *body, {"id", "action", "class", "allow_retrained", "ahead_of_waitlist", "rank"}, "");
      !s.ok())
    return res.SetError(s);
  auto id = Text(*body, "id", true);
  auto action_name = Text(*body, "action", true);
  if (action_name.ok() && *action_name == "move") return MoveOnWaitlist(ctx, call, *body, res);
  auto cls = Text(*body, "class", false);
  auto allow = Bool(*body, "allow_retrained", false);
  auto ahead = Bool(*body, "ahead_of_waitlist", false);
  for (const Status* s :
       {&id.status(), &action_name.status(), &cls.status(), &allow.status(), &ahead.status()}) {
    if (!s->ok()) return res.SetError(*s);
  }
  auto action = registry::ParseAction(*action_name);
  if (!action) {
    return res.SetError(BadField(
        "action", "只能是 invite、waitlist、confirm、decline、remove、attend、absent 或 move"));
  }
  const int64_t version = IfMatchVersion(call.request);
  if (version < 0) return res.SetError(BadField("If-Match", "应为读取时得到的 ETag，如 \"v3\""));
  registry::ActionOptions options;
  options.class_name = *cls;
  options.expected_version = version;
  options.allow_retrained = *allow;
  options.ahead_of_waitlist = *ahead;
  auto done =
      ctx.cohorts->Act(call.request.PathParam("code"), *id, *action, options, ctx.Who(call));
  if (!done.ok()) return res.SetError(done.status());
  ctx.Wrote();
  res.SetHeader("ETag", "\"v" + std::to_string(done->enrolment.version) + "\"");
  res.SetJson(
      Dump({{"enrolment", EnrolmentJson(done->enrolment)},
            {"promoted", done->promoted ? EnrolmentJson(*done->promoted) : Json(nullptr)}}));
}

void GetAvailability(Context& ctx, const ApiCall& call, HttpResponse& res) {
  const std::string id = call.request.PathParam("id");
  auto sees = ctx.Sees(*call.caller, id);
  if (!sees.ok()) return res.SetError(sees.status());
  if (!*sees) return res.SetError(NotFound("没有这个编号的人员（或不在令牌的范围内）"));
  auto a = ctx.cohorts->GetAvailability(call.request.PathParam("code"), id);
  if (!a.ok()) return res.SetError(a.status());
  res.SetJson(Dump({{"id", id},
                    {"available", a->available ? Json(*a->available) : Json(nullptr)},
                    {"source", TextOrNull(a->source)}}));
}

void PutAvailability(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto body = ParseJsonObject(call.request.body);
  if (!body.ok()) return res.SetError(body.status());
  if (Status s = OnlyKeys(*body, {"available"}, ""); !s.ok()) return res.SetError(s);
  auto it = body->find("available");
  if (it == body->end() || !(it->is_boolean() || it->is_null())) {
    return res.SetError(BadField("available", "应为 true、false，或 null（撤销工作人员的设置）"));
  }
  const std::string code = call.request.PathParam("code");
  const std::string id = call.request.PathParam("id");
  Status s = it->is_null() ? ctx.cohorts->ClearAvailability(code, id, ctx.Who(call))
                           : ctx.cohorts->SetAvailability(code, id, it->get<bool>(), ctx.Who(call));
  if (!s.ok()) return res.SetError(s);
  GetAvailability(ctx, call, res);
}

void DeleteAvailability(Context& ctx, const ApiCall& call, HttpResponse& res) {
  Status s = ctx.cohorts->ClearAvailability(call.request.PathParam("code"),
                                            call.request.PathParam("id"), ctx.Who(call));
  if (!s.ok()) return res.SetError(s);
  GetAvailability(ctx, call, res);
}

void ExportSheet(Context& ctx, const ApiCall& call, HttpResponse& res) {
  const Caller& caller = *call.caller;
  registry::RosterExportOptions options;
  const std::string sheet = call.request.Query("sheet").value_or("roster");
  if (sheet == "signin") {
    options.sheet = registry::RosterSheet::kSignIn;
  } else if (sheet != "roster") {
    return res.SetError(BadField("sheet", "只能是 roster（名单）或 signin（签到表）"));
  }
  // states=confirmed or states=invited,confirmed (or repeated); default: the seat holders.
  for (const std::string& list : call.request.QueryAll("states")) {
    std::size_t from = 0;
    while (from <= list.size()) {
      std::size_t comma = std::min(list.find(',', from), list.size());
      const std::string name = list.substr(from, comma - from);
      auto state = registry::ParseState(name);
      if (!state) {
        return res.SetError(BadField(
            "states", "不认识的状态「" + name +
                          "」：可选 invited、confirmed、waitlisted、declined、removed、attended、"
                          "absent，以逗号分隔"));
      }
      if (std::find(options.states.begin(), options.states.end(), *state) == options.states.end())
        options.states.push_back(*state);
      from = comma + 1;
    }
  }
  for (const std::string& v : call.request.QueryAll("reveal")) {
    if (v != "phone") return res.SetError(BadField("reveal", "只能是 phone"));
    if (caller.role != Role::kStaff) {
      return res.SetError(
          FieldStatus(StatusCode::kPermissionDenied, "手机", "只有工作人员令牌可导出完整号码"));
    }
    options.reveal_phone = true;
  }
  options.show_ethnic_group = caller.SeesSensitiveAttributes();
  if (caller.role == Role::kProvince) options.province = caller.province;
  const std::string code = call.request.PathParam("code");
  auto bytes = ctx.cohorts->ExportRosterXlsx(code, options);
  if (!bytes.ok()) return res.SetError(bytes.status());
  ctx.Audit(call, "export", "event", code,
            {{"sheet", sheet},
             {"reveal", options.reveal_phone ? Json::array({"phone"}) : Json::array()},
             {"province", TextOrNull(options.province)}});
  res.status = 200;
  res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  res.SetHeader("Content-Disposition", "attachment; filename=\"" + code + "-" + sheet + ".xlsx\"");
  res.SetHeader("Cache-Control", "no-store");
  res.body = std::move(*bytes);
}

void PersonTrainings(Context& ctx, const ApiCall& call, HttpResponse& res) {
  const std::string id = call.request.PathParam("id");
  auto sees = ctx.Sees(*call.caller, id);
  if (!sees.ok()) return res.SetError(sees.status());
  if (!*sees) return res.SetError(NotFound("没有这个编号的人员（或不在令牌的范围内）"));
  auto history = ctx.cohorts->PersonHistory(id);
  if (!history.ok()) return res.SetError(history.status());
  Json items = Json::array();
  for (const auto& e : *history) {
    Json item = EnrolmentJson(e);
    Json steps = Json::array();
    for (const registry::EnrolmentStep& s : e.steps) {
      auto label = [](const std::string& state) -> Json {
        auto parsed = registry::ParseState(state);
        return parsed ? Json(registry::StateLabel(*parsed)) : Json(nullptr);
      };
      steps.push_back({{"from", TextOrNull(s.from)},
                       {"to", s.to},
                       {"from_label", label(s.from)},
                       {"to_label", label(s.to)},
                       {"by", TextOrNull(s.actor)},
                       {"by_name", TextOrNull(s.actor_name)},
                       {"at", s.at}});
    }
    item["steps"] = std::move(steps);
    items.push_back(std::move(item));
  }
  res.SetJson(Dump({{"id", id}, {"items", std::move(items)}}));
}

}  // namespace

Status AddCohortRoutes(registry::Store& store, const CohortRouteOptions& options,
                       std::vector<RouteSpec>* routes) {
  TP_ASSIGN_OR_RETURN(auto cohorts, registry::Cohorts::Open(store, registry::DataDir()));
  TP_ASSIGN_OR_RETURN(auto queries, registry::ApiQueries::Open(store));
  auto ctx = std::make_shared<Context>(store, std::move(cohorts), std::move(queries), options);
  cohort_routes::AttendanceRouteOptions attendance;
  attendance.cohorts = std::shared_ptr<registry::Cohorts>(ctx, ctx->cohorts.get());
  attendance.after_write = options.after_write;
  attendance.upload_gate = options.upload_gate;
  attendance.max_upload_bytes = options.max_upload_bytes;
  auto bind = [ctx](Handler h) {
    return [ctx, h](const ApiCall& call, HttpResponse& res) { h(*ctx, call, res); };
  };
  const RouteParam code{"code", "path", "string", "活动代码，如 2025-seminar", true};
  const RouteParam person{"id", "path", "string", "人员编号（P 加 7 位数字）", true};
  const std::size_t body = options.max_json_body_bytes;
  const std::string tag = "培训";
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/events",
                     .operation_id = "listEvents",
                     .roles = kStaffRoles,
                     .summary = "培训活动列表（含班次、已占名额与候补人数）",
                     .tag = tag,
                     .response_schema = "EventList",
                     .handler = bind(&ListEvents)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/events",
                     .operation_id = "createEvent",
                     .roles = kStaffOnly,
                     .summary = "新建培训活动及其班次（各班次名额之和须等于活动名额）",
                     .tag = tag,
                     .request_schema = "EventInput",
                     .response_schema = "Event",
                     .statuses = {201, 400, 409},
                     .max_body_bytes = 64 * 1024,
                     .handler = bind(&CreateEvent)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/events/{code}",
                     .operation_id = "getEvent",
                     .roles = kStaffRoles,
                     .summary = "读取一个培训活动",
                     .tag = tag,
                     .params = {code},
                     .response_schema = "Event",
                     .statuses = {404},
                     .handler = bind(&GetEvent)});
  routes->push_back({.method = "PATCH",
                     .pattern = "/api/v1/events/{code}",
                     .operation_id = "updateEvent",
                     .roles = kStaffOnly,
                     .summary =
                         "修改活动的名称、日期、地点、来源和班次（增删、改名、层次、名额；"
                         "名额不能少于已占名额，有报名记录的班次不能删除），或只改一个班次的名额",
                     .tag = tag,
                     .params = {code},
                     .request_schema = "EventPatch",
                     .response_schema = "Event",
                     .statuses = {400, 404, 422},
                     .max_body_bytes = 64 * 1024,
                     .handler = bind(&PatchEvent)});
  routes->push_back(
      {.method = "POST",
       .pattern = "/api/v1/events/{code}/plan",
       .operation_id = "planEvent",
       .roles = kStaffOnly,
       .summary = "排出建议名单：硬性条件、加权目标、锁定与排除；每行说明理由（不写入）",
       .tag = tag,
       .params = {code},
       .request_schema = "PlanInput",
       .response_schema = "Plan",
       .statuses = {400, 404, 422, 503},
       .max_body_bytes = body,
       .handler = bind(&Plan)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/events/{code}/roster",
                     .operation_id = "applyRoster",
                     .roles = kStaffOnly,
                     .summary = "按确认的名单发出邀请，候补名单依次排队（一次事务）",
                     .tag = tag,
                     .params = {code},
                     .request_schema = "RosterInput",
                     .response_schema = "RosterApplied",
                     .statuses = {400, 404, 422},
                     .max_body_bytes = body,
                     .handler = bind(&ApplyRoster)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/events/{code}/enrolments",
                     .operation_id = "listEnrolments",
                     .roles = kStaffRoles,
                     .summary = "活动的报名情况（省级令牌只见本省人员）",
                     .tag = tag,
                     .params = {code},
                     .response_schema = "EnrolmentList",
                     .statuses = {404},
                     .handler = bind(&ListEnrolments)});
  routes->push_back(
      {.method = "POST",
       .pattern = "/api/v1/events/{code}/enrolments",
       .operation_id = "changeEnrolment",
       .roles = kStaffOnly,
       .summary = "邀请、候补、确认、谢绝、移出、记为参加或缺席、调整候补名次（move + rank）；"
                  "名额空出时候补第一位自动递补",
       .tag = tag,
       .params = {code, {"If-Match", "header", "string", "报名记录的 ETag（可选）", false}},
       .request_schema = "EnrolmentAction",
       .response_schema = "EnrolmentChange",
       .statuses = {400, 404, 412, 422},
       .max_body_bytes = 64 * 1024,
       .handler = bind(&Act)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/events/{code}/availability/{id}",
                     .operation_id = "getAvailability",
                     .roles = kStaffRoles,
                     .summary = "可否参加（工作人员设置优先，其次单位报送）",
                     .tag = tag,
                     .params = {code, person},
                     .response_schema = "Availability",
                     .statuses = {404},
                     .handler = bind(&GetAvailability)});
  routes->push_back({.method = "PUT",
                     .pattern = "/api/v1/events/{code}/availability/{id}",
                     .operation_id = "setAvailability",
                     .roles = kStaffOnly,
                     .summary = "设置可否参加（null 撤销工作人员的设置，回到单位报送）",
                     .tag = tag,
                     .params = {code, person},
                     .request_schema = "AvailabilityInput",
                     .response_schema = "Availability",
                     .statuses = {400, 404},
                     .max_body_bytes = 64 * 1024,
                     .handler = bind(&PutAvailability)});
  routes->push_back({.method = "DELETE",
                     .pattern = "/api/v1/events/{code}/availability/{id}",
                     .operation_id = "clearAvailability",
                     .roles = kStaffOnly,
                     .summary = "撤销工作人员对可否参加的设置（回到单位报送；没有设置时 404）",
                     .tag = tag,
                     .params = {code, person},
                     .response_schema = "Availability",
                     .statuses = {400, 404},
                     .handler = bind(&DeleteAvailability)});
  routes->push_back(
      {.method = "GET",
       .pattern = "/api/v1/events/{code}/roster.xlsx",
       .operation_id = "exportRoster",
       .roles = kStaffRoles,
       .summary = "导出名单或签到表（XLSX；手机默认遮盖，工作人员可 reveal=phone，记入审计日志）",
       .tag = tag,
       .params = {code,
                  {"sheet",
                   "query",
                   "string",
                   "roster（名单，默认）或 signin（签到表）",
                   false,
                   {"roster", "signin"}},
                  {"states", "query", "string",
                   "列出的状态，逗号分隔，如 confirmed 或 invited,confirmed（默认占名额的：已邀请、"
                   "已确认、已参加、缺席）",
                   false, cohort_routes::AllStateNames(), true},
                  {"reveal", "query", "string", "phone（仅 staff）", false, {"phone"}}},
       .response_schema = "Xlsx",
       .statuses = {400, 404},
       .handler = bind(&ExportSheet)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/persons/{id}/trainings",
                     .operation_id = "listPersonTrainings",
                     .roles = kAllRoles,
                     .summary = "一位人员的培训记录（按令牌范围）",
                     .tag = tag,
                     .params = {person},
                     .response_schema = "TrainingHistory",
                     .statuses = {404},
                     .handler = bind(&PersonTrainings)});
  cohort_routes::AddAttendanceRoutes(attendance, routes);
  return Status::Ok();
}

}  // namespace tp::api
