// A round's 推荐学员汇总表 printed for one unit: the PDF read back with poppler
// (support/pdf_text.h), the Word file read back with the registry's own table reader, title lines
// and all, and checked by python-docx for its landscape page and repeated heading row.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "registry/base/paths.h"
#include "registry/forms/summary_form.h"
#include "registry/rounds/summary_sheet.h"
#include "registry/tables/table_reader.h"
#include "support/pdf_text.h"
#include "support/temp_dir.h"

namespace {

using tp::registry::FormPrint;
using tp::registry::SummaryForm;
using tp::testing::Has;
using tp::testing::PdfText;
using tp::testing::ReadPdf;
using tp::testing::Squeezed;
using tp::testing::TempDir;

FormPrint Print() {
  FormPrint print;
  print.printed_by = "王芳";
  print.printed_at = 1796606400;  // 2026-12-07 09:20 in Beijing
  return print;
}

// A list of `people` as the rounds export it: the seed's columns, masked phones, some cells
// long enough to wrap and one with XML's own characters.
SummaryForm Form(int people) {
  static const char* const kNames[] = {"覃思远", "欧阳明月", "林晓雯",
                                       "陈思远", "赵德明",   "阿依古丽·吐尔逊"};
  SummaryForm form;
  form.round_code = "pool-national-2025";
  form.unit_code = "U000001";
  form.unit_name = "中国化学会";
  form.columns = tp::registry::SummarySheetColumns();
  for (int i = 0; i < people; ++i) {
    const std::string n = std::to_string(i + 1);
    form.rows.push_back({n, std::string(kNames[i % 6]) + (i < 6 ? "" : n), i % 2 ? "女" : "男",
                         i % 3 ? "汉族" : "壮族", "1986.0" + std::to_string(1 + i % 9),
                         "九三学社社员",
                         "中国科学院化学研究所高分子物理与化学国家重点实验室 研究员 <" + n + ">",
                         "博士研究生", "高分子材料、有机光电功能材料、绿色化学与催化",
                         "138****56" + std::to_string(10 + i % 90), i % 2 ? "是" : "否", "是"});
  }
  return form;
}

std::string TemplateDir() { return tp::registry::DataDir() + "/forms/summary_sheet"; }

// The Word file as the registry reads an uploaded 汇总表: a list, by its known headings.
std::unique_ptr<tp::registry::TableReader> OpenDocx(const std::string& bytes) {
  tp::registry::TableOptions options;
  options.known_columns = tp::registry::SummarySheetColumns();
  auto table = tp::registry::OpenTableFromBytes(bytes, "推荐学员汇总表.docx", options);
  REQUIRE(table.ok());
  return std::move(*table);
}

// The headings of the seed's table, one after another as a page's text holds them.
std::string HeadingRow() {
  std::string out;
  for (const std::string& c : tp::registry::SummarySheetColumns()) out += c;
  return out;
}

}  // namespace

TEST_CASE("Summary form: the PDF holds the heading block, the unit and every person as text",
          "[forms][pdf]") {
  TempDir dir;
  const SummaryForm form = Form(4);
  auto pdf = tp::registry::SummaryFormPdf(form, Print());
  REQUIRE(pdf.ok());
  const PdfText read = ReadPdf(dir, *pdf);
  INFO(read.pages_text);
  CHECK(read.pages == 1);
  CHECK(Has(read.text, "推荐学员汇总表"));
  CHECK(Has(read.text, "推荐单位：中国化学会（加盖公章）"));
  CHECK(Has(read.text, "联系人及电话："));
  CHECK(Has(read.text, "填表日期：2026年12月7日"));
  CHECK(Has(read.text, HeadingRow()));
  for (const auto& row : form.rows) {
    CHECK(Has(read.text, row[1]));
    CHECK(Has(read.text, row[9]));
  }
  CHECK(Has(read.text, "研究员<4>"));
  CHECK(Has(read.text, "第1页，共1页"));
  // The watermark: registry, the round, who printed it and when.
  const std::string mark = Squeezed(tp::registry::SummaryFormWatermark(form, Print()));
  CHECK(mark.find("pool-national-2025") != std::string::npos);
  CHECK(mark.find("王芳2026-12-0709:20北京时间") != std::string::npos);
  CHECK(read.text.find(mark) != std::string::npos);
  // A4 landscape.
  const std::string info = tp::testing::RunCommand("pdfinfo '" + (dir / "form.pdf") + "'");
  CHECK(info.find("841.89 x 595.276 pts (A4)") != std::string::npos);
}

