// Campaigns, rounds and rule sets over the store's tables (rounds.h).
#include "registry/rounds/rounds.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "registry/store/db_handle.h"

namespace tp::registry {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr int64_t kBeijingOffset = 8 * 3600;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil), and back.
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2 ? 1 : 0));
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

// Text of an instant in a zone `offset` seconds east of UTC.
void Split(int64_t instant, int64_t offset, int* y, int* mo, int* d, int* h, int* mi, int* s) {
  const int64_t local = instant + offset;
  const int64_t days = FloorDiv(local, 86400);
  int64_t rest = local - days * 86400;
  CivilFromDays(days, y, mo, d);
  *h = static_cast<int>(rest / 3600);
  *mi = static_cast<int>(rest % 3600 / 60);
  *s = static_cast<int>(rest % 60);
}

StatusOr<int64_t> ParseTime(std::string_view text, bool default_beijing) {
  auto bad = [&]() {
    return InvalidArgument(
        "时间「" + std::string(text) +
        "」格式不对，应为「2024-11-06 18:00」（北京时间；「24:00」表示当日结束）");
  };
  int y = 0, mo = 0, d = 0, h = 24, mi = 0, s = 0;
  if (!Digits(text, 0, 4, &y) || text.size() < 10 || text[4] != '-' || !Digits(text, 5, 2, &mo) ||
      text[7] != '-' || !Digits(text, 8, 2, &d)) {
    return bad();
  }
  if (y < 1990 || mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return bad();
  size_t pos = 10;
  if (pos < text.size()) {
    if (text[pos] != ' ' && text[pos] != 'T') return bad();
    ++pos;
    if (!Digits(text, pos, 2, &h) || pos + 2 >= text.size() || text[pos + 2] != ':' ||
        !Digits(text, pos + 3, 2, &mi)) {
      return bad();
    }
    pos += 5;
    if (pos < text.size() && text[pos] == ':') {
      if (!Digits(text, pos + 1, 2, &s)) return bad();
      pos += 3;
    }
  }
  int64_t offset = default_beijing ? kBeijingOffset : 0;
  std::string_view zone = text.substr(pos);
  if (zone == "Z") {
    offset = 0;
  } else if (zone == "+08:00" || zone == "+0800") {
    offset = kBeijingOffset;
  } else if (!zone.empty()) {
    return bad();
  }
  if (h > 24 || mi > 59 || s > 59 || (h == 24 && (mi != 0 || s != 0))) return bad();
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
}

std::string Format(int64_t instant, int64_t offset, const char* pattern) {
  int y, mo, d, h, mi, s;
  Split(instant, offset, &y, &mo, &d, &h, &mi, &s);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, pattern, y, mo, d, h, mi, s);
  return buffer;
}

bool IsCode(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
  });
}

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// Every problem of a seed file, each named by file and JSON path.
class SeedErrors {
 public:
  void Add(const std::string& where, std::string message) {
    errors_.push_back({where, std::move(message), 0});
  }
  void AddAll(const std::vector<FieldError>& more) {
    errors_.insert(errors_.end(), more.begin(), more.end());
  }
  bool empty() const { return errors_.empty(); }
  Status ToStatus() const {
    return InvalidArgument("推荐批次的种子数据有 " + std::to_string(errors_.size()) +
                               " 处错误，第一处：" + errors_.front().field + "：" +
                               errors_.front().message,
                           errors_);
  }

 private:
  std::vector<FieldError> errors_;
};

