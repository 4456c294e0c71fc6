// Attachment files beside the database (attachment_files.h).
#include "registry/store/attachment_files.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "registry/store/crypto.h"
#include "registry/store/db_handle.h"

namespace tp::registry {
namespace {

namespace fs = std::filesystem;

bool IsKey(std::string_view key) {
  if (key.size() < 16 || key.size() > 128) return false;
  for (char c : key) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status Sync(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Internal("无法打开 " + path + " 以同步到磁盘");
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::Ok() : Internal("无法把 " + path + " 同步到磁盘");
}

}  // namespace

std::string AttachmentFilesDir(const std::string& registry_dir) {
  return registry_dir + "/attachments";
}

std::string AttachmentFilePath(const std::string& registry_dir, std::string_view key) {
  return AttachmentFilesDir(registry_dir) + "/" + std::string(key.substr(0, 2)) + "/" +
         std::string(key);
}

Status WriteAttachmentFile(const std::string& registry_dir, std::string_view key,
                           std::string_view sealed) {
  if (!IsKey(key)) return Internal("附件文件的键无效");
  const std::string path = AttachmentFilePath(registry_dir, key);
  std::error_code ec;
  if (fs::exists(path, ec)) return Status::Ok();
  const std::string folder = fs::path(path).parent_path().string();
  fs::create_directories(folder, ec);
  if (ec) return Internal("无法建立附件目录 " + folder + "：" + ec.message());
  const std::string temp = path + ".part-" + RandomHex(4);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(sealed.data(), static_cast<std::streamsize>(sealed.size()));
    out.close();
    if (!out) {
      fs::remove(temp, ec);
      return Internal("无法写入附件文件 " + temp + "（磁盘已满？）");
    }
  }
  fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write, ec);
  TP_RETURN_IF_ERROR(Sync(temp, O_RDONLY));
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp, ec);
    return Internal("无法保存附件文件 " + path);
  }
  return Sync(folder, O_RDONLY | O_DIRECTORY);
}

StatusOr<std::string> ReadAttachmentFile(const std::string& registry_dir, std::string_view key) {
  if (!IsKey(key)) return Internal("附件文件的键无效");
  const std::string path = AttachmentFilePath(registry_dir, key);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Internal("附件文件 " + path + " 不见了：请从备份恢复");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

StatusOr<int> RemoveUnnamedAttachmentFiles(SQLite::Database& db, const std::string& registry_dir) {
  std::set<std::string> named;
  try {
    SQLite::Statement st(db, "SELECT DISTINCT blob_key FROM attachments");
    while (st.executeStep()) named.insert(st.getColumn(0).getString());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取附件列表");
  }
  const std::string root = AttachmentFilesDir(registry_dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return 0;
  int removed = 0;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string name = it->path().filename().string();
    // A file left half-written by a crash (".part-…") is no one's either.
    if (IsKey(name) && named.contains(name)) continue;
    if (fs::remove(it->path(), ec)) ++removed;
  }
  if (ec) return Internal("无法清理附件目录 " + root + "：" + ec.message());
  return removed;
}

}  // namespace tp::registry
