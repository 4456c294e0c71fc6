// The 学员情况表 as a Word document: the template's parts (data/forms/student_form/, written by
// scripts/make_student_form_template.py) with their {{key}} placeholders filled, zipped with
// libzip. The template is plain XML so that a change to the form reads as a diff; it is read at
// each call (six small files) so that an edited template needs no restart.
#include <zip.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "registry/forms/student_form.h"
#include "registry/tables/table_reader.h"

namespace tp::registry {
namespace {

// A template part is a few kilobytes; anything larger is not our template.
constexpr std::uintmax_t kMaxPartBytes = 1 << 20;

// The parts every WordprocessingML package needs.
constexpr const char* kRequiredParts[] = {"[Content_Types].xml", "_rels/.rels",
                                          "word/document.xml"};

// Text for inside <w:t xml:space="preserve">: escaped, with line breaks and tabs as Word's own
// elements, and the control characters XML 1.0 cannot carry dropped.
std::string RunText(std::string text) {
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
      case '\n': out += "</w:t><w:br/><w:t xml:space=\"preserve\">"; break;
      case '\t': out += "</w:t><w:tab/><w:t xml:space=\"preserve\">"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) break;
        out.push_back(c);
    }
  }
  return out;
}

// `xml` with every {{key}} replaced by values[key]; Internal naming the part for an unknown key.
StatusOr<std::string> Fill(const std::string& xml,
                           const std::map<std::string_view, std::string>& values,
                           const std::string& part) {
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
    if (it == values.end())
      return Internal("学员情况表模板的「" + part + "」中有未知的占位符 {{" + key + "}}");
    out.append(xml, at, open - at);
    out += it->second;
    at = close + 2;
  }
  out.append(xml, at, std::string::npos);
  return out;
}

// The template's parts: (name inside the package, content), [Content_Types].xml first.
StatusOr<std::vector<std::pair<std::string, std::string>>> ReadTemplate(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, std::string>> parts;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (it->file_size(ec) > kMaxPartBytes)
      return Internal("学员情况表模板的文件过大：" + it->path().string());
    std::ifstream in(it->path(), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return Internal("无法读取学员情况表模板：" + it->path().string());
    parts.emplace_back(fs::relative(it->path(), dir, ec).generic_string(), std::move(content));
  }
  if (ec) return Internal("无法读取学员情况表模板目录：" + dir + "（" + ec.message() + "）");
  for (const char* required : kRequiredParts) {
    if (std::none_of(parts.begin(), parts.end(),
                     [required](const auto& part) { return part.first == required; }))
      return Internal("学员情况表模板缺少「" + std::string(required) + "」：" + dir);
  }
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) {
    const bool a_types = a.first == "[Content_Types].xml";
    const bool b_types = b.first == "[Content_Types].xml";
    if (a_types != b_types) return a_types;
    return a.first < b.first;
  });
  return parts;
}

struct ZipDiscard {
  void operator()(zip_t* zip) const { zip_discard(zip); }
};
struct SourceFree {
  void operator()(zip_source_t* source) const { zip_source_free(source); }
};

// The parts as a zip archive in memory.
StatusOr<std::string> Zip(const std::vector<std::pair<std::string, std::string>>& parts,
                          int64_t mtime) {
  zip_error_t error;
  zip_error_init(&error);
  std::unique_ptr<zip_source_t, SourceFree> target(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!target) return Internal("无法创建 Word 文档的压缩包");
  zip_source_keep(target.get());  // the archive's close would free it otherwise
  std::unique_ptr<zip_t, ZipDiscard> zip(zip_open_from_source(target.get(), ZIP_TRUNCATE, &error));
  if (!zip) {
    zip_source_free(target.get());  // undo the keep: open failed, nothing else holds it
    return Internal("无法创建 Word 文档的压缩包");
  }
  for (const auto& [name, content] : parts) {
    zip_source_t* source = zip_source_buffer(zip.get(), content.data(), content.size(), 0);
    if (source == nullptr) return Internal("无法写入 Word 文档的部件 " + name);
    const zip_int64_t index = zip_file_add(zip.get(), name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      return Internal("无法写入 Word 文档的部件 " + name);
    }
    zip_file_set_mtime(zip.get(), static_cast<zip_uint64_t>(index), static_cast<time_t>(mtime), 0);
  }
  if (zip_close(zip.get()) != 0) return Internal("无法完成 Word 文档的压缩包");
  (void)zip.release();  // closed: nothing left to discard
  if (zip_source_open(target.get()) != 0) return Internal("无法读出 Word 文档的压缩包");
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_source_stat(target.get(), &stat) != 0 || (stat.valid & ZIP_STAT_SIZE) == 0) {
    zip_source_close(target.get());
    return Internal("无法读出 Word 文档的压缩包");
  }
  std::string bytes(stat.size, '\0');
  const zip_int64_t read = zip_source_read(target.get(), bytes.data(), stat.size);
  zip_source_close(target.get());
  if (read != static_cast<zip_int64_t>(stat.size)) return Internal("无法读出 Word 文档的压缩包");
  return bytes;
}

}  // namespace

StatusOr<std::string> StudentFormDocx(const PersonRecord& record, const FormPrint& print,
                                      const std::string& template_dir) {
  TP_ASSIGN_OR_RETURN(auto parts, ReadTemplate(template_dir));
  const std::vector<FormBox> boxes = StudentFormBoxes(record, print);
  std::map<std::string_view, std::string> values;
  for (const FormBox& box : boxes) values[box.key] = RunText(box.value);
  values["id"] = RunText(record.person.public_id);
  std::string printed = print.printed_by.empty() ? "" : print.printed_by + " ";
  values["printed"] = RunText(printed + BeijingMinute(print.printed_at) + "（北京时间）");
  for (auto& [name, content] : parts) {
    if (!name.ends_with(".xml") && !name.ends_with(".rels")) continue;
    TP_ASSIGN_OR_RETURN(content, Fill(content, values, name));
  }
  return Zip(parts, print.printed_at);
}

}  // namespace tp::registry
