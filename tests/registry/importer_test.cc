#include "registry/import/importer.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>

#include "registry/base/paths.h"
#include "registry/fields/validate.h"
#include "registry/import/demo_data.h"
#include "support/temp_dir.h"

using tp::FieldError;
using tp::registry::ImportOptions;
using tp::registry::ImportReport;
using tp::registry::ReferenceData;
using tp::registry::Store;
using tp::testing::TempDir;
using tp::testing::WriteFileBytes;

namespace {

const ReferenceData& Ref() {
  static const ReferenceData ref = [] {
    auto loaded = ReferenceData::Load(tp::registry::DataDir());
    REQUIRE(loaded.ok());
    return std::move(*loaded);
  }();
  return ref;
}

struct Run {
  ImportReport report;
  std::vector<FieldError> errors;
};

Run Import(Store& store, const std::string& path, int batch_size = 2000,
           std::function<void(long)> on_progress = nullptr) {
  tp::registry::TableOptions table_options;
  for (std::string_view c : tp::registry::CanonicalColumns())
    table_options.known_columns.emplace_back(c);
  auto reader = tp::registry::OpenTable(path, table_options);
  REQUIRE(reader.ok());
  Run run;
  ImportOptions options;
  options.batch_size = batch_size;
  options.on_progress = std::move(on_progress);
  options.on_rejected = [&](const std::vector<FieldError>& errors) {
    run.errors.insert(run.errors.end(), errors.begin(), errors.end());
  };
  auto report = tp::registry::ImportTable(store, **reader, Ref(), options);
  REQUIRE(report.ok());
  run.report = *report;
  return run;
}

// dir/pool.csv: the demo pool of `persons` people.
void WriteDemoPool(const TempDir& dir, long persons) {
  tp::registry::DemoOptions options;
  options.persons = persons;
  std::ofstream out(dir / "pool.csv", std::ios::binary);
  REQUIRE(tp::registry::WriteDemoCsv(options, tp::registry::DataDir(), out).ok());
}

std::unique_ptr<Store> Fresh(const TempDir& dir) {
  auto store = Store::Create(dir / "reg");
  REQUIRE(store.ok());
  return std::move(*store);
}

const FieldError* ErrorOnRow(const std::vector<FieldError>& errors, long row) {
  for (const FieldError& e : errors) {
    if (e.row == row) return &e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("Importer: a 20,000-row demo pool loads whole, and loading it again changes no count",
          "[import][slow]") {
  TempDir dir;
  WriteDemoPool(dir, 20000);
  auto store = Fresh(dir);
  Run first = Import(*store, dir / "pool.csv");
  CHECK(first.report.imported == 20000);
  CHECK(first.report.inserted == 20000);
  CHECK(first.report.rejected == 0);
  CHECK(first.errors.empty());
  CHECK(first.report.ignored_columns.empty());

  Run second = Import(*store, dir / "pool.csv");
  CHECK(second.report.imported == 20000);
  CHECK(second.report.unchanged == 20000);  // the same values: nothing rewritten
  CHECK(second.report.updated == 0);
  CHECK(second.report.inserted == 0);
  auto stats = store->Stats();
  REQUIRE(stats.ok());
  CHECK(stats->persons == 20000);
  CHECK(stats->admissions == 20000);
}

TEST_CASE("Importer: each batch is checkpointed after its commit, so the WAL stops growing",
          "[import]") {
  TempDir dir;
  WriteDemoPool(dir, 16000);
  auto store = Fresh(dir);
  std::vector<std::uintmax_t> wal_sizes;
  const std::filesystem::path wal = std::filesystem::path(dir / "reg") / "registry.sqlite-wal";
  Run run = Import(*store, dir / "pool.csv", 500,
                   [&](long) { wal_sizes.push_back(std::filesystem::file_size(wal)); });
  CHECK(run.report.imported == 16000);
  REQUIRE(wal_sizes.size() == 32);
  // A checkpoint runs after a commit once the WAL holds 1,000 pages, and the next batch then
  // writes the WAL from its start. The batches after the first few write about as much as they
  // did, so the file stays as large as it was then; a WAL never checkpointed would hold them all.
  const auto early = *std::max_element(wal_sizes.begin(), wal_sizes.begin() + 8);
  INFO("WAL bytes: at most " << early << " after 8 batches, " << wal_sizes.back() << " after 32");
  CHECK(wal_sizes.back() < 2 * early);
}

TEST_CASE("Importer: each bad row is rejected naming its row and field, the good rows load",
          "[import]") {
  TempDir dir;
  auto store = Fresh(dir);
  // Row 2 is good; rows 3-6 each break one thing.
  WriteFileBytes(dir / "bad.csv",
                 "姓名,性别,民族,出生日期,身份证号,工作单位\n"
                 "覃超勇,男,壮族,1986-03-07,450103198603070038,广西大学\n"
                 "李四,男,汉族,1990-01-01,110101199001011235,北京大学\n"
                 "王五,女,火星族,1991-02-03,,清华大学\n"
                 ",女,汉族,1992-03-04,,复旦大学\n"
                 "赵六,男,汉族,1988-08-08,110101199001011237,浙江大学\n");
  Run run = Import(*store, dir / "bad.csv");
  CHECK(run.report.imported == 1);
  CHECK(run.report.rejected == 4);

  const FieldError* check_digit = ErrorOnRow(run.errors, 3);
  REQUIRE(check_digit);
  CHECK(check_digit->field == "身份证号");
  CHECK(check_digit->message.find("7") != std::string::npos);  // the expected check digit
  const FieldError* ethnic = ErrorOnRow(run.errors, 4);
  REQUIRE(ethnic);
  CHECK(ethnic->field == "民族");
  const FieldError* name = ErrorOnRow(run.errors, 5);
  REQUIRE(name);
  CHECK(name->field == "姓名");
  const FieldError* birth = ErrorOnRow(run.errors, 6);
  REQUIRE(birth);
  CHECK(birth->field == "出生日期");
  CHECK(ErrorOnRow(run.errors, 2) == nullptr);

  auto stats = store->Stats();
  REQUIRE(stats.ok());
  CHECK(stats->persons == 1);
}

TEST_CASE("Importer: a file without a 姓名 column is refused as a whole", "[import]") {
  TempDir dir;
  auto store = Fresh(dir);
  WriteFileBytes(dir / "noname.csv", "性别,民族\n男,汉族\n");
  auto reader = tp::registry::OpenTable(dir / "noname.csv");
  REQUIRE(reader.ok());
  auto report = tp::registry::ImportTable(*store, **reader, Ref(), {});
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().message().find("姓名") != std::string::npos);
}

TEST_CASE("Importer: unknown columns are reported and ignored, not fatal", "[import]") {
  TempDir dir;
  auto store = Fresh(dir);
  WriteFileBytes(dir / "extra.csv", "姓名,性别,爱吃的菜\n张三,男,螺蛳粉\n");
  Run run = Import(*store, dir / "extra.csv");
  CHECK(run.report.imported == 1);
  REQUIRE(run.report.ignored_columns.size() == 1);
  CHECK(run.report.ignored_columns[0] == "爱吃的菜");
}

TEST_CASE("Importer: each batch is visible to readers as soon as it is reported committed",
          "[import]") {
  TempDir dir;
  auto store = Fresh(dir);
  std::string csv = "编号,姓名,性别\n";
  const char* given[] = {"伟", "芳", "娜", "敏", "静"};
  for (int i = 1; i <= 25; ++i) {
    csv += "X" + std::to_string(i) + ",张" + given[i % 5] + given[(i / 5) % 5] + ",男\n";
  }
  WriteFileBytes(dir / "many.csv", csv);
  long progress_calls = 0;
  tp::registry::TableOptions table_options;
  auto reader = tp::registry::OpenTable(dir / "many.csv", table_options);
  REQUIRE(reader.ok());
  ImportOptions options;
  options.batch_size = 10;
  options.on_progress = [&](long committed) {
    ++progress_calls;
    auto stats = store->Stats();  // what was reported is visible to readers
    REQUIRE(stats.ok());
    CHECK(stats->persons == committed);
  };
  auto report = tp::registry::ImportTable(*store, **reader, Ref(), options);
  REQUIRE(report.ok());
  CHECK(report->imported == 25);
  CHECK(progress_calls == 3);
}

TEST_CASE("Importer: a re-import matched by 编号 updates and keeps fields the new file lacks",
          "[import]") {
  TempDir dir;
  auto store = Fresh(dir);
  WriteFileBytes(dir / "a.csv",
                 "编号,姓名,性别,技术职称,擅长领域\nA001,覃超勇,男,研究员,水稻育种、作物遗传\n");
  WriteFileBytes(dir / "b.csv", "编号,姓名,职务\nA001,覃超勇,副院长\n");
  CHECK(Import(*store, dir / "a.csv").report.inserted == 1);
  CHECK(Import(*store, dir / "b.csv").report.updated == 1);
  auto record = store->GetPerson("A001");
  REQUIRE(record.ok());
  CHECK(record->person.title == "研究员");
  CHECK(record->person.post == "副院长");
  CHECK(record->person.fields.size() == 2);
}