std::string Text(const Json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int Int(const Json& j, std::string_view key, int fallback = 0) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("无法读取文件「" + path + "」");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A rule set's unit types must be labels of data/unit_types.tsv, or the
// quota would silently never apply.
std::vector<FieldError> CheckUnitTypes(const RuleSet& rules, const ReferenceData& reference,
                                       const std::string& source) {
  std::vector<FieldError> out;
  for (const std::string& t : rules.UnitTypes()) {
    const UnitType* known = reference.FindUnitType(t);
    if (known == nullptr || known->label != t) {
      out.push_back({source + ":$.quotas",
                     "单位类型「" + t + "」不在 unit_types.tsv 中" +
                         (known != nullptr ? "（应写作「" + known->label + "」）" : ""),
                     0});
    }
  }
  return out;
}

// A campaign of rounds.json.
struct SeedCampaign {
  std::string code, kind, name, honour_title, level;
  int year = 0;
};

// The seed as data/rules/*.json and data/rounds.json hold it, checked as a
// whole before any of it is written: every problem goes to `errors`, and a
// round or template may name only campaigns and rule sets of the seed.
class SeedReader {
 public:
  explicit SeedReader(const ReferenceData& reference) : reference_(reference) {}

  // Rule sets: every file is checked, whether or not the registry has it yet.
  // An error only when the folder cannot be read.
  Status ReadRuleSets(const std::string& dir) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    if (ec) return NotFound("无法读取规则集目录「" + dir + "」：" + ec.message());
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      auto rules = RuleSet::LoadFile(file.string());
      if (!rules.ok()) {
        errors_.AddAll(
            rules.status().details().empty()
                ? std::vector<FieldError>{{file.filename().string(), rules.status().message(), 0}}
                : rules.status().details());
        continue;
      }
      const std::string name = file.filename().string();
      if (name != rules->code() + ".json")
        errors_.Add(name + ":$.code", "应与文件名一致（" + rules->code() + ".json）");
      errors_.AddAll(CheckUnitTypes(*rules, reference_, name));
      rule_sets_.push_back(std::move(*rules));
    }
    return Status::Ok();
  }

  // Campaigns, rounds and templates; after ReadRuleSets, which they refer to.
  // An error only when the file cannot be read.
  Status ReadRoundsFile(const std::string& path) {
    TP_ASSIGN_OR_RETURN(auto text, ReadText(path));
    Json doc = Json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      errors_.Add("rounds.json:$", "不是有效的 JSON 对象");
      return Status::Ok();
    }
    ReadCampaigns(ListOf(doc, "campaigns"));
    ReadRounds(ListOf(doc, "rounds"));
    ReadTemplates(ListOf(doc, "templates"));
    return Status::Ok();
  }

  const SeedErrors& errors() const { return errors_; }
  const std::vector<RuleSet>& rule_sets() const { return rule_sets_; }
  const std::vector<SeedCampaign>& campaigns() const { return campaigns_; }
  const std::vector<RoundSpec>& rounds() const { return rounds_; }
  std::vector<RoundTemplate> TakeTemplates() { return std::move(templates_); }

 private:
  // The array under `key`, or an empty one.
  const Json& ListOf(const Json& doc, const char* key) const {
    return doc.contains(key) && doc[key].is_array() ? doc[key] : empty_;
  }

  bool KnownRuleSet(const std::string& code) const {
    return std::any_of(rule_sets_.begin(), rule_sets_.end(),
                       [&](const RuleSet& r) { return r.code() == code; });
  }
  bool KnownCampaign(const std::string& code) const {
    return std::any_of(campaigns_.begin(), campaigns_.end(),
                       [&](const SeedCampaign& c) { return c.code == code; });
  }

  void ReadCampaigns(const Json& cj) {
    for (size_t i = 0; i < cj.size(); ++i) {
      const std::string where = "rounds.json:$.campaigns[" + std::to_string(i) + "]";
      SeedCampaign c{Text(cj[i], "code"),         Text(cj[i], "kind"),  Text(cj[i], "name"),
                     Text(cj[i], "honour_title"), Text(cj[i], "level"), Int(cj[i], "year")};
      if (!IsCode(c.code)) errors_.Add(where + ".code", "应为小写字母、数字和 - 组成的代码");
      if (c.kind != "pool" && c.kind != "honour")
        errors_.Add(where + ".kind", "应为 pool 或 honour");
      if (c.name.empty()) errors_.Add(where + ".name", "缺少此项");
      if (c.kind == "honour" && c.honour_title.empty())
        errors_.Add(where + ".honour_title", "荣誉推选须写明称号");
      campaigns_.push_back(std::move(c));
    }
  }

  void ReadRounds(const Json& rj) {
    for (size_t i = 0; i < rj.size(); ++i) {
      const std::string where = "rounds.json:$.rounds[" + std::to_string(i) + "]";
      RoundSpec spec{
          Text(rj[i], "code"),           Text(rj[i], "campaign"), Text(rj[i], "kind"),
          Text(rj[i], "title"),          Text(rj[i], "opens"),    Text(rj[i], "deadline"),
          Text(rj[i], "reference_date"), Text(rj[i], "rule_set"), Int(rj[i], "year")};
      if (!IsCode(spec.code)) errors_.Add(where + ".code", "应为小写字母、数字和 - 组成的代码");
      if (!KnownCampaign(spec.campaign))
        errors_.Add(where + ".campaign", "未定义的活动「" + spec.campaign + "」");
      if (!KnownRuleSet(spec.rule_set))
        errors_.Add(where + ".rule_set", "rules/ 中没有规则集「" + spec.rule_set + "」");
      for (const auto& [key, value] :
           {std::pair{"opens", spec.opens}, std::pair{"deadline", spec.deadline}}) {
        auto t = ParseBeijingTime(value);
        if (!t.ok()) errors_.Add(where + "." + key, t.status().message());
      }
      rounds_.push_back(std::move(spec));
    }
  }

  void ReadTemplates(const Json& tj) {
    for (size_t i = 0; i < tj.size(); ++i) {
      templates_.push_back(
          ReadTemplate(tj[i], "rounds.json:$.templates[" + std::to_string(i) + "]"));
    }
  }

  RoundTemplate ReadTemplate(const Json& t, const std::string& where) {
    RoundTemplate tpl;
    tpl.code = Text(t, "code");
    tpl.campaign = Text(t, "campaign");
    tpl.kind = Text(t, "kind");
    tpl.round_code = Text(t, "round_code");
    tpl.title = Text(t, "title");
    tpl.from_year = Int(t, "from_year");
    tpl.opens_day = Int(t, "opens_day", 1);
    tpl.opens_time = Text(t, "opens_time");
    tpl.deadline_time = Text(t, "deadline_time");
    tpl.rule_set = Text(t, "rule_set");
    if (t.contains("deadline_day") && t["deadline_day"].is_string() &&
        t["deadline_day"] == "last") {
      tpl.deadline_day = 0;
    } else {
      tpl.deadline_day = Int(t, "deadline_day", -1);
      if (tpl.deadline_day < 1 || tpl.deadline_day > 28)
        errors_.Add(where + ".deadline_day", "应为 1 到 28 或 \"last\"");
    }
    if (t.contains("months") && t["months"].is_array()) {
      for (const Json& m : t["months"]) {
        if (m.is_number_integer() && m.get<int>() >= 1 && m.get<int>() <= 12) {
          tpl.months.push_back(m.get<int>());
        } else {
          errors_.Add(where + ".months", "月份应为 1 到 12 的整数");
        }
      }
    }
    if (tpl.months.empty()) errors_.Add(where + ".months", "缺少月份");
    if (!IsCode(tpl.code)) errors_.Add(where + ".code", "应为小写字母、数字和 - 组成的代码");
    if (!KnownCampaign(tpl.campaign))
      errors_.Add(where + ".campaign", "未定义的活动「" + tpl.campaign + "」");
    if (!KnownRuleSet(tpl.rule_set))
      errors_.Add(where + ".rule_set", "rules/ 中没有规则集「" + tpl.rule_set + "」");
    if (tpl.kind != "concentrated" && tpl.kind != "supplementary")
      errors_.Add(where + ".kind", "应为 concentrated 或 supplementary");
    if (tpl.round_code.find("{year}") == std::string::npos ||
        tpl.round_code.find("{month}") == std::string::npos) {
      errors_.Add(where + ".round_code", "应含 {year} 和 {month}");
    }
    if (tpl.title.empty()) errors_.Add(where + ".title", "缺少此项");
    for (const auto& [key, value] :
         {std::pair{"opens_time", tpl.opens_time}, std::pair{"deadline_time", tpl.deadline_time}}) {
      if (!ParseBeijingTime("2025-01-01 " + value).ok())
        errors_.Add(where + "." + key, "应为「HH:MM」");
    }
    return tpl;
  }

  const ReferenceData& reference_;
  const Json empty_ = Json::array();
  SeedErrors errors_;
  std::vector<RuleSet> rule_sets_;
  std::vector<SeedCampaign> campaigns_;
  std::vector<RoundSpec> rounds_;
  std::vector<RoundTemplate> templates_;
};

