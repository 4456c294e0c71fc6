// Zip archives in memory (zip_writer.h), with libzip.
#include "registry/tables/zip_writer.h"

#include <zip.h>

#include <ctime>
#include <memory>

namespace tp::registry {
namespace {

struct ZipDiscard {
  void operator()(zip_t* zip) const { zip_discard(zip); }
};
struct SourceFree {
  void operator()(zip_source_t* source) const { zip_source_free(source); }
};

}  // namespace

StatusOr<std::string> WriteZip(const std::vector<ZipEntry>& entries, int64_t mtime) {
  // libzip writes nothing at all for an archive without entries; an empty zip is its end
  // record alone, which every unzip opens.
  if (entries.empty()) return std::string("PK\x05\x06", 4) + std::string(18, '\0');
  zip_error_t error;
  zip_error_init(&error);
  std::unique_ptr<zip_source_t, SourceFree> target(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!target) return Internal("无法创建压缩包");
  zip_source_keep(target.get());  // the archive's close would free it otherwise
  std::unique_ptr<zip_t, ZipDiscard> zip(zip_open_from_source(target.get(), ZIP_TRUNCATE, &error));
  if (!zip) {
    zip_source_free(target.get());  // undo the keep: open failed, nothing else holds it
    return Internal("无法创建压缩包");
  }
  for (const ZipEntry& entry : entries) {
    zip_source_t* source =
        zip_source_buffer(zip.get(), entry.content.data(), entry.content.size(), 0);
    if (source == nullptr) return Internal("无法写入压缩包中的 " + entry.name);
    const zip_int64_t index = zip_file_add(zip.get(), entry.name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      return Internal("无法写入压缩包中的 " + entry.name);
    }
    const auto at = static_cast<zip_uint64_t>(index);
    zip_file_set_mtime(zip.get(), at, static_cast<time_t>(mtime), 0);
    if (!entry.compress) zip_set_file_compression(zip.get(), at, ZIP_CM_STORE, 0);
  }
  if (zip_close(zip.get()) != 0) return Internal("无法完成压缩包");
  (void)zip.release();  // closed: nothing left to discard
  if (zip_source_open(target.get()) != 0) return Internal("无法读出压缩包");
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_source_stat(target.get(), &stat) != 0 || (stat.valid & ZIP_STAT_SIZE) == 0) {
    zip_source_close(target.get());
    return Internal("无法读出压缩包");
  }
  std::string bytes(stat.size, '\0');
  const zip_int64_t read = zip_source_read(target.get(), bytes.data(), stat.size);
  zip_source_close(target.get());
  if (read != static_cast<zip_int64_t>(stat.size)) return Internal("无法读出压缩包");
  return bytes;
}

}  // namespace tp::registry
