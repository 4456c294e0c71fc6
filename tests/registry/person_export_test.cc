// The full export read back by the import: every field of every person survives a trip through
// a fresh registry, an unedited file changes nothing, and an edited cell changes only itself.
#include "registry/import/person_export.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "registry/base/paths.h"
#include "registry/base/person_fields.h"
#include "registry/fields/validate.h"
#include "registry/import/demo_data.h"
#include "registry/import/importer.h"
#include "registry/tables/table_reader.h"
#include "support/temp_dir.h"

using tp::registry::AdmissionRecord;
using tp::registry::ImportReport;
using tp::registry::PersonExportOptions;
using tp::registry::PersonRecord;
using tp::registry::ReferenceData;
using tp::registry::Store;
using tp::testing::TempDir;

namespace {

using Rows = std::vector<std::vector<std::string>>;

const ReferenceData& Ref() {
  static const ReferenceData ref = [] {
    auto loaded = ReferenceData::Load(tp::registry::DataDir());
    REQUIRE(loaded.ok());
    return std::move(*loaded);
  }();
  return ref;
}

std::unique_ptr<Store> Fresh(const std::string& dir) {
  auto store = Store::Create(dir);
  REQUIRE(store.ok());
  return std::move(*store);
}

ImportReport Import(Store& store, const std::string& path) {
  auto reader = tp::registry::OpenTable(path, tp::registry::ImportTableOptions());
  REQUIRE(reader.ok());
  std::vector<tp::FieldError> errors;
  tp::registry::ImportOptions options;
  options.on_rejected = [&](const std::vector<tp::FieldError>& e) {
    errors.insert(errors.end(), e.begin(), e.end());
  };
  auto report = tp::registry::ImportTable(store, **reader, Ref(), options);
  REQUIRE(report.ok());
  for (const tp::FieldError& e : errors) FAIL_CHECK(e.row << " " << e.field << " " << e.message);
  CHECK(report->ignored_columns.empty());
  return *report;
}

// A sheet of `rows` (the first is the header) as an XLSX file.
void WriteWorkbook(const std::string& path, const Rows& rows) {
  auto writer = tp::registry::XlsxWriter::Create(path);
  REQUIRE(writer.ok());
  REQUIRE((*writer)->WriteHeader(rows.front()).ok());
  for (std::size_t i = 1; i < rows.size(); ++i) REQUIRE((*writer)->WriteRow(rows[i]).ok());
  REQUIRE((*writer)->Close().ok());
}

Rows ReadWorkbook(const std::string& path) {
  auto reader = tp::registry::OpenTable(path, tp::registry::ImportTableOptions());
  REQUIRE(reader.ok());
  Rows rows = {(*reader)->Header()};
  std::vector<std::string> cells;
  long row = 0;
  while (true) {
    auto more = (*reader)->Next(&cells, &row);
    REQUIRE(more.ok());
    if (!*more) break;
    cells.resize(rows.front().size());
    rows.push_back(cells);
  }
  return rows;
}

long Export(Store& store, const std::string& path, bool reveal) {
  auto writer = tp::registry::XlsxWriter::Create(path);
  REQUIRE(writer.ok());
  PersonExportOptions options;
  options.reveal_id_number = options.reveal_phone = reveal;
  auto report = tp::registry::WritePersonExport(store, Ref(), **writer, options);
  REQUIRE(report.ok());
  REQUIRE((*writer)->Close().ok());
  return report->persons;
}

// One person with every field of the export given, and the demo pool beside.
constexpr const char* kFullName = "覃海燕";

void Populate(Store& store, const TempDir& dir) {
  tp::registry::DemoOptions demo;
  demo.persons = 150;
  {
    std::ofstream out(dir / "pool.csv", std::ios::binary);
    REQUIRE(tp::registry::WriteDemoCsv(demo, tp::registry::DataDir(), out).ok());
  }
  CHECK(Import(store, dir / "pool.csv").rejected == 0);
  const std::map<std::string, std::string> full = {
      {"姓名", kFullName},
      {"性别", "女"},
      {"民族", "壮族"},
      {"出生日期", "1986-03-07"},
      {"身份证号", "45010319860307002X"},
      {"籍贯", "广西南宁"},
      {"政治面貌", "九三学社社员"},
      {"工作单位", "广西大学农学院"},
      {"职务", "副院长"},
      {"技术职称", "研究员"},
      {"最高学历", "研究生"},
      {"擅长领域", "水稻育种、作物遗传"},
      {"主要成就", "主持国家自然科学基金项目3项。\n获广西科学技术进步奖一等奖。"},
      {"手机", "13920511341"},
      {"电子邮箱", "qin.haiyan@example.cn"},
      {"推荐单位", "广西壮族自治区科学技术协会"},
      {"推荐单位类型", "省级科协"},
      {"人才类别", "领军人才"},
      {"所属群体", "新社会组织"},
      {"入库年度", "2024"},
      {"可否参加专题研修班", "是"},
      {"可否参加国情研修活动", "否"},
      {"出生地", "南宁"},
      {"国外永久居留权", "否"},
      {"特长爱好", "书法"},
      {"是否院士", "否"},
      {"通讯地址", "广西南宁市大学东路100号"},
      {"邮编", "530004"},
      {"学位", "博士"},
      {"毕业院校", "华中农业大学"},
      {"所学专业", "作物遗传育种"},
      {"人大政协任职", "南宁市政协委员"},
      {"科协及学会任职", "广西作物学会副理事长"},
      {"知联会海联会新联会", "广西知联会会员"},
      {"其他社会职务", "无"},
      {"主要经历", "2004.09—2009.06 华中农业大学 博士研究生\n2009.07— 广西大学农学院"},
      {"所在省份", "广西壮族自治区"},
      {"在职状态", "在职"},
      {"国籍", "美国"},
  };
  Rows rows(2);
  for (const std::string& column : tp::registry::PersonExportColumns()) {
    if (column == "编号") continue;
    INFO(column);
    REQUIRE(full.count(column) == 1);
    rows[0].push_back(column);
    rows[1].push_back(full.at(column));
  }
  WriteWorkbook(dir / "full.xlsx", rows);
  CHECK(Import(store, dir / "full.xlsx").inserted == 1);
}

std::string PublicIdOf(const Rows& rows, const std::string& name) {
  const auto name_column = std::find(rows[0].begin(), rows[0].end(), "姓名") - rows[0].begin();
  for (const auto& row : rows) {
    if (row[name_column] == name) return row[0];
  }
  FAIL("no row for " << name);
  return {};
}

PersonRecord Load(Store& store, const std::string& public_id) {
  auto record = store.GetPerson(public_id, /*decrypt=*/true);
  REQUIRE(record.ok());
  return *record;
}

// What the export carries of a record: the person's fields, its recommending unit and its latest
// admission.
struct Carried {
  tp::registry::Person person;
  std::string unit, unit_type, tier;
  int year = 0;
  bool operator==(const Carried&) const = default;
};

Carried CarriedOf(PersonRecord record) {
  Carried c;
  c.person = std::move(record.person);
  c.person.rowid = 0;
  c.person.as_typed.clear();  // the export writes values as stored, never as first typed
  if (record.unit) {
    c.unit = record.unit->name;
    c.unit_type = record.unit->type;
  }
  for (const AdmissionRecord& a : record.admissions) {
    if (a.year >= c.year) {
      c.year = a.year;
      c.tier = a.tier;
    }
  }
  return c;
}

}  // namespace

