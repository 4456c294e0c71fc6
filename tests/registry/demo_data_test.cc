#include "registry/import/demo_data.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "registry/base/paths.h"

namespace {

namespace fs = std::filesystem;
using tp::registry::DemoGenerator;
using tp::registry::DemoOptions;
using Rows = std::vector<std::vector<std::string>>;

int Col(const std::string& name) {
  const std::vector<std::string>& header = DemoGenerator::Header();
  const auto it = std::find(header.begin(), header.end(), name);
  REQUIRE(it != header.end());
  return static_cast<int>(it - header.begin());
}

Rows Generate(const DemoOptions& options) {
  tp::StatusOr<DemoGenerator> generator = DemoGenerator::Create(options, tp::registry::DataDir());
  REQUIRE(generator.ok());
  Rows rows;
  std::vector<std::string> row;
  while (generator->Next(&row)) rows.push_back(row);
  return rows;
}

// The 20,000-row sample most tests look at, made once.
const Rows& Sample() {
  static const Rows rows = [] {
    DemoOptions options;
    options.persons = 20000;
    return Generate(options);
  }();
  return rows;
}

double Share(const Rows& rows, const std::function<bool(const std::vector<std::string>&)>& test) {
  long hits = 0;
  for (const auto& row : rows) hits += test(row) ? 1 : 0;
  return static_cast<double>(hits) / static_cast<double>(rows.size());
}

size_t CodePoints(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string FirstCodePoints(const std::string& text, size_t count) {
  size_t at = 0;
  for (size_t seen = 0; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80 && seen++ == count) break;
  }
  return text.substr(0, at);
}

std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<std::vector<std::string>> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream split(line);
    std::string field;
    while (std::getline(split, field, '\t')) fields.push_back(field);
    lines.push_back(fields);
  }
  return lines;
}

// GB 11643 / ISO 7064 MOD 11-2 written from the standard's formula, not the
// generator's table: weight of position i (1-based from the right, the check
// character being position 1) is 2^(i-1) mod 11, and the check value c makes
// the weighted sum of all 18 characters congruent to 1 mod 11.
char ExpectedCheck(const std::string& body17) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    int weight = 1;
    for (int k = 0; k < 17 - i; ++k) weight = weight * 2 % 11;
    sum += (body17[static_cast<size_t>(i)] - '0') * weight;
  }
  const int check = (12 - sum % 11) % 11;
  return check == 10 ? 'X' : static_cast<char>('0' + check);
}

class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("tp_demo_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A small RFC 4180 reader, independent of the writer under test.
Rows ParseCsv(const std::string& text) {
  Rows rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
      ++i;
    } else {
      field.push_back(c);
    }
  }
  return rows;
}

}  // namespace

TEST_CASE(
    "DemoGenerator: the same options give the same CSV byte for byte, another seed other people",
    "[demo]") {
  DemoOptions options;
  options.persons = 3000;
  std::ostringstream first, second, other;
  REQUIRE(tp::registry::WriteDemoCsv(options, tp::registry::DataDir(), first).ok());
  REQUIRE(tp::registry::WriteDemoCsv(options, tp::registry::DataDir(), second).ok());
  CHECK(first.str() == second.str());
  CHECK(first.str().size() > 3000 * 200);

  options.seed = 2025;
  REQUIRE(tp::registry::WriteDemoCsv(options, tp::registry::DataDir(), other).ok());
  CHECK(first.str() != other.str());
  const Rows a = ParseCsv(first.str());
  const Rows b = ParseCsv(other.str());
  REQUIRE(a.size() == b.size());
  long same_names = 0;
  for (size_t i = 1; i < a.size(); ++i) same_names += a[i][1] == b[i][1] ? 1 : 0;
  CHECK(same_names < 300);  // chance agreement only (common names like 张伟)
}

TEST_CASE("DemoGenerator: rows are numbered from P0000001 and stop after the requested count",
          "[demo]") {
  DemoOptions options;
  options.persons = 5;
  tp::StatusOr<DemoGenerator> generator = DemoGenerator::Create(options, tp::registry::DataDir());
  REQUIRE(generator.ok());
  std::vector<std::string> row;
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(generator->Next(&row));
    CHECK(row.size() == DemoGenerator::Header().size());
    CHECK(row[static_cast<size_t>(Col("编号"))] == "P000000" + std::to_string(i));
  }
  CHECK_FALSE(generator->Next(&row));
  CHECK(generator->produced() == 5);
  CHECK(row[0] == "P0000005");  // left alone
}

TEST_CASE("DemoGenerator: the header is the contract's import columns plus province and address",
          "[demo]") {
  const std::vector<std::string> expected = {"编号",
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
                                             "可否参加国情研修活动",
                                             "所在省份",
                                             "通讯地址"};
  CHECK(DemoGenerator::Header() == expected);
}

TEST_CASE(
    "DemoGenerator: every ID number passes an independent GB 11643 check and carries the "
    "row's birth date and gender",
    "[demo][id_number]") {
  std::set<std::string> current_codes;
  std::map<std::string, std::string> province_names;
  for (const auto& fields : ReadTsv(tp::registry::DataDir() + "/regions.tsv")) {
    if (fields.size() >= 3 && fields[2] == "historical") continue;
    current_codes.insert(fields[0]);
    if (fields[0].substr(2) == "0000") province_names[fields[0].substr(0, 2)] = fields[1];
  }
  const int id_col = Col("身份证号");
  const int birth_col = Col("出生日期");
  const int gender_col = Col("性别");
  const int native_col = Col("籍贯");
  std::set<std::string> seen;
  long checked = 0;
  for (const auto& row : Sample()) {
    const std::string& id = row[static_cast<size_t>(id_col)];
    if (id.empty()) continue;
    ++checked;
    REQUIRE(id.size() == 18);
    REQUIRE(std::all_of(id.begin(), id.begin() + 17, [](char c) { return c >= '0' && c <= '9'; }));
    CHECK(id[17] == ExpectedCheck(id.substr(0, 17)));
    std::string birth = row[static_cast<size_t>(birth_col)];
    birth.erase(std::remove(birth.begin(), birth.end(), '-'), birth.end());
    CHECK(id.substr(6, 8) == birth);
    CHECK(id.substr(14, 3) != "000");
    const bool odd = (id[16] - '0') % 2 == 1;
    CHECK(odd == (row[static_cast<size_t>(gender_col)] == "男"));
    CHECK(current_codes.count(id.substr(0, 6)) == 1);
    // 籍贯 names the province the region code belongs to (广西柳州 for 4502xx).
    const std::string& province = province_names[id.substr(0, 2)];
    CHECK(row[static_cast<size_t>(native_col)].rfind(FirstCodePoints(province, 2), 0) == 0);
    CHECK(seen.insert(id).second);  // unique
  }
  CHECK(checked > 19000);
}

TEST_CASE(
    "DemoGenerator: on 20,000 rows the shares of minorities, the young, rows without an ID "
    "number, women and new groups are as intended",
    "[demo]") {
  const Rows& rows = Sample();
  const size_t ethnic = static_cast<size_t>(Col("民族"));
  const size_t birth = static_cast<size_t>(Col("出生日期"));
  const size_t id = static_cast<size_t>(Col("身份证号"));
  const size_t gender = static_cast<size_t>(Col("性别"));
  const size_t group = static_cast<size_t>(Col("所属群体"));
  const size_t province = static_cast<size_t>(Col("所在省份"));
  // Intended (data/demo_vocabulary.tsv): minorities 1970/9850 = 20%, aged <= 35
  // in 2025 77/258 = 29.8%, no ID 3%, women 36%, new groups about 10%.
  CHECK(Share(rows, [&](const auto& r) { return r[ethnic] != "汉族"; }) ==
        Approx(0.20).margin(0.02));
  CHECK(Share(rows, [&](const auto& r) { return 2025 - std::stoi(r[birth].substr(0, 4)) <= 35; }) ==
        Approx(0.298).margin(0.02));
  CHECK(Share(rows, [&](const auto& r) { return r[id].empty(); }) == Approx(0.03).margin(0.006));
  CHECK(Share(rows, [&](const auto& r) { return r[gender] == "女"; }) == Approx(0.36).margin(0.02));
  CHECK(Share(rows, [&](const auto& r) { return !r[group].empty(); }) == Approx(0.10).margin(0.02));
  // Guangxi is weighted up, and Guangxi units add to it.
  const double guangxi =
      Share(rows, [&](const auto& r) { return r[province] == "广西壮族自治区"; });
  CHECK(guangxi > 0.12);
  CHECK(guangxi < 0.30);
  // Every province is represented.
  std::set<std::string> provinces;
  for (const auto& row : rows) provinces.insert(row[province]);
  CHECK(provinces.size() == 31);
}

