// The command line as CONTRACT.md states it, driven through the built binary.
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/temp_dir.h"

using tp::testing::TempDir;
using tp::testing::WriteFileBytes;

namespace {

struct Result {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

Result Run(const std::string& args) {
  std::string command = std::string(TALENTPOOL_BINARY) + " " + args + " 2>&1";
  Result r;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    r.out.append(buffer.data(), n);
  int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string LastLine(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  auto pos = trimmed.rfind('\n');
  return pos == std::string::npos ? trimmed : trimmed.substr(pos + 1);
}

long Persons(const std::string& data) {
  Result stats = Run("stats --data " + data);
  REQUIRE(stats.exit_code == 0);
  return nlohmann::json::parse(stats.out).at("persons").get<long>();
}

}  // namespace

TEST_CASE("CLI: a 20,000-row pool file imports whole, and again without duplicates",
          "[cli][slow]") {
  TempDir dir;
  std::string data = dir / "reg";
  REQUIRE(Run("init --data " + data).exit_code == 0);
  REQUIRE(Run("demo --persons 20000 --out " + (dir / "pool.csv")).exit_code == 0);

  Result first = Run("import --data " + data + " " + (dir / "pool.csv"));
  CHECK(first.exit_code == 0);
  CHECK(LastLine(first.out) == "imported 20000, rejected 0");
  CHECK(Persons(data) == 20000);

  Result second = Run("import --data " + data + " " + (dir / "pool.csv"));
  CHECK(second.exit_code == 0);
  CHECK(LastLine(second.out) == "imported 20000, rejected 0");
  CHECK(Persons(data) == 20000);
}

TEST_CASE("CLI: a file whose rows each break one thing loads the good row and exits 1", "[cli]") {
  TempDir dir;
  std::string data = dir / "reg";
  REQUIRE(Run("init --data " + data).exit_code == 0);
  WriteFileBytes(dir / "bad.csv",
                 "姓名,性别,民族,出生日期,身份证号\n"
                 "覃超勇,男,壮族,1986-03-07,450103198603070038\n"
                 "李四,男,汉族,1990-01-01,110101199001011235\n"
                 "王五,女,火星族,1991-02-03,\n"
                 ",女,汉族,1992-03-04,\n"
                 "赵六,男,汉族,1988-08-08,110101199001011237\n");
  Result r = Run("import --data " + data + " " + (dir / "bad.csv"));
  CHECK(r.exit_code == 1);
  CHECK(LastLine(r.out) == "imported 1, rejected 4");
  CHECK(r.out.find("第3行 字段「身份证号」") != std::string::npos);
  CHECK(r.out.find("第4行 字段「民族」") != std::string::npos);
  CHECK(r.out.find("第5行 字段「姓名」") != std::string::npos);
  CHECK(r.out.find("第6行 字段「出生日期」") != std::string::npos);
  CHECK(Persons(data) == 1);
}

TEST_CASE("CLI: export writes every person, and importing the file back changes nobody",
          "[cli][export]") {
  TempDir dir;
  std::string data = dir / "reg";
  REQUIRE(Run("init --data " + data).exit_code == 0);
  REQUIRE(Run("demo --persons 300 --out " + (dir / "pool.csv")).exit_code == 0);
  REQUIRE(Run("import --data " + data + " " + (dir / "pool.csv")).exit_code == 0);

  Result exported = Run("export --data " + data + " --out " + (dir / "all.xlsx"));
  CHECK(exported.exit_code == 0);
  CHECK(LastLine(exported.out) == "exported 300 persons to " + (dir / "all.xlsx"));
  CHECK_FALSE(std::filesystem::exists(dir / "all.xlsx.part"));
  Result again = Run("import --data " + data + " " + (dir / "all.xlsx"));
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("新增 0 人，更新 0 人，未变 300 人") != std::string::npos);
  CHECK(LastLine(again.out) == "imported 300, rejected 0");
  CHECK(Persons(data) == 300);

  // --reveal writes whole numbers, and says so; a bad command line is refused with the usage.
  Result revealed = Run("export --data " + data + " --reveal --out " + (dir / "whole.xlsx"));
  CHECK(revealed.exit_code == 0);
  CHECK(revealed.out.find("完整身份证号") != std::string::npos);
  Result no_out = Run("export --data " + data);
  CHECK(no_out.exit_code == 2);
  CHECK(no_out.out.find("用法：talentpool export") != std::string::npos);
  Result unwritable = Run("export --data " + data + " --out " + (dir / "no/such/dir.xlsx"));
  CHECK(unwritable.exit_code == 2);
}

TEST_CASE("CLI: rows without ID numbers that may be stored people wait for --same or --new",
          "[cli][held]") {
  TempDir dir;
  std::string data = dir / "reg";
  REQUIRE(Run("init --data " + data).exit_code == 0);
  WriteFileBytes(dir / "summary.csv",
                 "推荐学员汇总表\n"
                 "序号,姓名,性别,出生年月,单位职务\n"
                 "1,黄明辉,男,1983.05,广西大学 教授\n"
                 "2,韦丽娟,女,1990.11,广西医科大学 副教授\n");
  const std::string import = "import --data " + data + " " + (dir / "summary.csv");
  REQUIRE(Run(import).exit_code == 0);
  Result again = Run(import);
  CHECK(again.exit_code == 1);
  CHECK(again.out.find("第3行「黄明辉」 1983-05 广西大学 教授：可能是在库的 P0000001 黄明辉") !=
        std::string::npos);
  CHECK(again.out.find("2 行没有编号和身份证号") != std::string::npos);
  CHECK(LastLine(again.out) == "imported 0, rejected 0");
  CHECK(Persons(data) == 2);

  Result confirmed = Run(import + " --same 3=P0000001 --new 4,9");
  CHECK(confirmed.exit_code == 0);
  CHECK(confirmed.out.find("新增 1 人，更新 0 人，未变 1 人") != std::string::npos);
  CHECK(confirmed.out.find("第9行不是待确认的行") != std::string::npos);
  CHECK(Persons(data) == 3);
  CHECK(Run(import + " --same 3").exit_code == 2);
  CHECK(Run(import + " --new 3 --same 3=P0000001").exit_code == 2);
}

TEST_CASE("CLI: a file that cannot be read at all exits 2", "[cli]") {
  TempDir dir;
  std::string data = dir / "reg";
  REQUIRE(Run("init --data " + data).exit_code == 0);
  CHECK(Run("import --data " + data + " " + (dir / "missing.csv")).exit_code == 2);
  WriteFileBytes(dir / "broken.xlsx", std::string("PK\x03\x04garbage", 11));
  CHECK(Run("import --data " + data + " " + (dir / "broken.xlsx")).exit_code == 2);
  CHECK(Persons(data) == 0);
}

TEST_CASE("CLI: the same rows in GB18030, as Chinese Excel saves CSV, import alike", "[cli]") {
  TempDir dir;
  std::string data = dir / "reg";
  REQUIRE(Run("init --data " + data).exit_code == 0);
  // 姓名,性别 / 覃超勇,男 in GB18030.
  WriteFileBytes(dir / "gb.csv",
                 "\xD0\xD5\xC3\xFB,\xD0\xD4\xB1\xF0\r\n\xF1\xFB\xB3\xAC\xD3\xC2,\xC4\xD0\r\n");
  Result r = Run("import --data " + data + " " + (dir / "gb.csv"));
  CHECK(r.exit_code == 0);
  CHECK(LastLine(r.out) == "imported 1, rejected 0");
  CHECK(Persons(data) == 1);
}

TEST_CASE("CLI: tokens are printed once, listed without their secret and revoked", "[cli]") {
  TempDir dir;
  std::string data = dir / "reg";
  REQUIRE(Run("init --data " + data).exit_code == 0);
  Result created = Run("token --data " + data + " --role staff --label 审核组");
  REQUIRE(created.exit_code == 0);
  std::string token = LastLine(created.out);
  CHECK(token.rfind("tp_", 0) == 0);
  Result list = Run("token --data " + data + " --list");
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find(token) == std::string::npos);
  auto listed = nlohmann::json::parse(list.out);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["role"] == "staff");
  CHECK(Run("token --data " + data + " --revoke " + std::to_string(listed[0]["id"].get<int>()))
            .exit_code == 0);
  CHECK(Run("token --data " + data + " --role unit --unit U999999").exit_code == 1);
  CHECK(Run("token --data " + data).exit_code == 2);
}

TEST_CASE("CLI: user add prints the initial password last, list, disable, reset, unlock",
          "[cli][accounts]") {
  TempDir dir;
  std::string data = dir / "reg";
  REQUIRE(Run("init --data " + data).exit_code == 0);
  Result added = Run("user add --data " + data + " --username WangFang --role staff --name 王芳");
  REQUIRE(added.exit_code == 0);
  const std::string password = LastLine(added.out);
  CHECK(password.size() == 19);  // four groups of four, with dashes
  CHECK(password.find(' ') == std::string::npos);
  Result list = Run("user list --data " + data);
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("wangfang\t王芳\tstaff\t\tactive") != std::string::npos);
  CHECK(list.out.find(password) == std::string::npos);
  CHECK(Run("user disable --data " + data + " --username wangfang").out.find("disabled") !=
        std::string::npos);
  CHECK(Run("user enable --data " + data + " --username wangfang").exit_code == 0);
  Result reset = Run("user reset --data " + data + " --username wangfang");
  REQUIRE(reset.exit_code == 0);
  CHECK(LastLine(reset.out) != password);
  CHECK(Run("user unlock --data " + data + " --username wangfang").exit_code == 0);
  // Mistakes: named, and nothing made.
  Result taken = Run("user add --data " + data + " --username wangfang --role staff");
  CHECK(taken.exit_code == 1);
  CHECK(taken.out.find("已被使用") != std::string::npos);
  CHECK(
      Run("user add --data " + data + " --username unit-x --role unit --unit U999999").exit_code ==
      1);
  CHECK(Run("user add --data " + data + " --username lixin").exit_code == 2);
  // An expert names the organisation review recuses them from.
  Result no_organisation = Run("user add --data " + data + " --username zhou --role expert");
  CHECK(no_organisation.exit_code == 1);
  CHECK(no_organisation.out.find("工作单位") != std::string::npos);
  Result expert = Run("user add --data " + data +
                      " --username zhou --role expert --name 周研究员 --organisation 广西大学");
  CHECK(expert.exit_code == 0);
  CHECK(Run("user list --data " + data).out.find("zhou\t周研究员\texpert") != std::string::npos);
  CHECK(Run("user frobnicate --data " + data + " --username wangfang").exit_code == 2);
  CHECK(Run("user disable --data " + data + " --username nobody").exit_code == 1);
}

