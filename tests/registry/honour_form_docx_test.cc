// The 推荐表 imported from Word (registry/rounds/honour_form_docx.h): documents in the seed's
// layout written by Debian's python3-docx, an independent writer, read box by box onto the
// unit's list and into the stored form; bad ones refused naming the file and the label.
#include <catch2/catch.hpp>

#include "registry/base/paths.h"
#include "registry/fields/text.h"
#include "registry/rounds/honour_form_docx.h"
#include "support/python_writer.h"
#include "support/temp_dir.h"
#include "tests/registry/rounds_test_support.h"

namespace {

using tp::StatusCode;
using tp::registry::HonourForms;
using tp::roundstest::RoundsFixture;

constexpr const char* kZuimei = "zuimei-guangxi-2024";

// A python function `form(out, boxes)` writing the seed's 推荐表: `boxes` maps a label to its
// text, or None to leave the row out; the 学习工作经历 rows come from `rows`.
const char* kFormWriter = R"(
from docx.oxml.ns import qn
from docx.oxml import OxmlElement

def vmerge(cell, restart):
    pr = cell._tc.get_or_add_tcPr()
    m = OxmlElement('w:vMerge')
    if restart:
        m.set(qn('w:val'), 'restart')
    pr.append(m)

def form(out, boxes, rows, heading=('起止年月', '在何单位从事何工作')):
    d = docx.Document()
    if boxes.get('cover') is not None:
        # The seed's cover page: 推荐领域 in paragraphs above the notes and the table.
        for line in ['2024年广西“最美科技工作者”', '推  荐  表', '候选人姓名：' + boxes['姓名'],
                     '工作单位：广西农业科学院甘蔗研究所', '推荐单位：广西农学会', '推荐领域： ']:
            d.add_paragraph(line)
        for line in boxes['cover'].split('\n'):
            d.add_paragraph(line)
        for line in ['填报日期：2024年  3 月  20 日', '填 表 说 明', '1.请勿改变表格样式。',
                     '2.所有材料须经本人审阅。', '3.单位名称请写全称。', '4.推荐领域请在封面勾选。']:
            d.add_paragraph(line)
        d.add_page_break()
    d.add_paragraph('2024年广西“最美科技工作者”推荐表')
    t = d.add_table(rows=0, cols=6)
    def row(*cells):
        r = t.add_row().cells
        for i, text in enumerate(cells):
            r[i].text = text
        return r
    def wide(label, text):
        r = t.add_row().cells
        r[0].text = label
        merged = r[1].merge(r[5])
        merged.text = text
    row('姓  名', boxes['姓名'], '性  别', boxes['性别'], '照片', '')
    row('民  族', boxes['民族'], '出生年月', boxes['出生年月'], '', '')
    row('籍  贯', '广西南宁', '政治面貌', boxes['政治面貌'], '', '')
    row('学  历', boxes['学历'], '学  位', '博士', '', '')
    row('毕业院校', '广西大学', '所学专业', '作物遗传育种', '', '')
    wide('推荐组别', boxes['推荐组别'])
    if boxes.get('推荐领域') is not None:
        wide('推荐领域', boxes['推荐领域'])
    wide('工作单位及职务', '广西农业科学院甘蔗研究所 所长')
    wide('专业技术职务', boxes['专业技术职务'])
    row('办公电话', boxes['办公电话'], '手  机', '13877112345', '电子邮箱', 'wei@gxaas.net')
    row('通讯地址', '南宁市大学东路174号', '邮  编', '530007', '', '')
    # The seed's form has no box for the province the rule set asks about; units add it.
    row('所在省份', '广西壮族自治区', '', '', '', '')
    first = True
    for cells in [heading] + rows:
        r = t.add_row().cells
        r[0].text = '学\n习\n工\n作\n经\n历' if first else ''
        vmerge(r[0], first)
        first = False
        if len(cells) == 2:
            r[1].merge(r[2]).text = cells[0]
            r[3].merge(r[5]).text = cells[1]
        else:
            r[1].text = cells[0]
            r[2].merge(r[3]).text = cells[1]
            r[4].merge(r[5]).text = cells[2]
    for label, text in [('主要事迹（1500字左右）', boxes['主要事迹']),
                        ('感人故事（1—2个，1000字以内）', boxes['感人故事'])]:
        r = t.add_row().cells
        c = r[0].merge(r[5])
        c.text = label
        c.add_paragraph(text)
    wide('个人声明', boxes['个人声明'] + '\n\n候选人签名：\n年   月   日')
    wide('所在单位意见', boxes['所在单位意见'] + '\n （盖 章）\n2024年3月20日')
    wide('推荐单位意见', boxes['推荐单位意见'] + '\n                （盖 章）\n年   月   日')
    wide('备注', '')
    d.save(out)

boxes = {
  '姓名': '韦甘霖', '性别': '男', '民族': '壮族', '出生年月': '1980.01', '政治面貌': '中共党员',
  '学历': '研究生', '专业技术职务': '研究员', '办公电话': '0771-3247058',
  '推荐组别': '理科  工科  ☑农科  医科  综合  地市',
  '推荐领域': '□解决重大科学问题，突破关键核心技术\n☑科技服务民生\n□长期服务基层一线及老少边穷地区（市、县及以下）\n■促进科技成果转化应用\n□其他突出贡献、典型事迹',
  '主要事迹': '甘' * 1500,
  '感人故事': '1. 扎根蔗田二十年。\n2、台风过后，他第一个下地查看。',
  '个人声明': '☑本人接受推荐，承诺推荐材料中所有信息真实可靠，若有失实和造假行为，本人愿承担一切责任。',
  '所在单位意见': '政治表现好，廉洁自律，材料真实，不涉密，同意推荐。',
  '推荐单位意见': '成绩突出，学风端正，同意推荐。',
}
rows = [('2005.07—2012.06', '广西大学 讲师'), ('2012.07—今', '广西农业科学院 研究员')]
)";

