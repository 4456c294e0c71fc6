// A zip archive of documents, as a unit e-mails its forms: one 学员情况表 per
// person as .docx, perhaps a 汇总表 as .xlsx or .xls beside them. Each file of
// a kind OpenTable reads (.docx, .xlsx, .xls, .csv) is taken out in the order
// of its name, so that each can be imported and reported on by name.
//
// Names stored in the local code page (what Chinese Windows writes when the
// archive does not say UTF-8) are read as GB18030. Folders, hidden files and
// the __MACOSX copies are skipped; other files are listed as skipped. What
// the archive may inflate to is bounded per file and in total, counting the
// bytes actually inflated, so a zip bomb is refused naming the file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"

namespace tp::registry {

struct BundleFile {
  std::string name;  // the path inside the archive, UTF-8
  std::string bytes;
};

struct Bundle {
  std::vector<BundleFile> files;
  std::vector<std::string> skipped;  // names of files of other kinds (photos, PDFs…)
};

struct BundleLimits {
  std::size_t max_files = 2000;
  std::size_t max_file_bytes = std::size_t{64} << 20;
  std::size_t max_total_bytes = std::size_t{512} << 20;
};

// Whether `bytes` are a zip archive that is neither a workbook nor a Word
// document: a bundle to open with OpenBundle.
bool IsBundle(std::string_view bytes);

// Takes the files out of the archive in `bytes`; `filename` names it in
// messages. InvalidArgument when it is damaged, encrypted, past a bound, or
// holds no file to read.
StatusOr<Bundle> OpenBundle(std::string_view bytes, std::string_view filename,
                            const BundleLimits& limits = {});

}  // namespace tp::registry