TEST_CASE("Summary form: a list longer than a page repeats the heading row on every page",
          "[forms][pdf]") {
  TempDir dir;
  SummaryForm form = Form(40);
  form.contact = "李欣 010-68571234";
  auto pdf = tp::registry::SummaryFormPdf(form, Print());
  REQUIRE(pdf.ok());
  const PdfText read = ReadPdf(dir, *pdf);
  REQUIRE(read.pages >= 2);
  CHECK(Has(read.text, "联系人及电话：李欣010-68571234"));
  CHECK(Has(read.text, "共" + std::to_string(read.pages) + "页"));
  // pdftotext ends each page with a form feed.
  std::vector<std::string> pages;
  std::string page;
  for (char c : read.pages_text) {
    if (c == '\f') {
      pages.push_back(Squeezed(page));
      page.clear();
    } else {
      page.push_back(c);
    }
  }
  REQUIRE(pages.size() == static_cast<size_t>(read.pages));
  for (size_t i = 0; i < pages.size(); ++i) {
    INFO("page " << i + 1 << ": " << pages[i]);
    CHECK(pages[i].find(HeadingRow()) != std::string::npos);
    CHECK(Has(pages[i], "第" + std::to_string(i + 1) + "页"));
  }
  CHECK(pages[0].find("推荐单位：中国化学会（加盖公章）") != std::string::npos);
  CHECK(pages[1].find("推荐学员汇总表（续）") != std::string::npos);
  // Every person once, the last on the last page; no row is split between pages.
  for (const auto& row : form.rows) CHECK(Has(read.text, row[1]));
  CHECK(pages.back().find(Squeezed(form.rows.back()[1])) != std::string::npos);
}

TEST_CASE("Summary form: the Word file reads back with its heading block and every row",
          "[forms][docx]") {
  const SummaryForm form = Form(12);
  auto docx = tp::registry::SummaryFormDocx(form, Print(), TemplateDir());
  REQUIRE(docx.ok());
  auto table = OpenDocx(*docx);
  CHECK(table->Format() == "docx");
  CHECK(table->TitleLines() == tp::registry::SummaryFormHeading(form, Print()));
  CHECK(table->TitleLines() == std::vector<std::string>{"推荐单位：中国化学会（加盖公章）",
                                                        "联系人及电话：",
                                                        "填表日期：2026年12月7日"});
  CHECK(table->Header() == form.columns);
  std::vector<std::string> cells;
  long row = 0;
  size_t n = 0;
  for (;;) {
    auto more = table->Next(&cells, &row);
    REQUIRE(more.ok());
    if (!*more) break;
    REQUIRE(n < form.rows.size());
    CHECK(cells == form.rows[n]);
    ++n;
  }
  CHECK(n == form.rows.size());
}

TEST_CASE("Summary form: the Word file is landscape A4 and Word repeats its heading row",
          "[forms][docx]") {
  TempDir dir;
  auto docx = tp::registry::SummaryFormDocx(Form(3), Print(), TemplateDir());
  REQUIRE(docx.ok());
  const std::string path = dir / "summary.docx";
  tp::testing::WriteFileBytes(path, *docx);
  // python-docx, independent of the registry's reader: one table, a heading row and three
  // people, the heading row marked to repeat, the section landscape, no placeholder left.
  const std::string check = tp::testing::RunCommand(
      "/usr/bin/python3 -c \"\nimport sys, zipfile, docx\n"
      "z = zipfile.ZipFile(sys.argv[1])\n"
      "for n in z.namelist(): assert '{{' not in z.read(n).decode('utf-8'), n\n"
      "d = docx.Document(sys.argv[1])\n"
      "s = d.sections[0]\n"
      "assert s.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE\n"
      "assert s.page_width > s.page_height\n"
      "t = d.tables[0]\nassert len(d.tables) == 1 and len(t.rows) == 4, len(t.rows)\n"
      "assert t.rows[0]._tr.trPr.xml.find('tblHeader') >= 0\n"
      "assert t.rows[0].cells[11].text == '可否参加国情研修活动'\n"
      "assert d.paragraphs[0].text == '推荐学员汇总表'\nprint('ok')\n\" '" +
      path + "'");
  CHECK(check == "ok\n");
}

TEST_CASE("Summary form: a value written like a placeholder stays a value", "[forms][docx]") {
  SummaryForm form = Form(1);
  form.rows[0][8] = "{{unit}} 与 {{cell3}}";
  form.unit_name = "中国{{date}}学会";
  auto docx = tp::registry::SummaryFormDocx(form, Print(), TemplateDir());
  REQUIRE(docx.ok());
  auto table = OpenDocx(*docx);
  REQUIRE(table->TitleLines().size() == 3);
  CHECK(table->TitleLines()[0] == "推荐单位：中国{{date}}学会（加盖公章）");
  std::vector<std::string> cells;
  long row = 0;
  auto more = table->Next(&cells, &row);
  REQUIRE(more.ok());
  REQUIRE(*more);
  CHECK(cells[8] == "{{unit}} 与 {{cell3}}");
}
