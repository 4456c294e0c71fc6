#include "registry/accounts/accounts.h"

#include <sqlite3.h>
#include <chrono>
#include <ctime>
#include <future>
#include <nlohmann/json.hpp>

#include "registry/fields/text.h"
#include "registry/store/crypto.h"
#include "registry/store/db_handle.h"

namespace tp::registry {

std::string IsoUtc(int64_t unix_seconds) {
  if (unix_seconds <= 0) return "";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string AccountActor(std::string_view username) { return "account:" + std::string(username); }

std::string Account::State(int64_t now) const {
  if (disabled) return "disabled";
  return locked_until > now ? "locked" : "active";
}

namespace {

using Json = nlohmann::json;

constexpr int64_t kTouchEverySeconds = 60;
constexpr const char* kAccountColumns =
    "a.id, a.username, a.display_name, a.role, coalesce(a.province, u.province, ''), "
    "coalesce(u.code,''), coalesce(u.name,''), coalesce(a.unit_id,0), a.state, "
    "coalesce(a.locked_until,0), a.must_change_password, a.created_by, a.created_at, "
    "coalesce(a.last_sign_in_at,0), a.password_hash, a.failed_count, coalesce(a.failed_since,0), "
    "coalesce(x.organisation,''), coalesce(xu.code,'')";
// An expert's organisation and the recommending unit they belong to, beside the account.
constexpr const char* kAccountFrom =
    " FROM accounts a LEFT JOIN units u ON u.id=a.unit_id"
    " LEFT JOIN experts x ON x.account_id=a.id LEFT JOIN units xu ON xu.id=x.unit_id";

// An account row with what only this file reads: the hash and the count of failures.
struct AccountRow {
  Account account;
  std::string password_hash;
  int failed_count = 0;
  int64_t failed_since = 0;
};

AccountRow ReadAccount(SQLite::Statement& st, int first = 0) {
  AccountRow r;
  Account& a = r.account;
  a.id = st.getColumn(first + 0).getInt64();
  a.username = st.getColumn(first + 1).getString();
  a.display_name = st.getColumn(first + 2).getString();
  a.role = st.getColumn(first + 3).getString();
  a.province = st.getColumn(first + 4).getString();
  a.unit_code = st.getColumn(first + 5).getString();
  a.unit_name = st.getColumn(first + 6).getString();
  a.unit_rowid = st.getColumn(first + 7).getInt64();
  a.disabled = st.getColumn(first + 8).getString() == "disabled";
  a.locked_until = st.getColumn(first + 9).getInt64();
  a.must_change_password = st.getColumn(first + 10).getInt() != 0;
  a.created_by = st.getColumn(first + 11).getString();
  a.created_at = st.getColumn(first + 12).getString();
  a.last_sign_in_at = st.getColumn(first + 13).getInt64();
  r.password_hash = st.getColumn(first + 14).getString();
  r.failed_count = st.getColumn(first + 15).getInt();
  r.failed_since = st.getColumn(first + 16).getInt64();
  a.organisation = st.getColumn(first + 17).getString();
  a.expert_unit_code = st.getColumn(first + 18).getString();
  return r;
}

std::string NormalUsername(std::string_view name) {
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  std::string out(name);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

Status BadUsername(const std::string& name) {
  if (name.size() < 3 || name.size() > 32)
    return InvalidArgument("用户名应为 3 到 32 个字符", {{"username", "应为 3 到 32 个字符", 0}});
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
      return InvalidArgument(
          "用户名只能由小写字母、数字和 . _ - 组成，以字母或数字开头",
          {{"username", "只能由小写字母、数字和 . _ - 组成，以字母或数字开头", 0}});
    }
  }
  return Status::Ok();
}

AuditEntry Entry(AuditEntry who, std::string action, std::string object_type, std::string object_id,
                 const Json& detail = nullptr) {
  who.action = std::move(action);
  who.object_type = std::move(object_type);
  who.object_id = std::move(object_id);
  if (!detail.is_null()) who.detail_json = detail.dump();
  return who;
}

}  // namespace

struct Accounts::Impl {
  Impl(Store& s, PasswordPolicy p, AccountOptions o)
      : store(s), db(s.Db()), policy(std::move(p)), options(std::move(o)) {}