Round ReadRound(SQLite::Statement& st) {
  // Column order of kRoundSelect.
  Round r;
  r.rowid = st.getColumn(0).getInt64();
  r.code = st.getColumn(1).getString();
  r.title = st.getColumn(2).getString();
  r.kind = st.getColumn(3).getString();
  auto opens = ParseUtcIso(st.getColumn(4).getString());
  auto deadline = ParseUtcIso(st.getColumn(5).getString());
  r.opens_at = opens.ok() ? *opens : 0;
  r.deadline_at = deadline.ok() ? *deadline : 0;
  auto reference = ParseDate(ColumnText(st, 6), PartialDate{9999, 12, 31});
  r.reference_date = reference.ok() ? *reference : BeijingDate(r.deadline_at);
  r.rule_set = ColumnText(st, 7);
  r.year = st.getColumn(8).getInt();
  r.campaign.rowid = st.getColumn(9).getInt64();
  r.campaign.code = st.getColumn(10).getString();
  r.campaign.kind = st.getColumn(11).getString();
  r.campaign.name = st.getColumn(12).getString();
  r.campaign.year = st.getColumn(13).isNull() ? 0 : st.getColumn(13).getInt();
  r.campaign.honour_title = ColumnText(st, 14);
  r.campaign.level = ColumnText(st, 15);
  return r;
}

