// The layout of a person's document in the index, shared by the document builder, the query
// builder and the highlighter: text fields with their term prefixes and the labels a query may
// scope them with (单位:清华), filter/facet names, value slots. Changing any of it changes what
// the index holds: bump kAnalyzerVersion.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace tp::indexer {

enum class FieldId : uint8_t {
  kName,
  kUnit,
  kPost,
  kTitle,
  kFields,
  kAchievements,
  kCareer,
  kPlace,
  kEthnicGroup,
  kEducation,
  kPosts,
  kRecommendingUnit,
  kHonours,
};
inline constexpr int kFieldCount = 13;

struct FieldSpec {
  FieldId id;
  std::string_view key;                      // JSON name of the field in highlights
  std::string_view prefix;                   // characters, pairs and words of the field
  std::string_view exact_prefix;             // the whole (folded) value; empty when not kept
  std::span<const std::string_view> labels;  // what a query may write before ':'
  // Short fields that queries often scope (单位:, 职称:, 领域:) keep their pairs under their own
  // prefix too. Long texts are indexed once, without prefix: a scope on them asks for the
  // chained pairs anywhere in the record. Each extra term costs index build time.
  bool scoped_terms = false;
  // Texts whose dictionary words (word_breaker.h) are indexed too, under kWordPrefix, so whole
  // words rank above characters split across words.
  // Short fields only: the achievements' words cost about 40% more index build time (ICU's
  // dictionary pass and a fifth more postings) for a ranking aid.
  bool word_terms = false;
};

// All text fields, in FieldId order. Every field but the name is indexed without prefix for
// unscoped queries; the name has terms of its own (below), the only ones with positions.
std::span<const FieldSpec> TextFields();
const FieldSpec& Field(FieldId id);
// The field a query label names (姓名, 单位, name, unit…; case-insensitive for Latin); nullptr
// when none does.
const FieldSpec* FieldByLabel(std::string_view label);

// Name terms beyond the N-prefixed characters: whole name, surname, given name, pinyin
// syllables and initials at the characters' positions, whole-name pinyin and initials.
inline constexpr std::string_view kNameExact = "XN";
inline constexpr std::string_view kNamePart = "XNP";
inline constexpr std::string_view kSurname = "XS";
inline constexpr std::string_view kGivenName = "XG";
inline constexpr std::string_view kSyllable = "XP";
inline constexpr std::string_view kInitial = "XI";
inline constexpr std::string_view kWholePinyin = "XQ";
// Each two neighbouring characters of a name, without positions: the first one's readings and the
// character itself, each joined with the second one's readings and initials (刘丽: liuli, liul,
// 刘li, 刘l). A phrase of syllables, or of a surname and syllables or initials, asks for them
// first, so that positions are read only for the names holding them.
inline constexpr std::string_view kSyllablePair = "XB";
inline constexpr std::string_view kWholeInitials = "XJ";
// Each beginning of the whole-name initials (z, zs, zsf for 张三丰): initials typed so far.
inline constexpr std::string_view kInitialsPrefix = "XK";
// Dictionary words of the texts with word_terms (unit, title, fields), all under
// one prefix: a ranking aid for unscoped queries, never a requirement.
inline constexpr std::string_view kWordPrefix = "W";
// Boolean terms: the document's own id ("Q" + rowid) and filters ("K" + name + ":" + value).
inline constexpr std::string_view kIdPrefix = "Q";
inline constexpr std::string_view kFilterPrefix = "K";
// Boolean terms of the birth date: its year ("Y1983") and its decade ("Y198"). A birth year, a
// decade (80后) or an age range is then a few posting lists, and the birth-date slot is read only
// for the days a range cuts out of a year: a value range alone reads the slot of every candidate,
// and as the rarest-looking part of a query it would lead the match through the whole pool.
inline constexpr std::string_view kBirthPrefix = "Y";

// Filters, each also a facet. Values are the record's canonical values (province codes, unit
// type codes, 领军人才, 壮族, 男, years, round codes, campaigns, yes/no); age_band is computed.
// trained_year: each year the person attended a training (2024), one value per year.
// political: 政治面貌 by its GB/T 4762 name (九三学社社员).
inline constexpr std::string_view kFilterNames[] = {
    "province", "unit_type", "tier",    "ethnic_group", "gender",       "age_band", "round",
    "year",     "honour",    "trained", "group",        "trained_year", "political"};
bool IsFilterName(std::string_view name);

// Value slots.
inline constexpr unsigned kSlotAdmissionYear = 0;  // latest admission year (sortable)
inline constexpr unsigned kSlotBirthDate = 1;      // YYYYMMDD (sortable; 0101 when only a year)
// Every facet value of the document in one slot, so counting facets reads one value per match:
// for each value, one byte (its filter's index in kFilterNames) then the value, then \x1f. The
// birth date (YYYYMMDD in decimal, for the age bands) is one more entry, under kFacetBirthDate:
// each value read costs a lookup in the index, and facets read one per match.
inline constexpr unsigned kSlotFacets = 2;
inline constexpr char kFacetBirthDate = 0x7f;

// Age bands over the age today, for the age_band filter and facet.
inline constexpr std::string_view kAgeBands[] = {"35岁及以下", "36-45岁", "46-55岁", "56岁及以上"};

// Texts other than the name are indexed as the pairs of Han characters each character begins;
// the last character of a run of Han characters pairs with kRunEnd. They carry no positions: a
// run of characters is asked for as its pairs chained one into the next (AB, BC, CD for ABCD),
// which a record holds in another order only by rare chance, and which cost no position check.
// Positions were two fifths of the index and a third of its build time; nothing but that check
// read them. The name's terms keep theirs (its characters, pinyin syllables and initials).
inline constexpr std::string_view kRunEnd = "$";

}  // namespace tp::indexer
