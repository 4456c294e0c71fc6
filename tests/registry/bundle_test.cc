// Zip archives of documents as units send them (registry/tables/bundle.h).
#include "registry/tables/bundle.h"

#include <zip.h>

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

namespace {

using tp::registry::BundleLimits;
using tp::registry::IsBundle;
using tp::registry::OpenBundle;

// A zip archive in memory with `files` (name, content); names flagged `raw`
// are stored as given, without the UTF-8 flag, as Chinese Windows stores GBK.
std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& files,
                    bool raw = false) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
  REQUIRE(target != nullptr);
  zip_source_keep(target);
  zip_t* zip = zip_open_from_source(target, ZIP_TRUNCATE, &error);
  REQUIRE(zip != nullptr);
  for (const auto& [name, content] : files) {
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    REQUIRE(zip_file_add(zip, name.c_str(), source, raw ? ZIP_FL_ENC_CP437 : ZIP_FL_ENC_UTF_8) >=
            0);
  }
  REQUIRE(zip_close(zip) == 0);
  REQUIRE(zip_source_open(target) == 0);
  zip_stat_t stat;
  zip_source_stat(target, &stat);
  std::string bytes(stat.size, '\0');
  REQUIRE(zip_source_read(target, bytes.data(), stat.size) == static_cast<zip_int64_t>(stat.size));
  zip_source_close(target);
  zip_source_free(target);
  return bytes;
}

TEST_CASE("OpenBundle: the tables and documents of a unit's archive, in name order", "[bundle]") {
  std::string zip = MakeZip({{"推荐材料/2-李四.csv", "姓名\r\n李四\r\n"},
                             {"推荐材料/1-张三.docx", "PK-not-read-here"},
                             {"推荐材料/张三1.jpg", "\xFF\xD8\xFF"},
                             {"推荐材料/汇总表.XLS", "xls"},
                             {"__MACOSX/推荐材料/._1-张三.docx", "x"},
                             {"推荐材料/~$张三.docx", "lock"},
                             {"推荐材料/", ""}});
  REQUIRE(IsBundle(zip));
  auto bundle = OpenBundle(zip, "材料.zip");
  REQUIRE(bundle.ok());
  REQUIRE(bundle->files.size() == 3);
  CHECK(bundle->files[0].name == "推荐材料/1-张三.docx");
  CHECK(bundle->files[1].name == "推荐材料/2-李四.csv");
  CHECK(bundle->files[1].bytes == "姓名\r\n李四\r\n");
  CHECK(bundle->files[2].name == "推荐材料/汇总表.XLS");
  CHECK(bundle->skipped == std::vector<std::string>{"推荐材料/张三1.jpg"});
}

TEST_CASE("OpenBundle: names stored in GBK, as Chinese Windows zips them, come out as UTF-8",
          "[bundle]") {
  // "张三.csv" in GBK.
  std::string zip = MakeZip({{"\xD5\xC5\xC8\xFD.csv", "姓名\r\n张三\r\n"}}, true);
  auto bundle = OpenBundle(zip, "材料.zip");
  REQUIRE(bundle.ok());
  REQUIRE(bundle->files.size() == 1);
  CHECK(bundle->files[0].name == "张三.csv");
}

TEST_CASE("OpenBundle: workbooks and documents are no bundle, bombs and empty archives refused",
          "[bundle]") {
  CHECK_FALSE(IsBundle(
      MakeZip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document/>"}})));
  CHECK_FALSE(IsBundle(MakeZip({{"mimetype", "application/vnd.oasis.opendocument.text"}})));
  CHECK_FALSE(IsBundle("姓名\r\n张三\r\n"));

  auto nothing = OpenBundle(MakeZip({{"照片.jpg", "\xFF\xD8\xFF"}}), "照片.zip");
  REQUIRE_FALSE(nothing.ok());
  CHECK(nothing.status().message().find("照片.zip") != std::string::npos);
  CHECK(nothing.status().message().find("没有可导入的文件") != std::string::npos);

  // 4 MB of zeros deflate to a few kilobytes; the bound counts what inflates.
  std::string zeros(std::size_t{4} << 20, '\0');
  std::string bomb = MakeZip({{"a.csv", zeros}});
  CHECK(bomb.size() < (std::size_t{64} << 10));
  BundleLimits limits;
  limits.max_file_bytes = std::size_t{1} << 20;
  auto one = OpenBundle(bomb, "炸弹.zip", limits);
  REQUIRE_FALSE(one.ok());
  CHECK(one.status().message().find("「a.csv」解压后超过 1 MB") != std::string::npos);

  limits = BundleLimits{};
  limits.max_total_bytes = std::size_t{6} << 20;
  auto total = OpenBundle(MakeZip({{"a.csv", zeros}, {"b.csv", zeros}}), "炸弹.zip", limits);
  REQUIRE_FALSE(total.ok());
  CHECK(total.status().message().find("解压后超过 6 MB") != std::string::npos);

  CHECK_FALSE(OpenBundle("PK\x03\x04garbage", "坏.zip").ok());
}

}  // namespace
