#include "api/auth.h"

namespace tp::api {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kStaff: return "staff";
    case Role::kProvince: return "province";
    case Role::kUnit: return "unit";
    case Role::kExpert: return "expert";
  }
  return "unit";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : kEveryRole)
    if (RoleName(r) == name) return r;
  return std::nullopt;
}

std::string Caller::Actor() const {
  if (session) return registry::AccountActor(username);
  std::string actor = "token:" + std::to_string(token_id);
  if (!username.empty()) actor += "@" + username;
  return actor;
}

registry::AuditEntry Caller::Who(const std::string& remote_addr) const {
  registry::AuditEntry e;
  e.actor = Actor();
  e.actor_name = display_name;
  e.role = std::string(RoleName(role));
  e.remote_addr = remote_addr;
  return e;
}

registry::PersonScope Caller::Scope() const {
  registry::PersonScope scope;
  switch (role) {
    case Role::kStaff: scope.kind = registry::PersonScope::Kind::kAll; break;
    case Role::kProvince:
      scope.kind = registry::PersonScope::Kind::kProvince;
      scope.province = province;
      break;
    case Role::kUnit:
      scope.kind = registry::PersonScope::Kind::kUnit;
      scope.unit_rowid = unit_rowid;
      break;
    case Role::kExpert:
      // No unit has rowid 0: an expert's scope holds nobody; candidates reach them through
      // their review rounds only.
      scope.kind = registry::PersonScope::Kind::kUnit;
      scope.unit_rowid = 0;
      break;
  }
  return scope;
}

std::optional<std::string> BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return std::nullopt;
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  // Our tokens are URL-safe base64 with a prefix; anything else is not one.
  if (token.empty() || token.size() > 128) return std::nullopt;
  for (char c : token) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return std::nullopt;
  }
  return std::string(token);
}

namespace {

// A caller of `role_name` with its scope; `what` names the credential in refusals.
StatusOr<Caller> ScopedCaller(const std::string& role_name, const std::string& unit_code,
                              int64_t unit_rowid, const std::string& province,
                              const std::string& what) {
  std::optional<Role> role = ParseRole(role_name);
  if (!role) return PermissionDenied(what + "的角色「" + role_name + "」未知，已拒绝");
  Caller c;
  c.role = *role;
  if (c.role == Role::kUnit) {
    if (unit_rowid <= 0) return PermissionDenied(what + "未绑定单位，已拒绝");
    c.unit_code = unit_code;
    c.unit_rowid = unit_rowid;
  }
  if (c.role == Role::kProvince) {
    if (province.size() != 2) return PermissionDenied(what + "未绑定省份，已拒绝");
    c.province = province;
  }
  return c;
}

}  // namespace

StatusOr<Caller> CallerFromToken(const registry::TokenInfo& token) {
  TP_ASSIGN_OR_RETURN(Caller c, ScopedCaller(token.role, token.unit_code, token.unit_rowid,
                                             token.province, "令牌"));
  c.token_id = token.id;
  c.label = token.label;
  c.account_id = token.account_id;
  c.username = token.account_username;
  c.display_name = token.account_display_name;
  return c;
}

StatusOr<Caller> CallerFromSession(const registry::Session& session) {
  const registry::Account& a = session.account;
  TP_ASSIGN_OR_RETURN(Caller c, ScopedCaller(a.role, a.unit_code, a.unit_rowid,
                                             a.role == "province" ? a.province : "", "账户"));
  c.account_id = a.id;
  c.username = a.username;
  c.display_name = a.display_name;
  c.label = a.display_name;
  c.session = session;
  return c;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
  }
  return {};
}

bool SameOrigin(std::string_view origin_or_referer, std::string_view host) {
  std::string_view v = origin_or_referer;
  const size_t scheme = v.find("://");
  if (scheme == std::string_view::npos || host.empty()) return false;
  v.remove_prefix(scheme + 3);
  const size_t end = v.find_first_of("/?#");
  std::string_view authority = v.substr(0, end);
  if (authority.find('@') != std::string_view::npos) return false;
  if (authority.size() != host.size()) return false;
  for (size_t i = 0; i < host.size(); ++i) {
    char a = authority[i], b = host[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

}  // namespace tp::api
