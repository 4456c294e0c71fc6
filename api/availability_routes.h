// The HTTP routes by which units report 可否参加 for their admitted people
// (registry/cohorts/unit_availability.h): the list with each asking event's
// answer, one answer, and a sheet upload. A unit reaches its own people, a
// province its province's, staff everyone (or one unit's with ?unit=). Every
// write is audited by the registry with the caller.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "api/api_service.h"
#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::api {

struct AvailabilityRouteOptions {
  std::function<void()> after_write;  // the search index shows the new answers at once
  std::size_t max_upload_bytes = 16 << 20;
};

// Appends the routes to `routes`. The store must outlive them.
void AddAvailabilityRoutes(registry::Store& store, const AvailabilityRouteOptions& options,
                           std::vector<RouteSpec>* routes);

// The components/schemas entries the routes name, as a JSON object.
std::string AvailabilityOpenApiSchemas();

}  // namespace tp::api
