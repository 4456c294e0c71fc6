// Attachments against a real registry: content checked by its bytes, files sealed beside the
// database and kept once, the campaign's asks as warnings and missing kinds, removal, garbage
// collection, and a backup that carries the files through a restore.
#include "registry/attachments/attachments.h"

#include <zip.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "registry/attachments/content.h"
#include "registry/store/attachment_files.h"
#include "registry/store/backup.h"
#include "rounds_test_support.h"
#include "support/photo_writer.h"

using tp::registry::Attachments;
using tp::registry::AuditEntry;
using tp::registry::ContentKind;
using tp::registry::InspectContent;
using tp::registry::NewAttachment;
using tp::roundstest::Input;
using tp::roundstest::PersonCells;
using tp::roundstest::RoundsFixture;
using tp::testing::MakePdfScan;
using tp::testing::MakePhoto;
using tp::testing::TempDir;

namespace fs = std::filesystem;

namespace {

AuditEntry Staff() {
  AuditEntry who;
  who.actor = "token:1";
  who.role = "staff";
  who.actor_name = "王芳";
  return who;
}

std::unique_ptr<Attachments> Open(tp::registry::Store& store) {
  auto opened = Attachments::Open(store, tp::registry::DataDir());
  REQUIRE(opened.ok());
  return std::move(*opened);
}

// The files under the registry's attachment folder.
std::vector<fs::path> Files(tp::registry::Store& store) {
  std::vector<fs::path> out;
  const std::string root = tp::registry::AttachmentFilesDir(store.Dir());
  if (!fs::exists(root)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) out.push_back(entry.path());
  }
  return out;
}

// A person recommended in the 2018 优秀党员 round, whose notice asks for three photos of
// 1 MB or more at 300 dpi.
std::string Recommended(RoundsFixture& f) {
  f.At("2018-04-20 10:00");
  auto society = f.Unit("中国化学会", "全国学会");
  auto member = PersonCells("党员甲", "19800101", 51, "汉族", "中共党员");
  member.emplace_back("技术职称", "研究员");
  return f.MustAdd("youxiu-dangyuan-2018", society, Input(member)).item.record.person.public_id;
}

// The entries of a zip in memory, name -> content, read with libzip.
std::map<std::string, std::string> Unzip(const std::string& bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  REQUIRE(source != nullptr);
  zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
  REQUIRE(zip != nullptr);
  std::map<std::string, std::string> out;
  for (zip_int64_t i = 0; i < zip_get_num_entries(zip, 0); ++i) {
    zip_stat_t stat;
    REQUIRE(zip_stat_index(zip, static_cast<zip_uint64_t>(i), 0, &stat) == 0);
    std::string content(stat.size, '\0');
    zip_file_t* file = zip_fopen_index(zip, static_cast<zip_uint64_t>(i), 0);
    REQUIRE(file != nullptr);
    REQUIRE(zip_fread(file, content.data(), stat.size) == static_cast<zip_int64_t>(stat.size));
    zip_fclose(file);
    out[stat.name] = std::move(content);
  }
  zip_discard(zip);
  return out;
}

}  // namespace

TEST_CASE("InspectContent: photos and PDFs are told by their bytes, with size, dpi and pages",
          "[attachments]") {
  TempDir dir;
  auto jpeg = InspectContent(MakePhoto(dir, "JPEG", 320, 240, 300), "照片.jpg");
  REQUIRE(jpeg.ok());
  CHECK(jpeg->kind == ContentKind::kImage);
  CHECK(jpeg->content_type == "image/jpeg");
  CHECK(jpeg->width == 320);
  CHECK(jpeg->height == 240);
  CHECK(jpeg->dpi == 300);
  auto png = InspectContent(MakePhoto(dir, "PNG", 50, 70, 72), "照片.png");
  REQUIRE(png.ok());
  CHECK(png->content_type == "image/png");
  CHECK(png->width == 50);
  CHECK(png->dpi == 72);
  CHECK(InspectContent(MakePhoto(dir, "JPEG", 40, 40, 0), "a.jpg")->dpi == 0);
  auto pdf = InspectContent(MakePdfScan(dir, 3), "推荐意见.jpg");  // the name does not matter
  REQUIRE(pdf.ok());
  CHECK(pdf->kind == ContentKind::kPdf);
  CHECK(pdf->pages == 3);

  auto refused = [](const std::string& bytes, const std::string& expected) {
    auto facts = InspectContent(bytes, "材料.jpg");
    REQUIRE_FALSE(facts.ok());
    INFO(facts.status().message());
    CHECK(facts.status().code() == tp::StatusCode::kInvalidArgument);
    CHECK(facts.status().message().find("材料.jpg") != std::string::npos);
    CHECK(facts.status().message().find(expected) != std::string::npos);
  };
  refused("", "空的");
  refused(std::string("PK\x03\x04", 4) + std::string(100, 'x'), "Word");
  refused("GIF89a" + std::string(100, '\0'), "GIF");
  refused("just some text", "不是 JPEG、PNG 照片或 PDF");
  const std::string scan = MakePdfScan(dir, 1);
  refused(scan.substr(0, scan.size() / 2), "无法打开");
  refused(MakePhoto(dir, "JPEG", 64, 64, 0).substr(0, 20), "已损坏");
}

