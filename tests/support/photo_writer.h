// Photos and PDF scans the tests make themselves with Debian's python3-pil (Pillow; installed by
// scripts/install-deps.sh test): real JPEG, PNG and PDF files, written by a library independent of
// the reader under test.
#pragma once

#include <string>

#include "support/python_writer.h"
#include "support/temp_dir.h"

namespace tp::testing {

// A photo of `width` x `height` pixels of noise (noise does not compress: a large photo is a large
// file), saved as `format` ("JPEG" or "PNG") declaring `dpi` (0: no resolution).
inline std::string MakePhoto(const TempDir& dir, const std::string& format, int width, int height,
                             int dpi) {
  const std::string out = dir / ("photo-" + std::to_string(width) + "x" + std::to_string(height) +
                                 "-" + std::to_string(dpi) + "." + format);
  RunPythonWriter(
      dir, "os, PIL.Image", R"py(fmt, w, h, dpi = args[0], int(args[1]), int(args[2]), int(args[3])
im = PIL.Image.frombytes("RGB", (w, h), os.urandom(w * h * 3))
options = {"quality": 95} if fmt == "JPEG" else {}
if dpi:
    options["dpi"] = (dpi, dpi)
im.save(out, fmt, **options)
)py",
      out, {format, std::to_string(width), std::to_string(height), std::to_string(dpi)});
  return ReadFileBytes(out);
}

// A scan as PDF: `pages` pages of an A4 page image at 100 dpi.
inline std::string MakePdfScan(const TempDir& dir, int pages) {
  const std::string out = dir / ("scan-" + std::to_string(pages) + ".pdf");
  RunPythonWriter(dir, "PIL.Image", R"py(n = int(args[0])
pages = [PIL.Image.new("L", (827, 1169), 255 - 20 * i) for i in range(n)]
pages[0].save(out, "PDF", resolution=100, save_all=True, append_images=pages[1:])
)py",
                  out, {std::to_string(pages)});
  return ReadFileBytes(out);
}

}  // namespace tp::testing
