// Telling whether a person being recommended is already in the registry.
//
// A *hard* duplicate is the live record with the same ID number, found by its
// keyed hash (crypto.h's blind index): certain, and never shown wrongly. A
// *possible* duplicate is a record a human should look at: the same birth
// date (a 出生年月 matches every day of its month) and either the same name,
// or a name that sounds the same (pinyin) at a similar unit — or, for a
// record on another list of the probe's round, a name that sounds the same
// and the same day of birth whatever the unit (曹明智 / 曹明志 sent by two
// societies, each writing his unit its own way). Two records with
// different ID numbers are never possible duplicates of each other (the ID
// numbers tell them apart), nor are pairs staff marked as two people.
//
// "Same name" and "sounds the same" are NameMatcher's (registry/fields/names.h).
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
#include "registry/fields/names.h"
#include "registry/store/store.h"

namespace tp::registry {

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
  int64_t round_rowid = {};  // the round whose other lists are searched on sound and day alone
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
