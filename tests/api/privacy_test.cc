// PIPL: whole ID numbers and phones appear only where a staff token asked
// for them, and never at rest: not in the SQLite file, its WAL, nor the
// search index.
#include <catch2/catch.hpp>

#include <filesystem>

#include "api/api_test_support.h"
#include "registry/base/paths.h"
#include "registry/import/demo_data.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

// Every file under `dir` (the database, its -wal and -shm, the index).
std::vector<std::filesystem::path> FilesUnder(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) out.push_back(entry.path());
  return out;
}

}  // namespace

TEST_CASE("Privacy: every route, every role, every way of asking shows no number it should not",
          "[api][privacy]") {
  ApiFixture f;
  const std::vector<std::string> callers = {"staff", "province", "unit_a", "unit_b"};
  std::vector<std::string> targets = {"/api/v1/persons", "/api/v1/search", "/api/v1/stats",
                                      "/api/v1/units",   "/api/v1/audit",  "/api/v1/tokens",
                                      "/api/v1/me"};
  for (std::string key : {"a1", "a2", "b1", "b2"}) {
    const registry::Person& p = f.Person(key);
    targets.push_back("/api/v1/persons/" + p.public_id);
    targets.push_back("/api/v1/search?q=" + p.id_number);
    targets.push_back("/api/v1/search?q=" + p.phone);
    targets.push_back("/api/v1/search?q=" + UrlEncode(p.name) + "&facets=true");
    targets.push_back("/api/v1/persons/" + p.id_number);
  }
  int answered = 0;
  for (const std::string& who : callers) {
    for (const std::string& target : targets) {
      Reply plain = f.Get(f.TokenOf(who), target);
      answered += plain.status == 200;
      // Asking to reveal is refused to everyone but staff; lists never reveal.
      std::string sep = target.find('?') == std::string::npos ? "?" : "&";
      Reply reveal = f.Get(f.TokenOf(who), target + sep + "reveal=id_number,phone");
      if (who != "staff" && target.rfind("/api/v1/persons/", 0) == 0) CHECK(reveal.status != 200);
    }
    for (std::string key : {"a1", "a2", "b1", "b2"}) {
      const registry::Person& p = f.Person(key);
      f.Call(f.TokenOf(who), "POST", "/api/v1/enrollment-check",
             json{{"id_number", p.id_number}}.dump());
      f.Call(f.TokenOf(who), "POST", "/api/v1/enrollment-check",
             json{{"name", p.name}, {"birth_date", p.birth_date}}.dump());
    }
  }
  // The audit log (staff only) names checks and reveals, never the numbers.
  Reply audit = f.Get(f.staff, "/api/v1/audit?size=500");
  CHECK(audit.Json()["total"].get<int>() > 0);
  CHECK(answered > 40);
  int leaks = f.Leaks();
  for (const std::string& r : f.LeakReports()) UNSCOPED_INFO(r);
  std::printf(
      "privacy sweep: %d whole ID numbers or phones shown where the caller may not see them\n",
      leaks);
  REQUIRE(leaks == 0);
}

TEST_CASE("Privacy: staff reveals are the only answers with whole numbers, and they are audited",
          "[api][privacy][audit]") {
  ApiFixture f;
  const registry::Person& a1 = f.Person("a1");
  Reply revealed = f.Get(f.staff, "/api/v1/persons/" + a1.public_id + "?reveal=id_number,phone");
  CHECK(revealed.body.find(a1.id_number) != std::string::npos);
  CHECK(revealed.body.find(a1.phone) != std::string::npos);
  json audit = f.Get(f.staff, "/api/v1/audit?action=reveal").Json();
  REQUIRE(audit["total"] == 1);
  CHECK(audit["items"][0]["object_id"] == a1.public_id);
  CHECK(audit["items"][0]["actor"].get<std::string>().rfind("token:", 0) == 0);
  CHECK(audit["items"][0]["detail"]["fields"] == json({"id_number", "phone"}));
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Privacy: after importing the demo data, no plaintext ID number or phone is at rest",
          "[api][privacy][storage]") {
  ApiFixture f;
  registry::DemoOptions demo;
  demo.persons = 300;
  auto generator = registry::DemoGenerator::Create(demo, registry::DataDir());
  REQUIRE(generator.ok());
  const std::vector<std::string>& header = registry::DemoGenerator::Header();
  size_t id_column = std::find(header.begin(), header.end(), "身份证号") - header.begin();
  size_t phone_column = std::find(header.begin(), header.end(), "手机") - header.begin();
  REQUIRE(id_column < header.size());
  REQUIRE(phone_column < header.size());
  std::string csv;
  registry::AppendCsvRecord(header, &csv);
  std::vector<std::string> secrets = f.Secrets();
  std::vector<std::string> row;
  while (generator->Next(&row)) {
    registry::AppendCsvRecord(row, &csv);
    if (!row[id_column].empty()) secrets.push_back(row[id_column]);
    if (!row[phone_column].empty()) secrets.push_back(row[phone_column]);
  }
  REQUIRE(secrets.size() > 500);
  Reply imported =
      f.Call(f.staff, "POST", "/api/v1/imports?filename=demo.csv", csv, {}, "text/csv");
  REQUIRE(imported.status == 200);
  CHECK(imported.Json()["imported"] == 300);
  REQUIRE(f.service().CatchUpIndex().ok());
  // Searching by number works through the keyed hash, not plaintext.
  CHECK(f.Get(f.staff, "/api/v1/search?q=" + secrets[8]).Json()["total"] == 1);

  std::vector<std::filesystem::path> files = FilesUnder(f.store().Dir());
  bool has_wal = false, has_index = false;
  int hits = 0;
  for (const auto& path : files) {
    has_wal = has_wal || path.filename().string().ends_with("-wal");
    has_index = has_index || path.string().find("/index/") != std::string::npos;
    std::string bytes = testing::ReadFileBytes(path.string());
    for (const std::string& secret : secrets) {
      if (bytes.find(secret) != std::string::npos) {
        ++hits;
        UNSCOPED_INFO(path.string() << " holds a plaintext number");
      }
    }
  }
  std::printf("at-rest scan: %zu files, %zu numbers, %d plaintext hits\n", files.size(),
              secrets.size(), hits);
  CHECK(has_wal);
  CHECK(has_index);
  CHECK(hits == 0);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest
