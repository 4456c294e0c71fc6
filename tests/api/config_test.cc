// The configuration file of `talentpool serve` (api/config.h), read with toml++.
#include "api/config.h"

#include <catch2/catch.hpp>

#include "support/temp_dir.h"

using tp::api::LoadServeConfig;
using tp::api::ServeOptions;
using tp::testing::TempDir;
using tp::testing::WriteFileBytes;

namespace {

tp::Status Load(const std::string& text, ServeOptions* options, std::string* share = nullptr) {
  TempDir dir;
  WriteFileBytes(dir / "talentpool.toml", text);
  std::string ignored;
  return LoadServeConfig(dir / "talentpool.toml", options, share != nullptr ? share : &ignored);
}

}  // namespace

TEST_CASE("Config: every table's values reach the serve options", "[config]") {
  ServeOptions o;
  std::string share;
  tp::Status s = Load(
      "[server]\ndata = \"/srv/pool\"\nbind = \"0.0.0.0\"\nport = 9090\nthreads = 4\n"
      "trusted_proxy = \"127.0.0.1\"\nshare = \"/opt/tp/share\"\n"
      "[limits]\nimport_mib = 64\ncalls_per_second_per_token = 12.5\ncheck_burst_per_token = 9\n"
      "[sessions]\nidle_minutes = 20\nhours = 8\n"
      "[observe]\nmetrics_from = [\"10.0.0.5\"]\nlog = \"text\"\n",
      &o, &share);
  REQUIRE(s.ok());
  CHECK(o.data_dir == "/srv/pool");
  CHECK(o.bind_address == "0.0.0.0");
  CHECK(o.port == 9090);
  CHECK(o.worker_threads == 4);
  CHECK(o.trusted_proxy == "127.0.0.1");
  CHECK(share == "/opt/tp/share");
  CHECK(o.import_mib == 64);
  CHECK(o.calls_per_second_per_token == 12.5);
  CHECK(o.check_burst_per_token == 9);
  CHECK(o.session_idle_minutes == 20);
  CHECK(o.session_hours == 8);
  CHECK(o.metrics_from == std::vector<std::string>{"10.0.0.5"});
  CHECK(o.log_format == "text");
  CHECK(o.json_body_kib == 64);  // untouched keys keep their defaults
}

TEST_CASE("Config: a faulty value is named by file, table and key, and nothing is taken",
          "[config]") {
  struct Case {
    const char* text;
    const char* field;
    const char* reason;
  };
  const Case cases[] = {
      {"[server]\nport = 65536\n", "[server] port", "应为 0 到 65535 的整数"},
      {"[server]\nport = \"8080\"\n", "[server] port", "应为 0 到 65535 的整数"},
      {"[server]\nthreads = 0\n", "[server] threads", "应为 1 到 256 的整数"},
      {"[server]\nbind = 127\n", "[server] bind", "应为带引号的文字"},
      {"[server]\nprot = 1\n", "[server] prot", "未知的键"},
      {"[database]\npath = \"x\"\n", "[database]", "未知的表"},
      {"[limits]\ncalls_per_second_per_token = -1\n", "[limits] calls_per_second_per_token",
       "应为 0.01 到 1e+06 的数"},
      {"[observe]\nmetrics_from = \"127.0.0.1\"\n", "[observe] metrics_from", "应为文字的列表"},
      {"[observe]\nlog = \"xml\"\n", "[observe] log", "应为 \"json\" 或 \"text\""},
      {"[sessions]\nidle_minutes = 600\nhours = 2\n", "[sessions] idle_minutes", "不应超过"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    ServeOptions o;
    tp::Status s = Load(c.text, &o);
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == tp::StatusCode::kInvalidArgument);
    CHECK(s.message().find("talentpool.toml：" + std::string(c.field)) != std::string::npos);
    CHECK(s.message().find(c.reason) != std::string::npos);
    REQUIRE(s.details().size() == 1);
    CHECK(s.details()[0].field == c.field);
    CHECK(o.port == 8080);  // nothing of a faulty file is taken
    CHECK(o.log_format == "json");
  }
}

TEST_CASE("Config: broken TOML is reported with its line, a missing file as not found",
          "[config]") {
  ServeOptions o;
  tp::Status broken = Load("[server]\nport = = 3\n", &o);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.message().find("第2行") != std::string::npos);
  std::string share;
  tp::Status missing = LoadServeConfig("/nonexistent/talentpool.toml", &o, &share);
  CHECK(missing.code() == tp::StatusCode::kNotFound);
}
