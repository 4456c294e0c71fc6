// Throughput of the demo-data generator: rows per second for Next() alone and
// for WriteDemoCsv into a sink that only counts bytes, so that the figures are
// the generator's and not the disk's. Usage: demo_data_bench [persons] [seed]
// (default 1,000,000 and 2024). Prints wall-clock and CPU time: on a shared
// machine the CPU figure is the one that measures the code.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "registry/base/paths.h"
#include "registry/import/demo_data.h"

namespace {

// Accepts every byte and remembers only how many there were.
class CountingBuffer : public std::streambuf {
 public:
  long long bytes() const { return bytes_; }

 protected:
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) ++bytes_;
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes_ += n;
    return n;
  }

 private:
  long long bytes_ = 0;
};

struct Clock {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  std::clock_t cpu = std::clock();
  double WallSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
  }
  double CpuSeconds() const { return static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC; }
};

}  // namespace

int main(int argc, char** argv) {
  tp::registry::DemoOptions options;
  options.persons = argc > 1 ? std::atol(argv[1]) : 1'000'000;
  if (argc > 2) options.seed = std::strtoull(argv[2], nullptr, 10);
  const std::string data_dir = tp::registry::DataDir();
  std::printf("demo_data_bench: %ld persons, seed %llu, tables from %s\n", options.persons,
              static_cast<unsigned long long>(options.seed), data_dir.c_str());

  Clock load;
  tp::StatusOr<tp::registry::DemoGenerator> generator =
      tp::registry::DemoGenerator::Create(options, data_dir);
  if (!generator.ok()) {
    std::fprintf(stderr, "%s\n", generator.status().ToString().c_str());
    return 1;
  }
  std::printf("load tables: %.0f ms\n", load.WallSeconds() * 1000);

  Clock next;
  std::vector<std::string> row;
  long long cell_bytes = 0;
  while (generator->Next(&row)) cell_bytes += static_cast<long long>(row[1].size());
  const double next_wall = next.WallSeconds();
  const double next_cpu = next.CpuSeconds();
  std::printf(
      "Next() only: %ld rows in %.2f s wall, %.2f s cpu: %.0f rows/s wall, %.0f rows/s cpu\n",
      generator->produced(), next_wall, next_cpu, options.persons / next_wall,
      options.persons / next_cpu);

  CountingBuffer sink;
  std::ostream out(&sink);
  Clock write;
  const tp::Status status = tp::registry::WriteDemoCsv(options, data_dir, out);
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  }
  const double write_wall = write.WallSeconds();
  const double write_cpu = write.CpuSeconds();
  std::printf(
      "WriteDemoCsv to a counting sink: %ld rows, %.1f MB in %.2f s wall, %.2f s cpu: "
      "%.0f rows/s wall, %.0f rows/s cpu, %.0f MB/s cpu\n",
      options.persons, sink.bytes() / 1e6, write_wall, write_cpu, options.persons / write_wall,
      options.persons / write_cpu, sink.bytes() / 1e6 / write_cpu);
  // Keeps the Next() loop from being optimised away.
  return cell_bytes > 0 || options.persons == 0 ? 0 : 1;
}
