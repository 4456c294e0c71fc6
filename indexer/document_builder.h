// Turns an IndexRecord into the terms, values and stored fields of its index document, with the
// analyser and pinyin tables. The result is plain data (no Xapian type), so tests can read what
// a record becomes; SearchIndex copies it into the index. Never fails: an empty field adds
// nothing. A builder keeps scratch buffers and an ICU word iterator: one per thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "indexer/analyzer.h"
#include "indexer/index_record.h"
#include "indexer/pinyin.h"
#include "indexer/schema.h"
#include "indexer/word_breaker.h"

namespace tp::indexer {

// What a hit shows, and the original text of each field that highlights are cut from.
struct StoredFields {
  std::string public_id;
  std::string name;
  std::string gender;
  std::string birth_date;
  std::string ethnic_group;
  std::string unit;
  std::string post;
  std::string title;
  std::string province;
  std::string unit_type;
  std::string tier;
  std::string recommending_unit;
  std::string group;
  int admission_year = 0;  // the latest
  bool trained = false;
  std::array<std::string, kFieldCount> texts;  // by FieldId, as typed; lists joined with "；"

  std::string Encode() const;
  // False when `data` is not an encoding of StoredFields (left partly filled).
  bool Decode(std::string_view data);
};

struct BuiltDocument {
  struct Posting {
    std::string term;
    uint32_t position = 0;  // 0: counted for ranking without a position
  };
  std::vector<Posting> postings;
  std::vector<std::string> boolean_terms;
  std::vector<std::pair<unsigned, std::string>> values;  // slot -> raw value (see schema.h)
  StoredFields stored;

  void Clear();
};

class DocumentBuilder {
 public:
  DocumentBuilder(const Analyzer& analyzer, const Pinyin& pinyin)
      : analyzer_(&analyzer), pinyin_(&pinyin) {}

  // Fills `out` (reusing its buffers) from `record`.
  void Build(const IndexRecord& record, BuiltDocument& out);

  // The facet/filter values of a record, by filter name (see schema.h), age_band excluded.
  static std::vector<std::pair<std::string_view, std::string>> FilterValues(
      const IndexRecord& record);

 private:
  void AddText(const FieldSpec& field, std::string_view text, BuiltDocument& out);
  // The dictionary words of the Han run scratch_.tokens[begin, end).
  void AddWords(size_t begin, size_t end, BuiltDocument& out);
  void AddName(std::string_view name, BuiltDocument& out);
  void AddExact(std::string_view prefix, std::string_view value, BuiltDocument& out);

  const Analyzer* analyzer_;
  const Pinyin* pinyin_;
  AnalyzedText scratch_;
  WordBreaker words_;
  std::vector<char32_t> run_chars_;
  std::vector<WordSpan> spans_;
};

// "1988-07-15" -> 19880715, "1988-07" -> 19880701, "1988" -> 19880101; 0 when unreadable.
int BirthDateNumber(std::string_view birth_date);

// The age band (kAgeBands) of a birth date number at `today` (YYYYMMDD); empty when unknown.
std::string_view AgeBand(int birth, int today);

}  // namespace tp::indexer
