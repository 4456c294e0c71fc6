// Attachments over HTTP: a unit uploads its person's photo and scans, each checked by content;
// the person's scope decides who sees them; a read of the file is audited; a 200 MB upload and a
// PDF renamed .jpg are refused with nothing stored.
#include <catch2/catch.hpp>

#include "api/api_test_support.h"
#include "support/photo_writer.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

std::string UploadPath(const std::string& person, const std::string& query) {
  return "/api/v1/persons/" + person + "/attachments?" + query;
}

}  // namespace

TEST_CASE("Attachments API: a unit uploads its person's photo, which its scope reads, audited",
          "[api][attachments]") {
  ApiFixture f;
  tp::testing::TempDir dir;
  const std::string a1 = f.Person("a1").public_id;
  const std::string photo = tp::testing::MakePhoto(dir, "JPEG", 240, 320, 300);

  Reply up =
      f.Call(f.unit_a, "POST", UploadPath(a1, "kind=photo&filename=" + UrlEncode("覃海涛.jpg")),
             photo, {}, "application/octet-stream");
  INFO(up.body);
  REQUIRE(up.status == 201);
  const json made = up.Json();
  CHECK(made["person"] == a1);
  CHECK(made["kind"] == "photo");
  CHECK(made["filename"] == "覃海涛.jpg");
  CHECK(made["content_type"] == "image/jpeg");
  CHECK(made["width"] == 240);
  CHECK(made["dpi"] == 300);
  CHECK(made["warnings"].empty());
  const std::string id = std::to_string(made["id"].get<int64_t>());

  // Who sees it: the unit and the province of a1, staff; not the other unit.
  for (const std::string* token : {&f.unit_a, &f.province, &f.staff}) {
    Reply list = f.Get(*token, "/api/v1/persons/" + a1 + "/attachments");
    REQUIRE(list.status == 200);
    CHECK(list.Json()["items"].size() == 2);  // the fixture's photo and this one
    CHECK(list.Json()["missing"].is_null());
  }
  CHECK(f.Get(f.unit_b, "/api/v1/persons/" + a1 + "/attachments").status == 404);
  CHECK(f.Get(f.unit_b, "/api/v1/attachments/" + id).status == 404);
  CHECK(f.Get(f.unit_b, "/api/v1/attachments/" + id + "/content").status == 404);
  CHECK(f.Call(f.province, "POST", UploadPath(a1, "kind=photo"), photo, {},
               "application/octet-stream")
            .status == 403);

  // The file as uploaded, shown inline and sandboxed; each read recorded.
  Reply content = f.Get(f.province, "/api/v1/attachments/" + id + "/content");
  REQUIRE(content.status == 200);
  CHECK(content.body == photo);
  CHECK(content.Header("content-type") == "image/jpeg");
  CHECK(content.Header("content-disposition").rfind("inline", 0) == 0);
  CHECK(content.Header("content-security-policy").find("sandbox") != std::string::npos);
  CHECK(content.Header("x-content-type-options") == "nosniff");
  const json reads = f.Get(f.staff, "/api/v1/audit?action=read&object_type=attachment").Json();
  REQUIRE(reads["total"] == 1);
  CHECK(reads["items"][0]["object_id"] == id);
  CHECK(f.Get(f.staff, "/api/v1/audit?action=upload&object_type=attachment").Json()["total"] == 3);

  // The other unit cannot remove it; its own unit can, and then it is gone.
  CHECK(f.Call(f.unit_b, "DELETE", "/api/v1/attachments/" + id).status == 404);
  CHECK(f.Call(f.unit_a, "DELETE", "/api/v1/attachments/" + id).status == 200);
  CHECK(f.Get(f.staff, "/api/v1/attachments/" + id).status == 404);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Attachments API: a renamed PDF, an unknown kind and a 200 MB upload store nothing",
          "[api][attachments]") {
  ApiFixture f;
  tp::testing::TempDir dir;
  const std::string a1 = f.Person("a1").public_id;
  auto count = [&] {
    return f.Get(f.staff, "/api/v1/persons/" + a1 + "/attachments").Json()["items"].size();
  };
  const std::size_t before = count();

  Reply renamed = f.Call(f.unit_a, "POST", UploadPath(a1, "kind=photo&filename=photo.jpg"),
                         tp::testing::MakePdfScan(dir, 1), {}, "application/octet-stream");
  CHECK(renamed.status == 400);
  CHECK(renamed.Json()["error"]["details"][0]["field"] == "file");
  CHECK(renamed.Json()["error"]["message"].get<std::string>().find("photo.jpg") !=
        std::string::npos);
  CHECK(f.Call(f.unit_a, "POST", UploadPath(a1, "kind=selfie"), "x", {}, "application/octet-stream")
            .status == 400);
  CHECK(f.Call(f.unit_a, "POST", UploadPath(a1, ""), "x", {}, "application/octet-stream").status ==
        400);

  // 200 MB announced: refused before it is read.
  const std::string huge =
      RawExchange(f.port(), "POST " + UploadPath(a1, "kind=photo") +
                                " HTTP/1.1\r\nHost: t\r\nAuthorization: "
                                "Bearer " +
                                f.unit_a +
                                "\r\nContent-Type: application/octet-stream\r\n"
                                "Content-Length: " +
                                std::to_string(200u << 20) + "\r\nConnection: close\r\n\r\n");
  CHECK(RawStatus(huge) == 413);
  CHECK(count() == before);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Attachments API: a round's zip is a unit's own, a province's unit's, or all for staff",
          "[api][attachments]") {
  ApiFixture f;
  const std::string zip = "/api/v1/rounds/pool-national-2025/attachments.zip";
  Reply own = f.Get(f.unit_a, zip);
  REQUIRE(own.status == 200);
  CHECK(own.Header("content-type") == "application/zip");
  CHECK(own.body.rfind("PK", 0) == 0);
  CHECK(f.Get(f.unit_a, zip + "?unit=" + f.unit_b_code).status == 404);
  CHECK(f.Get(f.province, zip).status == 400);
  CHECK(f.Get(f.province, zip + "?unit=" + f.unit_b_code).status == 404);
  CHECK(f.Get(f.province, zip + "?unit=" + f.unit_a_code).status == 200);
  CHECK(f.Get(f.staff, zip).status == 200);
  CHECK(f.Get(f.staff, "/api/v1/rounds/no-such-round/attachments.zip").status == 404);
  const json exports = f.Get(f.staff, "/api/v1/audit?action=export&object_type=attachment").Json();
  CHECK(exports["total"] == 3);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest
