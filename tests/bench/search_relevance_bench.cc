// Relevance and speed of the Chinese search, against SQLite FTS5 (trigram tokenizer) and Groonga
// (TokenBigram, NormalizerAuto) on the same data in the same run.
//
// Relevance: a pool of fictitious people from registry::DemoGenerator (20,000 by default) and a
// labelled query set generated from it: for each class, queries built from a random person, each
// labelled with every person of the pool it should find (computed from the pool itself, never
// from an index). Prints hit@10 and MRR@10 per class and engine. Pinyin labels come from the
// generator's own readings (data/surnames.tsv, data/demo_names.tsv), not from the index's tables.
//
// Latency: every engine answers the same labelled queries --rounds times (3 by default); each
// query's best wall time of its rounds gives p50/p99 per class, so that other work on a shared
// machine does not decide the tail (the first round also warms the page cache). Groonga's times
// are its own, from the header of each answer. With the build time and size on disk per engine. A
// peer's build is given up after --peer-seconds (the table says so).
//
// Two ways to run:
//  - alone: our index is built here from the pool (Rebuild, one core), then a speed section
//    builds --speed-persons people and times a query mix;
//  - --data DIR: on a registry the command line built from the same pool (`talentpool demo
//    --persons N --seed S`, `init`, `import`); --persons and --seed must be the demo's. The bench
//    checks that the registry holds that pool, searches its index as `talentpool serve` would, and
//    also sends the labelled queries over HTTP on loopback (the service and server of `serve`,
//    rate limits lifted, a staff token). With --figures FILE (key=value lines from
//    scripts/scale_bench.sh: import time and peak memory, wrk figures…) it ends with a table of
//    the issue's targets, PASS or MISS beside each figure.
//
// Usage: search_relevance_bench [--persons N] [--queries N] [--seed S] [--groonga PATH|none]
//                               [--peer-seconds S] [--rounds N] [--speed-persons N] [--skip-speed]
//                               [--misses] [--slowest N] [--speed-class CLASS] [--speed-rounds N]
//                               [--data DIR] [--figures FILE]
#include <sqlite3.h>
#include <sys/resource.h>
#include <time.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/api_service.h"
#include "api/http_server.h"
#include "indexer/search_index.h"
#include "indexer/store_change_source.h"
#include "registry/base/paths.h"
#include "registry/fields/reference_data.h"
#include "registry/fields/validate.h"
#include "registry/import/demo_data.h"
#include "registry/store/store.h"
#include "tests/bench/loopback_client.h"

namespace {

namespace fs = std::filesystem;
using tp::indexer::IndexRecord;
using Clock = std::chrono::steady_clock;

// CPU time of this process (user + system): the machine may be shared, so throughput per core
// is measured on CPU time as well as on the wall clock.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1000 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double Milliseconds(Clock::time_point since) { return Seconds(since) * 1000; }

double LoadAverage() {
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  return load[0];
}

// Bytes of the regular files under `path` (a file or a folder), leaving out `except`.
int64_t DiskBytes(const fs::path& path, const fs::path& except = {}) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return static_cast<int64_t>(fs::file_size(path, ec));
  int64_t total = 0;
  for (auto it = fs::recursive_directory_iterator(path, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!except.empty() && it->path() == except) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) total += static_cast<int64_t>(it->file_size(ec));
  }
  return total;
}

// The index's live generation (the folder its CURRENT file names): older generations a rebuild
// left behind are not what a search reads.
int64_t LiveIndexBytes(const fs::path& index_dir) {
  std::ifstream current(index_dir / "CURRENT");
  std::string generation;
  std::getline(current, generation);
  while (!generation.empty() && std::isspace(static_cast<unsigned char>(generation.back())))
    generation.pop_back();
  std::error_code ec;
  if (!generation.empty() && fs::is_directory(index_dir / generation, ec))
    return DiskBytes(index_dir / generation);
  return DiskBytes(index_dir);
}

std::string Megabytes(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.0f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

// ---------------------------------------------------------------------------------------------
// The pool.

struct Pool {
  std::vector<IndexRecord> records;  // rowid = index + 1
  std::unordered_map<std::string, int64_t> by_public_id;
  std::unordered_map<std::string, int64_t> by_id_number;
  std::unordered_map<std::string, std::vector<int64_t>> by_phone;
};

Pool MakePool(long persons, uint64_t seed) {
  const std::string data = tp::registry::DataDir();
  auto reference = tp::registry::ReferenceData::Load(data);
  if (!reference.ok()) {
    std::cerr << reference.status().ToString() << "\n";
    std::exit(2);
  }
  tp::registry::DemoOptions options;
  options.persons = persons;
  options.seed = seed;
  auto generator = tp::registry::DemoGenerator::Create(options, data);
  if (!generator.ok()) {
    std::cerr << generator.status().ToString() << "\n";
    std::exit(2);
  }
  const auto& header = tp::registry::DemoGenerator::Header();
  std::vector<std::string> row;
  Pool pool;
  pool.records.reserve(static_cast<size_t>(persons));
  while (generator->Next(&row)) {
    std::vector<std::pair<std::string, std::string>> cells;
    for (size_t i = 0; i < header.size(); ++i) cells.emplace_back(header[i], row[i]);
    IndexRecord r;
    const auto errors = tp::registry::BuildPerson(cells, *reference, &r.person);
    if (!errors.empty()) continue;  // the generator makes valid rows; skip any that are not
    r.admissions.push_back({r.person.admission_year, r.person.tier, ""});
    r.recommending_unit = {r.person.recommending_unit, r.person.recommending_unit_type,
                           r.person.province};
    pool.records.push_back(std::move(r));
  }
  for (size_t i = 0; i < pool.records.size(); ++i) {
    auto& r = pool.records[i];
    r.rowid = static_cast<int64_t>(i) + 1;
    pool.by_public_id[r.person.public_id] = r.rowid;
    if (!r.person.id_number.empty()) pool.by_id_number[r.person.id_number] = r.rowid;
    if (!r.person.phone.empty()) pool.by_phone[r.person.phone].push_back(r.rowid);
  }
  return pool;
}

class PoolSource : public tp::indexer::ChangeSource {
 public:
  explicit PoolSource(const Pool& pool) : pool_(&pool) {}
  tp::StatusOr<std::string> RegistryId() override { return std::string("bench"); }
  tp::StatusOr<int64_t> LastSeq() override { return static_cast<int64_t>(pool_->records.size()); }
  tp::StatusOr<std::vector<tp::indexer::Change>> ChangesSince(int64_t after, int limit) override {
    std::vector<tp::indexer::Change> out;
    for (int64_t s = after + 1;
         s <= static_cast<int64_t>(pool_->records.size()) && static_cast<int>(out.size()) < limit;
         ++s) {
      out.push_back({s, s});
    }
    return out;
  }
  tp::StatusOr<std::vector<IndexRecord>> LoadRecords(const std::vector<int64_t>& rowids) override {
    std::vector<IndexRecord> out;
    out.reserve(rowids.size());
    for (int64_t id : rowids) {
      out.push_back(pool_->records[static_cast<size_t>(id - 1)]);
      out.back().person.id_number.clear();  // as the registry hands it over
    }
    return out;
  }

 private:
  const Pool* pool_;
};

// ---------------------------------------------------------------------------------------------
// Ground-truth readings, from the generator's tables.

class TruthReadings {
 public:
  TruthReadings() {
    const std::string data = tp::registry::DataDir();
    Read(data + "/surnames.tsv", [&](const std::vector<std::string>& f) {
      if (f.size() >= 2) surnames_[f[0]] = Split(f[1]);
    });
    Read(data + "/demo_names.tsv", [&](const std::vector<std::string>& f) {
      if (f.size() >= 3 && f[0] == "han_given" && f[2] != "-") given_[f[1]] = f[2];
    });
  }

  // The generator's given-name characters, each with its reading.
  const std::unordered_map<std::string, std::string>& Given() const { return given_; }

  // Whether the name begins with a compound surname (欧阳, 司马).
  bool CompoundSurname(const std::string& name) const {
    for (const auto& [s, r] : surnames_) {
      if (r.size() > 1 && name.compare(0, s.size(), s) == 0) return true;
    }
    return false;
  }

  // Syllables of a Han-style name, or empty when a character's reading is unknown.
  std::vector<std::string> Of(const std::string& name) const {
    std::vector<std::string> out;
    size_t surname_bytes = 0;
    for (const auto& [s, r] : surnames_) {
      if (name.size() > s.size() && name.compare(0, s.size(), s) == 0 && s.size() > surname_bytes) {
        surname_bytes = s.size();
        out = r;
      }
    }
    if (surname_bytes == 0) return {};
    for (size_t at = surname_bytes; at < name.size();) {
      const size_t len = Utf8Len(static_cast<unsigned char>(name[at]));
      const auto it = given_.find(name.substr(at, len));
      if (it == given_.end()) return {};
      out.push_back(it->second);
      at += len;
    }
    return out;
  }

 private:
  static size_t Utf8Len(unsigned char b) { return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4; }
  static std::vector<std::string> Split(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
  }
  template <typename Fn>
  static void Read(const std::string& path, Fn fn) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> f;
      std::istringstream fields(line);
      for (std::string x; std::getline(fields, x, '\t');) f.push_back(x);
      fn(f);
    }
  }
  std::map<std::string, std::vector<std::string>> surnames_;
  std::unordered_map<std::string, std::string> given_;
};

// ---------------------------------------------------------------------------------------------
// The labelled queries.

struct Query {
  std::string cls;
  std::string text;
  // For the peers: (column or "", words) — the same intent in their syntax.
  std::vector<std::pair<std::string, std::string>> scoped;
  std::set<int64_t> relevant;
};

std::string FullWidth(const std::string& ascii) {
  std::string out;
  for (char c : ascii) {
    const char32_t cp = static_cast<char32_t>(c) - 0x21 + 0xFF01;
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return out;
}

std::string Join(const std::vector<std::string>& v, const std::string& sep = "") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

size_t Chars(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Prefix(const std::string& s, size_t chars) {
  size_t n = 0, at = 0;
  while (at < s.size() && n < chars) {
    ++at;
    while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) ++at;
    ++n;
  }
  return s.substr(0, at);
}
// Who each query should find, from the pool itself. Lookups by exact value come from maps and
// "unit contains" from the distinct unit names, so labelling a million people stays quick; the
// answers are the same as a scan of every person.
class Labeller {
 public:
  Labeller(const Pool& pool, const std::vector<std::vector<std::string>>& readings)
      : rs_(pool.records) {
    std::unordered_map<std::string, size_t> unit_slot;
    for (size_t i = 0; i < rs_.size(); ++i) {
      const auto& p = rs_[i].person;
      by_name_[p.name].push_back(i);
      if (!readings[i].empty()) {
        by_reading_[Join(readings[i], " ")].push_back(i);
        by_initials_[Initials(readings[i])].push_back(i);
      }
      by_ethnic_title_[p.ethnic_group + "\t" + p.title].push_back(i);
      const auto [slot, fresh] = unit_slot.emplace(p.unit_name, units_.size());
      if (fresh) units_.push_back({p.unit_name, {}});
      units_[slot->second].second.push_back(i);
    }
  }

  static std::string Initials(const std::vector<std::string>& syllables) {
    std::string out;
    for (const auto& s : syllables) out.push_back(s[0]);
    return out;
  }

  const std::vector<size_t>& Named(const std::string& name) const { return Find(by_name_, name); }
  const std::vector<size_t>& Read(const std::string& syllables) const {
    return Find(by_reading_, syllables);
  }
  const std::vector<size_t>& WithInitials(const std::string& initials) const {
    return Find(by_initials_, initials);
  }
  const std::vector<size_t>& EthnicTitle(const std::string& ethnic,
                                         const std::string& title) const {
    return Find(by_ethnic_title_, ethnic + "\t" + title);
  }
  // People whose unit name contains `fragment`.
  std::vector<size_t> UnitContains(const std::string& fragment) const {
    std::vector<size_t> out;
    for (const auto& [name, rows] : units_) {
      if (name.find(fragment) != std::string::npos) out.insert(out.end(), rows.begin(), rows.end());
    }
    return out;
  }

 private:
  static const std::vector<size_t>& Find(
      const std::unordered_map<std::string, std::vector<size_t>>& map, const std::string& key) {
    static const std::vector<size_t> kNone;
    const auto it = map.find(key);
    return it == map.end() ? kNone : it->second;
  }
  const std::vector<IndexRecord>& rs_;
  std::unordered_map<std::string, std::vector<size_t>> by_name_, by_reading_, by_initials_,
      by_ethnic_title_;
  std::vector<std::pair<std::string, std::vector<size_t>>> units_;
};

std::vector<Query> MakeQueries(const Pool& pool, int per_class, uint64_t seed) {
  std::mt19937_64 random(seed);
  const auto& rs = pool.records;
  const auto pick = [&]() -> const IndexRecord& {
    return rs[std::uniform_int_distribution<size_t>(0, rs.size() - 1)(random)];
  };
  TruthReadings truth;
  std::vector<std::vector<std::string>> readings(rs.size());
  for (size_t i = 0; i < rs.size(); ++i) readings[i] = truth.Of(rs[i].person.name);
  const Labeller labels(pool, readings);
  auto loaded = tp::registry::ReferenceData::Load(tp::registry::DataDir());
  if (!loaded.ok()) {
    std::cerr << loaded.status().ToString() << "\n";
    std::exit(2);
  }
  const tp::registry::ReferenceData& reference = *loaded;
  const auto rows_where = [&](const std::vector<size_t>& candidates, auto pred) {
    std::set<int64_t> out;
    for (size_t i : candidates) {
      if (pred(i)) out.insert(rs[i].rowid);
    }
    return out;
  };
  const auto all = [](size_t) { return true; };
  UErrorCode error = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> to_traditional(
      icu::Transliterator::createInstance("Simplified-Traditional", UTRANS_FORWARD, error));

  std::vector<Query> out;
  const auto add = [&](const std::string& cls, int wanted, auto make) {
    int made = 0;
    for (int attempt = 0; made < wanted && attempt < wanted * 200; ++attempt) {
      Query q;
      q.cls = cls;
      if (make(pick(), q) && !q.relevant.empty()) {
        out.push_back(std::move(q));
        ++made;
      }
    }
  };
  const auto same_name = [&](const std::string& name) {
    return rows_where(labels.Named(name), all);
  };

  add("name", per_class, [&](const IndexRecord& r, Query& q) {
    q.text = r.person.name;
    q.scoped = {{"", q.text}};
    q.relevant = same_name(r.person.name);
    return true;
  });
  add("two-character name", per_class, [&](const IndexRecord& r, Query& q) {
    if (Chars(r.person.name) != 2) return false;
    q.text = r.person.name;
    q.scoped = {{"", q.text}};
    q.relevant = same_name(r.person.name);
    return true;
  });
  add("traditional name", per_class, [&](const IndexRecord& r, Query& q) {
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(r.person.name);
    to_traditional->transliterate(text);
    std::string traditional;
    text.toUTF8String(traditional);
    if (traditional == r.person.name) return false;
    q.text = traditional;
    q.scoped = {{"", q.text}};
    q.relevant = same_name(r.person.name);
    return true;
  });
  add("full pinyin", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& syl = readings[static_cast<size_t>(r.rowid - 1)];
    if (syl.empty()) return false;
    q.text = Join(syl);
    q.scoped = {{"", q.text}};
    q.relevant = rows_where(labels.Read(Join(syl, " ")), all);
    return true;
  });
  static const std::set<std::string> kPolyphonic = {"覃", "曾", "单",   "解",   "仇",  "区", "朴",
                                                    "查", "缪", "尉迟", "万俟", "盖",  "乐", "翟",
                                                    "种", "召", "秘",   "长孙", "令狐"};
  add("pinyin, polyphonic surname", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& syl = readings[static_cast<size_t>(r.rowid - 1)];
    if (syl.empty()) return false;
    bool polyphonic = false;
    for (const auto& s : kPolyphonic) polyphonic |= r.person.name.rfind(s, 0) == 0;
    if (!polyphonic) return false;
    q.text = Join(syl);
    q.scoped = {{"", q.text}};
    q.relevant = rows_where(labels.Read(Join(syl, " ")), all);
    return true;
  });
  add("initials + unit", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& syl = readings[static_cast<size_t>(r.rowid - 1)];
    if (syl.empty() || r.person.unit_name.empty()) return false;
    const std::string ini = Labeller::Initials(syl);
    q.text = ini + " " + r.person.unit_name;
    q.scoped = {{"", ini}, {"", r.person.unit_name}};
    q.relevant = rows_where(labels.WithInitials(ini), [&](size_t i) {
      return rs[i].person.unit_name.find(r.person.unit_name) != std::string::npos;
    });
    return true;
  });
  add("name + unit", per_class, [&](const IndexRecord& r, Query& q) {
    if (r.person.unit_name.empty()) return false;
    q.text = r.person.name + " " + r.person.unit_name;
    q.scoped = {{"", r.person.name}, {"", r.person.unit_name}};
    q.relevant = rows_where(labels.Named(r.person.name), [&](size_t i) {
      return rs[i].person.unit_name.find(r.person.unit_name) != std::string::npos;
    });
    return true;
  });
  add("ID number, half-width", per_class, [&](const IndexRecord& r, Query& q) {
    if (r.person.id_number.size() != 18) return false;
    q.text = r.person.id_number;
    q.scoped = {{"", q.text}};
    q.relevant = {r.rowid};
    return true;
  });
  add("ID number, full-width", per_class, [&](const IndexRecord& r, Query& q) {
    if (r.person.id_number.size() != 18) return false;
    std::string id = r.person.id_number;
    if (id.back() == 'X') id.back() = 'x';
    q.text = FullWidth(id);
    q.scoped = {{"", q.text}};
    q.relevant = {r.rowid};
    return true;
  });
  add("fields (领域: 单位:)", per_class, [&](const IndexRecord& r, Query& q) {
    if (r.person.fields.empty() || r.person.unit_name.empty()) return false;
    const std::string field = r.person.fields[0];
    q.text = "领域:" + field + " 单位:" + r.person.unit_name;
    q.scoped = {{"fields", field}, {"unit", r.person.unit_name}};
    q.relevant = rows_where(labels.UnitContains(r.person.unit_name), [&](size_t i) {
      for (const auto& f : rs[i].person.fields) {
        if (f.find(field) != std::string::npos) return true;
      }
      return false;
    });
    return true;
  });
  add("conjunction (民族 领域 职称)", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& p = r.person;
    if (p.ethnic_group.empty() || p.ethnic_group == "汉族" || p.fields.empty() || p.title.empty())
      return false;
    const std::string field = Prefix(p.fields[0], 2);
    q.text = p.ethnic_group + " " + field + " " + p.title;
    q.scoped = {{"", p.ethnic_group}, {"", field}, {"", p.title}};
    q.relevant = rows_where(labels.EthnicTitle(p.ethnic_group, p.title), [&](size_t i) {
      for (const auto& f : rs[i].person.fields) {
        if (f.find(field) != std::string::npos) return true;
      }
      return false;
    });
    return true;
  });

  // Queries as staff type them (the classes below): words that find nobody, filter values.
  // A word found nowhere: two characters that no text of the pool holds, in either script.
  std::set<char32_t> used;
  for (const IndexRecord& r : rs) {
    const auto& p = r.person;
    for (const std::string* text :
         {&p.name, &p.unit_name, &p.post, &p.title, &p.achievements, &p.career, &p.native_place,
          &p.birthplace, &p.ethnic_group, &p.education, &p.degree, &p.graduated_from, &p.major,
          &p.congress_posts, &p.association_posts, &p.united_front_groups, &p.other_posts,
          &p.group_type, &p.recommending_unit}) {
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(*text);
      for (int32_t k = 0; k < u.length(); k = u.moveIndex32(k, 1)) used.insert(u.char32At(k));
    }
    for (const std::string& f : p.fields) {
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(f);
      for (int32_t k = 0; k < u.length(); k = u.moveIndex32(k, 1)) used.insert(u.char32At(k));
    }
  }
  std::unique_ptr<icu::Transliterator> to_simplified(
      icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, error));
  const auto unused_word = [&]() {
    std::string word;
    while (Chars(word) < 2) {
      const auto cp =
          static_cast<UChar32>(std::uniform_int_distribution<int>(0x4E00, 0x9FA5)(random));
      icu::UnicodeString one(cp), folded(cp);
      to_simplified->transliterate(folded);
      if (one != folded || used.count(static_cast<char32_t>(cp))) continue;
      one.toUTF8String(word);
    }
    return word;
  };
  add("name + a word found nowhere", per_class, [&](const IndexRecord& r, Query& q) {
    const std::string noise = unused_word();
    const bool before = std::uniform_int_distribution<int>(0, 1)(random) == 0;
    q.text = before ? noise + " " + r.person.name : r.person.name + " " + noise;
    q.scoped = {{"", r.person.name}, {"", noise}};
    q.relevant = same_name(r.person.name);
    return true;
  });
  const auto coin = [&]() { return std::uniform_int_distribution<int>(0, 1)(random) == 0; };
  const auto year_of = [](const std::string& date) {
    return date.size() >= 4 ? std::atoi(date.substr(0, 4).c_str()) : 0;
  };
  add("phone number (11 digits, spaced, hyphened, +86)", per_class,
      [&](const IndexRecord& r, Query& q) {
        const std::string& phone = r.person.phone;
        if (phone.size() != 11 || phone[0] != '1') return false;
        const std::string a = phone.substr(0, 3), b = phone.substr(3, 4), c = phone.substr(7);
        switch (std::uniform_int_distribution<int>(0, 3)(random)) {
          case 0: q.text = phone; break;
          case 1: q.text = a + " " + b + " " + c; break;
          case 2: q.text = a + "-" + b + "-" + c; break;
          default: q.text = "+86 " + phone; break;
        }
        q.scoped = {{"", q.text}};
        const auto it = pool.by_phone.find(phone);
        if (it != pool.by_phone.end()) q.relevant.insert(it->second.begin(), it->second.end());
        return true;
      });
  add("name + birth year", per_class, [&](const IndexRecord& r, Query& q) {
    const int year = year_of(r.person.birth_date);
    if (year == 0) return false;
    const std::string y = std::to_string(year) + (coin() ? "" : "年");
    q.text = r.person.name + " " + y;
    q.scoped = {{"", r.person.name}, {"", y}};
    q.relevant = rows_where(labels.Named(r.person.name),
                            [&](size_t i) { return year_of(rs[i].person.birth_date) == year; });
    return true;
  });
  static constexpr std::string_view kProvinceSuffixes[] = {
      "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"};
  const auto province_word = [&](const std::string& code) -> std::string {
    const std::string* full = reference.ProvinceName(code);
    if (full == nullptr) return "";
    if (coin()) return *full;
    for (std::string_view suffix : kProvinceSuffixes) {
      if (full->size() > suffix.size() &&
          full->compare(full->size() - suffix.size(), suffix.size(), suffix) == 0) {
        return full->substr(0, full->size() - suffix.size());
      }
    }
    return *full;
  };
  const auto has_field = [&](size_t i, const std::string& field) {
    for (const auto& f : rs[i].person.fields) {
      if (f.find(field) != std::string::npos) return true;
    }
    return false;
  };
  add("filter words (省份 民族 性别 领域)", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& p = r.person;
    if (p.fields.empty() || p.province.empty() || p.ethnic_group.empty() || p.gender.empty())
      return false;
    const std::string province = province_word(p.province);
    if (province.empty()) return false;
    std::string ethnic = p.ethnic_group;
    if (coin()) {  // 壮族 -> 壮, when the short form names that group alone
      const std::string stem = ethnic.substr(0, ethnic.size() - 3);
      const std::string* group = reference.EthnicGroup(stem);
      if (group != nullptr && *group == ethnic) ethnic = stem;
    }
    const std::string gender = coin() ? p.gender : p.gender + "性";
    const std::string field = Prefix(p.fields[0], 2);
    std::vector<std::string> words = {province, ethnic, gender, field};
    std::shuffle(words.begin(), words.end(), random);
    q.text = Join(words, " ");
    for (const auto& w : words) q.scoped.emplace_back("", w);
    q.relevant = rows_where(labels.UnitContains(""), [&](size_t i) {
      const auto& o = rs[i].person;
      return o.province == p.province && o.ethnic_group == p.ethnic_group && o.gender == p.gender &&
             has_field(i, field);
    });
    return true;
  });
  add("filter words (人才类别 年代 领域)", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& p = r.person;
    const int year = year_of(p.birth_date);
    if (p.fields.empty() || p.tier.empty() || year < 1940) return false;
    const int decade = year / 10 * 10;
    const std::string tier = coin() ? p.tier : p.tier.substr(0, p.tier.size() - 6);  // 领军
    char era[16];
    std::snprintf(era, sizeof era, "%02d后", decade % 100);  // 80后, 00后
    const std::string field = Prefix(p.fields[0], 2);
    std::vector<std::string> words = {tier, era, field};
    std::shuffle(words.begin(), words.end(), random);
    q.text = Join(words, " ");
    for (const auto& w : words) q.scoped.emplace_back("", w);
    q.relevant = rows_where(labels.UnitContains(""), [&](size_t i) {
      const auto& o = rs[i].person;
      return o.tier == p.tier && year_of(o.birth_date) / 10 * 10 == decade && has_field(i, field);
    });
    return true;
  });
  // Names as people type them. Southern accents: one syllable with zh/z, ch/c, sh/s, n/l or
  // an/ang, en/eng, in/ing swapped (the result need not be a syllable: ten for teng). Right: the
  // people read as intended, and those read as typed.
  const auto southern = [](const std::string& syllable) {
    std::vector<std::string> swaps;
    std::string initial, rest = syllable;
    for (const char* two : {"zh", "ch", "sh"}) {
      if (syllable.rfind(two, 0) == 0) initial = two;
    }
    if (initial.empty() && !syllable.empty() && std::strchr("zcsnl", syllable[0]) != nullptr)
      initial = syllable.substr(0, 1);
    rest = syllable.substr(initial.size());
    if (initial.size() == 2) swaps.push_back(initial.substr(0, 1) + rest);
    if (initial == "z" || initial == "c" || initial == "s") swaps.push_back(initial + "h" + rest);
    if (initial == "n") swaps.push_back("l" + rest);
    if (initial == "l") swaps.push_back("n" + rest);
    const auto ends = [&](const std::string& t) {
      return rest.size() >= t.size() && rest.compare(rest.size() - t.size(), t.size(), t) == 0;
    };
    if (ends("ang") || ends("eng") || ends("ing")) {
      swaps.push_back(syllable.substr(0, syllable.size() - 1));
    } else if (ends("an") || ends("en") || ends("in")) {
      swaps.push_back(syllable + "g");
    }
    return swaps;
  };
  add("pinyin, southern accent (zh/z n/l an/ang…)", per_class, [&](const IndexRecord& r, Query& q) {
    auto syl = readings[static_cast<size_t>(r.rowid - 1)];
    if (syl.empty()) return false;
    const std::vector<std::string> intended = syl;
    const size_t at = std::uniform_int_distribution<size_t>(0, syl.size() - 1)(random);
    const auto swaps = southern(syl[at]);
    if (swaps.empty()) return false;
    syl[at] = swaps[std::uniform_int_distribution<size_t>(0, swaps.size() - 1)(random)];
    q.text = Join(syl);
    q.scoped = {{"", q.text}};
    q.relevant = rows_where(labels.Read(Join(intended, " ")), all);
    const auto as_typed = rows_where(labels.Read(Join(syl, " ")), all);
    q.relevant.insert(as_typed.begin(), as_typed.end());
    return true;
  });
  // The surname in characters, the given name in pinyin or initials (王xiaoming, 王xm).
  add("surname + given name in pinyin or initials", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& syl = readings[static_cast<size_t>(r.rowid - 1)];
    if (syl.size() < 2) return false;
    const std::string surname = Prefix(r.person.name, 1);
    const bool initials = coin();
    std::string given;
    for (size_t i = 1; i < syl.size(); ++i) given += initials ? syl[i].substr(0, 1) : syl[i];
    q.text = surname + given;
    q.scoped = {{"", q.text}};
    q.relevant = rows_where(labels.WithInitials(Labeller::Initials(syl)), [&](size_t i) {
      const auto& other = readings[i];
      if (rs[i].person.name.rfind(surname, 0) != 0 || other.size() != syl.size()) return false;
      for (size_t k = 1; k < syl.size(); ++k) {
        if (initials ? other[k][0] != syl[k][0] : other[k] != syl[k]) return false;
      }
      return true;
    });
    return true;
  });
  // The given name first, as on a card in English: Xiaoming Wang, xiaoming wang, XiaoMing WANG.
  add("pinyin, given name first", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& syl = readings[static_cast<size_t>(r.rowid - 1)];
    if (syl.size() < 2 || truth.CompoundSurname(r.person.name)) return false;
    const auto capital = [](std::string s) {
      s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
      return s;
    };
    const int style = std::uniform_int_distribution<int>(0, 2)(random);
    std::string given, surname = syl[0];
    for (size_t i = 1; i < syl.size(); ++i)
      given += style == 2 ? capital(syl[i]) : style == 0 && i == 1 ? capital(syl[i]) : syl[i];
    if (style == 0) surname = capital(surname);
    if (style == 2) std::transform(surname.begin(), surname.end(), surname.begin(), ::toupper);
    q.text = given + " " + surname;
    q.scoped = {{"", q.text}};
    q.relevant = rows_where(labels.Read(Join(syl, " ")), all);
    return true;
  });
  // A name typed with a homophone of its last character, the name typed being nobody's (黄昊 for
  // 黄浩). Right: the people whose whole name reads as typed, of the same length.
  std::map<std::string, std::vector<std::string>> by_sound;
  for (const auto& [c, reading] : truth.Given()) by_sound[reading].push_back(c);
  for (auto& [reading, chars] : by_sound) std::sort(chars.begin(), chars.end());
  add("name typed with a homophone", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& syl = readings[static_cast<size_t>(r.rowid - 1)];
    const size_t n = Chars(r.person.name);
    if (syl.size() < 2 || syl.size() != n || n > 3 || truth.CompoundSurname(r.person.name))
      return false;
    const std::string last = r.person.name.substr(Prefix(r.person.name, n - 1).size());
    const auto& same = by_sound[syl.back()];
    std::vector<std::string> others;
    for (const auto& c : same) {
      if (c != last) others.push_back(c);
    }
    if (others.empty()) return false;
    const std::string typed =
        Prefix(r.person.name, n - 1) +
        others[std::uniform_int_distribution<size_t>(0, others.size() - 1)(random)];
    if (!labels.Named(typed).empty()) return false;
    q.text = typed;
    q.scoped = {{"", q.text}};
    q.relevant = rows_where(labels.Read(Join(syl, " ")),
                            [&](size_t i) { return Chars(rs[i].person.name) == n; });
    return true;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Engines: each answers every query with its top 10 (as pool rowids) and the time it took.

struct EngineRun {
  std::string name;
  bool ran = false;
  std::string note;  // why it did not run, or what was measured differently
  double build_seconds = -1;
  int64_t disk_bytes = -1;
  std::vector<std::vector<int64_t>> tops;
  std::vector<double> ms;
};

int64_t PoolRowid(const Pool& pool, const std::string& public_id) {
  const auto it = pool.by_public_id.find(public_id);
  return it == pool.by_public_id.end() ? 0 : it->second;
}

// Our index answering the queries as the API's search does (10 hits, best first), with or
// without the facet counts the API adds. Each query's time is its best of `rounds` runs.
void RunOurs(const tp::indexer::SearchIndex& index, const std::vector<Query>& queries,
             const Pool& pool, const tp::indexer::IdResolver& resolve,
             const tp::indexer::PhoneResolver& resolve_phone, bool facets, int rounds,
             EngineRun* run) {
  run->tops.assign(queries.size(), {});
  run->ms.assign(queries.size(), 1e9);
  for (int round = 0; round < rounds; ++round) {
    for (size_t i = 0; i < queries.size(); ++i) {
      tp::indexer::SearchRequest request;
      request.query = queries[i].text;
      request.size = 10;
      request.facets = facets;
      request.resolve_id = resolve;
      request.resolve_phone = resolve_phone;
      const auto started = Clock::now();
      auto result = index.Search(request);
      run->ms[i] = std::min(run->ms[i], Milliseconds(started));
      run->tops[i].clear();
      if (!result.ok()) continue;
      for (const auto& h : result->hits) run->tops[i].push_back(PoolRowid(pool, h.id));
    }
  }
  run->ran = true;
}

// The same queries over HTTP: one keep-alive connection on loopback, one request after another
// with a staff token, the wall time of each from writing the request to the last byte read (a
// query's best of `rounds` runs).
void RunHttp(int port, const std::string& token, const std::vector<Query>& queries,
             const Pool& pool, int rounds, EngineRun* run) {
  run->tops.assign(queries.size(), {});
  run->ms.assign(queries.size(), 1e9);
  int sock = -1;
  long failed = 0;
  for (size_t n = 0; n < queries.size() * static_cast<size_t>(rounds); ++n) {
    const size_t i = n % queries.size();
    const std::string request =
        "GET /api/v1/search?size=10&q=" + tp::bench::PercentEncode(queries[i].text) +
        " HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    const auto started = Clock::now();
    if (sock < 0) sock = tp::bench::ConnectLoopback(port);
    bool keep = false;
    std::string body;
    const int status = sock < 0 ? 0 : tp::bench::Exchange(sock, request, &keep, &body);
    run->ms[i] = std::min(run->ms[i], Milliseconds(started));
    if (!keep || status == 0) {
      if (sock >= 0) ::close(sock);
      sock = -1;
    }
    if (status != 200) {
      ++failed;
      continue;
    }
    const auto answer = nlohmann::json::parse(body, nullptr, false);
    if (answer.is_discarded() || !answer.contains("hits")) continue;
    run->tops[i].clear();
    for (const auto& hit : answer["hits"])
      run->tops[i].push_back(PoolRowid(pool, hit.value("id", "")));
  }
  if (sock >= 0) ::close(sock);
  run->ran = true;
  if (failed > 0) run->note = std::to_string(failed) + " requests failed";
}

const char* kPeerColumns[] = {"name",        "unit",         "post",   "title",
                              "fields",      "achievements", "ethnic", "place",
                              "recommender", "id_number",    "phone"};

std::vector<std::string> PeerRow(const IndexRecord& r) {
  const auto& p = r.person;
  return {p.name,
          p.unit_name,
          p.post,
          p.title,
          Join(p.fields, "、"),
          p.achievements,
          p.ethnic_group,
          p.native_place,
          p.recommending_unit,
          p.id_number,
          p.phone};
}

// Every word of the query must match (the peers' AND), in the column it names or anywhere.
std::vector<std::pair<std::string, std::string>> PeerWords(const Query& q) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [column, words] : q.scoped) {
    std::istringstream in(words);
    for (std::string w; in >> w;) out.emplace_back(column, w);
  }
  return out;
}

