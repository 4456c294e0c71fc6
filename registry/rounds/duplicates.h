// Telling whether a person being recommended is already in the registry.
//
// A *hard* duplicate is the live record with the same ID number, found by its
// keyed hash (crypto.h's blind index): certain, and never shown wrongly. A
// *possible* duplicate is a record a human should look at: the same birth
// date (a 出生年月 matches every day of its month) and either the same name,
// or a name that sounds the same (pinyin) at a similar unit. Two records with
// different ID numbers are never possible duplicates of each other (the ID
// numbers tell them apart), nor are pairs staff marked as two people.
//
// "Same name" is read generously, because the same person is written
// differently by different offices: Unicode NFKC, spaces and dots dropped,
// traditional characters folded to simplified (data/t2s.tsv), and the given
// name's characters in any order (张明远 / 张远明). "Sounds the same" means
// each character shares a reading with the other's (data/pinyin.tsv, plus the
// surname readings of data/pinyin_surnames.tsv: 覃 qin), so homophone typos
// of pinyin input (张明远 / 张明元) are caught. The registry reads those
// tables itself rather than asking the indexer, which it may not include.
//
// Thread-safe; the Store must outlive the finder.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::registry {

class NameMatcher {
 public:
  // Reads pinyin.tsv, pinyin_surnames.tsv and t2s.tsv from `data_dir`.
  static StatusOr<NameMatcher> Load(const std::string& data_dir);

  // NFKC, without spaces and dots, traditional folded to simplified.
  std::string Fold(std::string_view name) const;
  // Equal once folded, or the same surname with the given name's characters
  // in another order (three or more characters).
  bool SameName(std::string_view a, std::string_view b) const;
  // As many characters, each sharing a reading with its counterpart.
  bool SamePinyin(std::string_view a, std::string_view b) const;
  // Unit names that are equal or one inside the other once folded, or share
  // at least half of their character pairs (Dice coefficient ≥ 0.5).
  bool SimilarUnit(std::string_view a, std::string_view b) const;

  struct Tables;

 private:
  explicit NameMatcher(std::shared_ptr<const Tables> tables) : tables_(std::move(tables)) {}
  std::shared_ptr<const Tables> tables_;
};

// Whether two birth dates can be the same day: equal, or one is a month and
// the other a day of it. Empty dates are never compatible.
bool BirthDatesCompatible(std::string_view a, std::string_view b);

struct DuplicateCandidate {
  int64_t rowid = 0;
  std::string public_id;
  std::string name;
  std::string birth_date;
  std::string unit_name;
  std::string reason;  // 身份证号相同 / 姓名、出生日期相同 / 出生日期相同，姓名同音，单位相近
};

struct DuplicateReport {
  std::optional<DuplicateCandidate> hard;
  std::vector<DuplicateCandidate> possible;  // by 编号
};

// What is known of the person being checked. Sensitive values are used only
// to compute their keyed hash.
struct DuplicateProbe {
  std::string id_number;  // 18 characters, or empty
  std::string name;
  std::string birth_date;  // YYYY-MM-DD or YYYY-MM
  std::string unit_name;
  int64_t self_rowid = 0;  // the probe's own record, never its own duplicate
};

class DuplicateFinder {
 public:
  static StatusOr<std::unique_ptr<DuplicateFinder>> Create(Store& store,
                                                           const std::string& data_dir);

  StatusOr<DuplicateReport> Find(const DuplicateProbe& probe);

  const NameMatcher& names() const { return names_; }

  DuplicateFinder(Store& store, NameMatcher names) : store_(store), names_(std::move(names)) {}

 private:
  Store& store_;
  NameMatcher names_;
};

}  // namespace tp::registry