TEST_CASE("Person export: the columns are the import's own and cover every person field",
          "[export][round_trip]") {
  const auto& columns = tp::registry::PersonExportColumns();
  CHECK(columns.front() == "编号");
  for (const tp::registry::PersonField& field : tp::registry::PersonFields()) {
    INFO(field.label);
    CHECK(std::find(columns.begin(), columns.end(), field.label) != columns.end());
  }
  for (const std::string& column : columns) {
    INFO(column);
    CHECK(tp::registry::CanonicalColumn(column) == column);
  }
}

TEST_CASE("Person export: a revealed export imported into a fresh registry gives every field back",
          "[export][round_trip]") {
  TempDir dir;
  auto source = Fresh(dir / "source");
  Populate(*source, dir);
  REQUIRE(Export(*source, dir / "all.xlsx", /*reveal=*/true) == 151);
  const Rows rows = ReadWorkbook(dir / "all.xlsx");
  REQUIRE(rows.size() == 152);

  // The full person's row has a value in every column.
  const std::string full_id = PublicIdOf(rows, kFullName);
  for (const auto& row : rows) {
    if (row[0] != full_id) continue;
    for (std::size_t i = 0; i < row.size(); ++i) {
      INFO(rows[0][i]);
      CHECK_FALSE(row[i].empty());
    }
  }

  auto copy = Fresh(dir / "copy");
  ImportReport report = Import(*copy, dir / "all.xlsx");
  CHECK(report.inserted == 151);
  CHECK(report.rejected == 0);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    INFO(rows[i][0]);
    CHECK(CarriedOf(Load(*copy, rows[i][0])) == CarriedOf(Load(*source, rows[i][0])));
  }
  const Carried full = CarriedOf(Load(*copy, full_id));
  CHECK(full.person.id_number == "45010319860307002X");
  CHECK(full.person.phone == "13920511341");
  CHECK(full.person.nationality == "美国");
  CHECK(full.person.achievements.find('\n') != std::string::npos);
}

