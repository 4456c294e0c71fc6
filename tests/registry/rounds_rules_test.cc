#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "registry/base/paths.h"
#include "registry/rounds/rules.h"

using tp::registry::DataDir;
using tp::registry::Nominee;
using tp::registry::PartialDate;
using tp::registry::QuotaState;
using tp::registry::RuleSet;

namespace {

RuleSet Load(const std::string& code) {
  auto rules = RuleSet::LoadFile(DataDir() + "/rules/" + code + ".json");
  if (!rules.ok()) FAIL(rules.status().ToString());
  return *rules;
}

Nominee Person(const std::string& name, const std::string& birth,
               const std::string& ethnic = "汉族",
               const std::string& affiliation = "九三学社社员") {
  Nominee c;
  c.person.name = name;
  c.person.gender = "男";
  c.person.birth_date = birth;
  c.person.ethnic_group = ethnic;
  c.person.political_affiliation = affiliation;
  c.person.unit_name = "某研究院";
  c.person.post = "研究员";
  c.person.title = "研究员";
  c.person.opinion = "同意推荐";
  c.label = name;
  return c;
}

const PartialDate kRef2025{2025, 8, 14};

bool Names(const QuotaState& s, const std::string& rule) {
  for (const auto& v : s.violations)
    if (v.field == rule) return true;
  return false;
}

std::string Messages(const QuotaState& s) {
  std::string out;
  for (const auto& v : s.violations) out += v.field + "：" + v.message + "\n";
  return out;
}

}  // namespace

TEST_CASE("RuleSet: every seed file loads and cites its notice", "[rounds][rules]") {
  for (const char* code :
       {"pool-national-2025", "pool-guangxi-2024", "zuimei-guangxi-2024", "youxiu-dangyuan-2018"}) {
    RuleSet rules = Load(code);
    CHECK(rules.code() == code);
    CHECK(rules.source().find("年") != std::string::npos);
  }
}

TEST_CASE("RuleSet: a national society may recommend five, of whom two aged 35 or younger",
          "[rounds][rules]") {
  RuleSet rules = Load("pool-national-2025");
  std::vector<Nominee> list = {Person("甲", "1995-01-01"), Person("乙", "1994-03-02"),
                               Person("丙", "1975-01-01"), Person("丁", "1976-01-01"),
                               Person("戊", "1977-01-01")};
  QuotaState ok = rules.Evaluate("全国学会", list, kRef2025);
  INFO(Messages(ok));
  CHECK(ok.ok());
  CHECK(ok.used == 5);
  CHECK(ok.remaining == 0);
  CHECK(ok.max == 5);

  SECTION("a sixth person is refused, naming the quota and the people") {
    list.push_back(Person("己", "1978-01-01"));
    QuotaState s = rules.Evaluate("全国学会", list, kRef2025);
    REQUIRE(Names(s, "全国学会推荐名额不超过5人"));
    CHECK(Messages(s).find("超出1人") != std::string::npos);
    CHECK(Messages(s).find("己") != std::string::npos);
  }
  SECTION("five with only one aged 35 or younger is refused, naming the minimum") {
    list[1] = Person("乙", "1980-03-02");
    QuotaState s = rules.Evaluate("全国学会", list, kRef2025);
    REQUIRE(Names(s, "35岁及以下学员不少于2人"));
    CHECK(Messages(s).find("还需1人") != std::string::npos);
    CHECK(s.minimums.front().who == std::vector<std::string>{"甲"});
  }
  SECTION("a society's 理事长 as the sixth does not count against the quota") {
    Nominee chair = Person("庚", "1960-01-01");
    chair.person.post = "中国化学会理事长";
    list.push_back(chair);
    QuotaState s = rules.Evaluate("全国学会", list, kRef2025);
    INFO(Messages(s));
    CHECK(s.ok());
    CHECK(s.used == 5);
    REQUIRE(s.exempt.size() == 1);
    CHECK(s.exempt[0].label == "庚");
    CHECK(s.exempt[0].reason.find("理事长") != std::string::npos);
  }
  SECTION("age is taken at the round's reference date: 35 on that day is still young") {
    list[1] = Person("乙", "1990-08-14");  // turns 35 on the reference date
    CHECK(rules.Evaluate("全国学会", list, kRef2025).ok());
    list[1] = Person("乙", "1989-08-14");  // 36
    CHECK(Names(rules.Evaluate("全国学会", list, kRef2025), "35岁及以下学员不少于2人"));
  }
}

