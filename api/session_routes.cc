// Signing in and out, changing a password, managing accounts and making tokens for scripts
// (docs/accounts.md). Sign-in is the one public write: its failures are counted per client
// address here and per username by the accounts (registry/accounts/accounts.h).
#include "api/internal/api_service_impl.h"

namespace tp::api {
namespace {

// 429, saying in how many seconds to try again.
void SetLocked(HttpResponse& res, int retry_after, const Status& status) {
  res.SetHeader("Retry-After", std::to_string(retry_after > 0 ? retry_after : 1));
  res.SetError(status);
}

StatusOr<int64_t> AccountIdParam(const HttpRequest& req) {
  const std::string v = req.PathParam("id");
  if (v.empty() || v.size() > 15 || v.find_first_not_of("0123456789") != std::string::npos)
    return BadField("id", "应为账户编号（整数）");
  return std::stoll(v);
}

// The text of `key`, or a 400 naming it when present but not a string.
StatusOr<std::string> StringField(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) return BadField(key, "应为字符串");
  return it->get<std::string>();
}

}  // namespace

std::string ApiService::Impl::CookieAttributes(const HttpRequest& req) const {
  std::string attributes = "; Path=/; HttpOnly; SameSite=Strict";
  // Behind the configured proxy the browser's own connection may be TLS: then the cookie never
  // travels in the clear.
  if (!options.trusted_proxy.empty() && req.remote_addr == options.trusted_proxy &&
      req.Header("X-Forwarded-Proto").value_or("") == "https") {
    attributes += "; Secure";
  }
  return attributes;
}

Json ApiService::Impl::AccountJson(const registry::Account& a) const {
  return {{"id", a.id},
          {"username", a.username},
          {"display_name", a.display_name},
          {"role", a.role},
          {"province", TextOrNull(a.province)},
          {"unit", TextOrNull(a.unit_code)},
          {"unit_name", TextOrNull(a.unit_name)},
          {"organisation", TextOrNull(a.organisation)},
          {"state", a.State(accounts->Now())},
          {"locked_until", TextOrNull(registry::IsoUtc(a.locked_until))},
          {"must_change_password", a.must_change_password},
          {"created_by", a.created_by},
          {"created_at", a.created_at},
          {"last_sign_in_at", TextOrNull(registry::IsoUtc(a.last_sign_in_at))}};
}

Json ApiService::Impl::SessionJson(const Caller& caller) const {
  const registry::Session& s = *caller.session;
  Json scope = Json::object();
  if (caller.role == Role::kProvince) {
    const std::string* name = reference.ProvinceName(caller.province);
    scope["province"] = {{"code", caller.province}, {"name", name != nullptr ? *name : ""}};
  }
  if (caller.role == Role::kUnit) {
    scope["unit"] = {{"code", caller.unit_code}, {"name", s.account.unit_name}};
  }
  return {{"username", caller.username},
          {"display_name", caller.display_name},
          {"role", RoleName(caller.role)},
          {"scope", std::move(scope)},
          {"must_change_password", s.account.must_change_password},
          {"csrf_token", s.csrf_token},
          {"expires_at", registry::IsoUtc(s.expires_at)},
          {"idle_timeout_seconds", accounts->options().idle_seconds}};
}

void ApiService::Impl::AddSessionRoutes() {
  auto bind = [this](void (Impl::*method)(const ApiCall&, HttpResponse&)) { return Bound(method); };
  const std::string tag = "登录与账户";
  routes.push_back({.method = "POST",
                    .pattern = "/api/v1/session",
                    .operation_id = "signIn",
                    .needs_token = false,
                    .summary = "用户名和密码登录：设置会话 Cookie，返回角色、范围和 CSRF "
                               "令牌（用户名或密码错误同样回答 "
                               "401；同一用户名 15 分钟内失败 5 次锁定 15 分钟，429）",
                    .tag = tag,
                    .request_schema = "SignIn",
                    .response_schema = "Session",
                    .statuses = {400, 401, 403, 429},
                    .max_body_bytes = 4096,
                    .handler = bind(&Impl::SignIn)});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/session",
                    .operation_id = "getSession",
                    .roles = kSignedIn,
                    .summary = "当前会话（含 CSRF 令牌）",
                    .tag = tag,
                    .response_schema = "Session",
                    .statuses = {400},
                    .handler = bind(&Impl::GetSession),
                    .before_password_change = true});
  routes.push_back({.method = "DELETE",
                    .pattern = "/api/v1/session",
                    .operation_id = "signOut",
                    .roles = kSignedIn,
                    .summary = "退出登录（会话结束，Cookie 清除）",
                    .tag = tag,
                    .response_schema = "SignedOut",
                    .statuses = {400},
                    .max_body_bytes = 1024,
                    .handler = bind(&Impl::SignOut),
                    .before_password_change = true});
  routes.push_back({.method = "POST",
                    .pattern = "/api/v1/session/password",
                    .operation_id = "changePassword",
                    .roles = kSignedIn,
                    .summary = "修改本人密码（其他会话随之结束）",
                    .tag = tag,
                    .request_schema = "PasswordChange",
                    .response_schema = "PasswordChanged",
                    .statuses = {400},
                    .max_body_bytes = 4096,
                    .handler = bind(&Impl::ChangePassword),
                    .before_password_change = true});
}