  Store& store;
  DbHandle& db;
  PasswordPolicy policy;
  AccountOptions options;

  // Hashing takes the cost's memory for its time: at most max_hashes_at_once at once.
  std::mutex hash_mu;
  std::condition_variable hash_cv;
  int hashing = 0;
  class HashSlot {
   public:
    explicit HashSlot(Impl* impl) : impl_(impl) {
      std::unique_lock lock(impl_->hash_mu);
      impl_->hash_cv.wait(lock, [&] { return impl_->hashing < impl_->options.max_hashes_at_once; });
      ++impl_->hashing;
    }
    ~HashSlot() {
      {
        std::lock_guard lock(impl_->hash_mu);
        --impl_->hashing;
      }
      impl_->hash_cv.notify_one();
    }
    HashSlot(const HashSlot&) = delete;
    HashSlot& operator=(const HashSlot&) = delete;

   private:
    Impl* impl_;
  };

  // What an unknown username is checked against, so it costs what a known one does: made at
  // the first need, or in the background from the start (AccountOptions::prepare_sign_in).
  std::once_flag dummy_once;
  std::string dummy_hash;
  std::future<std::string> dummy_ahead;

  const std::string& DummyHash() {
    std::call_once(dummy_once, [&] {
      if (dummy_ahead.valid()) {
        dummy_hash = dummy_ahead.get();
      } else {
        auto hash = Hash(RandomHex(16));
        dummy_hash = hash.ok() ? *hash : std::string();
      }
    });
    return dummy_hash;
  }

  // Failures of usernames that have no account, counted as an account's are (bounded).
  struct Failures {
    int count = 0;
    int64_t since = 0;
    int64_t locked_until = 0;
  };
  std::mutex unknown_mu;
  std::unordered_map<std::string, Failures> unknown;
  static constexpr size_t kMaxUnknown = 10000;

  int64_t Now() const {
    if (options.now) return options.now();
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  StatusOr<std::string> Hash(std::string_view password) {
    HashSlot slot(this);
    return HashPassword(password, options.cost);
  }
  bool Verify(const std::string& hash, std::string_view password) {
    HashSlot slot(this);
    return VerifyPassword(hash, password);
  }

  StatusOr<std::optional<AccountRow>> Load(const std::string& where, const std::string& key,
                                           int64_t id) {
    try {
      auto lease = db.Read();
      SQLite::Statement& st = lease.Prepare(std::string("SELECT ") + kAccountColumns +
                                            kAccountFrom + " WHERE " + where);
      if (key.empty()) {
        st.bind(1, id);
      } else {
        st.bind(1, key);
      }
      if (!st.executeStep()) return std::optional<AccountRow>();
      return std::optional<AccountRow>(ReadAccount(st));
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取账户");
    }
  }

  StatusOr<AccountRow> MustLoad(int64_t id) {
    TP_ASSIGN_OR_RETURN(auto row, Load("a.id=?", "", id));
    if (!row) return NotFound("没有编号为 " + std::to_string(id) + " 的账户");
    return std::move(*row);
  }

  // A new initial password meeting the rules, and its hash.
  StatusOr<std::pair<std::string, std::string>> InitialPassword(const std::string& username) {
    std::string password = NewInitialPassword();
    while (!policy.Problems(password, username).empty()) password = NewInitialPassword();
    TP_ASSIGN_OR_RETURN(std::string hash, Hash(password));
    return std::make_pair(std::move(password), std::move(hash));
  }

  // Runs `change` in one write transaction and answers the account as it is after it.
  StatusOr<Account> Update(int64_t id, const std::function<void(SQLite::Database&)>& change,
                           const AuditEntry& entry) {
    TP_ASSIGN_OR_RETURN(auto write, db.Write());
    try {
      change(write->Connection());
      InsertAudit(write->Connection(), entry);
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "修改账户");
    }
    TP_RETURN_IF_ERROR(write->Commit());
    TP_ASSIGN_OR_RETURN(auto row, MustLoad(id));
    return row.account;
  }

