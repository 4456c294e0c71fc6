// Internals of the XLSX reader, shared by its files: the archive and its XML
// parts (xlsx_archive.cc), the shared strings, cell styles and number formats
// (xlsx_styles.cc), and the package structure and worksheet (xlsx_reader.cc).
// Only registry/tables/ includes this header.
#pragma once

#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "registry/base/status.h"
#include "registry/tables/table_reader.h"

namespace tp::registry::table_internal::xlsx {

// "x:row" -> "row": prefixes differ between writers, local names do not.
std::string_view LocalName(const char* name);

// The value of the attribute named `local` (any prefix); null when absent.
const char* Attribute(const char** attributes, std::string_view local);

// A bound for messages: "64 MB", "100 KB".
std::string SizeText(std::size_t bytes);

// How a message ends when a workbook is past a bound: a real table that large
// can still come in, as CSV, which is read as a stream.
inline constexpr std::string_view kTooLargeAdvice =
    "，无法读取；如确是这么大的表，请另存为 CSV（UTF-8）或分批上传";

template <typename T>
std::optional<T> ParseUnsigned(std::string_view text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// OOXML writes characters XML cannot carry as _xHHHH_ (a line feed from a
// Mac is _x000D_); "_x005F_" escapes a literal underscore.
void DecodeEscapes(std::string* text);

// ---- Number formats ------------------------------------------------------

enum class NumberKind : uint8_t { kPlain, kDate, kDateTime, kTime };

// A numeric cell's value as Excel shows it under a format of `kind`: numbers
// in full, dates and times as ISO text; `raw` itself when it is no number.
std::string FormatNumber(const std::string& raw, NumberKind kind, bool date1904);
// A number as Excel shows it in a General cell: integers whole, never 1.38E+10.
std::string FormatPlainNumber(double value);

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
                                                     const XlsxLimits& limits);

  // The archive in memory, read in place: `borrowed` when given (the caller
  // keeps it alive), else `owned`, which the Archive keeps alive.
  static StatusOr<std::unique_ptr<Archive>> OpenBytes(std::string owned,
                                                      std::optional<std::string_view> borrowed,
                                                      std::string file, const XlsxLimits& limits);

  const std::string& file() const { return file_; }
  const XlsxLimits& limits() const { return limits_; }

  bool Has(const std::string& name) const { return Locate(name) >= 0; }

  // Opens part `name` for reading; NotFound when the archive has no such part.
  // A part whose declared size is past `max_bytes` is refused before any of it
  // is inflated; one that declares less is still counted as it inflates.
  StatusOr<ZipFilePtr> Open(const std::string& name, std::size_t max_bytes) const;

  Status TooLarge(const std::string& name, std::size_t max_bytes) const;

  // Counts `bytes` more inflated from part `name` against the workbook's bound.
  Status CountInflated(std::size_t bytes, const std::string& name);

 private:
  Archive(ZipPtr zip, std::string bytes, std::string file, const XlsxLimits& limits)
      : bytes_(std::move(bytes)), zip_(std::move(zip)), file_(std::move(file)), limits_(limits) {}

  static Status OpenError(int code, std::string_view file);
  Status Encrypted() const;
  zip_int64_t Locate(const std::string& name) const;

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
                                                 XmlHandler* handler, std::size_t max_bytes);

  // Parses on until the handler pauses (true) or the part ends (false).
  StatusOr<bool> Parse();

  Status ParseAll();

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

  Status Fail(Status status);
  // After a stop, expat may still deliver an event or two; they are dropped.
  void AfterEvent();

  static void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** attributes);
  static void XMLCALL OnEnd(void* data, const XML_Char* name);
  static void XMLCALL OnText(void* data, const XML_Char* text, int length);
  static void XMLCALL OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int);

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

// Parses the whole of a part other than the sheet and the shared strings,
// under XlsxLimits::max_other_part_bytes.
Status ParsePart(Archive& archive, const std::string& name, XmlHandler* handler);

}  // namespace tp::registry::table_internal::xlsx

namespace tp::registry::table_internal {

// Whether the archive is a Word document rather than a workbook.
bool IsWordDocument(const xlsx::Archive& archive);
// Its tables as records (docx_reader.cc). The document is read whole here,
// and the archive closed, before the records are handed out.
StatusOr<std::unique_ptr<RecordSource>> OpenDocxRecords(std::unique_ptr<xlsx::Archive> archive,
                                                        const TableOptions& options);

}  // namespace tp::registry::table_internal

namespace tp::registry::table_internal::xlsx {

// ---- Shared strings and styles -------------------------------------------

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

// Reads xl/sharedStrings.xml into `strings`, within the limits of `archive`.
class SharedStringsHandler final : public XmlHandler {
 public:
  SharedStringsHandler(SharedStrings* strings, const Archive& archive, std::string_view part);

  void Start(std::string_view name, const char**) override;
  void End(std::string_view name) override;
  void Text(std::string_view text) override;

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

// Reads the cell formats of xl/styles.xml.
class StylesHandler final : public XmlHandler {
 public:
  void Start(std::string_view name, const char** attributes) override;
  void End(std::string_view name) override;

  // The kind of number each cell format (a cell's s="…") shows.
  std::vector<NumberKind> Kinds() const;

 private:
  bool in_formats_ = false;
  bool in_cell_formats_ = false;
  std::unordered_map<int, NumberKind> custom_;
  std::vector<int> format_ids_;
};

}  // namespace tp::registry::table_internal::xlsx