TEST_CASE(
    "DemoGenerator: names are mostly three characters, about 30% two, and full names repeat "
    "as in life",
    "[demo][names]") {
  const Rows& rows = Sample();
  const size_t name = static_cast<size_t>(Col("姓名"));
  CHECK(Share(rows, [&](const auto& r) { return CodePoints(r[name]) == 2; }) ==
        Approx(0.28).margin(0.04));
  CHECK(Share(rows, [&](const auto& r) { return CodePoints(r[name]) == 3; }) > 0.55);
  std::map<std::string, int> counts;
  for (const auto& row : rows) ++counts[row[name]];
  long repeated = 0;
  int most = 0;
  for (const auto& [text, count] : counts) {
    if (count > 1) repeated += count;
    most = std::max(most, count);
  }
  CHECK(repeated > 500);      // namesakes are common
  CHECK(most < 20000 / 200);  // but no name is everywhere
}

TEST_CASE("DemoGenerator: compound surnames and surnames with their own readings appear",
          "[demo][names]") {
  std::vector<std::string> compound;
  for (const auto& fields : ReadTsv(tp::registry::DataDir() + "/surnames.tsv")) {
    if (CodePoints(fields[0]) == 2) compound.push_back(fields[0]);
  }
  REQUIRE(compound.size() > 20);
  const size_t name = static_cast<size_t>(Col("姓名"));
  long compound_names = 0;
  std::set<std::string> special_seen;
  const std::set<std::string> special = {"覃", "曾", "单", "解", "仇", "区",
                                         "朴", "查", "缪", "盖", "华", "任"};
  for (const auto& row : Sample()) {
    const std::string& full = row[name];
    for (const std::string& surname : compound) {
      if (full.rfind(surname, 0) == 0 && CodePoints(full) >= 3) {
        ++compound_names;
        break;
      }
    }
    const std::string first = FirstCodePoints(full, 1);
    if (special.count(first) != 0) special_seen.insert(first);
  }
  CHECK(compound_names >= 5);  // 欧阳 alone is 0.68 per mille
  CHECK(special_seen.size() >= 10);
}

TEST_CASE("DemoGenerator: minority names follow their own customs", "[demo][names]") {
  const size_t name = static_cast<size_t>(Col("姓名"));
  const size_t ethnic = static_cast<size_t>(Col("民族"));
  long uyghur = 0, korean = 0, korean_common_surname = 0;
  for (const auto& row : Sample()) {
    if (row[ethnic] == "维吾尔族") {
      ++uyghur;
      CHECK(row[name].find("·") != std::string::npos);
    } else if (row[ethnic] == "朝鲜族") {
      ++korean;
      const std::string surname = FirstCodePoints(row[name], 1);
      korean_common_surname +=
          surname == "朴" || surname == "金" || surname == "崔" || surname == "李";
    } else if (row[ethnic] == "汉族") {
      CHECK(row[name].find("·") == std::string::npos);
    }
  }
  CHECK(uyghur > 150);
  REQUIRE(korean > 50);
  CHECK(korean_common_surname > korean / 2);
}

