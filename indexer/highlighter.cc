#include "indexer/highlighter.h"

#include <algorithm>

#include "indexer/utf8.h"

namespace tp::indexer {
namespace {

constexpr size_t kLeadChars = 20;  // context kept before the first mark of a snippet

bool PieceMatches(const PinyinPiece& piece, const std::vector<std::string_view>& readings) {
  for (std::string_view r : readings) {
    if (piece.prefix ? r.starts_with(piece.text) : r == piece.text) return true;
  }
  return false;
}

// Byte offset `chars` code points before/after `at` in `text`.
size_t MoveBack(std::string_view text, size_t at, size_t chars) {
  while (at > 0 && chars > 0) {
    --at;
    while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
    --chars;
  }
  return at;
}

size_t MoveForward(std::string_view text, size_t at, size_t chars) {
  while (at < text.size() && chars > 0) {
    DecodeUtf8(text, at);
    --chars;
  }
  return at;
}

}  // namespace

void AppendEscaped(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '&': out.append("&amp;"); break;
      case '<': out.append("&lt;"); break;
      case '>': out.append("&gt;"); break;
      case '"': out.append("&quot;"); break;
      case '\'': out.append("&#39;"); break;
      default: out.push_back(c);
    }
  }
}

std::string Highlighter::Mark(FieldId field, std::string_view text,
                              const std::vector<HighlightTarget>& targets) const {
  if (text.empty()) return {};
  AnalyzedText analyzed;
  analyzer_->Analyze(text, analyzed);
  const auto& tokens = analyzed.tokens;
  std::vector<bool> marked(tokens.size(), false);
  std::vector<std::vector<std::string_view>> readings;
  for (const HighlightTarget& target : targets) {
    if (target.field && *target.field != field) continue;
    const auto& han = target.han;
    if (han.size() == 1 || (field == FieldId::kName && !han.empty())) {
      for (size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].kind == TokenKind::kHan &&
            std::find(han.begin(), han.end(), tokens[i].han) != han.end()) {
          marked[i] = true;
        }
      }
    } else if (han.size() > 1) {
      for (size_t i = 0; i + 1 < tokens.size(); ++i) {
        if (tokens[i].kind != TokenKind::kHan || tokens[i + 1].kind != TokenKind::kHan ||
            !tokens[i + 1].adjacent) {
          continue;
        }
        for (size_t k = 0; k + 1 < han.size(); ++k) {
          if (han[k] == tokens[i].han && han[k + 1] == tokens[i + 1].han) {
            marked[i] = marked[i + 1] = true;
            break;
          }
        }
      }
    }
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].kind != TokenKind::kWord) continue;
      const std::string_view key = analyzed.Key(tokens[i]);
      if (std::find(target.words.begin(), target.words.end(), key) != target.words.end())
        marked[i] = true;
    }
    if (field == FieldId::kName && !target.pinyin.empty()) {
      if (readings.empty()) readings = pinyin_->NameReadings(analyzed);
      for (const auto& pieces : target.pinyin) {
        if (pieces.empty() || pieces.size() > tokens.size()) continue;
        for (size_t start = 0; start + pieces.size() <= tokens.size(); ++start) {
          bool all = true;
          for (size_t k = 0; k < pieces.size() && all; ++k) {
            all = PieceMatches(pieces[k], readings[start + k]) &&
                  (k == 0 || tokens[start + k].adjacent);
          }
          if (all) std::fill(marked.begin() + start, marked.begin() + start + pieces.size(), true);
        }
      }
    }
  }
  const auto first = std::find(marked.begin(), marked.end(), true);
  if (first == marked.end()) return {};

  // The window of text shown: all of it when short, else around the first mark.
  size_t window_begin = 0, window_end = text.size();
  size_t chars = 0;
  for (size_t pos = 0; pos < text.size(); ++chars) DecodeUtf8(text, pos);
  if (chars > kSnippetChars) {
    const size_t first_index = static_cast<size_t>(first - marked.begin());
    window_begin = MoveBack(text, tokens[first_index].source_begin, kLeadChars);
    window_end = MoveForward(text, window_begin, kSnippetChars);
  }
  std::string out;
  if (window_begin > 0) out.append("…");
  size_t copied = window_begin;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!marked[i] || tokens[i].source_begin < window_begin) continue;
    if (tokens[i].source_begin >= window_end) break;
    size_t j = i;
    while (j + 1 < tokens.size() && marked[j + 1] && tokens[j + 1].adjacent) ++j;
    const size_t begin = tokens[i].source_begin;
    const size_t end = tokens[j].source_end;
    AppendEscaped(text.substr(copied, begin - copied), out);
    out.append("<em>");
    AppendEscaped(text.substr(begin, end - begin), out);
    out.append("</em>");
    copied = end;
    window_end = std::max(window_end, end);
    i = j;
  }
  AppendEscaped(text.substr(copied, window_end - copied), out);
  if (window_end < text.size()) out.append("…");
  return out;
}

std::vector<std::pair<std::string, std::string>> Highlighter::Highlight(
    const StoredFields& stored, const std::vector<HighlightTarget>& targets) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (targets.empty()) return out;
  for (const FieldSpec& field : TextFields()) {
    std::string marked = Mark(field.id, stored.texts[static_cast<size_t>(field.id)], targets);
    if (!marked.empty()) out.emplace_back(field.key, std::move(marked));
  }
  return out;
}

}  // namespace tp::indexer