TEST_CASE("Person export: read back unedited, a masked export changes nothing and creates nobody",
          "[export][round_trip]") {
  TempDir dir;
  auto store = Fresh(dir / "reg");
  Populate(*store, dir);
  REQUIRE(Export(*store, dir / "masked.xlsx", /*reveal=*/false) == 151);
  const Rows rows = ReadWorkbook(dir / "masked.xlsx");
  const std::string full_id = PublicIdOf(rows, kFullName);
  const auto id_column = std::find(rows[0].begin(), rows[0].end(), "身份证号") - rows[0].begin();
  for (const auto& row : rows) {
    if (row[0] == full_id) CHECK(row[id_column] == "4501**********002X");
  }
  const PersonRecord before = Load(*store, full_id);
  auto seq = store->LastSeq();
  REQUIRE(seq.ok());

  ImportReport report = Import(*store, dir / "masked.xlsx");
  CHECK(report.inserted == 0);
  CHECK(report.updated == 0);
  CHECK(report.unchanged == 151);
  auto after_seq = store->LastSeq();
  REQUIRE(after_seq.ok());
  CHECK(*after_seq == *seq);  // nothing written, nothing to reindex
  const PersonRecord after = Load(*store, full_id);
  CHECK(after.version == before.version);
  CHECK(after.person == before.person);
  auto stats = store->Stats();
  REQUIRE(stats.ok());
  CHECK(stats->persons == 151);
}

TEST_CASE("Person export: an edited cell updates that field alone, a masked number stays",
          "[export][round_trip]") {
  TempDir dir;
  auto store = Fresh(dir / "reg");
  Populate(*store, dir);
  REQUIRE(Export(*store, dir / "masked.xlsx", /*reveal=*/false) == 151);
  Rows rows = ReadWorkbook(dir / "masked.xlsx");
  const std::string full_id = PublicIdOf(rows, kFullName);
  const auto column = [&](const std::string& name) {
    return std::find(rows[0].begin(), rows[0].end(), name) - rows[0].begin();
  };
  for (auto& row : rows) {
    if (row[0] == full_id) row[column("职务")] = "院长";
  }
  WriteWorkbook(dir / "edited.xlsx", rows);
  const PersonRecord before = Load(*store, full_id);

  ImportReport report = Import(*store, dir / "edited.xlsx");
  CHECK(report.inserted == 0);
  CHECK(report.updated == 1);
  CHECK(report.unchanged == 150);
  const PersonRecord after = Load(*store, full_id);
  CHECK(after.version == before.version + 1);
  CHECK(after.person.post == "院长");
  tp::registry::Person expected = before.person;
  expected.post = "院长";
  CHECK(after.person == expected);  // the ID number and phone behind their masks included
}
