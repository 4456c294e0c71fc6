#include "registry/fields/text.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/utypes.h>

namespace tp::registry {
namespace {

// ICU owns the instance; fetching it once keeps the per-call cost to the work itself.
const icu::Normalizer2* Nfkc() {
  static const icu::Normalizer2* const instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return instance;
}

// Code points that NFKC leaves alone whatever surrounds them (no decomposition,
// never composed with a neighbour): the bulk of Chinese text. Anything else goes
// to ICU, so a wrong "false" only costs time.
bool IsStableCjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) ||  // CJK unified ideographs
         (c >= 0x3400 && c <= 0x4DBF) ||  // extension A
         c == 0x3001 || c == 0x3002 ||    // 、。
         (c >= 0x3008 && c <= 0x3011) ||  // 〈〉《》「」『』【】
         c == 0x2014 || c == 0x2018 || c == 0x2019 || c == 0x201C || c == 0x201D ||  // —‘’“”
         c == 0x00B7;                                                                // ·
}

// True when every character is ASCII or stable CJK: NFKC would change nothing.
bool IsTriviallyNormalized(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
    } else if (c >= 0xE0 && c < 0xF0 && i + 2 < n) {
      const char32_t cp = (static_cast<char32_t>(c & 0x0F) << 12) |
                          (static_cast<char32_t>(p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
      if ((p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80 || !IsStableCjk(cp)) return false;
      i += 3;
    } else if (c == 0xC2 && i + 1 < n && p[i + 1] == 0xB7) {
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

// Length of the blank character at `s[i]`, or 0. After NFKC the ideographic and
// no-break spaces are already ASCII; the raw forms are handled for unnormalised input.
std::size_t BlankAt(std::string_view s, std::size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  if (c == 0xE3 && s.substr(i, 3) == "\xE3\x80\x80") return 3;  // U+3000
  if (c == 0xEF && s.substr(i, 3) == "\xEF\xBB\xBF") return 3;  // U+FEFF
  if (c == 0xE2 && s.substr(i, 3) == "\xE2\x80\x8B") return 3;  // U+200B
  return 0;
}

// Length of the blank character that ends at `end` (exclusive), or 0.
std::size_t BlankBefore(std::string_view s, std::size_t end) {
  const unsigned char c = static_cast<unsigned char>(s[end - 1]);
  if (c < 0x80) return BlankAt(s, end - 1);
  if (end >= 2 && BlankAt(s, end - 2) == 2) return 2;
  if (end >= 3 && BlankAt(s, end - 3) == 3) return 3;
  return 0;
}

std::string_view Trim(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    const std::size_t n = BlankAt(s, begin);
    if (n == 0) break;
    begin += n;
  }
  std::size_t end = s.size();
  while (end > begin) {
    const std::size_t n = BlankBefore(s, end);
    if (n == 0) break;
    end -= n;
  }
  return s.substr(begin, end - begin);
}

// Copies `s` trimmed, with CRLF and lone CR turned into LF.
std::string TrimmedWithLf(std::string_view s) {
  const std::string_view t = Trim(s);
  std::string out;
  out.reserve(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < t.size() && t[i + 1] == '\n') ++i;
    } else {
      out.push_back(t[i]);
    }
  }
  return out;
}

}  // namespace

std::string NormalizeText(std::string_view utf8) {
  if (IsTriviallyNormalized(utf8)) return TrimmedWithLf(utf8);
  const icu::Normalizer2* nfkc = Nfkc();
  if (nfkc == nullptr) return TrimmedWithLf(utf8);
  const icu::StringPiece piece(utf8.data(), static_cast<int32_t>(utf8.size()));
  UErrorCode status = U_ZERO_ERROR;
  if (nfkc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) {
    return TrimmedWithLf(utf8);
  }
  std::string normalized;
  normalized.reserve(utf8.size());
  icu::StringByteSink<std::string> sink(&normalized);
  status = U_ZERO_ERROR;
  nfkc->normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status)) return TrimmedWithLf(utf8);
  return TrimmedWithLf(normalized);
}

bool IsValidUtf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3, lo = 0xA0;
    } else if (c >= 0xE1 && c <= 0xEC) {
      len = 3;
    } else if (c == 0xED) {
      len = 3, hi = 0x9F;  // no UTF-16 surrogates
    } else if (c >= 0xEE && c <= 0xEF) {
      len = 3;
    } else if (c == 0xF0) {
      len = 4, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4, hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (i + len > n) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    }
    i += len;
  }
  return true;
}

std::vector<std::string> SplitMultiValue(std::string_view utf8) {
  // After NFKC the full-width ，； are ASCII; 、 (U+3001) has no compatibility form.
  const std::string text = NormalizeText(utf8);
  std::vector<std::string> parts;
  std::size_t start = 0;
  auto flush = [&](std::size_t end) {
    std::string part = NormalizeText(std::string_view(text).substr(start, end - start));
    if (!part.empty()) parts.push_back(std::move(part));
  };
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    std::size_t sep = 0;
    if (c == ',' || c == ';' || c == '\n') {
      sep = 1;
    } else if (text.compare(i, 3, "\xE3\x80\x81") == 0) {  // 、
      sep = 3;
    }
    if (sep != 0) {
      flush(i);
      i += sep;
      start = i;
    } else {
      ++i;
    }
  }
  flush(text.size());
  return parts;
}

std::size_t CountCharacters(std::string_view utf8) {
  std::size_t count = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string NormalizeKey(std::string_view utf8) {
  const std::string text = NormalizeText(utf8);
  std::string key;
  key.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t blank = BlankAt(text, i);
    if (blank != 0) {
      i += blank;
    } else {
      key.push_back(text[i]);
      ++i;
    }
  }
  return key;
}

}  // namespace tp::registry
