// The reference tables of the Chinese analyser, loaded once from data/ into flat arrays keyed by
// code point: common Mandarin readings (pinyin.tsv), surname readings (pinyin_surnames.tsv),
// traditional -> simplified characters (t2s.tsv), and ICU's NFKC case folding of the BMP.
// Load() fails with NotFound when a file is missing and InvalidArgument when a line is malformed.
// The tables are immutable after loading and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "registry/base/status.h"

namespace tp::indexer {

class TextTables {
 public:
  // Reads the three tables from `data_dir`.
  static StatusOr<std::unique_ptr<TextTables>> Load(const std::string& data_dir);

  // The process-wide tables from registry::DataDir(), loaded on first use. A failed load is
  // remembered and returned to every caller.
  static StatusOr<const TextTables*> Default();

  // Appends to `out` (UTF-8) the search key of one code point: NFKC, case folded, Latin
  // diacritics removed (so "ǚ" gives "u"), traditional Han replaced by simplified. May append
  // nothing (combining marks, controls).
  void FoldInto(char32_t cp, std::string& out) const;

  // Traditional -> simplified for one Han character (itself when there is no mapping).
  char32_t Simplified(char32_t cp) const;

  // The common readings of a Han character as syllable ids (see Syllable), most common first.
  std::span<const uint16_t> Readings(char32_t cp) const;

  // The readings of `surname` (one or two folded Han characters) as a surname: each alternative
  // holds one syllable id per character. nullptr when the surname has no reading of its own.
  const std::vector<std::vector<uint16_t>>* SurnameReadings(std::string_view surname) const;

  // True for a two-character compound surname (欧阳, 尉迟, 万俟…).
  bool IsCompoundSurname(std::string_view two_chars) const;

  // Syllables are spelt toneless with "v" for u-umlaut ("lv").
  std::string_view Syllable(uint16_t id) const { return syllables_[id]; }
  size_t SyllableCount() const { return syllables_.size(); }

  // Identifies the tables' content; part of the analyser version kept in the index.
  uint64_t Fingerprint() const { return fingerprint_; }

 private:
  TextTables() = default;
  Status LoadPinyin(const std::string& path);
  Status LoadSurnames(const std::string& path);
  Status LoadSimplified(const std::string& path);
  void BuildFoldTable();
  uint16_t InternSyllable(std::string_view s);

  // Readings: per code point (offset << 4 | count) into reading_pool_.
  std::vector<uint32_t> reading_index_;
  std::vector<uint16_t> reading_pool_;
  std::vector<std::string> syllables_;
  std::unordered_map<std::string, uint16_t> syllable_ids_;
  std::unordered_map<std::string, std::vector<std::vector<uint16_t>>> surnames_;
  // Simplified characters: t2s_bmp_[cp] for the BMP, a map above it.
  std::vector<char32_t> t2s_bmp_;
  std::unordered_map<char32_t, char32_t> t2s_supplementary_;
  // Fold of each BMP code point: its search key as UTF-8, offsets into fold_pool_.
  std::vector<uint32_t> fold_offset_;
  std::string fold_pool_;
  uint64_t fingerprint_ = 1469598103934665603ull;
};

}  // namespace tp::indexer
