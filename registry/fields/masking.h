// Masks for showing sensitive numbers where a person does not need them whole
// (PIPL): lists, search results, exports for units. The result keeps the length
// so a reader can still tell a mobile number from a landline. Input too short to
// keep anything back is masked entirely rather than shown.
#pragma once

#include <string>
#include <string_view>

namespace tp::registry {

// "450103198603070023" → "4501**********0023": the first 4 and last 4 kept.
std::string MaskIdNumber(std::string_view id_number);

// "13812345678" → "138****5678": the first 3 and last 4 kept.
std::string MaskPhone(std::string_view phone);

}  // namespace tp::registry
