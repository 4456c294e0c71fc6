// Telling photos and PDFs by their bytes (content.h).
#include "registry/attachments/content.h"

#include <poppler-document.h>
#include <poppler-global.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

namespace tp::registry {
namespace {

std::string Quoted(std::string_view filename) { return "文件「" + std::string(filename) + "」"; }

bool StartsWith(std::string_view bytes, std::string_view prefix) {
  return bytes.substr(0, prefix.size()) == prefix;
}

uint32_t Big16(std::string_view b, std::size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(b[at])) << 8) |
         static_cast<uint8_t>(b[at + 1]);
}

uint32_t Big32(std::string_view b, std::size_t at) {
  return (Big16(b, at) << 16) | Big16(b, at + 2);
}

// A TIFF structure (EXIF) in either byte order.
struct Tiff {
  std::string_view data;
  bool little = false;

  std::optional<uint32_t> U16(std::size_t at) const {
    if (at + 2 > data.size()) return std::nullopt;
    const auto b0 = static_cast<uint8_t>(data[at]), b1 = static_cast<uint8_t>(data[at + 1]);
    return little ? (b1 << 8 | b0) : (b0 << 8 | b1);
  }
  std::optional<uint32_t> U32(std::size_t at) const {
    auto lo = U16(little ? at : at + 2), hi = U16(little ? at + 2 : at);
    if (!lo || !hi) return std::nullopt;
    return (*hi << 16) | *lo;
  }
};

// Dots per inch from an EXIF segment's first IFD (XResolution and ResolutionUnit); 0 when it
// says none or cannot be read.
int ExifDpi(std::string_view exif) {
  if (!StartsWith(exif, std::string_view("Exif\0\0", 6))) return 0;
  Tiff tiff{exif.substr(6), false};
  if (StartsWith(tiff.data, "II")) {
    tiff.little = true;
  } else if (!StartsWith(tiff.data, "MM")) {
    return 0;
  }
  auto ifd = tiff.U32(4);
  if (!ifd) return 0;
  auto count = tiff.U16(*ifd);
  if (!count) return 0;
  double resolution = 0;
  uint32_t unit = 2;  // inches, TIFF's default
  for (uint32_t i = 0; i < *count && i < 512; ++i) {
    const std::size_t entry = *ifd + 2 + 12 * static_cast<std::size_t>(i);
    auto tag = tiff.U16(entry);
    if (!tag) return 0;
    if (*tag == 0x011A) {  // XResolution: RATIONAL at an offset
      auto offset = tiff.U32(entry + 8);
      if (!offset) return 0;
      auto num = tiff.U32(*offset), den = tiff.U32(*offset + 4);
      if (num && den && *den != 0) resolution = static_cast<double>(*num) / *den;
    } else if (*tag == 0x0128) {  // ResolutionUnit: SHORT in place
      if (auto value = tiff.U16(entry + 8)) unit = *value;
    }
  }
  if (resolution <= 0 || resolution > 100000) return 0;
  if (unit == 3) resolution *= 2.54;  // per centimetre
  return unit == 2 || unit == 3 ? static_cast<int>(std::lround(resolution)) : 0;
}

