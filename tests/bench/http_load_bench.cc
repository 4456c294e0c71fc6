// Load on the API over loopback: requests/s and latency percentiles of
// GET /api/v1/search and POST /api/v1/enrollment-check against a registry of
// --persons demo people (default 100000), each run bounded by --seconds.
//
//   http_load_bench [--persons N] [--seed S] [--seconds S] [--connections C] [--threads T]
//                   [--workers W] [--data DIR] [--figures FILE] [--only search|check]
//
// --data DIR reuses a registry there (or keeps the one made), which must hold the demo pool of
// --persons and --seed (`talentpool demo` makes the same rows). --figures FILE appends the
// figures as key=value lines (wrk_search_rps=…) for scripts/scale_bench.sh. --only runs one of
// the two loads, for profiling the server under it.
//
// The server runs in this process (the same ApiService and HttpServer as
// `talentpool serve`, --threads workers), with the per-token rate limits
// lifted so the figures are the server's, not the limiter's. The load comes
// from wrk when /usr/bin/wrk is installed (the command is printed, so it can
// be rerun by hand against `talentpool serve`), else from a small keep-alive
// client of our own. Search queries rotate over names, units, fields and
// pinyin; enrolment checks over ID numbers of the pool, half of them unknown.
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api/api_service.h"
#include "api/http_server.h"
#include "indexer/search_index.h"
#include "registry/base/paths.h"
#include "registry/fields/id_number.h"
#include "registry/fields/reference_data.h"
#include "registry/fields/validate.h"
#include "registry/import/demo_data.h"
#include "registry/import/importer.h"
#include "registry/store/store.h"
#include "registry/tables/table_reader.h"
#include "tests/bench/loopback_client.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  long persons = 100000;
  uint64_t seed = tp::registry::DemoOptions().seed;
  int seconds = 10;
  int connections = 8;
  int threads = 2;
  int workers = 8;
  std::string data_dir;
};

std::string Arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == "--" + name) return argv[i + 1];
  return fallback;
}

// Registry with `persons` demo people; an existing one is reused.
std::unique_ptr<tp::registry::Store> PrepareRegistry(const Options& o,
                                                     std::vector<std::string>* ids,
                                                     std::vector<std::string>* names) {
  std::string csv_path = o.data_dir + ".csv";
  tp::registry::DemoOptions demo;
  demo.persons = o.persons;
  demo.seed = o.seed;
  auto generator = tp::registry::DemoGenerator::Create(demo, tp::registry::DataDir());
  if (!generator.ok()) {
    std::fprintf(stderr, "demo data: %s\n", generator.status().ToString().c_str());
    std::exit(1);
  }
  const auto& header = tp::registry::DemoGenerator::Header();
  size_t id_col = std::find(header.begin(), header.end(), "身份证号") - header.begin();
  size_t name_col = std::find(header.begin(), header.end(), "姓名") - header.begin();
  bool exists = fs::exists(o.data_dir + "/registry.sqlite");
  std::ofstream csv;
  if (!exists) csv.open(csv_path, std::ios::binary);
  std::string buffer;
  if (!exists) tp::registry::AppendCsvRecord(header, &buffer);
  std::vector<std::string> row;
  while (generator->Next(&row)) {
    if (ids->size() < 5000) ids->push_back(row[id_col]);
    if (names->size() < 2000) names->push_back(row[name_col]);
    if (!exists) {
      tp::registry::AppendCsvRecord(row, &buffer);
      if (buffer.size() > (1 << 20)) {
        csv << buffer;
        buffer.clear();
      }
    }
  }
  if (exists) {
    auto store = tp::registry::Store::Open(o.data_dir);
    if (!store.ok()) std::exit(1);
    return std::move(*store);
  }
  csv << buffer;
  csv.close();
  auto store = tp::registry::Store::Create(o.data_dir);
  if (!store.ok()) {
    std::fprintf(stderr, "store: %s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  auto reference = tp::registry::ReferenceData::Load(tp::registry::DataDir());
  tp::registry::TableOptions table_options;
  for (auto c : tp::registry::CanonicalColumns()) table_options.known_columns.emplace_back(c);
  auto reader = tp::registry::OpenTable(csv_path, table_options);
  if (!reference.ok() || !reader.ok()) std::exit(1);
  auto start = Clock::now();
  auto report = tp::registry::ImportTable(**store, **reader, *reference, {});
  if (!report.ok()) {
    std::fprintf(stderr, "import: %s\n", report.status().ToString().c_str());
    std::exit(1);
  }
  std::printf("imported %ld persons in %.1f s\n", report->imported,
              std::chrono::duration<double>(Clock::now() - start).count());
  fs::remove(csv_path);
  return std::move(*store);
}

struct Figures {
  double requests_per_second = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0;
  long requests = 0;
  long errors = 0;  // non-2xx or broken connections
  std::string how;
};

// --- the built-in load generator (when wrk is absent)

Figures BuiltInLoad(int port, const Options& o, const std::vector<std::string>& requests) {
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(o.connections));
  std::atomic<long> errors{0};
  std::vector<std::thread> clients;
  auto start = Clock::now();
  for (int c = 0; c < o.connections; ++c) {
    clients.emplace_back([&, c] {
      int sock = -1;
      size_t i = static_cast<size_t>(c);
      while (!stop) {
        if (sock < 0) sock = tp::bench::ConnectLoopback(port);
        if (sock < 0) {
          errors++;
          continue;
        }
        bool keep = false;
        auto t0 = Clock::now();
        int status = tp::bench::Exchange(sock, requests[i++ % requests.size()], &keep);
        auto dt = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (status >= 200 && status < 300) {
          latencies[static_cast<size_t>(c)].push_back(dt);
        } else {
          errors++;
        }
        if (!keep || status == 0) {
          ::close(sock);
          sock = -1;
        }
      }
      if (sock >= 0) ::close(sock);
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  stop = true;
  for (auto& t : clients) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  Figures f;
  f.requests = static_cast<long>(all.size());
  f.errors = errors;
  f.requests_per_second = static_cast<double>(all.size()) / elapsed;
  auto pct = [&](double p) {
    return all.empty() ? 0
                       : all[std::min(all.size() - 1,
                                      static_cast<size_t>(p * static_cast<double>(all.size())))];
  };
  f.p50_ms = pct(0.50);
  f.p90_ms = pct(0.90);
  f.p99_ms = pct(0.99);
  f.how = "built-in keep-alive client, " + std::to_string(o.connections) + " connections, " +
          std::to_string(o.seconds) + " s";
  return f;
}

// --- wrk

double WrkMs(const std::string& text) {
  double v = std::atof(text.c_str());
  if (text.find("us") != std::string::npos) return v / 1000;
  if (text.find("ms") != std::string::npos) return v;
  if (text.find('s') != std::string::npos) return v * 1000;
  return v;
}

Figures RunWrk(int port, const Options& o, const std::string& script, const std::string& dir) {
  std::string out_path = dir + "/wrk.out";
  std::string command = "wrk -t" + std::to_string(o.threads) + " -c" +
                        std::to_string(o.connections) + " -d" + std::to_string(o.seconds) +
                        "s --timeout 10s --latency -s " + script +
                        " http://127.0.0.1:" + std::to_string(port);
  Figures f;
  f.how = command;
  if (std::system((command + " > " + out_path + " 2>&1").c_str()) != 0) {
    f.how += " (wrk failed)";
    return f;
  }
  std::ifstream in(out_path);
  std::string line;
  while (std::getline(in, line)) {
    auto field = [&](const std::string& key) {
      size_t at = line.find(key);
      return at == std::string::npos ? std::string() : line.substr(at + key.size());
    };
    if (line.find("Requests/sec:") != std::string::npos)
      f.requests_per_second = std::atof(field("Requests/sec:").c_str());
    if (line.find(" 50%") == 0 || line.find("     50%") != std::string::npos)
      f.p50_ms = WrkMs(field("50%"));
    if (line.find("     90%") != std::string::npos) f.p90_ms = WrkMs(field("90%"));
    if (line.find("     99%") != std::string::npos) f.p99_ms = WrkMs(field("99%"));
    if (line.find("requests in") != std::string::npos) f.requests = std::atol(line.c_str());
    if (line.find("Non-2xx or 3xx responses:") != std::string::npos)
      f.errors += std::atol(field("responses:").c_str());
    if (line.find("Socket errors:") != std::string::npos) {
      for (const char* key : {"connect ", "read ", "write ", "timeout "})
        f.errors += std::atol(field(key).c_str());
    }
  }
  return f;
}

std::string LuaString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void Print(const std::string& what, const Figures& f) {
  std::printf(
      "%-18s %9.0f req/s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  (%ld requests, %ld errors)\n",
      what.c_str(), f.requests_per_second, f.p50_ms, f.p90_ms, f.p99_ms, f.requests, f.errors);
  std::printf("%-18s   %s\n", "", f.how.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.persons = std::atol(Arg(argc, argv, "persons", "100000").c_str());
  o.seed = std::stoull(Arg(argc, argv, "seed", std::to_string(o.seed)));
  o.seconds = std::atoi(Arg(argc, argv, "seconds", "10").c_str());
  o.connections = std::atoi(Arg(argc, argv, "connections", "8").c_str());
  o.threads = std::atoi(Arg(argc, argv, "threads", "2").c_str());
  o.workers = std::atoi(Arg(argc, argv, "workers", "8").c_str());
  std::string keep_dir = Arg(argc, argv, "data", "");
  const std::string only = Arg(argc, argv, "only", "");
  if (!only.empty() && only != "search" && only != "check") {
    std::fprintf(stderr, "--only: search or check, not %s\n", only.c_str());
    return 2;
  }
  const bool run_search = only != "check", run_check = only != "search";
  fs::path scratch =
      fs::temp_directory_path() / ("talentpool-http-bench-" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  o.data_dir = keep_dir.empty() ? (scratch / "registry").string() : keep_dir;

  std::vector<std::string> ids, names;
  auto store = PrepareRegistry(o, &ids, &names);
  auto index = tp::indexer::SearchIndex::Open(store->IndexDir());
  if (!index.ok()) {
    std::fprintf(stderr, "index: %s\n", index.status().ToString().c_str());
    return 1;
  }
  tp::api::ApiOptions api;
  api.per_token = {1e9, 1e9};
  api.check_per_token = {1e9, 1e9};
  api.check_per_staff_token = {1e9, 1e9};
  api.index_follow_interval = std::chrono::milliseconds(0);
  auto catch_up_start = Clock::now();
  auto service = tp::api::ApiService::Create(*store, index->get(), api);
  if (!service.ok()) {
    std::fprintf(stderr, "service: %s\n", service.status().ToString().c_str());
    return 1;
  }
  std::printf("index up to date in %.1f s\n",
              std::chrono::duration<double>(Clock::now() - catch_up_start).count());
  auto units = store->ListUnits();
  auto staff = store->CreateToken("staff", "", "", "bench");
  auto unit = store->CreateToken("unit", units.ok() && !units->empty() ? units->front().code : "",
                                 "", "bench");
  if (!staff.ok() || !unit.ok()) return 1;

  tp::api::HttpServerOptions http;
  http.port = 0;
  http.worker_threads = o.workers;
  http.log_sink = [](std::string_view) {};  // the log is not what is measured
  tp::api::HttpServer server(http);
  (*service)->Install(server);
  int port = *server.Bind();
  std::thread runner([&] { (void)server.Run(); });

  // What is asked: names (whole, surname + given, pinyin), units, fields.
  std::vector<std::string> queries;
  for (size_t i = 0; i < names.size() && queries.size() < 400; i += 5) queries.push_back(names[i]);
  for (const char* q : {"清华大学", "材料", "人工智能", "研究员", "zhang", "wangwei", "lj",
                        "中国科学院", "医学", "广西"})
    queries.push_back(q);
  std::vector<std::string> checks;
  for (size_t i = 0; i < ids.size() && checks.size() < 2000; ++i) {
    std::string id = ids[i];
    if (id.size() != 18) continue;  // some demo people have no ID number
    // Every other one is a valid number nobody in the pool has.
    if (i % 2 == 1) {
      std::string first17 =
          id.substr(0, 14) + std::to_string(100 + static_cast<int>(i % 800)).substr(0, 3);
      id = first17 + tp::registry::ComputeCheckDigit(first17);
    }
    checks.push_back(nlohmann::json{{"id_number", id}}.dump());
  }

  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  const int cores = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 ? CPU_COUNT(&cpus) : 0;
  std::printf(
      "http_load_bench: %ld persons, %d server workers, 127.0.0.1:%d; server and load generator "
      "share "
      "%d CPU cores\n",
      o.persons, o.workers, port, cores);
  bool have_wrk = fs::exists("/usr/bin/wrk");
  const std::string dir = scratch.string();
  Figures search, check;
  if (have_wrk) {
    std::string lua = "local q = {";
    for (const auto& s : queries)
      lua += LuaString("/api/v1/search?size=10&q=" +
                       [&] {
                         std::string enc;
                         for (unsigned char c : s) {
                           char hex[4];
                           if (std::isalnum(c)) {
                             enc += static_cast<char>(c);
                           } else {
                             std::snprintf(hex, sizeof(hex), "%%%02X", c);
                             enc += hex;
                           }
                         }
                         return enc;
                       }()) +
             ",";
    lua += "}\nlocal i = 0\nwrk.headers[\"Authorization\"] = \"Bearer " + *staff +
           "\"\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", q[(i % #q) + "
           "1])\nend\n";
    std::ofstream(dir + "/search.lua") << lua;
    std::string lua2 = "local b = {";
    for (const auto& s : checks) lua2 += LuaString(s) + ",";
    lua2 +=
        "}\nlocal i = 0\nwrk.method = \"POST\"\nwrk.headers[\"Authorization\"] = \"Bearer " +
        *unit +
        "\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nrequest = function()\n  i = i + "
        "1\n"
        "  return wrk.format(\"POST\", \"/api/v1/enrollment-check\", nil, b[(i % #b) + 1])\nend\n";
    std::ofstream(dir + "/check.lua") << lua2;
    if (run_search) search = RunWrk(port, o, dir + "/search.lua", dir);
    if (run_check) check = RunWrk(port, o, dir + "/check.lua", dir);
  } else {
    auto request = [&](const std::string& method, const std::string& target,
                       const std::string& token, const std::string& body) {
      std::string r = method + " " + target + " HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " +
                      token + "\r\n";
      if (!body.empty())
        r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\n";
      return r + "\r\n" + body;
    };
    std::vector<std::string> search_requests, check_requests;
    for (const auto& q : queries) {
      std::string enc;
      for (unsigned char c : q) {
        char hex[4];
        std::snprintf(hex, sizeof(hex), "%%%02X", c);
        enc += std::isalnum(c) ? std::string(1, static_cast<char>(c)) : std::string(hex);
      }
      search_requests.push_back(request("GET", "/api/v1/search?size=10&q=" + enc, *staff, ""));
    }
    for (const auto& b : checks)
      check_requests.push_back(request("POST", "/api/v1/enrollment-check", *unit, b));
    if (run_search) search = BuiltInLoad(port, o, search_requests);
    if (run_check) check = BuiltInLoad(port, o, check_requests);
  }
  if (run_search) Print("search", search);
  if (run_check) Print("enrollment-check", check);
  const std::string figures_path = Arg(argc, argv, "figures", "");
  if (!figures_path.empty()) {
    std::ofstream figures(figures_path, std::ios::app);
    for (const auto& [key, f] : {std::pair<std::string, const Figures&>{"wrk_search", search},
                                 std::pair<std::string, const Figures&>{"wrk_check", check}}) {
      if ((key == "wrk_search" && !run_search) || (key == "wrk_check" && !run_check)) continue;
      figures << key << "_rps=" << f.requests_per_second << "\n"
              << key << "_p50_ms=" << f.p50_ms << "\n"
              << key << "_p99_ms=" << f.p99_ms << "\n"
              << key << "_errors=" << f.errors << "\n"
              << key << "_how=" << f.how << "\n";
    }
    figures << "http_cores=" << cores << "\nhttp_workers=" << o.workers << "\n";
  }

  server.Stop();
  runner.join();
  fs::remove_all(scratch);
  return 0;
}
