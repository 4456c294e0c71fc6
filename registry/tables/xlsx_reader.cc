// XLSX: libzip opens the archive, expat parses its XML parts. The worksheet
// is decompressed and parsed one chunk at a time, and the parser is suspended
// whenever a small batch of rows (bounded in cells) waits to be taken; the
// shared-strings table and the cell formats are the only parts kept whole.
// Every byte inflated is counted against the bounds of XlsxLimits, per part
// and per workbook, whatever sizes the archive declares.
//
// Parts are found the way Excel finds them (package relationships, then the
// workbook's), never by assuming names like sheet1.xml.
#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>

#include "registry/tables/table_reader.h"

namespace tp::registry::table_internal {
namespace {

constexpr int kChunkBytes = 64 * 1024;
// OOXML nests a few levels deep; anything deeper is not a workbook.
constexpr int kMaxXmlDepth = 128;
constexpr std::size_t kMaxStyles = 65536;
constexpr std::size_t kMaxSheets = 4096;
constexpr std::size_t kMaxRelationships = 65536;
// The worksheet parse pauses once this much is waiting to be taken.
constexpr std::size_t kRowsPerBatch = 256;
constexpr std::size_t kBytesPerBatch = std::size_t{4} << 20;

// "x:row" -> "row": prefixes differ between writers, local names do not.
std::string_view LocalName(const char* name) {
  std::string_view n(name);
  std::size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* Attribute(const char** attributes, std::string_view local) {
  for (const char** a = attributes; *a; a += 2) {
    if (LocalName(a[0]) == local) return a[1];
  }
  return nullptr;
}

std::string ColumnName(std::size_t column) {
  std::string out;
  for (std::size_t n = column + 1; n > 0; n = (n - 1) / 26) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return out;
}

// A bound for messages: "64 MB", "100 KB".
std::string SizeText(std::size_t bytes) {
  if (bytes >= (std::size_t{1} << 20) && bytes % (std::size_t{1} << 20) == 0) {
    return std::to_string(bytes >> 20) + " MB";
  }
  if (bytes >= 1024) return std::to_string(bytes / 1024) + " KB";
  return std::to_string(bytes) + " 字节";
}

// How a message ends when a workbook is past a bound: a real table that large
// can still come in, as CSV, which is read as a stream.
constexpr std::string_view kTooLargeAdvice =
    "，无法读取；如确是这么大的表，请另存为 CSV（UTF-8）或分批上传";

template <typename T>
std::optional<T> ParseUnsigned(std::string_view text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

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

// OOXML writes characters XML cannot carry as _xHHHH_ (a line feed from a
// Mac is _x000D_); "_x005F_" escapes a literal underscore.
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

enum class NumberKind : uint8_t { kPlain, kDate, kDateTime, kTime };

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

std::string FormatNumber(const std::string& raw, NumberKind kind, bool date1904) {
  double value = 0;
  auto [end, error] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
  if (error != std::errc() || end != raw.data() + raw.size() || !std::isfinite(value)) return raw;
  if (kind != NumberKind::kPlain) {
    if (std::optional<std::string> date = FormatSerial(value, kind, date1904)) return *date;
  }
  return FormatPlainNumber(value);
}

// ---- Archive and XML parts -----------------------------------------------

struct ZipDiscard {
  void operator()(zip_t* zip) const { zip_discard(zip); }
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
struct ParserFree {
  void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileClose>;
using ParserPtr = std::unique_ptr<XML_ParserStruct, ParserFree>;

// Receives one XML part's events. Setting `error` or `done` stops the parse;
// `pause` suspends it after the current event, to be resumed by Parse().
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void Start(std::string_view name, const char** attributes) = 0;
  virtual void End(std::string_view name) = 0;
  virtual void Text(std::string_view /*text*/) {}

  Status error;
  bool pause = false;
  bool done = false;
};

class Archive {
 public:
  static StatusOr<std::unique_ptr<Archive>> OpenFile(const std::string& path, std::string file,
                                                     const XlsxLimits& limits) {
    int code = 0;
    ZipPtr zip(zip_open(path.c_str(), ZIP_RDONLY, &code));
    if (!zip) return OpenError(code, file);
    return std::unique_ptr<Archive>(new Archive(std::move(zip), "", std::move(file), limits));
  }

  // The archive in memory, read in place: `borrowed` when given (the caller
  // keeps it alive), else `owned`, which the Archive keeps alive.
  static StatusOr<std::unique_ptr<Archive>> OpenBytes(std::string owned,
                                                      std::optional<std::string_view> borrowed,
                                                      std::string file, const XlsxLimits& limits) {
    zip_error_t error;
    zip_error_init(&error);
    auto archive =
        std::unique_ptr<Archive>(new Archive(nullptr, std::move(owned), file, limits));
    std::string_view bytes = borrowed ? *borrowed : std::string_view(archive->bytes_);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source) archive->zip_.reset(zip_open_from_source(source, ZIP_RDONLY, &error));
    if (!archive->zip_) {
      int code = zip_error_code_zip(&error);
      if (source) zip_source_free(source);
      zip_error_fini(&error);
      return OpenError(code, file);
    }
    zip_error_fini(&error);
    return archive;
  }

  const std::string& file() const { return file_; }
  const XlsxLimits& limits() const { return limits_; }

  bool Has(const std::string& name) const { return Locate(name) >= 0; }

  // Opens part `name` for reading; NotFound when the archive has no such part.
  // A part whose declared size is past `max_bytes` is refused before any of it
  // is inflated; one that declares less is still counted as it inflates.
  StatusOr<ZipFilePtr> Open(const std::string& name, std::size_t max_bytes) const {
    zip_int64_t index = Locate(name);
    if (index < 0) return NotFound(QuotedFile(file_) + "缺少 " + name);
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(zip_.get(), static_cast<zip_uint64_t>(index), 0, &stat) == 0) {
      if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE) {
        return Encrypted();
      }
      if ((stat.valid & ZIP_STAT_SIZE) && stat.size > max_bytes) return TooLarge(name, max_bytes);
    }
    ZipFilePtr part(zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(index), 0));
    if (!part) {
      int code = zip_error_code_zip(zip_get_error(zip_.get()));
      if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP) {
        return Encrypted();
      }
      return InvalidArgument(QuotedFile(file_) + "已损坏，无法解压其中的 " + name + "（" +
                             zip_strerror(zip_.get()) + "）");
    }
    return part;
  }

