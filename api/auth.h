// Who is calling: the roles of CONTRACT.md and the caller a Bearer token
// stands for. A token carries one role — staff (CAST: everything), province
// (a provincial association: its province's units and people) or unit (one
// recommending unit: the people it recommended). Anything else is denied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "registry/base/status.h"
#include "registry/store/store.h"
#include "registry/store/store_api_queries.h"

namespace tp::api {

enum class Role : uint8_t { kStaff = 1, kProvince = 2, kUnit = 4 };

// A set of roles, for route declarations.
using RoleSet = uint8_t;
inline constexpr RoleSet kNoRoles = 0;
inline constexpr RoleSet kStaffOnly = static_cast<RoleSet>(Role::kStaff);
inline constexpr RoleSet kStaffRoles =
    static_cast<RoleSet>(Role::kStaff) | static_cast<RoleSet>(Role::kProvince);
inline constexpr RoleSet kAllRoles = kStaffRoles | static_cast<RoleSet>(Role::kUnit);
inline constexpr Role kEveryRole[] = {Role::kStaff, Role::kProvince, Role::kUnit};

inline bool Allows(RoleSet set, Role role) { return (set & static_cast<RoleSet>(role)) != 0; }

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct Caller {
  int64_t token_id = 0;
  Role role = Role::kUnit;
  std::string unit_code;  // role unit
  int64_t unit_rowid = 0;
  std::string province;  // role province: two digits
  std::string label;

  // "token:12": how the audit and request logs name the caller.
  std::string Actor() const;
  // Whose records the caller may see.
  registry::PersonScope Scope() const;
  // 民族 and 政治面貌 are for CAST and provincial staff only (PIPL).
  bool SeesSensitiveAttributes() const { return role != Role::kUnit; }
};

// The token of an "Authorization: Bearer TOKEN" value; nullopt when the
// value is missing, of another scheme or malformed.
std::optional<std::string> BearerToken(std::string_view authorization);

// The caller of a stored token. PermissionDenied for a token whose role or
// scope is incomplete (a unit token without a unit), so it can do nothing.
StatusOr<Caller> CallerFromToken(const registry::TokenInfo& token);

}  // namespace tp::api
