#include "api/api_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include <httplib.h>

#include "registry/accounts/accounts.h"
#include "registry/attachments/attachments.h"
#include "registry/base/paths.h"

#include <catch2/catch.hpp>

#include "registry/fields/id_number.h"
#include "registry/tables/table_reader.h"

namespace tp::apitest {

// The in-process servers of these tests read .xls files through a child running the
// talentpool binary, as the real server does with itself.
const bool kXlsChildSet = (registry::SetXlsReaderBinary(TALENTPOOL_BINARY), true);

nlohmann::json Reply::Json() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

std::string Reply::Header(const std::string& name) const {
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [k, v] : headers)
    if (k == lower) return v;
  return "";
}

std::string MakeIdNumber(const std::string& region, const std::string& birth,
                         const std::string& seq) {
  std::string first17 = region + birth + seq;
  return first17 + registry::ComputeCheckDigit(first17);
}

namespace {

registry::Person NewPerson(std::string name, std::string gender, std::string birth,
                           std::string id_number, std::string phone, std::string ethnic,
                           std::string affiliation, std::string unit, std::string province,
                           std::string recommender, std::string recommender_type, std::string tier,
                           int year) {
  registry::Person p;
  p.name = std::move(name);
  p.gender = std::move(gender);
  p.birth_date = std::move(birth);
  p.id_number = std::move(id_number);
  p.phone = std::move(phone);
  p.ethnic_group = std::move(ethnic);
  p.political_affiliation = std::move(affiliation);
  p.unit_name = std::move(unit);
  p.title = "研究员";
  p.fields = {"材料科学", "科学普及"};
  p.achievements = "主持国家重点研发计划项目";
  p.province = std::move(province);
  p.recommending_unit = std::move(recommender);
  p.recommending_unit_type = std::move(recommender_type);
  p.tier = std::move(tier);
  p.admission_year = year;
  p.email = "someone@example.org";
  return p;
}

}  // namespace

// The fixture's expert signs in with this once their first password is changed.
constexpr const char* kExpertPassword = "Kx7!review-expert";

ApiFixture::ApiFixture() : ApiFixture(FixtureOptions{}) {}

