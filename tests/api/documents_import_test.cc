// Word forms and archives of them through POST /api/v1/imports, as a unit e-mails them: a zip
// holding one 学员情况表 per person as .docx, a table beside them, and a photo. The documents are
// made with Debian's python3-docx (scripts/install-deps.sh test installs it).

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_test_support.h"
#include "support/python_writer.h"
#include "support/temp_dir.h"
#include "support/zip_bytes.h"

namespace tp::apitest {
namespace {

using json = nlohmann::json;

// A 学员情况表 of label and value boxes for one person, as .docx bytes.
std::string StudentForm(const std::string& name, const std::string& id_number) {
  tp::testing::TempDir dir;
  const std::string out = dir / "form.docx";
  tp::testing::RunPythonWriter(dir, "docx", R"py(name, id_number = args
d = docx.Document()
d.add_paragraph("学员情况表")
t = d.add_table(rows=4, cols=4)
rows = [["姓 名", name, "性 别", "女"], ["出生日期", "1990.01", "身份证号", id_number],
        ["工作单位及职务", "广西大学 教授", "人才类别", "青年人才"],
        ["推荐单位", "广西壮族自治区科学技术协会", "入库年度", "2025"]]
for r, row in enumerate(rows):
    for c, text in enumerate(row):
        t.cell(r, c).text = text
u = d.add_table(rows=1, cols=2)
u.cell(0, 0).text = "主要成就 (工作成绩、成果等)"
u.cell(0, 1).text = "主持广西重点研发计划项目"
d.save(out)
)py",
                               out, {name, id_number});
  return tp::testing::ReadFileBytes(out);
}

TEST_CASE("Import: a Word 学员情况表 imports as one person, and again without a change",
          "[api][import][docx]") {
  ApiFixture f;
  std::string form = StudentForm("农晓雯", MakeIdNumber("450103", "19900115", "022"));
  Reply r = f.Call(f.staff, "POST", "/api/v1/imports?filename=" + UrlEncode("农晓雯.docx"), form,
                   {}, "application/octet-stream");
  REQUIRE(r.status == 200);
  json j = r.Json();
  INFO(j.dump());
  CHECK(j["format"] == "docx");
  CHECK(j["imported"] == 1);
  CHECK(j["rejected"] == 0);
  json hits = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("农晓雯")).Json();
  REQUIRE(hits["total"] == 1);
  json person =
      f.Get(f.staff, "/api/v1/persons/" + hits["hits"][0]["id"].get<std::string>()).Json();
  CHECK(person["achievements"] == "主持广西重点研发计划项目");
  CHECK(person["unit"] == "广西大学 教授");
  Reply again = f.Call(f.staff, "POST", "/api/v1/imports?filename=form.docx", form, {},
                       "application/octet-stream");
  CHECK(again.Json()["inserted"] == 0);
  CHECK(again.Json()["unchanged"] == 1);
  CHECK(f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("农晓雯")).Json()["total"] == 1);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Import: a zip of forms imports file by file, each problem named by file",
          "[api][import][docx]") {
  ApiFixture f;
  std::string bad_id = MakeIdNumber("450103", "19910220", "042");
  bad_id[17] = bad_id[17] == '0' ? '1' : '0';
  std::string csv =
      "姓名,性别,出生日期,身份证号,工作单位,推荐单位,推荐单位类型,人才类别,入库年度\r\n"
      "覃一帆,男,1992-03-04," +
      MakeIdNumber("450103", "19920304", "031") +
      ",广西大学,广西壮族自治区科学技术协会,省级科协,青年人才,2025\r\n";
  std::string zip = tp::testing::ZipBytes(
      {{"推荐材料/1-农晓雯.docx", StudentForm("农晓雯", MakeIdNumber("450103", "19900115", "022"))},
       {"推荐材料/2-蒙小川.docx", StudentForm("蒙小川", bad_id)},
       {"推荐材料/3-汇总表.csv", csv},
       {"推荐材料/4-坏的.docx", "PK\x03\x04 not a document"},
       {"推荐材料/农晓雯1.jpg", "\xFF\xD8\xFF\xE0"}});
  Reply r = f.Call(f.staff, "POST", "/api/v1/imports?filename=" + UrlEncode("推荐材料.zip"), zip,
                   {}, "application/zip");
  REQUIRE(r.status == 200);
  json j = r.Json();
  INFO(j.dump());
  CHECK(j["format"] == "zip");
  CHECK(j["files"] == 4);
  CHECK(j["skipped_files"] == json::array({"推荐材料/农晓雯1.jpg"}));
  CHECK(j["imported"] == 2);
  CHECK(j["rejected"] == 2);
  REQUIRE(j["errors"].size() == 2);
  CHECK(j["errors"][0]["file"] == "推荐材料/2-蒙小川.docx");
  CHECK(j["errors"][0]["field"] == "身份证号");
  CHECK(j["errors"][0]["row"] == 2);
  CHECK(j["errors"][1]["file"] == "推荐材料/4-坏的.docx");
  CHECK(j["errors"][1]["row"] == 0);
  CHECK(j["errors"][1]["message"].get<std::string>().find("4-坏的.docx") != std::string::npos);
  CHECK(f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("覃一帆")).Json()["total"] == 1);
  CHECK(f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("蒙小川")).Json()["total"] == 0);
  // One audit entry names the archive and its files.
  json audit = f.Get(f.staff, "/api/v1/audit?action=import").Json();
  REQUIRE(audit["total"] == 1);
  CHECK(audit["items"][0]["object_id"] == "推荐材料.zip");
  // A second import of the same archive creates nobody.
  json persons = f.Get(f.staff, "/api/v1/stats").Json()["persons"];
  Reply again =
      f.Call(f.staff, "POST", "/api/v1/imports?filename=a.zip", zip, {}, "application/zip");
  CHECK(again.Json()["inserted"] == 0);
  CHECK(again.Json()["unchanged"] == 2);
  CHECK(f.Get(f.staff, "/api/v1/stats").Json()["persons"] == persons);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace
}  // namespace tp::apitest

