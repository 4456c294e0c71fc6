#include <algorithm>
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "registry/base/paths.h"
#include "registry/fields/id_number.h"
#include "registry/fields/reference_data.h"
#include "registry/fields/validate.h"

using tp::FieldError;
using tp::registry::BuildPerson;
using tp::registry::CanonicalColumn;
using tp::registry::PartialDate;
using tp::registry::Person;
using tp::registry::ReferenceData;

namespace {

using Cells = std::vector<std::pair<std::string, std::string>>;

const PartialDate kToday{2025, 6, 15};

const ReferenceData& Reference() {
  static const ReferenceData reference = [] {
    auto loaded = ReferenceData::Load(tp::registry::DataDir());
    REQUIRE(loaded.ok());
    return *loaded;
  }();
  return reference;
}

std::string WithCheck(const std::string& first17) {
  return first17 + tp::registry::ComputeCheckDigit(first17);
}

// A man born 1986-03-07 in 南宁市青秀区.
const std::string kIdNumber = WithCheck("45010319860307001");

struct Result {
  Person person;
  std::vector<FieldError> errors;
};

Result Build(const Cells& cells) {
  Result r;
  r.errors = BuildPerson(cells, Reference(), kToday, &r.person);
  return r;
}

// The row with `column` set to `value` on top of a valid name.
Result BuildOne(const std::string& column, const std::string& value) {
  return Build({{"姓名", "韦小宝"}, {column, value}});
}

// The single error of `r`, as "field: message"; "" when there is none.
std::string OnlyError(const Result& r) {
  if (r.errors.empty()) return "";
  REQUIRE(r.errors.size() == 1);
  return r.errors[0].field + ": " + r.errors[0].message;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

// ---- columns --------------------------------------------------------------------

TEST_CASE("CanonicalColumn: the contract's import columns are known as they are", "[validate]") {
  for (const char* name : {"编号",
                           "姓名",
                           "性别",
                           "民族",
                           "出生日期",
                           "身份证号",
                           "籍贯",
                           "政治面貌",
                           "工作单位",
                           "职务",
                           "技术职称",
                           "最高学历",
                           "擅长领域",
                           "主要成就",
                           "手机",
                           "电子邮箱",
                           "推荐单位",
                           "推荐单位类型",
                           "人才类别",
                           "所属群体",
                           "入库年度",
                           "可否参加专题研修班",
                           "可否参加国情研修活动"}) {
    INFO(name);
    REQUIRE(CanonicalColumn(name).has_value());
    CHECK(*CanonicalColumn(name) == name);
  }
}

TEST_CASE("CanonicalColumn: the other person fields are known under the forms' wording",
          "[validate]") {
  CHECK(*CanonicalColumn("出生地") == "出生地");
  CHECK(*CanonicalColumn("是否有国外永久居留权") == "国外永久居留权");
  CHECK(*CanonicalColumn("特长爱好") == "特长爱好");
  CHECK(*CanonicalColumn("是否院士") == "是否院士");
  CHECK(*CanonicalColumn("通讯地址") == "通讯地址");
  CHECK(*CanonicalColumn("邮编") == "邮编");
  CHECK(*CanonicalColumn("学位") == "学位");
  CHECK(*CanonicalColumn("毕业院校") == "毕业院校");
  CHECK(*CanonicalColumn("所学专业") == "所学专业");
  CHECK(*CanonicalColumn("在市级（含）以上人大、政协任职情况") == "人大政协任职");
  CHECK(*CanonicalColumn("在市级（含）以上科协组织、学术社团、行业协会等任职情况") ==
        "科协及学会任职");
  CHECK(*CanonicalColumn("是否加入知联会、海联会、新联会等社团") == "知联会海联会新联会");
  CHECK(*CanonicalColumn("其他社会 职务") == "其他社会职务");
  CHECK(*CanonicalColumn("主要工作 和学习 经历") == "主要经历");
  CHECK(*CanonicalColumn("主要成就 (工作成 绩、成果、 受奖励和 荣誉称号 等)") == "主要成就");
  CHECK(*CanonicalColumn("推荐单位 意见") == "推荐单位意见");
  CHECK(*CanonicalColumn("所在省份") == "所在省份");
  CHECK(*CanonicalColumn("在职状态") == "在职状态");
  CHECK(*CanonicalColumn("国籍") == "国籍");
}

TEST_CASE("CanonicalColumn: aliases from the seeds' forms map to their columns", "[validate]") {
  CHECK(*CanonicalColumn("出生年月") == "出生日期");
  CHECK(*CanonicalColumn("单位职务") == "工作单位及职务");
  CHECK(*CanonicalColumn("工作单位及职务") == "工作单位及职务");
  CHECK(*CanonicalColumn("联系方式") == "手机");
  CHECK(*CanonicalColumn("专技职务") == "技术职称");
  CHECK(*CanonicalColumn("专业技术职务") == "技术职称");
  CHECK(*CanonicalColumn("学历") == "最高学历");
  CHECK(*CanonicalColumn("姓 名") == "姓名");
  CHECK(*CanonicalColumn("姓\xE3\x80\x80\xE3\x80\x80名") == "姓名");
  CHECK(*CanonicalColumn("手  机") == "手机");
  CHECK(*CanonicalColumn("E-mail") == "电子邮箱");
  CHECK(*CanonicalColumn("身份证号码") == "身份证号");
  CHECK(*CanonicalColumn("姓名*") == "姓名");
  CHECK(*CanonicalColumn("性别：") == "性别");
}

TEST_CASE("CanonicalColumns: lists the person fields, the contract's columns first", "[validate]") {
  const auto& columns = tp::registry::CanonicalColumns();
  REQUIRE(columns.size() == 41);
  CHECK(columns.front() == "编号");
  CHECK(columns[22] == "可否参加国情研修活动");
  for (std::string_view c : columns) {
    INFO(std::string(c));
    CHECK(CanonicalColumn(c) == std::optional<std::string_view>(c));
    CHECK(c != "序号");
  }
}

TEST_CASE("CanonicalColumn: 序号 is known and unknown headers are not", "[validate]") {
  CHECK(*CanonicalColumn("序号") == "序号");
  CHECK_FALSE(CanonicalColumn("备注").has_value());
  CHECK_FALSE(CanonicalColumn("").has_value());
  CHECK_FALSE(CanonicalColumn("推荐词").has_value());
}

// ---- a whole row ----------------------------------------------------------------

TEST_CASE("BuildPerson: a typical summary-sheet row becomes a normalised person", "[validate]") {
  const Cells row = {
      {"序号", "1"},
      {"编号", "GX2024-001"},
      {"姓名", "韦小宝"},
      {"性别", "男"},
      {"民族", "壮"},
      {"出生日期", "1986年3月7日"},
      {"身份证号", " " + kIdNumber + " "},
      {"籍贯", "广西南宁"},
      {"政治面貌", "九三"},
      {"工作单位", "广西大学"},
      {"职务", "副院长"},
      {"技术职称", "教授"},
      {"最高学历", "研究生"},
      {"擅长领域", "人工智能、机器学习；数据挖掘"},
      {"主要成就", "获广西科技进步奖一等奖"},
      {"手机", "138 1234 5678"},
      {"电子邮箱", "ｗｅｉ＠ｇｘｕ．ｅｄｕ．ｃｎ"},
      {"推荐单位", "广西科协"},
      {"推荐单位类型", "省级科协"},
      {"人才类别", "青年"},
      {"所属群体", "无"},
      {"入库年度", "2024年"},
      {"可否参加专题研修班", "是"},
      {"可否参加国情研修活动", "×"},
  };
  const Result r = Build(row);
  CHECK(r.errors.empty());
  const Person& p = r.person;
  CHECK(p.public_id == "GX2024-001");
  CHECK(p.name == "韦小宝");
  CHECK(p.gender == "男");
  CHECK(p.ethnic_group == "壮族");
  CHECK(p.birth_date == "1986-03-07");
  CHECK(p.id_number == kIdNumber);
  CHECK(p.political_affiliation == "九三学社社员");
  CHECK(p.unit_name == "广西大学");
  CHECK(p.post == "副院长");
  CHECK(p.title == "教授");
  CHECK(p.fields == std::vector<std::string>{"人工智能", "机器学习", "数据挖掘"});
  CHECK(p.phone == "13812345678");
  CHECK(p.email == "wei@gxu.edu.cn");
  CHECK(p.recommending_unit_type == "省级科协");
  CHECK(p.tier == "青年人才");
  CHECK(p.group_type == "");
  CHECK(p.admission_year == 2024);
  CHECK(p.can_attend_seminar == true);
  CHECK(p.can_attend_study_tour == false);
  CHECK(p.province == "45");  // from the ID number's region code
  // Only cells that normalisation changed keep their typed text.
  CHECK(p.as_typed.size() < row.size());
  CHECK(std::find(p.as_typed.begin(), p.as_typed.end(),
                  std::pair<std::string, std::string>{"身份证号", " " + kIdNumber + " "}) !=
        p.as_typed.end());
}

TEST_CASE("BuildPerson: the other fields of the person record are filled", "[validate]") {
  const Result r = Build({{"姓名", "李四"},
                          {"出生地", "桂林"},
                          {"国外永久居留权", "无"},
                          {"特长爱好", "书法"},
                          {"是否院士", "否"},
                          {"通讯地址", "南宁市大学东路100号"},
                          {"邮编", "530004"},
                          {"学位", "博士"},
                          {"毕业院校", "浙江大学"},
                          {"所学专业", "化学"},
                          {"人大政协任职", "南宁市政协委员"},
                          {"科协及学会任职", "广西化学化工学会理事"},
                          {"知联会海联会新联会", "知联会会员"},
                          {"其他社会职务", "无"},
                          {"主要经历", "2008年起在广西大学任教\r\n2015年晋升教授"},
                          {"推荐单位意见", "该同志政治坚定，业务突出。"},
                          {"在职状态", "退休"},
                          {"国籍", "中国"}});
  CHECK(r.errors.empty());
  const Person& p = r.person;
  CHECK(p.birthplace == "桂林");
  CHECK(p.foreign_residence == false);
  CHECK(p.hobbies == "书法");
  CHECK(p.academician == false);
  CHECK(p.address == "南宁市大学东路100号");
  CHECK(p.postcode == "530004");
  CHECK(p.degree == "博士");
  CHECK(p.graduated_from == "浙江大学");
  CHECK(p.major == "化学");
  CHECK(p.congress_posts == "南宁市政协委员");
  CHECK(p.association_posts == "广西化学化工学会理事");
  CHECK(p.united_front_groups == "知联会会员");
  CHECK(p.other_posts == "无");
  CHECK(p.career == "2008年起在广西大学任教\n2015年晋升教授");
  CHECK(p.opinion == "该同志政治坚定,业务突出。");
  CHECK(p.employment_status == "离退休");
  CHECK(p.nationality == "");
}

// ---- field rules ----------------------------------------------------------------

TEST_CASE("BuildPerson: 姓名 is required", "[validate]") {
  CHECK(OnlyError(Build({{"性别", "男"}})) == "姓名: 不能为空");
  CHECK(OnlyError(Build({{"姓名", "  "}, {"性别", "男"}})) == "姓名: 不能为空");
}

TEST_CASE("BuildPerson: 姓名 takes 2 to 30 characters of Han, letters and ·", "[validate]") {
  CHECK(OnlyError(Build({{"姓名", "王"}})) == "姓名: 至少应有2个字");
  CHECK(
      Contains(OnlyError(Build({{"姓名", std::string(31, 'a')}})), "不能超过30个字（现为31个字）"));
  CHECK(OnlyError(Build({{"姓名", std::string(30, 'a')}})) == "");
  CHECK(Contains(OnlyError(Build({{"姓名", "张3"}})), "「3」"));
  CHECK(Contains(OnlyError(Build({{"姓名", "张三（女）"}})), "不允许的字符"));
  CHECK(Contains(OnlyError(Build({{"姓名", "·张三"}})), "开头或结尾"));
  CHECK(OnlyError(Build({{"姓名", "阿依古丽·买买提"}})) == "");
}

TEST_CASE("BuildPerson: 姓名 loses padding spaces and unifies its dots", "[validate]") {
  CHECK(Build({{"姓名", "张\xE3\x80\x80三"}}).person.name == "张三");
  CHECK(Build({{"姓名", "阿依古丽•买买提"}}).person.name == "阿依古丽·买买提");
  CHECK(Build({{"姓名", "阿依古丽.买买提"}}).person.name == "阿依古丽·买买提");
  CHECK(Build({{"姓名", "John  Smith"}}).person.name == "John Smith");
}

TEST_CASE("BuildPerson: 性别 accepts 男/女 and 男性/女性 only", "[validate]") {
  CHECK(BuildOne("性别", "女性").person.gender == "女");
  CHECK(OnlyError(BuildOne("性别", "M")) == "性别: 应为「男」或「女」，实为「M」");
}

TEST_CASE("BuildPerson: 民族 must be one of the 56 and ambiguous short forms are explained",
          "[validate]") {
  CHECK(BuildOne("民族", "维吾尔").person.ethnic_group == "维吾尔族");
  CHECK(OnlyError(BuildOne("民族", "穿青人")) ==
        "民族: 「穿青人」不是56个民族之一，请填写如「汉族」「壮族」的民族名称");
  CHECK(OnlyError(BuildOne("民族", "哈族")) ==
        "民族: 「哈族」可能是哈尼族、哈萨克族，请填写民族全称");
}

TEST_CASE("BuildPerson: 政治面貌 must be in the table", "[validate]") {
  CHECK(BuildOne("政治面貌", "民盟").person.political_affiliation == "民盟盟员");
  CHECK(Contains(OnlyError(BuildOne("政治面貌", "无")), "政治面貌: 「无」不是政治面貌代码表"));
}

TEST_CASE("BuildPerson: 出生日期 goes through ParseDate and a year-month stays a year-month",
          "[validate]") {
  CHECK(BuildOne("出生日期", "1986.3.7").person.birth_date == "1986-03-07");
  CHECK(BuildOne("出生日期", "1986年3月").person.birth_date == "1986-03");
  CHECK(Contains(OnlyError(BuildOne("出生日期", "1986-02-30")), "出生日期: 「1986-02-30」不存在"));
}

TEST_CASE("BuildPerson: an invalid 身份证号 is reported under its field", "[validate]") {
  const std::string bad = kIdNumber.substr(0, 17) + (kIdNumber.back() == '5' ? "6" : "5");
  const std::string error = OnlyError(BuildOne("身份证号", bad));
  CHECK(Contains(error, "身份证号: 校验码错误：第18位应为 " + kIdNumber.substr(17)));
}

TEST_CASE("BuildPerson: 出生日期 and 性别 must agree with the ID number", "[validate]") {
  const Result wrong_date =
      Build({{"姓名", "韦小宝"}, {"出生日期", "1986-03-08"}, {"身份证号", kIdNumber}});
  CHECK(OnlyError(wrong_date) == "出生日期: 与身份证号不符：身份证号显示出生日期为1986-03-07");

  const Result wrong_gender = Build({{"姓名", "韦小宝"}, {"性别", "女"}, {"身份证号", kIdNumber}});
  CHECK(OnlyError(wrong_gender) == "性别: 与身份证号不符：身份证号显示性别为男");

  const Result both = Build(
      {{"姓名", "韦小宝"}, {"性别", "女"}, {"出生日期", "1990-01-01"}, {"身份证号", kIdNumber}});
  CHECK(both.errors.size() == 2);
}

TEST_CASE("BuildPerson: a year-month from 出生年月 is compared with the ID by month",
          "[validate]") {
  CHECK(
      Build({{"姓名", "韦小宝"}, {"出生日期", "1986.03"}, {"身份证号", kIdNumber}}).errors.empty());
  CHECK(Build({{"姓名", "韦小宝"}, {"出生日期", "1986.03"}, {"身份证号", kIdNumber}})
            .person.birth_date == "1986-03");
  CHECK(OnlyError(Build({{"姓名", "韦小宝"}, {"出生日期", "1986.04"}, {"身份证号", kIdNumber}})) ==
        "出生日期: 与身份证号不符：身份证号显示出生日期为1986-03-07");
}

TEST_CASE("BuildPerson: empty 出生日期, 性别 and 所在省份 are filled from the ID number",
          "[validate]") {
  const Result r = Build({{"姓名", "韦小宝"}, {"身份证号", kIdNumber}});
  CHECK(r.errors.empty());
  CHECK(r.person.birth_date == "1986-03-07");
  CHECK(r.person.gender == "男");
  CHECK(r.person.province == "45");
}

TEST_CASE("BuildPerson: a 15-digit ID number is stored converted to 18", "[validate]") {
  const Result r = Build({{"姓名", "韦小宝"}, {"身份证号", "450103860307001"}});
  CHECK(r.errors.empty());
  CHECK(r.person.id_number == kIdNumber);
}

TEST_CASE("BuildPerson: 所在省份 takes a name or code and wins over the ID number", "[validate]") {
  CHECK(BuildOne("所在省份", "广西壮族自治区").person.province == "45");
  CHECK(BuildOne("所在省份", "北京").person.province == "11");
  CHECK(
      Build({{"姓名", "韦小宝"}, {"所在省份", "浙江"}, {"身份证号", kIdNumber}}).person.province ==
      "33");
  CHECK(Contains(OnlyError(BuildOne("所在省份", "火星")), "所在省份: 「火星」不是省级行政区"));
}

TEST_CASE("BuildPerson: 手机 takes a mainland mobile or a landline", "[validate]") {
  CHECK(BuildOne("手机", "+86 138-1234-5678").person.phone == "13812345678");
  CHECK(BuildOne("手机", "８６１３８１２３４５６７８").person.phone == "13812345678");
  CHECK(BuildOne("手机", "0771-2803986").person.phone == "0771-2803986");
  CHECK(BuildOne("手机", "07712803986").person.phone == "0771-2803986");
  CHECK(BuildOne("手机", "010 62111471").person.phone == "010-62111471");
  CHECK(Contains(OnlyError(BuildOne("手机", "12812345678")),
                 "手机: 「12812345678」不是有效的手机号"));
  CHECK(!OnlyError(BuildOne("手机", "1381234567")).empty());
  CHECK(!OnlyError(BuildOne("手机", "138123456789")).empty());
  CHECK(!OnlyError(BuildOne("手机", "2803986")).empty());
}

TEST_CASE("BuildPerson: 电子邮箱 must have the shape of an address", "[validate]") {
  CHECK(BuildOne("电子邮箱", "gxkxpjb@sina.com").person.email == "gxkxpjb@sina.com");
  for (const char* bad : {"gxkxpjb", "gxkxpjb@sina", "@sina.com", "a@b@sina.com", "a b@sina.com",
                          "a@sina.c0m", "a@-sina.com", "a@sina..com"}) {
    INFO(bad);
    CHECK(Contains(OnlyError(BuildOne("电子邮箱", bad)), "不是有效的电子邮箱地址"));
  }
}

TEST_CASE("BuildPerson: 邮编 is six digits", "[validate]") {
  CHECK(BuildOne("邮编", "５３０００４").person.postcode == "530004");
  CHECK(OnlyError(BuildOne("邮编", "53004")) == "邮编: 「53004」应为6位数字");
}

TEST_CASE("BuildPerson: yes/no fields accept every usual way of answering", "[validate]") {
  for (const char* yes : {"是", "有", "可以", "能", "Y", "y", "√"}) {
    INFO(yes);
    CHECK(BuildOne("可否参加专题研修班", yes).person.can_attend_seminar == true);
  }
  for (const char* no : {"否", "无", "不可以", "不能", "N", "×"}) {
    INFO(no);
    CHECK(BuildOne("可否参加国情研修活动", no).person.can_attend_study_tour == false);
  }
  CHECK(BuildOne("是否院士", "是").person.academician == true);
  CHECK(BuildOne("国外永久居留权", "有").person.foreign_residence == true);
  CHECK(Contains(OnlyError(BuildOne("可否参加专题研修班", "待定")), "应填「是」或「否」"));
  CHECK_FALSE(BuildOne("姓名", "韦小宝").person.can_attend_seminar.has_value());
}

TEST_CASE("BuildPerson: 人才类别 is 领军人才 or 青年人才", "[validate]") {
  CHECK(BuildOne("人才类别", "领军").person.tier == "领军人才");
  CHECK(BuildOne("人才类别", "青年人才").person.tier == "青年人才");
  CHECK(OnlyError(BuildOne("人才类别", "骨干")) ==
        "人才类别: 应为「领军人才」或「青年人才」，实为「骨干」");
}

TEST_CASE("BuildPerson: 入库年度 is a year from 2000 to next year", "[validate]") {
  CHECK(BuildOne("入库年度", "2000").person.admission_year == 2000);
  CHECK(BuildOne("入库年度", "2026").person.admission_year == 2026);
  CHECK(OnlyError(BuildOne("入库年度", "2027")) ==
        "入库年度: 「2027」应为2000年到2026年之间的年份");
  CHECK(!OnlyError(BuildOne("入库年度", "1999")).empty());
  CHECK(!OnlyError(BuildOne("入库年度", "24")).empty());
}

TEST_CASE("BuildPerson: 所属群体 is one of the three new groups, or nothing", "[validate]") {
  CHECK(BuildOne("所属群体", "新就业群体").person.group_type == "新就业群体");
  CHECK(BuildOne("所属群体", "新经济").person.group_type == "新经济组织");
  CHECK(BuildOne("所属群体", "无").person.group_type == "");
  CHECK(Contains(OnlyError(BuildOne("所属群体", "民营企业")), "所属群体: 应为「新经济组织」"));
}

TEST_CASE("BuildPerson: 推荐单位类型 goes through the unit types and stores the label",
          "[validate]") {
  CHECK(BuildOne("推荐单位类型", "设区市科协").person.recommending_unit_type == "市科协");
  CHECK(BuildOne("推荐单位类型", "national_society").person.recommending_unit_type == "全国学会");
  CHECK(Contains(OnlyError(BuildOne("推荐单位类型", "街道")), "可选：全国学会、省级科协"));
}

TEST_CASE("BuildPerson: 推荐单位意见 takes at most 100 characters", "[validate]") {
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "好";
  CHECK(BuildOne("推荐单位意见", hundred).errors.empty());
  CHECK(OnlyError(BuildOne("推荐单位意见", hundred + "。")) ==
        "推荐单位意见: 不能超过100字（现为101字）");
}

TEST_CASE("BuildPerson: 编号 takes up to 32 letters, digits, _ and -", "[validate]") {
  CHECK(BuildOne("编号", "P0000001").person.public_id == "P0000001");
  CHECK(!OnlyError(BuildOne("编号", "P 1/2")).empty());
  CHECK(!OnlyError(BuildOne("编号", std::string(33, 'A'))).empty());
}

TEST_CASE("BuildPerson: 技术职称 must be a title, not a bare level", "[validate]") {
  CHECK(BuildOne("技术职称", "研究员").person.title == "研究员");
  CHECK(Contains(OnlyError(BuildOne("技术职称", "正高")), "不要只写「正高」"));
}

TEST_CASE("BuildPerson: 擅长领域 is split into fields", "[validate]") {
  CHECK(BuildOne("擅长领域", "材料科学,新能源\n储能").person.fields ==
        std::vector<std::string>{"材料科学", "新能源", "储能"});
}

TEST_CASE("BuildPerson: 工作单位及职务 fills 工作单位 unless a separate 工作单位 is given",
          "[validate]") {
  CHECK(BuildOne("工作单位及职务", "广西大学化学化工学院院长").person.unit_name ==
        "广西大学化学化工学院院长");
  const Result both = Build({{"姓名", "韦小宝"},
                             {"工作单位及职务", "广西大学化学化工学院院长"},
                             {"工作单位", "广西大学"}});
  CHECK(both.person.unit_name == "广西大学");
}

TEST_CASE("BuildPerson: 在职状态 and 国籍 are normalised", "[validate]") {
  CHECK(BuildOne("在职状态", "已故").person.employment_status == "去世");
  CHECK(!OnlyError(BuildOne("在职状态", "待业")).empty());
  CHECK(BuildOne("国籍", "中华人民共和国").person.nationality == "");
  CHECK(BuildOne("国籍", "新加坡").person.nationality == "新加坡");
}

TEST_CASE("BuildPerson: every problem of a row is reported, each naming its field", "[validate]") {
  const Result r =
      Build({{"姓名", "王"}, {"性别", "未知"}, {"民族", "火星族"}, {"邮编", "1"}, {"手机", "123"}});
  REQUIRE(r.errors.size() == 5);
  std::vector<std::string> fields;
  for (const FieldError& e : r.errors) fields.push_back(e.field);
  CHECK(fields == std::vector<std::string>{"姓名", "性别", "民族", "邮编", "手机"});
  for (const FieldError& e : r.errors) CHECK(e.row == 0);
}

TEST_CASE("BuildPerson: raw headers are accepted where canonical names are expected",
          "[validate]") {
  const Result r =
      Build({{"姓  名", "韦小宝"}, {"出生年月", "1986.03"}, {"联系方式", "13812345678"}});
  CHECK(r.errors.empty());
  CHECK(r.person.birth_date == "1986-03");
  CHECK(r.person.phone == "13812345678");
}

TEST_CASE("BuildPerson: the first non-empty cell of a repeated column counts", "[validate]") {
  const Result r = Build({{"姓名", ""}, {"姓名", " 韦小宝"}, {"姓名", "张三"}});
  CHECK(r.errors.empty());
  CHECK(r.person.name == "韦小宝");
  REQUIRE(r.person.as_typed.size() == 1);  // "张三" needed no normalising
  CHECK(r.person.as_typed[0].second == " 韦小宝");
}

TEST_CASE("BuildPerson: a long cell is quoted by its start and its length, never whole",
          "[validate]") {
  std::string long_value;
  for (int i = 0; i < 5000; ++i) long_value += "火";
  std::string error = OnlyError(BuildOne("民族", long_value));
  std::string start;
  for (int i = 0; i < 20; ++i) start += "火";
  CHECK(Contains(error, "「" + start + "…（共 5000 字）」不是56个民族之一"));
  CHECK(error.size() < 300);
  // Values as long as real ones are quoted whole.
  CHECK(Contains(OnlyError(BuildOne("民族", "火星族")), "「火星族」"));
  const std::string fifty(50, 'x');
  CHECK(Contains(OnlyError(BuildOne("民族", fifty)), "「" + fifty + "」"));
}

TEST_CASE("BuildPerson: a Taiwan residence permit number is an ID number without a province",
          "[validate]") {
  const std::string permit = WithCheck("83000019760404004");
  const Result r = Build({{"姓名", "林志明"}, {"身份证号", permit}, {"民族", "漢族"}});
  CHECK(OnlyError(r) == "");
  CHECK(r.person.id_number == permit);
  CHECK(r.person.birth_date == "1976-04-04");
  CHECK(r.person.gender == "女");
  CHECK(r.person.ethnic_group == "汉族");
  CHECK(r.person.province == "");  // 830000 names no province the person lives in
}