constexpr const char* kRoundSelect =
    "SELECT r.id, r.code, r.title, r.kind, r.opens_at, r.deadline_at, r.reference_date, s.code, "
    "r.year, "
    "c.id, c.code, c.kind, c.name, c.year, c.honour_title, c.level "
    "FROM rounds r JOIN campaigns c ON c.id=r.campaign_id LEFT JOIN rule_sets s ON "
    "s.id=r.rule_set_id";

}  // namespace

int64_t SystemClock() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StatusOr<int64_t> ParseBeijingTime(std::string_view text) {
  return ParseTime(text, /*default_beijing=*/true);
}

std::string BeijingIso(int64_t instant) {
  return Format(instant, kBeijingOffset, "%04d-%02d-%02dT%02d:%02d:%02d+08:00");
}

std::string BeijingText(int64_t instant) {
  return Format(instant, kBeijingOffset, "%04d-%02d-%02d %02d:%02d");
}

std::string UtcIso(int64_t instant) { return Format(instant, 0, "%04d-%02d-%02dT%02d:%02d:%02dZ"); }

StatusOr<int64_t> ParseUtcIso(std::string_view text) {
  return ParseTime(text, /*default_beijing=*/false);
}

AuditEntry Actor::Entry(std::string action, std::string object_type, std::string object_id,
                        std::string detail_json) const {
  AuditEntry e;
  e.actor = id.empty() ? "cli" : id;
  e.actor_name = name;
  e.role = role;
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.detail_json = std::move(detail_json);
  e.remote_addr = remote_addr;
  return e;
}

struct Rounds::Impl {
  Impl(Store& s, ReferenceData r, Clock c)
      : store(s), reference(std::move(r)), clock(std::move(c)) {}

  DbHandle& db() { return store.Db(); }

  Store& store;
  ReferenceData reference;
  Clock clock;
  std::vector<RoundTemplate> templates;

  std::mutex cache_mu;
  // code -> (version, rules)
  std::map<std::string, std::pair<int64_t, RuleSet>, std::less<>> cache;

  Status Seed(const std::string& data_dir);
  Status WriteSeed(const SeedReader& seed);
  StatusOr<Round> Insert(SQLite::Database& w, const RoundSpec& spec);
};

