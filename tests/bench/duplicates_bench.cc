// Precision and recall of duplicate detection (registry/rounds/duplicates.h).
//
// Imports a generated pool, then checks two kinds of probe against it:
//  - planted duplicates: copies of pool people written the way another
//    office would write them — a homophone typo in the given name (what a
//    pinyin input method produces), traditional characters, the given name's
//    characters swapped, another unit name, or just no ID number; a quarter
//    give only the birth month, as a 汇总表's 出生年月 does. A third keep the
//    ID number (a hard match is expected), the rest have none (a possible
//    match is expected);
//  - near misses, who must not match: a homophone of a pool person's name
//    with the same birth date at an unrelated unit, or the same name and unit
//    with a birth date a day off;
//  - fresh people from another generator seed, who are in the pool only by
//    coincidence.
// Prints precision and recall of the hard and of the possible matches, the
// recall by kind of variation, and the checks per second.
//
//   build/tests/bench/duplicates_bench [pool=20000] [planted=1000] [fresh=1000]
#include <unicode/utf8.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "registry/base/paths.h"
#include "registry/fields/validate.h"
#include "registry/import/demo_data.h"
#include "registry/import/importer.h"
#include "registry/rounds/duplicates.h"
#include "registry/store/store.h"
#include "registry/tables/table_reader.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace tp::registry;
using SteadyClock = std::chrono::steady_clock;

// A deterministic generator (splitmix64), so runs compare.
struct Random {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
};

std::vector<std::string> Chars(const std::string& s) {
  std::vector<std::string> out;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    out.push_back(s.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
  }
  return out;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += p;
  return out;
}

std::vector<std::pair<std::string, std::string>> TablePairs(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab != std::string::npos) out.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return out;
}

struct Probe {
  DuplicateProbe probe;
  int64_t original = 0;  // the pool record it copies or imitates; 0 for a fresh person
  std::string kind;      // typo, traditional, swapped, unit, missing-id; near-*, fresh
  bool with_id = false;
  bool is_copy = false;  // the same person as `original`
};

struct Counts {
  long tp = 0, fp = 0, fn = 0;
  double Precision() const {
    return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / static_cast<double>(tp + fp);
  }
  double Recall() const {
    return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / static_cast<double>(tp + fn);
  }
};

tp::StatusOr<long> ImportDemo(Store& store, long persons, uint64_t seed, const ReferenceData& ref) {
  DemoOptions options;
  options.persons = persons;
  options.seed = seed;
  std::ostringstream csv;
  TP_RETURN_IF_ERROR(WriteDemoCsv(options, DataDir(), csv));
  auto table = OpenTableFromBytes(csv.str(), "pool.csv");
  if (!table.ok()) return table.status();
  auto report = ImportTable(store, **table, ref, ImportOptions{});
  if (!report.ok()) return report.status();
  return report->imported;
}

}  // namespace