TEST_CASE(
    "Surname table: polyphonic surnames carry their surname reading and compound surnames one "
    "syllable per character",
    "[demo][surnames]") {
  std::map<std::string, std::string> reading;
  double top3 = 0;
  int line = 0;
  for (const auto& fields : ReadTsv(tp::registry::DataDir() + "/surnames.tsv")) {
    REQUIRE(fields.size() == 3);
    reading[fields[0]] = fields[1];
    const double per_mille = std::stod(fields[2]);
    CHECK(per_mille > 0);
    if (line++ < 3) top3 += per_mille;
    size_t syllables = 1 + static_cast<size_t>(std::count(fields[1].begin(), fields[1].end(), ' '));
    CHECK(syllables == CodePoints(fields[0]));
  }
  const std::map<std::string, std::string> expected = {
      {"单", "shan"},     {"解", "xie"},      {"区", "ou"},           {"朴", "piao"},
      {"查", "zha"},      {"仇", "qiu"},      {"缪", "miao"},         {"盖", "ge"},
      {"曾", "zeng"},     {"覃", "qin"},      {"任", "ren"},          {"华", "hua"},
      {"那", "na"},       {"尉迟", "yu chi"}, {"万俟", "mo qi"},      {"欧阳", "ou yang"},
      {"司马", "si ma"},  {"诸葛", "zhu ge"}, {"上官", "shang guan"}, {"皇甫", "huang fu"},
      {"令狐", "ling hu"}};
  for (const auto& [surname, pinyin] : expected) {
    INFO(surname);
    CHECK(reading[surname] == pinyin);
  }
  // 王, 李 and 张 are each about 7% of the population.
  CHECK(top3 == Approx(219).margin(15));
}

TEST_CASE("DemoGenerator: every recommending unit type of the contract appears and no other",
          "[demo]") {
  const std::set<std::string> contract = {"全国学会", "省级科协",     "央企科协", "国家级园区科协",
                                          "市科协",   "省级学会",     "高校科协", "企业科协",
                                          "园区科协", "科研院所科协", "医院科协"};
  std::set<std::string> seen;
  const size_t type = static_cast<size_t>(Col("推荐单位类型"));
  for (const auto& row : Sample()) seen.insert(row[type]);
  CHECK(seen == contract);
}

TEST_CASE("DemoGenerator: nobody is a member of the Communist Party", "[demo]") {
  const std::set<std::string> non_party = {"民革党员",   "民盟盟员",   "民建会员",     "民进会员",
                                           "农工党党员", "致公党党员", "九三学社社员", "台盟盟员",
                                           "无党派人士", "群众"};
  const size_t affiliation = static_cast<size_t>(Col("政治面貌"));
  std::set<std::string> seen;
  for (const auto& row : Sample()) {
    CHECK(row[affiliation].find("中共") == std::string::npos);
    seen.insert(row[affiliation]);
  }
  CHECK(std::includes(non_party.begin(), non_party.end(), seen.begin(), seen.end()));
  CHECK(seen.size() >= 9);
}

TEST_CASE("DemoGenerator: the young are mostly 青年人才 and nobody older is", "[demo]") {
  const size_t birth = static_cast<size_t>(Col("出生日期"));
  const size_t tier = static_cast<size_t>(Col("人才类别"));
  long young = 0, young_tier = 0;
  for (const auto& row : Sample()) {
    const bool is_young = 2025 - std::stoi(row[birth].substr(0, 4)) <= 35;
    if (is_young) {
      ++young;
      young_tier += row[tier] == "青年人才";
    } else {
      CHECK(row[tier] == "领军人才");
    }
  }
  REQUIRE(young > 0);
  CHECK(static_cast<double>(young_tier) / static_cast<double>(young) == Approx(0.9).margin(0.03));
}

TEST_CASE("DemoGenerator: 擅长领域 holds 1-3 distinct fields and 主要成就 names the first",
          "[demo]") {
  const size_t fields_col = static_cast<size_t>(Col("擅长领域"));
  const size_t achievements = static_cast<size_t>(Col("主要成就"));
  for (const auto& row : Sample()) {
    std::vector<std::string> fields;
    std::string rest = row[fields_col];
    const std::string separator = "、";
    size_t at;
    while ((at = rest.find(separator)) != std::string::npos) {
      fields.push_back(rest.substr(0, at));
      rest = rest.substr(at + separator.size());
    }
    fields.push_back(rest);
    REQUIRE(!fields.empty());
    CHECK(fields.size() <= 3);
    CHECK(std::set<std::string>(fields.begin(), fields.end()).size() == fields.size());
    CHECK(row[achievements].find(fields[0]) != std::string::npos);
    CHECK(row[achievements].size() > 30);
  }
}

