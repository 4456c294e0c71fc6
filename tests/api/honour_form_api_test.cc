// The honour 推荐表 over HTTP through the whole service: a unit fills in its candidate's form,
// unknown keys are refused by name, the form comes back as sent, the exclusions the data raises
// are answered, and the printed PDF is read back with pdftotext (poppler, independent of the
// cairo that wrote it).
#include <catch2/catch.hpp>

#include <fstream>

#include "api/api_test_support.h"
#include "registry/fields/id_number.h"
#include "registry/rounds/rounds.h"
#include "support/pdf_text.h"
#include "support/python_writer.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

constexpr const char* kRound = "zuimei-http";

std::string IdNumber(const std::string& birth, int seq) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%03d", seq);
  const std::string first17 = "450103" + birth + digits;
  return first17 + registry::ComputeCheckDigit(first17);
}

json Candidate(const std::string& name, const std::string& unit, int seq) {
  return {{"person",
           {{"姓名", name},
            {"身份证号", IdNumber("19800101", seq)},
            {"民族", "壮族"},
            {"政治面貌", "中共党员"},
            {"工作单位", unit},
            {"职务", "研究室主任"},
            {"技术职称", "研究员"},
            {"最高学历", "研究生"},
            {"学位", "博士"},
            {"毕业院校", "广西大学"},
            {"所学专业", "作物遗传育种"},
            {"手机", "13907710001"},
            {"所在省份", "45"}}},
          {"group", "农科"},
          {"opinion", "扎根基层，成绩突出，同意推荐。"}};
}

// Texts without the full-width punctuation NFKC folds (，（）), so that they come back as sent;
// the tick with （） comes back as the form spells it.
json FullForm() {
  return {{"推荐领域", {"科技服务民生", "长期服务基层一线及老少边穷地区（市、县及以下）"}},
          {"办公电话", "0771-3243011"},
          {"学习工作经历",
           {{{"起止年月", "2006.07—2012.06"}, {"单位", "广西大学农学院"}, {"工作", "讲师"}},
            {{"起止年月", "2012.07—今"}, {"单位", "广西农业科学院甘蔗研究所"}, {"工作", "研究员"}}}},
          {"主要事迹", "培育糖料蔗新品种。" + Repeat("蔗", 1491)},
          {"感人故事", {"台风过后他第一个走进蔗田。", "他把实验室搬到了村里。"}},
          {"个人声明", true},
          {"所在单位意见", "该同志政治表现好、廉洁自律、材料真实准确、不涉密。同意推荐。"},
          {"备注", "无"}};
}

struct HonourServer {
  HonourServer() {
    std::string agri, organ;
    {
      auto batch = f.store().BeginWrite();
      REQUIRE(batch.ok());
      auto a = (*batch)->EnsureUnit("广西农学会", "省级学会", "45");
      auto o = (*batch)->EnsureUnit("广西壮族自治区农业农村厅", "党政部门", "45");
      REQUIRE(a.ok());
      REQUIRE(o.ok());
      REQUIRE((*batch)->Commit().ok());
      agri = a->code;
      organ = o->code;
    }
    auto t1 = f.store().CreateToken("unit", agri, "", "honour-test");
    auto t2 = f.store().CreateToken("unit", organ, "", "honour-test");
    REQUIRE(t1.ok());
    REQUIRE(t2.ok());
    unit = *t1;
    organ_token = *t2;
    const json round = {{"code", kRound},
                        {"campaign", "zuimei-guangxi-2024"},
                        {"title", "最美科技工作者推荐（接口测试）"},
                        {"opens_at", BeijingDay(-1) + " 00:00"},
                        {"deadline", BeijingDay(20) + " 24:00"},
                        {"reference_date", BeijingDay(20)},
                        {"rule_set", "zuimei-guangxi-2024"}};
    Reply made = f.Call(f.staff, "POST", "/api/v1/rounds", round.dump());
    INFO(made.body);
    REQUIRE(made.status == 201);
  }

  int64_t Add(const std::string& token, const json& candidate) {
    Reply added = f.Call(token, "POST", std::string("/api/v1/rounds/") + kRound + "/recommendations",
                         candidate.dump());
    INFO(added.body);
    REQUIRE(added.status == 201);
    return added.Json()["item"]["id"].get<int64_t>();
  }

