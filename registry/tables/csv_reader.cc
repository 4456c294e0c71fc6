// Delimited text (RFC 4180, as Excel writes and reads it), decoded to UTF-8
// chunk by chunk: ICU converts GB18030 and UTF-16 as a stream, so no
// conversion ever needs the whole file.
#include <unicode/ucnv.h>

#include <array>
#include <cstring>
#include <utility>

#include "registry/tables/table_reader.h"

namespace tp::registry::table_internal {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
// The first line is searched this far for the delimiter.
constexpr std::size_t kMaxHeaderScanBytes = std::size_t{1} << 20;

// The bytes read while sniffing, then the rest of the stream.
class PrefixedStream final : public ByteStream {
 public:
  PrefixedStream(std::string prefix, std::unique_ptr<ByteStream> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}

  StatusOr<std::size_t> Read(char* buffer, std::size_t size) override {
    if (prefix_pos_ < prefix_.size()) {
      std::size_t n = std::min(size, prefix_.size() - prefix_pos_);
      std::memcpy(buffer, prefix_.data() + prefix_pos_, n);
      prefix_pos_ += n;
      if (prefix_pos_ == prefix_.size()) std::string().swap(prefix_);
      return n;
    }
    return rest_->Read(buffer, size);
  }

 private:
  std::string prefix_;
  std::size_t prefix_pos_ = 0;
  std::unique_ptr<ByteStream> rest_;
};

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

// Another encoding converted to UTF-8 through ICU's pivot buffer; the
// converters carry a character split between two chunks over to the next.
class ConvertingStream final : public ByteStream {
 public:
  static StatusOr<std::unique_ptr<ByteStream>> Open(std::unique_ptr<ByteStream> in,
                                                    const char* encoding) {
    UErrorCode error = U_ZERO_ERROR;
    ConverterPtr from(ucnv_open(encoding, &error));
    ConverterPtr to(ucnv_open("UTF-8", &error));
    if (U_FAILURE(error)) {
      return Internal(std::string("ICU 无法打开编码转换器 ") + encoding + "：" +
                      u_errorName(error));
    }
    return std::unique_ptr<ByteStream>(
        new ConvertingStream(std::move(in), std::move(from), std::move(to)));
  }

  StatusOr<std::size_t> Read(char* buffer, std::size_t size) override {
    char* target = buffer;
    char* const target_end = buffer + size;
    while (target == buffer) {
      if (source_pos_ == source_.size() && !source_done_) {
        source_.resize(kChunkBytes);
        StatusOr<std::size_t> n = in_->Read(source_.data(), source_.size());
        if (!n.ok()) return n.status();
        source_.resize(*n);
        source_pos_ = 0;
        source_done_ = *n == 0;
      }
      if (source_done_ && flushed_) break;
      const char* source = source_.data() + source_pos_;
      UErrorCode error = U_ZERO_ERROR;
      ucnv_convertEx(to_.get(), from_.get(), &target, target_end, &source,
                     source_.data() + source_.size(), pivot_.data(), &pivot_source_, &pivot_target_,
                     pivot_.data() + pivot_.size(), first_call_, source_done_, &error);
      first_call_ = false;
      source_pos_ = static_cast<std::size_t>(source - source_.data());
      if (error == U_BUFFER_OVERFLOW_ERROR) break;  // the rest waits in the pivot
      if (U_FAILURE(error)) return Internal(std::string("编码转换失败：") + u_errorName(error));
      if (source_done_) flushed_ = true;
    }
    return static_cast<std::size_t>(target - buffer);
  }

 private:
  ConvertingStream(std::unique_ptr<ByteStream> in, ConverterPtr from, ConverterPtr to)
      : in_(std::move(in)), from_(std::move(from)), to_(std::move(to)) {}

