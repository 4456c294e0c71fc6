// The memory of `talentpool serve` under hostile uploads, measured on the real
// server process (its VmRSS in /proc, sampled every 5 ms):
//
//   - a zip-bomb XLSX, about 0.6 MB, whose xl/sharedStrings.xml inflates to
//     about 600 MB of long strings while the zip declares 100 KB for it (so
//     the declared sizes are no help), uploaded as a unit's 汇总表 once, then
//     three at once with the same unit token, then once to the staff import;
//     before that, once as written, declaring its true sizes, and after it,
//     a bomb whose 600 MB are one-character strings;
//   - a 30 MB CSV of 2,000 bad rows (each with a 15 KB cell that the error
//     message quotes), uploaded as a 汇总表 and to the staff import.
//
// It prints the server's RSS at rest, then for each upload the RSS before it,
// the peak growth over that, the RSS once settled (2 s after the answers) and
// how much that is over the RSS at rest, so memory that never comes back
// shows; then the time to the answers and their statuses.
//
//   upload_memory_bench [--binary PATH] [--bomb-mb N] [--csv-mb N] [--dir DIR]
//
// --binary is the talentpool to measure (default: the one built with this
// program), so an older build can be measured for comparison. --dir keeps the
// registry, the files and the server's log there (default: a temp dir that is
// removed). Uploads go to 127.0.0.1 only, at most three at a time, each
// bounded by the server's own timeouts; a run takes about a minute.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/loopback_client.h"
#include "tests/bench/server_process.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using tp::bench::RunToEnd;
using tp::bench::ServerProcess;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "upload_memory_bench: %s\n", what.c_str());
  std::exit(1);
}

std::string Arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == "--" + name) return argv[i + 1];
  return fallback;
}

std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find_first_of("\r\n"));
}

std::string Multipart(const std::string& filename, const std::string& bytes,
                      std::string* content_type) {
  const std::string boundary = "----upload-memory-bench-7d1f";
  *content_type = "multipart/form-data; boundary=" + boundary;
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
         filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n--" +
         boundary + "--\r\n";
}

// Posts `bytes` as the web pages do (a form's file part); the answer's status, 0 when none.
int Upload(int port, const std::string& token, const std::string& target,
           const std::string& filename, const std::string& bytes) {
  std::string content_type;
  std::string body = Multipart(filename, bytes, &content_type);
  std::string request =
      "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
      "\r\nContent-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  int sock = tp::bench::ConnectLoopback(port);
  if (sock < 0) return 0;
  timeval wait{120, 0};  // no answer within two minutes counts as none
  ::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
  bool keep = false;
  int status = tp::bench::Exchange(sock, request, &keep);
  ::close(sock);
  return status;
}

struct Measure {
  long before_kb = 0;
  long peak_kb = 0;
  long settled_kb = 0;
  std::vector<int> statuses;
  double seconds = 0;
};

