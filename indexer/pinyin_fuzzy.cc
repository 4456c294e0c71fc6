// Southern-accent pinyin: the pairs of initials and finals that speakers of southern Mandarin and
// other dialects merge, and that input methods (Sogou, Google, Microsoft Pinyin) offer as "fuzzy
// pinyin" options: zh/z, ch/c, sh/s, n/l; an/ang, en/eng, in/ing, and ian/iang, uan/uang (which
// are an/ang after a medial). Not f/h, r/l or hu/f: rarer, and each would double the variants.
#include <algorithm>

#include "indexer/pinyin.h"

namespace tp::indexer {
namespace {

// The initial and final alternatives of a string, itself first.
std::vector<std::string> Swaps(std::string_view s) {
  std::vector<std::string> initials{""}, finals{""};
  std::string_view initial, final_part = s;
  for (std::string_view two : {"zh", "ch", "sh"}) {
    if (s.substr(0, 2) == two) {
      initial = s.substr(0, 2);
      initials = {std::string(two), std::string(two.substr(0, 1))};
    }
  }
  if (initial.empty() && !s.empty()) {
    const char c = s[0];
    if (c == 'z' || c == 'c' || c == 's') {
      initial = s.substr(0, 1);
      initials = {std::string(1, c), std::string(1, c) + "h"};
    } else if (c == 'n' || c == 'l') {
      initial = s.substr(0, 1);
      initials = {std::string(1, c), std::string(1, c == 'n' ? 'l' : 'n')};
    }
  }
  final_part = s.substr(initial.size());
  const auto ends = [&](std::string_view tail) {
    return final_part.size() >= tail.size() &&
           final_part.substr(final_part.size() - tail.size()) == tail;
  };
  std::string stem(final_part);
  if (ends("ang") || ends("eng") || ends("ing")) {
    stem.pop_back();
    finals = {std::string(final_part), stem};
  } else if (ends("an") || ends("en") || ends("in")) {
    finals = {std::string(final_part), stem + "g"};
  } else {
    finals = {std::string(final_part)};
  }
  std::vector<std::string> out;
  for (const std::string& i : initials) {
    for (const std::string& f : finals) out.push_back(i + f);
  }
  return out;
}

}  // namespace

std::vector<std::string_view> Pinyin::FuzzyVariants(std::string_view typed) const {
  std::vector<std::string_view> out;
  const std::vector<std::string> swaps = Swaps(typed);
  for (size_t k = 1; k < swaps.size(); ++k) {
    if (!IsSyllable(swaps[k])) continue;
    const std::string_view s = *std::lower_bound(spellings_.begin(), spellings_.end(), swaps[k]);
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

std::vector<std::vector<std::string>> Pinyin::SegmentFuzzy(std::string_view letters,
                                                           size_t max_pieces, size_t limit) const {
  std::vector<std::vector<std::string>> out;
  if (letters.empty() || letters.size() > 6 * max_pieces) return out;
  for (char c : letters) {
    if (c < 'a' || c > 'z') return out;
  }
  std::vector<std::string> current;
  bool fuzzy_so_far = false;
  // Depth-first, longest pieces first, as Segment; a piece must be a syllable or have variants.
  const auto walk = [&](const auto& self, size_t at) -> void {
    if (out.size() >= limit) return;
    if (at == letters.size()) {
      if (fuzzy_so_far) out.push_back(current);
      return;
    }
    if (current.size() == max_pieces) return;
    const size_t rest = letters.size() - at;
    for (size_t len = std::min<size_t>(6, rest); len >= 1; --len) {
      const std::string_view piece = letters.substr(at, len);
      const bool has_variants = !FuzzyVariants(piece).empty();
      if (!has_variants && !IsSyllable(piece)) continue;
      const bool before = fuzzy_so_far;
      fuzzy_so_far = fuzzy_so_far || has_variants;
      current.emplace_back(piece);
      self(self, at + len);
      current.pop_back();
      fuzzy_so_far = before;
    }
  };
  walk(walk, 0);
  return out;
}

}  // namespace tp::indexer