TEST_CASE("RuleSet: a provincial association needs three minorities and three from new groups",
          "[rounds][rules]") {
  RuleSet rules = Load("pool-national-2025");
  std::vector<Nominee> list;
  for (int i = 0; i < 3; ++i) {
    Nominee c = Person("新" + std::to_string(i), "1980-01-01");
    c.person.group_type = "新经济组织";
    list.push_back(c);
  }
  list.push_back(Person("壮一", "1980-01-01", "壮族"));
  list.push_back(Person("瑶二", "1980-01-01", "瑶族"));
  QuotaState s = rules.Evaluate("省级科协", list, kRef2025);
  REQUIRE(Names(s, "少数民族学员不少于3人"));
  CHECK_FALSE(Names(s, "新经济组织、新社会组织、新就业群体学员不少于3人"));
  CHECK(Messages(s).find("壮一") != std::string::npos);

  list.push_back(Person("苗三", "1980-01-01", "苗族"));
  CHECK(rules.Evaluate("省级科协", list, kRef2025).ok());
}

TEST_CASE("RuleSet: provincial deputies do not count against a province's ten", "[rounds][rules]") {
  RuleSet rules = Load("pool-national-2025");
  std::vector<Nominee> list;
  for (int i = 0; i < 10; ++i) {
    Nominee c = Person("人" + std::to_string(i), "1980-01-01", i < 3 ? "壮族" : "汉族");
    if (i >= 3 && i < 6) c.person.group_type = "新社会组织";
    list.push_back(c);
  }
  Nominee deputy = Person("代表", "1970-01-01");
  deputy.person.congress_posts = "广西壮族自治区第十四届人大代表";
  list.push_back(deputy);
  Nominee declared = Person("委员", "1971-01-01");
  declared.declared = {"省政协委员"};
  list.push_back(declared);
  QuotaState s = rules.Evaluate("省级科协", list, kRef2025);
  INFO(Messages(s));
  CHECK(s.ok());
  CHECK(s.used == 10);
  CHECK(s.exempt.size() == 2);

  SECTION("a city deputy is not exempt") {
    list[10].person.congress_posts = "南宁市政协委员";
    CHECK(Names(rules.Evaluate("省级科协", list, kRef2025), "省级科协推荐名额不超过10人"));
  }
}

TEST_CASE("RuleSet: a CCP member is refused for the pool and required for 优秀党员",
          "[rounds][rules]") {
  Nominee member = Person("党员", "1980-01-01", "汉族", "中共党员");
  auto pool = Load("pool-national-2025").CheckPerson(member, "全国学会", kRef2025);
  REQUIRE(pool.size() == 1);
  CHECK(pool[0].field == "非中共党员");
  CHECK(pool[0].message.find("中共党员") != std::string::npos);

  RuleSet honour = Load("youxiu-dangyuan-2018");
  CHECK(honour.CheckPerson(member, "全国学会", PartialDate{2018, 5, 1}).empty());
  Nominee other = Person("社员", "1980-01-01");
  auto refused = honour.CheckPerson(other, "全国学会", PartialDate{2018, 5, 1});
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].field == "推荐对象须为中共党员");
  CHECK(refused[0].message.find("九三学社社员") != std::string::npos);

  Nominee office = member;
  office.declared = {"学会办事机构工作人员"};
  CHECK(honour.CheckPerson(office, "全国学会", PartialDate{2018, 5, 1}).front().field ==
        "被推荐人不包括学会办事机构工作人员");
  std::vector<Nominee> three = {member, member, member};
  CHECK(Names(honour.Evaluate("全国学会", three, PartialDate{2018, 5, 1}),
              "每个学会党组织推荐人数不超过2名"));
}

