// What a cell's text is made of besides the sheet: the shared strings, the
// cell formats of the styles part, and the number formats that tell a date
// from a number.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

#include "registry/tables/internal/xlsx_internal.h"

namespace tp::registry::table_internal::xlsx {
namespace {

constexpr std::size_t kMaxStyles = 65536;

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

void DecodeEscapes(std::string* text) {
  if (text->find("_x") == std::string::npos) return;
  std::string out;
  out.reserve(text->size());
  const std::string& s = *text;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '_' && i + 7 <= s.size() && s[i + 1] == 'x' && IsHex(s[i + 2]) && IsHex(s[i + 3]) &&
        IsHex(s[i + 4]) && IsHex(s[i + 5]) && s[i + 6] == '_') {
      auto c = static_cast<char32_t>(std::stoul(s.substr(i + 2, 4), nullptr, 16));
      if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;  // half a pair is nothing
      AppendUtf8(c, &out);
      i += 7;
    } else {
      out.push_back(s[i++]);
    }
  }
  *text = std::move(out);
}

// ---- Number formats ------------------------------------------------------

namespace {

// Built-in format ids (ECMA-376 Part 1, 18.8.30). 27-36 and 50-58 are the
// Chinese, Japanese and Korean locales' date and time formats, e.g. 31 is
// yyyy"年"m"月"d"日" in a Chinese Excel.
NumberKind BuiltInKind(int id) {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) ||
      id == 57 || id == 58) {
    return NumberKind::kDate;
  }
  if (id == 22) return NumberKind::kDateTime;
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) || id == 55 ||
      id == 56) {
    return NumberKind::kTime;
  }
  return NumberKind::kPlain;
}

bool MatchesNoCase(std::string_view text, std::size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = text[at + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

// Reads a custom format code's first section for date and time tokens,
// skipping quoted text, escapes, colours and locale tags. "m" is a month
// unless hours or seconds are shown, as Excel reads it.
NumberKind CustomKind(std::string_view code) {
  bool date = false, time = false, month = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ';') break;
    if (c == '"') {
      std::size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      std::size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      std::string_view tag = code.substr(i + 1, close - i - 1);
      // [h], [mm], [ss]: elapsed time; anything else is a colour or locale.
      if (!tag.empty() && tag.find_first_not_of("hHmMsS") == std::string_view::npos) time = true;
      i = close;
    } else if (MatchesNoCase(code, i, "general")) {
      i += 6;
    } else if (MatchesNoCase(code, i, "am/pm")) {
      time = true;
      i += 4;
    } else if (MatchesNoCase(code, i, "a/p")) {
      time = true;
      i += 2;
    } else if (c == 'e' && i + 1 < code.size() && (code[i + 1] == '+' || code[i + 1] == '-')) {
      ++i;  // scientific notation, 0.00E+00
    } else if (c == 'y' || c == 'd' || c == 'e') {
      date = true;
    } else if (c == 'h' || c == 's') {
      time = true;
    } else if (c == 'm') {
      month = true;
    }
  }
  if (month && !time) date = true;
  if (date && time) return NumberKind::kDateTime;
  if (date) return NumberKind::kDate;
  if (time) return NumberKind::kTime;
  return NumberKind::kPlain;
}

// An Excel serial date as "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or "HH:MM:SS";
// nothing when it lies outside what Excel can show as a date.
std::optional<std::string> FormatSerial(double serial, NumberKind kind, bool date1904) {
  if (!(serial >= 0) || serial >= 2958466) return std::nullopt;  // 9999-12-31 is the last
  auto seconds = std::llround(serial * 86400.0);
  long long day = seconds / 86400;
  long long second = seconds % 86400;
  char buffer[48];
  if (kind == NumberKind::kTime) {
    std::snprintf(buffer, sizeof buffer, "%02lld:%02lld:%02lld", second / 3600, second / 60 % 60,
                  second % 60);
    return std::string(buffer);
  }
  std::string out;
  if (!date1904 && day < 1) return std::nullopt;  // Excel shows "1900-01-00"
  if (!date1904 && day == 60) {
    // Lotus 1-2-3 took 1900 for a leap year and Excel kept the fiction:
    // serial 60 is 1900-02-29 and the serials before it are off by one.
    out = "1900-02-29";
  } else {
    long long days_since_1970 = date1904   ? day - 24107  // serial 0 is 1904-01-01
                                : day < 60 ? day - 25568  // serial 1 is 1900-01-01
                                           : day - 25569;
    std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{days_since_1970}}};
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    out = buffer;
  }
  if (kind == NumberKind::kDateTime && second != 0) {
    std::snprintf(buffer, sizeof buffer, " %02lld:%02lld:%02lld", second / 3600, second / 60 % 60,
                  second % 60);
    out += buffer;
  }
  return out;
}

}  // namespace