void ApiService::Impl::AddAccountRoutes() {
  auto bind = [this](void (Impl::*method)(const ApiCall&, HttpResponse&)) { return Bound(method); };
  const std::string tag = "登录与账户";
  const RouteParam id = {"id", "path", "integer", "账户编号", true};
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/accounts",
                    .operation_id = "listAccounts",
                    .roles = kStaffRoles,
                    .summary = "账户列表（省级账户只列本省推荐单位的账户）",
                    .tag = tag,
                    .response_schema = "AccountList",
                    .handler = bind(&Impl::ListAccounts)});
  routes.push_back(
      {.method = "POST",
       .pattern = "/api/v1/accounts",
       .operation_id = "createAccount",
       .roles = kStaffRoles,
       .summary = "开设账户，返回只显示这一次的初始密码（省级账户只能为本省推荐单位开设）",
       .tag = tag,
       .request_schema = "NewAccount",
       .response_schema = "AccountWithPassword",
       .statuses = {201, 400, 403, 404, 409},
       .max_body_bytes = 4096,
       .handler = bind(&Impl::CreateAccount)});
  for (const char* action : {"disable", "enable", "unlock", "reset"}) {
    const std::string what = action == std::string("disable") ? "停用账户（会话随之结束）"
                             : action == std::string("enable") ? "启用账户"
                             : action == std::string("unlock") ? "解除登录锁定"
                                                               : "重置密码，返回新的初始密码";
    routes.push_back(
        {.method = "POST",
         .pattern = std::string("/api/v1/accounts/{id}/") + action,
         .operation_id = action == std::string("reset") ? std::string("resetAccountPassword")
                                                        : action + std::string("Account"),
         .roles = kStaffRoles,
         .summary = what,
         .tag = tag,
         .params = {id},
         .response_schema = action == std::string("reset") ? "AccountWithPassword" : "Account",
         .statuses = {400, 404},
         .max_body_bytes = 1024,  // none needed; an empty object is fine
         .handler = bind(&Impl::AccountAction)});
  }
  routes.push_back({.method = "DELETE",
                    .pattern = "/api/v1/accounts/{id}/sessions",
                    .operation_id = "endAccountSessions",
                    .roles = kStaffRoles,
                    .summary = "结束该账户的全部会话",
                    .tag = tag,
                    .params = {id},
                    .response_schema = "SessionsEnded",
                    .statuses = {400, 404},
                    .max_body_bytes = 1024,
                    .handler = bind(&Impl::EndAccountSessions)});
  routes.push_back(
      {.method = "POST",
       .pattern = "/api/v1/tokens",
       .operation_id = "createToken",
       .roles = kAllRoles,
       .summary = "为脚本创建令牌（需登录；范围不超出本账户，1–365 天，令牌只显示这一次）",
       .tag = "令牌",
       .request_schema = "NewToken",
       .response_schema = "CreatedToken",
       .statuses = {201, 400, 403},
       .max_body_bytes = 4096,
       .handler = bind(&Impl::CreateToken)});
}