TEST_CASE("Attachments: a file is checked by content, sealed beside the database, kept once",
          "[attachments]") {
  RoundsFixture f;
  const std::string person = Recommended(f);
  auto attachments = Open(f.store());
  TempDir dir;
  const std::string photo = MakePhoto(dir, "JPEG", 200, 300, 300);

  NewAttachment file{person, "", "photo", "证件照.jpg", photo};
  auto added = attachments->Add(file, Staff());
  REQUIRE(added.ok());
  CHECK(added->content_type == "image/jpeg");
  CHECK(added->width == 200);
  CHECK(added->warnings.empty());  // the person's own: no campaign asks anything of it
  // Sealed at rest: the file on disk is not the photo.
  auto files = Files(f.store());
  REQUIRE(files.size() == 1);
  const std::string on_disk = tp::testing::ReadFileBytes(files[0].string());
  CHECK(on_disk.find(photo.substr(0, 64)) == std::string::npos);
  CHECK(on_disk.size() > photo.size());
  std::string content;
  auto read = attachments->Get(added->id, &content);
  REQUIRE(read.ok());
  CHECK(content == photo);
  CHECK(read->kind_label == "小2寸正面免冠彩色照片");

  // The same photo again is a second attachment of one file.
  auto again = attachments->Add(file, Staff());
  REQUIRE(again.ok());
  CHECK(Files(f.store()).size() == 1);

  // What is refused, by field: a PDF as a photo, a photo as a scan, an unknown kind, a round
  // the person is not in, a person who is not there. Nothing is stored.
  auto refused = [&](NewAttachment bad, const std::string& field, const std::string& expected) {
    auto result = attachments->Add(bad, Staff());
    REQUIRE_FALSE(result.ok());
    INFO(result.status().message());
    CHECK(result.status().message().find(expected) != std::string::npos);
    if (!field.empty()) {
      REQUIRE_FALSE(result.status().details().empty());
      CHECK(result.status().details().front().field == field);
    }
  };
  const std::string scan = MakePdfScan(dir, 2);
  refused({person, "", "photo", "照片.jpg", scan}, "file", "须是照片");
  refused({person, "", "integrity", "廉政鉴定意见.pdf", photo}, "file", "须是PDF");
  refused({person, "", "selfie", "a.jpg", photo}, "kind", "可选");
  refused({person, "pool-national-2025", "photo", "a.jpg", photo}, "round", "没有在推荐批次");
  refused({"P9999999", "", "photo", "a.jpg", photo}, "", "P9999999");
  CHECK(attachments->List(person)->size() == 2);
  CHECK(Files(f.store()).size() == 1);

  // Removing one keeps the file the other names; removing the last removes it.
  REQUIRE(attachments->Remove(added->id, Staff()).ok());
  CHECK(Files(f.store()).size() == 1);
  REQUIRE(attachments->Remove(again->id, Staff()).ok());
  CHECK(Files(f.store()).empty());
  CHECK(attachments->Get(added->id).status().code() == tp::StatusCode::kNotFound);
  CHECK(attachments->Remove(added->id, Staff()).code() == tp::StatusCode::kNotFound);
}