namespace tp::apitest {
namespace {

// A 推荐学员汇总表 as seed 001 prints it, written as a Word table: title lines, then a table
// whose people have no ID number and no 编号.
std::string SummaryWithoutIds(const std::vector<std::vector<std::string>>& people) {
  tp::testing::TempDir dir;
  const std::string out = dir / "summary.docx";
  std::vector<std::string> args;
  for (const auto& person : people) args.insert(args.end(), person.begin(), person.end());
  tp::testing::RunPythonWriter(dir, "docx", R"py(d = docx.Document()
d.add_paragraph("推荐学员汇总表")
d.add_paragraph("推荐单位：广西壮族自治区科学技术协会（加盖公章）")
head = ["序号", "姓名", "性别", "民族", "出生年月", "政治面貌", "单位职务", "最高学历",
        "擅长领域", "联系方式", "可否参加专题研修班", "可否参加国情研修活动"]
people = [args[i:i + 4] for i in range(0, len(args), 4)]
t = d.add_table(rows=1 + len(people), cols=len(head))
for c, text in enumerate(head):
    t.cell(0, c).text = text
for r, (name, gender, birth, unit) in enumerate(people, start=1):
    row = [str(r), name, gender, "汉族", birth, "无党派人士", unit, "研究生", "水稻育种", "", "是", "否"]
    for c, text in enumerate(row):
        t.cell(r, c).text = text
d.save(out)
)py",
                               out, args);
  return tp::testing::ReadFileBytes(out);
}

}  // namespace

TEST_CASE("Import: a 汇总表 without ID numbers adds nobody twice: matches wait for confirmation",
          "[api][import][docx][held]") {
  ApiFixture f;
  auto import = [&](const std::string& bytes, const std::string& query = "") {
    Reply r = f.Call(f.staff, "POST", "/api/v1/imports?filename=summary.docx" + query, bytes, {},
                     "application/octet-stream");
    INFO(r.body);
    REQUIRE(r.status == 200);
    return r.Json();
  };
  const std::string sheet = SummaryWithoutIds({{"黄明辉", "男", "1983.05", "广西大学 教授"},
                                               {"韦丽娟", "女", "1990.11", "广西医科大学 副教授"}});
  json first = import(sheet);
  CHECK(first["inserted"] == 2);
  CHECK(first["held"].empty());
  const json persons = f.Get(f.staff, "/api/v1/stats").Json()["persons"];

  // The same sheet again: both rows wait, each with the person it may be.
  json again = import(sheet);
  CHECK(again["inserted"] == 0);
  CHECK(again["imported"] == 0);
  REQUIRE(again["held"].size() == 2);
  const json& held = again["held"][0];
  CHECK(held["name"] == "黄明辉");
  CHECK(held["birth_date"] == "1983-05");
  REQUIRE(held["candidates"].size() == 1);
  CHECK(held["candidates"][0]["name"] == "黄明辉");
  CHECK(f.Get(f.staff, "/api/v1/stats").Json()["persons"] == persons);

  // Written in traditional characters, at the same unit: still the same person.
  const std::string traditional =
      SummaryWithoutIds({{"黃明輝", "男", "1983.05", "廣西大學 教授"},
                         {"韦丽娟", "女", "1990.11", "南宁市第一人民医院 主任医师"}});
  json folded = import(traditional);
  REQUIRE(folded["held"].size() == 1);  // 韦丽娟 of another unit is another person
  CHECK(folded["inserted"] == 1);
  CHECK(folded["held"][0]["candidates"][0]["id"] == held["candidates"][0]["id"]);

  // Confirmed: one row is that person (an update), the other another person (added).
  const std::string row_a = std::to_string(again["held"][0]["row"].get<long>());
  const std::string row_b = std::to_string(again["held"][1]["row"].get<long>());
  const std::string id_a = again["held"][0]["candidates"][0]["id"];
  json confirmed = import(sheet, "&same=" + row_a + ":" + id_a + "&new=" + row_b);
  CHECK(confirmed["held"].empty());
  CHECK(confirmed["unchanged"] == 1);
  CHECK(confirmed["inserted"] == 1);
  CHECK(confirmed["unused_confirmations"].empty());

  // A confirmation naming someone who is not a candidate is refused by row; one that matches
  // no waiting row is said to be unused; a malformed one is a 400 naming the parameter.
  json wrong = import(sheet, "&same=" + row_a + ":" + f.Person("b1").public_id);
  REQUIRE(wrong["errors"].size() == 1);
  CHECK(wrong["errors"][0]["field"] == "编号");
  CHECK(wrong["errors"][0]["row"].get<long>() == std::stol(row_a));
  json unused = import(sheet, "&new=99");
  CHECK(unused["unused_confirmations"] == json::array({99}));
  Reply malformed = f.Call(f.staff, "POST", "/api/v1/imports?filename=s.docx&same=abc", sheet, {},
                           "application/octet-stream");
  CHECK(malformed.status == 400);
  CHECK(malformed.body.find("same") != std::string::npos);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest
