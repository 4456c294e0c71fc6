// Relevance and speed of the Chinese search, against SQLite FTS5 (trigram tokenizer) and Groonga
// (TokenBigram, NormalizerAuto) on the same data in the same run.
//
// Relevance: a pool of fictitious people from registry::DemoGenerator (20,000 by default) and a
// labelled query set generated from it: for each class, queries built from a random person, each
// labelled with every person of the pool it should find (computed by brute force from the pool,
// never from an index). Prints hit@10 and MRR@10 per class and engine. Pinyin labels come from the
// generator's own readings (data/surnames.tsv, data/demo_names.tsv), not from the index's tables.
//
// Speed: index build throughput on one core, and in-process search latency p50/p99 over a
// query mix, at 100,000 people by default.
//
// Usage: search_relevance_bench [--persons N] [--speed-persons N] [--queries N] [--seed S]
//                               [--groonga PATH|none] [--skip-speed] [--misses]
#include <sqlite3.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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
#include <unordered_map>
#include <vector>

#include "indexer/search_index.h"
#include "registry/demo_data.h"
#include "registry/paths.h"
#include "registry/reference_data.h"
#include "registry/validate.h"

namespace {

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

// ---------------------------------------------------------------------------------------------
// The pool.

struct Pool {
  std::vector<IndexRecord> records;  // rowid = index + 1
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
    r.rowid = static_cast<int64_t>(pool.records.size()) + 1;
    const auto errors = tp::registry::BuildPerson(cells, *reference, &r.person);
    if (!errors.empty()) continue;  // the generator makes valid rows; skip any that are not
    r.admissions.push_back({r.person.admission_year, r.person.tier, ""});
    r.recommending_unit = {r.person.recommending_unit, r.person.recommending_unit_type, r.person.province};
    pool.records.push_back(std::move(r));
  }
  for (size_t i = 0; i < pool.records.size(); ++i) pool.records[i].rowid = static_cast<int64_t>(i) + 1;
  return pool;
}

