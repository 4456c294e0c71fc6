// The working-day calendar (workdays.h).
#include "registry/fields/workdays.h"

#include <chrono>
#include <fstream>

namespace tp::registry {
namespace {

namespace chr = std::chrono;

chr::sys_days DaysOf(const PartialDate& d) {
  return chr::sys_days(chr::year_month_day(chr::year(d.year),
                                           chr::month(static_cast<unsigned>(d.month)),
                                           chr::day(static_cast<unsigned>(d.day))));
}

PartialDate DateOf(chr::sys_days days) {
  const chr::year_month_day ymd(days);
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

std::string YearsText(const std::set<int>& years) {
  std::string text;
  for (int y : years) text += (text.empty() ? "" : "、") + std::to_string(y) + "年";
  return text;
}

}  // namespace

PartialDate AddDays(const PartialDate& date, int days) {
  return DateOf(DaysOf(date) + chr::days(days));
}

StatusOr<WorkdayCalendar> WorkdayCalendar::Load(const std::string& data_dir) {
  const std::string file = data_dir + "/workdays.tsv";
  std::ifstream in(file);
  if (!in) return NotFound("无法读取数据文件「" + file + "」");
  WorkdayCalendar calendar;
  std::string line;
  long number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const std::string& why) {
      return InvalidArgument("数据文件「" + file + "」第" + std::to_string(number) + "行：" + why);
    };
    const std::size_t tab1 = line.find('\t');
    const std::size_t tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos) return bad("应有三列，以制表符分隔");
    const std::string date = line.substr(0, tab1);
    const std::string kind = line.substr(tab1 + 1, tab2 - tab1 - 1);
    const std::string what = line.substr(tab2 + 1);
    if (kind == "year") {
      if (date.size() != 4 || date.find_first_not_of("0123456789") != std::string::npos)
        return bad("year 行的第一列应为四位年份");
      calendar.years_.insert(std::stoi(date));
      continue;
    }
    if (kind != "holiday" && kind != "workday") return bad("第二列应为 holiday、workday 或 year");
    auto parsed = ParseDate(date, PartialDate{9999, 12, 31});
    if (!parsed.ok() || parsed->day == 0 || date.size() != 10) return bad("日期应写作 YYYY-MM-DD");
    if (!calendar.years_.contains(parsed->year)) return bad("日期所在的年份没有先用 year 行列出");
    const unsigned weekday = chr::weekday(DaysOf(*parsed)).c_encoding();  // 0 Sunday … 6 Saturday
    const bool weekend = weekday == 0 || weekday == 6;
    if (kind == "workday" && !weekend) return bad(date + " 是工作日，调休上班只在周末");
    if (!calendar.exceptions_.emplace(*parsed, std::make_pair(kind == "workday", what)).second)
      return bad(date + " 重复");
  }
  if (calendar.years_.empty()) return InvalidArgument("数据文件「" + file + "」没有列出任何年份");
  return calendar;
}

StatusOr<bool> WorkdayCalendar::IsWorkday(const PartialDate& date) const {
  if (date.day == 0 || !IsValidDate(date.year, date.month, date.day))
    return InvalidArgument("日期应为 YYYY-MM-DD");
  if (!years_.contains(date.year)) {
    return InvalidArgument(std::to_string(date.year) + "年的放假安排不在工作日历中（已有：" +
                           YearsText(years_) + "）");
  }
  auto it = exceptions_.find(date);
  if (it != exceptions_.end()) return it->second.first;
  const unsigned weekday = chr::weekday(DaysOf(date)).c_encoding();
  return weekday != 0 && weekday != 6;
}

StatusOr<std::vector<PartialDate>> WorkdayCalendar::Workdays(const PartialDate& from,
                                                             int days) const {
  if (days < 1 || days > 366) return InvalidArgument("工作日数应在 1 到 366 之间");
  if (from.day == 0 || !IsValidDate(from.year, from.month, from.day))
    return InvalidArgument("起始日期应为 YYYY-MM-DD");
  std::vector<PartialDate> out;
  for (chr::sys_days day = DaysOf(from); static_cast<int>(out.size()) < days; day += chr::days(1)) {
    const PartialDate date = DateOf(day);
    TP_ASSIGN_OR_RETURN(bool works, IsWorkday(date));
    if (works) out.push_back(date);
  }
  return out;
}

std::string WorkdayCalendar::NoteOf(const PartialDate& date) const {
  auto it = exceptions_.find(date);
  return it == exceptions_.end() ? std::string() : it->second.second;
}

}  // namespace tp::registry