void ApiService::Impl::SignIn(const ApiCall& call, HttpResponse& res) {
  int retry = 0;
  // Another site's page must not sign a browser in (to an account of its choosing).
  if (ForeignOrigin(call.request))
    return res.SetError(PermissionDenied("登录请求来自其他网站，已拒绝"));
  auto parsed = ParseJsonObject(call.request.body);
  if (!parsed.ok()) return res.SetError(parsed.status());
  if (Status s = OnlyKeys(*parsed, {"username", "password"}); !s.ok()) return res.SetError(s);
  auto username = StringField(*parsed, "username");
  auto password = StringField(*parsed, "password");
  if (!username.ok()) return res.SetError(username.status());
  if (!password.ok()) return res.SetError(password.status());
  if (username->empty()) return res.SetError(BadField("username", "请填写用户名"));
  if (password->empty()) return res.SetError(BadField("password", "请填写密码"));
  if (username->size() > 64 || password->size() > 256)
    return res.SetError(Unauthenticated("用户名或密码错误"));
  // An address that failed too often waits, whichever usernames it tries.
  if (!sign_in_failures.Check(call.remote_addr, &retry)) {
    return SetLocked(res, retry,
                     Status(StatusCode::kResourceExhausted, "登录失败次数过多，请稍后再试"));
  }
  registry::SignInResult result = accounts->SignIn(*username, *password, call.remote_addr);
  if (!result.status.ok()) {
    const StatusCode code = result.status.code();
    if (code == StatusCode::kUnauthenticated || code == StatusCode::kResourceExhausted)
      (void)sign_in_failures.Allow(call.remote_addr, &retry);
    if (code == StatusCode::kResourceExhausted)
      return SetLocked(res, result.retry_after, result.status);
    return res.SetError(result.status);
  }
  auto caller = CallerFromSession(*result.session);
  if (!caller.ok()) return res.SetError(caller.status());
  res.actor = caller->Actor();
  res.SetHeader("Set-Cookie",
                std::string(kSessionCookie) + "=" + result.secret + CookieAttributes(call.request));
  res.SetJson(Dump(SessionJson(*caller)));
}

void ApiService::Impl::GetSession(const ApiCall& call, HttpResponse& res) {
  if (!call.caller->session) return res.SetError(BadField("Cookie", "令牌调用没有会话"));
  res.SetJson(Dump(SessionJson(*call.caller)));
}

void ApiService::Impl::SignOut(const ApiCall& call, HttpResponse& res) {
  if (!call.caller->session) return res.SetError(BadField("Cookie", "令牌调用没有会话"));
  Status s = accounts->EndSession(*call.caller->session, WhoCalls(call));
  if (!s.ok()) return res.SetError(s);
  res.SetHeader("Set-Cookie",
                std::string(kSessionCookie) + "=" + CookieAttributes(call.request) + "; Max-Age=0");
  res.SetJson(Dump({{"signed_out", true}}));
}

void ApiService::Impl::ChangePassword(const ApiCall& call, HttpResponse& res) {
  if (!call.caller->session)
    return res.SetError(BadField("Cookie", "请登录后修改密码（令牌没有密码）"));
  auto parsed = ParseJsonObject(call.request.body);
  if (!parsed.ok()) return res.SetError(parsed.status());
  if (Status s = OnlyKeys(*parsed, {"current_password", "new_password"}); !s.ok())
    return res.SetError(s);
  auto current = StringField(*parsed, "current_password");
  auto next = StringField(*parsed, "new_password");
  if (!current.ok()) return res.SetError(current.status());
  if (!next.ok()) return res.SetError(next.status());
  if (next->size() > 256) return res.SetError(BadField("new_password", "最长 256 个字节"));
  Status s = accounts->ChangePassword(*call.caller->session, *current, *next, WhoCalls(call));
  if (!s.ok()) return res.SetError(s);
  res.SetJson(Dump({{"changed", true}}));
}

StatusOr<registry::Account> ApiService::Impl::ManagedAccount(const ApiCall& call) {
  TP_ASSIGN_OR_RETURN(int64_t id, AccountIdParam(call.request));
  TP_ASSIGN_OR_RETURN(registry::Account account, accounts->Get(id));
  // A province sees the unit accounts of its units, and nothing else exists for it.
  if (call.caller->role == Role::kProvince &&
      (account.role != "unit" || account.province != call.caller->province))
    return NotFound("没有编号为 " + std::to_string(id) + " 的账户");
  return account;
}

void ApiService::Impl::ListAccounts(const ApiCall& call, HttpResponse& res) {
  auto list = accounts->List(call.caller->role == Role::kProvince ? call.caller->province : "");
  if (!list.ok()) return res.SetError(list.status());
  Json items = Json::array();
  for (const registry::Account& a : *list) items.push_back(AccountJson(a));
  res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}));
}

