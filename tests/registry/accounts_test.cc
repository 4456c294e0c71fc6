// Accounts on a real registry: what is kept of a password, the rules, the lockout and its end,
// and the ends of a session, with a clock the test moves.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <fstream>

#include "registry/accounts/accounts.h"
#include "registry/base/paths.h"
#include "registry/store/store.h"
#include "support/temp_dir.h"

namespace tp::registry {
namespace {

using tp::testing::TempDir;

struct AccountsFixture {
  explicit AccountsFixture(PasswordCost cost = PasswordCost::Interactive()) {
    auto s = Store::Create(dir.path() + "/registry");
    REQUIRE(s.ok());
    store = std::move(*s);
    AccountOptions options;
    options.cost = cost;
    options.now = [this] { return now; };
    auto a = Accounts::Open(*store, DataDir(), options);
    REQUIRE(a.ok());
    accounts = std::move(*a);
    cli.actor = "cli";
  }

  // A staff account whose password the person has set: answers the password.
  std::string ReadyAccount(const std::string& username, const std::string& password) {
    auto made = accounts->Create({username, "王芳", "staff", "", ""}, cli);
    REQUIRE(made.ok());
    SignInResult first = accounts->SignIn(username, made->second, "127.0.0.1");
    REQUIRE(first.status.ok());
    REQUIRE(accounts->ChangePassword(*first.session, made->second, password, cli).ok());
    return password;
  }

  TempDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<Accounts> accounts;
  AuditEntry cli;
  int64_t now = static_cast<int64_t>(std::time(nullptr));
};

// The bytes of the database and its write-ahead log: what a thief of the disk would read.
std::string DatabaseBytes(Store& store) {
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream file(store.Dir() + "/registry.sqlite" + suffix, std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(file), {});
  }
  return bytes;
}

std::vector<std::string> Column(Store& store, const std::string& sql) {
  SQLite::Database db(store.Dir() + "/registry.sqlite", SQLite::OPEN_READONLY);
  SQLite::Statement st(db, sql);
  std::vector<std::string> out;
  while (st.executeStep()) out.push_back(st.getColumn(0).getString());
  return out;
}

TEST_CASE("Accounts: a password is kept only as an Argon2id string at the moderate limits",
          "[accounts]") {
  AccountsFixture f(PasswordCost::Moderate());
  auto made = f.accounts->Create({"wangfang", "王芳", "staff", "", ""}, f.cli);
  REQUIRE(made.ok());
  const std::string initial = made->second;
  CHECK(f.accounts->policy().Problems(initial, "wangfang").empty());
  // The database holds the hash string and nowhere the password itself.
  const auto hashes = Column(*f.store, "SELECT password_hash FROM accounts");
  REQUIRE(hashes.size() == 1);
  CHECK(hashes[0].rfind("$argon2id$v=19$m=262144,t=3,p=1$", 0) == 0);
  const std::string bytes = DatabaseBytes(*f.store);
  CHECK(bytes.find("$argon2id$") != std::string::npos);
  CHECK(bytes.find(initial) == std::string::npos);
  CHECK(VerifyPassword(hashes[0], initial));
  CHECK_FALSE(VerifyPassword(hashes[0], initial + "x"));
}

TEST_CASE("Passwords: the rules name each problem", "[accounts]") {
  auto policy = PasswordPolicy::Load(DataDir());
  REQUIRE(policy.ok());
  CHECK(policy->CommonCount() == 10000);
  CHECK(policy->Problems("Tianqi-Lang2026", "wangfang").empty());
  CHECK(policy->Problems("Short1!", "wangfang") == std::vector<std::string>{"至少 10 个字符"});
  CHECK(policy->Problems("alllowercaseletters", "wangfang").size() == 1);
  CHECK(policy->Problems("Wangfang-2026x", "wangfang") ==
        std::vector<std::string>{"不能包含用户名"});
  // On the list whatever its case, and failing the classes as well.
  const auto common = policy->Problems("PASSWORD123", "wangfang");
  CHECK(std::find(common.begin(), common.end(), "这是最常见的密码之一，请换一个") != common.end());
  // Characters, not bytes: ten Chinese characters are ten.
  CHECK(policy->Problems("科协人才库A1科协人才库", "wangfang").empty());
}

TEST_CASE("Sign-in: unknown user and wrong password are refused alike", "[accounts]") {
  AccountsFixture f;
  f.ReadyAccount("wangfang", "Tianqi-Lang2026");
  SignInResult unknown = f.accounts->SignIn("nobody", "Tianqi-Lang2026", "10.0.0.1");
  SignInResult wrong = f.accounts->SignIn("wangfang", "Tianqi-Lang2027", "10.0.0.1");
  CHECK(unknown.status.code() == StatusCode::kUnauthenticated);
  CHECK(wrong.status.code() == StatusCode::kUnauthenticated);
  CHECK(unknown.status.message() == wrong.status.message());
  CHECK_FALSE(unknown.session);
  // The username is folded to lower case and trimmed.
  CHECK(f.accounts->SignIn(" WangFang ", "Tianqi-Lang2026", "10.0.0.1").status.ok());
}

TEST_CASE("Sign-in: five failures lock for 15 minutes, audited, and the lock runs out",
          "[accounts]") {
  AccountsFixture f;
  const std::string password = f.ReadyAccount("wangfang", "Tianqi-Lang2026");
  for (int i = 1; i <= 4; ++i) {
    f.now += 10;
    CHECK(f.accounts->SignIn("wangfang", "wrong-Pass-1", "10.0.0.1").status.code() ==
          StatusCode::kUnauthenticated);
  }
  f.now += 10;
  SignInResult fifth = f.accounts->SignIn("wangfang", "wrong-Pass-1", "10.0.0.1");
  CHECK(fifth.status.code() == StatusCode::kResourceExhausted);
  CHECK(fifth.retry_after == 15 * 60);
  // Locked: the right password is refused too, with the time left.
  f.now += 5 * 60;
  SignInResult locked = f.accounts->SignIn("wangfang", password, "10.0.0.1");
  CHECK(locked.status.code() == StatusCode::kResourceExhausted);
  CHECK(locked.retry_after == 10 * 60);
  auto account = f.accounts->FindByUsername("wangfang");
  REQUIRE(account.ok());
  CHECK(account->State(f.now) == "locked");
  // Past the 15 minutes it signs in, and the end of the lock is written down.
  f.now += 10 * 60;
  CHECK(f.accounts->SignIn("wangfang", password, "10.0.0.1").status.ok());
  const auto actions = Column(*f.store,
                              "SELECT action FROM audit_log WHERE object_type='account' AND "
                              "action IN ('lock','unlock') ORDER BY id");
  CHECK(actions == std::vector<std::string>{"lock", "unlock"});
  // Failures spread wider than the window never lock.
  for (int i = 0; i < 8; ++i) {
    f.now += 4 * 60;
    CHECK(f.accounts->SignIn("wangfang", "wrong-Pass-1", "10.0.0.1").status.code() ==
          StatusCode::kUnauthenticated);
  }
}

TEST_CASE("Password change: a wrong current password counts as a failed sign-in", "[accounts]") {
  AccountsFixture f;
  const std::string password = f.ReadyAccount("wangfang", "Tianqi-Lang2026");
  SignInResult in = f.accounts->SignIn("wangfang", password, "10.0.0.1");
  REQUIRE(in.status.ok());
  for (int i = 0; i < 4; ++i) {
    CHECK(f.accounts->ChangePassword(*in.session, "Guess-Number-1", "Another-Pass-99", f.cli)
              .code() == StatusCode::kInvalidArgument);
  }
  CHECK(
      f.accounts->ChangePassword(*in.session, "Guess-Number-5", "Another-Pass-99", f.cli).code() ==
      StatusCode::kResourceExhausted);
  // Locked: the right password changes nothing, and signing in waits too.
  CHECK(f.accounts->ChangePassword(*in.session, password, "Another-Pass-99", f.cli).code() ==
        StatusCode::kResourceExhausted);
  CHECK(f.accounts->SignIn("wangfang", password, "10.0.0.1").status.code() ==
        StatusCode::kResourceExhausted);
}

TEST_CASE("Sign-in: an unknown username locks the same way", "[accounts]") {
  AccountsFixture f;
  for (int i = 0; i < 4; ++i)
    CHECK(f.accounts->SignIn("ghost", "wrong-Pass-1", "10.0.0.1").status.code() ==
          StatusCode::kUnauthenticated);
  CHECK(f.accounts->SignIn("ghost", "wrong-Pass-1", "10.0.0.1").status.code() ==
        StatusCode::kResourceExhausted);
}

TEST_CASE("Sessions: end after 30 idle minutes, at 12 hours, at sign-out and password change",
          "[accounts]") {
  AccountsFixture f;
  const std::string password = f.ReadyAccount("wangfang", "Tianqi-Lang2026");
  SignInResult in = f.accounts->SignIn("wangfang", password, "10.0.0.1");
  REQUIRE(in.status.ok());
  CHECK(in.secret.size() == 64);  // 256 bits
  // Only the hash of the secret is stored.
  CHECK(DatabaseBytes(*f.store).find(in.secret) == std::string::npos);
  CHECK(DatabaseBytes(*f.store).find(in.session->csrf_token) != std::string::npos);
  // Used every 29 minutes it lives on, up to the absolute limit.
  for (int i = 0; i < 30; ++i) {
    f.now += 29 * 60;
    auto s = f.accounts->FindSession(in.secret);
    if (f.now >= in.session->expires_at) {
      CHECK(s.status().code() == StatusCode::kUnauthenticated);
      break;
    }
    REQUIRE(s.ok());
  }
  CHECK(f.now >= in.session->created_at + 12 * 3600);
  CHECK(f.now < in.session->created_at + 12 * 3600 + 29 * 60);
  // Idle 30 minutes: gone, and stays gone.
  SignInResult idle = f.accounts->SignIn("wangfang", password, "10.0.0.1");
  REQUIRE(idle.status.ok());
  f.now += 30 * 60;
  CHECK(f.accounts->FindSession(idle.secret).status().code() == StatusCode::kUnauthenticated);
  f.now -= 30 * 60;
  CHECK(f.accounts->FindSession(idle.secret).status().code() == StatusCode::kUnauthenticated);
  // A password change ends the other sessions and keeps the one it was made in.
  SignInResult one = f.accounts->SignIn("wangfang", password, "10.0.0.1");
  SignInResult two = f.accounts->SignIn("wangfang", password, "10.0.0.2");
  REQUIRE(f.accounts->ChangePassword(*one.session, password, "Another-Pass-99", f.cli).ok());
  CHECK(f.accounts->FindSession(one.secret).ok());
  CHECK_FALSE(f.accounts->FindSession(two.secret).ok());
  REQUIRE(f.accounts->EndSession(*one.session, f.cli).ok());
  CHECK_FALSE(f.accounts->FindSession(one.secret).ok());
  // Disabling ends every session, and the right password then meets 403.
  SignInResult three = f.accounts->SignIn("wangfang", "Another-Pass-99", "10.0.0.1");
  auto account = f.accounts->FindByUsername("wangfang");
  REQUIRE(f.accounts->SetDisabled(account->id, true, f.cli).ok());
  CHECK_FALSE(f.accounts->FindSession(three.secret).ok());
  CHECK(f.accounts->SignIn("wangfang", "Another-Pass-99", "10.0.0.1").status.code() ==
        StatusCode::kPermissionDenied);
}

TEST_CASE("Accounts: fields are checked, a reset must be changed, tokens stay in scope",
          "[accounts]") {
  AccountsFixture f;
  CHECK(f.accounts->Create({"ab", "王芳", "staff", "", ""}, f.cli).status().details()[0].field ==
        "username");
  CHECK(f.accounts->Create({"wang fang", "王芳", "staff", "", ""}, f.cli).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(f.accounts->Create({"gx-office", "李明", "province", "4", ""}, f.cli)
            .status()
            .details()[0]
            .field == "province");
  CHECK(f.accounts->Create({"unit-x", "李明", "unit", "", "U999999"}, f.cli)
            .status()
            .details()[0]
            .field == "unit");
  REQUIRE(f.accounts->Create({"gx-office", "李明", "province", "45", ""}, f.cli).ok());
  CHECK(f.accounts->Create({"GX-Office", "李明", "staff", "", ""}, f.cli).status().code() ==
        StatusCode::kAlreadyExists);

  const std::string password = f.ReadyAccount("wangfang", "Tianqi-Lang2026");
  auto account = f.accounts->FindByUsername("wangfang");
  auto reset = f.accounts->ResetPassword(account->id, f.cli);
  REQUIRE(reset.ok());
  CHECK(reset->first.must_change_password);
  CHECK(f.accounts->SignIn("wangfang", password, "10.0.0.1").status.code() ==
        StatusCode::kUnauthenticated);
  SignInResult in = f.accounts->SignIn("wangfang", reset->second, "10.0.0.1");
  REQUIRE(in.status.ok());
  CHECK(in.session->account.must_change_password);

  auto province = f.accounts->FindByUsername("gx-office");
  REQUIRE(province.ok());
  // A province's token: its province, or narrower; never staff or another province.
  auto own = f.accounts->CreateToken(*province, {}, "统计脚本", 30, f.cli);
  REQUIRE(own.ok());
  CHECK(own->role == "province");
  CHECK(own->province == "45");
  CHECK(own->expires_at == f.now + 30 * 86400);
  CHECK(f.accounts->CreateToken(*province, {"", "", "staff", "", ""}, "x", 30, f.cli)
            .status()
            .code() == StatusCode::kPermissionDenied);
  CHECK(f.accounts->CreateToken(*province, {"", "", "province", "11", ""}, "x", 30, f.cli)
            .status()
            .code() == StatusCode::kPermissionDenied);
  CHECK(f.accounts->CreateToken(*province, {}, "x", 400, f.cli).status().code() ==
        StatusCode::kInvalidArgument);
  auto info = f.store->FindToken(own->token);
  REQUIRE(info.ok());
  CHECK(info->account_username == "gx-office");
  // The token stops with its account.
  REQUIRE(f.accounts->SetDisabled(province->id, true, f.cli).ok());
  CHECK(f.store->FindToken(own->token).status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace tp::registry

namespace tp::registry {
namespace {

TEST_CASE("Accounts: an expert names the organisation they work for, kept for 回避", "[accounts]") {
  AccountsFixture f;
  auto missing = f.accounts->Create({"expert-li", "李教授", "expert", "", ""}, f.cli);
  REQUIRE(missing.status().code() == StatusCode::kInvalidArgument);
  CHECK(missing.status().details().front().field == "organisation");
  auto unknown_unit =
      f.accounts->Create({"expert-li", "李教授", "expert", "", "U9999", "广西大学"}, f.cli);
  CHECK(unknown_unit.status().details().front().field == "unit");
  auto made = f.accounts->Create({"expert-li", "李教授", "expert", "", "", " 广西大学 "}, f.cli);
  REQUIRE(made.ok());
  CHECK(made->first.role == "expert");
  CHECK(made->first.organisation == "广西大学");
  CHECK(made->first.unit_rowid == 0);  // an expert is no unit's account
  SignInResult in = f.accounts->SignIn("expert-li", made->second, "127.0.0.1");
  REQUIRE(in.status.ok());
  CHECK(in.session->account.organisation == "广西大学");
  auto session = f.accounts->FindSession(in.secret);
  REQUIRE(session.ok());
  CHECK(session->account.role == "expert");
  CHECK(session->account.organisation == "广西大学");
}

}  // namespace
}  // namespace tp::registry
