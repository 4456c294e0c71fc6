#include "indexer/document_builder.h"

#include <xapian.h>

#include <algorithm>
#include <charconv>

namespace tp::indexer {
namespace {

constexpr size_t kMaxTermBytes = 200;   // Xapian refuses terms over 245 bytes
constexpr size_t kMaxWholePinyin = 32;  // spellings of a whole name kept for polyphonic names

void PutVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view data, size_t& at, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && at < data.size(); shift += 7) {
    const auto b = static_cast<unsigned char>(data[at++]);
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

void PutString(std::string_view s, std::string& out) {
  PutVarint(s.size(), out);
  out.append(s);
}

bool GetString(std::string_view data, size_t& at, std::string& s) {
  uint64_t len = 0;
  if (!GetVarint(data, at, len) || len > data.size() - at) return false;
  s.assign(data.substr(at, len));
  at += len;
  return true;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out.append(sep);
    out.append(p);
  }
  return out;
}

void AddUnique(std::vector<std::string>& values, std::string v) {
  if (!v.empty() && std::find(values.begin(), values.end(), v) == values.end()) {
    values.push_back(std::move(v));
  }
}

constexpr uint8_t kStoredVersion = 1;

}  // namespace

bool AttendedTraining(const TrainingFact& t) {
  return t.state == "attended" || t.state == "已参加" || t.state == "参加" || t.state == "已参训" ||
         t.state == "出席";
}

std::string StoredFields::Encode() const {
  std::string out;
  out.push_back(static_cast<char>(kStoredVersion));
  for (const std::string* s : {&public_id, &name, &gender, &birth_date, &ethnic_group, &unit, &post,
                               &title, &province, &unit_type, &tier, &recommending_unit, &group}) {
    PutString(*s, out);
  }
  PutVarint(static_cast<uint64_t>(std::max(admission_year, 0)), out);
  out.push_back(trained ? 1 : 0);
  for (const std::string& t : texts) PutString(t, out);
  return out;
}

bool StoredFields::Decode(std::string_view data) {
  if (data.empty() || data[0] != static_cast<char>(kStoredVersion)) return false;
  size_t at = 1;
  for (std::string* s : {&public_id, &name, &gender, &birth_date, &ethnic_group, &unit, &post,
                         &title, &province, &unit_type, &tier, &recommending_unit, &group}) {
    if (!GetString(data, at, *s)) return false;
  }
  uint64_t year = 0;
  if (!GetVarint(data, at, year) || at >= data.size()) return false;
  admission_year = static_cast<int>(year);
  trained = data[at++] != 0;
  for (std::string& t : texts) {
    if (!GetString(data, at, t)) return false;
  }
  return true;
}

void BuiltDocument::Clear() {
  postings.clear();
  boolean_terms.clear();
  values.clear();
  stored = StoredFields();
}

int BirthDateNumber(std::string_view d) {
  int parts[3] = {0, 1, 1};
  size_t at = 0;
  for (int i = 0; i < 3 && at < d.size(); ++i) {
    int v = 0;
    const auto [end, ec] = std::from_chars(d.data() + at, d.data() + d.size(), v);
    if (ec != std::errc()) return 0;
    parts[i] = v;
    at = static_cast<size_t>(end - d.data());
    if (at < d.size()) {
      if (d[at] != '-' && d[at] != '/' && d[at] != '.') return 0;
      ++at;
    }
  }
  if (parts[0] < 1850 || parts[0] > 2200 || parts[1] < 1 || parts[1] > 12 || parts[2] < 1 ||
      parts[2] > 31) {
    return 0;
  }
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

std::string_view AgeBand(int birth, int today) {
  if (birth <= 0 || today <= birth) return {};
  const int age = (today - birth) / 10000;  // whole years: YYYYMMDD differences keep the order
  if (age <= 35) return kAgeBands[0];
  if (age <= 45) return kAgeBands[1];
  if (age <= 55) return kAgeBands[2];
  return kAgeBands[3];
}

std::vector<std::pair<std::string_view, std::string>> DocumentBuilder::FilterValues(
    const IndexRecord& record) {
  const registry::Person& p = record.person;
  std::vector<std::pair<std::string_view, std::string>> out;
  const auto add = [&](std::string_view name, std::string value) {
    if (value.empty()) return;
    for (const auto& [n, v] : out) {
      if (n == name && v == value) return;
    }
    out.emplace_back(name, std::move(value));
  };
  add("province", !p.province.empty() ? p.province : record.recommending_unit.province_code);
  add("unit_type", !record.recommending_unit.type_code.empty() ? record.recommending_unit.type_code
                                                               : p.recommending_unit_type);
  for (const AdmissionFact& a : record.admissions) {
    add("tier", a.tier);
    add("round", a.round_code);
    if (a.year > 0) add("year", std::to_string(a.year));
  }
  add("tier", p.tier);
  if (p.admission_year > 0) add("year", std::to_string(p.admission_year));
  add("ethnic_group", p.ethnic_group);
  add("gender", p.gender);
  add("political", p.political_affiliation);
  for (const HonourFact& h : record.honours) add("honour", h.campaign);
  const bool trained =
      std::any_of(record.trainings.begin(), record.trainings.end(), AttendedTraining);
  add("trained", trained ? "yes" : "no");
  add("group", p.group_type);
  for (const TrainingFact& t : record.trainings) {
    if (t.year > 0 && AttendedTraining(t)) add("trained_year", std::to_string(t.year));
  }
  return out;
}

void DocumentBuilder::AddExact(std::string_view prefix, std::string_view value,
                               BuiltDocument& out) {
  const std::string folded = analyzer_->Fold(value);
  if (folded.empty() || folded.size() > kMaxTermBytes) return;
  out.postings.push_back({std::string(prefix) + folded, 0});
}

void DocumentBuilder::AddText(const FieldSpec& field, std::string_view text, BuiltDocument& out) {
  if (text.empty()) return;
  analyzer_->Analyze(text, scratch_);
  const auto& tokens = scratch_.tokens;
  size_t run_begin = 0;  // the first token of the current run of Han characters
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    const std::string_view key = scratch_.Key(t);
    if (t.kind == TokenKind::kWord && key.size() > kMaxTermBytes) continue;
    std::string term;
    term.reserve(key.size() * 2 + 1);
    term.append(key);
    if (t.kind == TokenKind::kHan) {
      if (i == 0 || !t.adjacent || tokens[i - 1].kind != TokenKind::kHan) run_begin = i;
      // Each character is indexed as the pair it begins, or with kRunEnd at the end of a run:
      // pairs have short posting lists, so queries stay fast, and a run's pairs chained one into
      // the next stand for the run (schema.h).
      const bool run_goes_on =
          i + 1 < tokens.size() && tokens[i + 1].kind == TokenKind::kHan && tokens[i + 1].adjacent;
      if (run_goes_on) {
        term.append(scratch_.Key(tokens[i + 1]));
      } else {
        term.append(kRunEnd);
        if (field.word_terms && i > run_begin) AddWords(run_begin, i + 1, out);
      }
    }
    if (field.scoped_terms) {
      std::string scoped;
      scoped.reserve(field.prefix.size() + term.size());
      scoped.append(field.prefix).append(term);
      out.postings.push_back({std::move(scoped), 0});
    }
    out.postings.push_back({std::move(term), 0});
  }
}

void DocumentBuilder::AddWords(size_t begin, size_t end, BuiltDocument& out) {
  run_chars_.clear();
  for (size_t i = begin; i < end; ++i) run_chars_.push_back(scratch_.tokens[i].han);
  words_.Words(run_chars_, spans_);
  for (const WordSpan& w : spans_) {
    std::string term(kWordPrefix);
    for (size_t i = begin + w.first; i < begin + w.first + w.length; ++i)
      term.append(scratch_.Key(scratch_.tokens[i]));
    if (term.size() > kMaxTermBytes) continue;
    out.postings.push_back({std::move(term), 0});
  }
}