Rounds::Rounds(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Rounds::~Rounds() = default;

int64_t Rounds::Now() const { return impl_->clock(); }
Store& Rounds::store() { return impl_->store; }
const ReferenceData& Rounds::reference() const { return impl_->reference; }
const std::vector<RoundTemplate>& Rounds::Templates() const { return impl_->templates; }

StatusOr<std::unique_ptr<Rounds>> Rounds::Open(Store& store, const std::string& data_dir,
                                               const ReferenceData& reference, Clock clock) {
  auto impl = std::make_unique<Impl>(store, reference, std::move(clock));
  TP_RETURN_IF_ERROR(impl->Seed(data_dir));
  return std::make_unique<Rounds>(std::move(impl));
}

Status Rounds::Impl::Seed(const std::string& data_dir) {
  SeedReader seed(reference);
  TP_RETURN_IF_ERROR(seed.ReadRuleSets(data_dir + "/rules"));
  TP_RETURN_IF_ERROR(seed.ReadRoundsFile(data_dir + "/rounds.json"));
  if (!seed.errors().empty()) return seed.errors().ToStatus();
  templates = seed.TakeTemplates();
  return WriteSeed(seed);
}

// What the registry lacks of the seed, in one transaction: rule sets,
// campaigns and rounds already there are left as they are.
Status Rounds::Impl::WriteSeed(const SeedReader& seed) {
  TP_ASSIGN_OR_RETURN(auto batch, store.BeginWrite());
  try {
    SQLite::Database& w = batch->Connection();
    SQLite::Statement rule(
        w, "INSERT INTO rule_sets(code, body) VALUES(?,?) ON CONFLICT(code) DO NOTHING");
    for (const RuleSet& r : seed.rule_sets()) {
      rule.reset();
      rule.bind(1, r.code());
      rule.bind(2, r.json());
      rule.exec();
    }
    SQLite::Statement campaign(
        w,
        "INSERT INTO campaigns(code, kind, name, year, honour_title, level) VALUES(?,?,?,?,?,?) "
        "ON CONFLICT(code) DO NOTHING");
    for (const SeedCampaign& c : seed.campaigns()) {
      campaign.reset();
      campaign.bind(1, c.code);
      campaign.bind(2, c.kind);
      campaign.bind(3, c.name);
      if (c.year > 0) {
        campaign.bind(4, c.year);
      } else {
        campaign.bind(4);
      }
      BindText(campaign, 5, c.honour_title);
      BindText(campaign, 6, c.level);
      campaign.exec();
    }
    for (const RoundSpec& spec : seed.rounds()) {
      SQLite::Statement exists(w, "SELECT 1 FROM rounds WHERE code=?");
      exists.bind(1, spec.code);
      if (exists.executeStep()) continue;
      auto inserted = Insert(w, spec);
      if (!inserted.ok()) return inserted.status();
    }
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "写入推荐批次种子数据");
  }
  return batch->Commit();
}

// Inserts a round on the writer (the caller holds it). Checks the spec.
StatusOr<Round> Rounds::Impl::Insert(SQLite::Database& w, const RoundSpec& spec) {
  auto field = [](const std::string& f, const std::string& m) {
    return InvalidArgument("字段「" + f + "」：" + m, {{f, m, 0}});
  };
  if (!IsCode(spec.code)) return field("code", "应为小写字母、数字和 - 组成的代码");
  if (spec.kind != "concentrated" && spec.kind != "supplementary") {
    return field("kind", "应为 concentrated（集中报送）或 supplementary（补充报送）");
  }
  if (spec.title.empty()) return field("title", "不能为空");
  auto opens = ParseBeijingTime(spec.opens);
  if (!opens.ok()) return field("opens", opens.status().message());
  auto deadline = ParseBeijingTime(spec.deadline);
  if (!deadline.ok()) return field("deadline", deadline.status().message());
  if (*deadline <= *opens) return field("deadline", "截止时间应晚于开始时间");
  PartialDate reference = BeijingDate(*deadline - 1);
  if (!spec.reference_date.empty()) {
    auto parsed = ParseDate(spec.reference_date, PartialDate{9999, 12, 31});
    if (!parsed.ok() || parsed->day == 0) return field("reference_date", "应为「YYYY-MM-DD」");
    reference = *parsed;
  }
  SQLite::Statement campaign(w, "SELECT id FROM campaigns WHERE code=?");
  campaign.bind(1, spec.campaign);
  if (!campaign.executeStep()) return NotFound("没有代码为「" + spec.campaign + "」的活动");
  SQLite::Statement rule(w, "SELECT id FROM rule_sets WHERE code=?");
  rule.bind(1, spec.rule_set);
  if (!rule.executeStep()) return NotFound("没有代码为「" + spec.rule_set + "」的规则集");
  SQLite::Statement exists(w, "SELECT 1 FROM rounds WHERE code=?");
  exists.bind(1, spec.code);
  if (exists.executeStep()) return AlreadyExists("推荐批次「" + spec.code + "」已存在");
  SQLite::Statement insert(
      w,
      "INSERT INTO rounds(code, campaign_id, kind, title, opens_at, deadline_at, reference_date, "
      "rule_set_id, year) VALUES(?,?,?,?,?,?,?,?,?)");
  insert.bind(1, spec.code);
  insert.bind(2, campaign.getColumn(0).getInt64());
  insert.bind(3, spec.kind);
  insert.bind(4, spec.title);
  insert.bind(5, UtcIso(*opens));
  insert.bind(6, UtcIso(*deadline));
  insert.bind(7, reference.ToString());
  insert.bind(8, rule.getColumn(0).getInt64());
  insert.bind(9, spec.year > 0 ? spec.year : BeijingDate(*deadline - 1).year);
  insert.exec();
  SQLite::Statement read(w, std::string(kRoundSelect) + " WHERE r.id=?");
  read.bind(1, w.getLastInsertRowid());
  read.executeStep();
  return ReadRound(read);
}

