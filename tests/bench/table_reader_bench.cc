// Reading speed and memory of the table reader: generates a pool file of
// --rows rows (default 100000) by 25 columns as UTF-8 CSV, GB18030 CSV and
// XLSX (shared strings, and inline strings as constant-memory exports write
// them), then reads each in a fresh process and prints rows/s and peak RSS.
//
//   table_reader_bench [--rows N] [--dir DIR]
//
// The files are generated in one child process and each is read in another
// (this program run with --generate or --read), so the peak RSS getrusage
// reports for a read is the reader's alone, not the generator's.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unicode/ucnv.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "registry/tables/table_reader.h"
#include "registry/tables/xlsx_writer.h"

namespace {

namespace fs = std::filesystem;
using tp::registry::XlsxWriter;

const std::vector<std::string> kHeader = {"编号",
                                          "姓名",
                                          "性别",
                                          "民族",
                                          "出生日期",
                                          "身份证号",
                                          "籍贯",
                                          "政治面貌",
                                          "工作单位",
                                          "职务",
                                          "技术职称",
                                          "最高学历",
                                          "擅长领域",
                                          "主要成就",
                                          "手机",
                                          "电子邮箱",
                                          "推荐单位",
                                          "推荐单位类型",
                                          "人才类别",
                                          "所属群体",
                                          "入库年度",
                                          "可否参加专题研修班",
                                          "可否参加国情研修活动",
                                          "通讯地址",
                                          "邮编"};

// A plausible record; names, IDs, phones and achievements differ per row so
// the shared-strings table is as large as a real one.
std::vector<std::string> Record(long i) {
  static const char* const kSurnames[] = {"覃", "曾", "单",   "解",   "区",
                                          "朴", "查", "尉迟", "欧阳", "韦"};
  static const char* const kGiven[] = {"超勇", "丽华", "建国", "晓明",
                                       "𠀀芳", "海燕", "志强", "静"};
  static const char* const kGroups[] = {"汉族", "壮族", "瑶族", "苗族", "侗族", "回族"};
  static const char* const kTitles[] = {"研究员", "教授", "高级工程师", "副研究员", "主任医师"};
  char id[48], phone[32], date[48];
  std::snprintf(date, sizeof date, "19%02ld-%02ld-%02ld", 60 + i % 35, 1 + i % 12, 1 + i % 28);
  std::snprintf(id, sizeof id, "4501031%02ld%02ld%02ld%04ld", 60 + i % 35, 1 + i % 12, 1 + i % 28,
                i % 10000);
  std::snprintf(phone, sizeof phone, "138%08ld", i);
  std::string name = std::string(kSurnames[i % 10]) + kGiven[(i / 10) % 8];
  return {"P" + std::to_string(1000000 + i),
          name,
          i % 2 ? "男" : "女",
          kGroups[i % 6],
          date,
          id,
          "广西南宁",
          "无党派人士",
          "广西大学化学化工学院第" + std::to_string(i % 97) + "研究所",
          "所长",
          kTitles[i % 5],
          "博士研究生",
          "材料科学、催化化学；绿色化工",
          "主持国家自然科学基金项目 " + std::to_string(i % 13) +
              " 项，获广西科学技术进步奖一等奖，发表论文 " + std::to_string(40 + i % 60) + " 篇",
          phone,
          "user" + std::to_string(i) + "@example.cn",
          "广西壮族自治区科学技术协会",
          "省级科协",
          i % 3 ? "领军人才" : "青年人才",
          i % 4 ? "" : "新社会组织",
          "2024",
          "是",
          i % 5 ? "是" : "否",
          "南宁市西乡塘区大学东路 " + std::to_string(100 + i % 900) + " 号",
          "530004"};
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    if (c) line += ',';
    line += cells[c];
  }
  return line + "\r\n";
}