  std::unique_ptr<ByteStream> in_;
  ConverterPtr from_;
  ConverterPtr to_;
  std::string source_;
  std::size_t source_pos_ = 0;
  bool source_done_ = false;
  bool flushed_ = false;
  bool first_call_ = true;
  std::array<UChar, 4096> pivot_{};
  UChar* pivot_source_ = pivot_.data();
  UChar* pivot_target_ = pivot_.data();
};

class CsvRecords final : public RecordSource {
 public:
  // `in` yields UTF-8.
  CsvRecords(std::unique_ptr<ByteStream> in, std::string_view format, bool may_be_ill_formed,
             std::string file)
      : in_(std::move(in)),
        format_(format),
        may_be_ill_formed_(may_be_ill_formed),
        file_(std::move(file)) {}

  std::string_view Format() const override { return format_; }

  // Comma, or tab when the first non-blank line has tabs and no commas
  // (Excel's "Unicode text" and many hand-made files).
  Status DetectDelimiter() {
    std::size_t commas = 0, tabs = 0;
    bool in_quotes = false, content = false;
    for (std::size_t i = pos_;; ++i) {
      if (i == buf_.size()) {
        if (i - pos_ >= kMaxHeaderScanBytes) break;
        StatusOr<bool> more = Refill();
        if (!more.ok()) return more.status();
        if (!*more) break;
      }
      char c = buf_[i];
      if (c == '"') {
        in_quotes = !in_quotes;
        content = true;
      } else if (in_quotes) {
        continue;
      } else if (c == ',') {
        ++commas;
      } else if (c == '\t') {
        ++tabs;
      } else if (c == '\n' || c == '\r') {
        if (content) break;
        commas = tabs = 0;  // a blank line, perhaps of bare delimiters
      } else if (c != ' ') {
        content = true;
      }
    }
    delimiter_ = tabs > 0 && commas == 0 ? '\t' : ',';
    return Status::Ok();
  }

  StatusOr<bool> NextRecord(std::vector<std::string>* cells, long* row_number) override {
    cells->clear();
    if (pos_ == buf_.size()) {
      StatusOr<bool> more = Refill();
      if (!more.ok() || !*more) return more;
    }
    ++record_;
    record_bytes_ = 0;
    *row_number = record_;
    cells->emplace_back();
    bool field_start = true;  // nothing of the current field read yet
    while (true) {
      if (pos_ == buf_.size()) {
        StatusOr<bool> more = Refill();
        if (!more.ok()) return more.status();
        if (!*more) break;
      }
      std::string& cell = cells->back();
      const char* begin = buf_.data() + pos_;
      const char* end = buf_.data() + buf_.size();
      const char* p = begin;
      while (p != end && *p != delimiter_ && *p != '\n' && *p != '\r' && *p != '"') ++p;
      if (p != begin) {
        TP_RETURN_IF_ERROR(Append(&cell, begin, p));
        field_start = false;
        pos_ += static_cast<std::size_t>(p - begin);
        continue;
      }
      char c = *p;
      ++pos_;
      if (c == delimiter_) {
        if (cells->size() >= kMaxColumns) {
          return InvalidArgument(QuotedFile(file_) + "第 " + std::to_string(record_) +
                                 " 行超过 16384 列，无法作为表格读取");
        }
        cells->emplace_back();
        field_start = true;
      } else if (c == '\n') {
        break;
      } else if (c == '\r') {
        if (pos_ == buf_.size()) {
          StatusOr<bool> more = Refill();
          if (!more.ok()) return more.status();
        }
        if (pos_ < buf_.size() && buf_[pos_] == '\n') ++pos_;
        break;
      } else if (field_start) {  // '"' opens a quoted field
        TP_RETURN_IF_ERROR(ReadQuoted(&cell));
        field_start = false;
      } else {  // a stray quote inside a field is text, as Excel reads it
        TP_RETURN_IF_ERROR(Append(&cell, p, p + 1));
      }
    }
    if (may_be_ill_formed_) {
      for (std::string& cell : *cells) ReplaceInvalidUtf8(&cell);
    }
    return true;
  }

 private:
  // Appends more decoded text to the buffer, dropping what has been parsed.
  StatusOr<bool> Refill() {
    if (done_) return false;
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    std::size_t old_size = buf_.size();
    buf_.resize(old_size + kChunkBytes);
    StatusOr<std::size_t> n = in_->Read(buf_.data() + old_size, kChunkBytes);
    if (!n.ok()) return n.status();
    buf_.resize(old_size + *n);
    done_ = *n == 0;
    return !done_;
  }