TEST_CASE("Attachments: the campaign's asks are warnings, its numbers limits and a missing list",
          "[attachments]") {
  RoundsFixture f;
  const std::string person = Recommended(f);
  auto attachments = Open(f.store());
  TempDir dir;
  const std::string round = "youxiu-dangyuan-2018";
  auto missing = attachments->Missing(person, round);
  REQUIRE(missing.ok());
  REQUIRE(missing->size() == 2);
  CHECK((*missing)[0].kind == "work_photo");
  CHECK((*missing)[0].need == 3);
  CHECK((*missing)[1].kind == "meeting_minutes");

  // A small photo of 72 dpi: kept, with both of the notice's asks as warnings.
  auto small = attachments->Add(
      {person, round, "work_photo", "党员甲1.jpg", MakePhoto(dir, "JPEG", 300, 200, 72)}, Staff());
  REQUIRE(small.ok());
  REQUIRE(small->warnings.size() == 2);
  CHECK(small->warnings[0].find("1.0 MB") != std::string::npos);
  CHECK(small->warnings[1].find("72 dpi") != std::string::npos);
  // A large one at 300 dpi: no warning.
  auto large = attachments->Add(
      {person, round, "work_photo", "党员甲2.jpg", MakePhoto(dir, "JPEG", 1200, 900, 300)},
      Staff());
  REQUIRE(large.ok());
  CHECK(large->bytes >= (1 << 20));
  CHECK(large->warnings.empty());
  REQUIRE(
      attachments
          ->Add({person, round, "meeting_minutes", "会议纪要.pdf", MakePdfScan(dir, 1)}, Staff())
          .ok());
  missing = attachments->Missing(person, round);
  REQUIRE(missing.ok());
  REQUIRE(missing->size() == 1);
  CHECK((*missing)[0].have == 2);
  CHECK(attachments->List(person, round)->size() == 3);
  CHECK(attachments->List(person, "pool-national-2025")->empty());

  // The round's zip, in the layout units use: 姓名/姓名+序号.jpg, 姓名/姓名-种类.pdf.
  auto zip = attachments->ZipRound(round, 0, std::size_t{64} << 20);
  REQUIRE(zip.ok());
  CHECK(zip->files == 3);
  CHECK(zip->persons == 1);
  auto entries = Unzip(zip->bytes);
  REQUIRE(entries.size() == 3);
  CHECK(entries.count("党员甲/党员甲1.jpg") == 1);
  CHECK(entries.count("党员甲/党员甲2.jpg") == 1);
  CHECK(entries.count("党员甲/党员甲-党组织推荐审议会议纪要.pdf") == 1);
  std::string first;
  REQUIRE(attachments->Get(small->id, &first).ok());
  CHECK(entries["党员甲/党员甲1.jpg"] == first);
  auto bounded = attachments->ZipRound(round, 0, 1024);
  REQUIRE_FALSE(bounded.ok());
  CHECK(bounded.status().message().find("?unit=") != std::string::npos);
  CHECK(attachments->ZipRound("no-such-round", 0, 1024).status().code() ==
        tp::StatusCode::kNotFound);
  auto empty = attachments->ZipRound("pool-national-2025", 0, 1024);
  REQUIRE(empty.ok());
  CHECK(empty->files == 0);
  CHECK(Unzip(empty->bytes).empty());  // an archive every unzip opens, with nothing in it
}

TEST_CASE("Attachments: a backup carries the files, a restore brings them back and drops others",
          "[attachments][backup]") {
  RoundsFixture f;
  const std::string person = Recommended(f);
  auto attachments = Open(f.store());
  TempDir dir;
  const std::string photo = MakePhoto(dir, "PNG", 120, 160, 300);
  auto kept = attachments->Add({person, "", "photo", "证件照.png", photo}, Staff());
  REQUIRE(kept.ok());
  auto backup = tp::registry::BackupTo(f.store(), dir / "backup.sqlite");
  REQUIRE(backup.ok());
  CHECK(backup->attachment_files == 1);

  // After the backup: the photo's file is lost, and another attachment is added.
  for (const fs::path& file : Files(f.store())) fs::remove(file);
  auto later = attachments->Add({person, "", "other", "说明.pdf", MakePdfScan(dir, 1)}, Staff());
  REQUIRE(later.ok());
  std::string content;
  CHECK(attachments->Get(kept->id, &content).status().code() == tp::StatusCode::kInternal);

  auto restored = tp::registry::RestoreFrom(f.store(), dir / "backup.sqlite");
  REQUIRE(restored.ok());
  CHECK(restored->attachment_files == 1);
  REQUIRE(attachments->Get(kept->id, &content).ok());
  CHECK(content == photo);
  CHECK(attachments->Get(later->id).status().code() == tp::StatusCode::kNotFound);
  CHECK(Files(f.store()).size() == 1);  // the later file went with its row

  // A file no row names (a crash between file and row) is collected.
  REQUIRE(tp::registry::WriteAttachmentFile(f.store().Dir(), std::string(64, 'a'), "x").ok());
  auto collected = attachments->CollectGarbage();
  REQUIRE(collected.ok());
  CHECK(*collected == 1);
  CHECK(Files(f.store()).size() == 1);
}