void ApiService::Impl::CreateAccount(const ApiCall& call, HttpResponse& res) {
  auto parsed = ParseJsonObject(call.request.body);
  if (!parsed.ok()) return res.SetError(parsed.status());
  if (Status s = OnlyKeys(*parsed,
                          {"username", "display_name", "role", "province", "unit", "organisation"});
      !s.ok())
    return res.SetError(s);
  registry::NewAccount spec;
  for (auto [key, out] : {std::pair{"username", &spec.username},
                          {"display_name", &spec.display_name},
                          {"role", &spec.role},
                          {"province", &spec.province},
                          {"unit", &spec.unit_code},
                          {"organisation", &spec.organisation}}) {
    auto v = StringField(*parsed, key);
    if (!v.ok()) return res.SetError(v.status());
    *out = std::move(*v);
  }
  if (call.caller->role == Role::kProvince) {
    if (spec.role != "unit")
      return res.SetError(PermissionDenied("省级账户只能为本省的推荐单位开设单位账户"));
    // A unit of another province is out of its sight, as if it did not exist.
    auto unit = store.GetUnit(spec.unit_code);
    if (unit.ok() && unit->province != call.caller->province)
      return res.SetError(NotFound("本省没有代码为 " + spec.unit_code + " 的推荐单位"));
  }
  auto made = accounts->Create(spec, WhoCalls(call));
  if (!made.ok()) return res.SetError(made.status());
  res.SetJson(Dump({{"account", AccountJson(made->first)}, {"initial_password", made->second}}),
              201);
}

void ApiService::Impl::AccountAction(const ApiCall& call, HttpResponse& res) {
  auto account = ManagedAccount(call);
  if (!account.ok()) return res.SetError(account.status());
  const std::string& path = call.request.path;
  const std::string action = path.substr(path.rfind('/') + 1);
  const registry::AuditEntry who = WhoCalls(call);
  if (action == "reset") {
    auto reset = accounts->ResetPassword(account->id, who);
    if (!reset.ok()) return res.SetError(reset.status());
    return res.SetJson(
        Dump({{"account", AccountJson(reset->first)}, {"initial_password", reset->second}}));
  }
  if ((action == "disable") && account->id == call.caller->account_id)
    return res.SetError(PermissionDenied("不能停用自己的账户"));
  StatusOr<registry::Account> changed =
      action == "unlock" ? accounts->Unlock(account->id, who)
                         : accounts->SetDisabled(account->id, action == "disable", who);
  if (!changed.ok()) return res.SetError(changed.status());
  res.SetJson(Dump(AccountJson(*changed)));
}

void ApiService::Impl::EndAccountSessions(const ApiCall& call, HttpResponse& res) {
  auto account = ManagedAccount(call);
  if (!account.ok()) return res.SetError(account.status());
  auto ended = accounts->EndSessions(account->id, WhoCalls(call));
  if (!ended.ok()) return res.SetError(ended.status());
  res.SetJson(Dump({{"ended", *ended}}));
}

void ApiService::Impl::CreateToken(const ApiCall& call, HttpResponse& res) {
  if (!call.caller->session)
    return res.SetError(BadField("Authorization", "令牌只能由登录的账户创建，不能用令牌创建令牌"));
  auto parsed = ParseJsonObject(call.request.body);
  if (!parsed.ok()) return res.SetError(parsed.status());
  if (Status s = OnlyKeys(*parsed, {"label", "role", "province", "unit", "expires_in_days"});
      !s.ok())
    return res.SetError(s);
  registry::NewAccount scope;
  std::string label;
  for (auto [key, out] : {std::pair{"label", &label},
                          {"role", &scope.role},
                          {"province", &scope.province},
                          {"unit", &scope.unit_code}}) {
    auto v = StringField(*parsed, key);
    if (!v.ok()) return res.SetError(v.status());
    *out = std::move(*v);
  }
  int days = 90;
  if (auto d = parsed->find("expires_in_days"); d != parsed->end() && !d->is_null()) {
    if (!d->is_number_integer()) return res.SetError(BadField("expires_in_days", "应为整数"));
    days = static_cast<int>(std::clamp<int64_t>(d->get<int64_t>(), -1, 100000));
  }
  auto made =
      accounts->CreateToken(call.caller->session->account, scope, label, days, WhoCalls(call));
  if (!made.ok()) return res.SetError(made.status());
  res.SetJson(Dump({{"id", made->id},
                    {"token", made->token},
                    {"label", made->label},
                    {"role", made->role},
                    {"province", TextOrNull(made->province)},
                    {"unit", TextOrNull(made->unit_code)},
                    {"expires_at", registry::IsoUtc(made->expires_at)}}),
              201);
}

}  // namespace tp::api
