// The registry's numbered schema migrations (see migrations.cc). Element i
// takes the database from PRAGMA user_version i to i+1.
#pragma once

#include <span>

namespace tp::registry {

std::span<const char* const> Migrations();

}  // namespace tp::registry
