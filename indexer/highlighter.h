// Marks in a hit's stored fields what the query matched, in the original characters: runs of
// query characters (pairs, or single characters in names and one-character queries), Latin words,
// and the Han characters behind a pinyin or initials match. Adjacent marks merge into one
// <em>…</em>; the rest of the text is HTML-escaped. Long texts are cut to a snippet around the
// first mark. Never fails: a field without a mark is left out.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "indexer/analyzer.h"
#include "indexer/document_builder.h"
#include "indexer/pinyin.h"
#include "indexer/query_builder.h"

namespace tp::indexer {

class Highlighter {
 public:
  Highlighter(const Analyzer& analyzer, const Pinyin& pinyin)
      : analyzer_(&analyzer), pinyin_(&pinyin) {}

  // Field key (schema.h) -> marked snippet, for each field of `stored` with a mark.
  std::vector<std::pair<std::string, std::string>> Highlight(
      const StoredFields& stored, const std::vector<HighlightTarget>& targets) const;

  // `text` of `field` with its marks; empty when nothing in it matched.
  std::string Mark(FieldId field, std::string_view text,
                   const std::vector<HighlightTarget>& targets) const;

  // Longest snippet, in characters, before a field is cut around its first mark.
  static constexpr size_t kSnippetChars = 80;

 private:
  const Analyzer* analyzer_;
  const Pinyin* pinyin_;
};

// HTML escaping of &, <, >, " and '.
void AppendEscaped(std::string_view text, std::string& out);

}  // namespace tp::indexer
