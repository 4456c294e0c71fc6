// How long a unit's e-mail of forms takes to import: renders --count (default 500) different
// people's 学员情况表 as .docx with the registry's own StudentFormDocx (whole ID numbers and
// phones, as a unit fills in its own forms), zips them with libzip as one archive, and imports
// the archive into a fresh registry the way `talentpool import` does (OpenBundle, then
// RunBundleImport with the index built beside). Prints the archive's size, the time to render,
// the time to import and the rows per second; exits 1 unless every person was added.
//
//   zip_import_bench [--count N]
#include <stdlib.h>
#include <zip.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/import_run.h"
#include "indexer/search_index.h"
#include "registry/base/paths.h"
#include "registry/fields/id_number.h"
#include "registry/fields/masking.h"
#include "registry/fields/reference_data.h"
#include "registry/forms/student_form.h"
#include "registry/tables/bundle.h"
#include "tests/support/sample_form_record.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr const char* kSurnames[] = {"覃", "韦", "黄", "陆", "蒙", "梁", "莫", "农", "蓝", "潘",
                                     "欧阳", "李", "王", "张", "刘", "陈", "杨", "赵", "周", "吴"};
constexpr const char* kGiven[] = {"思", "晓", "建", "明", "立", "国", "文", "海", "春", "秋",
                                  "志", "宏", "雪", "丽", "华", "平", "嘉", "怡", "博", "远",
                                  "玲", "涛", "宁", "敏", "鹏"};

// Person `i`: a name, birth date, ID number (region 450103, its check digit computed), phone and
// e-mail of their own; 经历 and 成就 as a typical form has them.
tp::registry::PersonRecord Person(int i) {
  tp::registry::PersonRecord r = tp::testing::SampleFormRecord(6, 4);
  tp::registry::Person& p = r.person;
  const int surnames = static_cast<int>(std::size(kSurnames));
  const int given = static_cast<int>(std::size(kGiven));
  p.public_id.clear();
  p.name = std::string(kSurnames[i % surnames]) + kGiven[(i / surnames) % given] +
           kGiven[(i / surnames / given + i) % given];
  const bool woman = i % 2 == 0;
  p.gender = woman ? "女" : "男";
  char birth[16];
  std::snprintf(birth, sizeof birth, "%04d%02d%02d", 1960 + i % 35, 1 + i / 35 % 12,
                1 + i / 420 * 12 + i % 28 / 4);
  p.birth_date = std::string(birth, 4) + "-" + std::string(birth + 4, 2) + "-" +
                 std::string(birth + 6, 2);
  char sequence[16];
  std::snprintf(sequence, sizeof sequence, "%03d", 2 * (i % 400) + (woman ? 2 : 1));
  const std::string first17 = std::string("450103") + birth + sequence;
  p.id_number = first17 + tp::registry::ComputeCheckDigit(first17);
  char phone[16];
  std::snprintf(phone, sizeof phone, "139%08d", 10000000 + i);
  p.phone = phone;
  p.email = "person" + std::to_string(i) + "@example.cn";
  r.id_number_mask = tp::registry::MaskIdNumber(p.id_number);
  r.phone_mask = tp::registry::MaskPhone(p.phone);
  return r;
}

struct ZipDiscard {
  void operator()(zip_t* zip) const { zip_discard(zip); }
};

// The files as one zip archive in memory, names stored as UTF-8, as a unit's mail client sends.
bool ZipFiles(const std::vector<std::pair<std::string, std::string>>& files, std::string* out) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (target == nullptr) return false;
  zip_source_keep(target);
  std::unique_ptr<zip_t, ZipDiscard> zip(zip_open_from_source(target, ZIP_TRUNCATE, &error));
  if (!zip) {
    zip_source_free(target);
    return false;
  }
  for (const auto& file : files) {
    zip_source_t* source =
        zip_source_buffer(zip.get(), file.second.data(), file.second.size(), 0);
    if (source == nullptr) return false;
    if (zip_file_add(zip.get(), file.first.c_str(), source, ZIP_FL_ENC_UTF_8) < 0) {
      zip_source_free(source);
      return false;
    }
  }
  const bool closed = zip_close(zip.get()) == 0;
  if (closed) (void)zip.release();
  zip_stat_t stat;
  zip_stat_init(&stat);
  bool ok = closed && zip_source_open(target) == 0;
  if (ok) {
    ok = zip_source_stat(target, &stat) == 0 && (stat.valid & ZIP_STAT_SIZE) != 0;
    if (ok) {
      out->assign(stat.size, '\0');
      ok = zip_source_read(target, out->data(), stat.size) == static_cast<zip_int64_t>(stat.size);
    }
    zip_source_close(target);
  }
  zip_source_free(target);
  return ok;
}

// A directory of its own under the temp folder, removed at the end.
class WorkDir {
 public:
  WorkDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "talentpool-zip-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~WorkDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

int Run(int count) {
  // The forms a unit fills in for its own people: numbers whole.
  tp::registry::FormPrint print;
  print.printed_by = "广西大学科协";
  print.printed_at = 1796606400;
  print.reveal_id_number = true;
  print.reveal_phone = true;
  const std::string template_dir = tp::registry::DataDir() + "/forms/student_form";
  std::vector<std::pair<std::string, std::string>> files;
  const auto render_start = Clock::now();
  for (int i = 0; i < count; ++i) {
    const tp::registry::PersonRecord record = Person(i);
    auto docx = tp::registry::StudentFormDocx(record, print, template_dir);
    if (!docx.ok()) {
      std::fprintf(stderr, "%s\n", docx.status().ToString().c_str());
      return 1;
    }
    char number[16];
    std::snprintf(number, sizeof number, "%03d", i + 1);
    files.emplace_back("学员情况表/" + std::string(number) + "-" + record.person.name + ".docx",
                       std::move(*docx));
  }
  const double render_seconds = Seconds(render_start);
  std::string archive;
  if (!ZipFiles(files, &archive)) {
    std::fprintf(stderr, "could not write the zip archive\n");
    return 1;
  }
  files.clear();

  WorkDir work;
  auto reference = tp::registry::ReferenceData::Load(tp::registry::DataDir());
  auto store = tp::registry::Store::Create(work.path() + "/registry");
  if (work.path().empty() || !reference.ok() || !store.ok()) {
    std::fprintf(stderr, "could not set up a fresh registry\n");
    return 1;
  }
  auto index = tp::indexer::SearchIndex::Open((*store)->IndexDir());
  if (!index.ok()) {
    std::fprintf(stderr, "%s\n", index.status().ToString().c_str());
    return 1;
  }

  // As `talentpool import --data DIR forms.zip`.
  long rejected_rows = 0;
  const auto import_start = Clock::now();
  if (!tp::registry::IsBundle(archive)) {
    std::fprintf(stderr, "the archive is not read as a bundle of documents\n");
    return 1;
  }
  auto bundle = tp::registry::OpenBundle(archive, "forms.zip");
  if (!bundle.ok()) {
    std::fprintf(stderr, "%s\n", bundle.status().ToString().c_str());
    return 1;
  }
  tp::api::ImportPolicy policy;
  policy.who.actor = "cli";
  policy.source = "forms.zip";
  policy.build_empty_index_beside = true;
  policy.on_rejected = [&rejected_rows](const std::vector<tp::FieldError>& errors) {
    ++rejected_rows;
    for (const tp::FieldError& e : errors)
      if (rejected_rows <= 3) std::fprintf(stderr, "rejected: %s %s\n", e.field.c_str(), e.message.c_str());
  };
  auto outcome = tp::api::RunBundleImport(**store, index->get(), *bundle, *reference, policy);
  const double import_seconds = Seconds(import_start);
  if (!outcome.ok()) {
    std::fprintf(stderr, "%s\n", outcome.status().ToString().c_str());
    return 1;
  }
  const tp::registry::ImportReport& report = outcome->report;
  std::printf("zip of %d .docx forms: %.1f KB (%.1f KB a form); rendered in %.2f s\n", count,
              archive.size() / 1024.0, archive.size() / 1024.0 / count, render_seconds);
  std::printf("import: %.2f s, %.0f rows/s (%ld added, %ld updated, %ld rejected, %ld held)%s\n",
              import_seconds, report.imported / import_seconds, report.inserted, report.updated,
              report.rejected, report.held, outcome->indexed.ok() ? ", index built" : "");
  if (report.inserted != count) {
    std::fprintf(stderr, "expected %d people added, got %ld\n", count, report.inserted);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 500;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
      count = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: zip_import_bench [--count N]\n");
      return 2;
    }
  }
  if (count <= 0) return 2;
  return Run(count);
}
