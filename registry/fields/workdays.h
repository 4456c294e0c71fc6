// The Chinese working-day calendar (data/workdays.tsv): Monday to Friday work and the weekend
// rests, except the public holidays and the weekend days worked in their stead (调休) that the
// State Council's General Office announces for each year. A 公示 of N working days ends on the
// N-th working day counted from its first day ([002]: 公示5个工作日). Only the years the table
// lists are known: a date of another year is an error naming the years there are, never a guess.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "registry/base/status.h"
#include "registry/fields/dates.h"

namespace tp::registry {

// The date `days` days after `date` (a whole date).
PartialDate AddDays(const PartialDate& date, int days);

class WorkdayCalendar {
 public:
  // Reads data_dir/workdays.tsv; InvalidArgument naming the file and line of a bad line.
  static StatusOr<WorkdayCalendar> Load(const std::string& data_dir);

  // Whether `date` (a whole date) is a working day.
  StatusOr<bool> IsWorkday(const PartialDate& date) const;

  // The first `days` working days from `from` on, `from` itself first when it is one.
  // InvalidArgument for days outside 1..366, or when the count runs into a year not listed.
  StatusOr<std::vector<PartialDate>> Workdays(const PartialDate& from, int days) const;

  // What the table says of a date that is not an ordinary weekday or weekend day: 国庆节,
  // 国庆节调休上班; empty otherwise.
  std::string NoteOf(const PartialDate& date) const;

  const std::set<int>& Years() const { return years_; }

 private:
  std::set<int> years_;
  std::map<PartialDate, std::pair<bool, std::string>> exceptions_;  // date -> (works, what)
};

}  // namespace tp::registry