std::string WriteForm(const tp::testing::TempDir& dir, const std::string& name,
                      const std::string& changes) {
  const std::string path = dir / name;
  tp::testing::RunPythonWriter(
      dir, "docx", std::string(kFormWriter) + changes + "\nform(out, boxes, rows)\n", path);
  return tp::testing::ReadFileBytes(path);
}

struct Fixture : RoundsFixture {
  Fixture() {
    auto forms = HonourForms::Create(workflow(), tp::registry::DataDir());
    if (!forms.ok()) FAIL(forms.status().ToString());
    honour = std::move(*forms);
    At("2024-03-20 09:00");
    unit = Unit("广西农学会", "省级学会", "45");
  }
  tp::StatusOr<tp::registry::HonourDocxImport> Import(const std::string& bytes,
                                                      const std::string& name) {
    return tp::registry::ImportHonourDocx(workflow(), *honour, kZuimei, unit.unit_rowid, bytes,
                                          name, unit);
  }
  std::unique_ptr<HonourForms> honour;
  tp::registry::Actor unit;
  tp::testing::TempDir dir;
};

}  // namespace

TEST_CASE("HonourDocx: a filled 推荐表 puts the person on the list with every box of the form",
          "[rounds][honour][docx]") {
  Fixture f;
  const std::string bytes = WriteForm(f.dir, "韦甘霖推荐表.docx", "");
  auto imported = f.Import(bytes, "韦甘霖推荐表.docx");
  INFO(imported.status().ToString());
  REQUIRE(imported.ok());
  for (const auto& e : imported->report.errors) UNSCOPED_INFO(e.field << ": " << e.message);
  CHECK(imported->report.errors.empty());
  CHECK(imported->report.added == 1);
  CHECK(imported->report.format == "docx");
  CHECK(std::find(imported->report.ignored_columns.begin(), imported->report.ignored_columns.end(),
                  "照片") != imported->report.ignored_columns.end());
  const int64_t id = imported->report.recommendation_id;
  REQUIRE(id > 0);

  auto view = f.honour->Get(id);
  REQUIRE(view.ok());
  CHECK(view->person.name == "韦甘霖");
  CHECK(view->person.education == "研究生");
  CHECK(view->person.title == "研究员");
  CHECK(view->person.graduated_from == "广西大学");
  CHECK(view->person.major == "作物遗传育种");
  CHECK(view->group == "农科");
  // Texts are kept as the API's PUT keeps them (NFKC: ， becomes ,).
  using tp::registry::NormalizeText;
  CHECK(view->opinion == NormalizeText("成绩突出，学风端正，同意推荐。"));
  const auto* fields = view->form.Get("推荐领域");
  REQUIRE(fields != nullptr);
  CHECK(fields->items == std::vector<std::string>{"科技服务民生", "促进科技成果转化应用"});
  CHECK(view->form.Get("办公电话")->text == "0771-3247058");
  const auto* rows = view->form.Get("学习工作经历");
  REQUIRE(rows != nullptr);
  REQUIRE(rows->rows.size() == 2);
  CHECK(rows->rows[0] == std::vector<std::string>{"2005.07—2012.06", "广西大学", "讲师"});
  CHECK(rows->rows[1] == std::vector<std::string>{"2012.07—今", "广西农业科学院", "研究员"});
  std::string deeds;
  for (int i = 0; i < 1500; ++i) deeds += "甘";
  CHECK(view->form.Get("主要事迹")->text == deeds);
  CHECK(
      view->form.Get("感人故事")->items ==
      std::vector<std::string>{"扎根蔗田二十年。", NormalizeText("台风过后，他第一个下地查看。")});
  CHECK(view->form.Get("个人声明")->text == "是");
  // The seal and date lines are not the opinion.
  CHECK(view->form.Get("所在单位意见")->text ==
        NormalizeText("政治表现好，廉洁自律，材料真实，不涉密，同意推荐。"));
  CHECK(view->check.missing.empty());
  CHECK(view->version == 1);

  // The same file again updates the person rather than adding them twice; a form whose box is
  // now empty keeps what was stored.
  const std::string again = WriteForm(
      f.dir, "韦甘霖推荐表2.docx",
      "boxes['办公电话'] = ''\nboxes['主要事迹'] = '蔗' * 1300\n"
      "rows = [('2005.07—2012.06', '广西大学', '讲师'), ('2012.07—今', '广西农业科学院', '研究员'),"
      " ('2020.01—今', '广西甘蔗学会', '理事长')]\n"
      "import functools\nform = functools.partial(form, heading=('起止年月', '单位', '工作'))\n");
  auto second = f.Import(again, "韦甘霖推荐表2.docx");
  INFO(second.status().ToString());
  REQUIRE(second.ok());
  CHECK(second->report.updated == 1);
  CHECK(second->report.added == 0);
  CHECK(second->report.recommendation_id == id);
  auto after = f.honour->Get(id);
  REQUIRE(after.ok());
  CHECK(after->form.Get("办公电话")->text == "0771-3247058");
  CHECK(after->form.Get("学习工作经历")->rows.size() == 3);
  CHECK(after->form.Get("学习工作经历")->rows[2][2] == "理事长");
  CHECK(tp::registry::FormCharacters(after->form.Get("主要事迹")->text) == 1300);
  auto list = f.workflow().GetSubmission(kZuimei, f.unit.unit_rowid);
  REQUIRE(list.ok());
  CHECK(list->items.size() == 1);
}