  Status TooLarge(const std::string& name, std::size_t max_bytes) const {
    return InvalidArgument(QuotedFile(file_) + "的 " + name + " 解压后超过 " +
                           SizeText(max_bytes) + std::string(kTooLargeAdvice));
  }

  // Counts `bytes` more inflated from part `name` against the workbook's bound.
  Status CountInflated(std::size_t bytes, const std::string& name) {
    inflated_ += bytes;
    if (inflated_ <= limits_.max_workbook_bytes) return Status::Ok();
    return InvalidArgument(QuotedFile(file_) + "解压后超过 " +
                           SizeText(limits_.max_workbook_bytes) + "（读到 " + name + " 时）" +
                           std::string(kTooLargeAdvice));
  }

 private:
  Archive(ZipPtr zip, std::string bytes, std::string file, const XlsxLimits& limits)
      : bytes_(std::move(bytes)), zip_(std::move(zip)), file_(std::move(file)), limits_(limits) {}

  static Status OpenError(int code, std::string_view file) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    if (code == ZIP_ER_OPEN || code == ZIP_ER_READ) {
      return InvalidArgument("无法读取" + QuotedFile(file) + "（" + reason + "）");
    }
    return InvalidArgument(QuotedFile(file) + "不是有效的 xlsx 文件：压缩包已损坏（" + reason +
                           "）");
  }

  Status Encrypted() const {
    return InvalidArgument(QuotedFile(file_) + "设置了密码，无法读取；请取消密码后重新保存");
  }

  zip_int64_t Locate(const std::string& name) const {
    zip_int64_t index = zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_NOCASE);
    if (index >= 0) return index;
    // Some writers on Windows store "xl\worksheets\sheet1.xml".
    std::string windows = name;
    std::replace(windows.begin(), windows.end(), '/', '\\');
    return zip_name_locate(zip_.get(), windows.c_str(), ZIP_FL_NOCASE);
  }

  std::string bytes_;  // before zip_: the archive reads them until it is discarded
  ZipPtr zip_;
  std::string file_;
  XlsxLimits limits_;
  std::size_t inflated_ = 0;  // by all parts read so far
};

