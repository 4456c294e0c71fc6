#include "registry/tables/bundle.h"

#include <unicode/ucnv.h>
#include <zip.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "registry/tables/internal/xlsx_internal.h"
#include "registry/tables/table_reader.h"

namespace tp::registry {
namespace {

using table_internal::QuotedFile;

struct ZipDiscard {
  void operator()(zip_t* zip) const { zip_discard(zip); }
};
struct ZipFileClose {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

// Opens `bytes` as a zip archive read in place; null when they are none.
std::unique_ptr<zip_t, ZipDiscard> OpenZip(std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* zip = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
  if (source && !zip) zip_source_free(source);
  zip_error_fini(&error);
  return std::unique_ptr<zip_t, ZipDiscard>(zip);
}

// An entry's name as UTF-8: as stored when it is valid UTF-8, else from GB18030.
std::string EntryName(zip_t* zip, zip_uint64_t index) {
  const char* raw = zip_get_name(zip, index, ZIP_FL_ENC_RAW);
  std::string name = raw ? raw : "";
  std::string copy = name;
  if (!ReplaceInvalidUtf8(&copy)) return name;
  UErrorCode status = U_ZERO_ERROR;
  std::string out(name.size() * 3 + 4, '\0');
  int32_t length = ucnv_convert("UTF-8", "GB18030", out.data(), static_cast<int32_t>(out.size()),
                                name.data(), static_cast<int32_t>(name.size()), &status);
  if (U_FAILURE(status)) return copy;
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool Readable(std::string_view name) {
  std::string lower = Lower(name);
  for (std::string_view suffix : {".docx", ".xlsx", ".xls", ".csv"}) {
    if (lower.size() > suffix.size() &&
        lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

bool Ignored(std::string_view name) {
  if (name.empty() || name.back() == '/' || name.rfind("__MACOSX/", 0) == 0) return true;
  std::size_t slash = name.rfind('/');
  std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  // Hidden files, and the lock files Word and Excel leave beside an open document.
  return base.empty() || base[0] == '.' || base.rfind("~$", 0) == 0;
}

}  // namespace

bool IsBundle(std::string_view bytes) {
  if (bytes.substr(0, 4) != std::string_view("PK\x03\x04", 4)) return false;
  auto zip = OpenZip(bytes);
  if (!zip) return false;
  auto has = [&](const char* part) { return zip_name_locate(zip.get(), part, 0) >= 0; };
  // Office and OpenDocument files are zip archives too, with their own markers.
  return !has("[Content_Types].xml") && !has("xl/workbook.xml") && !has("word/document.xml") &&
         !has("mimetype");
}

StatusOr<Bundle> OpenBundle(std::string_view bytes, std::string_view filename,
                            const BundleLimits& limits) {
  const std::string file(filename);
  auto zip = OpenZip(bytes);
  if (!zip) return InvalidArgument(QuotedFile(file) + "不是有效的 zip 压缩包");
  zip_int64_t count = zip_get_num_entries(zip.get(), 0);
  Bundle bundle;
  std::vector<std::pair<std::string, zip_uint64_t>> wanted;
  for (zip_int64_t i = 0; i < count; ++i) {
    auto index = static_cast<zip_uint64_t>(i);
    std::string name = EntryName(zip.get(), index);
    if (Ignored(name)) continue;
    if (!Readable(name)) {
      bundle.skipped.push_back(std::move(name));
      continue;
    }
    if (wanted.size() >= limits.max_files) {
      return InvalidArgument(QuotedFile(file) + "中的文件超过 " + std::to_string(limits.max_files) +
                             " 个，请分批上传");
    }
    wanted.emplace_back(std::move(name), index);
  }
  if (wanted.empty()) {
    return InvalidArgument(QuotedFile(file) + "中没有可导入的文件（.docx、.xlsx、.xls 或 .csv）");
  }
  std::sort(wanted.begin(), wanted.end());
  std::size_t total = 0;
  for (auto& [name, index] : wanted) {
    std::unique_ptr<zip_file_t, ZipFileClose> entry(zip_fopen_index(zip.get(), index, 0));
    if (!entry) {
      int code = zip_error_code_zip(zip_get_error(zip.get()));
      bool encrypted =
          code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP;
      return InvalidArgument(QuotedFile(file) + "中的「" + name + "」" +
                             (encrypted ? "设置了密码，无法解压" : "无法解压，压缩包可能已损坏"));
    }
    std::string content;
    char buffer[64 * 1024];
    while (true) {
      zip_int64_t n = zip_fread(entry.get(), buffer, sizeof buffer);
      if (n < 0) {
        return InvalidArgument(QuotedFile(file) + "中的「" + name + "」解压出错，压缩包可能已损坏");
      }
      if (n == 0) break;
      total += static_cast<std::size_t>(n);
      if (content.size() + static_cast<std::size_t>(n) > limits.max_file_bytes) {
        return InvalidArgument(QuotedFile(file) + "中的「" + name + "」解压后超过 " +
                               table_internal::xlsx::SizeText(limits.max_file_bytes));
      }
      if (total > limits.max_total_bytes) {
        return InvalidArgument(QuotedFile(file) + "解压后超过 " +
                               table_internal::xlsx::SizeText(limits.max_total_bytes) +
                               "，请分批上传");
      }
      content.append(buffer, static_cast<std::size_t>(n));
    }
    bundle.files.push_back({std::move(name), std::move(content)});
  }
  return bundle;
}

}  // namespace tp::registry
