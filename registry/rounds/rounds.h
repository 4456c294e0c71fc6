// Campaigns, recommendation rounds and their rule sets.
//
// A campaign is the 党外代表人士 pool or an honour campaign; a round belongs
// to one, is concentrated or supplementary, opens and closes at instants of
// Beijing time, takes ages at a reference date and is judged by a rule set
// (rules.h). Seeds come from data/: rounds.json (campaigns, rounds and the
// template of the June/November supplementary rounds) and rules/*.json. Open()
// validates every seed file — a broken one fails start-up, naming the file
// and the JSON path — and stores what the registry lacks, never overwriting a
// rule set staff edited through the API.
//
// Times: Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so
// "2024-11-06 18:00" is 2024-11-06T10:00:00Z; "2024-03-26 24:00" is the end
// of that day. The store keeps UTC, messages and the API show +08:00.
//
// Rounds is thread-safe; writes go through the store's single writer. The
// Store must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/fields/dates.h"
#include "registry/fields/reference_data.h"
#include "registry/rounds/rules.h"
#include "registry/store/store.h"

namespace tp::registry {

// Seconds since 1970-01-01T00:00:00Z.
using Clock = std::function<int64_t()>;
int64_t SystemClock();

// "2024-11-06 18:00", "2024-11-06T18:00", "2024-11-06 18:00:00", "… 24:00"
// (the end of the day) and "2024-11-06" (also the end of the day) as Beijing
// time; "…+08:00" and "…Z" as written.
StatusOr<int64_t> ParseBeijingTime(std::string_view text);
// "2024-11-06T18:00:00+08:00".
std::string BeijingIso(int64_t instant);
// "2024-11-06 18:00", for messages ("2024-03-27 00:00" for the end of 26 March).
std::string BeijingText(int64_t instant);
// "2024-11-06T10:00:00Z", as the store keeps instants.
std::string UtcIso(int64_t instant);
StatusOr<int64_t> ParseUtcIso(std::string_view text);
// BeijingDate(instant), the Beijing calendar date of an instant: registry/fields/dates.h.

// Who does something, for the audit log and for scope checks.
struct Actor {
  std::string id;          // "account:wangfang", "token:12", "cli"
  std::string name;        // the account's display name
  std::string role;        // staff, province, unit
  int64_t unit_rowid = 0;  // a unit token's unit
  std::string province;    // a province token's two-digit code
  std::string remote_addr;

  bool IsStaff() const { return role == "staff"; }
  AuditEntry Entry(std::string action, std::string object_type, std::string object_id,
                   std::string detail_json = "") const;
};

struct Campaign {
  int64_t rowid = 0;
  std::string code;
  std::string kind;  // pool, honour
  std::string name;
  int year = 0;
  std::string honour_title;  // what honourees become; empty for the pool
  std::string level;         // 全国, 省级
};

struct Round {
  int64_t rowid = 0;
  std::string code;
  std::string title;
  std::string kind;  // concentrated, supplementary
  Campaign campaign;
  int64_t opens_at = 0;
  int64_t deadline_at = 0;
  PartialDate reference_date;  // ages are taken at this date
  std::string rule_set;        // code
  int year = 0;
};

// A round as staff describe it; times as ParseBeijingTime reads them.
struct RoundSpec {
  std::string code;
  std::string campaign;
  std::string kind = "concentrated";
  std::string title;
  std::string opens;
  std::string deadline;
  std::string reference_date;  // YYYY-MM-DD; empty: the deadline's date
  std::string rule_set;
  int year = 0;  // 0: the deadline's year
};

// Rounds that recur: one per listed month of a year.
struct RoundTemplate {
  std::string code;
  std::string campaign;
  std::string kind;
  std::string round_code;  // "pool-{year}-{month}"
  std::string title;       // "{year}年{month}月…"
  std::vector<int> months;
  int from_year = 0;
  int opens_day = 1;
  std::string opens_time;     // "00:00"
  int deadline_day = 0;       // 0: the last day of the month
  std::string deadline_time;  // "24:00"
  std::string rule_set;
};

struct RuleSetInfo {
  std::string code;
  std::string title;
  int64_t version = 0;
  std::string updated_at;
};

// When one unit may submit in a round.
struct UnitWindow {
  int64_t opens_at = 0;
  int64_t deadline_at = 0;
  bool extended = false;  // staff moved the deadline for this unit
};

class Rounds {
 public:
  static StatusOr<std::unique_ptr<Rounds>> Open(Store& store, const std::string& data_dir,
                                                const ReferenceData& reference,
                                                Clock clock = SystemClock);
  ~Rounds();
  Rounds(const Rounds&) = delete;
  Rounds& operator=(const Rounds&) = delete;

  int64_t Now() const;
  Store& store();
  const ReferenceData& reference() const;

  StatusOr<std::vector<Campaign>> ListCampaigns();
  StatusOr<std::vector<Round>> ListRounds();
  StatusOr<Round> GetRound(std::string_view code);
  // InvalidArgument naming the field for a bad spec, AlreadyExists for a
  // code in use, NotFound for an unknown campaign or rule set.
  StatusOr<Round> CreateRound(const RoundSpec& spec, const Actor& actor);
  const std::vector<RoundTemplate>& Templates() const;
  // Every round of the template for `year` in one transaction; rounds that
  // already exist are returned as they are.
  StatusOr<std::vector<Round>> CreateFromTemplate(std::string_view template_code, int year,
                                                  const Actor& actor);

  StatusOr<std::vector<RuleSetInfo>> ListRuleSets();
  StatusOr<RuleSet> GetRuleSet(std::string_view code);
  StatusOr<RuleSetInfo> GetRuleSetInfo(std::string_view code);
  // Validates `json` (its code must be `code`, its unit types known) and
  // stores it as the next version; rounds use it from then on. Creates the
  // rule set when new.
  StatusOr<RuleSetInfo> PutRuleSet(std::string_view code, std::string_view json,
                                   const Actor& actor);

  // The window of `unit_rowid` in `round`, with a deadline staff extended.
  StatusOr<UnitWindow> WindowFor(const Round& round, int64_t unit_rowid);
  // RuleViolated, with the window in the message, when `Now()` is outside it.
  Status CheckWindow(const Round& round, int64_t unit_rowid);
  // Moves one unit's deadline (logged); `deadline` as ParseBeijingTime reads it.
  Status ExtendDeadline(std::string_view round_code, std::string_view unit_code,
                        std::string_view deadline, const Actor& actor);

  struct Impl;
  // Use Open(); an Impl cannot be made elsewhere.
  explicit Rounds(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::registry
