// GET /api/v1/calendar/workdays: the last day of a period of N working days on the Chinese
// working-day calendar (registry/fields/workdays.h), as a 公示 of 5 working days needs it.
#pragma once

#include <vector>

#include "api/api_service.h"
#include "registry/base/status.h"

namespace tp::api {

// Appends the route to `routes`. Fails when data/workdays.tsv cannot be read.
Status AddCalendarRoutes(std::vector<RouteSpec>* routes);

// The components/schemas entries the route names, as a JSON object's text.
std::string CalendarOpenApiSchemas();

}  // namespace tp::api
