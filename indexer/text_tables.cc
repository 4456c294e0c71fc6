#include "indexer/text_tables.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <fstream>
#include <mutex>
#include <sstream>

#include "indexer/utf8.h"
#include "registry/base/paths.h"

namespace tp::indexer {
namespace {

constexpr char32_t kReadingLimit = 0x32400;  // past CJK Extension H

// Splits "a<TAB>b" lines, skipping comments and blank lines; calls `fn(line_no, key, value)`.
template <typename Fn>
Status ReadTsv(const std::string& path, uint64_t& fingerprint, Fn fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("检索数据表缺失：" + path);
  std::string line;
  long line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    for (unsigned char c : line) fingerprint = (fingerprint ^ c) * 1099511628211ull;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0 || tab + 1 == line.size()) {
      return InvalidArgument("检索数据表格式错误：" + path + " 第 " + std::to_string(line_no) +
                             " 行应为两列（以制表符分隔）");
    }
    TP_RETURN_IF_ERROR(
        fn(line_no, std::string_view(line).substr(0, tab), std::string_view(line).substr(tab + 1)));
  }
  return Status::Ok();
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? s.npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

bool IsLowerAscii(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

// Latin letters whose diacritics the search ignores (pinyin tone marks, ü, é…).
bool IsLatin(char32_t cp) { return (cp >= 0xC0 && cp < 0x250) || (cp >= 0x1E00 && cp < 0x1F00); }

}  // namespace

StatusOr<std::unique_ptr<TextTables>> TextTables::Load(const std::string& data_dir) {
  std::unique_ptr<TextTables> tables(new TextTables());
  TP_RETURN_IF_ERROR(tables->LoadSimplified(data_dir + "/t2s.tsv"));
  TP_RETURN_IF_ERROR(tables->LoadPinyin(data_dir + "/pinyin.tsv"));
  TP_RETURN_IF_ERROR(tables->LoadSurnames(data_dir + "/pinyin_surnames.tsv"));
  tables->BuildFoldTable();
  return tables;
}

StatusOr<const TextTables*> TextTables::Default() {
  static std::once_flag once;
  static std::unique_ptr<TextTables> tables;
  static Status failure;
  std::call_once(once, [] {
    auto loaded = Load(registry::DataDir());
    if (loaded.ok()) {
      tables = std::move(loaded).value();
    } else {
      failure = loaded.status();
    }
  });
  if (!tables) return failure;
  return static_cast<const TextTables*>(tables.get());
}

uint16_t TextTables::InternSyllable(std::string_view s) {
  auto [it, inserted] =
      syllable_ids_.try_emplace(std::string(s), static_cast<uint16_t>(syllables_.size()));
  if (inserted) syllables_.emplace_back(s);
  return it->second;
}

Status TextTables::LoadSimplified(const std::string& path) {
  t2s_bmp_.assign(0x10000, 0);
  for (char32_t cp = 0; cp < 0x10000; ++cp) t2s_bmp_[cp] = cp;
  return ReadTsv(path, fingerprint_, [&](long line_no, std::string_view from, std::string_view to) {
    size_t a = 0, b = 0;
    const char32_t f = DecodeUtf8(from, a);
    const char32_t t = DecodeUtf8(to, b);
    if (a != from.size() || b != to.size() || !IsHan(f) || !IsHan(t)) {
      return InvalidArgument(path + " 第 " + std::to_string(line_no) + " 行：应为两个汉字");
    }
    if (f < 0x10000) {
      t2s_bmp_[f] = t;
    } else {
      t2s_supplementary_[f] = t;
    }
    return Status::Ok();
  });
}

Status TextTables::LoadPinyin(const std::string& path) {
  reading_index_.assign(kReadingLimit, 0);
  reading_pool_.reserve(48000);
  return ReadTsv(path, fingerprint_, [&](long line_no, std::string_view ch, std::string_view rs) {
    size_t at = 0;
    const char32_t cp = DecodeUtf8(ch, at);
    if (at != ch.size() || cp >= kReadingLimit) {
      return InvalidArgument(path + " 第 " + std::to_string(line_no) + " 行：第一列应为一个汉字");
    }
    const auto readings = Split(rs, ',');
    if (readings.size() > 15) {
      return InvalidArgument(path + " 第 " + std::to_string(line_no) + " 行：读音过多");
    }
    const uint32_t offset = static_cast<uint32_t>(reading_pool_.size());
    for (std::string_view r : readings) {
      if (!IsLowerAscii(r)) {
        return InvalidArgument(path + " 第 " + std::to_string(line_no) + " 行：读音「" +
                               std::string(r) + "」应为小写拼音字母");
      }
      reading_pool_.push_back(InternSyllable(r));
    }
    reading_index_[cp] = (offset << 4) | static_cast<uint32_t>(readings.size());
    return Status::Ok();
  });
}

Status TextTables::LoadSurnames(const std::string& path) {
  return ReadTsv(path, fingerprint_, [&](long line_no, std::string_view name, std::string_view rs) {
    size_t chars = 0;
    for (size_t at = 0; at < name.size(); ++chars) {
      if (!IsHan(DecodeUtf8(name, at))) chars = 99;
    }
    if (chars < 1 || chars > 2) {
      return InvalidArgument(path + " 第 " + std::to_string(line_no) + " 行：姓氏应为一或两个汉字");
    }
    auto& alternatives = surnames_[std::string(name)];
    for (std::string_view reading : Split(rs, ',')) {
      std::vector<uint16_t> ids;
      for (std::string_view syllable : Split(reading, ' ')) {
        if (!IsLowerAscii(syllable)) {
          return InvalidArgument(path + " 第 " + std::to_string(line_no) + " 行：读音「" +
                                 std::string(reading) + "」应为小写拼音，音节以空格分隔");
        }
        ids.push_back(InternSyllable(syllable));
      }
      if (ids.size() != chars) {
        return InvalidArgument(path + " 第 " + std::to_string(line_no) + " 行：音节数与字数不符");
      }
      alternatives.push_back(std::move(ids));
    }
    return Status::Ok();
  });
}

void TextTables::BuildFoldTable() {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(error);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(error);
  fold_offset_.assign(0x10001, 0);
  fold_pool_.reserve(0x10000 * 2);
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    fold_offset_[cp] = static_cast<uint32_t>(fold_pool_.size());
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    if (cp < 0x80) {
      fold_pool_.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
      continue;
    }
    if (IsHan(cp) && cp < 0xF900) {
      AppendUtf8(t2s_bmp_[cp], fold_pool_);
      continue;
    }
    if (U_FAILURE(error)) {
      AppendUtf8(cp, fold_pool_);
      continue;
    }
    UErrorCode e = U_ZERO_ERROR;
    icu::UnicodeString folded = nfkc_cf->normalize(icu::UnicodeString(static_cast<UChar32>(cp)), e);
    if (U_FAILURE(e)) folded = icu::UnicodeString(static_cast<UChar32>(cp));
    for (int32_t i = 0; i < folded.length(); i = folded.moveIndex32(i, 1)) {
      const char32_t c = static_cast<char32_t>(folded.char32At(i));
      if (IsLatin(c)) {
        icu::UnicodeString parts = nfd->normalize(icu::UnicodeString(static_cast<UChar32>(c)), e);
        for (int32_t j = 0; j < parts.length(); j = parts.moveIndex32(j, 1)) {
          const UChar32 p = parts.char32At(j);
          if (u_charType(p) != U_NON_SPACING_MARK) AppendUtf8(static_cast<char32_t>(p), fold_pool_);
        }
      } else if (u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK && c < 0x370) {
        // Combining diacritics typed separately fold away like the precomposed ones.
      } else {
        AppendUtf8(IsHan(c) ? Simplified(c) : c, fold_pool_);
      }
    }
  }
  fold_offset_[0x10000] = static_cast<uint32_t>(fold_pool_.size());
}

char32_t TextTables::Simplified(char32_t cp) const {
  if (cp < 0x10000) return t2s_bmp_.empty() ? cp : t2s_bmp_[cp];
  const auto it = t2s_supplementary_.find(cp);
  return it == t2s_supplementary_.end() ? cp : it->second;
}

void TextTables::FoldInto(char32_t cp, std::string& out) const {
  if (cp < 0x10000) {
    out.append(fold_pool_, fold_offset_[cp], fold_offset_[cp + 1] - fold_offset_[cp]);
    return;
  }
  if (IsHan(cp) && !(cp >= 0x2F800 && cp <= 0x2FA1F)) {
    AppendUtf8(Simplified(cp), out);
    return;
  }
  // Rare planes (compatibility ideographs, mathematical letters): ask ICU each time.
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(error);
  if (U_FAILURE(error)) {
    AppendUtf8(cp, out);
    return;
  }
  icu::UnicodeString folded =
      nfkc_cf->normalize(icu::UnicodeString(static_cast<UChar32>(cp)), error);
  if (U_FAILURE(error)) folded = icu::UnicodeString(static_cast<UChar32>(cp));
  for (int32_t i = 0; i < folded.length(); i = folded.moveIndex32(i, 1)) {
    const char32_t c = static_cast<char32_t>(folded.char32At(i));
    AppendUtf8(IsHan(c) ? Simplified(c) : c, out);
  }
}

std::span<const uint16_t> TextTables::Readings(char32_t cp) const {
  if (cp >= reading_index_.size()) return {};
  const uint32_t entry = reading_index_[cp];
  return std::span<const uint16_t>(reading_pool_.data() + (entry >> 4), entry & 0xF);
}

const std::vector<std::vector<uint16_t>>* TextTables::SurnameReadings(
    std::string_view surname) const {
  const auto it = surnames_.find(std::string(surname));
  return it == surnames_.end() ? nullptr : &it->second;
}

bool TextTables::IsCompoundSurname(std::string_view two_chars) const {
  const auto* readings = SurnameReadings(two_chars);
  return readings != nullptr && !readings->empty() && readings->front().size() == 2;
}

}  // namespace tp::indexer