TEST_CASE("HonourDocx: 推荐领域 ticked on the seed's cover page is read",
          "[rounds][honour][docx]") {
  Fixture f;
  const std::string bytes =
      WriteForm(f.dir, "封面.docx",
                "boxes['推荐领域'] = None\n"
                "boxes['cover'] = '☑解决重大科学问题，突破关键核心技术\\n□科技服务民生\\n"
                "□长期服务基层一线及老少边穷地区（市、县及以下）\\n□促进科技成果转化应用\\n"
                "√ 其他突出贡献、典型事迹'\n");
  auto imported = f.Import(bytes, "封面.docx");
  INFO(imported.status().ToString());
  REQUIRE(imported.ok());
  CHECK(imported->report.errors.empty());
  auto view = f.honour->Get(imported->report.recommendation_id);
  REQUIRE(view.ok());
  const auto* fields = view->form.Get("推荐领域");
  REQUIRE(fields != nullptr);
  CHECK(fields->items ==
        std::vector<std::string>{"解决重大科学问题，突破关键核心技术", "其他突出贡献、典型事迹"});
  CHECK(view->person.name == "韦甘霖");  // the cover's own 候选人姓名 line leaves the table's

  // A tick on the cover for a choice the form does not have is refused, naming the box.
  const std::string wrong =
      WriteForm(f.dir, "封面2.docx",
                "boxes['推荐领域'] = None\nboxes['cover'] = '□科技服务民生\\n☑科技扶贫'\n");
  auto refused = f.Import(wrong, "封面2.docx");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("推荐领域") != std::string::npos);
  CHECK(refused.status().message().find("封面2.docx") != std::string::npos);
}

