// Names, units and birth dates compared as offices write them (names.h).
#include "registry/fields/names.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <unordered_map>
#include <vector>

#include "registry/fields/text.h"

namespace tp::registry {

struct NameMatcher::Tables {
  std::unordered_map<UChar32, UChar32> t2s;
  std::unordered_map<std::string, uint16_t> syllable_ids;
  std::unordered_map<UChar32, std::vector<uint16_t>> readings;
  std::unordered_map<UChar32, std::vector<uint16_t>> surname_readings;

  uint16_t Syllable(const std::string& s) {
    auto [it, added] = syllable_ids.emplace(s, static_cast<uint16_t>(syllable_ids.size()));
    return it->second;
  }
};

namespace {

std::vector<UChar32> CodePoints(std::string_view s) {
  std::vector<UChar32> out;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c >= 0) out.push_back(c);
  }
  return out;
}

void Append(std::string* out, UChar32 c) {
  char buffer[4];
  int32_t length = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buffer), length, 4, c, error);
  if (!error) out->append(buffer, static_cast<size_t>(length));
}

// The tab-separated rows of a data file, comment lines skipped.
StatusOr<std::vector<std::pair<std::string, std::string>>> ReadPairs(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("无法读取数据文件「" + path + "」");
  std::vector<std::pair<std::string, std::string>> out;
  std::string line;
  long number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      return InvalidArgument("数据文件「" + path + "」第" + std::to_string(number) +
                             "行：应有两列，以制表符分隔");
    }
    out.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return out;
}

bool IsDropped(UChar32 c) {
  return c == ' ' || c == '\t' || c == '\n' || c == 0x00B7 || c == 0x30FB || c == '.' ||
         c == 0x2022 || c == 0x2027 || c == 0x2219 || c == 0x22C5;
}

std::vector<std::string> Bigrams(const std::vector<UChar32>& cps) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < cps.size(); ++i) {
    std::string g;
    Append(&g, cps[i]);
    Append(&g, cps[i + 1]);
    out.push_back(std::move(g));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

StatusOr<NameMatcher> NameMatcher::Load(const std::string& data_dir) {
  auto tables = std::make_shared<Tables>();
  TP_ASSIGN_OR_RETURN(auto t2s, ReadPairs(data_dir + "/t2s.tsv"));
  for (const auto& [from, to] : t2s) {
    auto a = CodePoints(from), b = CodePoints(to);
    if (a.size() == 1 && b.size() == 1) tables->t2s.emplace(a[0], b[0]);
  }
  auto split = [](const std::string& list, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i <= list.size(); ++i) {
      if (i == list.size() || list[i] == sep) {
        if (i > start) out.push_back(list.substr(start, i - start));
        start = i + 1;
      }
    }
    return out;
  };
  TP_ASSIGN_OR_RETURN(auto pinyin, ReadPairs(data_dir + "/pinyin.tsv"));
  for (const auto& [ch, list] : pinyin) {
    auto cps = CodePoints(ch);
    if (cps.size() != 1) continue;
    auto& r = tables->readings[cps[0]];
    for (const std::string& s : split(list, ',')) r.push_back(tables->Syllable(s));
  }
  auto surnames = ReadPairs(data_dir + "/pinyin_surnames.tsv");
  if (!surnames.ok()) return surnames.status();
  for (const auto& [surname, list] : *surnames) {
    auto cps = CodePoints(surname);
    if (cps.size() != 1) continue;  // compound surnames read as their characters do
    auto& r = tables->surname_readings[cps[0]];
    for (const std::string& s : split(list, ',')) r.push_back(tables->Syllable(s));
  }
  return NameMatcher(std::move(tables));
}

std::string NameMatcher::Fold(std::string_view name) const {
  std::string out;
  for (UChar32 c : CodePoints(NormalizeText(name))) {
    if (IsDropped(c)) continue;
    auto it = tables_->t2s.find(c);
    Append(&out, it != tables_->t2s.end() ? it->second : c);
  }
  return out;
}

bool NameMatcher::SameName(std::string_view a, std::string_view b) const {
  const std::string fa = Fold(a), fb = Fold(b);
  if (fa.empty() || fb.empty()) return false;
  if (fa == fb) return true;
  auto ca = CodePoints(fa), cb = CodePoints(fb);
  if (ca.size() < 3 || ca.size() != cb.size() || ca[0] != cb[0]) return false;
  std::sort(ca.begin() + 1, ca.end());
  std::sort(cb.begin() + 1, cb.end());
  return ca == cb;
}

bool NameMatcher::SamePinyin(std::string_view a, std::string_view b) const {
  auto ca = CodePoints(Fold(a)), cb = CodePoints(Fold(b));
  if (ca.empty() || ca.size() != cb.size()) return false;
  auto readings_of = [&](UChar32 c, bool first) {
    std::vector<uint16_t> r;
    if (auto it = tables_->readings.find(c); it != tables_->readings.end()) r = it->second;
    if (first) {
      if (auto it = tables_->surname_readings.find(c); it != tables_->surname_readings.end()) {
        r.insert(r.end(), it->second.begin(), it->second.end());
      }
    }
    return r;
  };
  for (size_t i = 0; i < ca.size(); ++i) {
    if (ca[i] == cb[i]) continue;
    auto ra = readings_of(ca[i], i == 0), rb = readings_of(cb[i], i == 0);
    const bool shared = std::any_of(ra.begin(), ra.end(), [&](uint16_t s) {
      return std::find(rb.begin(), rb.end(), s) != rb.end();
    });
    if (!shared) return false;
  }
  return true;
}

bool NameMatcher::SimilarUnit(std::string_view a, std::string_view b) const {
  const std::string fa = Fold(NormalizeKey(a)), fb = Fold(NormalizeKey(b));
  if (fa.empty() || fb.empty()) return false;
  if (fa.find(fb) != std::string::npos || fb.find(fa) != std::string::npos) return true;
  auto ga = Bigrams(CodePoints(fa)), gb = Bigrams(CodePoints(fb));
  if (ga.empty() || gb.empty()) return false;
  std::vector<std::string> common;
  std::set_intersection(ga.begin(), ga.end(), gb.begin(), gb.end(), std::back_inserter(common));
  return 2.0 * static_cast<double>(common.size()) / static_cast<double>(ga.size() + gb.size()) >=
         0.5;
}

bool BirthDatesCompatible(std::string_view a, std::string_view b) {
  if (a.size() < 7 || b.size() < 7) return false;
  if (a.size() == b.size()) return a == b;
  return a.substr(0, 7) == b.substr(0, 7);
}

}  // namespace tp::registry
