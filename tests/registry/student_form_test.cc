// The 学员情况表 printed for one person: the PDF read back with poppler's pdftotext and pdfinfo
// (support/pdf_text.h), and the Word file read back with the registry's own form reader
// (OpenTable).
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "registry/base/paths.h"
#include "registry/fields/masking.h"
#include "registry/forms/student_form.h"
#include "registry/tables/table_reader.h"
#include "support/pdf_text.h"
#include "support/sample_form_record.h"
#include "support/temp_dir.h"

namespace {

using tp::registry::FormBox;
using tp::registry::FormPrint;
using tp::registry::PersonRecord;
using tp::testing::Has;
using tp::testing::PdfText;
using tp::testing::ReadPdf;
using tp::testing::Squeezed;
using tp::testing::TempDir;

constexpr const char* kLastAchievement = "末项成果获评全国创新争先奖状";

// A person with every box filled, 经历 and 成就 long enough for pages of their own.
PersonRecord LongRecord() { return tp::testing::SampleFormRecord(40, 45, kLastAchievement); }

FormPrint Print() {
  FormPrint print;
  print.printed_by = "王芳";
  print.printed_at = 1796606400;  // 2026-12-07 01:20 UTC
  return print;
}

std::string TemplateDir() { return tp::registry::DataDir() + "/forms/student_form"; }

}  // namespace

TEST_CASE("Student form: the PDF holds every box as text, continues long text and is watermarked",
          "[forms][pdf]") {
  TempDir dir;
  const PersonRecord record = LongRecord();
  auto pdf = tp::registry::StudentFormPdf(record, Print());
  REQUIRE(pdf.ok());
  CHECK(pdf->rfind("%PDF-", 0) == 0);
  const PdfText read = ReadPdf(dir, *pdf);
  INFO(read.text.substr(0, 2000));
  CHECK(Has(read.text, "学员情况表"));
  CHECK(Has(read.text, record.person.name));
  CHECK(Has(read.text, "P0000123"));
  for (const FormBox& box : tp::registry::StudentFormBoxes(record, Print())) {
    INFO(box.label);
    CHECK(Has(read.text, std::string(box.label)));
  }
  CHECK(Has(read.text, "广西大学化学化工学院副院长"));
  CHECK(Has(read.text, "南宁市政协委员"));
  CHECK(Has(read.text, "2043年—2044年"));
  // The last words of the long 成就: nothing is cut off; it runs onto further pages.
  CHECK(Has(read.text, kLastAchievement));
  CHECK(Has(read.text, "主要成就（工作成绩、成果、受奖励和荣誉称号等）（续）"));
  CHECK(read.pages >= 3);
  CHECK(Has(read.text, "共" + std::to_string(read.pages) + "页"));
  // Masked numbers only.
  CHECK(Has(read.text, "4501**********0023"));
  CHECK(Has(read.text, "138****5678"));
  CHECK_FALSE(Has(read.text, record.person.id_number));
  CHECK_FALSE(Has(read.text, record.person.phone));
  // The watermark: registry, 编号, who printed and when (Beijing time), once per page at least.
  const std::string mark = Squeezed(tp::registry::FormWatermark(record, Print()));
  CHECK(mark.find("王芳") != std::string::npos);
  CHECK(mark.find("2026-12-0709:20北京时间") != std::string::npos);
  size_t marks = 0;
  for (size_t at = read.text.find(mark); at != std::string::npos; at = read.text.find(mark, at + 1))
    ++marks;
  CHECK(marks >= static_cast<size_t>(read.pages));
}

TEST_CASE("Student form: a short record is one page, and revealed numbers are printed whole",
          "[forms][pdf]") {
  TempDir dir;
  PersonRecord record = LongRecord();
  record.person.career = "2010年起在广西大学任教";
  record.person.achievements = "获广西青年科技奖";
  FormPrint print = Print();
  print.reveal_id_number = true;
  print.reveal_phone = true;
  print.sensitive_attributes = false;
  auto pdf = tp::registry::StudentFormPdf(record, print);
  REQUIRE(pdf.ok());
  const PdfText read = ReadPdf(dir, *pdf);
  CHECK(read.pages == 1);
  CHECK(Has(read.text, "共1页"));
  CHECK(Has(read.text, record.person.id_number));
  CHECK(Has(read.text, record.person.phone));
  // 民族 and 政治面貌 are left blank for a caller who may not see them.
  CHECK(Has(read.text, "民族"));
  CHECK_FALSE(Has(read.text, "壮族"));
  CHECK_FALSE(Has(read.text, "九三学社社员"));
}