TEST_CASE("CLI: every command answers --help in Chinese with its options and examples, exit 0",
          "[cli][help]") {
  const char* commands[] = {"init",    "import", "stats",   "token",  "user",
                            "units",   "serve",  "config",  "export", "search",
                            "reindex", "backup", "restore", "rekey",  "demo"};
  for (const char* command : commands) {
    Result help = Run(std::string(command) + " --help");
    INFO(command << ": " << help.out);
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("用法") != std::string::npos);
    CHECK(help.out.find("示例") != std::string::npos);
    CHECK(help.out.find(std::string("talentpool ") + command) != std::string::npos);
  }
  // Options the old usage text left out.
  Result serve = Run("serve --help");
  for (const char* option : {"--threads", "--web", "--config", "--trusted-proxy", "--bind"}) {
    CHECK(serve.out.find(option) != std::string::npos);
  }
  Result search = Run("search -h");
  for (const char* option : {"--province", "--tier", "--trained_year", "--size", "--sort"}) {
    CHECK(search.out.find(option) != std::string::npos);
  }
  Result overview = Run("--help");
  CHECK(overview.exit_code == 0);
  CHECK(overview.out.find("import") != std::string::npos);
}

TEST_CASE("CLI: --version names the version and the index format", "[cli][help]") {
  Result version = Run("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("talentpool 0.", 0) == 0);
  CHECK(version.out.find("索引格式") != std::string::npos);
}

TEST_CASE("CLI: an unknown option, a missing value or an unknown command exits 2, doing nothing",
          "[cli][help]") {
  TempDir dir;
  const std::string data = dir / "reg";
  Result bogus = Run("init --data " + data + " --bogus 1");
  CHECK(bogus.exit_code == 2);
  CHECK(bogus.out.find("--bogus") != std::string::npos);
  CHECK(bogus.out.find("init --help") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(data));

  REQUIRE(Run("init --data " + data).exit_code == 0);
  Result missing = Run("import --data");
  CHECK(missing.exit_code == 2);
  CHECK(missing.out.find("--data") != std::string::npos);
  Result twice = Run("import --data " + data + " a.csv b.csv");
  CHECK(twice.exit_code == 2);
  Result unknown = Run("frobnicate --data " + data);
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.out.find("未知命令：frobnicate") != std::string::npos);
  CHECK(Run("").exit_code == 2);
}

TEST_CASE("CLI: the man page is written from the commands' own help", "[cli][help]") {
  Result man = Run("man");
  CHECK(man.exit_code == 0);
  CHECK(man.out.rfind(".TH TALENTPOOL 1", 0) == 0);
  for (const char* command : {"init", "import", "serve", "config", "search", "backup"}) {
    CHECK(man.out.find(std::string(".SS \"") + command + "\"") != std::string::npos);
  }
  CHECK(man.out.find("\\-\\-trusted\\-proxy") != std::string::npos);
}

TEST_CASE("CLI: config check names the file and key of a faulty value and exits 2",
          "[cli][config]") {
  TempDir dir;
  const std::string data = dir / "reg";
  REQUIRE(Run("init --data " + data).exit_code == 0);
  WriteFileBytes(dir / "good.toml", "[server]\ndata = \"" + data + "\"\nport = 9000\n");
  Result good = Run("config check --config " + (dir / "good.toml"));
  CHECK(good.exit_code == 0);
  CHECK(good.out.find("配置有效") != std::string::npos);

  WriteFileBytes(dir / "port.toml", "[server]\ndata = \"" + data + "\"\nport = 70000\n");
  Result port = Run("config check --config " + (dir / "port.toml"));
  CHECK(port.exit_code == 2);
  CHECK(port.out.find("port.toml：[server] port：应为 0 到 65535 的整数") != std::string::npos);

  WriteFileBytes(dir / "typo.toml", "[sessions]\nidle_minute = 10\n");
  Result typo = Run("config check --config " + (dir / "typo.toml") + " --data " + data);
  CHECK(typo.exit_code == 2);
  CHECK(typo.out.find("[sessions] idle_minute：未知的键") != std::string::npos);

  WriteFileBytes(dir / "nodata.toml", "[server]\ndata = \"" + (dir / "none") + "\"\n");
  Result nodata = Run("config check --config " + (dir / "nodata.toml"));
  CHECK(nodata.exit_code == 2);
  CHECK(nodata.out.find("[server] data") != std::string::npos);
  CHECK(Run("config check --config " + (dir / "absent.toml")).exit_code == 2);
}
