// The one text analyser of the search, applied identically to records when indexing and to
// queries when searching: each code point is folded (NFKC, case folding, Latin diacritics
// dropped, traditional -> simplified) through TextTables, then cut into tokens: one token per Han
// character, one per run of letters and digits. Every token remembers the bytes of the original
// text it came from, so highlights mark what was typed, not the folded key. Never fails; the
// version below is kept in the index and a change of it makes the index rebuild.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/text_tables.h"

namespace tp::indexer {

// Bump when the tokens or terms produced for the same text change.
inline constexpr int kAnalyzerVersion = 12;

enum class TokenKind : uint8_t { kHan, kWord };

struct Token {
  TokenKind kind = TokenKind::kWord;
  // Nothing but a name dot (·) stands between this token and the previous one.
  bool adjacent = false;
  // A name dot stands right before this token: 买买提·艾力 has one before 艾.
  bool after_dot = false;
  char32_t han = 0;        // kHan: the folded character
  uint32_t key_begin = 0;  // the folded key: bytes [key_begin, key_end) of AnalyzedText::keys
  uint32_t key_end = 0;
  uint32_t source_begin = 0;  // the original text: bytes [source_begin, source_end)
  uint32_t source_end = 0;
};

struct AnalyzedText {
  std::string keys;
  std::vector<Token> tokens;

  std::string_view Key(const Token& t) const {
    return std::string_view(keys).substr(t.key_begin, t.key_end - t.key_begin);
  }
  void Clear() {
    keys.clear();
    tokens.clear();
  }
};

class Analyzer {
 public:
  explicit Analyzer(const TextTables& tables) : tables_(&tables) {}

  // Replaces the content of `out` with the tokens of `text` (UTF-8; invalid bytes separate).
  void Analyze(std::string_view text, AnalyzedText& out) const;

  // The folded form of `text`: the keys of its tokens, Han characters joined, words separated by
  // one space. "張 三丰" and "张三丰" give "张三丰".
  std::string Fold(std::string_view text) const;

  const TextTables& tables() const { return *tables_; }

 private:
  const TextTables* tables_;
};

// True for the dots that separate the parts of minority and foreign names (·, ・, ‧, •, ･, .).
bool IsNameDot(char32_t cp);

}  // namespace tp::indexer