TEST_CASE("RuleSet: Guangxi's two per unit include one young, new-group or minority person",
          "[rounds][rules]") {
  RuleSet rules = Load("pool-guangxi-2024");
  const PartialDate ref{2024, 11, 6};
  std::vector<Nominee> two = {Person("甲", "1970-01-01"), Person("乙", "1971-01-01")};
  CHECK(Names(rules.Evaluate("市科协", two, ref),
              "2人中含35岁以下或新经济组织、新社会组织、新就业群体或少数民族学员1人"));
  two[1].person.ethnic_group = "壮族";
  CHECK(rules.Evaluate("市科协", two, ref).ok());
  two.push_back(Person("丙", "1995-01-01"));
  CHECK(Names(rules.Evaluate("市科协", two, ref), "每个设区市科协推荐2人"));
  CHECK(Names(rules.Evaluate("全国学会", two, ref), "推荐单位类型"));
}

TEST_CASE("RuleSet: 最美 excludes officials, soldiers, the retired and holders, and needs Guangxi",
          "[rounds][rules]") {
  RuleSet rules = Load("zuimei-guangxi-2024");
  const PartialDate ref{2024, 3, 26};
  Nominee c = Person("候选", "1980-01-01", "壮族", "中共党员");
  c.person.title = "研究员";
  c.person.province = "45";
  c.group = "工科";
  CHECK(rules.CheckPerson(c, "高校科协", ref).empty());

  auto first_rule = [&](Nominee x) {
    auto v = rules.CheckPerson(x, "高校科协", ref);
    return v.empty() ? std::string() : v.front().field;
  };
  Nominee retired = c;
  retired.person.employment_status = "离退休";
  CHECK(first_rule(retired) == "不包括离退休科技工作者及不在世科技工作者");
  Nominee soldier = c;
  soldier.declared = {"现役军人"};
  CHECK(first_rule(soldier) == "不包括现役军人");
  // A holder is "in principle" not recommended again: the unit answers the check.
  Nominee holder = c;
  holder.honours = {"广西“最美科技工作者”"};
  CHECK(first_rule(holder).empty());
  auto raised = rules.RaisedChecks(holder, ref);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].code == "zuimei_title");
  CHECK(raised[0].rule == "已获得全国、自治区“最美”系列称号的原则上不再推荐");
  CHECK(rules.RaisedChecks(c, ref).empty());
  Nominee outside = c;
  outside.person.province = "44";
  CHECK(first_rule(outside) == "推荐人选为目前在广西工作的科技工作者");
  Nominee no_group = c;
  no_group.group.clear();
  CHECK(first_rule(no_group) == "推荐组别");
  Nominee unknown = c;
  unknown.declared = {"外星人"};
  CHECK(first_rule(unknown) == "人员类别");

  // Channels: cities 2–3 in the 地市 group, societies 1–2.
  std::vector<Nominee> one_city = {c};
  one_city[0].group = "地市";
  QuotaState city = rules.Evaluate("市科协", one_city, ref);
  CHECK(Names(city, "各设区市推荐本地区候选人2～3名"));
  CHECK(city.min == 2);
  CHECK(city.max == 3);
  CHECK(Names(rules.Evaluate("市科协", {c, c}, ref),
              "各设区市推荐本地区候选人2～3名"));  // 工科 is not 地市
}

