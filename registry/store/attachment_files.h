// The files of attachments (registry/attachments/attachments.h), kept beside the database:
// DIR/attachments/<the key's first two characters>/<key>, each its content sealed under the
// registry's key. The key is a keyed hash of the content, so equal files are one file, and a
// file's name says nothing of what it holds. Backups carry the files (backup.h).
#pragma once

#include <string>
#include <string_view>

#include "registry/base/status.h"

namespace SQLite {
class Database;
}

namespace tp::registry {

class Store;

std::string AttachmentFilesDir(const std::string& registry_dir);
std::string AttachmentFilePath(const std::string& registry_dir, std::string_view key);

// Writes `sealed` as the file of `key`: aside, synced, renamed into place, the folder synced.
// Nothing is written when the file is there already.
Status WriteAttachmentFile(const std::string& registry_dir, std::string_view key,
                           std::string_view sealed);
StatusOr<std::string> ReadAttachmentFile(const std::string& registry_dir, std::string_view key);

// Removes the files that no row of `attachments` in `db` names; the number removed. The caller
// holds the writer, so that no attachment is added meanwhile.
StatusOr<int> RemoveUnnamedAttachmentFiles(SQLite::Database& db, const std::string& registry_dir);

}  // namespace tp::registry