// One XML part of the archive, decompressed and parsed chunk by chunk.
class XmlPart {
 public:
  // `max_bytes`: the most the part may inflate to.
  static StatusOr<std::unique_ptr<XmlPart>> Open(Archive& archive, const std::string& name,
                                                 XmlHandler* handler, std::size_t max_bytes) {
    StatusOr<ZipFilePtr> file = archive.Open(name, max_bytes);
    if (!file.ok()) return file.status();
    ParserPtr parser(XML_ParserCreate(nullptr));
    if (!parser) return Internal("XML 解析器内存不足");
    auto part = std::unique_ptr<XmlPart>(new XmlPart(std::move(file).value(), std::move(parser),
                                                     handler, &archive, name, max_bytes));
    XML_Parser p = part->parser_.get();
    XML_SetUserData(p, part.get());
    XML_SetElementHandler(p, &XmlPart::OnStart, &XmlPart::OnEnd);
    XML_SetCharacterDataHandler(p, &XmlPart::OnText);
    // OOXML has no DTD; refusing one rules out entity expansion bombs.
    XML_SetStartDoctypeDeclHandler(p, &XmlPart::OnDoctype);
    return part;
  }

  // Parses on until the handler pauses (true) or the part ends (false).
  StatusOr<bool> Parse() {
    while (true) {
      if (!failure_.ok()) return failure_;
      if (finished_) return false;
      XML_Status status;
      if (suspended_) {
        suspended_ = false;
        status = XML_ResumeParser(parser_.get());
      } else {
        void* buffer = XML_GetBuffer(parser_.get(), kChunkBytes);
        if (!buffer) return Fail(Internal("XML 解析器内存不足"));
        zip_int64_t n = zip_fread(file_.get(), buffer, kChunkBytes);
        if (n < 0) {
          return Fail(InvalidArgument(QuotedFile(file_name_) + "已损坏，解压 " + name_ +
                                      " 时出错（" + zip_file_strerror(file_.get()) + "）"));
        }
        // Counted as inflated, so a part that declares less than it holds
        // stops at its bound all the same.
        read_ += static_cast<std::size_t>(n);
        if (read_ > max_bytes_) return Fail(archive_->TooLarge(name_, max_bytes_));
        Status counted = archive_->CountInflated(static_cast<std::size_t>(n), name_);
        if (!counted.ok()) return Fail(std::move(counted));
        final_ = n == 0;
        status = XML_ParseBuffer(parser_.get(), static_cast<int>(n), final_);
      }
      if (!handler_->error.ok()) return Fail(handler_->error);
      if (handler_->done) {
        finished_ = true;
        return false;
      }
      if (status == XML_STATUS_SUSPENDED) {
        suspended_ = true;
        return true;
      }
      if (status == XML_STATUS_ERROR) {
        XML_Parser p = parser_.get();
        return Fail(InvalidArgument(QuotedFile(file_name_) + "已损坏：" + name_ +
                                    " 不是有效的 XML（第 " +
                                    std::to_string(XML_GetCurrentLineNumber(p)) + " 行：" +
                                    XML_ErrorString(XML_GetErrorCode(p)) + "）"));
      }
      if (final_) {
        finished_ = true;
        return false;
      }
    }
  }

  Status ParseAll() {
    StatusOr<bool> paused = Parse();
    while (paused.ok() && *paused) paused = Parse();
    return paused.ok() ? Status::Ok() : paused.status();
  }

 private:
  XmlPart(ZipFilePtr file, ParserPtr parser, XmlHandler* handler, Archive* archive,
          std::string name, std::size_t max_bytes)
      : file_(std::move(file)),
        parser_(std::move(parser)),
        handler_(handler),
        archive_(archive),
        file_name_(archive->file()),
        name_(std::move(name)),
        max_bytes_(max_bytes) {}

  Status Fail(Status status) {
    failure_ = std::move(status);
    return failure_;
  }

  // After a stop, expat may still deliver an event or two; they are dropped.
  void AfterEvent() {
    if (stopped_) return;
    if (!handler_->error.ok() || handler_->done) {
      stopped_ = true;
      XML_StopParser(parser_.get(), XML_FALSE);
    } else if (handler_->pause) {
      handler_->pause = false;
      XML_StopParser(parser_.get(), XML_TRUE);
    }
  }