TEST_CASE("RuleSet: a malformed rule set is refused naming the file and the JSON path",
          "[rounds][rules]") {
  const std::string text = R"({
    "code": "bad", "title": "t", "source": "s", "kind": "pool",
    "categories": {"young": {"label": "青年", "age_at_most": 35},
                   "loop": {"label": "环", "any_of": ["loop"]}},
    "eligibility": [{"name": "n", "forbid": "nobody"}],
    "quotas": [{"name": "q", "unit_types": ["全国学会"], "max": -1, "maxx": 3,
                "minimums": [{"name": "m", "any_of": ["young"]}]}]
  })";
  auto parsed = RuleSet::Parse(text, "bad.json");
  REQUIRE_FALSE(parsed.ok());
  std::vector<std::string> where;
  for (const auto& d : parsed.status().details()) where.push_back(d.field);
  auto has = [&](const std::string& w) {
    return std::find(where.begin(), where.end(), w) != where.end();
  };
  CHECK(has("bad.json:$.quotas[0].max"));
  CHECK(has("bad.json:$.quotas[0].maxx"));
  CHECK(has("bad.json:$.quotas[0].minimums[0].at_least"));
  CHECK(has("bad.json:$.eligibility[0].forbid"));
  CHECK(has("bad.json:$.categories.loop"));
  CHECK(parsed.status().message().find("bad.json") != std::string::npos);

  auto not_json = RuleSet::Parse("{oops", "broken.json");
  REQUIRE_FALSE(not_json.ok());
  CHECK(not_json.status().details().front().field == "broken.json:$");
}

TEST_CASE("RuleSet: numbers come from the data, not the code", "[rounds][rules]") {
  // The same engine with next year's numbers.
  const std::string text = R"({
    "code": "next-year", "title": "t", "source": "s", "kind": "pool",
    "categories": {"young": {"label": "40岁及以下", "age_at_most": 40}},
    "quotas": [{"name": "全国学会不超过3人", "unit_types": ["全国学会"], "max": 3,
                "minimums": [{"name": "40岁及以下不少于1人", "any_of": ["young"], "at_least": 1}]}]
  })";
  auto rules = RuleSet::Parse(text, "next-year.json");
  REQUIRE(rules.ok());
  std::vector<Nominee> list = {Person("甲", "1986-01-01"), Person("乙", "1970-01-01"),
                               Person("丙", "1970-01-01")};
  CHECK(rules->Evaluate("全国学会", list, kRef2025).ok());
  list.push_back(Person("丁", "1970-01-01"));
  CHECK(Names(rules->Evaluate("全国学会", list, kRef2025), "全国学会不超过3人"));
}

TEST_CASE("RuleSet: a unit named in unit_seats has more seats than its type", "[rounds][rules]") {
  // 科协企服函〔2025〕8号：会员规模较大的央企科协可适当增加名额.
  const std::string text = R"({
    "code": "more-seats", "title": "t", "source": "s", "kind": "pool",
    "quotas": [{"name": "央企科协推荐不超过5人", "unit_types": ["央企科协"], "max": 5,
                "unit_seats": [{"unit": "中国石油天然气集团有限公司科协", "max": 8},
                               {"unit": "U000042", "max": 6}]}]
  })";
  auto rules = RuleSet::Parse(text, "more-seats.json");
  REQUIRE(rules.ok());
  std::vector<Nominee> list;
  for (int i = 0; i < 7; ++i) list.push_back(Person("人" + std::to_string(i), "1970-01-01"));
  tp::registry::QuotaContext large;
  large.unit_name = "中国石油天然气集团有限公司科协";
  QuotaState big = rules->Evaluate("央企科协", list, kRef2025, large);
  CHECK(big.ok());
  CHECK(big.max == 8);
  CHECK(big.remaining == 1);
  tp::registry::QuotaContext by_code;
  by_code.unit_code = "U000042";
  CHECK(rules->Evaluate("央企科协", list, kRef2025, by_code).max == 6);
  CHECK_FALSE(rules->Evaluate("央企科协", list, kRef2025, by_code).ok());
  tp::registry::QuotaContext other;
  other.unit_name = "中国石油化工集团有限公司科协";
  QuotaState small = rules->Evaluate("央企科协", list, kRef2025, other);
  CHECK(small.max == 5);
  CHECK(Names(small, "央企科协推荐不超过5人"));
}