TEST_CASE("DemoGenerator: phones, e-mails, dates, years and yes/no columns have their formats",
          "[demo]") {
  const std::regex phone("1[3-9][0-9]{9}");
  const std::regex mail("[a-z0-9]+@[a-z0-9]+(\\.[a-z0-9]+)+");
  const std::regex date("(19[6-9][0-9]|2000)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])");
  const std::set<std::string> yes_no = {"是", "否"};
  const std::set<std::string> groups = {"", "新经济组织", "新社会组织", "新就业群体"};
  const std::set<std::string> educations = {"博士研究生", "硕士研究生", "大学本科"};
  const std::set<std::string> years = {"2024", "2025"};
  std::set<std::string> years_seen;
  for (const auto& row : Sample()) {
    CHECK(std::regex_match(row[static_cast<size_t>(Col("手机"))], phone));
    CHECK(std::regex_match(row[static_cast<size_t>(Col("电子邮箱"))], mail));
    CHECK(std::regex_match(row[static_cast<size_t>(Col("出生日期"))], date));
    CHECK(yes_no.count(row[static_cast<size_t>(Col("可否参加专题研修班"))]) == 1);
    CHECK(yes_no.count(row[static_cast<size_t>(Col("可否参加国情研修活动"))]) == 1);
    CHECK(groups.count(row[static_cast<size_t>(Col("所属群体"))]) == 1);
    CHECK(educations.count(row[static_cast<size_t>(Col("最高学历"))]) == 1);
    CHECK(years.count(row[static_cast<size_t>(Col("入库年度"))]) == 1);
    years_seen.insert(row[static_cast<size_t>(Col("入库年度"))]);
    // The address is in the province the person is placed in.
    CHECK(row[static_cast<size_t>(Col("通讯地址"))].rfind(row[static_cast<size_t>(Col("所在省份"))],
                                                          0) == 0);
    for (const std::string& cell : {row[1], row[8], row[9], row[10], row[16]}) CHECK(!cell.empty());
  }
  CHECK(years_seen == years);
}

TEST_CASE("DemoGenerator: a provincial association recommends people of its own province",
          "[demo]") {
  const size_t unit = static_cast<size_t>(Col("推荐单位"));
  const size_t type = static_cast<size_t>(Col("推荐单位类型"));
  const size_t province = static_cast<size_t>(Col("所在省份"));
  long checked = 0;
  for (const auto& row : Sample()) {
    if (row[type] != "省级科协" || row[unit].rfind("新疆生产建设兵团", 0) == 0) continue;
    ++checked;
    CHECK(row[unit] == row[province] + "科学技术协会");
  }
  CHECK(checked > 3000);
}

TEST_CASE(
    "WriteDemoCsv: a file written in a temp dir reads back as RFC 4180 to the generator's rows",
    "[demo][csv]") {
  TempDir dir;
  const fs::path path = dir.path() / "pool.csv";
  DemoOptions options;
  options.persons = 1500;
  options.seed = 7;
  {
    std::ofstream out(path, std::ios::binary);
    REQUIRE(tp::registry::WriteDemoCsv(options, tp::registry::DataDir(), out).ok());
  }
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.rfind("\xEF\xBB\xBF", 0) != 0);  // no byte order mark
  const Rows parsed = ParseCsv(text);
  REQUIRE(parsed.size() == 1501);
  CHECK(parsed[0] == DemoGenerator::Header());
  const Rows rows = Generate(options);
  for (size_t i = 0; i < rows.size(); ++i) CHECK(parsed[i + 1] == rows[i]);
}

TEST_CASE("AppendCsvRecord: fields with commas, quotes or line breaks are quoted, quotes doubled",
          "[csv]") {
  std::string out;
  tp::registry::AppendCsvRecord({"张伟", "a,b", "说\"好\"", "两\n行", ""}, &out);
  CHECK(out == "张伟,\"a,b\",\"说\"\"好\"\"\",\"两\n行\",\r\n");
  CHECK(ParseCsv(out) == Rows{{"张伟", "a,b", "说\"好\"", "两\n行", ""}});
}