  static void Exec(SQLite::Database& conn, const char* sql, std::initializer_list<int64_t> binds) {
    SQLite::Statement st(conn, sql);
    int i = 1;
    for (int64_t b : binds) st.bind(i++, b);
    st.exec();
  }

  int EndSessionsOn(SQLite::Database& conn, int64_t account_id, int64_t keep) {
    SQLite::Statement st(conn,
                         "UPDATE sessions SET ended_at=? WHERE account_id=? AND ended_at IS NULL "
                         "AND id<>?");
    st.bind(1, Now());
    st.bind(2, account_id);
    st.bind(3, keep);
    return st.exec();
  }

  // One more failure of an account's sign-in at `now` (when the attempt began, so the lock's
  // length is exact however long the hash took); answers the lock's end when it locks.
  StatusOr<int64_t> AccountFailed(const AccountRow& row, const std::string& remote_addr,
                                  int64_t now) {
    int count = row.failed_count + 1;
    int64_t since = row.failed_since;
    if (since == 0 || now - since >= options.failure_window_seconds) {
      count = 1;
      since = now;
    }
    const bool lock = count >= options.max_failures;
    TP_ASSIGN_OR_RETURN(auto write, db.Write());
    try {
      SQLite::Statement st(write->Connection(),
                           "UPDATE accounts SET failed_count=?, failed_since=?, locked_until=? "
                           "WHERE id=?");
      st.bind(1, lock ? 0 : count);
      if (lock) {
        st.bind(2);
        st.bind(3, now + options.lock_seconds);
      } else {
        st.bind(2, since);
        st.bind(3);
      }
      st.bind(4, row.account.id);
      st.exec();
      if (lock) {
        AuditEntry who;
        who.actor = "anonymous";
        who.remote_addr = remote_addr;
        InsertAudit(write->Connection(), Entry(who, "lock", "account", row.account.username,
                                               {{"failures", options.max_failures},
                                                {"minutes", options.lock_seconds / 60}}));
      }
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "记录登录失败");
    }
    TP_RETURN_IF_ERROR(write->Commit());
    return lock ? now + options.lock_seconds : 0;
  }

  // The same for a username without an account, in memory.
  int64_t UnknownFailed(const std::string& name, int64_t now) {
    std::lock_guard lock(unknown_mu);
    if (unknown.size() >= kMaxUnknown && unknown.count(name) == 0) {
      for (auto it = unknown.begin(); it != unknown.end();) {
        const bool stale = it->second.locked_until <= now &&
                           now - it->second.since >= options.failure_window_seconds;
        it = stale ? unknown.erase(it) : std::next(it);
      }
      if (unknown.size() >= kMaxUnknown) unknown.erase(unknown.begin());
    }
    Failures& f = unknown[name];
    if (f.since == 0 || now - f.since >= options.failure_window_seconds) f = {0, now, 0};
    if (++f.count >= options.max_failures) {
      f = {0, 0, now + options.lock_seconds};
      return f.locked_until;
    }
    return 0;
  }

  int64_t UnknownLockedUntil(const std::string& name) {
    std::lock_guard lock(unknown_mu);
    auto it = unknown.find(name);
    return it == unknown.end() ? 0 : it->second.locked_until;
  }
};

