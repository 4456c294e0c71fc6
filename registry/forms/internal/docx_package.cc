// The Word files' template, placeholders and zip (docx_package.h).
#include "registry/forms/internal/docx_package.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "registry/tables/table_reader.h"
#include "registry/tables/zip_writer.h"

namespace tp::registry::forms_internal {
namespace {

// A template part is a few kilobytes; anything larger is not our template.
constexpr std::uintmax_t kMaxPartBytes = 1 << 20;

// The parts every WordprocessingML package needs.
constexpr const char* kRequiredParts[] = {"[Content_Types].xml", "_rels/.rels",
                                          "word/document.xml"};

std::string TemplateName(std::string_view form) { return std::string(form) + "模板"; }

}  // namespace

std::string WordText(std::string text) {
  ReplaceInvalidUtf8(&text);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      // A value is never read as a placeholder when the parts are filled after it went in.
      case '{': out += "&#123;"; break;
      case '\n': out += "</w:t><w:br/><w:t xml:space=\"preserve\">"; break;
      case '\t': out += "</w:t><w:tab/><w:t xml:space=\"preserve\">"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) break;
        out.push_back(c);
    }
  }
  return out;
}

StatusOr<std::string> FillPlaceholders(const std::string& xml,
                                       const std::map<std::string, std::string>& values,
                                       std::string_view form, std::string_view part) {
  std::string out;
  out.reserve(xml.size() + 4096);
  std::size_t at = 0;
  while (true) {
    const std::size_t open = xml.find("{{", at);
    if (open == std::string::npos) break;
    const std::size_t close = xml.find("}}", open + 2);
    if (close == std::string::npos) break;
    const std::string key = xml.substr(open + 2, close - open - 2);
    auto it = values.find(key);
    if (it == values.end()) {
      return Internal(TemplateName(form) + "的「" + std::string(part) + "」中有未知的占位符 {{" +
                      key + "}}");
    }
    out.append(xml, at, open - at);
    out += it->second;
    at = close + 2;
  }
  out.append(xml, at, std::string::npos);
  return out;
}

StatusOr<std::string> RepeatRow(const std::string& xml, std::string_view prefix,
                                const std::vector<std::vector<std::string>>& rows,
                                std::string_view form) {
  const std::string marker = "{{" + std::string(prefix);
  const std::size_t placeholder = xml.find(marker);
  const std::size_t begin =
      placeholder == std::string::npos ? std::string::npos : xml.rfind("<w:tr>", placeholder);
  const std::size_t close =
      placeholder == std::string::npos ? std::string::npos : xml.find("</w:tr>", placeholder);
  if (begin == std::string::npos || close == std::string::npos)
    return Internal(TemplateName(form) + "中没有含 " + marker + "…}} 的表格行");
  const std::size_t end = close + std::string_view("</w:tr>").size();
  const std::string row = xml.substr(begin, end - begin);
  std::string out = xml.substr(0, begin);
  for (std::size_t n = 0; n < rows.size(); ++n) {
    std::map<std::string, std::string> values;
    values[std::string(prefix) + "#"] = std::to_string(n + 1);
    for (std::size_t i = 0; i < rows[n].size(); ++i)
      values[std::string(prefix) + std::to_string(i)] = WordText(rows[n][i]);
    TP_ASSIGN_OR_RETURN(auto filled, FillPlaceholders(row, values, form, "word/document.xml"));
    out += filled;
  }
  out.append(xml, end, std::string::npos);
  return out;
}

StatusOr<DocxParts> ReadDocxTemplate(const std::string& dir, std::string_view form) {
  namespace fs = std::filesystem;
  DocxParts parts;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (it->file_size(ec) > kMaxPartBytes)
      return Internal(TemplateName(form) + "的文件过大：" + it->path().string());
    std::ifstream in(it->path(), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof())
      return Internal("无法读取" + TemplateName(form) + "：" + it->path().string());
    parts.emplace_back(fs::relative(it->path(), dir, ec).generic_string(), std::move(content));
  }
  if (ec)
    return Internal("无法读取" + TemplateName(form) + "目录：" + dir + "（" + ec.message() + "）");
  for (const char* required : kRequiredParts) {
    if (std::none_of(parts.begin(), parts.end(),
                     [required](const auto& part) { return part.first == required; }))
      return Internal(TemplateName(form) + "缺少「" + std::string(required) + "」：" + dir);
  }
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) {
    const bool a_types = a.first == "[Content_Types].xml";
    const bool b_types = b.first == "[Content_Types].xml";
    if (a_types != b_types) return a_types;
    return a.first < b.first;
  });
  return parts;
}

StatusOr<std::string> ZipDocx(const DocxParts& parts, int64_t mtime) {
  std::vector<ZipEntry> entries;
  entries.reserve(parts.size());
  for (const auto& [name, content] : parts) entries.push_back({name, content});
  StatusOr<std::string> zipped = WriteZip(entries, mtime);
  if (!zipped.ok()) return Internal("Word 文档：" + zipped.status().message());
  return zipped;
}

StatusOr<std::string> DocxFromTemplate(
    const std::string& dir, std::string_view form, const std::map<std::string, std::string>& values,
    int64_t mtime, const std::function<StatusOr<std::string>(const std::string&)>& edit) {
  TP_ASSIGN_OR_RETURN(auto parts, ReadDocxTemplate(dir, form));
  for (auto& part : parts) {
    if (!part.first.ends_with(".xml") && !part.first.ends_with(".rels")) continue;
    if (edit && part.first == "word/document.xml") {
      TP_ASSIGN_OR_RETURN(part.second, edit(part.second));
    }
    TP_ASSIGN_OR_RETURN(part.second, FillPlaceholders(part.second, values, form, part.first));
  }
  return ZipDocx(parts, mtime);
}

}  // namespace tp::registry::forms_internal