  ApiFixture f;
  std::string unit, organ_token;
};

std::string FormPath(int64_t id, const std::string& tail = "honour-form") {
  return "/api/v1/recommendations/" + std::to_string(id) + "/" + tail;
}

}  // namespace

TEST_CASE("Honour form API: unknown keys are refused by name, the form comes back as sent",
          "[api][honour]") {
  HonourServer s;
  const int64_t id = s.Add(s.unit, Candidate("韦甘霖", "广西农业科学院甘蔗研究所", 11));

  Reply empty = s.f.Get(s.unit, FormPath(id));
  INFO(empty.body);
  REQUIRE(empty.status == 200);
  const json blank = empty.Json();
  CHECK(blank["spec"]["title"] == "广西“最美科技工作者”推荐表");
  CHECK(blank["spec"]["fields"][0]["key"] == "推荐领域");
  CHECK(blank["spec"]["fields"][0]["values"].size() == 5);
  CHECK(blank["version"] == 0);
  CHECK(blank["person"]["id_number_mask"].get<std::string>().find("*") != std::string::npos);
  CHECK(!blank["person"].contains("ethnic_group"));  // a unit does not read 民族
  CHECK(blank.dump().find("13907710001") == std::string::npos);
  bool deeds_missing = false;
  for (const json& m : blank["missing"]) deeds_missing |= m["field"] == "主要事迹";
  CHECK(deeds_missing);

  // A key the form does not have is an error naming it; nothing is stored.
  json wrong = FullForm();
  wrong["先进事迹"] = "写错了栏目";
  Reply refused = s.f.Call(s.unit, "PUT", FormPath(id), wrong.dump());
  CHECK(refused.status == 400);
  CHECK(refused.Json()["error"]["message"].get<std::string>().find("先进事迹") != std::string::npos);
  CHECK(refused.Json()["error"]["details"][0]["field"] == "先进事迹");
  CHECK(s.f.Get(s.unit, FormPath(id)).Json()["version"] == 0);

  // Over a limit: 400 naming the box.
  json long_story = FullForm();
  long_story["感人故事"] = {Repeat("故", 1001)};
  Reply over = s.f.Call(s.unit, "PUT", FormPath(id), long_story.dump());
  CHECK(over.status == 400);
  CHECK(over.Json()["error"]["message"] == "「感人故事第1项」不能超过1000字（现为1001字）");

  Reply saved = s.f.Call(s.unit, "PUT", FormPath(id), FullForm().dump());
  INFO(saved.body);
  REQUIRE(saved.status == 200);
  CHECK(saved.Json()["version"] == 1);
  Reply read = s.f.Get(s.unit, FormPath(id));
  REQUIRE(read.status == 200);
  CHECK(read.Json()["values"] == FullForm());
  CHECK(read.Json()["missing"].empty());
  // Another unit does not see it; the province and staff do.
  CHECK(s.f.Get(s.f.unit_b, FormPath(id)).status == 404);
  CHECK(s.f.Call(s.f.unit_b, "PUT", FormPath(id), FullForm().dump()).status == 404);
  CHECK(s.f.Get(s.f.province, FormPath(id)).status == 200);
  Reply staff = s.f.Get(s.f.staff, FormPath(id));
  REQUIRE(staff.status == 200);
  CHECK(staff.Json()["person"]["ethnic_group"] == "壮族");
  CHECK(s.f.Call(s.f.province, "PUT", FormPath(id), FullForm().dump()).status == 403);
}