Accounts::Accounts(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Accounts::~Accounts() = default;

StatusOr<std::unique_ptr<Accounts>> Accounts::Open(Store& store, const std::string& data_dir,
                                                   AccountOptions options) {
  TP_ASSIGN_OR_RETURN(auto policy, PasswordPolicy::Load(data_dir));
  if (options.max_hashes_at_once < 1) options.max_hashes_at_once = 1;
  auto impl = std::make_unique<Impl>(store, std::move(policy), std::move(options));
  if (impl->options.prepare_sign_in) {
    Impl* raw = impl.get();
    impl->dummy_ahead = std::async(std::launch::async, [raw] {
      auto hash = raw->Hash(RandomHex(16));
      return hash.ok() ? *hash : std::string();
    });
  }
  return std::unique_ptr<Accounts>(new Accounts(std::move(impl)));
}

int64_t Accounts::Now() const { return impl_->Now(); }
const AccountOptions& Accounts::options() const { return impl_->options; }
const PasswordPolicy& Accounts::policy() const { return impl_->policy; }

StatusOr<std::pair<Account, std::string>> Accounts::Create(const NewAccount& spec,
                                                           const AuditEntry& who) {
  const std::string username = NormalUsername(spec.username);
  TP_RETURN_IF_ERROR(BadUsername(username));
  std::string display = spec.display_name;
  if (display.empty() || display.size() > 120)
    return InvalidArgument("请填写显示名（本人真实姓名）",
                           {{"display_name", "不能为空，最长 40 个汉字", 0}});
  if (spec.role != "staff" && spec.role != "province" && spec.role != "unit" &&
      spec.role != "expert")
    return InvalidArgument("角色只能是 staff、province、unit 或 expert", {{"role", "未知角色", 0}});
  const std::string organisation = NormalizeText(spec.organisation);
  if (spec.role == "expert" && organisation.empty())
    return InvalidArgument("评审专家账户需要填写工作单位（用于回避）",
                           {{"organisation", "不能为空", 0}});
  int64_t unit_rowid = 0;
  int64_t expert_unit_rowid = 0;
  if (spec.role == "expert" && !spec.unit_code.empty()) {
    auto unit = impl_->store.GetUnit(spec.unit_code);
    if (!unit.ok())
      return InvalidArgument("没有代码为 " + spec.unit_code + " 的单位",
                             {{"unit", "单位代码不存在", 0}});
    expert_unit_rowid = unit->rowid;
  }
  if (spec.role == "unit") {
    if (spec.unit_code.empty())
      return InvalidArgument("单位账户需要单位代码", {{"unit", "缺少单位代码", 0}});
    auto unit = impl_->store.GetUnit(spec.unit_code);
    if (!unit.ok()) {
      if (unit.status().code() == StatusCode::kNotFound)
        return InvalidArgument("没有代码为 " + spec.unit_code + " 的单位",
                               {{"unit", "单位代码不存在", 0}});
      return unit.status();
    }
    unit_rowid = unit->rowid;
  }
  if (spec.role == "province" &&
      (spec.province.size() != 2 ||
       spec.province.find_first_not_of("0123456789") != std::string::npos))
    return InvalidArgument("省级账户需要两位省级代码，例如 45", {{"province", "应为两位数字", 0}});
  TP_ASSIGN_OR_RETURN(auto existing, impl_->Load("a.username=?", username, 0));
  if (existing) return AlreadyExists("用户名「" + username + "」已被使用");
  TP_ASSIGN_OR_RETURN(auto initial, impl_->InitialPassword(username));
  int64_t id = 0;
  {
    TP_ASSIGN_OR_RETURN(auto write, impl_->db.Write());
    try {
      SQLite::Statement st(write->Connection(),
                           "INSERT INTO accounts(username, display_name, role, province, unit_id, "
                           "password_hash, must_change_password, created_by) "
                           "VALUES(?,?,?,?,?,?,1,?)");
      st.bind(1, username);
      st.bind(2, display);
      st.bind(3, spec.role);
      BindText(st, 4, spec.role == "province" ? spec.province : std::string());
      if (unit_rowid > 0) {
        st.bind(5, unit_rowid);
      } else {
        st.bind(5);
      }
      st.bind(6, initial.second);
      st.bind(7, who.actor.empty() ? std::string("cli") : who.actor);
      st.exec();
      id = write->Connection().getLastInsertRowid();
      if (spec.role == "expert") {
        SQLite::Statement x(write->Connection(),
                            "INSERT INTO experts(account_id, organisation, unit_id) VALUES(?,?,?)");
        x.bind(1, id);
        x.bind(2, organisation);
        if (expert_unit_rowid > 0) {
          x.bind(3, expert_unit_rowid);
        } else {
          x.bind(3);
        }
        x.exec();
      }
      InsertAudit(write->Connection(),
                  Entry(who, "create", "account", username,
                        {{"role", spec.role},
                         {"province", spec.role == "province" ? spec.province : ""},
                         {"unit", spec.unit_code}}));
    } catch (const SQLite::Exception& e) {
      if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
        return AlreadyExists("用户名「" + username + "」已被使用");
      return FromSqlite(e, "创建账户");
    }
    TP_RETURN_IF_ERROR(write->Commit());
  }
  TP_ASSIGN_OR_RETURN(auto row, impl_->MustLoad(id));
  return std::make_pair(std::move(row.account), std::move(initial.first));
}

StatusOr<Account> Accounts::Get(int64_t id) {
  TP_ASSIGN_OR_RETURN(auto row, impl_->MustLoad(id));
  return row.account;
}

StatusOr<Account> Accounts::FindByUsername(std::string_view username) {
  const std::string name = NormalUsername(username);
  TP_ASSIGN_OR_RETURN(auto row, impl_->Load("a.username=?", name, 0));
  if (!row) return NotFound("没有用户名为「" + name + "」的账户");
  return row->account;
}

StatusOr<std::vector<Account>> Accounts::List(std::string_view province) {
  try {
    auto lease = impl_->db.Read();
    std::string sql = std::string("SELECT ") + kAccountColumns + kAccountFrom;
    if (!province.empty()) sql += " WHERE a.role='unit' AND u.province=?";
    sql += " ORDER BY a.role, a.username";
    SQLite::Statement st(*lease, sql);
    if (!province.empty()) st.bind(1, std::string(province));
    std::vector<Account> out;
    while (st.executeStep()) out.push_back(ReadAccount(st).account);
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "列出账户");
  }
}