void DocumentBuilder::AddName(std::string_view name, BuiltDocument& out) {
  analyzer_->Analyze(name, scratch_);
  const auto& tokens = scratch_.tokens;
  if (tokens.empty()) return;
  const std::string prefix(Field(FieldId::kName).prefix);
  uint32_t position = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string_view key = scratch_.Key(tokens[i]);
    ++position;
    out.postings.push_back({prefix + std::string(key), position});
    if (tokens[i].kind == TokenKind::kHan && tokens[i].adjacent && i > 0 &&
        tokens[i - 1].kind == TokenKind::kHan) {
      out.postings.push_back(
          {prefix + std::string(scratch_.Key(tokens[i - 1])) + std::string(key), 0});
    }
  }

  // Whole name, and its parts when dots separate them (买买提·艾力: 买买提, 艾力).
  std::string whole;
  std::vector<std::pair<size_t, size_t>> parts;  // token ranges
  size_t part_begin = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0 && !tokens[i].adjacent) whole.push_back(' ');
    if (i > 0 && (tokens[i].after_dot || !tokens[i].adjacent)) {
      parts.emplace_back(part_begin, i);
      part_begin = i;
    }
    whole.append(scratch_.Key(tokens[i]));
  }
  parts.emplace_back(part_begin, tokens.size());
  if (whole.size() <= kMaxTermBytes) out.postings.push_back({std::string(kNameExact) + whole, 0});
  if (parts.size() > 1) {
    for (const auto& [b, e] : parts) {
      std::string part;
      for (size_t i = b; i < e; ++i) part.append(scratch_.Key(tokens[i]));
      out.postings.push_back({std::string(kNamePart) + part, 0});
    }
  }

  // Surname and given name of a Han name without dots.
  const bool all_han = std::all_of(tokens.begin(), tokens.end(),
                                   [](const Token& t) { return t.kind == TokenKind::kHan; });
  if (all_han && parts.size() == 1 && tokens.size() >= 2) {
    size_t surname_len = 1;
    if (tokens.size() >= 3) {
      const std::string two =
          std::string(scratch_.Key(tokens[0])) + std::string(scratch_.Key(tokens[1]));
      if (analyzer_->tables().IsCompoundSurname(two)) surname_len = 2;
    }
    std::string surname, given;
    for (size_t i = 0; i < tokens.size(); ++i)
      (i < surname_len ? surname : given).append(scratch_.Key(tokens[i]));
    out.postings.push_back({std::string(kSurname) + surname, 0});
    out.postings.push_back({std::string(kGivenName) + given, 0});
  }

  // Pinyin and initials at the characters' positions, then whole-name spellings.
  const auto readings = pinyin_->NameReadings(scratch_);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const auto position_of = static_cast<uint32_t>(i + 1);
    std::string initials_here;  // readings sharing an initial add it once (lv/lu, zhang/zhong)
    for (std::string_view s : readings[i]) {
      out.postings.push_back({std::string(kSyllable) + std::string(s), position_of});
      if (initials_here.find(s[0]) == std::string::npos) {
        initials_here.push_back(s[0]);
        out.postings.push_back({std::string(kInitial) + s[0], position_of});
      }
    }
    // The pairs a phrase asks for first (schema.h's kSyllablePair): each reading of the character
    // before, or that character itself, with each reading and initial of this one.
    if (i == 0 || readings[i].empty()) continue;
    std::vector<std::string_view> before(readings[i - 1].begin(), readings[i - 1].end());
    if (tokens[i - 1].kind == TokenKind::kHan) before.push_back(scratch_.Key(tokens[i - 1]));
    for (std::string_view a : before) {
      std::string pair(kSyllablePair);
      pair.append(a);
      const size_t stem = pair.size();
      for (std::string_view s : readings[i]) {
        pair.resize(stem);
        pair.append(s);
        out.boolean_terms.push_back(pair);
      }
      for (char c : initials_here) {
        pair.resize(stem);
        pair.push_back(c);
        out.boolean_terms.push_back(pair);
      }
    }
  }
  for (const auto& [b, e] : parts) {
    std::vector<std::string> spellings{""}, initials{""};
    bool readable = true;
    for (size_t i = b; i < e && readable; ++i) {
      if (readings[i].empty()) {
        readable = false;
        break;
      }
      std::vector<std::string> next, next_initials;
      for (const std::string& prefix_so_far : spellings) {
        for (std::string_view s : readings[i]) {
          if (next.size() < kMaxWholePinyin) next.push_back(prefix_so_far + std::string(s));
        }
      }
      for (const std::string& prefix_so_far : initials) {
        for (std::string_view s : readings[i]) AddUnique(next_initials, prefix_so_far + s[0]);
      }
      spellings = std::move(next);
      initials = std::move(next_initials);
    }
    if (!readable) continue;
    // A dotted name's parts and the whole joined name are all "whole" spellings.
    for (const std::string& s : spellings)
      out.postings.push_back({std::string(kWholePinyin) + s, 0});
    for (const std::string& s : initials) {
      out.postings.push_back({std::string(kWholeInitials) + s, 0});
      for (size_t len = 1; len < s.size(); ++len) {
        out.postings.push_back({std::string(kInitialsPrefix) + s.substr(0, len), 0});
      }
    }
  }
  if (parts.size() > 1) {
    std::vector<std::string> spellings{""};
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (readings[i].empty()) return;
      std::vector<std::string> next;
      for (const std::string& p : spellings) {
        for (std::string_view s : readings[i]) {
          if (next.size() < kMaxWholePinyin) next.push_back(p + std::string(s));
        }
      }
      spellings = std::move(next);
    }
    for (const std::string& s : spellings)
      out.postings.push_back({std::string(kWholePinyin) + s, 0});
  }
}