StatusOr<std::vector<Campaign>> Rounds::ListCampaigns() {
  try {
    auto db = impl_->db().Read();
    SQLite::Statement st(
        *db, "SELECT id, code, kind, name, year, honour_title, level FROM campaigns ORDER BY code");
    std::vector<Campaign> out;
    while (st.executeStep()) {
      out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(),
                     st.getColumn(2).getString(), st.getColumn(3).getString(),
                     st.getColumn(4).isNull() ? 0 : st.getColumn(4).getInt(), ColumnText(st, 5),
                     ColumnText(st, 6)});
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取活动");
  }
}

StatusOr<std::vector<Round>> Rounds::ListRounds() {
  try {
    auto db = impl_->db().Read();
    SQLite::Statement st(*db, std::string(kRoundSelect) + " ORDER BY r.deadline_at DESC, r.code");
    std::vector<Round> out;
    while (st.executeStep()) out.push_back(ReadRound(st));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取推荐批次");
  }
}

StatusOr<Round> Rounds::GetRound(std::string_view code) {
  try {
    auto db = impl_->db().Read();
    SQLite::Statement st(*db, std::string(kRoundSelect) + " WHERE r.code=?");
    st.bind(1, std::string(code));
    if (!st.executeStep()) return NotFound("没有代码为「" + std::string(code) + "」的推荐批次");
    return ReadRound(st);
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取推荐批次");
  }
}

StatusOr<Round> Rounds::CreateRound(const RoundSpec& spec, const Actor& actor) {
  TP_ASSIGN_OR_RETURN(auto batch, impl_->store.BeginWrite());
  try {
    auto round = impl_->Insert(batch->Connection(), spec);
    if (!round.ok()) return round.status();
    TP_RETURN_IF_ERROR(batch->Audit(actor.Entry(
        "create", "round", round->code,
        Json{{"deadline", BeijingIso(round->deadline_at)}, {"rule_set", round->rule_set}}.dump())));
    TP_RETURN_IF_ERROR(batch->Commit());
    return round;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "创建推荐批次");
  }
}