// SQLite FTS5 with the trigram tokenizer, in a database file, loaded in one transaction and
// optimised (segments merged) as a user loading a fixed corpus would.
class Fts5 {
 public:
  Fts5(const Pool& pool, const std::string& path, double limit_seconds) {
    const auto started = Clock::now();
    sqlite3_open(path.c_str(), &db_);
    Exec(
        "CREATE VIRTUAL TABLE p USING fts5(name, unit, post, title, fields, achievements, ethnic, "
        "place, recommender, id_number, phone, tokenize='trigram')");
    Exec("BEGIN");
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(
        db_,
        "INSERT INTO p(rowid, name, unit, post, title, fields, achievements, ethnic, "
        "place, recommender, id_number, phone) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        -1, &insert, nullptr);
    size_t loaded = 0;
    for (const auto& r : pool.records) {
      if (loaded % 10000 == 0 && loaded > 0 && Seconds(started) > limit_seconds) break;
      sqlite3_bind_int64(insert, 1, r.rowid);
      const auto row = PeerRow(r);
      for (size_t i = 0; i < row.size(); ++i) {
        sqlite3_bind_text(insert, static_cast<int>(i + 2), row[i].c_str(), -1, SQLITE_TRANSIENT);
      }
      sqlite3_step(insert);
      sqlite3_reset(insert);
      ++loaded;
    }
    sqlite3_finalize(insert);
    if (loaded < pool.records.size()) {
      Exec("ROLLBACK");
      char note[160];
      std::snprintf(note, sizeof(note),
                    "build given up after %.0f s at %zu of %zu people (--peer-seconds %.0f)",
                    Seconds(started), loaded, pool.records.size(), limit_seconds);
      note_ = note;
      return;
    }
    Exec("COMMIT");
    Exec("INSERT INTO p(p) VALUES('optimize')");
    build_seconds_ = Seconds(started);
    sqlite3_prepare_v2(db_, "SELECT rowid FROM p WHERE p MATCH ? ORDER BY rank LIMIT 10", -1,
                       &select_, nullptr);
    ok_ = true;
  }
  ~Fts5() {
    sqlite3_finalize(select_);
    sqlite3_close(db_);
  }
  bool ok() const { return ok_; }
  const std::string& note() const { return note_; }
  double build_seconds() const { return build_seconds_; }

  std::vector<int64_t> Top(const Query& q) {
    std::string match;
    for (const auto& [column, word] : PeerWords(q)) {
      std::string quoted = "\"";
      for (char c : word) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      quoted += "\"";
      if (!match.empty()) match += " AND ";
      match += column.empty() ? quoted : column + " : " + quoted;
    }
    std::vector<int64_t> top;
    sqlite3_bind_text(select_, 1, match.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(select_) == SQLITE_ROW) top.push_back(sqlite3_column_int64(select_, 0));
    sqlite3_reset(select_);
    return top;
  }

 private:
  void Exec(const char* sql) { sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }
  sqlite3* db_ = nullptr;
  sqlite3_stmt* select_ = nullptr;
  bool ok_ = false;
  double build_seconds_ = -1;
  std::string note_;
};

void RunFts5(const Pool& pool, const std::vector<Query>& queries, const fs::path& dir,
             double limit_seconds, int rounds, EngineRun* run) {
  const fs::path path = dir / "fts5.sqlite";
  {
    Fts5 fts(pool, path.string(), limit_seconds);
    run->note = fts.note();
    if (!fts.ok()) return;
    run->build_seconds = fts.build_seconds();
    run->disk_bytes = DiskBytes(path);
    run->tops.assign(queries.size(), {});
    run->ms.assign(queries.size(), 1e9);
    for (int round = 0; round < rounds; ++round) {
      for (size_t i = 0; i < queries.size(); ++i) {
        const auto started = Clock::now();
        run->tops[i] = fts.Top(queries[i]);
        run->ms[i] = std::min(run->ms[i], Milliseconds(started));
      }
    }
    run->ran = true;
  }
  std::error_code ec;
  fs::remove(path, ec);
}

std::string SingleQuoted(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

// Groonga through its command-line client: the rows loaded first and the index column made after
// (Groonga's fast static indexing), all under `timeout`. Query latency is Groonga's own elapsed
// time for each select, from the header of its answer.
void RunGroonga(const std::string& binary, const Pool& pool, const std::vector<Query>& queries,
                const fs::path& dir, double limit_seconds, int rounds, EngineRun* run) {
  const fs::path home = dir / "groonga";
  fs::create_directories(home);
  const std::string db = (home / "persons.db").string();
  const std::string load = (dir / "groonga-load.grn").string();
  const std::string columns =
      Join(std::vector<std::string>(std::begin(kPeerColumns), std::end(kPeerColumns)), ",");
  {
    std::ofstream out(load);
    out << "table_create Persons TABLE_HASH_KEY UInt64\n";
    for (const char* c : kPeerColumns)
      out << "column_create Persons " << c << " COLUMN_SCALAR Text\n";
    out << "load --table Persons\n[\n";
    bool first = true;
    for (const auto& r : pool.records) {
      nlohmann::json row = {{"_key", r.rowid}};
      const auto values = PeerRow(r);
      for (size_t i = 0; i < values.size(); ++i) row[kPeerColumns[i]] = values[i];
      out << (first ? "" : ",\n") << row.dump();
      first = false;
    }
    out << "\n]\n";
    out << "table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram "
           "--normalizer NormalizerAuto\n";
    out << "column_create Terms idx COLUMN_INDEX|WITH_POSITION|WITH_SECTION Persons " << columns
        << "\n";
  }
  char limit[32];
  std::snprintf(limit, sizeof(limit), "%.0f", limit_seconds);
  const auto started = Clock::now();
  const std::string command = "timeout -k 10 " + std::string(limit) + " " + binary + " -n " + db +
                              " < " + load + " > /dev/null 2>&1";
  const int status = std::system(command.c_str());
  const double took = Seconds(started);
  std::error_code ec;
  fs::remove(load, ec);
  if (status != 0) {
    char note[200];
    if (WIFEXITED(status) && WEXITSTATUS(status) == 124) {
      std::snprintf(note, sizeof(note),
                    "build given up after %.0f s for %zu people (--peer-seconds %s)", took,
                    pool.records.size(), limit);
    } else {
      std::snprintf(note, sizeof(note),
                    "'%s' did not run (install groonga-bin, or pass --groonga none)",
                    binary.c_str());
    }
    run->note = note;
    fs::remove_all(home, ec);
    return;
  }
  run->build_seconds = took;
  run->disk_bytes = DiskBytes(home);

  const std::string commands = (dir / "groonga-queries.grn").string();
  const std::string results = (dir / "groonga-results.json").string();
  {
    std::ofstream out(commands);
    const std::string all =
        Join(std::vector<std::string>(std::begin(kPeerColumns), std::end(kPeerColumns)), "||");
    std::string lines;
    for (const Query& q : queries) {
      std::string query;
      for (const auto& [column, word] : PeerWords(q)) {
        std::string escaped = "\"";
        for (char c : word) {
          if (c == '"' || c == '\\') escaped += '\\';
          escaped += c;
        }
        escaped += "\"";
        if (!query.empty()) query += " ";
        query += column.empty() ? escaped : column + ":@" + escaped;
      }
      lines += "select --table Persons --match_columns " + SingleQuoted(all) + " --query " +
               SingleQuoted(query) + " --output_columns _key --limit 10 --sort_keys -_score\n";
    }
    for (int round = 0; round < rounds; ++round) out << lines;
  }
  const std::string ask = binary + " " + db + " < " + commands + " > " + results + " 2>/dev/null";
  if (std::system(ask.c_str()) != 0) {
    run->note = "queries did not run";
    fs::remove_all(home, ec);
    return;
  }
  run->tops.assign(queries.size(), {});
  run->ms.assign(queries.size(), 1e9);
  std::ifstream in(results);
  std::string line;
  for (size_t n = 0; n < static_cast<size_t>(rounds) * queries.size() && std::getline(in, line);
       ++n) {
    const size_t i = n % queries.size();
    try {
      const auto answer = nlohmann::json::parse(line);
      run->ms[i] = std::min(run->ms[i], answer.at(0).at(2).get<double>() * 1000);
      run->tops[i].clear();
      const auto& body = answer.at(1).at(0);
      for (size_t k = 2; k < body.size(); ++k) run->tops[i].push_back(body[k][0].get<int64_t>());
    } catch (const std::exception&) {
      // A query Groonga could not parse finds nobody.
    }
  }
  run->ran = true;
  fs::remove(commands, ec);
  fs::remove(results, ec);
  fs::remove_all(home, ec);
}

// ---------------------------------------------------------------------------------------------
// Figures per class, and the tables.

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

struct ClassFigures {
  int n = 0;
  double hit = 0;  // share of queries with a relevant person in the top 10
  double mrr = 0;  // mean reciprocal rank of the first relevant person, within the top 10
  double p50 = 0, p99 = 0;
};

// Per class, and under "all" for every query together.
std::map<std::string, ClassFigures> ByClass(const std::vector<Query>& queries,
                                            const EngineRun& run) {
  std::map<std::string, ClassFigures> out;
  std::map<std::string, std::vector<double>> ms;
  for (size_t i = 0; i < queries.size() && i < run.tops.size(); ++i) {
    double rr = 0;
    for (size_t k = 0; k < run.tops[i].size() && k < 10; ++k) {
      if (queries[i].relevant.count(run.tops[i][k])) {
        rr = 1.0 / static_cast<double>(k + 1);
        break;
      }
    }
    for (const std::string& cls : {queries[i].cls, std::string("all")}) {
      auto& f = out[cls];
      ++f.n;
      f.hit += rr > 0 ? 1 : 0;
      f.mrr += rr;
      ms[cls].push_back(run.ms[i]);
    }
  }
  for (auto& [cls, f] : out) {
    f.hit /= f.n;
    f.mrr /= f.n;
    f.p50 = Percentile(ms[cls], 0.5);
    f.p99 = Percentile(ms[cls], 0.99);
  }
  return out;
}

// Terminal columns of a UTF-8 string: Chinese characters (U+2E80 on) take two, the rest one.
size_t Columns(const std::string& s) {
  size_t n = 0;
  for (size_t at = 0; at < s.size();) {
    const auto b = static_cast<unsigned char>(s[at]);
    const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    const bool wide =
        len == 4 || (len == 3 && (b > 0xE2 || (b == 0xE2 && at + 1 < s.size() &&
                                               static_cast<unsigned char>(s[at + 1]) >= 0xBA)));
    n += wide ? 2 : 1;
    at += len;
  }
  return n;
}

std::string Pad(const std::string& s, size_t width) {
  const size_t columns = Columns(s);
  return columns >= width ? s : s + std::string(width - columns, ' ');
}

std::string Format(const char* format, double a, double b = 0, double c = 0) {
  char text[96];
  std::snprintf(text, sizeof(text), format, a, b, c);
  return text;
}

// A Markdown table, padded so that it also reads in a terminal.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print() const {
    std::vector<size_t> widths;
    for (const auto& row : rows_) {
      widths.resize(std::max(widths.size(), row.size()), 3);
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Columns(row[i]));
    }
    for (size_t r = 0; r < rows_.size(); ++r) {
      std::string line = "|";
      for (size_t i = 0; i < widths.size(); ++i) {
        line += ' ';
        line += Pad(i < rows_[r].size() ? rows_[r][i] : "", widths[i]);
        line += " |";
      }
      std::printf("%s\n", line.c_str());
      if (r == 0) {
        line = "|";
        for (size_t w : widths) {
          line.append(w + 2, '-');
          line += '|';
        }
        std::printf("%s\n", line.c_str());
      }
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

// A peer "returns right answers" on a class when a relevant person is in its top 10 for at least
// this share of the queries; only then is its latency a fair comparison.
constexpr double kPeerRightShare = 0.8;

std::string Ratio(const ClassFigures& ours, const ClassFigures& peer) {
  if (peer.hit < kPeerRightShare) return Format("— (hit %.2f)", peer.hit);
  return Format("%.2f / %.2f", peer.p50 > 0 ? ours.p50 / peer.p50 : 0,
                peer.p99 > 0 ? ours.p99 / peer.p99 : 0);
}

struct Report {
  std::vector<std::string> classes;
  std::vector<const EngineRun*> engines;  // ours first
  std::map<const EngineRun*, std::map<std::string, ClassFigures>> figures;
};

void PrintRelevance(const Report& report) {
  std::vector<std::string> header = {"class (queries)"};
  for (const EngineRun* e : report.engines) header.push_back(e->name + " hit@10 / MRR");
  Table table(header);
  for (const std::string& cls : report.classes) {
    const auto& first = report.figures.at(report.engines.front());
    std::vector<std::string> row = {cls + " (" +
                                    std::to_string(first.count(cls) ? first.at(cls).n : 0) + ")"};
    for (const EngineRun* e : report.engines) {
      const auto& f = report.figures.at(e);
      row.push_back(f.count(cls) ? Format("%.3f / %.3f", f.at(cls).hit, f.at(cls).mrr) : "—");
    }
    table.Add(row);
  }
  std::printf("\n");
  table.Print();
}

// p50 / p99 in ms per class and engine, and ours/peer ratios where the peer answers right.
void PrintLatency(const Report& report, const std::vector<const EngineRun*>& ours,
                  const std::vector<const EngineRun*>& peers) {
  std::vector<std::string> header = {"class"};
  for (const EngineRun* e : ours) header.push_back(e->name + " p50 / p99 ms");
  for (const EngineRun* e : peers) {
    header.push_back(e->name + " p50 / p99 ms");
    header.push_back("ours/" + e->name + " p50 / p99");
  }
  Table table(header);
  std::vector<std::string> classes = report.classes;
  classes.push_back("all");
  const auto& base = report.figures.at(ours.front());
  for (const std::string& cls : classes) {
    std::vector<std::string> row = {cls};
    for (const EngineRun* e : ours) {
      const auto& f = report.figures.at(e);
      row.push_back(f.count(cls) ? Format("%.2f / %.2f", f.at(cls).p50, f.at(cls).p99) : "—");
    }
    for (const EngineRun* e : peers) {
      const auto& f = report.figures.at(e);
      if (!f.count(cls) || !base.count(cls)) {
        row.insert(row.end(), {"—", "—"});
        continue;
      }
      row.push_back(Format("%.2f / %.2f", f.at(cls).p50, f.at(cls).p99));
      row.push_back(cls == "all" ? "" : Ratio(base.at(cls), f.at(cls)));
    }
    table.Add(row);
  }
  std::printf("\n");
  table.Print();
}

// key=value lines (scripts/scale_bench.sh writes them); a later line wins.
std::map<std::string, std::string> ReadFigures(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

void PrintEngines(const Report& report, size_t people) {
  Table table({"engine", "build s", "people/s", "on disk", "hit@10 (all)", "note"});
  for (const EngineRun* e : report.engines) {
    const auto& f = report.figures.at(e);
    const bool built = e->build_seconds > 0;
    table.Add({e->name, built ? Format("%.1f", e->build_seconds) : "—",
               built ? Format("%.0f", static_cast<double>(people) / e->build_seconds) : "—",
               e->disk_bytes >= 0 ? Megabytes(e->disk_bytes) : "—",
               f.count("all") ? Format("%.3f", f.at("all").hit) : "—", e->note});
  }
  std::printf("\n");
  table.Print();
}

double Number(const std::map<std::string, std::string>& figures, const std::string& key) {
  const auto it = figures.find(key);
  return it == figures.end() ? -1 : std::atof(it->second.c_str());
}

// The issue's targets (at a million people on two cores), each beside its figure.
void PrintTargets(const Report& report, const std::map<std::string, std::string>& figures,
                  size_t people, const EngineRun& ours, const EngineRun& ours_facets,
                  const EngineRun* http, const std::vector<const EngineRun*>& peers) {
  Table table({"figure", "value", "target (1M people, 2 cores)", ""});
  const auto verdict = [](bool pass) { return std::string(pass ? "PASS" : "MISS"); };
  const double n = static_cast<double>(people);
  const auto cpu = [&](const std::string& what) {
    const double seconds = Number(figures, what + "_cpu_seconds");
    return seconds > 0 ? Format("; %.0f s CPU = %.0f rows per CPU second", seconds, n / seconds)
                       : std::string();
  };
  const double import_s = Number(figures, "import_seconds");
  if (import_s > 0) {
    table.Add({"import + index (`talentpool import`)",
               Format("%.1f s = %.0f rows/s", import_s, n / import_s) + cpu("import"), "< 300 s",
               verdict(import_s < 300)});
  }
  const double reindex_s = Number(figures, "reindex_seconds");
  if (reindex_s > 0) {
    table.Add({"index alone (`talentpool reindex`)",
               Format("%.1f s = %.0f rows/s", reindex_s, n / reindex_s) + cpu("reindex"), "", ""});
  }
  for (const char* what : {"import", "reindex"}) {
    const double kb = Number(figures, std::string(what) + "_rss_kb");
    if (kb > 0)
      table.Add({std::string("peak memory, ") + what, Format("%.0f MB", kb / 1024), "", ""});
  }
  if (ours.disk_bytes >= 0) {
    table.Add({"index on disk (live generation)",
               Format("%.0f MB (%.0f bytes/person)", static_cast<double>(ours.disk_bytes) / 1e6,
                      static_cast<double>(ours.disk_bytes) / n),
               "", ""});
  }
  const double registry_bytes = Number(figures, "registry_bytes");
  if (registry_bytes > 0)
    table.Add({"registry on disk (SQLite)", Format("%.0f MB", registry_bytes / 1e6), "", ""});

  const auto latency_row = [&](const std::string& label, const EngineRun& run, double limit_ms) {
    const auto& f = report.figures.at(&run);
    std::string worst;
    double worst_p99 = 0;
    for (const auto& cls : report.classes) {
      if (f.count(cls) && f.at(cls).p99 >= worst_p99) {
        worst_p99 = f.at(cls).p99;
        worst = cls;
      }
    }
    const auto& all = f.at("all");
    table.Add(
        {label,
         Format("p50 %.2f, p99 %.2f ms; worst class p99 %.2f ms", all.p50, all.p99, worst_p99) +
             " (" + worst + ")",
         limit_ms > 0 ? Format("p99 < %.0f ms in every class", limit_ms) : "",
         limit_ms > 0 ? verdict(worst_p99 < limit_ms) : ""});
  };
  latency_row("search in process, as the API asks (with facets)", ours_facets, 20);
  latency_row("search in process, top 10 only (as the peers)", ours, 0);
  if (http != nullptr) latency_row("search over HTTP (loopback, one client)", *http, 30);

  for (const char* what : {"search", "check"}) {
    const std::string key = std::string("wrk_") + what;
    const double rps = Number(figures, key + "_rps");
    if (rps < 0) continue;
    const bool check = std::string(what) == "check";
    table.Add({check ? "wrk: enrolment check" : "wrk: search",
               Format("%.0f req/s, p50 %.2f ms, p99 %.2f ms", rps, Number(figures, key + "_p50_ms"),
                      Number(figures, key + "_p99_ms")) +
                   Format(", %.0f errors", Number(figures, key + "_errors")),
               check ? "≥ 10,000 req/s" : "", check ? verdict(rps >= 10000) : ""});
  }

  const auto& base = report.figures.at(&ours);
  for (const EngineRun* peer : peers) {
    if (!peer->ran) {
      table.Add({"vs " + peer->name, peer->note, "latency ratio ≤ 1", "n/a"});
      continue;
    }
    const auto& f = report.figures.at(peer);
    const double ours_build = ours.build_seconds;
    if (ours_build > 0 && peer->build_seconds > 0) {
      table.Add({std::string(reindex_s > 0 ? "index build" : "import + index") + " time ours/" +
                     peer->name,
                 Format("%.2f (%.1f s / %.1f s)", ours_build / peer->build_seconds, ours_build,
                        peer->build_seconds),
                 "", ""});
    }
    double worst = 0;
    std::string worst_class, unfair;
    int compared = 0;
    for (const auto& cls : report.classes) {
      if (!f.count(cls) || !base.count(cls)) continue;
      if (f.at(cls).hit < kPeerRightShare) {
        unfair += (unfair.empty() ? "" : ", ") + cls;
        continue;
      }
      ++compared;
      for (double r : {base.at(cls).p50 / std::max(f.at(cls).p50, 1e-6),
                       base.at(cls).p99 / std::max(f.at(cls).p99, 1e-6)}) {
        if (r > worst) {
          worst = r;
          worst_class = cls;
        }
      }
    }
    table.Add({"latency ours/" + peer->name + ", worst of p50 and p99",
               compared == 0 ? std::string("no class answered right by the peer")
                             : Format("%.2f", worst) + " (" + worst_class + "; " +
                                   std::to_string(compared) + " classes compared)",
               "≤ 1 where the peer answers right", compared == 0 ? "n/a" : verdict(worst <= 1)});
    if (!unfair.empty()) {
      table.Add({"  classes " + peer->name + " misses (hit@10 < 0.8)", unfair, "", ""});
    }
  }
  std::string hits;
  for (const EngineRun* e : report.engines) {
    const auto& f = report.figures.at(e);
    if (f.count("all"))
      hits += (hits.empty() ? "" : ", ") + e->name + Format(" %.3f", f.at("all").hit);
  }
  table.Add({"hit@10 on the labelled queries", hits, "", ""});
  std::printf("\n");
  table.Print();
}

// The registry must hold the pool this bench labelled: the same people under the same 编号.
bool SamePool(tp::registry::Store& store, const Pool& pool) {
  auto stats = store.Stats();
  if (!stats.ok() || stats->persons != static_cast<int64_t>(pool.records.size())) {
    std::fprintf(
        stderr,
        "the registry holds %lld people, the pool %zu: pass the demo's --persons and --seed\n",
        stats.ok() ? static_cast<long long>(stats->persons) : -1LL, pool.records.size());
    return false;
  }
  std::mt19937_64 random(11);
  int checked = 0;
  for (int attempt = 0; attempt < 1000 && checked < 50; ++attempt) {
    const auto& r =
        pool.records[std::uniform_int_distribution<size_t>(0, pool.records.size() - 1)(random)];
    if (r.person.id_number.size() != 18) continue;
    auto rowid = store.FindByIdNumber(r.person.id_number);
    if (!rowid.ok() || !rowid->has_value()) return false;
    auto records = store.LoadPersons({**rowid});
    if (!records.ok() || records->size() != 1 ||
        (*records)[0].person.public_id != r.person.public_id ||
        (*records)[0].person.name != r.person.name) {
      std::fprintf(stderr, "%s is not the pool's %s: pass the demo's --persons and --seed\n",
                   r.person.id_number.c_str(), r.person.public_id.c_str());
      return false;
    }
    ++checked;
  }
  return checked > 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines show at once through a pipe (tee)
  long persons = 20000, speed_persons = 100000;
  int per_class = 200;
  int rounds = 3;
  uint64_t seed = 7;
  double peer_seconds = 900;
  std::string groonga = "groonga", data_dir, figures_path;
  bool speed = true;
  bool show_misses = false;
  size_t slowest = 0;       // print the N slowest queries of the speed section
  std::string speed_class;  // only the classes whose name begins so, in every run (profiling)
  int speed_rounds = 2;     // the first warms the page cache; the last is reported
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--persons")
      persons = std::stol(next());
    else if (a == "--speed-persons")
      speed_persons = std::stol(next());
    else if (a == "--queries")
      per_class = std::stoi(next());
    else if (a == "--seed")
      seed = std::stoull(next());
    else if (a == "--groonga")
      groonga = next();
    else if (a == "--peer-seconds")
      peer_seconds = std::stod(next());
    else if (a == "--rounds")
      rounds = std::max(1, std::stoi(next()));
    else if (a == "--skip-speed")
      speed = false;
    else if (a == "--misses")
      show_misses = true;
    else if (a == "--slowest")
      slowest = std::stoul(next());
    else if (a == "--speed-class")
      speed_class = next();
    else if (a == "--speed-rounds")
      speed_rounds = std::max(1, std::stoi(next()));
    else if (a == "--data")
      data_dir = next();
    else if (a == "--figures")
      figures_path = next();
    else {
      std::fprintf(
          stderr,
          "usage: %s [--persons N] [--queries N] [--seed S] [--groonga PATH|none] "
          "[--peer-seconds S] [--rounds N] [--speed-persons N] [--skip-speed] [--misses] "
          "[--slowest N] [--speed-class CLASS] [--speed-rounds N] [--data DIR] [--figures FILE]\n",
          argv[0]);
      return 2;
    }
  }
  const bool on_registry = !data_dir.empty();
  if (on_registry) speed = false;
  const auto figures =
      figures_path.empty() ? std::map<std::string, std::string>() : ReadFigures(figures_path);
  const auto tmp = fs::temp_directory_path() / ("tp-search-bench-" + std::to_string(getpid()));
  fs::create_directories(tmp);
  const double load_at_start = LoadAverage();

  auto started = Clock::now();
  const Pool pool = MakePool(persons, seed);
  std::printf("pool: %zu people generated in %.1f s\n", pool.records.size(), Seconds(started));
  started = Clock::now();
  auto queries = MakeQueries(pool, per_class, seed + 1);
  if (!speed_class.empty()) {
    std::erase_if(queries, [&](const Query& q) { return !q.cls.starts_with(speed_class); });
    if (queries.empty()) {
      std::fprintf(stderr, "--speed-class: no queries of class \"%s\"\n", speed_class.c_str());
      return 2;
    }
  }
  std::printf("queries: %zu labelled in %.1f s\n", queries.size(), Seconds(started));
  Report report;
  for (const auto& q : queries) {
    if (std::find(report.classes.begin(), report.classes.end(), q.cls) == report.classes.end()) {
      report.classes.push_back(q.cls);
    }
  }

  EngineRun ours, ours_facets, http, fts5, grn;
  ours.name = "talentpool";
  ours_facets.name = "talentpool+facets";
  http.name = "talentpool HTTP";
  fts5.name = "FTS5 trigram";
  grn.name = "Groonga bigram";
  {
    std::unique_ptr<tp::registry::Store> store;
    std::unique_ptr<tp::indexer::SearchIndex> index;
    tp::indexer::IdResolver resolve;
    tp::indexer::PhoneResolver resolve_phone = [&pool](std::string_view phone) {
      const auto it = pool.by_phone.find(std::string(phone));
      return it == pool.by_phone.end() ? std::vector<int64_t>() : it->second;
    };
    if (on_registry) {
      auto opened = tp::registry::Store::Open(data_dir);
      if (!opened.ok()) {
        std::cerr << opened.status().ToString() << "\n";
        return 1;
      }
      store = std::move(*opened);
      if (!SamePool(*store, pool)) return 2;
      auto searcher = tp::indexer::SearchIndex::Open(store->IndexDir());
      if (!searcher.ok()) {
        std::cerr << searcher.status().ToString() << "\n";
        return 1;
      }
      index = std::move(*searcher);
      tp::indexer::StoreChangeSource source(*store);
      auto caught_up = index->CatchUp(source);
      if (!caught_up.ok()) {
        std::cerr << caught_up.status().ToString() << "\n";
        return 1;
      }
      resolve = tp::indexer::StoreIdResolver(*store);
      resolve_phone = tp::indexer::StorePhoneResolver(*store);
      ours.disk_bytes = LiveIndexBytes(store->IndexDir());
      const int64_t stale = DiskBytes(store->IndexDir()) - ours.disk_bytes;
      ours.build_seconds = Number(figures, "reindex_seconds");
      ours.note =
          ours.build_seconds > 0 ? "built by `talentpool reindex`" : "built by `talentpool import`";
      if (ours.build_seconds <= 0) ours.build_seconds = Number(figures, "import_seconds");
      if (stale > 1000000) ours.note += "; older generations left beside it: " + Megabytes(stale);
    } else {
      auto searcher = tp::indexer::SearchIndex::Open((tmp / "ours").string());
      if (!searcher.ok()) {
        std::cerr << searcher.status().ToString() << "\n";
        return 1;
      }
      index = std::move(*searcher);
      PoolSource source(pool);
      started = Clock::now();
      auto stats = index->Rebuild(source);
      if (!stats.ok()) {
        std::cerr << stats.status().ToString() << "\n";
        return 1;
      }
      ours.build_seconds = Seconds(started);
      ours.disk_bytes = DiskBytes(tmp / "ours");
      resolve = [&pool](std::string_view id) -> std::optional<int64_t> {
        const auto it = pool.by_id_number.find(std::string(id));
        if (it == pool.by_id_number.end()) return std::nullopt;
        return it->second;
      };
    }
    RunOurs(*index, queries, pool, resolve, resolve_phone, false, rounds, &ours);
    RunOurs(*index, queries, pool, resolve, resolve_phone, true, rounds, &ours_facets);
    std::printf("talentpool: %zu queries answered in process\n", queries.size());
    if (on_registry && slowest > 0) {
      for (const EngineRun* run : {&ours, &ours_facets}) {
        std::vector<size_t> order(queries.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(),
                  [&](size_t a, size_t b) { return run->ms[a] > run->ms[b]; });
        if (order.size() > slowest) order.resize(slowest);
        std::printf("the %zu slowest queries of %s (wall ms, class, query):\n", order.size(),
                    run->name.c_str());
        for (size_t i : order) {
          std::printf("  %7.2f  %s  %s\n", run->ms[i], Pad(queries[i].cls, 34).c_str(),
                      queries[i].text.c_str());
        }
      }
    }
    if (show_misses) {
      for (size_t i = 0; i < queries.size(); ++i) {
        const auto& top = ours.tops[i];
        if (!top.empty() && queries[i].relevant.count(top[0])) continue;
        std::printf("first hit not relevant [%s] %s (%zu relevant):", queries[i].cls.c_str(),
                    queries[i].text.c_str(), queries[i].relevant.size());
        for (size_t k = 0; k < top.size() && k < 3; ++k) {
          if (top[k] < 1) continue;
          const auto& p = pool.records[static_cast<size_t>(top[k] - 1)].person;
          std::printf(" %s/%s/%s/%s;", p.name.c_str(), p.ethnic_group.c_str(), p.title.c_str(),
                      p.fields.empty() ? "" : p.fields[0].c_str());
        }
        std::printf("\n");
      }
    }
    if (on_registry) {
      // The service and server of `talentpool serve`, with the per-token limits lifted: what is
      // measured is a search's round trip, not the limiter.
      tp::api::ApiOptions api;
      api.per_token = {1e9, 1e9};
      api.check_per_token = {1e9, 1e9};
      api.check_per_staff_token = {1e9, 1e9};
      auto service = tp::api::ApiService::Create(*store, index.get(), api);
      auto token = store->CreateToken("staff", "", "", "search bench");
      if (!service.ok() || !token.ok()) {
        std::cerr << "the service did not start\n";
        return 1;
      }
      tp::api::HttpServerOptions options;
      options.port = 0;
      options.log_sink = [](std::string_view) {};
      tp::api::HttpServer server(options);
      (*service)->Install(server);
      auto port = server.Bind();
      if (!port.ok()) {
        std::cerr << port.status().ToString() << "\n";
        return 1;
      }
      std::thread runner([&] { (void)server.Run(); });
      RunHttp(*port, *token, queries, pool, rounds, &http);
      server.Stop();
      runner.join();
      std::printf("talentpool: %zu queries answered over HTTP on 127.0.0.1:%d\n", queries.size(),
                  *port);
    }
  }
  RunFts5(pool, queries, tmp, peer_seconds, rounds, &fts5);
  std::printf("FTS5 trigram: %s\n",
              fts5.ran ? Format("built in %.1f s", fts5.build_seconds).c_str() : fts5.note.c_str());
  if (groonga != "none") {
    RunGroonga(groonga, pool, queries, tmp, peer_seconds, rounds, &grn);
    std::printf("Groonga bigram: %s\n",
                grn.ran ? Format("built in %.1f s", grn.build_seconds).c_str() : grn.note.c_str());
  } else {
    grn.note = "not run (--groonga none)";
  }

  std::vector<const EngineRun*> our_runs = {&ours, &ours_facets};
  if (on_registry) our_runs.push_back(&http);
  std::vector<const EngineRun*> peers;
  for (const EngineRun* e : {&fts5, &grn}) {
    if (e->ran) peers.push_back(e);
  }
  report.engines = our_runs;
  report.engines.insert(report.engines.end(), peers.begin(), peers.end());
  for (const EngineRun* e : report.engines) report.figures[e] = ByClass(queries, *e);

  std::printf("\n## Relevance: %zu people, %zu labelled queries\n", pool.records.size(),
              queries.size());
  PrintRelevance(report);
  std::printf(
      "\n## Latency per class, ms (wall clock, each query's best of %d runs; load average %.1f at "
      "start, %.1f now)\n",
      rounds, load_at_start, LoadAverage());
  PrintLatency(report, our_runs, peers);
  std::printf("\n## Engines\n");
  PrintEngines(report, pool.records.size());
  if (on_registry) {
    std::printf("\n## Targets: %zu people\n", pool.records.size());
    std::vector<const EngineRun*> all_peers = {&fts5};
    if (groonga != "none") all_peers.push_back(&grn);
    PrintTargets(report, figures, pool.records.size(), ours, ours_facets, &http, all_peers);
  }

  // ---- speed: build throughput on one core and a query mix, at --speed-persons
  if (speed) {
    started = Clock::now();
    const Pool big = MakePool(speed_persons, seed + 100);
    std::printf("\nspeed pool: %zu people generated in %.1f s\n", big.records.size(),
                Seconds(started));
    auto index = tp::indexer::SearchIndex::Open((tmp / "speed").string());
    if (!index.ok()) return 1;
    PoolSource source(big);
    started = Clock::now();
    const double cpu_before = CpuSeconds();
    auto stats = (*index)->Rebuild(source);
    const double build = Seconds(started);
    const double build_cpu = CpuSeconds() - cpu_before;
    if (!stats.ok()) {
      std::cerr << stats.status().ToString() << "\n";
      return 1;
    }
    const double n = static_cast<double>(big.records.size());
    std::printf(
        "build: %zu people in %.1f s wall = %.0f people/s; %.1f s CPU = %.0f people/s per core\n",
        big.records.size(), build, n / build, build_cpu, n / build_cpu);
    auto mix = MakeQueries(big, std::max(per_class, 100), seed + 101);
    if (!speed_class.empty()) {
      mix.erase(std::remove_if(mix.begin(), mix.end(),
                               [&](const Query& q) { return !q.cls.starts_with(speed_class); }),
                mix.end());
      if (mix.empty()) {
        std::fprintf(stderr, "--speed-class: no queries of class \"%s\"\n", speed_class.c_str());
        return 2;
      }
    }
    std::printf(
        "load average while measuring: %.1f (the figures below are per query, in process)\n",
        LoadAverage());
    const tp::indexer::IdResolver resolve = [&big](std::string_view id) -> std::optional<int64_t> {
      const auto it = big.by_id_number.find(std::string(id));
      if (it == big.by_id_number.end()) return std::nullopt;
      return it->second;
    };
    const tp::indexer::PhoneResolver resolve_phone = [&big](std::string_view phone) {
      const auto it = big.by_phone.find(std::string(phone));
      return it == big.by_phone.end() ? std::vector<int64_t>() : it->second;
    };
    for (bool facets : {false, true}) {
      std::vector<double> ms, cpu;
      std::map<std::string, std::vector<double>> by_class;
      std::vector<std::pair<double, const Query*>> costs;
      for (int round = 0; round < speed_rounds; ++round) {  // the first round warms the page cache
        ms.clear();
        cpu.clear();
        by_class.clear();
        costs.clear();
        for (const auto& q : mix) {
          tp::indexer::SearchRequest request;
          request.query = q.text;
          request.size = 10;
          request.facets = facets;
          request.resolve_id = resolve;
          request.resolve_phone = resolve_phone;
          const auto t = Clock::now();
          const double c = ThreadCpuMs();
          (void)(*index)->Search(request);
          cpu.push_back(ThreadCpuMs() - c);
          ms.push_back(Milliseconds(t));
          by_class[q.cls].push_back(cpu.back());
          costs.emplace_back(cpu.back(), &q);
        }
      }
      if (!facets && slowest > 0) {
        std::sort(costs.begin(), costs.end(),
                  [](const auto& a, const auto& b) { return a.first > b.first; });
        if (costs.size() > slowest) costs.resize(slowest);
        std::printf("the %zu slowest queries (CPU ms, class, query):\n", costs.size());
        for (const auto& [c, q] : costs)
          std::printf("  %7.2f  %s  %s\n", c, Pad(q->cls, 34).c_str(), q->text.c_str());
      }
      for (const auto& [cls, v] : by_class) {
        std::printf("  %s CPU p50 %.2f ms, p99 %.2f ms\n", Pad(cls, 34).c_str(), Percentile(v, 0.5),
                    Percentile(v, 0.99));
      }
      std::printf(
          "search%s: %zu queries, wall p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
          "CPU p50 %.2f ms, p99 %.2f ms\n",
          facets ? " with facets" : "", ms.size(), Percentile(ms, 0.5), Percentile(ms, 0.99),
          Percentile(ms, 1.0), Percentile(cpu, 0.5), Percentile(cpu, 0.99));
    }
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);
  return 0;
}
