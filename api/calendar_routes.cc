// The working-day calendar over HTTP (calendar_routes.h).
#include "api/calendar_routes.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "api/route_helpers.h"
#include "registry/base/paths.h"
#include "registry/fields/workdays.h"

namespace tp::api {
namespace {

using Json = nlohmann::json;

void Workdays(const registry::WorkdayCalendar& calendar, const ApiCall& call, HttpResponse& res) {
  const std::string from_text = call.request.Query("from").value_or("");
  auto from = registry::ParseDate(from_text, registry::PartialDate{9999, 12, 31});
  if (from_text.size() != 10 || !from.ok() || from->day == 0) {
    return res.SetError(BadField("from", "应为 YYYY-MM-DD"));
  }
  const std::string days_text = call.request.Query("days").value_or("");
  if (days_text.empty() || days_text.size() > 3 ||
      days_text.find_first_not_of("0123456789") != std::string::npos) {
    return res.SetError(BadField("days", "应为 1 到 366 之间的整数"));
  }
  auto workdays = calendar.Workdays(*from, std::stoi(days_text));
  if (!workdays.ok()) {
    const std::string field =
        workdays.status().message().find("工作日数") != std::string::npos ? "days" : "from";
    return res.SetError(BadField(field, workdays.status().message()));
  }
  Json counted = Json::array();
  for (const registry::PartialDate& w : *workdays) counted.push_back(w.ToString());
  // The rest days inside the period (every date between two counted days), with what made them
  // rest days: a weekend, or the holiday the table names.
  Json skipped = Json::array();
  for (std::size_t i = 1; i < workdays->size(); ++i) {
    const registry::PartialDate& a = (*workdays)[i - 1];
    const registry::PartialDate& b = (*workdays)[i];
    auto calendar_day = registry::AddDays(a, 1);
    while (calendar_day < b) {
      const std::string note = calendar.NoteOf(calendar_day);
      skipped.push_back(
          {{"date", calendar_day.ToString()}, {"why", note.empty() ? std::string("周末") : note}});
      calendar_day = registry::AddDays(calendar_day, 1);
    }
  }
  res.SetJson(Dump({{"from", from->ToString()},
                    {"days", workdays->size()},
                    {"first_day", workdays->front().ToString()},
                    {"last_day", workdays->back().ToString()},
                    {"workdays", std::move(counted)},
                    {"rest_days", std::move(skipped)},
                    {"note", TextOrNull(calendar.NoteOf(workdays->back()))}}));
}

}  // namespace

Status AddCalendarRoutes(std::vector<RouteSpec>* routes) {
  TP_ASSIGN_OR_RETURN(auto loaded, registry::WorkdayCalendar::Load(registry::DataDir()));
  auto calendar = std::make_shared<registry::WorkdayCalendar>(std::move(loaded));
  routes->push_back(
      {.method = "GET",
       .pattern = "/api/v1/calendar/workdays",
       .operation_id = "countWorkdays",
       .roles = kAllRoles,
       .summary = "按国务院办公厅的放假安排数工作日：从 from 起（当天是工作日即算第一天）第 days 个"
                  "工作日为 last_day，如公示 5 个工作日；日历里没有的年份报错",
       .tag = "日历",
       .params = {{"from", "query", "string", "起始日期 YYYY-MM-DD", true},
                  {"days", "query", "integer", "工作日数（1 到 366）", true}},
       .response_schema = "Workdays",
       .statuses = {400},
       .handler = [calendar](const ApiCall& call, HttpResponse& res) {
         Workdays(*calendar, call, res);
       }});
  return Status::Ok();
}

std::string CalendarOpenApiSchemas() {
  return R"json({
  "Workdays": {"type": "object", "required": ["from", "days", "first_day", "last_day", "workdays", "rest_days"],
    "properties": {"from": {"type": "string"}, "days": {"type": "integer"},
      "first_day": {"type": "string"}, "last_day": {"type": "string"},
      "workdays": {"type": "array", "items": {"type": "string"}},
      "rest_days": {"type": "array", "description": "期间跳过的休息日及原因（周末、国庆节……）",
        "items": {"type": "object", "properties": {"date": {"type": "string"}, "why": {"type": "string"}}}},
      "note": {"type": "string", "nullable": true, "description": "最后一天若是调休上班日，注明"}}}
})json";
}

}  // namespace tp::api