StatusOr<Account> Accounts::SetDisabled(int64_t id, bool disabled, const AuditEntry& who) {
  TP_ASSIGN_OR_RETURN(auto row, impl_->MustLoad(id));
  return impl_->Update(
      id,
      [&](SQLite::Database& conn) {
        SQLite::Statement st(conn, "UPDATE accounts SET state=? WHERE id=?");
        st.bind(1, disabled ? "disabled" : "active");
        st.bind(2, id);
        st.exec();
        if (disabled) impl_->EndSessionsOn(conn, id, 0);
      },
      Entry(who, disabled ? "disable" : "enable", "account", row.account.username));
}

StatusOr<std::pair<Account, std::string>> Accounts::ResetPassword(int64_t id,
                                                                  const AuditEntry& who) {
  TP_ASSIGN_OR_RETURN(auto row, impl_->MustLoad(id));
  TP_ASSIGN_OR_RETURN(auto initial, impl_->InitialPassword(row.account.username));
  TP_ASSIGN_OR_RETURN(Account account,
                      impl_->Update(
                          id,
                          [&](SQLite::Database& conn) {
                            SQLite::Statement st(
                                conn,
                                "UPDATE accounts SET password_hash=?, must_change_password=1, "
                                "failed_count=0, failed_since=NULL, locked_until=NULL WHERE id=?");
                            st.bind(1, initial.second);
                            st.bind(2, id);
                            st.exec();
                            impl_->EndSessionsOn(conn, id, 0);
                          },
                          Entry(who, "reset_password", "account", row.account.username)));
  return std::make_pair(std::move(account), std::move(initial.first));
}

StatusOr<Account> Accounts::Unlock(int64_t id, const AuditEntry& who) {
  TP_ASSIGN_OR_RETURN(auto row, impl_->MustLoad(id));
  return impl_->Update(
      id,
      [&](SQLite::Database& conn) {
        Impl::Exec(conn,
                   "UPDATE accounts SET failed_count=0, failed_since=NULL, locked_until=NULL "
                   "WHERE id=?",
                   {id});
      },
      Entry(who, "unlock", "account", row.account.username,
            {{"was_locked", row.account.locked_until > Now()}}));
}

StatusOr<int> Accounts::EndSessions(int64_t id, const AuditEntry& who, int64_t keep_session) {
  TP_ASSIGN_OR_RETURN(auto row, impl_->MustLoad(id));
  int ended = 0;
  TP_RETURN_IF_ERROR(
      impl_
          ->Update(
              id,
              [&](SQLite::Database& conn) { ended = impl_->EndSessionsOn(conn, id, keep_session); },
              Entry(who, "end_sessions", "account", row.account.username))
          .status());
  return ended;
}

Status Accounts::ChangePassword(const Session& session, std::string_view current_password,
                                std::string_view new_password, const AuditEntry& who) {
  TP_ASSIGN_OR_RETURN(auto row, impl_->MustLoad(session.account.id));
  const int64_t now = Now();
  if (row.account.locked_until > now) {
    return Status(StatusCode::kResourceExhausted,
                  "密码错误次数过多，账户已锁定，请 " +
                      std::to_string((row.account.locked_until - now + 59) / 60) + " 分钟后再试");
  }
  if (!impl_->Verify(row.password_hash, current_password)) {
    // A wrong current password counts as a failed sign-in: a session left open on a shared
    // computer is no way to guess the password at leisure.
    TP_ASSIGN_OR_RETURN(int64_t locked, impl_->AccountFailed(row, who.remote_addr, now));
    if (locked > 0) {
      return Status(StatusCode::kResourceExhausted, "密码错误次数过多，账户已锁定，请 " +
                                                        std::to_string((locked - now + 59) / 60) +
                                                        " 分钟后再试");
    }
    return InvalidArgument("当前密码不正确", {{"current_password", "当前密码不正确", 0}});
  }
  std::vector<std::string> problems = impl_->policy.Problems(new_password, row.account.username);
  if (new_password == current_password) problems.push_back("不能与当前密码相同");
  if (!problems.empty()) {
    std::vector<FieldError> details;
    std::string message = "新密码不符合要求：";
    for (size_t i = 0; i < problems.size(); ++i) {
      message += (i > 0 ? "；" : "") + problems[i];
      details.push_back({"new_password", problems[i], 0});
    }
    return InvalidArgument(message, std::move(details));
  }
  TP_ASSIGN_OR_RETURN(std::string hash, impl_->Hash(new_password));
  return impl_
      ->Update(
          row.account.id,
          [&](SQLite::Database& conn) {
            SQLite::Statement st(conn,
                                 "UPDATE accounts SET password_hash=?, must_change_password=0 "
                                 "WHERE id=?");
            st.bind(1, hash);
            st.bind(2, row.account.id);
            st.exec();
            impl_->EndSessionsOn(conn, row.account.id, session.id);
          },
          Entry(who, "change_password", "account", row.account.username))
      .status();
}