ApiFixture::ApiFixture(FixtureOptions options) {
  auto store = registry::Store::Create(dir_ / "registry");
  if (!store.ok()) throw std::runtime_error("store: " + store.status().ToString());
  store_ = std::move(*store);
  Seed();
  auto index = indexer::SearchIndex::Open(store_->IndexDir());
  if (!index.ok()) throw std::runtime_error("index: " + index.status().ToString());
  index_ = std::move(*index);
  // The tests call many times a second with one token: rate limits are
  // tested with options of their own.
  if (options.relax_rate_limits) {
    options.api.per_token = {10000, 10000};
    options.api.check_per_token = {10000, 10000};
    options.api.check_per_staff_token = {10000, 10000};
    options.api.per_address_unauthenticated = {10000, 10000};
  }
  options.api.index_follow_interval = std::chrono::milliseconds(0);
  // Tests sign in many times: the cheapest limits libsodium names (accounts_test checks the
  // server's own).
  options.api.accounts.cost = registry::PasswordCost::Interactive();
  {
    auto accounts = registry::Accounts::Open(*store_, registry::DataDir(), options.api.accounts);
    if (!accounts.ok()) throw std::runtime_error("accounts: " + accounts.status().ToString());
    registry::AuditEntry who;
    who.actor = "cli";
    auto a = (*accounts)->Create({"unit-a", "单位甲联系人", "unit", "", unit_a_code}, who);
    auto b = (*accounts)->Create({"unit-b", "单位乙联系人", "unit", "", unit_b_code}, who);
    if (!a.ok() || !b.ok()) throw std::runtime_error("accounts of the units");
    account_a = a->first.id;
    account_a_password = a->second;
    account_b = b->first.id;
    registry::NewAccount expert{"expert-a", "评审专家甲", "expert", "", "", "广西大学"};
    auto e = (*accounts)->Create(expert, who);
    if (!e.ok()) throw std::runtime_error("expert account: " + e.status().ToString());
    account_expert = e->first.id;
    registry::SignInResult in = (*accounts)->SignIn("expert-a", e->second, "127.0.0.1");
    if (!in.status.ok() ||
        !(*accounts)->ChangePassword(*in.session, e->second, kExpertPassword, who).ok())
      throw std::runtime_error("expert session");
    expert_cookie_ = in.secret;
    expert_csrf_ = in.session->csrf_token;
  }
  {
    // A photo of a1 and one of b1 (a 2x2 PNG made by Pillow), for the routes of attachments.
    static const std::string kPhoto(
        "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02"
        "\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9a\x73\x00\x00\x00\x16\x49\x44\x41"
        "\x54\x78\x9c\x63\x3c\x21\x27\xc7\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0\xc0\x00\x00\x0d"
        "\x04\x01\x08\x7d\x71\xca\x66\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
        79);
    auto attachments = registry::Attachments::Open(*store_, registry::DataDir());
    if (!attachments.ok())
      throw std::runtime_error("attachments: " + attachments.status().ToString());
    registry::AuditEntry who;
    who.actor = "cli";
    auto a = (*attachments)->Add({Person("a1").public_id, "", "photo", "a1.png", kPhoto}, who);
    auto b = (*attachments)->Add({Person("b1").public_id, "", "photo", "b1.png", kPhoto}, who);
    if (!a.ok() || !b.ok()) throw std::runtime_error("attachments of a1 and b1");
    attachment_a = a->id;
    attachment_b = b->id;
  }
  auto service = api::ApiService::Create(*store_, index_.get(), options.api);
  if (!service.ok()) throw std::runtime_error("service: " + service.status().ToString());
  service_ = std::move(*service);
  options.http.port = 0;
  options.http.log_sink = [this](std::string_view line) {
    std::lock_guard<std::mutex> lock(mu_);
    log_lines_.emplace_back(line);
  };
  server_ = std::make_unique<api::HttpServer>(options.http);
  service_->Install(*server_);
  auto port = server_->Bind();
  if (!port.ok()) throw std::runtime_error("bind: " + port.status().ToString());
  port_ = *port;
  thread_ = std::thread([this] { (void)server_->Run(); });
}

ApiFixture::~ApiFixture() {
  server_->Stop();
  if (thread_.joinable()) thread_.join();
}

void ApiFixture::Seed() {
  const std::string gx = "广西壮族自治区科学技术协会";
  const std::string cs = "中国化学会";
  people.push_back({NewPerson("覃海涛", "男", "1986-03-07",
                              MakeIdNumber("450103", "19860307", "011"), "13877110001", "壮族",
                              "九三学社社员", "广西大学", "45", gx, "省级科协", "领军人才", 2024),
                    ""});
  people.push_back(
      {NewPerson("韦丽华", "女", "1992-11-20", MakeIdNumber("450102", "19921120", "024"),
                 "13977120002", "壮族", "无党派人士", "广西医科大学", "45", gx, "省级科协", "", 0),
       ""});
  people.push_back({NewPerson("张明远", "男", "1979-05-14",
                              MakeIdNumber("110105", "19790514", "015"), "13601010003", "汉族",
                              "民盟盟员", "清华大学", "11", cs, "全国学会", "领军人才", 2024),
                    ""});
  people.push_back(
      {NewPerson("李静", "女", "1995-08-08", MakeIdNumber("110108", "19950808", "026"),
                 "13701010004", "回族", "群众", "北京大学", "11", cs, "全国学会", "青年人才", 2025),
       ""});
  auto batch = store_->BeginWrite();
  if (!batch.ok()) throw std::runtime_error("write: " + batch.status().ToString());
  for (TestPerson& t : people) {
    registry::Person copy = t.person;
    auto done = (*batch)->UpsertPerson(&copy);
    if (!done.ok()) throw std::runtime_error("upsert: " + done.status().ToString());
    t.person.public_id = copy.public_id;
    t.person.rowid = copy.rowid;
  }
  Status committed = (*batch)->Commit();
  if (!committed.ok()) throw std::runtime_error("commit: " + committed.ToString());
  batch->reset();
  auto units = store_->ListUnits();
  if (!units.ok()) throw std::runtime_error("units");
  for (const auto& u : *units) {
    if (u.name == gx) unit_a_code = u.code;
    if (u.name == cs) unit_b_code = u.code;
  }
  for (size_t i = 0; i < people.size(); ++i)
    people[i].unit_code = i < 2 ? unit_a_code : unit_b_code;
  auto token = [&](std::string_view role, std::string_view unit, std::string_view province_code) {
    auto t = store_->CreateToken(role, unit, province_code, std::string(role) + "-test");
    if (!t.ok()) throw std::runtime_error("token: " + t.status().ToString());
    return *t;
  };
  staff = token("staff", "", "");
  province = token("province", "", "45");
  unit_a = token("unit", unit_a_code, "");
  unit_b = token("unit", unit_b_code, "");
}

std::vector<std::pair<std::string, std::string>> ApiFixture::ExpertHeaders(bool write) const {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Cookie", std::string(api::kSessionCookie) + "=" + expert_cookie_}};
  if (write) headers.emplace_back("X-CSRF-Token", expert_csrf_);
  return headers;
}

void ApiFixture::RenewExpertSession() {
  Reply in = Call("", "POST", "/api/v1/session",
                  nlohmann::json{{"username", "expert-a"}, {"password", kExpertPassword}}.dump());
  if (in.status != 200) throw std::runtime_error("expert sign-in: " + in.body);
  const std::string cookie = in.Header("set-cookie");
  const size_t eq = cookie.find('=');
  expert_cookie_ = cookie.substr(eq + 1, cookie.find(';') - eq - 1);
  expert_csrf_ = in.Json()["csrf_token"].get<std::string>();
}

const std::string& ApiFixture::TokenOf(const std::string& who) const {
  if (who == "staff") return staff;
  if (who == "province") return province;
  if (who == "unit_a") return unit_a;
  if (who == "unit_b") return unit_b;
  throw std::runtime_error("no token " + who);
}

const registry::Person& ApiFixture::Person(const std::string& key) const {
  static const char* const kKeys[] = {"a1", "a2", "b1", "b2"};
  for (size_t i = 0; i < 4; ++i)
    if (key == kKeys[i]) return people[i].person;
  throw std::runtime_error("no person " + key);
}

std::vector<std::string> ApiFixture::Secrets() const {
  std::vector<std::string> out;
  for (const TestPerson& t : people) {
    out.push_back(t.person.id_number);
    out.push_back(t.person.phone);
  }
  return out;
}

Reply ApiFixture::Call(const std::string& token, const std::string& method,
                       const std::string& target, const std::string& body,
                       std::vector<std::pair<std::string, std::string>> headers,
                       const std::string& content_type) {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  client.set_write_timeout(30);
  httplib::Headers h;
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  for (auto& [k, v] : headers) h.emplace(k, v);
  httplib::Result result(nullptr, httplib::Error::Unknown);
  if (method == "GET") {
    result = client.Get(target, h);
  } else if (method == "POST") {
    result = client.Post(target, h, body, content_type);
  } else if (method == "PATCH") {
    result = client.Patch(target, h, body, content_type);
  } else if (method == "PUT") {
    result = client.Put(target, h, body, content_type);
  } else if (method == "DELETE") {
    result = client.Delete(target, h, body, content_type);
  } else if (method == "HEAD") {
    result = client.Head(target, h);
  } else if (method == "OPTIONS") {
    result = client.Options(target, h);
  }
  Reply reply;
  if (result) {
    reply.status = result->status;
    reply.body = result->body;
    for (const auto& [k, v] : result->headers) {
      std::string lower = k;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers.emplace_back(lower, v);
    }
  }
  CheckReply(token, target, reply);
  return reply;
}

void ApiFixture::CheckReply(const std::string& token, const std::string& target,
                            const Reply& reply) {
  // Only staff asking to reveal one person may see a whole number.
  if (token == staff && target.find("reveal=") != std::string::npos) return;
  for (const std::string& secret : Secrets()) {
    bool hit = reply.body.find(secret) != std::string::npos;
    for (const auto& [k, v] : reply.headers) hit = hit || v.find(secret) != std::string::npos;
    if (hit) {
      std::lock_guard<std::mutex> lock(mu_);
      leak_reports_.push_back(target + " answered a whole number to a caller who may not see it");
    }
  }
}

