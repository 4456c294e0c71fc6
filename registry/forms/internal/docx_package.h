// What the forms' Word files share: a template of plain XML parts under data/forms/ read from
// disk, {{key}} placeholders filled with text escaped for a <w:t>, a table row repeated once per
// line of a list, and the parts zipped (libzip) into the .docx. Private to registry/forms/.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/base/status.h"

namespace tp::registry::forms_internal {

// (name inside the package, content), [Content_Types].xml first.
using DocxParts = std::vector<std::pair<std::string, std::string>>;

// Text for inside <w:t xml:space="preserve">: escaped, with line breaks and tabs as Word's own
// elements, '{' as a character reference (so that no value reads as a placeholder), and the
// control characters XML 1.0 cannot carry dropped.
std::string WordText(std::string text);

// The parts of the template in `dir`. Internal, naming `form` (学员情况表), when a part is
// unreadable or too large, or one a WordprocessingML package needs is missing.
StatusOr<DocxParts> ReadDocxTemplate(const std::string& dir, std::string_view form);

// `xml` with every {{key}} replaced by values[key] as given (already WordText); Internal naming
// the form and the part for an unknown key.
StatusOr<std::string> FillPlaceholders(const std::string& xml,
                                       const std::map<std::string, std::string>& values,
                                       std::string_view form, std::string_view part);

// `xml` with the table row (<w:tr>…</w:tr>) that holds the first {{PREFIX… placeholder written
// once per entry of `rows`, its {{PREFIXN}} replaced by the entry's cell N (WordText applied
// here); {{PREFIX#}} is the entry's number from 1. Internal when no row holds such a placeholder
// or one names a cell past the entry's end.
StatusOr<std::string> RepeatRow(const std::string& xml, std::string_view prefix,
                                const std::vector<std::vector<std::string>>& rows,
                                std::string_view form);

// The parts as a .docx (a zip archive) in memory, every entry dated `mtime` (Unix seconds).
StatusOr<std::string> ZipDocx(const DocxParts& parts, int64_t mtime);

// The template read, every .xml and .rels part filled (after `edit`, when given, has changed
// word/document.xml), and zipped.
StatusOr<std::string> DocxFromTemplate(
    const std::string& dir, std::string_view form, const std::map<std::string, std::string>& values,
    int64_t mtime, const std::function<StatusOr<std::string>(const std::string&)>& edit = nullptr);

}  // namespace tp::registry::forms_internal
