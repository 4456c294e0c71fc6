// Short names of units and the full names they stand for (中科院 中国科学院, 湖南农大
// 湖南农业大学), from data/unit_abbreviations.tsv. A query word holding one is also searched as the
// other, both ways, at query time: the index keeps what each record wrote, and a query with
// neither form is built exactly as without the table.
// Rows are "short<TAB>full"; a leading X in both stands for the place a name begins with (two to
// five Han characters: 湖南, 华东, 内蒙古). Load() fails with NotFound when the file is missing
// and InvalidArgument naming the file and line when a row is malformed.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"

namespace tp::indexer {

class UnitAbbreviations {
 public:
  static StatusOr<std::unique_ptr<UnitAbbreviations>> Load(const std::string& path);

  // The process-wide table from registry::DataDir(), loaded on first use; a failed load is
  // remembered and returned to every caller.
  static StatusOr<const UnitAbbreviations*> Default();

  // The other writings of a query word already folded by the analyser (simplified Han): each
  // with one short form expanded or one full name shortened. Empty when the word holds neither.
  // A named unit counts only where the word begins (北大物理学院, not 中华科学 for 华科); a place
  // pattern only after the word's first two to five characters.
  std::vector<std::string> Alternatives(std::string_view folded) const;

  size_t size() const { return rows_.size(); }

 private:
  struct Row {
    std::u32string short_form, full_form;
    bool pattern = false;  // the row began with X: a place comes before both forms
  };
  UnitAbbreviations() = default;
  std::vector<Row> rows_;
};

}  // namespace tp::indexer
