// The archive and its XML parts: libzip opens the workbook, expat parses each
// part as it inflates, and every byte inflated is counted against XlsxLimits.
#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "registry/tables/internal/xlsx_internal.h"

namespace tp::registry::table_internal::xlsx {
namespace {

constexpr int kChunkBytes = 64 * 1024;
// OOXML nests a few levels deep; anything deeper is not a workbook.
constexpr int kMaxXmlDepth = 128;

}  // namespace

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

std::string SizeText(std::size_t bytes) {
  if (bytes >= (std::size_t{1} << 20) && bytes % (std::size_t{1} << 20) == 0) {
    return std::to_string(bytes >> 20) + " MB";
  }
  if (bytes >= 1024) return std::to_string(bytes / 1024) + " KB";
  return std::to_string(bytes) + " 字节";
}

StatusOr<std::unique_ptr<Archive>> Archive::OpenFile(const std::string& path, std::string file,
                                                     const XlsxLimits& limits) {
  int code = 0;
  ZipPtr zip(zip_open(path.c_str(), ZIP_RDONLY, &code));
  if (!zip) return OpenError(code, file);
  return std::unique_ptr<Archive>(new Archive(std::move(zip), "", std::move(file), limits));
}

StatusOr<std::unique_ptr<Archive>> Archive::OpenBytes(std::string owned,
                                                      std::optional<std::string_view> borrowed,
                                                      std::string file, const XlsxLimits& limits) {
  zip_error_t error;
  zip_error_init(&error);
  auto archive = std::unique_ptr<Archive>(new Archive(nullptr, std::move(owned), file, limits));
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

StatusOr<ZipFilePtr> Archive::Open(const std::string& name, std::size_t max_bytes) const {
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

Status Archive::TooLarge(const std::string& name, std::size_t max_bytes) const {
  return InvalidArgument(QuotedFile(file_) + "的 " + name + " 解压后超过 " + SizeText(max_bytes) +
                         std::string(kTooLargeAdvice));
}

Status Archive::CountInflated(std::size_t bytes, const std::string& name) {
  inflated_ += bytes;
  if (inflated_ <= limits_.max_workbook_bytes) return Status::Ok();
  return InvalidArgument(QuotedFile(file_) + "解压后超过 " + SizeText(limits_.max_workbook_bytes) +
                         "（读到 " + name + " 时）" + std::string(kTooLargeAdvice));
}

Status Archive::OpenError(int code, std::string_view file) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string reason = zip_error_strerror(&error);
  zip_error_fini(&error);
  if (code == ZIP_ER_OPEN || code == ZIP_ER_READ) {
    return InvalidArgument("无法读取" + QuotedFile(file) + "（" + reason + "）");
  }
  return InvalidArgument(QuotedFile(file) + "不是有效的 Excel 或 Word 文件：压缩包已损坏（" + reason + "）");
}

Status Archive::Encrypted() const {
  return InvalidArgument(QuotedFile(file_) + "设置了密码，无法读取；请取消密码后重新保存");
}

zip_int64_t Archive::Locate(const std::string& name) const {
  zip_int64_t index = zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_NOCASE);
  if (index >= 0) return index;
  // Some writers on Windows store "xl\worksheets\sheet1.xml".
  std::string windows = name;
  std::replace(windows.begin(), windows.end(), '/', '\\');
  return zip_name_locate(zip_.get(), windows.c_str(), ZIP_FL_NOCASE);
}

StatusOr<std::unique_ptr<XmlPart>> XmlPart::Open(Archive& archive, const std::string& name,
                                                 XmlHandler* handler, std::size_t max_bytes) {
  StatusOr<ZipFilePtr> file = archive.Open(name, max_bytes);
  if (!file.ok()) return file.status();
  ParserPtr parser(XML_ParserCreate(nullptr));
  if (!parser) return Internal("XML 解析器内存不足");
  auto part = std::unique_ptr<XmlPart>(
      new XmlPart(std::move(file).value(), std::move(parser), handler, &archive, name, max_bytes));
  XML_Parser p = part->parser_.get();
  XML_SetUserData(p, part.get());
  XML_SetElementHandler(p, &XmlPart::OnStart, &XmlPart::OnEnd);
  XML_SetCharacterDataHandler(p, &XmlPart::OnText);
  // OOXML has no DTD; refusing one rules out entity expansion bombs.
  XML_SetStartDoctypeDeclHandler(p, &XmlPart::OnDoctype);
  return part;
}

StatusOr<bool> XmlPart::Parse() {
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
        return Fail(InvalidArgument(QuotedFile(file_name_) + "已损坏，解压 " + name_ + " 时出错（" +
                                    zip_file_strerror(file_.get()) + "）"));
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

Status XmlPart::ParseAll() {
  StatusOr<bool> paused = Parse();
  while (paused.ok() && *paused) paused = Parse();
  return paused.ok() ? Status::Ok() : paused.status();
}

Status XmlPart::Fail(Status status) {
  failure_ = std::move(status);
  return failure_;
}

void XmlPart::AfterEvent() {
  if (stopped_) return;
  if (!handler_->error.ok() || handler_->done) {
    stopped_ = true;
    XML_StopParser(parser_.get(), XML_FALSE);
  } else if (handler_->pause) {
    handler_->pause = false;
    XML_StopParser(parser_.get(), XML_TRUE);
  }
}

void XMLCALL XmlPart::OnStart(void* data, const XML_Char* name, const XML_Char** attributes) {
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

void XMLCALL XmlPart::OnEnd(void* data, const XML_Char* name) {
  auto* part = static_cast<XmlPart*>(data);
  if (part->stopped_) return;
  --part->depth_;
  part->handler_->End(LocalName(name));
  part->AfterEvent();
}

void XMLCALL XmlPart::OnText(void* data, const XML_Char* text, int length) {
  auto* part = static_cast<XmlPart*>(data);
  if (part->stopped_) return;
  part->handler_->Text(std::string_view(text, static_cast<std::size_t>(length)));
  part->AfterEvent();
}

void XMLCALL XmlPart::OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*,
                                int) {
  auto* part = static_cast<XmlPart*>(data);
  if (part->stopped_) return;
  part->handler_->error = InvalidArgument(QuotedFile(part->file_name_) + "不是有效的 Excel 或 Word 文件：" +
                                          part->name_ + " 含有 DOCTYPE 声明");
  part->AfterEvent();
}

Status ParsePart(Archive& archive, const std::string& name, XmlHandler* handler) {
  StatusOr<std::unique_ptr<XmlPart>> part =
      XmlPart::Open(archive, name, handler, archive.limits().max_other_part_bytes);
  if (!part.ok()) return part.status();
  return (*part)->ParseAll();
}

}  // namespace tp::registry::table_internal::xlsx