class PoolSource : public tp::indexer::ChangeSource {
 public:
  explicit PoolSource(const Pool& pool) : pool_(&pool) {}
  tp::StatusOr<std::string> RegistryId() override { return std::string("bench"); }
  tp::StatusOr<int64_t> LastSeq() override { return static_cast<int64_t>(pool_->records.size()); }
  tp::StatusOr<std::vector<tp::indexer::Change>> ChangesSince(int64_t after, int limit) override {
    std::vector<tp::indexer::Change> out;
    for (int64_t s = after + 1; s <= static_cast<int64_t>(pool_->records.size()) &&
                                static_cast<int>(out.size()) < limit;
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

std::vector<Query> MakeQueries(const Pool& pool, int per_class, uint64_t seed) {
  std::mt19937_64 random(seed);
  const auto& rs = pool.records;
  const auto pick = [&]() -> const IndexRecord& {
    return rs[std::uniform_int_distribution<size_t>(0, rs.size() - 1)(random)];
  };
  TruthReadings truth;
  std::vector<std::vector<std::string>> readings(rs.size());
  for (size_t i = 0; i < rs.size(); ++i) readings[i] = truth.Of(rs[i].person.name);
  const auto all_where = [&](auto pred) {
    std::set<int64_t> out;
    for (size_t i = 0; i < rs.size(); ++i) {
      if (pred(i)) out.insert(rs[i].rowid);
    }
    return out;
  };
  const auto initials = [](const std::vector<std::string>& syllables) {
    std::string out;
    for (const auto& s : syllables) out.push_back(s[0]);
    return out;
  };
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
    return all_where([&](size_t i) { return rs[i].person.name == name; });
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
    q.relevant = all_where([&](size_t i) { return readings[i] == syl; });
    return true;
  });
  static const std::set<std::string> kPolyphonic = {"覃", "曾", "单", "解", "仇", "区", "朴",
                                                    "查", "缪", "尉迟", "万俟", "盖", "乐", "翟",
                                                    "种", "召", "秘", "长孙", "令狐"};
  add("pinyin, polyphonic surname", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& syl = readings[static_cast<size_t>(r.rowid - 1)];
    if (syl.empty()) return false;
    bool polyphonic = false;
    for (const auto& s : kPolyphonic) polyphonic |= r.person.name.rfind(s, 0) == 0;
    if (!polyphonic) return false;
    q.text = Join(syl);
    q.scoped = {{"", q.text}};
    q.relevant = all_where([&](size_t i) { return readings[i] == syl; });
    return true;
  });
  add("initials + unit", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& syl = readings[static_cast<size_t>(r.rowid - 1)];
    if (syl.empty() || r.person.unit_name.empty()) return false;
    const std::string ini = initials(syl);
    q.text = ini + " " + r.person.unit_name;
    q.scoped = {{"", ini}, {"", r.person.unit_name}};
    q.relevant = all_where([&](size_t i) {
      return !readings[i].empty() && initials(readings[i]) == ini &&
             rs[i].person.unit_name.find(r.person.unit_name) != std::string::npos;
    });
    return true;
  });
  add("name + unit", per_class, [&](const IndexRecord& r, Query& q) {
    if (r.person.unit_name.empty()) return false;
    q.text = r.person.name + " " + r.person.unit_name;
    q.scoped = {{"", r.person.name}, {"", r.person.unit_name}};
    q.relevant = all_where([&](size_t i) {
      return rs[i].person.name == r.person.name &&
             rs[i].person.unit_name.find(r.person.unit_name) != std::string::npos;
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
    q.relevant = all_where([&](size_t i) {
      const auto& p = rs[i].person;
      bool has = false;
      for (const auto& f : p.fields) has |= f.find(field) != std::string::npos;
      return has && p.unit_name.find(r.person.unit_name) != std::string::npos;
    });
    return true;
  });
  add("conjunction (民族 领域 职称)", per_class, [&](const IndexRecord& r, Query& q) {
    const auto& p = r.person;
    if (p.ethnic_group.empty() || p.ethnic_group == "汉族" || p.fields.empty() || p.title.empty()) return false;
    const std::string field = Prefix(p.fields[0], 2);
    q.text = p.ethnic_group + " " + field + " " + p.title;
    q.scoped = {{"", p.ethnic_group}, {"", field}, {"", p.title}};
    q.relevant = all_where([&](size_t i) {
      const auto& o = rs[i].person;
      bool has = false;
      for (const auto& f : o.fields) has |= f.find(field) != std::string::npos;
      return has && o.ethnic_group == p.ethnic_group && o.title == p.title;
    });
    return true;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Engines: each answers a query with its top 10 rowids.

struct Scores {
  std::map<std::string, std::pair<double, double>> sum;  // class -> (hits, reciprocal ranks)
  std::map<std::string, int> count;
  void Add(const Query& q, const std::vector<int64_t>& top) {
    double rr = 0;
    for (size_t i = 0; i < top.size() && i < 10; ++i) {
      if (q.relevant.count(top[i])) {
        rr = 1.0 / static_cast<double>(i + 1);
        break;
      }
    }
    sum[q.cls].first += rr > 0 ? 1 : 0;
    sum[q.cls].second += rr;
    ++count[q.cls];
  }
};

std::vector<int64_t> OurTop(const tp::indexer::SearchIndex& index, const std::string& query,
                            const std::unordered_map<std::string, int64_t>& ids, bool facets) {
  tp::indexer::SearchRequest request;
  request.query = query;
  request.size = 10;
  request.facets = facets;
  request.resolve_id = [&](std::string_view id) -> std::optional<int64_t> {
    const auto it = ids.find(std::string(id));
    if (it == ids.end()) return std::nullopt;
    return it->second;
  };
  auto result = index.Search(request);
  std::vector<int64_t> top;
  if (!result.ok()) return top;
  for (const auto& h : result->hits) top.push_back(h.rowid);
  return top;
}

const char* kPeerColumns[] = {"name", "unit", "post", "title", "fields", "achievements", "ethnic",
                              "place", "recommender", "id_number"};

std::vector<std::string> PeerRow(const IndexRecord& r) {
  const auto& p = r.person;
  return {p.name,  p.unit_name, p.post, p.title, Join(p.fields, "、"), p.achievements, p.ethnic_group,
          p.native_place, p.recommending_unit, p.id_number};
}

class Fts5 {
 public:
  explicit Fts5(const Pool& pool) {
    sqlite3_open(":memory:", &db_);
    Exec("CREATE VIRTUAL TABLE p USING fts5(name, unit, post, title, fields, achievements, ethnic, "
         "place, recommender, id_number, tokenize='trigram')");
    Exec("BEGIN");
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db_, "INSERT INTO p(rowid, name, unit, post, title, fields, achievements, ethnic, "
                       "place, recommender, id_number) VALUES (?,?,?,?,?,?,?,?,?,?,?)", -1, &insert, nullptr);
    for (const auto& r : pool.records) {
      sqlite3_bind_int64(insert, 1, r.rowid);
      const auto row = PeerRow(r);
      for (size_t i = 0; i < row.size(); ++i) {
        sqlite3_bind_text(insert, static_cast<int>(i + 2), row[i].c_str(), -1, SQLITE_TRANSIENT);
      }
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    Exec("COMMIT");
    sqlite3_prepare_v2(db_, "SELECT rowid FROM p WHERE p MATCH ? ORDER BY rank LIMIT 10", -1, &select_, nullptr);
  }
  ~Fts5() {
    sqlite3_finalize(select_);
    sqlite3_close(db_);
  }
  std::vector<int64_t> Top(const Query& q) {
    std::string match;
    for (const auto& [column, words] : q.scoped) {
      std::istringstream in(words);
      for (std::string w; in >> w;) {
        std::string quoted = "\"";
        for (char c : w) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        quoted += "\"";
        if (!match.empty()) match += " AND ";
        match += column.empty() ? quoted : column + " : " + quoted;
      }
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
};

// Groonga through its command-line server: one process, commands in, JSON lines out.
class Groonga {
 public:
  Groonga(const std::string& binary, const Pool& pool, const std::string& dir) {
    const std::string db = dir + "/groonga.db";
    std::string load = dir + "/load.grn";
    {
      std::ofstream out(load);
      out << "table_create Persons TABLE_HASH_KEY UInt64\n";
      for (const char* c : kPeerColumns) out << "column_create Persons " << c << " COLUMN_SCALAR Text\n";
      out << "table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram "
             "--normalizer NormalizerAuto\n";
      out << "column_create Terms idx COLUMN_INDEX|WITH_POSITION|WITH_SECTION Persons "
          << Join(std::vector<std::string>(std::begin(kPeerColumns), std::end(kPeerColumns)), ",") << "\n";
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
    }
    const std::string command = binary + " -n " + db + " < " + load + " > /dev/null 2>&1";
    ok_ = std::system(command.c_str()) == 0;
    binary_ = binary;
    db_ = db;
    dir_ = dir;
  }
  bool ok() const { return ok_; }

  // Runs every query in one process; returns the top rowids of each.
  std::vector<std::vector<int64_t>> TopAll(const std::vector<Query>& queries) {
    const std::string commands = dir_ + "/queries.grn";
    const std::string results = dir_ + "/results.json";
    {
      std::ofstream out(commands);
      const std::string all = Join(std::vector<std::string>(std::begin(kPeerColumns), std::end(kPeerColumns)), "||");
      for (const Query& q : queries) {
        std::string query;
        for (const auto& [column, words] : q.scoped) {
          std::istringstream in(words);
          for (std::string w; in >> w;) {
            std::string escaped = "\"";
            for (char c : w) {
              if (c == '"' || c == '\\') escaped += '\\';
              escaped += c;
            }
            escaped += "\"";
            if (!query.empty()) query += " ";
            query += column.empty() ? escaped : column + ":@" + escaped;
          }
        }
        nlohmann::json command = {{"table", "Persons"}, {"match_columns", all}, {"query", query},
                                  {"output_columns", "_key"}, {"limit", "10"}, {"sort_keys", "-_score"}};
        std::string line = "select";
        for (auto it = command.begin(); it != command.end(); ++it) {
          std::string value = it.value().get<std::string>();
          std::string quoted = "'";
          for (char c : value) {
            if (c == '\'' || c == '\\') quoted += '\\';
            quoted += c;
          }
          quoted += "'";
          line += " --" + it.key() + " " + quoted;
        }
        out << line << "\n";
      }
    }
    const std::string command = binary_ + " " + db_ + " < " + commands + " > " + results + " 2>/dev/null";
    std::vector<std::vector<int64_t>> out(queries.size());
    if (std::system(command.c_str()) != 0) return out;
    std::ifstream in(results);
    std::string line;
    for (size_t i = 0; i < queries.size() && std::getline(in, line); ++i) {
      try {
        const auto answer = nlohmann::json::parse(line);
        const auto& body = answer.at(1).at(0);
        for (size_t k = 2; k < body.size(); ++k) out[i].push_back(body[k][0].get<int64_t>());
      } catch (const std::exception&) {
        // A query Groonga could not parse finds nothing.
      }
    }
    return out;
  }

 private:
  bool ok_ = false;
  std::string binary_, db_, dir_;
};

void PrintTable(const std::vector<std::string>& classes, const std::vector<std::pair<std::string, Scores>>& engines) {
  std::printf("\n%-30s", "class (queries)");
  for (const auto& [name, s] : engines) std::printf(" | %-18s", (name + " hit@10/MRR").c_str());
  std::printf("\n");
  std::map<std::string, std::pair<double, double>> overall;
  int total = 0;
  for (const auto& cls : classes) {
    const int n = engines.front().second.count.count(cls) ? engines.front().second.count.at(cls) : 0;
    std::printf("%-30s", (cls + " (" + std::to_string(n) + ")").c_str());
    for (const auto& [name, s] : engines) {
      const auto it = s.sum.find(cls);
      const double hits = it == s.sum.end() ? 0 : it->second.first;
      const double rr = it == s.sum.end() ? 0 : it->second.second;
      std::printf(" | %6.3f / %6.3f   ", n ? hits / n : 0, n ? rr / n : 0);
      overall[name].first += hits;
      overall[name].second += rr;
    }
    total += n;
    std::printf("\n");
  }
  std::printf("%-30s", ("overall (" + std::to_string(total) + ")").c_str());
  for (const auto& [name, s] : engines) {
    std::printf(" | %6.3f / %6.3f   ", overall[name].first / total, overall[name].second / total);
  }
  std::printf("\n");
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  long persons = 20000, speed_persons = 100000;
  int per_class = 200;
  uint64_t seed = 7;
  std::string groonga = "groonga";
  bool speed = true;
  bool show_misses = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--persons") persons = std::stol(next());
    else if (a == "--speed-persons") speed_persons = std::stol(next());
    else if (a == "--queries") per_class = std::stoi(next());
    else if (a == "--seed") seed = std::stoull(next());
    else if (a == "--groonga") groonga = next();
    else if (a == "--skip-speed") speed = false;
    else if (a == "--misses") show_misses = true;
    else {
      std::fprintf(stderr, "usage: %s [--persons N] [--speed-persons N] [--queries N] [--seed S] "
                           "[--groonga PATH|none] [--skip-speed] [--misses]\n", argv[0]);
      return 2;
    }
  }
  const auto tmp = std::filesystem::temp_directory_path() / ("tp-search-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(tmp);

  // ---- relevance
  auto started = Clock::now();
  const Pool pool = MakePool(persons, seed);
  std::printf("pool: %zu people generated in %.1f s\n", pool.records.size(), Seconds(started));
  const auto queries = MakeQueries(pool, per_class, seed + 1);
  std::vector<std::string> classes;
  for (const auto& q : queries) {
    if (std::find(classes.begin(), classes.end(), q.cls) == classes.end()) classes.push_back(q.cls);
  }
  std::unordered_map<std::string, int64_t> ids;
  for (const auto& r : pool.records) ids[r.person.id_number] = r.rowid;

  std::vector<std::pair<std::string, Scores>> engines;
  {
    auto index = tp::indexer::SearchIndex::Open((tmp / "ours").string());
    if (!index.ok()) {
      std::cerr << index.status().ToString() << "\n";
      return 1;
    }
    PoolSource source(pool);
    started = Clock::now();
    auto stats = (*index)->Rebuild(source);
    if (!stats.ok()) {
      std::cerr << stats.status().ToString() << "\n";
      return 1;
    }
    std::printf("talentpool index: %zu people in %.1f s\n", pool.records.size(), Seconds(started));
    Scores s;
    for (const auto& q : queries) {
      const auto top = OurTop(**index, q.text, ids, false);
      s.Add(q, top);
      if (show_misses && (top.empty() || !q.relevant.count(top[0]))) {
        std::printf("first hit not relevant [%s] %s (%zu relevant):", q.cls.c_str(), q.text.c_str(), q.relevant.size());
        for (size_t i = 0; i < top.size() && i < 3; ++i) {
          const auto& p = pool.records[static_cast<size_t>(top[i] - 1)].person;
          std::printf(" %s/%s/%s/%s;", p.name.c_str(), p.ethnic_group.c_str(), p.title.c_str(),
                      p.fields.empty() ? "" : p.fields[0].c_str());
        }
        std::printf("\n");
      }
    }
    engines.emplace_back("talentpool", std::move(s));
  }
  {
    started = Clock::now();
    Fts5 fts(pool);
    std::printf("SQLite FTS5 trigram: built in %.1f s\n", Seconds(started));
    Scores s;
    for (const auto& q : queries) s.Add(q, fts.Top(q));
    engines.emplace_back("FTS5 trigram", std::move(s));
  }
  if (groonga != "none") {
    started = Clock::now();
    Groonga g(groonga, pool, tmp.string());
    if (g.ok()) {
      std::printf("Groonga TokenBigram: built in %.1f s\n", Seconds(started));
      const auto tops = g.TopAll(queries);
      Scores s;
      for (size_t i = 0; i < queries.size(); ++i) s.Add(queries[i], tops[i]);
      engines.emplace_back("Groonga bigram", std::move(s));
    } else {
      std::printf("Groonga: '%s' did not run (install groonga-bin, or pass --groonga none)\n", groonga.c_str());
    }
  }
  PrintTable(classes, engines);

  // ---- speed
  if (speed) {
    started = Clock::now();
    const Pool big = MakePool(speed_persons, seed + 100);
    std::printf("\nspeed pool: %zu people generated in %.1f s\n", big.records.size(), Seconds(started));
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
    std::printf("build: %zu people in %.1f s wall = %.0f people/s; %.1f s CPU = %.0f people/s per core\n",
                big.records.size(), build, n / build, build_cpu, n / build_cpu);
    const auto mix = MakeQueries(big, std::max(per_class, 100), seed + 101);
    std::unordered_map<std::string, int64_t> big_ids;
    for (const auto& r : big.records) big_ids[r.person.id_number] = r.rowid;
    double load[3] = {0, 0, 0};
    getloadavg(load, 3);
    std::printf("load average while measuring: %.1f (the figures below are per query, in process)\n", load[0]);
    for (bool facets : {false, true}) {
      std::vector<double> ms, cpu;
      std::map<std::string, std::vector<double>> by_class;
      for (int round = 0; round < 2; ++round) {  // the first round warms the page cache
        ms.clear();
        cpu.clear();
        by_class.clear();
        for (const auto& q : mix) {
          const auto t = Clock::now();
          const double c = ThreadCpuMs();
          OurTop(**index, q.text, big_ids, facets);
          cpu.push_back(ThreadCpuMs() - c);
          ms.push_back(Seconds(t) * 1000);
          by_class[q.cls].push_back(cpu.back());
        }
      }
      for (const auto& [cls, v] : by_class) {
        std::printf("  %-34s CPU p50 %.2f ms, p99 %.2f ms\n", cls.c_str(), Percentile(v, 0.5), Percentile(v, 0.99));
      }
      std::printf("search%s: %zu queries, wall p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                  "CPU p50 %.2f ms, p99 %.2f ms\n",
                  facets ? " with facets" : "", ms.size(), Percentile(ms, 0.5), Percentile(ms, 0.99),
                  Percentile(ms, 1.0), Percentile(cpu, 0.5), Percentile(cpu, 0.99));
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(tmp, ec);
  return 0;
}
