// A zip archive written in memory: a Word document's parts (forms/), a round's attachments in the
// folders units keep them in (attachments/). Names are stored as UTF-8 and flagged so, which
// Windows' own unzip and WPS read; each entry gets `mtime`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"

namespace tp::registry {

struct ZipEntry {
  std::string name;
  std::string_view content;  // must outlive WriteZip
  bool compress = true;      // false for what is compressed already (JPEG, PNG, PDF)
};

// An empty list gives an empty archive.
StatusOr<std::string> WriteZip(const std::vector<ZipEntry>& entries, int64_t mtime);

}  // namespace tp::registry
