// Uploaded photos and scans through InspectContent (registry/attachments/content.h). The first
// byte picks the shape of the rest: bit 0 set, it is a JPEG after its start marker (FF D8) —
// segments for the hand-written header walk; bit 1 set, a PNG after its signature — chunks;
// neither, the whole file (PDFs reach poppler this way).
// Checks: an accepted image has a size and the magic it was accepted for, a PDF has pages, and a
// refusal is an InvalidArgument that names the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "registry/attachments/content.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tp::registry;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (mode & 1) {
    bytes.insert(0, "\xFF\xD8");
  } else if (mode & 2) {
    bytes.insert(0, "\x89PNG\r\n\x1A\n");
  }
  tp::StatusOr<ContentFacts> facts = InspectContent(bytes, "fuzz.jpg");
  if (!facts.ok()) {
    const std::string& message = facts.status().message();
    TP_FUZZ_CHECK(facts.status().code() == tp::StatusCode::kInvalidArgument, message);
    TP_FUZZ_CHECK(message.find("fuzz.jpg") != std::string::npos, message);
    return 0;
  }
  if (facts->kind == ContentKind::kImage) {
    TP_FUZZ_CHECK(facts->width > 0 && facts->height > 0, bytes);
    TP_FUZZ_CHECK(facts->dpi >= 0, bytes);
    TP_FUZZ_CHECK(facts->pages == 0, bytes);
    if (facts->content_type == "image/jpeg") {
      TP_FUZZ_CHECK(bytes.compare(0, 3, "\xFF\xD8\xFF") == 0, bytes);
    } else {
      TP_FUZZ_CHECK(facts->content_type == "image/png", bytes);
      TP_FUZZ_CHECK(bytes.compare(0, 8, "\x89PNG\r\n\x1A\n") == 0, bytes);
    }
  } else {
    TP_FUZZ_CHECK(facts->content_type == "application/pdf", bytes);
    TP_FUZZ_CHECK(facts->pages > 0, bytes);
  }
  return 0;
}
