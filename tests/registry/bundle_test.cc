// Zip archives of documents as units send them (registry/tables/bundle.h).
#include "registry/tables/bundle.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/zip_bytes.h"

namespace {

using tp::registry::BundleLimits;
using tp::registry::IsBundle;
using tp::registry::OpenBundle;
using tp::testing::ZipBytes;

TEST_CASE("OpenBundle: the tables and documents of a unit's archive, in name order", "[bundle]") {
  std::string zip = ZipBytes({{"推荐材料/2-李四.csv", "姓名\r\n李四\r\n"},
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
  std::string zip = ZipBytes({{"\xD5\xC5\xC8\xFD.csv", "姓名\r\n张三\r\n"}}, true);
  auto bundle = OpenBundle(zip, "材料.zip");
  REQUIRE(bundle.ok());
  REQUIRE(bundle->files.size() == 1);
  CHECK(bundle->files[0].name == "张三.csv");
}

TEST_CASE("OpenBundle: workbooks and documents are no bundle, bombs and empty archives refused",
          "[bundle]") {
  CHECK_FALSE(IsBundle(
      ZipBytes({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document/>"}})));
  CHECK_FALSE(IsBundle(ZipBytes({{"mimetype", "application/vnd.oasis.opendocument.text"}})));
  CHECK_FALSE(IsBundle("姓名\r\n张三\r\n"));

  auto nothing = OpenBundle(ZipBytes({{"照片.jpg", "\xFF\xD8\xFF"}}), "照片.zip");
  REQUIRE_FALSE(nothing.ok());
  CHECK(nothing.status().message().find("照片.zip") != std::string::npos);
  CHECK(nothing.status().message().find("没有可导入的文件") != std::string::npos);

  // 4 MB of zeros deflate to a few kilobytes; the bound counts what inflates.
  std::string zeros(std::size_t{4} << 20, '\0');
  std::string bomb = ZipBytes({{"a.csv", zeros}});
  CHECK(bomb.size() < (std::size_t{64} << 10));
  BundleLimits limits;
  limits.max_file_bytes = std::size_t{1} << 20;
  auto one = OpenBundle(bomb, "炸弹.zip", limits);
  REQUIRE_FALSE(one.ok());
  CHECK(one.status().message().find("「a.csv」解压后超过 1 MB") != std::string::npos);

  limits = BundleLimits{};
  limits.max_total_bytes = std::size_t{6} << 20;
  auto total = OpenBundle(ZipBytes({{"a.csv", zeros}, {"b.csv", zeros}}), "炸弹.zip", limits);
  REQUIRE_FALSE(total.ok());
  CHECK(total.status().message().find("解压后超过 6 MB") != std::string::npos);

  CHECK_FALSE(OpenBundle("PK\x03\x04garbage", "坏.zip").ok());
}

}  // namespace
