// Import throughput of the registry alone (no search index): generates a demo
// pool file of each size given (default 100000), imports it into a fresh
// registry and prints rows/s and the peak resident memory. Each size runs in a
// child process of its own, so the peak memory figures are independent and
// show whether memory stays flat as the file grows.
//
//   build/tests/bench/import_bench 100000 400000
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "registry/base/paths.h"
#include "registry/fields/validate.h"
#include "registry/import/demo_data.h"
#include "registry/import/importer.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

int RunOne(long persons, const std::string& work) {
  using namespace tp::registry;
  std::string csv = work + "/pool-" + std::to_string(persons) + ".csv";
  {
    DemoOptions options;
    options.persons = persons;
    std::ofstream out(csv, std::ios::binary);
    auto status = WriteDemoCsv(options, DataDir(), out);
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.ToString().c_str());
      return 1;
    }
  }
  long rss_before = PeakRssMiB();
  auto ref = ReferenceData::Load(DataDir());
  auto store = Store::Create(work + "/reg-" + std::to_string(persons));
  if (!ref.ok() || !store.ok()) {
    std::fprintf(stderr, "set-up failed\n");
    return 1;
  }
  TableOptions table_options;
  for (std::string_view c : CanonicalColumns()) table_options.known_columns.emplace_back(c);
  auto reader = OpenTable(csv, table_options);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", reader.status().ToString().c_str());
    return 1;
  }
  double cpu_start = CpuSeconds();
  auto start = Clock::now();
  auto report = ImportTable(**store, **reader, *ref, {});
  double wall = Seconds(start);
  double cpu = CpuSeconds() - cpu_start;
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().ToString().c_str());
    return 1;
  }
  std::uintmax_t file_mib = std::filesystem::file_size(csv) >> 20;
  std::printf(
      "%9ld rows  %6ju MiB file  imported %ld rejected %ld  %7.2f s wall  %7.2f s cpu  "
      "%9.0f rows/s  peak RSS %ld MiB (%ld MiB before import)\n",
      persons, file_mib, report->imported, report->rejected, wall, cpu, report->imported / wall,
      PeakRssMiB(), rss_before);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<long> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atol(argv[i]));
  if (sizes.empty()) sizes.push_back(100000);
  std::string work =
      (std::filesystem::temp_directory_path() / "talentpool-import-bench-XXXXXX").string();
  if (::mkdtemp(work.data()) == nullptr) return 1;
  int failures = 0;
  for (long persons : sizes) {
    std::fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
      int rc = RunOne(persons, work);
      std::fflush(stdout);
      _exit(rc);
    }
    int status = 0;
    waitpid(child, &status, 0);
    failures += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::filesystem::remove_all(work);
  return failures == 0 ? 0 : 1;
}
