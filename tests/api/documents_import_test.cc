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
