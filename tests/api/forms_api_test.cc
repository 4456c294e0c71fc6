// GET /api/v1/persons/{id}/form.pdf and form.docx: the 学员情况表 in the scope and with the masks
// of the person route, named for download, watermarked with the caller, audited.
#include <stdio.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "api/api_test_support.h"
#include "registry/tables/table_reader.h"
#include "support/temp_dir.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

// What pdftotext reads in the PDF, in the order drawn, without blanks and line ends.
std::string PdfText(const std::string& pdf) {
  testing::TempDir dir;
  const std::string path = dir / "form.pdf";
  testing::WriteFileBytes(path, pdf);
  FILE* pipe = ::popen(("pdftotext -raw -enc UTF-8 '" + path + "' -").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    for (size_t i = 0; i < n; ++i)
      if (buffer[i] != ' ' && buffer[i] != '\n' && buffer[i] != '\f') out.push_back(buffer[i]);
  }
  REQUIRE(::pclose(pipe) == 0);
  return out;
}

// The Word form read back as label -> value.
std::vector<std::pair<std::string, std::string>> DocxBoxes(const std::string& docx) {
  auto table = registry::OpenTableFromBytes(docx, "form.docx");
  REQUIRE(table.ok());
  std::vector<std::string> values;
  long row = 0;
  auto next = (*table)->Next(&values, &row);
  REQUIRE(next.ok());
  REQUIRE(*next);
  std::vector<std::pair<std::string, std::string>> boxes;
  for (size_t i = 0; i < (*table)->Header().size() && i < values.size(); ++i)
    boxes.emplace_back((*table)->Header()[i], values[i]);
  return boxes;
}

std::string Box(const std::vector<std::pair<std::string, std::string>>& boxes,
                const std::string& label) {
  for (const auto& [l, v] : boxes)
    if (l == label) return v;
  return "(no box " + label + ")";
}

// The audit entries about `id` with `action`.
json AuditOf(ApiFixture& f, const std::string& id, const std::string& action) {
  return f.Get(f.staff, "/api/v1/audit?object_type=person&object_id=" + id + "&action=" + action)
      .Json();
}

}  // namespace

TEST_CASE("Forms API: staff download the 学员情况表 as PDF and Word, named and audited",
          "[api][forms]") {
  ApiFixture f;
  const registry::Person& a1 = f.Person("a1");
  const std::string base = "/api/v1/persons/" + a1.public_id + "/form.";

  Reply pdf = f.Get(f.staff, base + "pdf");
  REQUIRE(pdf.status == 200);
  CHECK(pdf.Header("content-type") == "application/pdf");
  CHECK(pdf.Header("cache-control") == "no-store");
  // 学员情况表-P…: RFC 5987 for the Chinese name, and an ASCII name for older clients. Read from
  // the raw answer: httplib's client decodes the percent signs of header values.
  const std::string raw = RawExchange(f.port(), "GET " + base +
                                                    "pdf HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                    "Authorization: Bearer " +
                                                    f.staff + "\r\nConnection: close\r\n\r\n");
  const std::string disposition = raw.substr(0, raw.find("\r\n\r\n"));
  INFO(disposition);
  CHECK(disposition.find("Content-Disposition: attachment; filename=\"student-form-" +
                         a1.public_id +
                         ".pdf\"; filename*=UTF-8''%E5%AD%A6%E5%91%98%E6%83%85%E5%86%B5%E8%A1%A8-" +
                         a1.public_id + ".pdf\r\n") != std::string::npos);
  const std::string text = PdfText(pdf.body);
  CHECK(text.find(a1.name) != std::string::npos);
  CHECK(text.find("编号：" + a1.public_id) != std::string::npos);
  CHECK(text.find(a1.ethnic_group) != std::string::npos);
  // Masked numbers; the watermark names the caller (the token's label) and the registry.
  CHECK(text.find(a1.id_number.substr(0, 4) + "**********" + a1.id_number.substr(14)) !=
        std::string::npos);
  CHECK(text.find(a1.id_number) == std::string::npos);
  CHECK(text.find("staff-test") != std::string::npos);
  CHECK(text.find("北京时间") != std::string::npos);
  CHECK(text.find("中国科协科技界党外代表人士库" + a1.public_id) != std::string::npos);

  Reply docx = f.Get(f.staff, base + "docx");
  REQUIRE(docx.status == 200);
  CHECK(docx.Header("content-type") ==
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  CHECK(docx.Header("content-disposition").find("-" + a1.public_id + ".docx") != std::string::npos);
  const auto boxes = DocxBoxes(docx.body);
  CHECK(Box(boxes, "姓名") == a1.name);
  CHECK(Box(boxes, "民族") == a1.ethnic_group);
  CHECK(Box(boxes, "技术职称") == "研究员");
  CHECK(Box(boxes, "擅长领域") == "材料科学、科学普及");
  CHECK(Box(boxes, "身份证号").find("**********") != std::string::npos);

  // Each download is an export of the person's data, with the form and format.
  const json audit = AuditOf(f, a1.public_id, "export");
  REQUIRE(audit["total"].get<int>() == 3);
  std::vector<std::string> formats;
  for (const json& e : audit["items"]) {
    CHECK(e["detail"]["form"] == "学员情况表");
    CHECK(e["actor"].get<std::string>().rfind("token:", 0) == 0);
    formats.push_back(e["detail"]["format"]);
  }
  std::sort(formats.begin(), formats.end());
  CHECK(formats == std::vector<std::string>{"docx", "pdf", "pdf"});
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Forms API: whole numbers only for staff asking, and recorded as a reveal",
          "[api][forms]") {
  ApiFixture f;
  const registry::Person& a1 = f.Person("a1");
  const std::string base = "/api/v1/persons/" + a1.public_id + "/form.";
  Reply pdf = f.Get(f.staff, base + "pdf?reveal=id_number,phone");
  REQUIRE(pdf.status == 200);
  const std::string text = PdfText(pdf.body);
  CHECK(text.find(a1.id_number) != std::string::npos);
  CHECK(text.find(a1.phone) != std::string::npos);
  Reply docx = f.Get(f.staff, base + "docx?reveal=id_number");
  REQUIRE(docx.status == 200);
  CHECK(Box(DocxBoxes(docx.body), "身份证号") == a1.id_number);
  const json reveals = AuditOf(f, a1.public_id, "reveal");
  REQUIRE(reveals["total"].get<int>() == 2);
  CHECK(reveals["items"][0]["detail"]["fields"].size() >= 1);

  CHECK(f.Get(f.unit_a, base + "pdf?reveal=id_number").status == 403);
  CHECK(f.Get(f.province, base + "docx?reveal=phone").status == 403);
  CHECK(f.Get(f.staff, base + "pdf?reveal=salary").status == 400);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Forms API: a unit gets its own people's forms without 民族, and nobody else's",
          "[api][forms]") {
  ApiFixture f;
  const registry::Person& a1 = f.Person("a1");
  const registry::Person& b1 = f.Person("b1");
  for (const std::string format : {"pdf", "docx"}) {
    INFO(format);
    const std::string own = "/api/v1/persons/" + a1.public_id + "/form." + format;
    const std::string other = "/api/v1/persons/" + b1.public_id + "/form." + format;
    Reply mine = f.Get(f.unit_a, own);
    REQUIRE(mine.status == 200);
    if (format == "pdf") {
      const std::string text = PdfText(mine.body);
      CHECK(text.find(a1.name) != std::string::npos);
      CHECK(text.find(a1.ethnic_group) == std::string::npos);
      CHECK(text.find(a1.political_affiliation) == std::string::npos);
      // The watermark names the unit's token.
      CHECK(text.find("unit-test") != std::string::npos);
    } else {
      const auto boxes = DocxBoxes(mine.body);
      CHECK(Box(boxes, "姓名") == a1.name);
      CHECK(Box(boxes, "民族").empty());
      CHECK(Box(boxes, "政治面貌").empty());
    }
    // Another unit's person, and another province's, look absent.
    CHECK(f.Get(f.unit_b, own).status == 404);
    CHECK(f.Get(f.unit_a, other).status == 404);
    CHECK(f.Get(f.province, other).status == 404);
    CHECK(f.Get(f.province, own).status == 200);
    CHECK(f.Get("", own).status == 401);
    CHECK(f.Get(f.staff, "/api/v1/persons/P9999999/form." + format).status == 404);
  }
  // Refusals are not downloads: only the four answered ones are audited.
  CHECK(AuditOf(f, a1.public_id, "export")["total"].get<int>() == 4);
  CHECK(AuditOf(f, b1.public_id, "export")["total"].get<int>() == 0);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest
