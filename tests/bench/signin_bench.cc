// Signing in, measured on the real server process over loopback: what a password hash costs a
// sign-in, whether a wrong password and an unknown username take the same time, and what a
// session cookie costs a call against a Bearer token.
//
//   signin_bench [--binary PATH] [--signins 40] [--tries 20] [--seconds 5] [--connections 4]
//                [--dir DIR]
//
// It makes a registry with the built `talentpool` (init, a demo pool of 200 imported, a staff
// account, a staff token), starts `talentpool serve --port 0` and changes the account's initial
// password, as a person would at the first sign-in. Then it prints:
//   1. the cost of one crypto_pwhash_str at the limits the server uses, timed in this process,
//      and --signins sign-ins (POST /api/v1/session) with 1 and with 2 clients at once: sign-ins
//      per second, p50 and p95;
//   2. --tries sign-ins with a wrong password (spread over accounts so that none reaches the
//      lock of five failures) and --tries with usernames that do not exist, alternated, after
//      one of each timed apart (the server makes the hash it checks unknown usernames against
//      at the first): the mean and p50 of each and their difference;
//   3. enrolment checks by ID number for --seconds on --connections keep-alive connections,
//      through the session's cookie and through the staff token: answers per second, how many
//      were 200 and how many 429 (the server's limit on checks per caller, which `serve` has
//      no option to lift); then the same served in this process with the limits lifted, as
//      http_load_bench serves it, each twice, alternated.
// --dir keeps the registry and the server's log there (default: a temp dir that is removed).
// The server trusts 127.0.0.1 as its proxy, and the failures of part 2 name addresses of their
// own in X-Real-IP, 20 each (what one address may fail at once), so the address limit is not
// what is timed; the statuses are printed, so a 429 would show rather than pass for a 401.
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "api/api_service.h"
#include "api/http_server.h"
#include "indexer/search_index.h"
#include "registry/base/paths.h"
#include "registry/fields/id_number.h"
#include "registry/import/demo_data.h"
#include "registry/store/store.h"
#include "tests/bench/loopback_client.h"
#include "tests/bench/server_process.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;
using tp::bench::Fail;
using tp::bench::RunToEnd;
using tp::bench::ServerProcess;

constexpr long kDemoPersons = 200;

std::string Arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == "--" + name) return argv[i + 1];
  return fallback;
}

std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find_first_of("\r\n"));
}

std::string LastLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const size_t at = text.find_last_of('\n');
  return at == std::string::npos ? text : text.substr(at + 1);
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Nearest rank, as the other benchmarks take it.
double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

double Mean(const std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// One keep-alive connection to the server, opened again whenever the server closes it.
class Client {
 public:
  explicit Client(int port) : port_(port) {}
  ~Client() {
    if (sock_ >= 0) ::close(sock_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  struct Answer {
    int status = 0;  // 0: the connection broke
    std::string head, body;
  };

  // `headers` are whole lines without their CRLF.
  Answer Call(const std::string& method, const std::string& target,
              const std::vector<std::string>& headers, const std::string& body) {
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const std::string& h : headers) request += h + "\r\n";
    if (!body.empty() || method != "GET") {
      request +=
          "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n";
    }
    request += "\r\n" + body;
    return Send(request);
  }

  // A request already written whole.
  Answer Send(const std::string& request) {
    Answer a;
    if (sock_ < 0) sock_ = tp::bench::ConnectLoopback(port_);
    if (sock_ < 0) return a;
    bool keep = false;
    a.status = tp::bench::Exchange(sock_, request, &keep, &a.body, &a.head);
    if (!keep || a.status == 0) {
      ::close(sock_);
      sock_ = -1;
    }
    return a;
  }

 private:
  int port_;
  int sock_ = -1;
};

// The value of the tp_session cookie the answer sets, or "".
std::string SessionCookie(const std::string& head) {
  const std::string key = "tp_session=";
  size_t at = 0;
  while ((at = head.find("\r\n", at)) != std::string::npos) {
    at += 2;
    if (head.compare(at, 12, "Set-Cookie: ") != 0 && head.compare(at, 12, "set-cookie: ") != 0)
      continue;
    const size_t value = head.find(key, at);
    const size_t end = head.find("\r\n", at);
    if (value == std::string::npos || value > end) continue;
    return head.substr(value + key.size(),
                       std::min(head.find(';', value), end) - value - key.size());
  }
  return "";
}

std::string SignInBody(const std::string& username, const std::string& password) {
  return json{{"username", username}, {"password", password}}.dump();
}

struct Session {
  std::string cookie, csrf;
};

Session SignIn(Client& client, const std::string& username, const std::string& password) {
  Client::Answer a = client.Call("POST", "/api/v1/session", {}, SignInBody(username, password));
  if (a.status != 200)
    Fail("signing in as " + username + " answered " + std::to_string(a.status) + ": " + a.body);
  Session s;
  s.cookie = SessionCookie(a.head);
  s.csrf = json::parse(a.body, nullptr, false).value("csrf_token", "");
  if (s.cookie.empty() || s.csrf.empty()) Fail("the sign-in gave no cookie or no csrf_token");
  return s;
}

// --- 1. sign-ins

void TimeHashes() {
  const unsigned long long ops = crypto_pwhash_OPSLIMIT_MODERATE;
  const size_t mem = crypto_pwhash_MEMLIMIT_MODERATE;
  std::printf(
      "Argon2id (%s), libsodium %s, crypto_pwhash_OPSLIMIT_MODERATE = %llu passes, "
      "crypto_pwhash_MEMLIMIT_MODERATE = %zu bytes (%zu MiB)\n",
      crypto_pwhash_STRPREFIX, sodium_version_string(), ops, mem, mem >> 20);
  const char password[] = "Bench-Passw0rd!";
  std::vector<double> hash_ms, verify_ms;
  char stored[crypto_pwhash_STRBYTES];
  for (int i = 0; i < 5; ++i) {
    auto t0 = Clock::now();
    if (crypto_pwhash_str(stored, password, sizeof(password) - 1, ops, mem) != 0)
      Fail("crypto_pwhash_str ran out of memory");
    hash_ms.push_back(Ms(Clock::now() - t0));
    t0 = Clock::now();
    if (crypto_pwhash_str_verify(stored, password, sizeof(password) - 1) != 0)
      Fail("crypto_pwhash_str_verify refused its own hash");
    verify_ms.push_back(Ms(Clock::now() - t0));
  }
  std::printf("  crypto_pwhash_str in this process, 5 runs: p50 %.0f ms, min %.0f, max %.0f\n",
              Percentile(hash_ms, 0.5), *std::min_element(hash_ms.begin(), hash_ms.end()),
              *std::max_element(hash_ms.begin(), hash_ms.end()));
  std::printf("  crypto_pwhash_str_verify, 5 runs:           p50 %.0f ms, min %.0f, max %.0f\n",
              Percentile(verify_ms, 0.5), *std::min_element(verify_ms.begin(), verify_ms.end()),
              *std::max_element(verify_ms.begin(), verify_ms.end()));
}

// `total` sign-ins spread over `clients` threads, each on its own connection.
void TimeSignIns(int port, int total, int clients, const std::string& username,
                 const std::string& password) {
  std::vector<std::vector<double>> ms(static_cast<size_t>(clients));
  std::map<int, int> statuses;
  std::vector<std::map<int, int>> seen(static_cast<size_t>(clients));
  std::atomic<int> next{0};
  const std::string body = SignInBody(username, password);
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Client client(port);
      while (next++ < total) {
        const auto t0 = Clock::now();
        Client::Answer a = client.Call("POST", "/api/v1/session", {}, body);
        ms[static_cast<size_t>(c)].push_back(Ms(Clock::now() - t0));
        seen[static_cast<size_t>(c)][a.status]++;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& m : ms) all.insert(all.end(), m.begin(), m.end());
  for (const auto& m : seen)
    for (const auto& [status, n] : m) statuses[status] += n;
  std::string answers;
  for (const auto& [status, n] : statuses)
    answers += (answers.empty() ? "" : ", ") + std::to_string(n) + " x " + std::to_string(status);
  std::printf("  %d client%s: %d sign-ins in %.1f s, %.2f /s, p50 %.0f ms, p95 %.0f ms (%s)\n",
              clients, clients == 1 ? " " : "s", total, seconds, total / seconds,
              Percentile(all, 0.5), Percentile(all, 0.95), answers.c_str());
}

// --- 2. wrong password against unknown username

// A client address may fail kFailuresPerAddress times at once (ApiOptions), then once a minute.
constexpr int kFailuresPerAddress = 20;

// `tries` + 1 of each kind, alternated. The first of each is printed apart: the server makes the
// hash an unknown username is checked against at its first one. The failures come, as through
// the trusted proxy, from documentation addresses (192.0.2.0/24, RFC 5737),
// kFailuresPerAddress from each, so that no address is made to wait.
void TimeFailures(int port, int tries, const std::vector<std::string>& accounts) {
  Client client(port);
  std::vector<double> wrong, unknown;
  double first[2] = {0, 0};
  std::map<int, int> statuses[2];
  for (int i = 0; i < 2 * (tries + 1); ++i) {
    const int kind = i % 2;  // 0: a wrong password, 1: an unknown username
    const size_t n = static_cast<size_t>(i / 2);
    const std::string username =
        kind == 0 ? accounts[n % accounts.size()] : "nobody." + std::to_string(n);
    const std::string body = SignInBody(username, "Not-the-passw0rd-" + std::to_string(i));
    const std::string address = "X-Real-IP: 192.0.2." + std::to_string(1 + i / kFailuresPerAddress);
    const auto t0 = Clock::now();
    Client::Answer a = client.Call("POST", "/api/v1/session", {address}, body);
    const double ms = Ms(Clock::now() - t0);
    statuses[kind][a.status]++;
    if (n == 0)
      first[kind] = ms;
    else if (a.status == 401)
      (kind == 0 ? wrong : unknown).push_back(ms);
  }
  auto counted = [](const std::map<int, int>& m) {
    std::string s;
    for (const auto& [status, count] : m)
      s += (s.empty() ? "" : ", ") + std::to_string(count) + " x " + std::to_string(status);
    return s;
  };
  std::printf("  first of each: wrong password %.1f ms, unknown username %.1f ms\n", first[0],
              first[1]);
  std::printf(
      "  wrong password (%zu accounts): mean %.1f ms, p50 %.1f ms over %zu timed 401s "
      "(all answers: %s)\n",
      accounts.size(), Mean(wrong), Percentile(wrong, 0.5), wrong.size(),
      counted(statuses[0]).c_str());
  std::printf(
      "  unknown username:              mean %.1f ms, p50 %.1f ms over %zu timed 401s "
      "(all answers: %s)\n",
      Mean(unknown), Percentile(unknown, 0.5), unknown.size(), counted(statuses[1]).c_str());
  std::printf("  difference (wrong - unknown): mean %+.1f ms, p50 %+.1f ms\n",
              Mean(wrong) - Mean(unknown), Percentile(wrong, 0.5) - Percentile(unknown, 0.5));
}

// --- 3. enrolment checks, cookie against token

struct Load {
  long answers = 0, ok = 0, limited = 0, other = 0;
  double seconds = 0;
  std::vector<double> ms;
};

Load CheckLoad(int port, int connections, int seconds, const std::vector<std::string>& headers,
               const std::vector<std::string>& ids) {
  std::vector<std::string> requests;
  for (const std::string& id : ids) {
    const std::string body = json{{"id_number", id}}.dump();
    std::string r = "POST /api/v1/enrollment-check HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const std::string& h : headers) r += h + "\r\n";
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
    requests.push_back(r);
  }
  std::atomic<bool> stop{false};
  std::vector<Load> each(static_cast<size_t>(connections));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      Client client(port);
      Load& mine = each[static_cast<size_t>(c)];
      for (size_t i = static_cast<size_t>(c); !stop; ++i) {
        const auto t0 = Clock::now();
        Client::Answer a = client.Send(requests[i % requests.size()]);
        mine.ms.push_back(Ms(Clock::now() - t0));
        mine.answers += a.status != 0;
        mine.ok += a.status == 200;
        mine.limited += a.status == 429;
        mine.other += a.status != 200 && a.status != 429;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (std::thread& t : threads) t.join();
  Load total;
  total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (const Load& l : each) {
    total.answers += l.answers;
    total.ok += l.ok;
    total.limited += l.limited;
    total.other += l.other;
    total.ms.insert(total.ms.end(), l.ms.begin(), l.ms.end());
  }
  return total;
}

void PrintLoad(const char* what, const Load& l) {
  std::printf(
      "  %-14s %8.0f answers/s (%7.1f /s of them 200), p50 %.2f ms, p99 %.2f ms; "
      "%ld x 200, %ld x 429, %ld other\n",
      what, static_cast<double>(l.answers) / l.seconds, static_cast<double>(l.ok) / l.seconds,
      Percentile(l.ms, 0.5), Percentile(l.ms, 0.99), l.ok, l.limited, l.other);
}

// The same two loads on the registry `data` (the server process stopped), served in this process
// as http_load_bench serves it: the rate limits lifted and the request log off, so that what is
// measured is the check and the two ways of authenticating it, not the limiter.
void UnlimitedChecks(const std::string& data, const std::string& username,
                     const std::string& password, const std::string& token, int connections,
                     int seconds, const std::vector<std::string>& ids) {
  auto store = tp::registry::Store::Open(data);
  if (!store.ok()) Fail("store: " + store.status().ToString());
  auto index = tp::indexer::SearchIndex::Open((*store)->IndexDir());
  if (!index.ok()) Fail("index: " + index.status().ToString());
  tp::api::ApiOptions api;
  api.per_token = {1e9, 1e9};
  api.check_per_token = {1e9, 1e9};
  api.check_per_staff_token = {1e9, 1e9};
  api.index_follow_interval = std::chrono::milliseconds(0);
  auto service = tp::api::ApiService::Create(**store, index->get(), api);
  if (!service.ok()) Fail("service: " + service.status().ToString());
  tp::api::HttpServerOptions http;
  http.port = 0;
  http.log_sink = [](std::string_view) {};
  tp::api::HttpServer server(http);
  (*service)->Install(server);
  auto port = server.Bind();
  if (!port.ok()) Fail("bind: " + port.status().ToString());
  std::thread serving([&] { (void)server.Run(); });
  Session session;
  {
    Client client(*port);
    session = SignIn(client, username, password);
  }
  // Alternated, since this machine's speed drifts from one run of seconds to the next.
  for (int round = 1; round <= 2; ++round) {
    PrintLoad(
        "session cookie",
        CheckLoad(*port, connections, seconds,
                  {"Cookie: tp_session=" + session.cookie, "X-CSRF-Token: " + session.csrf}, ids));
    PrintLoad("Bearer token",
              CheckLoad(*port, connections, seconds, {"Authorization: Bearer " + token}, ids));
  }
  server.Stop();
  serving.join();
}

// ID numbers of the demo pool `talentpool demo --persons kDemoPersons` writes (the generator is
// deterministic), the well-formed ones.
std::vector<std::string> DemoIdNumbers() {
  tp::registry::DemoOptions demo;
  demo.persons = kDemoPersons;
  auto generator = tp::registry::DemoGenerator::Create(demo, tp::registry::DataDir());
  if (!generator.ok()) Fail("demo data: " + generator.status().ToString());
  const auto& header = tp::registry::DemoGenerator::Header();
  const size_t column =
      static_cast<size_t>(std::find(header.begin(), header.end(), "身份证号") - header.begin());
  std::vector<std::string> ids;
  std::vector<std::string> row;
  while (generator->Next(&row)) {
    const std::string& id = row[column];
    if (id.size() == 18 && tp::registry::ComputeCheckDigit(id.substr(0, 17)) == id.substr(17))
      ids.push_back(id);
  }
  if (ids.empty()) Fail("the demo pool has no ID numbers");
  return ids;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string binary = Arg(argc, argv, "binary", TALENTPOOL_BINARY);
  const int signins = std::atoi(Arg(argc, argv, "signins", "40").c_str());
  const int tries = std::atoi(Arg(argc, argv, "tries", "20").c_str());
  const int seconds = std::atoi(Arg(argc, argv, "seconds", "5").c_str());
  const int connections = std::atoi(Arg(argc, argv, "connections", "4").c_str());
  std::string dir = Arg(argc, argv, "dir", "");
  if (sodium_init() < 0) Fail("libsodium did not start");
  const bool own_dir = dir.empty();
  if (own_dir) {
    std::string pattern = (fs::temp_directory_path() / "signin-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) Fail("mkdtemp failed");
    dir = pattern;
  }
  fs::create_directories(dir);
  const std::string data = dir + "/registry";
  const std::string log = dir + "/talentpool.log";

  RunToEnd({binary, "init", "--data", data}, log);
  RunToEnd({binary, "demo", "--persons", std::to_string(kDemoPersons), "--out", dir + "/pool.csv"},
           log);
  RunToEnd({binary, "import", "--data", data, dir + "/pool.csv"}, log);
  const std::string username = "bench.staff";
  const std::string initial = LastLine(RunToEnd(
      {binary, "user", "add", "--data", data, "--username", username, "--role", "staff"}, log));
  // Accounts for the wrong passwords: four failures each at most, one short of the lock.
  std::vector<std::string> accounts;
  for (int i = 0; i < (tries + 1 + 3) / 4; ++i) {
    accounts.push_back("bench.wrong" + std::to_string(i));
    RunToEnd(
        {binary, "user", "add", "--data", data, "--username", accounts.back(), "--role", "staff"},
        log);
  }
  const std::string token =
      FirstLine(RunToEnd({binary, "token", "--data", data, "--role", "staff"}, log));
  const std::vector<std::string> ids = DemoIdNumbers();
  const std::string password = "Signin-Bench-" + std::to_string(::getpid()) + "-Qz";

  {
    // As behind nginx, so that the failed sign-ins of part 2 can name their client addresses.
    ServerProcess server(binary, data, log, {"--trusted-proxy", "127.0.0.1"});
    const int port = server.port();
    std::printf("signin_bench: %s, 127.0.0.1:%d, %u CPU cores\n", binary.c_str(), port,
                std::thread::hardware_concurrency());

    // The first sign-in must change the password someone else set.
    Session session;
    {
      Client client(port);
      Session first = SignIn(client, username, initial);
      Client::Answer a =
          client.Call("POST", "/api/v1/session/password",
                      {"Cookie: tp_session=" + first.cookie, "X-CSRF-Token: " + first.csrf},
                      json{{"current_password", initial}, {"new_password", password}}.dump());
      if (a.status != 200)
        Fail("changing the password answered " + std::to_string(a.status) + ": " + a.body);
      session = SignIn(client, username, password);
    }

    std::printf("\n1. sign-in (POST /api/v1/session), each a crypto_pwhash_str_verify\n");
    TimeHashes();
    TimeSignIns(port, signins, 1, username, password);
    TimeSignIns(port, signins, 2, username, password);

    std::printf("\n2. failed sign-ins, %d of each kind, alternated, one client, %d per address\n",
                tries, kFailuresPerAddress);
    TimeFailures(port, tries, accounts);

    std::printf(
        "\n3. enrolment checks by ID number of the demo pool (%zu numbers), %d connections, "
        "%d s each, staff\n",
        ids.size(), connections, seconds);
    PrintLoad(
        "session cookie",
        CheckLoad(port, connections, seconds,
                  {"Cookie: tp_session=" + session.cookie, "X-CSRF-Token: " + session.csrf}, ids));
    PrintLoad("Bearer token",
              CheckLoad(port, connections, seconds, {"Authorization: Bearer " + token}, ids));
  }
  std::printf(
      "\n   the same in this process, rate limits lifted, request log off "
      "(as http_load_bench)\n");
  UnlimitedChecks(data, username, password, token, connections, seconds, ids);

  if (own_dir) fs::remove_all(dir);
  return 0;
}
