// How long printing the 学员情况表 takes: renders --count forms (default 1000) of a typical
// person as PDF and as .docx, one after another on one thread, and prints the total, the time
// per form, the pages and the size. A second round does the same for a person whose 经历 and
// 成就 run to several pages.
//
//   forms_bench [--count N]
//
// Every form is a different person (编号 and name change), so nothing is reused between them but
// what pango and fontconfig keep for the thread (fonts, their glyph cache).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "registry/base/paths.h"
#include "registry/forms/student_form.h"
#include "tests/support/sample_form_record.h"

namespace {

using tp::registry::PersonRecord;

PersonRecord Person(bool long_text) {
  return long_text ? tp::testing::SampleFormRecord(40, 45) : tp::testing::SampleFormRecord(6, 4);
}

// The number of "/Type /Page" objects: the pages of a PDF cairo wrote.
int Pages(const std::string& pdf) {
  int pages = 0;
  for (size_t at = pdf.find("/Type /Page"); at != std::string::npos;
       at = pdf.find("/Type /Page", at + 1)) {
    if (pdf.compare(at, 12, "/Type /Pages") != 0) ++pages;
  }
  return pages;
}

bool Round(const char* what, bool long_text, int count) {
  PersonRecord record = Person(long_text);
  tp::registry::FormPrint print;
  print.printed_by = "王芳";
  print.printed_at = 1796606400;
  const std::string template_dir = tp::registry::DataDir() + "/forms/student_form";
  for (const char* format : {"pdf", "docx"}) {
    const bool pdf = std::strcmp(format, "pdf") == 0;
    size_t bytes = 0;
    int pages = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < count; ++i) {
      char id[16];
      std::snprintf(id, sizeof id, "P%07d", i + 1);
      record.person.public_id = id;
      record.person.name = i % 2 == 0 ? "覃思远" : "欧阳明月";
      auto out = pdf ? tp::registry::StudentFormPdf(record, print)
                     : tp::registry::StudentFormDocx(record, print, template_dir);
      if (!out.ok()) {
        std::fprintf(stderr, "%s %s: %s\n", what, format, out.status().ToString().c_str());
        return false;
      }
      bytes += out->size();
      if (pdf && i == 0) pages = Pages(*out);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%-14s %-4s x %d: %7.2f s in all, %6.2f ms each, %5.1f KB each", what, format,
                count, seconds, 1000 * seconds / count, bytes / 1024.0 / count);
    if (pdf) std::printf(", %d page%s", pages, pages == 1 ? "" : "s");
    std::printf("\n");
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 1000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
      count = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: forms_bench [--count N]\n");
      return 2;
    }
  }
  if (count <= 0) return 2;
  if (!Round("typical form", false, count)) return 1;
  if (!Round("long form", true, count)) return 1;
  return 0;
}