SignInResult Accounts::SignIn(std::string_view username, std::string_view password,
                              const std::string& remote_addr) {
  SignInResult out;
  const int64_t now = Now();
  const std::string name = NormalUsername(username);
  auto locked = [&](int64_t until) {
    out.status = Status(StatusCode::kResourceExhausted,
                        "登录失败次数过多，账户已锁定，请 " +
                            std::to_string((until - now + 59) / 60) + " 分钟后再试");
    out.retry_after = static_cast<int>(until - now);
    return out;
  };
  auto refused = [&] {
    out.status = Status(StatusCode::kUnauthenticated, "用户名或密码错误");
    return out;
  };
  StatusOr<std::optional<AccountRow>> loaded = impl_->Load("a.username=?", name, 0);
  if (!loaded.ok()) {
    out.status = loaded.status();
    return out;
  }
  std::optional<AccountRow>& row = *loaded;
  const int64_t locked_until = row ? row->account.locked_until : impl_->UnknownLockedUntil(name);
  if (locked_until > now) return locked(locked_until);

  bool right = false;
  if (row) {
    right = impl_->Verify(row->password_hash, password);
  } else {
    (void)impl_->Verify(impl_->DummyHash(), password);
  }
  if (!right) {
    if (!row) {
      const int64_t until = impl_->UnknownFailed(name, now);
      return until > 0 ? locked(until) : refused();
    }
    StatusOr<int64_t> until = impl_->AccountFailed(*row, remote_addr, now);
    if (!until.ok()) {
      out.status = until.status();
      return out;
    }
    return *until > 0 ? locked(*until) : refused();
  }
  Account& account = row->account;
  if (account.disabled) {
    out.status = PermissionDenied("账户已停用，请联系管理员");
    return out;
  }
  std::optional<std::string> rehash;
  if (NeedsRehash(row->password_hash, impl_->options.cost)) {
    auto hash = impl_->Hash(password);
    if (hash.ok()) rehash = *hash;
  }
  Session session;
  session.account = account;
  session.csrf_token = RandomHex(32);
  session.created_at = now;
  session.last_seen_at = now;
  session.expires_at = now + impl_->options.absolute_seconds;
  const std::string secret = RandomHex(32);
  const std::string hash = HashToken(secret);
  AuditEntry who;
  who.actor = AccountActor(account.username);
  who.actor_name = account.display_name;
  who.role = account.role;
  who.remote_addr = remote_addr;
  StatusOr<std::unique_ptr<WriteBatch>> write = impl_->db.Write();
  if (!write.ok()) {
    out.status = write.status();
    return out;
  }
  try {
    SQLite::Database& conn = (*write)->Connection();
    if (account.locked_until > 0) {
      // A lock that ran out: its end is written down when it is noticed.
      AuditEntry system;
      system.actor = "system";
      InsertAudit(
          conn, Entry(system, "unlock", "account", account.username, {{"reason", "锁定时间已过"}}));
    }
    SQLite::Statement st(conn,
                         "UPDATE accounts SET failed_count=0, failed_since=NULL, "
                         "locked_until=NULL, last_sign_in_at=?, "
                         "password_hash=coalesce(?, password_hash) WHERE id=?");
    st.bind(1, now);
    if (rehash) {
      st.bind(2, *rehash);
    } else {
      st.bind(2);
    }
    st.bind(3, account.id);
    st.exec();
    SQLite::Statement ins(conn,
                          "INSERT INTO sessions(hash, account_id, csrf_token, created_at, "
                          "last_seen_at, expires_at, remote_addr) VALUES(?,?,?,?,?,?,?)");
    ins.bind(1, hash.data(), static_cast<int>(hash.size()));
    ins.bind(2, account.id);
    ins.bind(3, session.csrf_token);
    ins.bind(4, now);
    ins.bind(5, now);
    ins.bind(6, session.expires_at);
    BindText(ins, 7, remote_addr);
    ins.exec();
    session.id = conn.getLastInsertRowid();
    InsertAudit(conn, Entry(who, "sign_in", "account", account.username));
  } catch (const SQLite::Exception& e) {
    out.status = FromSqlite(e, "登录");
    return out;
  }
  if (Status s = (*write)->Commit(); !s.ok()) {
    out.status = s;
    return out;
  }
  session.account.locked_until = 0;
  session.account.last_sign_in_at = now;
  out.session = std::move(session);
  out.secret = secret;
  return out;
}

StatusOr<Session> Accounts::FindSession(std::string_view secret) {
  const std::string hash = HashToken(secret);
  const int64_t now = Now();
  Session s;
  try {
    auto lease = impl_->db.Read();
    SQLite::Statement& st = lease.Prepare(
        std::string("SELECT s.id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, ") +
        kAccountColumns + " FROM sessions s JOIN accounts a ON a.id=s.account_id" +
        " LEFT JOIN units u ON u.id=a.unit_id LEFT JOIN experts x ON x.account_id=a.id" +
        " LEFT JOIN units xu ON xu.id=x.unit_id WHERE s.hash=? AND s.ended_at IS NULL");
    st.bind(1, hash.data(), static_cast<int>(hash.size()));
    if (!st.executeStep()) return Unauthenticated("登录已失效，请重新登录");
    s.id = st.getColumn(0).getInt64();
    s.csrf_token = st.getColumn(1).getString();
    s.created_at = st.getColumn(2).getInt64();
    s.last_seen_at = st.getColumn(3).getInt64();
    s.expires_at = st.getColumn(4).getInt64();
    s.account = ReadAccount(st, 5).account;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "查找会话");
  }
  if (s.account.disabled) return Unauthenticated("账户已停用，请联系管理员");
  const bool idle = now - s.last_seen_at >= impl_->options.idle_seconds;
  const bool over = now >= s.expires_at;
  if (idle || over || now - s.last_seen_at >= kTouchEverySeconds) {
    TP_ASSIGN_OR_RETURN(auto write, impl_->db.Write());
    try {
      SQLite::Statement st(write->Connection(),
                           idle || over ? "UPDATE sessions SET ended_at=? WHERE id=?"
                                        : "UPDATE sessions SET last_seen_at=? WHERE id=?");
      st.bind(1, now);
      st.bind(2, s.id);
      st.exec();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "更新会话");
    }
    TP_RETURN_IF_ERROR(write->Commit());
    if (idle) return Unauthenticated("长时间未操作，登录已超时，请重新登录");
    if (over) return Unauthenticated("登录已超过最长时限，请重新登录");
    s.last_seen_at = now;
  }
  return s;
}