void DocumentBuilder::Build(const IndexRecord& record, BuiltDocument& out) {
  out.Clear();
  const registry::Person& p = record.person;
  StoredFields& s = out.stored;
  s.public_id = p.public_id;
  s.name = p.name;
  s.gender = p.gender;
  s.birth_date = p.birth_date;
  s.ethnic_group = p.ethnic_group;
  s.unit = p.unit_name;
  s.post = p.post;
  s.title = p.title;
  s.group = p.group_type;
  s.province = !p.province.empty() ? p.province : record.recommending_unit.province_code;
  s.unit_type = !record.recommending_unit.type_code.empty() ? record.recommending_unit.type_code
                                                            : p.recommending_unit_type;
  s.recommending_unit =
      !record.recommending_unit.name.empty() ? record.recommending_unit.name : p.recommending_unit;
  s.admission_year = p.admission_year;
  std::string latest_tier = p.tier;
  int latest_tier_year = 0;
  for (const AdmissionFact& a : record.admissions) {
    s.admission_year = std::max(s.admission_year, a.year);
    if (!a.tier.empty() && a.year >= latest_tier_year) {
      latest_tier = a.tier;
      latest_tier_year = a.year;
    }
  }
  s.tier = latest_tier;
  s.trained = std::any_of(record.trainings.begin(), record.trainings.end(), AttendedTraining);

  std::vector<std::string> honours;
  for (const HonourFact& h : record.honours) {
    AddUnique(honours, h.year > 0 ? std::to_string(h.year) + "年" + h.campaign : h.campaign);
  }
  auto& t = s.texts;
  t[size_t(FieldId::kName)] = p.name;
  t[size_t(FieldId::kUnit)] = p.unit_name;
  t[size_t(FieldId::kPost)] = p.post;
  t[size_t(FieldId::kTitle)] = p.title;
  t[size_t(FieldId::kFields)] = Join(p.fields, "、");
  t[size_t(FieldId::kAchievements)] = p.achievements;
  t[size_t(FieldId::kCareer)] = p.career;
  t[size_t(FieldId::kPlace)] = Join({p.native_place, p.birthplace}, "；");
  t[size_t(FieldId::kEthnicGroup)] = p.ethnic_group;
  t[size_t(FieldId::kEducation)] = Join({p.education, p.degree, p.graduated_from, p.major}, "；");
  t[size_t(FieldId::kPosts)] = Join(
      {p.congress_posts, p.association_posts, p.united_front_groups, p.other_posts, p.group_type},
      "；");
  t[size_t(FieldId::kRecommendingUnit)] = s.recommending_unit;
  t[size_t(FieldId::kHonours)] = Join(honours, "；");

  AddName(p.name, out);
  for (const FieldSpec& field : TextFields()) {
    if (field.id == FieldId::kName) continue;
    AddText(field, t[size_t(field.id)], out);
  }
  AddExact(Field(FieldId::kUnit).exact_prefix, p.unit_name, out);
  AddExact(Field(FieldId::kTitle).exact_prefix, p.title, out);
  for (const std::string& f : p.fields) AddExact(Field(FieldId::kFields).exact_prefix, f, out);
  AddExact(Field(FieldId::kEthnicGroup).exact_prefix, p.ethnic_group, out);
  AddExact(Field(FieldId::kRecommendingUnit).exact_prefix, s.recommending_unit, out);
  for (const HonourFact& h : record.honours)
    AddExact(Field(FieldId::kHonours).exact_prefix, h.campaign, out);

  out.boolean_terms.push_back(std::string(kIdPrefix) + std::to_string(record.rowid));
  std::string facets;
  for (const auto& [name, value] : FilterValues(record)) {
    out.boolean_terms.push_back(std::string(kFilterPrefix) + std::string(name) + ":" + value);
    const auto index = std::find(std::begin(kFilterNames), std::end(kFilterNames), name) -
                       std::begin(kFilterNames);
    facets.push_back(static_cast<char>(index));
    facets.append(value);
    facets.push_back('\x1f');
  }
  const int birth = BirthDateNumber(p.birth_date);
  if (birth > 0) {
    std::string term = std::string(kBirthPrefix) + std::to_string(birth / 10000);
    out.boolean_terms.push_back(term);
    term.pop_back();  // the decade: Y198 for 1983
    out.boolean_terms.push_back(std::move(term));
    facets.push_back(kFacetBirthDate);
    facets.append(std::to_string(birth));
    facets.push_back('\x1f');
  }
  if (!facets.empty()) out.values.emplace_back(kSlotFacets, std::move(facets));
  if (s.admission_year > 0) {
    out.values.emplace_back(kSlotAdmissionYear, Xapian::sortable_serialise(s.admission_year));
  }
  if (birth > 0) out.values.emplace_back(kSlotBirthDate, Xapian::sortable_serialise(birth));
}

}  // namespace tp::indexer
