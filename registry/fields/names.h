// Telling whether two names (and units, and birth dates) written by different offices can be
// the same person's: for the duplicate finder of rounds, the import of sheets without ID
// numbers, and units' answer sheets matched by name.
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
// Thread-safe once loaded.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "registry/base/status.h"

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

}  // namespace tp::registry
