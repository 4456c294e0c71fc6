#include "api/auth.h"

namespace tp::api {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kStaff: return "staff";
    case Role::kProvince: return "province";
    case Role::kUnit: return "unit";
  }
  return "unit";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : kEveryRole)
    if (RoleName(r) == name) return r;
  return std::nullopt;
}

std::string Caller::Actor() const { return "token:" + std::to_string(token_id); }

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

StatusOr<Caller> CallerFromToken(const registry::TokenInfo& token) {
  std::optional<Role> role = ParseRole(token.role);
  if (!role) return PermissionDenied("令牌的角色「" + token.role + "」未知，已拒绝");
  Caller c;
  c.token_id = token.id;
  c.role = *role;
  c.label = token.label;
  if (c.role == Role::kUnit) {
    if (token.unit_rowid <= 0) return PermissionDenied("单位令牌未绑定单位，已拒绝");
    c.unit_code = token.unit_code;
    c.unit_rowid = token.unit_rowid;
  }
  if (c.role == Role::kProvince) {
    if (token.province.size() != 2) return PermissionDenied("省级令牌未绑定省份，已拒绝");
    c.province = token.province;
  }
  return c;
}

}  // namespace tp::api