TEST_CASE(
    "RuleSet: the national minimums hold in the concentrated round, not in a supplementary "
    "one",
    "[rounds][rules]") {
  RuleSet rules = Load("pool-national-2025");
  // One person aged 50, sent in June.
  std::vector<Nominee> one = {Person("甲", "1975-01-01")};
  tp::registry::QuotaContext june;
  june.round_kind = "supplementary";
  QuotaState supplementary = rules.Evaluate("全国学会", one, kRef2025, june);
  INFO(Messages(supplementary));
  CHECK(supplementary.ok());
  REQUIRE_FALSE(supplementary.minimums.empty());
  CHECK_FALSE(supplementary.minimums[0].applies);
  tp::registry::QuotaContext august;
  august.round_kind = "concentrated";
  CHECK(Names(rules.Evaluate("全国学会", one, kRef2025, august), "35岁及以下学员不少于2人"));
  // The province's minimums likewise.
  CHECK(rules.Evaluate("省级科协", one, kRef2025, june).ok());
  CHECK_FALSE(rules.Evaluate("省级科协", one, kRef2025, august).ok());
}

TEST_CASE("RuleSet: unit_seats and round_kinds are checked with their JSON paths",
          "[rounds][rules]") {
  const std::string text = R"({
    "code": "bad-seats", "title": "t", "source": "s", "kind": "pool",
    "categories": {"young": {"label": "青年", "age_at_most": 35}},
    "quotas": [{"name": "q", "unit_types": ["央企科协"], "max": 5,
                "unit_seats": [{"unit": "甲科协", "max": 4}, {"unit": "", "max": 7},
                               {"unit": "甲科协", "max": 9, "seats": 1}],
                "minimums": [{"name": "m", "any_of": ["young"], "at_least": 1,
                              "round_kinds": ["concentrated", "june"]}]},
               {"name": "r", "unit_types": ["全国学会"], "unit_seats": [{"unit": "乙学会", "max": 9}],
                "minimums": [{"name": "n", "any_of": ["young"], "at_least": 1, "round_kinds": []}]}]
  })";
  auto parsed = RuleSet::Parse(text, "bad-seats.json");
  REQUIRE_FALSE(parsed.ok());
  std::vector<std::string> where;
  for (const auto& d : parsed.status().details()) where.push_back(d.field);
  auto has = [&](const std::string& w) {
    return std::find(where.begin(), where.end(), w) != where.end();
  };
  CHECK(has("bad-seats.json:$.quotas[0].unit_seats[0].max"));    // not more than the type's 5
  CHECK(has("bad-seats.json:$.quotas[0].unit_seats[1].unit"));   // empty
  CHECK(has("bad-seats.json:$.quotas[0].unit_seats[2].unit"));   // named twice
  CHECK(has("bad-seats.json:$.quotas[0].unit_seats[2].seats"));  // unknown key
  CHECK(has("bad-seats.json:$.quotas[0].minimums[0].round_kinds[1]"));
  CHECK(has("bad-seats.json:$.quotas[1].unit_seats"));  // no max to raise
  CHECK(has("bad-seats.json:$.quotas[1].minimums[0].round_kinds"));
}

namespace {

// A nominee whose 工作单位, 职务 and 科协及学会任职 (or 人大政协任职) read as written.
struct PostCase {
  const char* unit;
  const char* post;
  const char* association_posts;
  bool leader;
};

}  // namespace

