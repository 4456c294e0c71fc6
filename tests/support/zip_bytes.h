// Zip archives built in memory with libzip, for tests that send a unit's archive of documents.
#pragma once

#include <zip.h>

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

namespace tp::testing {

// An archive of `files` (name, content). With `raw_names` the names are stored as given,
// without the UTF-8 flag, as Chinese Windows stores GBK names.
inline std::string ZipBytes(const std::vector<std::pair<std::string, std::string>>& files,
                            bool raw_names = false) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
  REQUIRE(target != nullptr);
  zip_source_keep(target);
  zip_t* zip = zip_open_from_source(target, ZIP_TRUNCATE, &error);
  REQUIRE(zip != nullptr);
  for (const auto& [name, content] : files) {
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    REQUIRE(zip_file_add(zip, name.c_str(), source,
                         raw_names ? ZIP_FL_ENC_CP437 : ZIP_FL_ENC_UTF_8) >= 0);
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

}  // namespace tp::testing
