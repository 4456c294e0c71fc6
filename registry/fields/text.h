// Text clean-up for everything a person types into a form or a spreadsheet cell.
// NormalizeText applies Unicode NFKC (full-width letters, digits and punctuation
// become half-width; U+3000 and NBSP become spaces), trims both ends and turns
// CRLF/CR into LF, keeping the inner line breaks of long texts. It runs on the
// import hot path, so ASCII text skips ICU entirely and ICU's normaliser is
// fetched once. Invalid UTF-8 is never repaired here: check IsValidUtf8 first.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tp::registry {

// NFKC, trimmed (ASCII white space, U+3000, NBSP, U+FEFF, U+200B), line breaks as LF.
std::string NormalizeText(std::string_view utf8);

// Well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view bytes);

// Splits a multi-valued cell (擅长领域) on 、，；,; and line breaks; each part is
// normalised and trimmed, empty parts are dropped.
std::vector<std::string> SplitMultiValue(std::string_view utf8);

// Number of code points, the unit of limits such as "推荐理由100字以内".
std::size_t CountCharacters(std::string_view utf8);

// NormalizeText, then every white-space character removed: for matching column
// headers ("姓  名") and names of enumerations, where spacing carries no meaning.
std::string NormalizeKey(std::string_view utf8);

}  // namespace tp::registry