TEST_CASE("Student form: the Word file reads back, box by box, through the form reader",
          "[forms][docx]") {
  const PersonRecord record = LongRecord();
  auto docx = tp::registry::StudentFormDocx(record, Print(), TemplateDir());
  REQUIRE(docx.ok());
  auto table = tp::registry::OpenTableFromBytes(*docx, "学员情况表.docx");
  REQUIRE(table.ok());
  CHECK((*table)->Format() == "docx");
  std::vector<std::string> values;
  long row = 0;
  auto next = (*table)->Next(&values, &row);
  REQUIRE(next.ok());
  REQUIRE(*next);
  const std::vector<std::string>& header = (*table)->Header();
  const std::vector<FormBox> boxes = tp::registry::StudentFormBoxes(record, Print());
  REQUIRE(header.size() == boxes.size());
  REQUIRE(values.size() == boxes.size());
  for (size_t i = 0; i < boxes.size(); ++i) {
    INFO(boxes[i].label << " read as " << header[i]);
    // The reader drops a label's note in brackets: 主要成就（工作成绩…） is 主要成就.
    CHECK(std::string(boxes[i].label).rfind(header[i], 0) == 0);
    CHECK(values[i] == boxes[i].value);
    CHECK_FALSE(values[i].empty());
  }
  // One record only; values with XML's own characters came through escaped and back.
  CHECK(values[13] == "广西南宁市青秀区科园大道 <2> 号 & 附楼");
  CHECK(values[24].find('\n') != std::string::npos);
  CHECK(values[7] == "4501**********0023");
  next = (*table)->Next(&values, &row);
  REQUIRE(next.ok());
  CHECK_FALSE(*next);
}

TEST_CASE("Student form: the Word file is a complete package with its parts in order",
          "[forms][docx]") {
  TempDir dir;
  const PersonRecord record = LongRecord();
  auto docx = tp::registry::StudentFormDocx(record, Print(), TemplateDir());
  REQUIRE(docx.ok());
  const std::string path = dir / "form.docx";
  tp::testing::WriteFileBytes(path, *docx);
  // Python's zipfile and XML parser, independent of libzip and expat: every part parses, the
  // content types come first, and no placeholder is left; python-docx opens it and finds the
  // form's table of 15 rows.
  const std::string check = tp::testing::RunCommand(
      "/usr/bin/python3 -c \"\nimport sys, zipfile, xml.dom.minidom\n"
      "z = zipfile.ZipFile(sys.argv[1])\nnames = z.namelist()\n"
      "assert names[0] == '[Content_Types].xml', names\n"
      "for n in ['_rels/.rels', 'word/document.xml', 'word/styles.xml',"
      " 'word/_rels/document.xml.rels']: assert n in names, n\n"
      "for n in names:\n  text = z.read(n).decode('utf-8')\n  xml.dom.minidom.parseString(text)\n"
      "  assert '{{' not in text, n\n"
      "import docx\nd = docx.Document(sys.argv[1])\n"
      "assert len(d.tables) == 1 and len(d.tables[0].rows) == 15\nprint('ok')\n\" '" +
      path + "'");
  CHECK(check == "ok\n");
}

TEST_CASE("Student form: a template naming an unknown box is refused with the part and key",
          "[forms][docx]") {
  TempDir dir;
  std::filesystem::create_directories(dir / "word");
  std::filesystem::create_directories(dir / "_rels");
  tp::testing::WriteFileBytes(dir / "[Content_Types].xml", "<Types/>");
  tp::testing::WriteFileBytes(dir / "_rels/.rels", "<Relationships/>");
  tp::testing::WriteFileBytes(dir / "word/document.xml", "<w:t>{{salary}}</w:t>");
  auto docx = tp::registry::StudentFormDocx(LongRecord(), Print(), dir.path());
  REQUIRE_FALSE(docx.ok());
  CHECK(docx.status().message().find("{{salary}}") != std::string::npos);
  CHECK(docx.status().message().find("word/document.xml") != std::string::npos);
  auto missing = tp::registry::StudentFormDocx(LongRecord(), Print(), dir / "nowhere");
  REQUIRE_FALSE(missing.ok());
}