  static void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** attributes) {
    auto* part = static_cast<XmlPart*>(data);
    if (part->stopped_) return;
    if (++part->depth_ > kMaxXmlDepth) {
      part->handler_->error = InvalidArgument(QuotedFile(part->file_name_) + "已损坏：" +
                                              part->name_ + " 的 XML 嵌套过深");
    } else {
      part->handler_->Start(LocalName(name), attributes);
    }
    part->AfterEvent();
  }

  static void XMLCALL OnEnd(void* data, const XML_Char* name) {
    auto* part = static_cast<XmlPart*>(data);
    if (part->stopped_) return;
    --part->depth_;
    part->handler_->End(LocalName(name));
    part->AfterEvent();
  }

  static void XMLCALL OnText(void* data, const XML_Char* text, int length) {
    auto* part = static_cast<XmlPart*>(data);
    if (part->stopped_) return;
    part->handler_->Text(std::string_view(text, static_cast<std::size_t>(length)));
    part->AfterEvent();
  }

  static void XMLCALL OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*,
                                int) {
    auto* part = static_cast<XmlPart*>(data);
    if (part->stopped_) return;
    part->handler_->error =
        InvalidArgument(QuotedFile(part->file_name_) + "不是有效的 xlsx 文件：" + part->name_ +
                        " 含有 DOCTYPE 声明");
    part->AfterEvent();
  }

  ZipFilePtr file_;
  ParserPtr parser_;
  XmlHandler* handler_;
  Archive* archive_;
  std::string file_name_;
  std::string name_;
  std::size_t max_bytes_;
  std::size_t read_ = 0;
  int depth_ = 0;
  bool final_ = false;
  bool suspended_ = false;
  bool stopped_ = false;
  bool finished_ = false;
  Status failure_;
};

Status ParsePart(Archive& archive, const std::string& name, XmlHandler* handler) {
  StatusOr<std::unique_ptr<XmlPart>> part =
      XmlPart::Open(archive, name, handler, archive.limits().max_other_part_bytes);
  if (!part.ok()) return part.status();
  return (*part)->ParseAll();
}

// ---- Package structure ---------------------------------------------------

struct Relationship {
  std::string id, type, target;
};

class RelationshipsHandler final : public XmlHandler {
 public:
  void Start(std::string_view name, const char** attributes) override {
    if (name != "Relationship" || relationships.size() >= kMaxRelationships) return;
    const char* id = Attribute(attributes, "Id");
    const char* type = Attribute(attributes, "Type");
    const char* target = Attribute(attributes, "Target");
    const char* mode = Attribute(attributes, "TargetMode");
    if (!id || !type || !target || (mode && std::string_view(mode) == "External")) return;
    relationships.push_back({id, type, target});
  }
  void End(std::string_view) override {}

  std::vector<Relationship> relationships;
};

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// A relationship target, relative to the folder of the part that names it,
// as a path inside the archive.
std::string ResolveTarget(std::string_view folder, std::string_view target) {
  std::string joined = target.starts_with('/') ? std::string(target.substr(1))
                                               : std::string(folder) + std::string(target);
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= joined.size()) {
    std::size_t slash = std::min(joined.find('/', start), joined.size());
    std::string segment = joined.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(std::move(segment));
    }
    start = slash + 1;
  }
  std::string out;
  for (const std::string& segment : segments) {
    if (!out.empty()) out += '/';
    out += segment;
  }
  return out;
}

std::string FolderOf(std::string_view part) {
  std::size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(part.substr(0, slash + 1));
}

std::string RelationshipsPartOf(std::string_view part) {
  std::size_t slash = part.rfind('/');
  std::string_view base = slash == std::string_view::npos ? part : part.substr(slash + 1);
  return FolderOf(part) + "_rels/" + std::string(base) + ".rels";
}

struct SheetEntry {
  std::string relationship_id;
  bool hidden = false;
};

class WorkbookHandler final : public XmlHandler {
 public:
  void Start(std::string_view name, const char** attributes) override {
    if (name == "workbookPr") {
      const char* value = Attribute(attributes, "date1904");
      date1904 = value && (std::string_view(value) == "1" || std::string_view(value) == "true");
    } else if (name == "sheet" && sheets.size() < kMaxSheets) {
      const char* id = Attribute(attributes, "id");  // r:id
      const char* state = Attribute(attributes, "state");
      if (id) sheets.push_back({id, state && std::string_view(state) != "visible"});
    }
  }
  void End(std::string_view name) override {
    if (name == "sheets") done = true;  // nothing after the sheet list matters
  }

  bool date1904 = false;
  std::vector<SheetEntry> sheets;
};

// ---- Shared strings and styles -------------------------------------------

// The shared strings, kept whole while the sheet is read: their text one
// after the other in blocks of 1 MiB that never move, and a 4-byte offset per
// string. Per-string objects would cost more than the text itself, and one
// growing buffer would hold its old and new copies at once each time it
// doubled, half as much again as the text.
class SharedStrings {
 public:
  // Offsets are 32-bit: the text kept is bounded below this.
  static constexpr std::size_t kMaxBytes = UINT32_MAX;