StatusOr<int64_t> Accounts::OpenSessions() {
  const int64_t now = Now();
  try {
    auto lease = impl_->db.Read();
    SQLite::Statement& st = lease.Prepare(
        "SELECT count(*) FROM sessions WHERE ended_at IS NULL AND last_seen_at>? AND expires_at>?");
    st.bind(1, now - impl_->options.idle_seconds);
    st.bind(2, now);
    st.executeStep();
    return st.getColumn(0).getInt64();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "统计会话");
  }
}

Status Accounts::EndSession(const Session& session, const AuditEntry& who) {
  return impl_
      ->Update(
          session.account.id,
          [&](SQLite::Database& conn) {
            Impl::Exec(conn, "UPDATE sessions SET ended_at=? WHERE id=? AND ended_at IS NULL",
                       {Now(), session.id});
          },
          Entry(who, "sign_out", "account", session.account.username))
      .status();
}

StatusOr<AccountToken> Accounts::CreateToken(const Account& by, const NewAccount& scope,
                                             std::string_view label, int days,
                                             const AuditEntry& who) {
  AccountToken t;
  t.role = scope.role.empty() ? by.role : scope.role;
  t.label = std::string(label);
  if (t.label.empty()) return InvalidArgument("请填写令牌的用途", {{"label", "不能为空", 0}});
  if (days < 1 || days > 365)
    return InvalidArgument("有效期应为 1 到 365 天", {{"expires_in_days", "应为 1 到 365", 0}});
  if (t.role != "staff" && t.role != "province" && t.role != "unit")
    return InvalidArgument("角色只能是 staff、province 或 unit", {{"role", "未知角色", 0}});
  auto wider = [] { return PermissionDenied("令牌的范围不能超出本账户的范围"); };
  int64_t unit_rowid = 0;
  if (t.role == "unit") {
    t.unit_code = scope.unit_code.empty() && by.role == "unit" ? by.unit_code : scope.unit_code;
    auto unit = impl_->store.GetUnit(t.unit_code);
    if (!unit.ok()) return InvalidArgument("没有这个单位", {{"unit", "单位代码不存在", 0}});
    unit_rowid = unit->rowid;
    if ((by.role == "unit" && unit->rowid != by.unit_rowid) ||
        (by.role == "province" && unit->province != by.province))
      return wider();
  } else if (t.role == "province") {
    t.province = scope.province.empty() ? by.province : scope.province;
    if (t.province.size() != 2)
      return InvalidArgument("缺少省级代码", {{"province", "应为两位数字", 0}});
    if (by.role == "unit" || (by.role == "province" && t.province != by.province)) return wider();
  } else if (by.role != "staff") {
    return wider();
  }
  t.token = NewToken();
  const std::string hash = HashToken(t.token);
  t.expires_at = Now() + static_cast<int64_t>(days) * 86400;
  TP_ASSIGN_OR_RETURN(auto write, impl_->db.Write());
  try {
    SQLite::Statement st(write->Connection(),
                         "INSERT INTO tokens(hash, role, unit_id, province, label, account_id, "
                         "expires_at) VALUES(?,?,?,?,?,?,?)");
    st.bind(1, hash.data(), static_cast<int>(hash.size()));
    st.bind(2, t.role);
    if (unit_rowid > 0) {
      st.bind(3, unit_rowid);
    } else {
      st.bind(3);
    }
    BindText(st, 4, t.province);
    st.bind(5, t.label);
    st.bind(6, by.id);
    st.bind(7, t.expires_at);
    st.exec();
    t.id = write->Connection().getLastInsertRowid();
    InsertAudit(write->Connection(), Entry(who, "create", "token", std::to_string(t.id),
                                           {{"role", t.role}, {"days", days}, {"label", t.label}}));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "创建令牌");
  }
  TP_RETURN_IF_ERROR(write->Commit());
  return t;
}

}  // namespace tp::registry
