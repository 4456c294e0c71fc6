// Deterministic demo data: rows of a pool file (CONTRACT.md's import columns)
// for the README's demo, the tests and the benchmarks, from a thousand to a
// million people. The same options give the same rows, byte for byte, on every
// machine: the generator uses its own random number generator (xoshiro256**
// seeded by splitmix64) and integer arithmetic only, never the standard
// library's distributions, whose results differ between implementations.
//
// What a row looks like is data, not code: data/surnames.tsv (surnames with
// their shares and readings), data/regions.tsv (county codes for ID numbers
// and addresses), data/demo_names.tsv, data/demo_units.tsv and
// data/demo_vocabulary.tsv (proportions, fields, titles, posts, awards). Every
// ID number is valid under GB 11643 and agrees with the row's 出生日期 and
// 性别; ID numbers are unique within a run. The people are fictitious; the
// units are real organisations.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "registry/base/status.h"

namespace tp::registry {

struct DemoOptions {
  long persons = 1000;              // rows to produce; 0 gives a header-only file
  uint64_t seed = 2024;             // different seeds give different people
  int first_admission_year = 2024;  // 入库年度 is this year or the next; ages
                                    // are counted in the next year
};

class DemoGenerator {
 public:
  // Loads and checks the tables under `data_dir` (usually DataDir()). Fails
  // with NotFound when a table is missing and InvalidArgument, naming the file
  // and line, when one is malformed or the options are out of range.
  static StatusOr<DemoGenerator> Create(const DemoOptions& options, const std::string& data_dir);

  DemoGenerator(DemoGenerator&&) noexcept;
  DemoGenerator& operator=(DemoGenerator&&) noexcept;
  ~DemoGenerator();

  // The column names, in the order Next() fills a row: 编号, 姓名, 性别, 民族,
  // 出生日期, 身份证号, 籍贯, 政治面貌, 工作单位, 职务, 技术职称, 最高学历, 擅长领域,
  // 主要成就, 手机, 电子邮箱, 推荐单位, 推荐单位类型, 人才类别, 所属群体, 入库年度,
  // 可否参加专题研修班, 可否参加国情研修活动, 所在省份, 通讯地址.
  static const std::vector<std::string>& Header();

  // Fills `row` (resized to Header().size(), its strings reused) with the next
  // person; returns false, leaving `row` alone, once `persons` rows were made.
  bool Next(std::vector<std::string>* row);

  // Rows produced so far.
  long produced() const;

 private:
  struct Impl;
  explicit DemoGenerator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes the header and `options.persons` rows to `out` as UTF-8 CSV (no byte
// order mark, CRLF line ends, fields quoted as RFC 4180 requires). Fails as
// Create does, or with Unavailable when `out` stops accepting bytes.
Status WriteDemoCsv(const DemoOptions& options, const std::string& data_dir, std::ostream& out);

// Appends `fields` to `out` as one RFC 4180 record ending in CRLF: a field
// holding a comma, a double quote, CR or LF is quoted, its quotes doubled.
void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out);

}  // namespace tp::registry