void WriteCsv(const std::string& path, long rows, const char* encoding) {
  std::ofstream out(path, std::ios::binary);
  UErrorCode error = U_ZERO_ERROR;
  UConverter* converter = encoding ? ucnv_open(encoding, &error) : nullptr;
  auto put = [&](const std::string& utf8) {
    if (!converter) {
      out << utf8;
      return;
    }
    std::vector<char> buffer(utf8.size() * 2 + 16);
    UErrorCode e = U_ZERO_ERROR;
    // Whole lines are converted, so no character is split between calls.
    int32_t n = ucnv_convert(encoding, "UTF-8", buffer.data(), static_cast<int32_t>(buffer.size()),
                             utf8.data(), static_cast<int32_t>(utf8.size()), &e);
    out.write(buffer.data(), n);
  };
  put(CsvLine(kHeader));
  for (long i = 0; i < rows; ++i) put(CsvLine(Record(i)));
  if (converter) ucnv_close(converter);
}

bool WriteXlsx(const std::string& path, long rows, bool constant_memory) {
  auto writer = XlsxWriter::Create(path, tp::registry::XlsxWriterOptions{constant_memory});
  if (!writer.ok()) return false;
  if (!(*writer)->WriteHeader(kHeader).ok()) return false;
  for (long i = 0; i < rows; ++i) {
    if (!(*writer)->WriteRow(Record(i)).ok()) return false;
  }
  return (*writer)->Close().ok();
}

long PeakRssKib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// The child's side: read every record, print one line of figures.
int Read(const std::string& path) {
  long baseline = PeakRssKib();
  auto start = std::chrono::steady_clock::now();
  auto table = tp::registry::OpenTable(path);
  if (!table.ok()) {
    std::fprintf(stderr, "%s\n", table.status().ToString().c_str());
    return 1;
  }
  std::vector<std::string> cells;
  long row = 0, records = 0, cells_seen = 0;
  while (true) {
    auto more = (*table)->Next(&cells, &row);
    if (!more.ok()) {
      std::fprintf(stderr, "%s\n", more.status().ToString().c_str());
      return 1;
    }
    if (!*more) break;
    ++records;
    cells_seen += static_cast<long>(cells.size());
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "%-12s %9.1f MB %9ld rows %7.2f s %10.0f rows/s   peak RSS %6.1f MB (%.1f MB before "
      "opening)\n",
      std::string((*table)->Format()).c_str(), static_cast<double>(fs::file_size(path)) / 1e6,
      records, seconds, records / seconds, PeakRssKib() / 1024.0, baseline / 1024.0);
  return records > 0 && cells_seen >= records * 25 ? 0 : 1;
}

int Generate(const std::string& dir, long rows) {
  WriteCsv(dir + "/pool-utf8.csv", rows, nullptr);
  WriteCsv(dir + "/pool-gb18030.csv", rows, "GB18030");
  if (!WriteXlsx(dir + "/pool-shared.xlsx", rows, false) ||
      !WriteXlsx(dir + "/pool-inline.xlsx", rows, true)) {
    std::fprintf(stderr, "could not write the XLSX files\n");
    return 1;
  }
  return 0;
}

// Runs this program again with `args` in a fresh process.
int RunChild(std::vector<std::string> args) {
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string self = "/proc/self/exe";
    argv.push_back(self.data());
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(self.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace

int main(int argc, char** argv) {
  long rows = 100000;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--read" && i + 1 < argc) return Read(argv[i + 1]);
    if (arg == "--generate" && i + 2 < argc) return Generate(argv[i + 1], std::atol(argv[i + 2]));
    if (arg == "--rows" && i + 1 < argc) rows = std::atol(argv[++i]);
    if (arg == "--dir" && i + 1 < argc) dir = argv[++i];
  }
  bool own_dir = dir.empty();
  if (own_dir) {
    std::string pattern = (fs::temp_directory_path() / "table-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) return 1;
    dir = pattern;
  }
  std::printf("generating %ld rows x %zu columns in %s\n", rows, kHeader.size(), dir.c_str());
  if (RunChild({"--generate", dir, std::to_string(rows)}) != 0) return 1;
  int failures = 0;
  for (const char* name :
       {"pool-utf8.csv", "pool-gb18030.csv", "pool-shared.xlsx", "pool-inline.xlsx"}) {
    std::printf("%-18s ", name);
    failures += RunChild({"--read", dir + "/" + name}) != 0;
  }
  if (own_dir) fs::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