TEST_CASE(
    "RuleSet: 理事长, 监事长, 副理事长, 秘书长 and 副秘书长 of the society itself are exempt, "
    "not of a branch nor an assistant",
    "[rounds][rules][exempt]") {
  // As units write them in the 汇总表 and 学员情况表.
  const PostCase cases[] = {
      {"中国化学会", "理事长", "", true},
      {"中国化学会", "副理事长", "", true},
      {"中国化学会", "秘书长", "", true},
      {"中国化学会", "副秘书长", "", true},
      {"中国化学会", "监事长", "", true},
      {"中国化学会", "常务副理事长", "", true},
      {"中国科学院化学研究所", "研究员", "中国化学会副理事长", true},
      {"中国科学院化学研究所", "研究员", "中国化学会第三十一届理事会副理事长", true},
      {"清华大学", "教授", "中国力学学会副秘书长、北京力学会理事", true},
      {"中国铁道科学研究院", "研究员", "中国铁道学会监事长", true},
      {"广西大学", "教授", "广西作物学会副理事长", true},
      {"某研究院", "中国化学会理事长", "", true},
      {"中国铁道学会", "隧道分会秘书长", "", false},
      {"中国铁道科学研究院", "研究员", "中国铁道学会隧道分会秘书长", false},
      {"中国化学会", "理事长助理", "", false},
      {"中国化学会", "副秘书长助理", "", false},
      {"中国化学会", "名誉理事长", "", false},
      {"中国化学会", "原副理事长", "", false},
      {"某研究院", "研究员", "中国化学会有机化学专业委员会副主任、秘书长", false},
      {"某研究院", "研究员", "中国化学会青年工作委员会秘书长", false},
      {"某研究院", "研究员", "中国化学会理事", false},
      {"清华大学", "副秘书长", "", false},  // the university's, not a society's
      {"某研究院", "研究员", "广西秘书长协会会员", false},
      {"某研究院", "研究员", "", false},
  };
  for (const char* code : {"pool-national-2025", "pool-guangxi-2024"}) {
    RuleSet rules = Load(code);
    for (const PostCase& c : cases) {
      Nominee n = Person("某", "1970-01-01");
      n.person.unit_name = c.unit;
      n.person.post = c.post;
      n.person.association_posts = c.association_posts;
      INFO(code << "：" << c.unit << " / " << c.post << " / " << c.association_posts);
      CHECK(rules.InCategory("society_leader", n, kRef2025) == c.leader);
    }
  }
}

TEST_CASE(
    "RuleSet: provincial 人大代表, 政协委员 and 科协代表大会代表 are exempt for a province, "
    "municipal and national ones are not",
    "[rounds][rules][exempt]") {
  struct DeputyCase {
    const char* congress_posts;
    const char* association_posts;
    bool provincial;
  };
  const DeputyCase cases[] = {
      {"广西壮族自治区第十四届人大代表", "", true},
      {"自治区人大代表", "", true},
      {"广西壮族自治区人大常委会委员", "", true},
      {"湖南省第十三届人民代表大会代表", "", true},
      {"省政协委员", "", true},
      {"广西政协常委", "", true},
      {"第十二届广西壮族自治区政协委员", "", true},
      {"中国人民政治协商会议广西壮族自治区第十二届委员会委员", "", true},
      {"政协广西壮族自治区委员会委员", "", true},
      {"北京市人大代表", "", true},
      {"南宁市政协委员、广西壮族自治区第十三届人大代表", "", true},
      {"", "广西科协第十次代表大会代表", true},
      {"", "广西壮族自治区科学技术协会第十次代表大会代表", true},
      {"", "湖北省科协代表", true},
      {"广西壮族自治区南宁市人大代表", "", false},
      {"南宁市政协委员", "", false},
      {"桂林市第六届政协委员", "", false},
      {"青秀区人大代表", "", false},
      {"政协南宁市委员会委员", "", false},
      {"吉林市人大代表", "", false},
      {"海南藏族自治州政协委员", "", false},
      {"第十四届全国人大代表", "", false},
      {"十三届全国政协委员", "", false},
      {"", "中国科协第十次全国代表大会代表", false},
      {"", "南宁市科协第六次代表大会代表", false},
      {"", "广西科协委员", false},
      {"广西壮族自治区人大代表候选人", "", false},
      {"", "", false},
  };
  RuleSet rules = Load("pool-national-2025");
  for (const DeputyCase& c : cases) {
    Nominee n = Person("某", "1970-01-01");
    n.person.congress_posts = c.congress_posts;
    n.person.association_posts = c.association_posts;
    INFO(c.congress_posts << " / " << c.association_posts);
    CHECK(rules.InCategory("provincial_deputy", n, kRef2025) == c.provincial);
  }
}