std::string FormatPlainNumber(double value) {
  char buffer[64];
  if (value == 0) return "0";
  if (value == std::trunc(value) && std::fabs(value) < 1e21) {
    // Integers print whole, never as 1.38001E+10: phone numbers and IDs
    // typed as numbers come out as their digits.
    if (std::fabs(value) < 9007199254740992.0) {  // 2^53: every integer is exact
      auto end = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed).ptr;
      return std::string(buffer, end);
    }
    // Above 2^53 a double is not its digits. Excel keeps 15 significant
    // digits, so an 18-digit 身份证号 typed as a number was already cut to
    // 15 digits and zeros when saved (450103199001011234 is stored as
    // 4.50103199001011E+17). Print the digits the file holds, then zeros:
    // "450103199001011000". Such an ID fails the 身份证号 check digit in
    // most cases and is reported for that row; the original is not in the
    // file, so no reader can bring it back.
    auto end =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific).ptr;
    std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
    std::size_t e = text.find('e');
    int exponent = 0;
    std::from_chars(text.data() + e + 1 + (text[e + 1] == '+'), text.data() + text.size(),
                    exponent);
    std::string digits;
    for (char c : text.substr(0, e)) {
      if (c != '.') digits.push_back(c);
    }
    bool negative = digits[0] == '-';
    std::size_t significant = digits.size() - (negative ? 1 : 0);
    if (exponent + 1 >= static_cast<int>(significant)) {
      digits.append(static_cast<std::size_t>(exponent + 1) - significant, '0');
      return digits;
    }
  }
  // Fractions show Excel's 15 significant digits: 0.1+0.2 is "0.3".
  auto end =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 15).ptr;
  return std::string(buffer, end);
}

std::string FormatNumber(const std::string& raw, NumberKind kind, bool date1904) {
  double value = 0;
  auto [end, error] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
  if (error != std::errc() || end != raw.data() + raw.size() || !std::isfinite(value)) return raw;
  if (kind != NumberKind::kPlain) {
    if (std::optional<std::string> date = FormatSerial(value, kind, date1904)) return *date;
  }
  return FormatPlainNumber(value);
}

// ---- Shared strings and styles -------------------------------------------

SharedStringsHandler::SharedStringsHandler(SharedStrings* strings, const Archive& archive,
                                           std::string_view part)
    : strings_(strings),
      file_(archive.file()),
      part_(part),
      max_strings_(archive.limits().max_shared_strings),
      max_bytes_(std::min(archive.limits().max_shared_string_bytes, SharedStrings::kMaxBytes)) {}

void SharedStringsHandler::Start(std::string_view name, const char**) {
  if (name == "si") {
    in_item_ = true;
    text_.clear();
    rich_.Reset();
  } else if (in_item_) {
    rich_.Start(name);
  }
}

void SharedStringsHandler::End(std::string_view name) {
  if (name == "si") {
    in_item_ = false;
    DecodeEscapes(&text_);
    // Both bounds stop the parse before the string is kept, so what is
    // held never passes them.
    if (strings_->size() >= max_strings_) {
      error = InvalidArgument(QuotedFile(file_) + "的 " + part_ + " 超过 " +
                              std::to_string(max_strings_) + " 条共享字符串" +
                              std::string(kTooLargeAdvice));
      return;
    }
    if (strings_->bytes() + text_.size() > max_bytes_) {
      error = InvalidArgument(QuotedFile(file_) + "的 " + part_ + " 中的文字超过 " +
                              SizeText(max_bytes_) + std::string(kTooLargeAdvice));
      return;
    }
    strings_->Add(text_);
  } else if (in_item_) {
    rich_.End(name);
  }
}

void SharedStringsHandler::Text(std::string_view text) {
  if (!rich_.collecting()) return;
  if (text_.size() + text.size() > kMaxCellBytes) {
    error = InvalidArgument(QuotedFile(file_) + "有超过 1 MB 的单元格文字，无法读取");
    return;
  }
  text_.append(text);
}

void StylesHandler::Start(std::string_view name, const char** attributes) {
  if (name == "numFmts") {
    in_formats_ = true;
  } else if (name == "cellXfs") {
    in_cell_formats_ = true;
  } else if (name == "numFmt" && in_formats_ && custom_.size() < kMaxStyles) {
    const char* id = Attribute(attributes, "numFmtId");
    const char* code = Attribute(attributes, "formatCode");
    std::optional<int> number = id ? ParseUnsigned<int>(id) : std::nullopt;
    if (number && code) custom_[*number] = CustomKind(code);
  } else if (name == "xf" && in_cell_formats_ && format_ids_.size() < kMaxStyles) {
    const char* id = Attribute(attributes, "numFmtId");
    format_ids_.push_back(id ? ParseUnsigned<int>(id).value_or(0) : 0);
  }
}

void StylesHandler::End(std::string_view name) {
  if (name == "numFmts") in_formats_ = false;
  if (name == "cellXfs") in_cell_formats_ = false;
}

std::vector<NumberKind> StylesHandler::Kinds() const {
  std::vector<NumberKind> kinds;
  kinds.reserve(format_ids_.size());
  for (int id : format_ids_) {
    auto custom = custom_.find(id);
    kinds.push_back(custom != custom_.end() ? custom->second : BuiltInKind(id));
  }
  return kinds;
}

}  // namespace tp::registry::table_internal::xlsx