TEST_CASE("Honour form API: an organ's candidate is asked about and the unit's answer recorded",
          "[api][honour]") {
  HonourServer s;
  const int64_t id = s.Add(s.organ_token, Candidate("黄农", "广西壮族自治区农业农村厅", 13));
  Reply form = s.f.Get(s.organ_token, FormPath(id));
  REQUIRE(form.status == 200);
  REQUIRE(form.Json()["exclusions"].size() == 1);
  const json raised = form.Json()["exclusions"][0];
  CHECK(raised["check"] == "official");
  CHECK(raised["rule"] == "不包括各级党政机关工作人员");
  CHECK(raised["open"] == true);
  CHECK(raised["message"].get<std::string>().find("广西壮族自治区农业农村厅") != std::string::npos);

  Reply unknown = s.f.Call(s.organ_token, "POST", FormPath(id, "exclusions"),
                           json{{"check", "official"}, {"answer", "confirm"}, {"why", "x"}}.dump());
  CHECK(unknown.status == 400);
  CHECK(unknown.Json()["error"]["details"][0]["field"] == "why");
  Reply answered = s.f.Call(
      s.organ_token, "POST", FormPath(id, "exclusions"),
      json{{"check", "official"}, {"answer", "confirm"}, {"note", "厅属事业单位科研人员，非公务员"}}
          .dump());
  INFO(answered.body);
  REQUIRE(answered.status == 200);
  CHECK(answered.Json()["exclusions"][0]["open"] == false);
  CHECK(answered.Json()["exclusions"][0]["answer"] == "confirm");
  // Staff see the answer.
  Reply staff = s.f.Get(s.f.staff, FormPath(id));
  CHECK(staff.Json()["exclusions"][0]["note"] == "厅属事业单位科研人员,非公务员");
}

TEST_CASE("Honour form API: the printed 推荐表 reads back with pdftotext", "[api][honour]") {
  HonourServer s;
  const int64_t id = s.Add(s.unit, Candidate("韦甘霖", "广西农业科学院甘蔗研究所", 11));
  REQUIRE(s.f.Call(s.unit, "PUT", FormPath(id), FullForm().dump()).status == 200);
  Reply pdf = s.f.Get(s.unit, FormPath(id, "honour-form.pdf"));
  REQUIRE(pdf.status == 200);
  CHECK(pdf.Header("content-type") == "application/pdf");
  tp::testing::TempDir dir;
  const auto text = tp::testing::ReadPdf(dir, pdf.body);
  using tp::testing::Has;
  CHECK(Has(text.text, "广西“最美科技工作者”推荐表"));
  CHECK(Has(text.text, "韦甘霖"));
  CHECK(Has(text.text, "☑科技服务民生"));
  CHECK(Has(text.text, "☐促进科技成果转化应用"));
  CHECK(Has(text.text, "2012.07—今 广西农业科学院甘蔗研究所 研究员"));
  CHECK(Has(text.text, "1. 台风过后他第一个走进蔗田。"));
  CHECK(Has(text.text, "候选人已接受推荐"));
  CHECK(Has(text.text, "扎根基层,成绩突出,同意推荐。"));  // NFKC, as stored
  CHECK(Has(text.text, "推荐单位意见"));
  CHECK(!Has(text.text, "13907710001"));
  CHECK(!Has(text.text, IdNumber("19800101", 11)));
  CHECK(text.pages >= 2);  // 1,500 characters of deeds do not fit on the first page
  CHECK(s.f.Get(s.f.unit_b, FormPath(id, "honour-form.pdf")).status == 404);
}