TEST_CASE("DemoGenerator: a missing table is named, a malformed one reported by file and line",
          "[demo]") {
  TempDir dir;
  for (const char* name :
       {"surnames.tsv", "demo_names.tsv", "demo_vocabulary.tsv", "demo_units.tsv", "regions.tsv"}) {
    fs::copy_file(fs::path(tp::registry::DataDir()) / name, dir.path() / name);
  }
  REQUIRE(DemoGenerator::Create(DemoOptions{}, dir.path().string()).ok());

  fs::remove(dir.path() / "regions.tsv");
  tp::StatusOr<DemoGenerator> missing = DemoGenerator::Create(DemoOptions{}, dir.path().string());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == tp::StatusCode::kNotFound);
  CHECK(missing.status().message().find("regions.tsv") != std::string::npos);

  fs::copy_file(fs::path(tp::registry::DataDir()) / "regions.tsv", dir.path() / "regions.tsv");
  long lines = 0;
  {
    std::ifstream in(dir.path() / "demo_vocabulary.tsv");
    std::string line;
    while (std::getline(in, line)) ++lines;
  }
  {
    std::ofstream out(dir.path() / "demo_vocabulary.tsv", std::ios::app);
    out << "affiliation\t中共党员\tmany\n";
  }
  tp::StatusOr<DemoGenerator> bad = DemoGenerator::Create(DemoOptions{}, dir.path().string());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == tp::StatusCode::kInvalidArgument);
  REQUIRE(bad.status().details().size() == 1);
  CHECK(bad.status().details()[0].field == "demo_vocabulary.tsv");
  CHECK(bad.status().details()[0].row == lines + 1);
}

TEST_CASE("DemoGenerator: out-of-range options are rejected", "[demo]") {
  DemoOptions negative;
  negative.persons = -1;
  tp::StatusOr<DemoGenerator> a = DemoGenerator::Create(negative, tp::registry::DataDir());
  REQUIRE_FALSE(a.ok());
  CHECK(a.status().code() == tp::StatusCode::kInvalidArgument);

  DemoOptions far;
  far.first_admission_year = 3000;
  CHECK_FALSE(DemoGenerator::Create(far, tp::registry::DataDir()).ok());

  DemoOptions none;
  none.persons = 0;
  std::ostringstream out;
  REQUIRE(tp::registry::WriteDemoCsv(none, tp::registry::DataDir(), out).ok());
  CHECK(ParseCsv(out.str()) == Rows{DemoGenerator::Header()});
}

TEST_CASE("DemoGenerator: ID numbers stay unique and valid when each province has a single county",
          "[demo][id_number]") {
  // One county per province crowds 100,000 people into 31 codes, so that birth
  // dates and sequence numbers collide and must be moved on.
  TempDir dir;
  for (const char* name :
       {"surnames.tsv", "demo_names.tsv", "demo_vocabulary.tsv", "demo_units.tsv"}) {
    fs::copy_file(fs::path(tp::registry::DataDir()) / name, dir.path() / name);
  }
  std::set<std::string> provinces_with_county;
  {
    std::ofstream out(dir.path() / "regions.tsv");
    for (const auto& fields : ReadTsv(tp::registry::DataDir() + "/regions.tsv")) {
      if (fields.size() >= 3 && fields[2] == "historical") continue;
      const std::string province = fields[0].substr(0, 2);
      const bool is_province = fields[0].substr(2) == "0000";
      const bool is_county = fields[0].substr(4) != "00";
      if (is_province || (is_county && provinces_with_county.insert(province).second)) {
        out << fields[0] << '\t' << fields[1] << '\n';
      }
    }
  }
  DemoOptions options;
  options.persons = 100000;
  tp::StatusOr<DemoGenerator> generator = DemoGenerator::Create(options, dir.path().string());
  REQUIRE(generator.ok());
  const size_t id_col = static_cast<size_t>(Col("身份证号"));
  std::set<std::string> seen;
  std::vector<std::string> row;
  long with_id = 0;
  while (generator->Next(&row)) {
    const std::string& id = row[id_col];
    if (id.empty()) continue;
    ++with_id;
    REQUIRE(seen.insert(id).second);
    REQUIRE(id[17] == ExpectedCheck(id.substr(0, 17)));
    REQUIRE(provinces_with_county.count(id.substr(0, 2)) == 1);
  }
  CHECK(with_id > 95000);
  CHECK(seen.size() == static_cast<size_t>(with_id));
}
