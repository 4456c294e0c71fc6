// Who may take a place in a class, besides its level (人才类别): the class's
// conditions (an age band on the event's start date, from 出生年月) and the
// admission (入库) that must come before the event starts. The planner, the
// invitations and the rosters apply the same checks, so a person the planner
// leaves out is refused by hand as well, with the same words.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/cohorts/cohorts.h"

namespace tp::registry {

// The problems of a class's conditions as field errors (班次); empty when valid.
std::vector<FieldError> ValidateClassConditions(const EventClass& c);

// 「年龄不超过 35 岁」, …: the class's conditions in words; empty when it sets none.
std::string DescribeClassConditions(const EventClass& c);

// Why `name` (born `birth_date`, YYYY-MM-DD or YYYY-MM; empty when unknown)
// fails the conditions of class `c` of an event starting on `starts_on`,
// naming the rule and the person's age then; nullopt when the person meets
// them. An unknown birth date fails an age condition: it cannot be confirmed.
std::optional<std::string> ClassConditionFailure(const EventClass& c, std::string_view starts_on,
                                                 std::string_view name,
                                                 std::string_view birth_date);

// Why `name`, admitted on `admitted_on` (YYYY-MM-DD;
// cohorts_internal.h's kAdmittedOnSql), is no candidate for
// an event starting on `starts_on`; nullopt when admitted on or before it.
std::optional<std::string> AdmittedAfterStart(std::string_view starts_on, std::string_view name,
                                              std::string_view admitted_on);

}  // namespace tp::registry
