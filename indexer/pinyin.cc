#include "indexer/pinyin.h"

#include <algorithm>

#include "indexer/utf8.h"

namespace tp::indexer {
namespace {

bool HasVowel(std::string_view s) { return s.find_first_of("aeiouv") != std::string_view::npos; }

}  // namespace

Pinyin::Pinyin(const TextTables& tables) : tables_(&tables) {
  std::vector<std::string> all;
  for (size_t id = 0; id < tables.SyllableCount(); ++id) {
    std::string s(tables.Syllable(static_cast<uint16_t>(id)));
    all.push_back(s);
    if (s.find('v') != std::string::npos) {
      std::replace(s.begin(), s.end(), 'v', 'u');
      all.push_back(s);
    }
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  spellings_ = std::move(all);
  by_id_.resize(tables.SyllableCount());
  for (size_t id = 0; id < tables.SyllableCount(); ++id) {
    std::string s(tables.Syllable(static_cast<uint16_t>(id)));
    const auto find = [&](const std::string& spelling) {
      return std::string_view(*std::lower_bound(spellings_.begin(), spellings_.end(), spelling));
    };
    by_id_[id].push_back(find(s));
    if (s.find('v') != std::string::npos) {
      std::replace(s.begin(), s.end(), 'v', 'u');
      by_id_[id].push_back(find(s));
    }
  }
}

bool Pinyin::IsSyllable(std::string_view s) const {
  // Syllables without a vowel (m, n, ng, hm) are interjections, never name readings; as pieces
  // of a typed string they would only split "zhangsan" into nonsense.
  return HasVowel(s) && std::binary_search(spellings_.begin(), spellings_.end(), s);
}

std::vector<std::string_view> Pinyin::CharReadings(char32_t han) const {
  std::vector<std::string_view> out;
  for (uint16_t id : tables_->Readings(han)) {
    for (std::string_view s : by_id_[id]) out.push_back(s);
  }
  return out;
}

std::vector<std::vector<std::string_view>> Pinyin::NameReadings(const AnalyzedText& name) const {
  std::vector<std::vector<std::string_view>> out(name.tokens.size());
  size_t surname_len = 0;
  const std::vector<std::vector<uint16_t>>* surname = nullptr;
  const auto& tokens = name.tokens;
  const bool has_dot =
      std::any_of(tokens.begin(), tokens.end(), [](const Token& t) { return t.after_dot; });
  if (!has_dot && !tokens.empty() && tokens[0].kind == TokenKind::kHan) {
    if (tokens.size() >= 3 && tokens[1].kind == TokenKind::kHan && tokens[1].adjacent) {
      const std::string two = std::string(name.Key(tokens[0])) + std::string(name.Key(tokens[1]));
      if (tables_->IsCompoundSurname(two)) {
        surname = tables_->SurnameReadings(two);
        surname_len = 2;
      }
    }
    if (surname == nullptr && tokens.size() >= 2) {
      surname = tables_->SurnameReadings(name.Key(tokens[0]));
      surname_len = 1;
    }
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind != TokenKind::kHan) continue;
    if (surname != nullptr && i < surname_len) {
      for (const auto& alternative : *surname) {
        for (std::string_view s : by_id_[alternative[i]]) {
          if (std::find(out[i].begin(), out[i].end(), s) == out[i].end()) out[i].push_back(s);
        }
      }
    } else {
      out[i] = CharReadings(tokens[i].han);
    }
  }
  return out;
}

std::vector<std::string_view> Pinyin::Completions(std::string_view prefix, size_t limit) const {
  std::vector<std::string_view> out;
  for (auto it = std::lower_bound(spellings_.begin(), spellings_.end(), prefix);
       it != spellings_.end() && it->compare(0, prefix.size(), prefix) == 0 && out.size() < limit;
       ++it) {
    if (HasVowel(*it)) out.push_back(*it);
  }
  return out;
}

void Pinyin::SegmentFrom(std::string_view letters, size_t at, bool last_is_prefix, size_t limit,
                         std::vector<PinyinPiece>& current,
                         std::vector<std::vector<PinyinPiece>>& out) const {
  if (out.size() >= limit) return;
  if (at == letters.size()) {
    if (!current.empty()) out.push_back(current);
    return;
  }
  const size_t rest = letters.size() - at;
  for (size_t len = std::min<size_t>(6, rest); len >= 1; --len) {
    const std::string_view piece = letters.substr(at, len);
    if (IsSyllable(piece)) {
      current.push_back({std::string(piece), false});
      SegmentFrom(letters, at + len, last_is_prefix, limit, current, out);
      current.pop_back();
    }
  }
  // While typing, the tail may be the start of a longer syllable ("zhangsa" -> 张三).
  const auto completions = last_is_prefix && rest < 6 ? Completions(letters.substr(at), 2)
                                                      : std::vector<std::string_view>{};
  if (completions.size() > 1 || (completions.size() == 1 && completions[0] != letters.substr(at))) {
    current.push_back({std::string(letters.substr(at)), true});
    if (out.size() < limit) out.push_back(current);
    current.pop_back();
  }
}

std::vector<std::vector<PinyinPiece>> Pinyin::Segment(std::string_view letters, bool last_is_prefix,
                                                      size_t limit) const {
  std::vector<std::vector<PinyinPiece>> out;
  if (letters.empty() || letters.size() > 64) return out;
  for (char c : letters) {
    if (c < 'a' || c > 'z') return out;
  }
  std::vector<PinyinPiece> current;
  SegmentFrom(letters, 0, last_is_prefix, limit, current, out);
  return out;
}

}  // namespace tp::indexer