TEST_CASE("Honour form API: the 优秀党员 推荐表 keeps and prints the 推荐词 and 总述",
          "[api][honour]") {
  ApiFixture f;
  const json round = {{"code", "youxiu-http"},
                      {"campaign", "youxiu-dangyuan-2018"},
                      {"title", "优秀党员科技工作者推荐（接口测试）"},
                      {"opens_at", BeijingDay(-1) + " 00:00"},
                      {"deadline", BeijingDay(20) + " 24:00"},
                      {"reference_date", BeijingDay(20)},
                      {"rule_set", "youxiu-dangyuan-2018"}};
  REQUIRE(f.Call(f.staff, "POST", "/api/v1/rounds", round.dump()).status == 201);
  json member = Candidate("钱化学", "北京大学化学与分子工程学院", 17);
  member.erase("group");
  member["person"]["通讯地址"] = "北京市海淀区成府路202号";
  Reply added =
      f.Call(f.unit_b, "POST", "/api/v1/rounds/youxiu-http/recommendations", member.dump());
  INFO(added.body);
  REQUIRE(added.status == 201);
  const int64_t id = added.Json()["item"]["id"].get<int64_t>();
  const json form = {{"入会时间", "2009-03"},
                     {"推荐词", "分子世界的筑梦人"},
                     {"总述", "化学教授、党支部书记。"},
                     {"主要事迹", "带领团队攻关。"},
                     {"重点事迹", "重点事迹三百字以内。"}};
  Reply saved = f.Call(f.unit_b, "PUT", FormPath(id), form.dump());
  INFO(saved.body);
  REQUIRE(saved.status == 200);
  CHECK(saved.Json()["spec"]["opinion_label"] == "学会党组织推荐意见");
  json too_long = form;
  too_long["重点事迹"] = Repeat("重", 301);
  CHECK(f.Call(f.unit_b, "PUT", FormPath(id), too_long.dump()).status == 400);
  Reply pdf = f.Get(f.unit_b, FormPath(id, "honour-form.pdf"));
  REQUIRE(pdf.status == 200);
  tp::testing::TempDir dir;
  const auto text = tp::testing::ReadPdf(dir, pdf.body);
  CHECK(tp::testing::Has(text.text, "全国学会优秀党员科技工作者推荐表"));
  CHECK(tp::testing::Has(text.text, "推荐词 分子世界的筑梦人"));
  CHECK(tp::testing::Has(text.text, "总述 化学教授、党支部书记。"));
  CHECK(tp::testing::Has(text.text, "学会党组织推荐意见"));
  CHECK(tp::testing::Has(text.text, "入会时间 2009-03"));
}

namespace {

// The seed's 推荐表 as a unit fills it in Word, written by python3-docx; `tick` is the
// 推荐领域 box's text.
std::string FilledForm(const tp::testing::TempDir& dir, const std::string& name,
                       const std::string& tick) {
  const std::string path = dir / name;
  tp::testing::RunPythonWriter(dir, "docx", R"(
d = docx.Document()
t = d.add_table(rows=0, cols=4)
def row(*cells):
    r = t.add_row().cells
    for i, text in enumerate(cells):
        r[i].text = text
row('姓  名', '蒙蔗生', '性  别', '男')
row('民  族', '壮族', '出生年月', '1979.05')
row('政治面貌', '中共党员', '学  历', '研究生')
row('学  位', '博士', '毕业院校', '广西大学')
row('所学专业', '作物遗传育种', '专业技术职务', '研究员')
row('工作单位', '广西农业科学院甘蔗研究所', '职务', '研究室主任')
row('所在省份', '45', '推荐组别', '☐理科 ☐工科 ☑农科 ☐医科 ☐综合 ☐地市')
row('推荐领域', args[0], '办公电话', '0771-3243011')
row('学习工作经历', '起止年月', '单位', '工作')
row('', '2006.07—2012.06', '广西大学农学院', '讲师')
row('', '2012.07—今', '广西农业科学院甘蔗研究所', '研究员')
row('主要事迹（1500字左右）', '培育糖料蔗新品种。' + '蔗' * 1491, '', '')
row('感人故事', '1. 台风过后他第一个走进蔗田。\n2. 他把实验室搬到了村里。', '', '')
row('个人声明', '☑本人接受推荐，承诺推荐材料中所有信息真实可靠，若有失实和造假行为，本人愿承担一切责任。', '', '')
row('所在单位意见', '该同志政治表现好、廉洁自律、材料真实准确、不涉密。同意推荐。\n（盖 章）\n2024年3月20日', '', '')
row('推荐单位意见', '扎根基层，成绩突出，同意推荐。\n（盖 章）\n年  月  日', '', '')
d.save(out)
)",
                               path, {tick});
  return tp::testing::ReadFileBytes(path);
}

}  // namespace

