// What an uploaded file is, by its content and never by its name: a JPEG or PNG photo with its
// dimensions and resolution, or a PDF that opens, with its page count. A file whose content is
// none of these (a PDF renamed .jpg, a Word file, an encrypted PDF) is refused with a message
// that names the file and says what it is.
//
// Images are read from their headers: JPEG's frame header (SOF) for the size and its JFIF
// segment or EXIF resolution for the dots per inch; PNG's IHDR and pHYs chunks. PDFs are opened
// with poppler (Debian's libpoppler-cpp), the library behind pdfinfo and pdftotext, so "opens"
// means what it means to the office's own PDF readers.
#pragma once

#include <string>
#include <string_view>

#include "registry/base/status.h"

namespace tp::registry {

enum class ContentKind { kImage, kPdf };

struct ContentFacts {
  ContentKind kind = ContentKind::kImage;
  std::string content_type;  // image/jpeg, image/png, application/pdf
  int width = 0;             // pixels, images only
  int height = 0;
  int dpi = 0;    // dots per inch the image declares; 0 when it declares none
  int pages = 0;  // PDFs only
};

// Inspects `bytes`; InvalidArgument naming `filename` when they are no photo or PDF we accept.
StatusOr<ContentFacts> InspectContent(std::string_view bytes, std::string_view filename);

}  // namespace tp::registry