TEST_CASE("HonourDocx: unknown ticks, columns and values are refused naming file and label",
          "[rounds][honour][docx]") {
  Fixture f;
  auto refused = [&](const std::string& name, const std::string& changes,
                     const std::string& label) {
    auto result = f.Import(WriteForm(f.dir, name, changes), name);
    INFO(name);
    REQUIRE(result.status().code() == StatusCode::kInvalidArgument);
    CHECK(result.status().message().find("文件「" + name + "」") != std::string::npos);
    CHECK(result.status().message().find(label) != std::string::npos);
    REQUIRE(!result.status().details().empty());
    CHECK(result.status().details().front().field == label);
  };
  refused("领域.docx", "boxes['推荐领域'] = '☑科普\\n☑科技服务民生'", "推荐领域");
  refused("组别.docx", "boxes['推荐组别'] = '☑理科 ☑工科 农科'", "推荐组别");
  refused("组别写错.docx", "boxes['推荐组别'] = '☑文科 ☐工科'", "推荐组别");
  refused("事迹.docx", "boxes['主要事迹'] = '甘' * 3001", "主要事迹");
  refused("故事.docx", "boxes['感人故事'] = '1. 一\\n2. 二\\n3. 三'", "感人故事");
  refused("电话.docx", "boxes['办公电话'] = '请打手机'", "办公电话");
  {
    const std::string name = "栏目.docx";
    auto result = f.Import(WriteForm(f.dir, name,
                                     "rows = [('2005', '广西大学', '讲师')]\n"
                                     "import functools\nform = functools.partial(form, "
                                     "heading=('起止年月', '单位', '职务'))"),
                           name);
    REQUIRE(result.status().code() == StatusCode::kInvalidArgument);
    CHECK(result.status().message().find("「学习工作经历」没有「职务」一栏") != std::string::npos);
  }
  // A person's cell the import refuses is the report's error, naming the file; nothing stored.
  auto bad_person =
      f.Import(WriteForm(f.dir, "民族.docx", "boxes['民族'] = '火星族'"), "民族.docx");
  INFO(bad_person.status().ToString());
  REQUIRE(bad_person.ok());
  REQUIRE(!bad_person->report.errors.empty());
  CHECK(bad_person->report.errors.front().field == "民族");
  CHECK(bad_person->report.errors.front().message.find("文件「民族.docx」") != std::string::npos);
  CHECK(bad_person->report.recommendation_id == 0);

  auto list = f.workflow().GetSubmission(kZuimei, f.unit.unit_rowid);
  REQUIRE(list.ok());
  CHECK(list->items.empty());

  // Not a Word document, or a damaged one.
  auto junk = f.Import("PK\x03\x04 not really a zip", "坏文件.docx");
  CHECK(junk.status().code() == StatusCode::kInvalidArgument);
  CHECK(junk.status().message().find("坏文件.docx") != std::string::npos);
  // A round without a 推荐表.
  auto pool = tp::registry::ImportHonourDocx(f.workflow(), *f.honour, "pool-guangxi-2024",
                                             f.unit.unit_rowid, "", "x.docx", f.unit);
  CHECK(pool.status().code() != StatusCode::kOk);
}