int main(int argc, char** argv) {
  const long pool_size = argc > 1 ? std::atol(argv[1]) : 20000;
  const long planted = argc > 2 ? std::atol(argv[2]) : 1000;
  const long fresh = argc > 3 ? std::atol(argv[3]) : 1000;
  auto ref = ReferenceData::Load(DataDir());
  if (!ref.ok()) return std::fprintf(stderr, "%s\n", ref.status().ToString().c_str()), 2;
  tp::testing::TempDir dir;
  auto store = Store::Create(dir / "registry");
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 2;
  auto started = SteadyClock::now();
  auto imported = ImportDemo(**store, pool_size, 2024, *ref);
  if (!imported.ok()) return std::fprintf(stderr, "%s\n", imported.status().ToString().c_str()), 2;
  std::printf("pool: %ld persons imported in %.1f s\n", *imported,
              std::chrono::duration<double>(SteadyClock::now() - started).count());

  // Homophones among the characters people's names use, and traditional forms.
  std::unordered_map<std::string, std::vector<std::string>> readings;
  for (const auto& [ch, list] : TablePairs(DataDir() + "/pinyin.tsv")) {
    std::stringstream ss(list);
    std::string r;
    while (std::getline(ss, r, ',')) readings[ch].push_back(r);
  }
  std::unordered_map<std::string, std::string> to_traditional;
  for (const auto& [trad, simp] : TablePairs(DataDir() + "/t2s.tsv"))
    to_traditional.emplace(simp, trad);

  // The pool's people, with their ID numbers, in a random order.
  std::vector<PersonRecord> pool;
  std::set<std::string> name_chars;
  for (long i = 1; i <= *imported; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "P%07ld", i);
    auto r = (*store)->GetPerson(id, /*decrypt=*/true);
    if (!r.ok()) continue;
    auto chars = Chars(r->person.name);
    for (size_t k = 1; k < chars.size(); ++k) name_chars.insert(chars[k]);
    pool.push_back(std::move(*r));
  }
  std::map<std::string, std::vector<std::string>> by_reading;
  for (const std::string& c : name_chars)
    for (const std::string& r : readings[c]) by_reading[r].push_back(c);

  Random random{20250814};
  const std::vector<std::string> kinds = {"typo", "traditional", "swapped", "unit", "missing-id"};
  std::vector<Probe> probes;
  for (long n = 0; n < planted; ++n) {
    const PersonRecord& original = pool[random.Below(pool.size())];
    Probe p;
    p.original = original.rowid;
    p.probe.name = original.person.name;
    p.probe.birth_date = original.person.birth_date;
    p.probe.unit_name = original.person.unit_name;
    // Some pool records have no ID number: their copies can only be possible matches.
    p.with_id = random.Below(3) == 0 && !original.person.id_number.empty();
    if (p.with_id) p.probe.id_number = original.person.id_number;
    auto chars = Chars(original.person.name);
    // Try kinds in turn from a random start until one applies to this name.
    const size_t first = random.Below(kinds.size());
    for (size_t t = 0; t < kinds.size() && p.kind.empty(); ++t) {
      const std::string& kind = kinds[(first + t) % kinds.size()];
      if (kind == "typo") {
        for (size_t k = chars.size() - 1; k >= 1 && p.kind.empty(); --k) {
          std::vector<std::string> options;
          for (const std::string& r : readings[chars[k]])
            for (const std::string& c : by_reading[r])
              if (c != chars[k]) options.push_back(c);
          if (options.empty()) continue;
          chars[k] = options[random.Below(options.size())];
          p.probe.name = Join(chars);
          p.kind = kind;
        }
      } else if (kind == "traditional") {
        bool changed = false;
        std::vector<std::string> t_chars = chars;
        for (std::string& c : t_chars) {
          auto it = to_traditional.find(c);
          if (it != to_traditional.end()) {
            c = it->second;
            changed = true;
          }
        }
        if (changed) {
          p.probe.name = Join(t_chars);
          p.kind = kind;
        }
      } else if (kind == "swapped") {
        if (chars.size() >= 3 && chars[1] != chars[2]) {
          std::swap(chars[1], chars[2]);
          p.probe.name = Join(chars);
          p.kind = kind;
        }
      } else if (kind == "unit") {
        const std::string other = pool[random.Below(pool.size())].person.unit_name;
        if (other != p.probe.unit_name) {
          p.probe.unit_name = other;
          p.kind = kind;
        }
      } else {
        p.kind = kind;
        p.probe.id_number.clear();
        p.with_id = false;
      }
    }
    if (random.Below(4) == 0 && p.probe.birth_date.size() == 10)
      p.probe.birth_date.resize(7);  // 出生年月
    p.is_copy = true;
    probes.push_back(std::move(p));
  }
  // Near misses: other people who look like pool people and must not match —
  // a homophone name and the same birth date at an unrelated unit, or the
  // same name and unit born on another day.
  auto finder = DuplicateFinder::Create(**store, DataDir());
  if (!finder.ok()) return std::fprintf(stderr, "%s\n", finder.status().ToString().c_str()), 2;
  const NameMatcher& names = (*finder)->names();
  for (long n = 0; n < planted / 5; ++n) {
    const PersonRecord& original = pool[random.Below(pool.size())];
    Probe p;
    p.original = original.rowid;
    auto chars = Chars(original.person.name);
    if (n % 2 == 0) {
      p.kind = "near-homophone";
      for (size_t k = chars.size() - 1; k >= 1; --k) {
        std::vector<std::string> options;
        for (const std::string& r : readings[chars[k]])
          for (const std::string& c : by_reading[r])
            if (c != chars[k]) options.push_back(c);
        if (options.empty()) continue;
        chars[k] = options[random.Below(options.size())];
        break;
      }
      p.probe.name = Join(chars);
      if (names.SameName(p.probe.name, original.person.name)) continue;
      p.probe.birth_date = original.person.birth_date;
      for (int tries = 0; tries < 20; ++tries) {
        p.probe.unit_name = pool[random.Below(pool.size())].person.unit_name;
        if (!names.SimilarUnit(p.probe.unit_name, original.person.unit_name)) break;
      }
      if (names.SimilarUnit(p.probe.unit_name, original.person.unit_name)) continue;
    } else {
      p.kind = "near-birth";
      p.probe.name = original.person.name;
      p.probe.unit_name = original.person.unit_name;
      std::string birth = original.person.birth_date;
      if (birth.size() != 10) continue;
      const int day = std::atoi(birth.substr(8, 2).c_str());
      char shifted[16];
      std::snprintf(shifted, sizeof shifted, "%02d", day == 1 ? 2 : day - 1);
      p.probe.birth_date = birth.substr(0, 8) + shifted;
    }
    probes.push_back(std::move(p));
  }
  {
    DemoOptions options;
    options.persons = fresh;
    options.seed = 777;
    auto generator = DemoGenerator::Create(options, DataDir());
    if (!generator.ok())
      return std::fprintf(stderr, "%s\n", generator.status().ToString().c_str()), 2;
    std::vector<std::string> row;
    std::vector<std::pair<std::string, std::string>> cells;
    while (generator->Next(&row)) {
      cells.clear();
      for (size_t i = 0; i < row.size(); ++i)
        cells.emplace_back(DemoGenerator::Header()[i], row[i]);
      Person person;
      if (!BuildPerson(cells, *ref, &person).empty()) continue;
      Probe p;
      p.kind = "fresh";
      p.probe.name = person.name;
      p.probe.birth_date = person.birth_date;
      p.probe.unit_name = person.unit_name;
      p.with_id = random.Below(2) == 0;
      if (p.with_id) p.probe.id_number = person.id_number;
      auto clash = (*store)->FindByIdNumber(person.id_number);
      if (clash.ok() && *clash) continue;  // the same number by chance: not fresh
      probes.push_back(std::move(p));
    }
  }

  Counts hard, possible;
  std::map<std::string, Counts> by_kind;
  long expected_hard = 0, expected_possible = 0, copies = 0;
  started = SteadyClock::now();
  for (const Probe& p : probes) {
    auto report = (*finder)->Find(p.probe);
    if (!report.ok()) return std::fprintf(stderr, "%s\n", report.status().ToString().c_str()), 2;
    copies += p.is_copy;
    // Hard: exactly the copies that kept the ID number, and only their original.
    const bool want_hard = p.is_copy && p.with_id;
    expected_hard += want_hard;
    if (report->hard) (want_hard && report->hard->rowid == p.original ? hard.tp : hard.fp)++;
    if (want_hard && !(report->hard && report->hard->rowid == p.original)) hard.fn++;
    // Possible: the copies without an ID number must be offered their
    // original; every other candidate offered is a false one.
    const bool want_possible = p.is_copy && !p.with_id;
    expected_possible += want_possible;
    bool found = false;
    for (const DuplicateCandidate& c : report->possible) {
      if (want_possible && c.rowid == p.original) {
        found = true;
        possible.tp++;
      } else {
        possible.fp++;
        by_kind[p.kind].fp++;
      }
    }
    if (want_possible) (found ? by_kind[p.kind].tp : by_kind[p.kind].fn)++;
    if (want_possible && !found) possible.fn++;
    if (!p.is_copy) by_kind[p.kind];  // listed, with its false candidates
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();

  std::printf(
      "probes: %ld planted duplicates (%ld expected hard, %ld expected possible) + %ld near misses "
      "and "
      "fresh people\n",
      copies, expected_hard, expected_possible, static_cast<long>(probes.size()) - copies);
  std::printf("hard matches:     precision %.3f  recall %.3f  (tp %ld, fp %ld, fn %ld)\n",
              hard.Precision(), hard.Recall(), hard.tp, hard.fp, hard.fn);
  std::printf("possible matches: precision %.3f  recall %.3f  (tp %ld, fp %ld, fn %ld)\n",
              possible.Precision(), possible.Recall(), possible.tp, possible.fp, possible.fn);
  for (const auto& [kind, c] : by_kind) {
    if (c.tp + c.fn > 0) {
      std::printf("  %-15s recall %.3f  (found %ld of %ld), false candidates %ld\n", kind.c_str(),
                  c.Recall(), c.tp, c.tp + c.fn, c.fp);
    } else {
      std::printf("  %-15s (must not match)        false candidates %ld\n", kind.c_str(), c.fp);
    }
  }
  std::printf("checks: %zu in %.2f s (%.0f per second)\n", probes.size(), seconds,
              static_cast<double>(probes.size()) / seconds);
  const bool met = hard.Precision() == 1.0 && hard.Recall() == 1.0 && possible.Recall() >= 0.95 &&
                   possible.Precision() >= 0.9;
  std::printf("target (hard 1.00/1.00; possible recall >= 0.95 at precision >= 0.9): %s\n",
              met ? "met" : "NOT met");
  return 0;
}
