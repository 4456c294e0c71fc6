#include "indexer/unit_abbreviations.h"

#include <algorithm>
#include <fstream>
#include <mutex>

#include "indexer/utf8.h"
#include "registry/base/paths.h"

namespace tp::indexer {
namespace {

constexpr size_t kMinPlace = 2;
constexpr size_t kMaxPlace = 5;
constexpr size_t kMaxAlternatives = 4;

std::u32string Decode(std::string_view s) {
  std::u32string out;
  for (size_t at = 0; at < s.size();) out.push_back(DecodeUtf8(s, at));
  return out;
}

std::string Encode(const std::u32string& s) {
  std::string out;
  for (char32_t cp : s) AppendUtf8(cp, out);
  return out;
}

bool AllHan(const std::u32string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char32_t cp) { return IsHan(cp); });
}

bool StartsWith(const std::u32string& s, size_t at, const std::u32string& prefix) {
  return s.size() >= at + prefix.size() && s.compare(at, prefix.size(), prefix) == 0;
}

}  // namespace

StatusOr<std::unique_ptr<UnitAbbreviations>> UnitAbbreviations::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("检索数据表缺失：" + path);
  std::unique_ptr<UnitAbbreviations> table(new UnitAbbreviations());
  std::string line;
  long line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto fail = [&](const std::string& why) {
      return InvalidArgument("检索数据表格式错误：" + path + " 第 " + std::to_string(line_no) +
                             " 行" + why);
    };
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || line.find('\t', tab + 1) != std::string::npos) {
      return fail("应为两列（简称、全称，以制表符分隔）");
    }
    Row row;
    row.short_form = Decode(std::string_view(line).substr(0, tab));
    row.full_form = Decode(std::string_view(line).substr(tab + 1));
    const bool short_x = !row.short_form.empty() && row.short_form[0] == U'X';
    const bool full_x = !row.full_form.empty() && row.full_form[0] == U'X';
    if (short_x != full_x) return fail("：两列应同以 X（地名）开头，或都不以 X 开头");
    row.pattern = short_x;
    if (row.pattern) {
      row.short_form.erase(0, 1);
      row.full_form.erase(0, 1);
    }
    if (!AllHan(row.short_form) || !AllHan(row.full_form)) {
      return fail("：简称和全称应为汉字（可以 X 开头）");
    }
    if (row.short_form.size() + (row.pattern ? kMinPlace : 0) < 2 ||
        row.full_form.size() <= row.short_form.size()) {
      return fail("：简称至少两个字，且应短于全称");
    }
    table->rows_.push_back(std::move(row));
  }
  if (table->rows_.empty()) return InvalidArgument("检索数据表为空：" + path);
  return table;
}

StatusOr<const UnitAbbreviations*> UnitAbbreviations::Default() {
  static std::once_flag once;
  static std::unique_ptr<UnitAbbreviations> table;
  static Status failure;
  std::call_once(once, [] {
    auto loaded = Load(registry::DataDir() + "/unit_abbreviations.tsv");
    if (loaded.ok()) {
      table = std::move(loaded).value();
    } else {
      failure = loaded.status();
    }
  });
  if (!table) return failure;
  return static_cast<const UnitAbbreviations*>(table.get());
}

std::vector<std::string> UnitAbbreviations::Alternatives(std::string_view folded) const {
  const std::u32string word = Decode(folded);
  std::vector<std::string> out;
  const auto add = [&](const std::u32string& before, const std::u32string& middle,
                       const std::u32string& after) {
    std::string alternative = Encode(before + middle + after);
    if (alternative != folded && out.size() < kMaxAlternatives &&
        std::find(out.begin(), out.end(), alternative) == out.end()) {
      out.push_back(std::move(alternative));
    }
  };
  // `from` found at `at` becomes `to`, unless the word already has `to` there (理工大学 holds
  // 理工, 清华大学 holds 清华).
  const auto replace = [&](size_t at, const std::u32string& from, const std::u32string& to) {
    if (!StartsWith(word, at, from) || StartsWith(word, at, to)) return false;
    add(word.substr(0, at), to, word.substr(at + from.size()));
    return true;
  };
  // Named units, where the word begins; a place pattern only when no named unit is in the word
  // (中国农科院 is 中国农业科学院, not a place 中国 with an academy; 江苏农科院 is a place's).
  for (const Row& row : rows_) {
    if (row.pattern) continue;
    replace(0, row.short_form, row.full_form);
    replace(0, row.full_form, row.short_form);
  }
  if (!out.empty()) return out;
  for (const Row& row : rows_) {
    if (!row.pattern) continue;
    for (size_t place = kMinPlace; place <= kMaxPlace && place < word.size(); ++place) {
      if (!AllHan(word.substr(0, place))) break;
      replace(place, row.short_form, row.full_form);
      replace(place, row.full_form, row.short_form);
    }
  }
  return out;
}

}  // namespace tp::indexer
