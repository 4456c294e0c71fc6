// The routes of nominees' own forms (docs/accounts.md): a unit's invitations in a round, and the
// nominee's page, which calls with the link's secret in header X-Invitation and no account.
#pragma once

#include <memory>
#include <vector>

#include "api/api_service.h"
#include "registry/rounds/invitations.h"

namespace tp::api {

// `keep` holds what the invitations use (the rounds and their workflow) alive with the routes.
void AddInvitationRoutes(registry::Store& store, std::shared_ptr<registry::Invitations> invitations,
                         std::shared_ptr<void> keep, std::size_t json_limit,
                         std::function<void()> after_write, std::vector<RouteSpec>* routes);

}  // namespace tp::api