  std::size_t size() const { return starts_.size(); }
  std::size_t bytes() const { return bytes_; }
  std::string Get(std::size_t i) const {
    std::size_t at = starts_[i];
    std::size_t end = i + 1 < starts_.size() ? starts_[i + 1] : bytes_;
    std::string out;
    out.reserve(end - at);
    while (at < end) {
      const std::string& block = blocks_[at / kBlockBytes];
      std::size_t offset = at % kBlockBytes;
      std::size_t n = std::min(end - at, block.size() - offset);
      out.append(block, offset, n);
      at += n;
    }
    return out;
  }
  // The caller keeps bytes() + s.size() within kMaxBytes.
  void Add(std::string_view s) {
    starts_.push_back(static_cast<uint32_t>(bytes_));
    bytes_ += s.size();
    while (!s.empty()) {
      if (blocks_.empty() || blocks_.back().size() == kBlockBytes) {
        blocks_.emplace_back().reserve(kBlockBytes);
      }
      std::string& block = blocks_.back();
      std::size_t n = std::min(s.size(), kBlockBytes - block.size());
      block.append(s.substr(0, n));
      s.remove_prefix(n);
    }
  }

 private:
  static constexpr std::size_t kBlockBytes = std::size_t{1} << 20;
  std::vector<std::string> blocks_;  // all full but the last
  std::vector<uint32_t> starts_;
  std::size_t bytes_ = 0;
};

// Collects the text of a string item (<si> or <is>): its <t>, or the <t> of
// each rich-text run <r>, never the phonetic guide <rPh>.
class RichText {
 public:
  void Start(std::string_view name) {
    if (name == "rPh") ++phonetic_depth_;
    if (name == "t" && phonetic_depth_ == 0) in_text_ = true;
  }
  void End(std::string_view name) {
    if (name == "rPh" && phonetic_depth_ > 0) --phonetic_depth_;
    if (name == "t") in_text_ = false;
  }
  bool collecting() const { return in_text_; }
  void Reset() {
    phonetic_depth_ = 0;
    in_text_ = false;
  }

 private:
  int phonetic_depth_ = 0;
  bool in_text_ = false;
};

class SharedStringsHandler final : public XmlHandler {
 public:
  SharedStringsHandler(SharedStrings* strings, const Archive& archive, std::string_view part)
      : strings_(strings),
        file_(archive.file()),
        part_(part),
        max_strings_(archive.limits().max_shared_strings),
        max_bytes_(std::min(archive.limits().max_shared_string_bytes, SharedStrings::kMaxBytes)) {}

  void Start(std::string_view name, const char**) override {
    if (name == "si") {
      in_item_ = true;
      text_.clear();
      rich_.Reset();
    } else if (in_item_) {
      rich_.Start(name);
    }
  }
  void End(std::string_view name) override {
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
  void Text(std::string_view text) override {
    if (!rich_.collecting()) return;
    if (text_.size() + text.size() > kMaxCellBytes) {
      error = InvalidArgument(QuotedFile(file_) + "有超过 1 MB 的单元格文字，无法读取");
      return;
    }
    text_.append(text);
  }

 private:
  SharedStrings* strings_;
  std::string_view file_;
  std::string part_;
  std::size_t max_strings_;
  std::size_t max_bytes_;
  bool in_item_ = false;
  RichText rich_;
  std::string text_;
};

class StylesHandler final : public XmlHandler {
 public:
  void Start(std::string_view name, const char** attributes) override {
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
  void End(std::string_view name) override {
    if (name == "numFmts") in_formats_ = false;
    if (name == "cellXfs") in_cell_formats_ = false;
  }

  // The kind of number each cell format (a cell's s="…") shows.
  std::vector<NumberKind> Kinds() const {
    std::vector<NumberKind> kinds;
    kinds.reserve(format_ids_.size());
    for (int id : format_ids_) {
      auto custom = custom_.find(id);
      kinds.push_back(custom != custom_.end() ? custom->second : BuiltInKind(id));
    }
    return kinds;
  }

 private:
  bool in_formats_ = false;
  bool in_cell_formats_ = false;
  std::unordered_map<int, NumberKind> custom_;
  std::vector<int> format_ids_;
};

// ---- The worksheet -------------------------------------------------------

class SheetHandler final : public XmlHandler {
 public:
  SheetHandler(const SharedStrings* strings, const std::vector<NumberKind>* kinds, bool date1904,
               std::string_view file, std::size_t max_cell_text_bytes)
      : strings_(strings),
        kinds_(kinds),
        date1904_(date1904),
        file_(file),
        max_cell_text_bytes_(max_cell_text_bytes) {}

  void Start(std::string_view name, const char** attributes) override {
    if (in_cell_) {
      if (name == "v") {
        in_value_ = true;
      } else if (name == "is") {
        in_inline_ = true;
        rich_.Reset();
      } else if (in_inline_) {
        rich_.Start(name);
      }
    } else if (name == "c" && in_row_) {
      StartCell(attributes);
    } else if (name == "row" && in_data_) {
      StartRow(attributes);
    } else if (name == "sheetData") {
      in_data_ = true;
    }
  }

  void End(std::string_view name) override {
    if (in_cell_) {
      if (name == "c") {
        EndCell();
      } else if (name == "v") {
        in_value_ = false;
      } else if (name == "is") {
        in_inline_ = false;
      } else if (in_inline_) {
        rich_.End(name);
      }
    } else if (name == "row" && in_row_) {
      in_row_ = false;
      last_row_ = row_;
      std::size_t cost = row_bytes_ + cells_.size() * sizeof(std::string);
      ready_bytes_ += cost;
      ready.push_back({std::move(cells_), row_, cost});
      cells_.clear();
      // Suspending after every row would cost more than the parse itself;
      // a batch bounded in bytes keeps memory as flat.
      if (ready.size() >= kRowsPerBatch || ready_bytes_ >= kBytesPerBatch) pause = true;
    } else if (name == "sheetData") {
      done = true;
    }
  }

  void Text(std::string_view text) override {
    std::string* target = nullptr;
    if (in_value_) {
      target = &value_;
    } else if (in_inline_ && rich_.collecting()) {
      target = &inline_;
    } else {
      return;
    }
    if (target->size() + text.size() > kMaxCellBytes) {
      error = CellError("单元格文字超过 1 MB");
      return;
    }
    target->append(text);
  }

  struct Row {
    std::vector<std::string> cells;
    long number;
    std::size_t bytes;  // memory held, roughly
  };
  // Rows parsed and not yet taken; the taker calls Taken() after each.
  std::deque<Row> ready;
  void Taken(const Row& row) { ready_bytes_ -= row.bytes; }

 private:
  void StartRow(const char** attributes) {
    const char* r = Attribute(attributes, "r");
    std::optional<long> number = r ? ParseUnsigned<long>(r) : std::nullopt;
    row_ = number.value_or(last_row_ + 1);
    if (row_ < 1 || row_ > kMaxRows) {
      error = InvalidArgument(QuotedFile(file_) + "已损坏：工作表的行号 " + std::to_string(row_) +
                              " 超出 Excel 的范围");
      return;
    }
    in_row_ = true;
    next_column_ = 0;
    row_bytes_ = 0;
    cells_.clear();
  }

  void StartCell(const char** attributes) {
    in_cell_ = true;
    value_.clear();
    inline_.clear();
    column_ = next_column_;
    if (const char* r = Attribute(attributes, "r")) {
      std::size_t column = 0;
      const char* p = r;
      for (; *p && std::isalpha(static_cast<unsigned char>(*p)) && p - r < 4; ++p) {
        column = column * 26 + static_cast<std::size_t>((*p | 0x20) - 'a' + 1);
      }
      if (p != r) column_ = column - 1;
    }
    if (column_ >= kMaxColumns) {
      error = InvalidArgument(QuotedFile(file_) + "已损坏：第 " + std::to_string(row_) +
                              " 行的单元格超出 Excel 的 16384 列");
      return;
    }
    const char* type = Attribute(attributes, "t");
    type_ = type ? type : "n";
    const char* style = Attribute(attributes, "s");
    style_ = style ? ParseUnsigned<std::size_t>(style).value_or(0) : 0;
  }