TEST_CASE("Honour form API: a 推荐表 uploaded in Word fills the list and the form",
          "[api][honour][docx]") {
  HonourServer s;
  tp::testing::TempDir dir;
  const std::string upload = std::string("/api/v1/rounds/") + kRound + "/uploads?filename=";
  // A tick the form does not have: 400 naming the file and the box; nothing stored.
  Reply bad = s.f.Call(s.unit, "POST", upload + "bad.docx",
                       FilledForm(dir, "bad.docx", "☑科普宣传 ☐科技服务民生"), {},
                       "application/octet-stream");
  INFO(bad.body);
  CHECK(bad.status == 400);
  CHECK(bad.Json()["error"]["message"].get<std::string>().find("bad.docx") != std::string::npos);
  CHECK(bad.Json()["error"]["details"][0]["field"] == "推荐领域");
  Reply list = s.f.Get(s.unit, std::string("/api/v1/rounds/") + kRound + "/submission");
  REQUIRE(list.status == 200);
  CHECK(list.Json()["items"].empty());
  // A damaged file is refused, naming it.
  Reply damaged = s.f.Call(s.unit, "POST", upload + "damaged.docx",
                           std::string("PK\x03\x04", 4) + "word/document.xml broken", {},
                           "application/octet-stream");
  CHECK(damaged.status == 400);

  Reply good = s.f.Call(s.unit, "POST", upload + "form.docx",
                        FilledForm(dir, "form.docx",
                                   "☑科技服务民生\n☐促进科技成果转化应用\n"
                                   "☑长期服务基层一线及老少边穷地区（市、县及以下）"),
                        {}, "application/octet-stream");
  INFO(good.body);
  REQUIRE(good.status == 200);
  CHECK(good.Json()["format"] == "docx");
  CHECK(good.Json()["added"] == 1);
  const int64_t id = good.Json()["recommendation_id"].get<int64_t>();
  Reply form = s.f.Get(s.unit, FormPath(id));
  REQUIRE(form.status == 200);
  json expected = FullForm();
  expected.erase("备注");
  CHECK(form.Json()["values"] == expected);
  CHECK(form.Json()["group"] == "农科");
  CHECK(form.Json()["missing"].empty());
}

TEST_CASE("Honour form API: the 推荐表 printed in Word uploads back as the same form",
          "[api][honour][docx]") {
  HonourServer s;
  const int64_t id = s.Add(s.unit, Candidate("韦甘霖", "广西农业科学院甘蔗研究所", 11));
  REQUIRE(s.f.Call(s.unit, "PUT", FormPath(id), FullForm().dump()).status == 200);
  Reply docx = s.f.Get(s.unit, FormPath(id, "honour-form.docx"));
  REQUIRE(docx.status == 200);
  CHECK(docx.Header("content-type").find("wordprocessingml") != std::string::npos);
  CHECK(s.f.Get(s.f.unit_b, FormPath(id, "honour-form.docx")).status == 404);
  // The tables as an independent reader (python3-docx) sees them: the boxes and the rows.
  tp::testing::TempDir dir;
  const std::string path = dir / "printed.docx";
  { std::ofstream(path, std::ios::binary) << docx.body; }
  const std::string text_path = dir / "cells.txt";
  tp::testing::RunPythonWriter(dir, "docx", R"(
d = docx.Document(args[0])
with open(out, 'w', encoding='utf-8') as f:
    for t in d.tables:
        for r in t.rows:
            f.write('|'.join(c.text for c in r.cells) + '\n')
)",
                               text_path, {path});
  const std::string cells = tp::testing::ReadFileBytes(text_path);
  CHECK(cells.find("起止年月|单位|工作") != std::string::npos);
  CHECK(cells.find("2012.07—今|广西农业科学院甘蔗研究所|研究员") != std::string::npos);
  CHECK(cells.find("☑科技服务民生") != std::string::npos);

  // Cleared on the server, then the printed file uploaded: the same form again.
  REQUIRE(s.f.Call(s.unit, "PUT", FormPath(id), json{{"备注", "无"}}.dump()).status == 200);
  Reply back = s.f.Call(s.unit, "POST",
                        std::string("/api/v1/rounds/") + kRound + "/uploads?filename=printed.docx",
                        docx.body, {}, "application/octet-stream");
  INFO(back.body);
  REQUIRE(back.status == 200);
  CHECK(back.Json()["updated"] == 1);
  CHECK(back.Json()["errors"].empty());
  CHECK(back.Json()["recommendation_id"] == id);
  Reply form = s.f.Get(s.unit, FormPath(id));
  REQUIRE(form.status == 200);
  CHECK(form.Json()["values"] == FullForm());
  CHECK(form.Json()["group"] == "农科");
  CHECK(form.Json()["opinion"] == "扎根基层,成绩突出,同意推荐。");
}

}  // namespace tp::apitest