// Runs the uploads (each on a thread of its own, all at once) while sampling the server's RSS.
Measure During(const ServerProcess& server, const std::vector<std::function<int()>>& uploads) {
  Measure m;
  m.before_kb = server.Rss();
  std::atomic<bool> done{false};
  std::atomic<long> peak{m.before_kb};
  std::thread sampler([&] {
    while (!done) {
      long now = server.Rss();
      if (now > peak) peak = now;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  auto start = Clock::now();
  m.statuses.resize(uploads.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < uploads.size(); ++i)
    threads.emplace_back([&, i] { m.statuses[i] = uploads[i](); });
  for (std::thread& t : threads) t.join();
  m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  done = true;
  sampler.join();
  m.peak_kb = peak;
  m.settled_kb = server.Rss();
  return m;
}

// ---- the files ---------------------------------------------------------------

const char* const kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const char* const kRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// A workbook whose one sheet is an ordinary 汇总表 header and row, and whose
// shared-strings table is `mb` MB of the same string of `length` x's, which
// deflate shrinks about a thousandfold: long strings weigh on the text kept,
// short ones on the number of strings.
std::string BombXlsx(const std::string& dir, long mb, size_t length) {
  std::string sheet =
      std::string("<worksheet xmlns=\"") + kMain +
      "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
      "</row><row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" t=\"s\"><v>3</v></c></row>"
      "</sheetData></worksheet>";
  const std::string item = "<si><t>" + std::string(length, 'x') + "</t></si>";
  std::string strings = std::string("<sst xmlns=\"") + kMain +
                        "\"><si><t>序号</t></si><si><t>姓名</t></si>" +
                        "<si><t>1</t></si><si><t>张三</t></si>";
  strings.reserve(static_cast<size_t>(mb) * 1000000 + 64);
  while (strings.size() < static_cast<size_t>(mb) * 1000000) strings += item;
  strings += "</sst>";
  const std::vector<std::pair<std::string, std::string>> parts = {
      {"[Content_Types].xml",
       "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"},
      {"_rels/.rels",
       std::string("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                   "relationships\"><Relationship Id=\"rId1\" Type=\"") +
           kRel + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
      {"xl/workbook.xml",
       std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" + kRel +
           "\"><sheets><sheet name=\"汇总\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       std::string(
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
           "<Relationship Id=\"rId1\" Type=\"") +
           kRel +
           "/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"" +
           kRel + "/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"},
      {"xl/worksheets/sheet1.xml", sheet},
      {"xl/sharedStrings.xml", strings},
  };
  const std::string path = dir + "/bomb.xlsx";
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (zip == nullptr) Die("cannot create " + path);
  for (const auto& [name, content] : parts) {
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    zip_int64_t index = source ? zip_file_add(zip, name.c_str(), source, ZIP_FL_OVERWRITE) : -1;
    if (index < 0) Die("cannot add " + name);
    zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 9);
  }
  if (zip_close(zip) != 0) Die("cannot write " + path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The same zip declaring `size` bytes for `entry` (local header and central
// directory), as a hostile file may, so that only counting what inflates
// stops it.
std::string Understated(std::string zip, const std::string& entry, uint32_t size) {
  auto patch = [&](const std::string& signature, size_t name_length_at, size_t name_at,
                   size_t size_at) {
    for (size_t i = zip.find(signature); i != std::string::npos; i = zip.find(signature, i + 1)) {
      size_t length = static_cast<unsigned char>(zip[i + name_length_at]) |
                      static_cast<unsigned char>(zip[i + name_length_at + 1]) << 8;
      if (zip.compare(i + name_at, length, entry) != 0) continue;
      for (int b = 0; b < 4; ++b) zip[i + size_at + b] = static_cast<char>(size >> (8 * b));
    }
  };
  patch(std::string("PK\x03\x04", 4), 26, 30, 22);
  patch(std::string("PK\x01\x02", 4), 28, 46, 24);
  return zip;
}

// `mb` MB of 2,000 rows, each wrong in 性别 and 民族; its 民族 cell is long
// text that the error message quotes back. `header` decides the columns.
std::string BadRowsCsv(long mb, bool summary_sheet) {
  const long kRows = 2000;
  const size_t cell = static_cast<size_t>(mb) * 1000000 / kRows;
  std::string long_text;
  while (long_text.size() + 3 <= cell) long_text += "族";
  std::string csv =
      summary_sheet
          ? "序号,姓名,性别,民族,出生年月,政治面貌,单位职务,最高学历,擅长领域,联系方式\r\n"
          : "姓名,性别,民族,出生日期,工作单位,推荐单位,推荐单位类型,人才类别,入库年度\r\n";
  for (long i = 1; i <= kRows; ++i) {
    const std::string n = std::to_string(i);
    csv += summary_sheet
               ? n + ",测试" + n + ",未知," + long_text +
                     ",1986.03,无党派人士,广西大学教授,博士研究生,农学,13800138000\r\n"
               : "测试" + n + ",未知," + long_text +
                     ",1986-03-07,广西大学,广西壮族自治区科学技术协会,省级科协,青年人才,2025\r\n";
  }
  return csv;
}

void Print(const char* what, const Measure& m, long baseline) {
  std::string statuses;
  for (int s : m.statuses) statuses += (statuses.empty() ? "" : " ") + std::to_string(s);
  std::printf("%6.1f MB  %+8.1f MB  %6.1f MB (%+6.1f)  %4.1f s  %-11s  %s\n", m.before_kb / 1024.0,
              (m.peak_kb - m.before_kb) / 1024.0, m.settled_kb / 1024.0,
              (m.settled_kb - baseline) / 1024.0, m.seconds, statuses.c_str(), what);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string binary = Arg(argc, argv, "binary", TALENTPOOL_BINARY);
  const long bomb_mb = std::atol(Arg(argc, argv, "bomb-mb", "600").c_str());
  const long csv_mb = std::atol(Arg(argc, argv, "csv-mb", "30").c_str());
  std::string dir = Arg(argc, argv, "dir", "");
  const bool own_dir = dir.empty();
  if (own_dir) {
    std::string pattern = (fs::temp_directory_path() / "upload-memory-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) Die("mkdtemp failed");
    dir = pattern;
  }
  fs::create_directories(dir);
  const std::string data = dir + "/registry";
  const std::string log = dir + "/talentpool.log";

  // A demo registry, a staff token and a unit token, as scripts/demo.sh makes them.
  RunToEnd({binary, "init", "--data", data}, log);
  RunToEnd({binary, "demo", "--persons", "500", "--out", dir + "/pool.csv"}, log);
  RunToEnd({binary, "import", "--data", data, dir + "/pool.csv"}, log);
  const std::string staff =
      FirstLine(RunToEnd({binary, "token", "--data", data, "--role", "staff"}, log));
  const std::string units = FirstLine(RunToEnd({binary, "units", "--data", data}, log));
  const std::string unit_code = units.substr(0, units.find('\t'));
  const std::string unit = FirstLine(
      RunToEnd({binary, "token", "--data", data, "--role", "unit", "--unit", unit_code}, log));

  const std::string declared = BombXlsx(dir, bomb_mb, 20000);
  const std::string bomb = Understated(declared, "xl/sharedStrings.xml", 100000);
  const std::string short_bomb =
      Understated(BombXlsx(dir, bomb_mb, 1), "xl/sharedStrings.xml", 100000);
  const std::string sheet_csv = BadRowsCsv(csv_mb, true);
  const std::string pool_csv = BadRowsCsv(csv_mb, false);
  std::printf(
      "talentpool: %s\nbombs: xl/sharedStrings.xml of %ld MB in %.2f MB (strings of 20,000 x's) "
      "and %.2f MB "
      "(of one x); CSV: %.1f MB, 2,000 bad rows\n",
      binary.c_str(), bomb_mb, bomb.size() / 1e6, short_bomb.size() / 1e6, sheet_csv.size() / 1e6);

  {
    ServerProcess server(binary, data, log);
    const std::string round_upload = "/api/v1/rounds/pool-national-2025/uploads";
    const std::string import = "/api/v1/imports";
    // The paths the uploads take, warmed by small valid files so that the baseline includes them.
    const std::string small_sheet = "序号,姓名,性别,出生年月\r\n1,李四,男,1980.01\r\n";
    Upload(server.port(), unit, round_upload, "warm.csv", small_sheet);
    Upload(server.port(), staff, import, "warm.csv", "姓名,性别\r\n王五,男\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    const long baseline = server.Rss();
    std::printf("server RSS at rest: %.1f MB\n\n", baseline / 1024.0);
    std::printf("%9s  %11s  %9s %9s  %6s  %-11s  %s\n", "RSS before", "peak growth", "settled",
                "(-rest)", "time", "answers", "upload");

    auto upload = [&server](const std::string& token, const std::string& target,
                            const std::string& name, const std::string& bytes) {
      const std::string* body = &bytes;
      return [&server, token, target, name, body] {
        return Upload(server.port(), token, target, name, *body);
      };
    };
    Print("bomb XLSX (true sizes), 汇总表 upload",
          During(server, {upload(unit, round_upload, "bomb.xlsx", declared)}), baseline);
    Print("bomb XLSX, 汇总表 upload, one",
          During(server, {upload(unit, round_upload, "bomb.xlsx", bomb)}), baseline);
    Print("bomb XLSX of short strings, 汇总表 upload, one",
          During(server, {upload(unit, round_upload, "bomb.xlsx", short_bomb)}), baseline);
    Print("bomb XLSX, 汇总表 upload, three at once (1 token)",
          During(server, {upload(unit, round_upload, "bomb.xlsx", bomb),
                          upload(unit, round_upload, "bomb.xlsx", bomb),
                          upload(unit, round_upload, "bomb.xlsx", bomb)}),
          baseline);
    Print("bomb XLSX, staff import, one",
          During(server, {upload(staff, import, "bomb.xlsx", bomb)}), baseline);
    Print("30 MB CSV of 2,000 bad rows, 汇总表 upload",
          During(server, {upload(unit, round_upload, "bad.csv", sheet_csv)}), baseline);
    Print("30 MB CSV of 2,000 bad rows, staff import",
          During(server, {upload(staff, import, "bad.csv", pool_csv)}), baseline);
    std::this_thread::sleep_for(std::chrono::milliseconds(3000));
    std::printf("server RSS at the end: %.1f MB (%+.1f MB over the start)\n", server.Rss() / 1024.0,
                (server.Rss() - baseline) / 1024.0);
  }
  if (own_dir) fs::remove_all(dir);
  return 0;
}