  void EndCell() {
    in_cell_ = false;
    in_value_ = in_inline_ = false;
    next_column_ = column_ + 1;
    std::string text;
    if (type_ == "s") {
      if (!value_.empty()) {
        std::optional<std::size_t> index = ParseUnsigned<std::size_t>(value_);
        if (!index || *index >= strings_->size()) {
          error = CellError("共享字符串编号「" + value_ + "」无效");
          return;
        }
        text = strings_->Get(*index);
      }
    } else if (type_ == "inlineStr") {
      text = inline_.empty() ? value_ : inline_;
      DecodeEscapes(&text);
    } else if (type_ == "str" || type_ == "e") {
      text = value_;
      DecodeEscapes(&text);
    } else if (type_ == "b") {
      text = value_ == "1" ? "TRUE" : value_ == "0" ? "FALSE" : value_;
    } else if (type_ == "d") {
      // ISO 8601 (strict OOXML); a midnight time adds nothing to a date.
      text = value_;
      if (text.size() > 10 && text[10] == 'T') {
        std::string_view time = std::string_view(text).substr(11);
        if (time.find_first_not_of("0:.Z") == std::string_view::npos) {
          text.resize(10);
        } else {
          text[10] = ' ';
        }
      }
    } else if (!value_.empty()) {
      NumberKind kind = style_ < kinds_->size() ? (*kinds_)[style_] : NumberKind::kPlain;
      text = FormatNumber(value_, kind, date1904_);
    } else if (!inline_.empty()) {
      text = inline_;  // <is> without t="inlineStr", as some writers do
    }
    if (text.empty()) return;
    // Shared strings are short to refer to and long to copy: a bound per row
    // and one on the whole sheet keep a hostile sheet from multiplying one
    // long string.
    row_bytes_ += text.size();
    if (row_bytes_ > kMaxRowBytes) {
      error = CellError("所在的行文字超过 32 MB");
      return;
    }
    cell_text_bytes_ += text.size();
    if (cell_text_bytes_ > max_cell_text_bytes_) {
      error = InvalidArgument(QuotedFile(file_) + "的单元格文字合计超过 " +
                              SizeText(max_cell_text_bytes_) + "（第 " + std::to_string(row_) +
                              " 行）" + std::string(kTooLargeAdvice));
      return;
    }
    if (cells_.size() <= column_) cells_.resize(column_ + 1);
    cells_[column_] = std::move(text);
  }

  Status CellError(const std::string& what) const {
    return InvalidArgument(QuotedFile(file_) + "已损坏：第 " + std::to_string(row_) + " 行 " +
                           ColumnName(column_) + " 列" + what);
  }

  const SharedStrings* strings_;
  const std::vector<NumberKind>* kinds_;
  bool date1904_;
  std::string_view file_;
  std::size_t max_cell_text_bytes_;
  std::size_t cell_text_bytes_ = 0;  // handed out so far

  bool in_data_ = false, in_row_ = false, in_cell_ = false;
  bool in_value_ = false, in_inline_ = false;
  RichText rich_;
  long row_ = 0, last_row_ = 0;
  std::size_t column_ = 0, next_column_ = 0;
  std::string type_;
  std::size_t style_ = 0;
  std::string value_, inline_;
  std::vector<std::string> cells_;  // of the row being read
  std::size_t row_bytes_ = 0;
  std::size_t ready_bytes_ = 0;
};

class XlsxRecords final : public RecordSource {
 public:
  static StatusOr<std::unique_ptr<RecordSource>> Open(std::unique_ptr<Archive> archive) {
    auto records = std::unique_ptr<XlsxRecords>(new XlsxRecords(std::move(archive)));
    TP_RETURN_IF_ERROR(records->Load());
    return std::unique_ptr<RecordSource>(std::move(records));
  }

  std::string_view Format() const override { return "xlsx"; }

  StatusOr<bool> NextRecord(std::vector<std::string>* cells, long* row_number) override {
    while (true) {
      if (!handler_->ready.empty()) {
        SheetHandler::Row& row = handler_->ready.front();
        handler_->Taken(row);
        *cells = std::move(row.cells);
        *row_number = row.number;
        handler_->ready.pop_front();
        return true;
      }
      StatusOr<bool> paused = sheet_->Parse();
      // Rows read before damage or the end are handed out first.
      if (!handler_->ready.empty()) continue;
      if (!paused.ok()) return paused.status();
      if (!*paused) return false;
    }
  }

 private:
  explicit XlsxRecords(std::unique_ptr<Archive> archive) : archive_(std::move(archive)) {}

  Status NotAWorkbook() const {
    const Archive& a = *archive_;
    std::string what = a.Has("content.xml")            ? "是 OpenDocument（.ods 等）文件"
                       : a.Has("word/document.xml")    ? "是 Word 文档"
                       : a.Has("ppt/presentation.xml") ? "是 PowerPoint 文档"
                                                       : "是压缩包，但其中没有 Excel 工作簿";
    return InvalidArgument(QuotedFile(a.file()) + what +
                           "，不是 xlsx 表格；请在 Excel 中另存为 .xlsx");
  }

