#include "indexer/analyzer.h"

#include <unicode/uchar.h>

#include "indexer/utf8.h"

namespace tp::indexer {
namespace {

bool IsWordChar(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
  return u_isalnum(static_cast<UChar32>(cp)) != 0;
}

}  // namespace

bool IsNameDot(char32_t cp) {
  return cp == 0x00B7 || cp == 0x30FB || cp == 0x2027 || cp == 0x2022 || cp == 0xFF65 ||
         cp == 0x2E31 || cp == 0x02D1 || cp == 0x2219 || cp == 0x22C5 || cp == 0x0387 || cp == '.';
}

void Analyzer::Analyze(std::string_view text, AnalyzedText& out) const {
  out.Clear();
  std::string folded;
  bool in_word = false;      // the last token is a word still open for more characters
  bool separated = true;     // a separator came since the last token
  bool dot_pending = false;  // a name dot came since the last token
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t source_begin = pos;
    const char32_t raw = DecodeUtf8(text, pos);
    folded.clear();
    tables_->FoldInto(raw, folded);
    size_t at = 0;
    while (at < folded.size()) {
      const char32_t cp = DecodeUtf8(folded, at);
      if (IsHan(cp)) {
        Token t;
        t.kind = TokenKind::kHan;
        t.han = cp;
        t.adjacent = !separated && !out.tokens.empty();
        t.after_dot = dot_pending && t.adjacent;
        t.key_begin = static_cast<uint32_t>(out.keys.size());
        AppendUtf8(cp, out.keys);
        t.key_end = static_cast<uint32_t>(out.keys.size());
        t.source_begin = static_cast<uint32_t>(source_begin);
        t.source_end = static_cast<uint32_t>(pos);
        out.tokens.push_back(t);
        in_word = false;
        separated = false;
        dot_pending = false;
      } else if (IsWordChar(cp)) {
        if (in_word) {
          Token& t = out.tokens.back();
          AppendUtf8(cp, out.keys);
          t.key_end = static_cast<uint32_t>(out.keys.size());
          t.source_end = static_cast<uint32_t>(pos);
        } else {
          Token t;
          t.kind = TokenKind::kWord;
          t.adjacent = !separated && !out.tokens.empty();
          t.after_dot = dot_pending && t.adjacent;
          t.key_begin = static_cast<uint32_t>(out.keys.size());
          AppendUtf8(cp, out.keys);
          t.key_end = static_cast<uint32_t>(out.keys.size());
          t.source_begin = static_cast<uint32_t>(source_begin);
          t.source_end = static_cast<uint32_t>(pos);
          out.tokens.push_back(t);
          in_word = true;
        }
        separated = false;
        dot_pending = false;
      } else if (IsNameDot(cp) && !separated && !out.tokens.empty() &&
                 out.tokens.back().kind == TokenKind::kHan) {
        // A dot after a Han character joins name parts; elsewhere ("3.5", "a.b") it separates.
        dot_pending = true;
        in_word = false;
      } else {
        in_word = false;
        separated = true;
        dot_pending = false;
      }
    }
  }
}

std::string Analyzer::Fold(std::string_view text) const {
  AnalyzedText analyzed;
  Analyze(text, analyzed);
  std::string out;
  const Token* previous = nullptr;
  for (const Token& t : analyzed.tokens) {
    if (previous != nullptr && !(t.kind == TokenKind::kHan && previous->kind == TokenKind::kHan)) {
      out.push_back(' ');
    }
    out.append(analyzed.Key(t));
    previous = &t;
  }
  return out;
}

}  // namespace tp::indexer
