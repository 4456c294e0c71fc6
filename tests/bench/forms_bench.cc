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
#include "registry/fields/masking.h"
#include "registry/forms/student_form.h"

namespace {

using tp::registry::PersonRecord;

PersonRecord Person(bool long_text) {
  PersonRecord r;
  tp::registry::Person& p = r.person;
  p.name = "覃思远";
  p.gender = "女";
  p.birth_date = "1986-03-07";
  p.ethnic_group = "壮族";
  p.native_place = "广西南宁";
  p.birthplace = "广西柳州";
  p.political_affiliation = "九三学社社员";
  p.foreign_residence = false;
  p.hobbies = "书法、长跑";
  p.email = "qinsy@example.cn";
  p.academician = false;
  p.address = "广西南宁市青秀区科园大道 32 号";
  p.postcode = "530007";
  p.unit_name = "广西大学化学化工学院";
  p.post = "副院长";
  p.title = "研究员";
  p.education = "博士研究生";
  p.degree = "工学博士";
  p.fields = {"催化化学", "绿色化工"};
  p.congress_posts = "南宁市政协委员";
  p.association_posts = "广西化学化工学会副理事长";
  p.other_posts = "《化工学报》编委";
  const int years = long_text ? 40 : 6;
  for (int year = 2004; year < 2004 + years; ++year) {
    if (!p.career.empty()) p.career += "\n";
    p.career += std::to_string(year) + "年—" + std::to_string(year + 1) +
                "年，在广西大学化学化工学院从事多相催化与反应工程研究";
  }
  const int items = long_text ? 45 : 4;
  for (int i = 1; i <= items; ++i) {
    p.achievements += "成果" + std::to_string(i) +
                      "：提出低温选择性加氢的新型负载型催化剂，在区内三家企业应用，"
                      "年增效益逾千万元；获授权发明专利若干项。";
  }
  p.opinion = "该同志政治立场坚定，业务能力突出，同意推荐。";
  r.id_number_mask = tp::registry::MaskIdNumber("450103198603070023");
  r.phone_mask = tp::registry::MaskPhone("13812345678");
  return r;
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
