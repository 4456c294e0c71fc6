// Whether the enrolment check's time tells a present ID number from an absent one: checks by
// ID number over loopback, alternating numbers of the registry and numbers of nobody, with a
// unit token (the caller the check's answer must tell least), each timed alone.
//
//   enrollment_timing_bench [--persons 20000] [--checks 4000] [--workers 8]
//
// The server runs in this process (the ApiService and HttpServer of `talentpool serve`) on a
// registry of --persons people, all admitted in 2024, with the rate limits lifted. Prints the
// median, p10 and p90 in microseconds of each kind and the difference of the medians.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/api_service.h"
#include "api/http_server.h"
#include "indexer/search_index.h"
#include "registry/fields/id_number.h"
#include "registry/store/store.h"
#include "tests/bench/loopback_client.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The n-th ID number of a region: distinct for n below 36,500,000.
std::string IdNumber(const std::string& region, long n) {
  const int year = 1960 + static_cast<int>(n / 36500 % 40);
  const int day = static_cast<int>(n % 365);
  char first17[32];
  std::snprintf(first17, sizeof first17, "%s%04d%02d%02d%03d", region.c_str(), year,
                1 + day / 31 % 12, 1 + day % 28, static_cast<int>(n / 365 % 100) * 10 % 1000);
  std::string id = first17;
  return id + tp::registry::ComputeCheckDigit(id);
}

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  long persons = 20000;
  int checks = 4000;
  int workers = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--persons")
      persons = std::atol(argv[i + 1]);
    else if (flag == "--checks")
      checks = std::atoi(argv[i + 1]);
    else if (flag == "--workers")
      workers = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  fs::path dir = fs::temp_directory_path() / ("enrollment-timing-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto store = tp::registry::Store::Create(dir.string());
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
  std::vector<std::string> present, absent;
  {
    auto batch = (*store)->BeginWrite();
    if (!batch.ok()) return 1;
    for (long n = 0; n < persons; ++n) {
      tp::registry::Person p;
      p.name = "测试" + std::to_string(n);
      p.id_number = IdNumber("110105", n);
      p.recommending_unit = "中国化学会";
      p.recommending_unit_type = "全国学会";
      p.admission_year = 2024;
      if (!(*batch)->UpsertPerson(&p).ok()) return 1;
      if (n % (persons / 1000 + 1) == 0) present.push_back(p.id_number);
    }
    if (!(*batch)->Commit().ok()) return 1;
  }
  for (size_t i = 0; i < present.size(); ++i)
    absent.push_back(IdNumber("450103", static_cast<long>(i) * 7));
  auto units = (*store)->ListUnits();
  auto token = (*store)->CreateToken("unit", units->front().code, "", "timing");
  auto index = tp::indexer::SearchIndex::Open((*store)->IndexDir());
  tp::api::ApiOptions api;
  api.per_token = {1e9, 1e9};
  api.check_per_token = {1e9, 1e9};
  api.check_per_staff_token = {1e9, 1e9};
  api.index_follow_interval = std::chrono::milliseconds(0);
  auto service = tp::api::ApiService::Create(**store, index.ok() ? index->get() : nullptr, api);
  if (!service.ok()) return std::fprintf(stderr, "%s\n", service.status().ToString().c_str()), 1;
  tp::api::HttpServerOptions http;
  http.port = 0;
  http.worker_threads = workers;
  http.log_sink = [](std::string_view) {};
  tp::api::HttpServer server(http);
  (*service)->Install(server);
  auto port = server.Bind();
  if (!port.ok()) return 1;
  std::thread serving([&] { (void)server.Run(); });

  int sock = tp::bench::ConnectLoopback(*port);
  std::vector<double> times[2];
  for (int i = 0; i < checks; ++i) {
    const bool exists = i % 2 == 0;
    const std::vector<std::string>& pool = exists ? present : absent;
    const std::string body =
        "{\"id_number\":\"" + pool[static_cast<size_t>(i / 2) % pool.size()] + "\"}";
    const std::string request =
        "POST /api/v1/enrollment-check HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + *token +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    bool keep = true;
    auto start = Clock::now();
    int status = tp::bench::Exchange(sock, request, &keep);
    double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    if (status != 200) return std::fprintf(stderr, "check answered %d\n", status), 1;
    if (i >= checks / 10) times[exists ? 0 : 1].push_back(us);  // the first tenth warms the caches
    if (!keep) {
      ::close(sock);
      sock = tp::bench::ConnectLoopback(*port);
    }
  }
  ::close(sock);
  server.Stop();
  serving.join();
  std::printf(
      "enrolment check by ID number, unit token, %ld people, %zu timed checks of each kind\n",
      persons, times[0].size());
  std::printf("%-8s %9s %9s %9s\n", "kind", "p10_us", "p50_us", "p90_us");
  const char* names[2] = {"present", "absent"};
  for (int k = 0; k < 2; ++k) {
    std::printf("%-8s %9.1f %9.1f %9.1f\n", names[k], Percentile(times[k], 0.1),
                Percentile(times[k], 0.5), Percentile(times[k], 0.9));
  }
  std::printf("median difference (present - absent): %.1f us\n",
              Percentile(times[0], 0.5) - Percentile(times[1], 0.5));
  fs::remove_all(dir);
  return 0;
}
