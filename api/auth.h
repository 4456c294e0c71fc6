// Who is calling: the roles of CONTRACT.md, and the caller a session cookie
// (a person signed in with an account) or a Bearer token (a script) stands
// for. Each carries one role — staff (CAST: everything), province (a
// provincial association: its province's units and people), unit (one
// recommending unit: the people it recommended) or expert (a reviewer of an
// honour campaign: only the candidates of their review rounds, through the
// expert routes). Anything else is denied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "registry/accounts/accounts.h"
#include "registry/base/status.h"
#include "registry/store/store.h"
#include "registry/store/store_api_queries.h"

namespace tp::api {

// The cookie a signed-in browser carries: the session's secret.
inline constexpr std::string_view kSessionCookie = "tp_session";

enum class Role : uint8_t { kStaff = 1, kProvince = 2, kUnit = 4, kExpert = 8 };

// A set of roles, for route declarations.
using RoleSet = uint8_t;
inline constexpr RoleSet kNoRoles = 0;
inline constexpr RoleSet kStaffOnly = static_cast<RoleSet>(Role::kStaff);
inline constexpr RoleSet kStaffRoles =
    static_cast<RoleSet>(Role::kStaff) | static_cast<RoleSet>(Role::kProvince);
// Every role that works with people's records; experts see candidates only through their own
// routes.
inline constexpr RoleSet kAllRoles = kStaffRoles | static_cast<RoleSet>(Role::kUnit);
inline constexpr RoleSet kExpertOnly = static_cast<RoleSet>(Role::kExpert);
// Anyone signed in: their own session, password and who they are.
inline constexpr RoleSet kSignedIn = kAllRoles | kExpertOnly;
inline constexpr Role kEveryRole[] = {Role::kStaff, Role::kProvince, Role::kUnit, Role::kExpert};

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
  // The account behind the call: the one signed in, or the one that made the token (0 for a
  // token made on the command line).
  int64_t account_id = 0;
  std::string username;
  std::string display_name;
  std::optional<registry::Session> session;  // signed in with a cookie

  // How the audit and request logs name the caller: "account:wangfang" for a session,
  // "token:12@wangfang" for a token an account made, "token:12" for one made on the command line.
  std::string Actor() const;
  // An audit entry naming the caller (action and object to be filled in).
  registry::AuditEntry Who(const std::string& remote_addr) const;
  bool MustChangePassword() const { return session && session->account.must_change_password; }
  // Whose records the caller may see.
  registry::PersonScope Scope() const;
  // 民族 and 政治面貌 are for CAST and provincial staff only (PIPL).
  bool SeesSensitiveAttributes() const { return role == Role::kStaff || role == Role::kProvince; }
};

// The token of an "Authorization: Bearer TOKEN" value; nullopt when the
// value is missing, of another scheme or malformed.
std::optional<std::string> BearerToken(std::string_view authorization);

// The caller of a stored token. PermissionDenied for a token whose role or
// scope is incomplete (a unit token without a unit), so it can do nothing.
StatusOr<Caller> CallerFromToken(const registry::TokenInfo& token);
// The caller of a live session.
StatusOr<Caller> CallerFromSession(const registry::Session& session);

// The value of cookie `name` in a Cookie header; empty when absent.
std::string CookieValue(std::string_view header, std::string_view name);
// Whether an Origin or Referer value names the site at `host` (the Host header: name[:port]).
bool SameOrigin(std::string_view origin_or_referer, std::string_view host);

}  // namespace tp::api
