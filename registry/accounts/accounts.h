// Accounts people sign in with, and their sessions.
//
// An account has a username, a display name (written into the audit log), a role (staff,
// province, unit, or expert: a reviewer of honour campaigns, with the organisation they work
// for) with its scope (a province's code, a unit), a state (active or disabled; an
// active account is locked for a while after too many failed sign-ins), who created it and its
// last sign-in. Its password is kept only as an Argon2id string (passwords.h); one someone else
// set (a new account, a reset) must be changed before the account can do anything else.
//
// Signing in answers the same Unauthenticated for an unknown username and a wrong password,
// after the same work: an unknown name is checked against a hash made the same way. Too many
// failures for one username (known or not) within a window lock it: sign-ins answer
// ResourceExhausted with the seconds left, whatever the password. Locks and unlocks are in the
// audit log.
//
// A session is a random 256-bit secret (the cookie) kept only as its SHA-256, with a CSRF token
// of its own; it ends after a time without use, at an absolute limit, when its person signs out,
// changes the password (the other sessions), or the account is disabled. Looking a session up
// writes its last use at most once a minute, so calls through a session cost no more than calls
// through a token.
//
// Times are Unix seconds of AccountOptions::now, so tests can move the clock. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "registry/accounts/passwords.h"
#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::registry {

struct Account {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string role;      // staff, province, unit, expert
  std::string province;  // role province: two-digit code; role unit: its unit's province
  std::string unit_code;
  std::string unit_name;
  int64_t unit_rowid = 0;
  std::string organisation;      // role expert: 工作单位, for 回避
  std::string expert_unit_code;  // role expert: the recommending unit they belong to, if any
  bool disabled = false;
  int64_t locked_until = 0;  // Unix seconds; in the past or 0: not locked
  bool must_change_password = false;
  std::string created_by;
  std::string created_at;
  int64_t last_sign_in_at = 0;

  // active, disabled or locked, at `now`.
  std::string State(int64_t now) const;
};

struct NewAccount {
  std::string username;
  std::string display_name;
  std::string role;
  std::string province;           // role province
  std::string unit_code;          // role unit; role expert: the recommending unit they belong to
  std::string organisation = {};  // role expert: 工作单位
};

struct Session {
  int64_t id = 0;
  Account account;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;  // the absolute limit
};

struct SignInResult {
  Status status;        // Ok, Unauthenticated, PermissionDenied (disabled), ResourceExhausted
  int retry_after = 0;  // seconds, with ResourceExhausted
  std::optional<Session> session;
  std::string secret;  // the cookie's value, with a session
};

struct AccountToken {
  int64_t id = 0;
  std::string token;  // shown once
  std::string role;
  std::string province;
  std::string unit_code;
  std::string label;
  int64_t expires_at = 0;
};

struct AccountOptions {
  int64_t idle_seconds = 30 * 60;
  int64_t absolute_seconds = 12 * 60 * 60;
  int max_failures = 5;
  int64_t failure_window_seconds = 15 * 60;
  int64_t lock_seconds = 15 * 60;
  PasswordCost cost = PasswordCost::Moderate();
  // Hashes made at once: each takes the cost's memory (256 MiB at Moderate) for its time.
  int max_hashes_at_once = 2;
  std::function<int64_t()> now;  // Unix seconds; empty: the system clock
  // Make the hash unknown usernames are checked against at once, in the background, so that
  // even the first unknown username after a start costs what a known one does (the server
  // sets it; a command that signs nobody in need not pay for the hash).
  bool prepare_sign_in = false;
};

class Accounts {
 public:
  // `data_dir` holds common_passwords.txt. The store must outlive the accounts.
  static StatusOr<std::unique_ptr<Accounts>> Open(Store& store, const std::string& data_dir,
                                                  AccountOptions options = {});
  ~Accounts();
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  int64_t Now() const;
  const AccountOptions& options() const;
  const PasswordPolicy& policy() const;

  // `who` names the actor in the audit entry (its action and object are filled in here).
  // Answers the account and its one-time initial password. InvalidArgument naming the field;
  // AlreadyExists for a username taken.
  StatusOr<std::pair<Account, std::string>> Create(const NewAccount& spec, const AuditEntry& who);
  StatusOr<Account> Get(int64_t id);
  StatusOr<Account> FindByUsername(std::string_view username);
  // Every account; with `province`, the unit accounts of the units of that province.
  StatusOr<std::vector<Account>> List(std::string_view province = "");
  // Disabling ends the account's sessions.
  StatusOr<Account> SetDisabled(int64_t id, bool disabled, const AuditEntry& who);
  // A new initial password (to be changed at the next sign-in); ends the sessions and unlocks.
  StatusOr<std::pair<Account, std::string>> ResetPassword(int64_t id, const AuditEntry& who);
  StatusOr<Account> Unlock(int64_t id, const AuditEntry& who);
  // Ends every session of the account but `keep_session` (0: all). Answers how many ended.
  StatusOr<int> EndSessions(int64_t id, const AuditEntry& who, int64_t keep_session = 0);

  // InvalidArgument naming current_password (wrong) or new_password (the rules it breaks).
  // A wrong current password counts as a failed sign-in (ResourceExhausted once locked).
  // Ends the account's other sessions.
  Status ChangePassword(const Session& session, std::string_view current_password,
                        std::string_view new_password, const AuditEntry& who);

  SignInResult SignIn(std::string_view username, std::string_view password,
                      const std::string& remote_addr);
  // The live session of a cookie's value; Unauthenticated when there is none (unknown, ended,
  // idle too long, past its limit, or its account disabled).
  StatusOr<Session> FindSession(std::string_view secret);
  Status EndSession(const Session& session, const AuditEntry& who);
  // Sessions live now: not ended, seen within the idle limit (as last recorded, which lags by up
  // to a minute) and before their absolute limit.
  StatusOr<int64_t> OpenSessions();

  // A token for a script, in the account's scope or a narrower one: a province account may name
  // one of its units, staff any scope. 1–365 days.
  StatusOr<AccountToken> CreateToken(const Account& by, const NewAccount& scope,
                                     std::string_view label, int days, const AuditEntry& who);

  struct Impl;

 private:
  explicit Accounts(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// How the audit log names an account that acted: "account:USERNAME".
std::string AccountActor(std::string_view username);

// "2026-12-06T22:35:07Z" for Unix seconds; "" for 0.
std::string IsoUtc(int64_t unix_seconds);

}  // namespace tp::registry
