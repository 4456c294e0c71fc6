#include "registry/fields/masking.h"

#include <vector>

#include "registry/fields/text.h"

namespace tp::registry {
namespace {

// Keeps `head` characters and `tail` characters, stars in between. Works on code
// points so that stray full-width input is never cut inside a character.
std::string Mask(std::string_view raw, std::size_t head, std::size_t tail) {
  const std::string text = NormalizeKey(raw);
  std::vector<std::string_view> chars;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len > text.size() - i) len = text.size() - i;
    chars.push_back(std::string_view(text).substr(i, len));
    i += len;
  }
  // Showing head and tail of something that short would reveal most of it.
  if (chars.size() <= head + tail) return std::string(chars.size(), '*');
  std::string out;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (i < head || i >= chars.size() - tail) {
      out.append(chars[i]);
    } else {
      out.push_back('*');
    }
  }
  return out;
}

}  // namespace

std::string MaskIdNumber(std::string_view id_number) { return Mask(id_number, 4, 4); }

std::string MaskPhone(std::string_view phone) { return Mask(phone, 3, 4); }

}  // namespace tp::registry
