// A registry in a temp dir with people of two provinces and two recommending
// units, a token of every role, and the API serving it on a free loopback
// port of this process. Every reply is checked for whole ID numbers and
// phones the caller should not see (only a staff token asking ?reveal= may),
// and so is every request-log line; tests end with REQUIRE(f.Leaks() == 0).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_service.h"
#include "api/http_server.h"
#include "indexer/search_index.h"
#include "registry/base/person.h"
#include "registry/store/store.h"
#include "support/temp_dir.h"

namespace tp::apitest {

struct Reply {
  int status = 0;  // 0: no answer at all
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case

  nlohmann::json Json() const;
  std::string Header(const std::string& name) const;  // "" when absent
};

// One of the fixture's people, with the values the registry keeps sealed.
struct TestPerson {
  registry::Person person;
  std::string unit_code;  // recommending unit, filled after storing
};

struct FixtureOptions {
  api::ApiOptions api;
  api::HttpServerOptions http;
  // Tests call many times a second with one token; rate limits are tested
  // with this turned off.
  bool relax_rate_limits = true;
};

class ApiFixture {
 public:
  ApiFixture();
  explicit ApiFixture(FixtureOptions options);
  ~ApiFixture();
  ApiFixture(const ApiFixture&) = delete;
  ApiFixture& operator=(const ApiFixture&) = delete;

  // A request over a fresh connection. `token` empty sends no Authorization.
  Reply Call(const std::string& token, const std::string& method, const std::string& target,
             const std::string& body = "",
             std::vector<std::pair<std::string, std::string>> headers = {},
             const std::string& content_type = "application/json");
  Reply Get(const std::string& token, const std::string& target) {
    return Call(token, "GET", target);
  }

  int port() const { return port_; }
  registry::Store& store() { return *store_; }
  api::ApiService& service() { return *service_; }
  api::HttpServer& server() { return *server_; }
  const std::string& dir() const { return dir_.path(); }

  // Tokens: staff, province 45 (广西), unit A (广西科协), unit B (中国化学会).
  std::string staff, province, unit_a, unit_b;
  // Token of a role name as the matrix test spells it ("expert" has none: see ExpertHeaders).
  const std::string& TokenOf(const std::string& who) const;
  // An expert (organisation 广西大学) signed in with their password changed: the headers of a
  // call through their session, with the CSRF token a write needs.
  std::vector<std::pair<std::string, std::string>> ExpertHeaders(bool write) const;
  // Signs the expert in again (after a call that signed them out).
  void RenewExpertSession();
  int64_t account_expert = 0;

  // People: a1, a2 recommended by unit A (province 45), b1, b2 by unit B
  // (province 11). a1, b1 and b2 are admitted (入库), a2 is not.
  std::vector<TestPerson> people;
  const registry::Person& Person(const std::string& key) const;  // "a1", "a2", "b1", "b2"
  std::string unit_a_code, unit_b_code;
  // Accounts of units A and B (made at the start, with their initial passwords).
  int64_t account_a = 0, account_b = 0;
  int64_t attachment_a = 0, attachment_b = 0;  // a photo of a1 and one of b1
  std::string account_a_password;

  // Whole ID numbers and phones of the fixture's people.
  std::vector<std::string> Secrets() const;
  // Replies or log lines holding a secret their reader should not see.
  int Leaks();
  const std::vector<std::string>& LeakReports() const { return leak_reports_; }
  // The request log so far; waits up to two seconds for `at_least` lines,
  // as a line is written just after its answer.
  std::vector<std::string> LogLines(size_t at_least = 0);

 private:
  void Seed();
  void CheckReply(const std::string& token, const std::string& target, const Reply& reply);

  testing::TempDir dir_;
  std::unique_ptr<registry::Store> store_;
  std::unique_ptr<indexer::SearchIndex> index_;
  std::unique_ptr<api::ApiService> service_;
  std::unique_ptr<api::HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::string expert_cookie_, expert_csrf_;
  std::mutex mu_;
  std::vector<std::string> log_lines_;
  std::vector<std::string> leak_reports_;
  size_t log_lines_checked_ = 0;
};

// Calls a route of the table as `who` ("", "staff", "province", "unit_a",
// "unit_b", "expert") on an object the caller may see (`other` false) or one of
// another unit or province (`other` true): placeholders, bodies and
// If-Match are filled in. Fails the test for a placeholder it cannot fill. `query` (without
// the "?") is sent as the query string.
Reply CallRoute(ApiFixture& f, const std::string& method, const std::string& pattern,
                const std::string& who, bool other, const std::string& query = "");

// Whether a placeholder of `pattern` names an object of one unit or
// province (a person, a unit), so that a call on another's is out of scope.
bool NamesScopedObject(const std::string& pattern);

// The routes this module's own table holds (not the cohort and round groups, nor the routes
// of sessions and accounts, which a token calls with placeholder bodies or without a session):
// an entitled token gets its answer from them.
bool IsCoreRoute(const std::string& method, const std::string& pattern);

// The fixture person keys a caller may see; staff: all.
std::vector<std::string> VisibleTo(const std::string& who);

// A valid 18-character ID number from a region code, a birth date YYYYMMDD
// and a three-digit sequence (odd for men, even for women).
std::string MakeIdNumber(const std::string& region, const std::string& birth,
                         const std::string& seq);

// A new connection to 127.0.0.1:`port`, or -1.
int ConnectLoopback(int port);

// Sends raw bytes on a new loopback connection and returns what came back
// before the server closed or `timeout_ms` passed.
std::string RawExchange(int port, const std::string& bytes, int timeout_ms = 5000);

// Percent-encodes every byte outside A-Z a-z 0-9 - _ . ~ (query values).
std::string UrlEncode(const std::string& text);

// The HTTP status of a raw response ("HTTP/1.1 431 ..." -> 431); 0 when none.
int RawStatus(const std::string& response);

// The day `days_from_now` days from today in Beijing time, YYYY-MM-DD (a round's dates).
std::string BeijingDay(int days_from_now);

// `s` written `n` times (a text of a given length).
std::string Repeat(const std::string& s, int n);

}  // namespace tp::apitest