std::vector<std::string> ApiFixture::LogLines(size_t at_least) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (log_lines_.size() >= at_least || std::chrono::steady_clock::now() > until)
        return log_lines_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int ApiFixture::Leaks() {
  // Let the last answer's log line arrive.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::vector<std::string> secrets = Secrets();
  std::lock_guard<std::mutex> lock(mu_);
  for (; log_lines_checked_ < log_lines_.size(); ++log_lines_checked_) {
    const std::string& line = log_lines_[log_lines_checked_];
    for (const std::string& secret : secrets)
      if (line.find(secret) != std::string::npos) leak_reports_.push_back("log line: " + line);
  }
  return static_cast<int>(leak_reports_.size());
}

int ConnectLoopback(int port) {
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  if (sock < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(sock);
    return -1;
  }
  return sock;
}

std::string RawExchange(int port, const std::string& bytes, int timeout_ms) {
  int sock = ConnectLoopback(port);
  if (sock < 0) return "";
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(sock, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may refuse before reading everything
    off += static_cast<size_t>(n);
  }
  std::string out;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[8192];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{sock, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(sock, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(sock);
  return out;
}

bool NamesScopedObject(const std::string& pattern) {
  return pattern.find("/persons/{id}") != std::string::npos ||
         pattern.find("/availability/{id}") != std::string::npos ||
         pattern.find("/attachments/{id}") != std::string::npos ||
         pattern.find("/units/{code}") != std::string::npos ||
         pattern.find("/accounts/{id}") != std::string::npos ||
         pattern.find("{unit}") != std::string::npos;
}

bool IsCoreRoute(const std::string& method, const std::string& pattern) {
  // Made only through a session: a token is told so (400).
  if (method == "POST" && pattern == "/api/v1/tokens") return false;
  static const char* const kCore[] = {"/healthz",
                                      "/api/v1/healthz",
                                      "/api/v1/openapi.json",
                                      "/api/v1/me",
                                      "/api/v1/search",
                                      "/api/v1/persons",
                                      "/api/v1/persons/{id}",
                                      "/api/v1/persons/{id}/form.pdf",
                                      "/api/v1/persons/{id}/form.docx",
                                      "/api/v1/units",
                                      "/api/v1/units/{code}",
                                      "/api/v1/enrollment-check",
                                      "/api/v1/stats",
                                      "/api/v1/imports",
                                      "/api/v1/audit",
                                      "/api/v1/tokens"};
  return std::find(std::begin(kCore), std::end(kCore), pattern) != std::end(kCore);
}

std::vector<std::string> VisibleTo(const std::string& who) {
  if (who == "staff") return {"a1", "a2", "b1", "b2"};
  if (who == "province" || who == "unit_a") return {"a1", "a2"};
  if (who == "unit_b") return {"b1", "b2"};
  return {};
}

Reply CallRoute(ApiFixture& f, const std::string& method, const std::string& pattern,
                const std::string& who, bool other, const std::string& query) {
  const std::string token = who.empty() || who == "expert" ? std::string() : f.TokenOf(who);
  // The person and unit the call is about.
  const bool b_side = who == "unit_b";
  const std::string person_key = (b_side != other) ? "b1" : "a1";
  const std::string unit_code = (b_side != other) ? f.unit_b_code : f.unit_a_code;
  const registry::Person& person = f.Person(person_key);
  std::string target = pattern;
  std::vector<std::pair<std::string, std::string>> headers;
  if (who == "expert") headers = f.ExpertHeaders(method != "GET");
  std::string body;
  std::string content_type = "application/json";
  auto replace = [&](const std::string& placeholder, const std::string& value) {
    size_t at = target.find(placeholder);
    if (at != std::string::npos) target.replace(at, placeholder.size(), value);
  };
  if (pattern.rfind("/api/v1/persons/{id}", 0) == 0) {
    replace("{id}", person.public_id);
    if (method == "PATCH" && pattern == "/api/v1/persons/{id}") {
      auto current = f.store().GetPerson(person.public_id);
      headers.emplace_back("If-Match",
                           "\"v" + std::to_string(current.ok() ? current->version : 0) + "\"");
      body = R"({"post": "主任"})";
    }
  } else if (pattern == "/api/v1/units/{code}") {
    replace("{code}", unit_code);
  } else if (pattern == "/api/v1/tokens/{id}") {
    // A token of its own to revoke, so the matrix keeps its tokens.
    auto spare = f.store().CreateToken("unit", unit_code, "", "spare");
    auto tokens = f.store().ListTokens();
    replace("{id}", tokens.ok() && !tokens->empty() ? std::to_string(tokens->back().id) : "0");
    (void)spare;
  } else if (pattern.rfind("/api/v1/accounts/{id}", 0) == 0) {
    replace("{id}", std::to_string(b_side != other ? f.account_b : f.account_a));
  } else if (pattern == "/api/v1/accounts" && method == "POST") {
    static int n = 0;
    body = nlohmann::json{{"username", "matrix-" + std::to_string(++n)},
                          {"display_name", "测试"},
                          {"role", "unit"},
                          {"unit", unit_code}}
               .dump();
  } else if (pattern == "/api/v1/enrollment-check") {
    body = nlohmann::json{{"id_number", person.id_number}}.dump();
  } else if (pattern == "/api/v1/imports") {
    static int n = 0;
    char seq[16];
    std::snprintf(seq, sizeof(seq), "%03d", 2 * (++n % 400) + 1);
    body =
        "姓名,性别,出生日期,身份证号,工作单位,推荐单位,推荐单位类型\r\n"
        "测试" +
        std::to_string(n) + ",男,1991-01-01," + MakeIdNumber("450103", "19910101", seq) +
        ",广西大学,广西壮族自治区科学技术协会,省级科协\r\n";
    content_type = "text/csv";
  }
  // The route groups of cohorts and rounds: seeded events, rounds and rule
  // sets; the person or unit of the call where one is named.
  if (pattern.rfind("/api/v1/events/{code}", 0) == 0) replace("{code}", "2024-training");
  if (pattern.rfind("/api/v1/rounds/{code}", 0) == 0) replace("{code}", "pool-national-2025");
  if (pattern.rfind("/api/v1/rule-sets/{code}", 0) == 0) replace("{code}", "pool-national-2025");
  replace("{unit}", unit_code);
  if (pattern.rfind("/api/v1/availability/{code}", 0) == 0) replace("{code}", "2025-seminar");
  if (pattern.find("/availability/{id}") != std::string::npos ||
      pattern.rfind("/api/v1/availability/", 0) == 0)
    replace("{id}", person.public_id);
  if (pattern.rfind("/api/v1/invitations/{id}", 0) == 0 ||
      pattern.rfind("/api/v1/nominee/attachments/{id}", 0) == 0)
    replace("{id}", "1");
  if (pattern.rfind("/api/v1/attachments/{id}", 0) == 0) {
    replace("{id}", std::to_string(b_side != other ? f.attachment_b : f.attachment_a));
  }
  if (pattern.rfind("/api/v1/recommendations/{id}", 0) == 0 ||
      pattern.rfind("/api/v1/uploads/{id}", 0) == 0 ||
      pattern.rfind("/api/v1/reviews/{id}", 0) == 0 ||
      pattern.rfind("/api/v1/objections/{id}", 0) == 0 ||
      pattern.rfind("/api/v1/expert/reviews/{id}", 0) == 0) {
    replace("{id}", "1");
    replace("{rec}", "1");
    replace("{att}", std::to_string(f.attachment_a));
  }
  if (body.empty() && (method == "POST" || method == "PUT" || method == "PATCH")) body = "{}";
  if (target.find('{') != std::string::npos) {
    FAIL("no way to fill the placeholders of " << pattern);
  }
  if (!query.empty()) target += (target.find('?') == std::string::npos ? "?" : "&") + query;
  Reply reply = f.Call(token, method, target, body, headers, content_type);
  // Signing out ends the expert's session: the calls after it need a new one.
  if (who == "expert" && method == "DELETE" && pattern == "/api/v1/session") f.RenewExpertSession();
  return reply;
}

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

int RawStatus(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

std::string BeijingDay(int days_from_now) {
  const std::time_t t = std::time(nullptr) + 8 * 3600 + days_from_now * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace tp::apitest