StatusOr<std::vector<Round>> Rounds::CreateFromTemplate(std::string_view template_code, int year,
                                                        const Actor& actor) {
  const RoundTemplate* tpl = nullptr;
  for (const RoundTemplate& t : impl_->templates)
    if (t.code == template_code) tpl = &t;
  if (tpl == nullptr) return NotFound("没有代码为「" + std::string(template_code) + "」的批次模板");
  if (year < tpl->from_year || year > 2100) {
    return InvalidArgument(
        "字段「year」：" + tpl->title + "从" + std::to_string(tpl->from_year) + "年起",
        {{"year", "应不早于" + std::to_string(tpl->from_year) + "年", 0}});
  }
  TP_ASSIGN_OR_RETURN(auto batch, impl_->store.BeginWrite());
  std::vector<Round> out;
  try {
    SQLite::Database& w = batch->Connection();
    for (int month : tpl->months) {
      char mm[16];
      std::snprintf(mm, sizeof mm, "%02d", month);
      RoundSpec spec;
      spec.code =
          ReplaceAll(ReplaceAll(tpl->round_code, "{year}", std::to_string(year)), "{month}", mm);
      spec.campaign = tpl->campaign;
      spec.kind = tpl->kind;
      spec.title = ReplaceAll(ReplaceAll(tpl->title, "{year}", std::to_string(year)), "{month}",
                              std::to_string(month));
      char date[48];
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, tpl->opens_day);
      spec.opens = std::string(date) + " " + tpl->opens_time;
      const int last = tpl->deadline_day == 0 ? DaysInMonth(year, month) : tpl->deadline_day;
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, last);
      spec.deadline = std::string(date) + " " + tpl->deadline_time;
      spec.reference_date = date;
      spec.rule_set = tpl->rule_set;
      spec.year = year;
      SQLite::Statement existing(w, std::string(kRoundSelect) + " WHERE r.code=?");
      existing.bind(1, spec.code);
      if (existing.executeStep()) {
        out.push_back(ReadRound(existing));
        continue;
      }
      auto round = impl_->Insert(w, spec);
      if (!round.ok()) return round.status();
      TP_RETURN_IF_ERROR(batch->Audit(actor.Entry(
          "create", "round", round->code,
          Json{{"template", tpl->code}, {"deadline", BeijingIso(round->deadline_at)}}.dump())));
      out.push_back(std::move(*round));
    }
    TP_RETURN_IF_ERROR(batch->Commit());
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "按模板创建推荐批次");
  }
}

StatusOr<std::vector<RuleSetInfo>> Rounds::ListRuleSets() {
  try {
    auto db = impl_->db().Read();
    SQLite::Statement st(*db,
                         "SELECT code, body, version, updated_at FROM rule_sets ORDER BY code");
    std::vector<RuleSetInfo> out;
    while (st.executeStep()) {
      Json body = Json::parse(st.getColumn(1).getString(), nullptr, false);
      out.push_back({st.getColumn(0).getString(), body.is_object() ? Text(body, "title") : "",
                     st.getColumn(2).getInt64(), st.getColumn(3).getString()});
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取规则集");
  }
}

StatusOr<RuleSetInfo> Rounds::GetRuleSetInfo(std::string_view code) {
  TP_ASSIGN_OR_RETURN(auto all, ListRuleSets());
  for (RuleSetInfo& info : all)
    if (info.code == code) return std::move(info);
  return NotFound("没有代码为「" + std::string(code) + "」的规则集");
}

StatusOr<RuleSet> Rounds::GetRuleSet(std::string_view code) {
  std::string body;
  int64_t version = 0;
  try {
    auto db = impl_->db().Read();
    SQLite::Statement st(*db, "SELECT version, body FROM rule_sets WHERE code=?");
    st.bind(1, std::string(code));
    if (!st.executeStep()) return NotFound("没有代码为「" + std::string(code) + "」的规则集");
    version = st.getColumn(0).getInt64();
    {
      std::lock_guard lock(impl_->cache_mu);
      auto it = impl_->cache.find(code);
      if (it != impl_->cache.end() && it->second.first == version) return it->second.second;
    }
    body = st.getColumn(1).getString();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取规则集");
  }
  auto rules = RuleSet::Parse(body, std::string(code));
  if (!rules.ok()) return rules.status();
  std::lock_guard lock(impl_->cache_mu);
  impl_->cache.insert_or_assign(std::string(code), std::pair<int64_t, RuleSet>(version, *rules));
  return rules;
}

StatusOr<RuleSetInfo> Rounds::PutRuleSet(std::string_view code, std::string_view json,
                                         const Actor& actor) {
  TP_ASSIGN_OR_RETURN(auto rules, RuleSet::Parse(json, std::string(code)));
  if (rules.code() != code) {
    return InvalidArgument(
        "规则集代码应为「" + std::string(code) + "」，实为「" + rules.code() + "」",
        {{std::string(code) + ":$.code", "应为「" + std::string(code) + "」", 0}});
  }
  auto unknown = CheckUnitTypes(rules, impl_->reference, std::string(code));
  if (!unknown.empty()) {
    return InvalidArgument("规则集「" + std::string(code) + "」：" + unknown.front().message,
                           unknown);
  }
  TP_ASSIGN_OR_RETURN(auto batch, impl_->store.BeginWrite());
  try {
    SQLite::Statement st(
        batch->Connection(),
        "INSERT INTO rule_sets(code, body) VALUES(?,?) ON CONFLICT(code) DO UPDATE SET "
        "body=excluded.body, version=version+1, "
        "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now')");
    st.bind(1, std::string(code));
    st.bind(2, rules.json());
    st.exec();
    TP_RETURN_IF_ERROR(batch->Audit(actor.Entry("update", "rule_set", std::string(code))));
    TP_RETURN_IF_ERROR(batch->Commit());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "保存规则集");
  }
  return GetRuleSetInfo(code);
}