  Status Append(std::string* cell, const char* begin, const char* end) {
    auto size = static_cast<std::size_t>(end - begin);
    record_bytes_ += size;
    if (cell->size() + size > kMaxCellBytes || record_bytes_ > kMaxRowBytes) {
      return InvalidArgument(QuotedFile(file_) + "第 " + std::to_string(record_) +
                             " 行的单元格过大（超过 1 MB，或整行超过 32 MB），可能是引号没有配对");
    }
    cell->append(begin, end);
    return Status::Ok();
  }

  // The rest of a quoted field, after its opening quote: "" is a quote, line
  // breaks are text. Text after the closing quote is read on as unquoted.
  Status ReadQuoted(std::string* cell) {
    while (true) {
      if (pos_ == buf_.size()) {
        StatusOr<bool> more = Refill();
        if (!more.ok()) return more.status();
        if (!*more) {
          return InvalidArgument(QuotedFile(file_) + "第 " + std::to_string(record_) +
                                 " 行的引号没有配对：从这里到文件末尾都成了一个单元格");
        }
      }
      const char* begin = buf_.data() + pos_;
      const auto* quote = static_cast<const char*>(std::memchr(begin, '"', buf_.size() - pos_));
      const char* end = quote ? quote : buf_.data() + buf_.size();
      TP_RETURN_IF_ERROR(Append(cell, begin, end));
      pos_ += static_cast<std::size_t>(end - begin);
      if (!quote) continue;
      ++pos_;
      if (pos_ == buf_.size()) {
        StatusOr<bool> more = Refill();
        if (!more.ok()) return more.status();
      }
      if (pos_ < buf_.size() && buf_[pos_] == '"') {
        TP_RETURN_IF_ERROR(Append(cell, &buf_[pos_], &buf_[pos_] + 1));
        ++pos_;
        continue;
      }
      return Status::Ok();
    }
  }

  std::unique_ptr<ByteStream> in_;
  std::string_view format_;
  bool may_be_ill_formed_;
  std::string file_;
  std::string buf_;  // decoded text; [pos_, end) is not parsed yet
  std::size_t pos_ = 0;
  bool done_ = false;
  char delimiter_ = ',';
  long record_ = 0;
  std::size_t record_bytes_ = 0;
};

}  // namespace

StatusOr<std::unique_ptr<RecordSource>> OpenCsvRecords(std::string prefix,
                                                       std::unique_ptr<ByteStream> stream,
                                                       TextEncoding encoding, std::string file) {
  std::unique_ptr<ByteStream> in =
      std::make_unique<PrefixedStream>(std::move(prefix), std::move(stream));
  struct Decoding {
    const char* icu_name;  // nullptr: already UTF-8
    std::string_view format;
  };
  Decoding decoding = {nullptr, "csv-utf8"};
  switch (encoding) {
    case TextEncoding::kUtf8: break;
    case TextEncoding::kGb18030: decoding = {"GB18030", "csv-gb18030"}; break;
    case TextEncoding::kUtf16Le: decoding = {"UTF-16LE", "csv-utf16le"}; break;
    case TextEncoding::kUtf16Be: decoding = {"UTF-16BE", "csv-utf16be"}; break;
  }
  StatusOr<std::unique_ptr<ByteStream>> input =
      decoding.icu_name ? ConvertingStream::Open(std::move(in), decoding.icu_name)
                        : StatusOr<std::unique_ptr<ByteStream>>(std::move(in));
  if (!input.ok()) return input.status();
  // Only UTF-8 passes through unchecked; ICU's output is always well-formed.
  auto records = std::make_unique<CsvRecords>(std::move(input).value(), decoding.format,
                                              decoding.icu_name == nullptr, std::move(file));
  TP_RETURN_IF_ERROR(records->DetectDelimiter());
  return std::unique_ptr<RecordSource>(std::move(records));
}

}  // namespace tp::registry::table_internal