  // Finds the first visible worksheet, then reads the shared strings and styles.
  Status Load() {
    const std::string& file = archive_->file();
    std::string workbook = "xl/workbook.xml";
    RelationshipsHandler package;
    if (archive_->Has("_rels/.rels")) {
      TP_RETURN_IF_ERROR(ParsePart(*archive_, "_rels/.rels", &package));
      for (const Relationship& r : package.relationships) {
        if (EndsWith(r.type, "/officeDocument")) {
          workbook = ResolveTarget("", r.target);
          break;
        }
      }
    }
    if (!archive_->Has(workbook)) return NotAWorkbook();
    WorkbookHandler book;
    TP_RETURN_IF_ERROR(ParsePart(*archive_, workbook, &book));

    RelationshipsHandler links;
    std::string links_part = RelationshipsPartOf(workbook);
    if (!archive_->Has(links_part)) {
      return InvalidArgument(QuotedFile(file) + "已损坏：缺少 " + links_part);
    }
    TP_RETURN_IF_ERROR(ParsePart(*archive_, links_part, &links));
    std::string folder = FolderOf(workbook);
    std::string sheet, strings_part, styles_part;
    std::unordered_map<std::string_view, const Relationship*> by_id;
    for (const Relationship& r : links.relationships) by_id.emplace(r.id, &r);
    bool sheet_hidden = true;
    for (const SheetEntry& entry : book.sheets) {
      auto link = by_id.find(entry.relationship_id);
      if (link == by_id.end() || !EndsWith(link->second->type, "/worksheet")) continue;
      // Hidden sheets hold drop-down lists; the data is on the first visible one.
      if (sheet.empty() || (sheet_hidden && !entry.hidden)) {
        sheet = ResolveTarget(folder, link->second->target);
        sheet_hidden = entry.hidden;
      }
      if (!sheet_hidden) break;
    }
    for (const Relationship& r : links.relationships) {
      if (strings_part.empty() && EndsWith(r.type, "/sharedStrings")) {
        strings_part = ResolveTarget(folder, r.target);
      }
      if (styles_part.empty() && EndsWith(r.type, "/styles")) {
        styles_part = ResolveTarget(folder, r.target);
      }
    }
    if (sheet.empty()) return InvalidArgument(QuotedFile(file) + "中没有工作表");

    const XlsxLimits& limits = archive_->limits();
    if (!strings_part.empty() && archive_->Has(strings_part)) {
      SharedStringsHandler strings(&strings_, *archive_, strings_part);
      StatusOr<std::unique_ptr<XmlPart>> part = XmlPart::Open(
          *archive_, strings_part, &strings, limits.max_shared_strings_part_bytes);
      if (!part.ok()) return part.status();
      TP_RETURN_IF_ERROR((*part)->ParseAll());
    }
    if (!styles_part.empty() && archive_->Has(styles_part)) {
      StylesHandler styles;
      TP_RETURN_IF_ERROR(ParsePart(*archive_, styles_part, &styles));
      kinds_ = styles.Kinds();
    }
    handler_ = std::make_unique<SheetHandler>(&strings_, &kinds_, book.date1904, file,
                                              limits.max_cell_text_bytes);
    StatusOr<std::unique_ptr<XmlPart>> part =
        XmlPart::Open(*archive_, sheet, handler_.get(), limits.max_sheet_bytes);
    if (!part.ok()) {
      if (part.status().code() == StatusCode::kNotFound) {
        return InvalidArgument(QuotedFile(file) + "已损坏：找不到工作表 " + sheet);
      }
      return part.status();
    }
    sheet_ = std::move(part).value();
    return Status::Ok();
  }

  // Declared in the order they depend on each other; destroyed in reverse.
  std::unique_ptr<Archive> archive_;
  SharedStrings strings_;
  std::vector<NumberKind> kinds_;
  std::unique_ptr<SheetHandler> handler_;
  std::unique_ptr<XmlPart> sheet_;
};

}  // namespace

StatusOr<std::unique_ptr<RecordSource>> OpenXlsxFileRecords(const std::string& path,
                                                            std::string file,
                                                            const XlsxLimits& limits) {
  StatusOr<std::unique_ptr<Archive>> archive = Archive::OpenFile(path, std::move(file), limits);
  if (!archive.ok()) return archive.status();
  return XlsxRecords::Open(std::move(archive).value());
}

StatusOr<std::unique_ptr<RecordSource>> OpenXlsxBytesRecords(std::string bytes, std::string file,
                                                             const XlsxLimits& limits) {
  StatusOr<std::unique_ptr<Archive>> archive =
      Archive::OpenBytes(std::move(bytes), std::nullopt, std::move(file), limits);
  if (!archive.ok()) return archive.status();
  return XlsxRecords::Open(std::move(archive).value());
}

StatusOr<std::unique_ptr<RecordSource>> OpenXlsxBorrowedRecords(std::string_view bytes,
                                                                std::string file,
                                                                const XlsxLimits& limits) {
  StatusOr<std::unique_ptr<Archive>> archive =
      Archive::OpenBytes("", bytes, std::move(file), limits);
  if (!archive.ok()) return archive.status();
  return XlsxRecords::Open(std::move(archive).value());
}

}  // namespace tp::registry::table_internal