StatusOr<UnitWindow> Rounds::WindowFor(const Round& round, int64_t unit_rowid) {
  UnitWindow window{round.opens_at, round.deadline_at, false};
  try {
    auto db = impl_->db().Read();
    SQLite::Statement st(
        *db, "SELECT deadline_override FROM submissions WHERE round_id=? AND unit_id=?");
    st.bind(1, round.rowid);
    st.bind(2, unit_rowid);
    if (st.executeStep() && !st.getColumn(0).isNull()) {
      auto extended = ParseUtcIso(st.getColumn(0).getString());
      if (extended.ok()) {
        window.deadline_at = *extended;
        window.extended = true;
      }
    }
    return window;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取报送时间");
  }
}

Status Rounds::CheckWindow(const Round& round, int64_t unit_rowid) {
  TP_ASSIGN_OR_RETURN(auto window, WindowFor(round, unit_rowid));
  const int64_t now = Now();
  if (now >= window.opens_at && now < window.deadline_at) return Status::Ok();
  const std::string span =
      BeijingText(window.opens_at) + " 至 " + BeijingText(window.deadline_at) + "（北京时间）";
  const std::string message = "「" + round.title + "」的报送时间为 " + span +
                              (now < window.opens_at ? "，尚未开始" : "，已经截止") +
                              (window.extended ? "（已为本单位延期）" : "");
  return RuleViolated(message, {{"报送时间", message, 0}});
}

Status Rounds::ExtendDeadline(std::string_view round_code, std::string_view unit_code,
                              std::string_view deadline, const Actor& actor) {
  auto round = GetRound(round_code);
  if (!round.ok()) return round.status();
  auto unit = impl_->store.GetUnit(unit_code);
  if (!unit.ok()) return unit.status();
  auto when = ParseBeijingTime(deadline);
  if (!when.ok())
    return InvalidArgument("字段「deadline」：" + when.status().message(),
                           {{"deadline", when.status().message(), 0}});
  if (*when <= round->deadline_at) {
    const std::string m =
        "延期后的截止时间应晚于本批次的截止时间 " + BeijingText(round->deadline_at);
    return InvalidArgument("字段「deadline」：" + m, {{"deadline", m, 0}});
  }
  TP_ASSIGN_OR_RETURN(auto batch, impl_->store.BeginWrite());
  try {
    SQLite::Statement st(
        batch->Connection(),
        "INSERT INTO submissions(round_id, unit_id, deadline_override) VALUES(?,?,?) "
        "ON CONFLICT(round_id, unit_id) DO UPDATE SET "
        "deadline_override=excluded.deadline_override");
    st.bind(1, round->rowid);
    st.bind(2, unit->rowid);
    st.bind(3, UtcIso(*when));
    st.exec();
    TP_RETURN_IF_ERROR(batch->Audit(actor.Entry("extend", "round", round->code,
                                                Json{{"unit", unit->code},
                                                     {"deadline", BeijingIso(*when)},
                                                     {"was", BeijingIso(round->deadline_at)}}
                                                    .dump())));
    return batch->Commit();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "延长截止时间");
  }
}

}  // namespace tp::registry
