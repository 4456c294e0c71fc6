#include "indexer/query_words.h"

#include <algorithm>
#include <charconv>

#include "indexer/schema.h"

namespace tp::indexer {
namespace {

std::string FilterTerm(std::string_view name, std::string_view value) {
  std::string term(kFilterPrefix);
  term.append(name);
  term.push_back(':');
  term.append(value);
  return term;
}

// The leading decimal digits of `word` as a number, and what follows them.
bool LeadingNumber(std::string_view word, int& number, std::string_view& rest) {
  size_t n = 0;
  while (n < word.size() && word[n] >= '0' && word[n] <= '9') ++n;
  if (n == 0 || n > 4) return false;
  std::from_chars(word.data(), word.data() + n, number);
  rest = word.substr(n);
  return true;
}

bool OneOf(std::string_view s, std::initializer_list<std::string_view> forms) {
  return std::find(forms.begin(), forms.end(), s) != forms.end();
}

size_t CharCount(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

FilterMatch Simple(std::string_view filter, std::string value, std::string_view from,
                   bool also_text) {
  FilterMatch m;
  m.shown = {std::string(filter), value, std::string(from), value};
  m.terms.push_back(FilterTerm(filter, value));
  m.also_text = also_text;
  return m;
}

FilterMatch BirthRange(std::string_view filter, std::string value, std::string_view from,
                       int birth_from, int birth_to, bool also_text) {
  FilterMatch m;
  m.shown = {std::string(filter), value, std::string(from), value};
  m.birth_from = birth_from;
  m.birth_to = birth_to;
  m.also_text = also_text;
  return m;
}

constexpr std::string_view kPrefectureSuffixes[] = {"自治州", "地区", "市", "盟"};

}  // namespace

QueryWords::QueryWords(registry::ReferenceData reference) : reference_(std::move(reference)) {
  // Prefecture-level units by name, from data/regions.tsv through the reference data.
  for (const auto& [code2, province] : reference_.Provinces()) {
    for (int n = 1; n < 100; ++n) {
      std::string code = code2 + (n < 10 ? "0" : "") + std::to_string(n) + "00";
      const registry::Region* region = reference_.FindRegion(code);
      if (region == nullptr || region->historical) continue;
      const std::string& name = region->name;
      for (std::string_view suffix : kPrefectureSuffixes) {
        if (!name.ends_with(suffix)) continue;
        std::vector<std::string> keys{name};
        // Two characters at least before the suffix (吕梁市 吕梁); 自治州 only in full.
        if (suffix != "自治州" && name.size() >= suffix.size() + 6) {
          keys.push_back(name.substr(0, name.size() - suffix.size()));
        }
        for (const std::string& key : keys) {
          const auto [it, inserted] = prefectures_.emplace(key, code);
          if (!inserted && it->second != code) it->second.clear();  // two units share the name
        }
        break;
      }
    }
  }
}

std::string QueryWords::PrefectureCode(std::string_view name) const {
  const auto it = prefectures_.find(std::string(name));
  return it == prefectures_.end() ? std::string() : it->second;
}

std::optional<FilterMatch> QueryWords::Read(std::string_view word, bool alone, int today,
                                            const std::vector<std::string>& withheld) const {
  const auto allowed = [&](std::string_view filter) {
    return std::find(withheld.begin(), withheld.end(), filter) == withheld.end();
  };
  const int this_year = today / 10000;
  std::optional<FilterMatch> out;
  if (OneOf(word, {"男", "男性"})) {
    out = Simple("gender", "男", word, false);
  } else if (OneOf(word, {"女", "女性"})) {
    out = Simple("gender", "女", word, false);
  } else if (OneOf(word, {"领军人才", "领军"})) {
    out = Simple("tier", "领军人才", word, true);
  } else if (OneOf(word, {"青年人才", "青年"})) {
    out = Simple("tier", "青年人才", word, true);
  } else if (OneOf(word, {"参加过培训", "参训", "已参训", "已培训", "培训过", "参加培训"})) {
    out = Simple("trained", "yes", word, false);
    out->shown.label = "参加过培训";
  } else if (OneOf(word, {"未参加培训", "未参训", "未培训", "没参加过培训", "未参加过培训"})) {
    out = Simple("trained", "no", word, false);
    out->shown.label = "未参加培训";
  } else if (word == "少数民族") {
    if (!allowed("ethnic_group")) return std::nullopt;
    FilterMatch m;
    m.shown = {"ethnic_group", "少数民族", std::string(word), "少数民族"};
    for (const std::string& group : reference_.EthnicGroups()) {
      if (group != "汉族") m.terms.push_back(FilterTerm("ethnic_group", group));
    }
    m.also_text = true;
    out = std::move(m);
  }
  if (out) return out;

  int number = 0;
  std::string_view rest;
  if (LeadingNumber(word, number, rest)) {
    const auto born_aged_at_most = [&](int age) { return today - (age + 1) * 10000 + 1; };
    if (OneOf(rest, {"岁以下", "岁及以下", "岁以内", "周岁以下", "周岁及以下"}) && number > 0 &&
        number < 120) {
      // 35岁以下 on CAST forms includes 35: the band 35岁及以下.
      std::string value = std::to_string(number) + "岁及以下";
      const bool band =
          std::find(std::begin(kAgeBands), std::end(kAgeBands), value) != std::end(kAgeBands);
      return BirthRange(band ? "age_band" : "age", value, word, born_aged_at_most(number), today,
                        false);
    }
    if (OneOf(rest, {"岁以上", "岁及以上", "周岁以上", "周岁及以上"}) && number > 0 &&
        number < 120) {
      std::string value = std::to_string(number) + "岁及以上";
      const bool band =
          std::find(std::begin(kAgeBands), std::end(kAgeBands), value) != std::end(kAgeBands);
      return BirthRange(band ? "age_band" : "age", value, word, 10000101, today - number * 10000,
                        false);
    }
    if (rest == "后" && (word.size() == 3 + 2 || word.size() == 3 + 4)) {
      // 80后: born in the 1980s; 00后 and 10后 in this century; 1990后 likewise.
      int decade = number;
      if (word.size() == 3 + 2) decade = number >= 30 ? 1900 + number : 2000 + number;
      if (decade % 10 != 0 || decade < 1920 || decade > this_year) return std::nullopt;
      return BirthRange("birth_year", std::to_string(decade) + "-" + std::to_string(decade + 9),
                        word, decade * 10000 + 101, (decade + 9) * 10000 + 1231, false);
    }
    const bool four = word.size() - rest.size() == 4;
    if (four && OneOf(rest, {"年入库", "入库", "年度入库", "年入选", "入选"}) && number >= 1990 &&
        number <= this_year + 1) {
      out = Simple("year", std::to_string(number), word, false);
      out->shown.label = std::to_string(number) + "年入库";
      return out;
    }
    if (four && OneOf(rest, {"", "年", "年生", "年出生"}) && number >= 1920 &&
        number <= this_year - 15) {
      // A year of birth, alone or beside a name; the same digits in a text still count.
      return BirthRange("birth_year", std::to_string(number), word, number * 10000 + 101,
                        number * 10000 + 1231, true);
    }
    return std::nullopt;
  }

  // Provinces, short or full (广西, 广西壮族自治区); never a bare code, which is a number.
  if (!word.empty() && (static_cast<unsigned char>(word[0]) & 0x80) != 0) {
    const std::string province = reference_.ProvinceCode(word);
    if (!province.empty() && allowed("province")) {
      FilterMatch m = Simple("province", province, word, true);
      if (const std::string* name = reference_.ProvinceName(province)) m.shown.label = *name;
      return m;
    }
    // Prefecture-level cities, full or short (南宁, 南宁市): the province's people whose texts name
    // the city rank first; the text matches everywhere, as before.
    const std::string city = PrefectureCode(word);
    if (!city.empty() && allowed("province")) {
      FilterMatch m = Simple("city", city, word, true);
      m.terms = {FilterTerm("province", city.substr(0, 2))};
      m.within_text = true;
      if (const std::string* name = reference_.RegionName(city)) {
        m.shown.label = *name;
        // Texts name the city mostly without its suffix (南宁师范大学).
        for (std::string_view suffix : {"地区", "市", "盟"}) {
          if (name->size() >= suffix.size() + 6 && name->ends_with(suffix)) {
            m.text = name->substr(0, name->size() - suffix.size());
            break;
          }
        }
      }
      return m;
    }
    // Ethnic groups with or without 族; a one-character form only beside other words.
    if (CharCount(word) >= 2 || !alone) {
      if (const std::string* group = reference_.EthnicGroup(word)) {
        if (!allowed("ethnic_group")) return std::nullopt;
        return Simple("ethnic_group", *group, word, CharCount(word) >= 2);
      }
    }
    // 政治面貌 in full or short (九三学社, 九三, 民盟, 农工党, 无党派); a name of an organisation
    // (九三学社) is text too.
    if (const std::string* party = reference_.PoliticalAffiliation(word)) {
      if (!allowed("political")) return std::nullopt;
      return Simple("political", *party, word, true);
    }
  }
  return std::nullopt;
}

}  // namespace tp::indexer