bool IsFrameHeader(uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

StatusOr<ContentFacts> Jpeg(std::string_view b, std::string_view filename) {
  ContentFacts facts;
  facts.kind = ContentKind::kImage;
  facts.content_type = "image/jpeg";
  int jfif_dpi = 0, exif_dpi = 0;
  std::size_t at = 2;
  while (at + 4 <= b.size()) {
    if (static_cast<uint8_t>(b[at]) != 0xFF) break;
    const auto marker = static_cast<uint8_t>(b[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      at += 2;
      continue;
    }
    const uint32_t length = Big16(b, at + 2);
    if (length < 2 || at + 2 + length > b.size()) break;
    std::string_view segment = b.substr(at + 4, length - 2);
    if (marker == 0xE0 && StartsWith(segment, std::string_view("JFIF\0", 5)) &&
        segment.size() >= 12) {
      const auto units = static_cast<uint8_t>(segment[7]);
      const uint32_t density = Big16(segment, 8);
      if (units == 1) jfif_dpi = static_cast<int>(density);
      if (units == 2) jfif_dpi = static_cast<int>(std::lround(density * 2.54));
    } else if (marker == 0xE1) {
      exif_dpi = ExifDpi(segment);
    } else if (IsFrameHeader(marker) && segment.size() >= 5) {
      facts.height = static_cast<int>(Big16(segment, 1));
      facts.width = static_cast<int>(Big16(segment, 3));
      break;
    } else if (marker == 0xDA) {  // the image data starts before any frame header
      break;
    }
    at += 2 + length;
  }
  if (facts.width <= 0 || facts.height <= 0) {
    return InvalidArgument(Quoted(filename) + "像是 JPEG 照片，但已损坏，读不出图像的尺寸");
  }
  facts.dpi = exif_dpi > 0 ? exif_dpi : jfif_dpi;
  return facts;
}

StatusOr<ContentFacts> Png(std::string_view b, std::string_view filename) {
  ContentFacts facts;
  facts.kind = ContentKind::kImage;
  facts.content_type = "image/png";
  if (b.size() < 33 || b.substr(12, 4) != "IHDR") {
    return InvalidArgument(Quoted(filename) + "像是 PNG 图片，但已损坏，读不出图像的尺寸");
  }
  facts.width = static_cast<int>(Big32(b, 16));
  facts.height = static_cast<int>(Big32(b, 20));
  if (facts.width <= 0 || facts.height <= 0) {
    return InvalidArgument(Quoted(filename) + "是 PNG 图片，但尺寸无效");
  }
  for (std::size_t at = 8; at + 12 <= b.size();) {
    const uint32_t length = Big32(b, at);
    const std::string_view type = b.substr(at + 4, 4);
    if (type == "IDAT" || type == "IEND" || length > b.size() - at - 12) break;
    if (type == "pHYs" && length == 9 && static_cast<uint8_t>(b[at + 16]) == 1) {
      facts.dpi = static_cast<int>(std::lround(Big32(b, at + 8) * 0.0254));  // per metre
    }
    at += 12 + length;
  }
  return facts;
}

void Quiet(const std::string&, void*) {}

StatusOr<ContentFacts> Pdf(std::string_view b, std::string_view filename) {
  static std::once_flag quiet;
  // poppler reports a damaged file's every fault on stderr; the answer says what matters.
  std::call_once(quiet, [] { poppler::set_debug_error_function(Quiet, nullptr); });
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(b.data(), static_cast<int>(b.size())));
  if (document == nullptr) {
    return InvalidArgument(Quoted(filename) + "像是 PDF，但无法打开（文件已损坏或不完整）");
  }
  if (document->is_locked()) {
    return InvalidArgument(Quoted(filename) +
                           "是加了密码的 PDF：请上传不设密码的扫描件，以便审核时打开");
  }
  ContentFacts facts;
  facts.kind = ContentKind::kPdf;
  facts.content_type = "application/pdf";
  facts.pages = document->pages();
  if (facts.pages <= 0) return InvalidArgument(Quoted(filename) + "是 PDF，但一页也没有");
  return facts;
}

}  // namespace

StatusOr<ContentFacts> InspectContent(std::string_view bytes, std::string_view filename) {
  if (bytes.empty()) return InvalidArgument(Quoted(filename) + "是空的");
  if (StartsWith(bytes, "\xFF\xD8\xFF")) return Jpeg(bytes, filename);
  if (StartsWith(bytes, "\x89PNG\r\n\x1A\n")) return Png(bytes, filename);
  // A PDF may have a few bytes before its header; readers look in the first kilobyte.
  if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) return Pdf(bytes, filename);
  std::string what = "不是 JPEG、PNG 照片或 PDF 文件";
  if (StartsWith(bytes, "PK\x03\x04")) {
    what = "是 Word、Excel 文档或压缩包，不是照片或 PDF：请另存为 PDF 后上传";
  } else if (StartsWith(bytes, "GIF8") || StartsWith(bytes, "BM")) {
    what = "是 GIF 或 BMP 图片：请存为 JPEG 后上传";
  } else if (bytes.size() > 12 && bytes.substr(4, 4) == "ftyp") {
    what = "是 HEIC 等手机照片格式：请存为 JPEG 后上传";
  } else if (StartsWith(bytes, "II*") || StartsWith(bytes, std::string_view("MM\0*", 4))) {
    what = "是 TIFF 图片：请存为 JPEG 或 PDF 后上传";
  }
  return InvalidArgument(Quoted(filename) + what);
}

}  // namespace tp::registry
