// Crash recovery of the whole service: `talentpool serve` takes imports and
// record edits over HTTP while the test kills it with SIGKILL at a random
// moment, several times over one registry. After each kill, with the server
// gone, the test opens the registry and the index itself and checks that
//   - every write the server acknowledged (an import answered 200, a PATCH
//     answered 200) is there, and an edit holds its last acknowledged value
//     or a later one that was sent but not answered;
//   - SQLite's integrity check passes;
//   - the index catches up from the change log to the registry's sequence
//     and holds one document per person;
//   - searches agree with the registry: each acknowledged person is found by
//     name, showing the post the registry holds;
//   - every answered read of a person is in the audit log once the spool the
//     server left is moved in (as the next server start does).
// The next round restarts the server on the same files.
#include <httplib.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/audit_log.h"
#include "api/process_support.h"
#include "indexer/search_index.h"
#include "indexer/store_change_source.h"
#include "registry/store/store.h"
#include "registry/store/store_api_queries.h"
#include "support/temp_dir.h"

namespace tp::apitest {
namespace {

struct Row {
  std::string public_id;
  std::string name;
};

// The demo file cut into import uploads of `rows_per_chunk` rows, each with the header.
// `again` holds the same uploads without the 职务 column, for importing them a second
// time: a column left out changes nothing, so the edits of 职务 stand.
struct Chunks {
  std::vector<std::string> bodies;
  std::vector<std::string> again;
  std::vector<std::vector<Row>> rows;
};

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

std::string JoinWithout(const std::vector<std::string>& fields, size_t left_out) {
  std::string line;
  bool first = true;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i == left_out) continue;
    if (!first) line += ',';
    line += fields[i];
    first = false;
  }
  return line;
}

Chunks SplitCsv(const std::string& csv, size_t rows_per_chunk) {
  Chunks out;
  std::istringstream in(csv);
  std::string header_line, line;
  std::getline(in, header_line);
  // The demo file quotes nothing (checked below), so fields split at commas.
  REQUIRE(csv.find('"') == std::string::npos);
  const std::vector<std::string> header = SplitFields(header_line);
  REQUIRE(header.size() > 2);
  REQUIRE(header[0] == "编号");
  REQUIRE(header[1] == "姓名");
  const size_t post_column = std::find(header.begin(), header.end(), "职务") - header.begin();
  REQUIRE(post_column < header.size());
  std::string body, again;
  std::vector<Row> rows;
  auto flush = [&] {
    if (rows.empty()) return;
    out.bodies.push_back(header_line + "\n" + body);
    out.again.push_back(JoinWithout(header, post_column) + "\n" + again);
    out.rows.push_back(rows);
    body.clear();
    again.clear();
    rows.clear();
  };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> fields = SplitFields(line);
    REQUIRE(fields.size() == header.size());
    rows.push_back({fields[0], fields[1]});
    body += line + "\n";
    again += JoinWithout(fields, post_column) + "\n";
    if (rows.size() == rows_per_chunk) flush();
  }
  flush();
  return out;
}

// What the client was told, shared between the writing thread and the checks.
struct Ledger {
  std::mutex mu;
  std::vector<size_t> imported;  // chunk numbers answered 200
  // public_id -> posts sent in order, and how many of them were answered 200
  std::map<std::string, std::pair<std::vector<std::string>, size_t>> posts;
  // Answers other than 200 from a live server: the kill should be the only way a call fails.
  std::vector<std::string> refusals;
  // Reads of a person (each audited) sent, and answered 200.
  size_t reads_sent = 0, reads_answered = 0;
};

// True for an answer of 200; records any other answer (not a cut connection) as a refusal.
bool Answered(const httplib::Result& result, const std::string& what, Ledger& ledger) {
  if (result && result->status == 200) return true;
  if (result) {
    std::lock_guard lock(ledger.mu);
    ledger.refusals.push_back(what + ": " + std::to_string(result->status) + " " + result->body);
  }
  return false;
}

// Uploads chunks from `next_chunk` on (past the last, again from the first,
// without 职务: an import of known rows updates them) and edits people already
// imported, until the server stops answering. Returns the next chunk to upload.
size_t WriteUntilRefused(int port, const std::string& token, const Chunks& chunks,
                         size_t next_chunk, int round, std::mt19937& rng, Ledger& ledger) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  // Within the token's rate limit (50 a second after a burst of 200): a 429 is
  // no crash finding, and a fast enough server would otherwise get there.
  const auto started = std::chrono::steady_clock::now();
  int requests = 0;
  auto pace = [&] {
    if (++requests > 150)
      std::this_thread::sleep_until(started + std::chrono::milliseconds(25 * (requests - 150)));
  };
  for (int edit_no = 0;; ++next_chunk) {
    const size_t chunk = next_chunk % chunks.bodies.size();
    pace();
    auto imported = client.Post(
        ("/api/v1/imports?filename=part" + std::to_string(chunk) + ".csv").c_str(), auth,
        next_chunk < chunks.bodies.size() ? chunks.bodies[chunk] : chunks.again[chunk], "text/csv");
    if (!Answered(imported, "import", ledger)) return next_chunk;
    {
      std::lock_guard lock(ledger.mu);
      ledger.imported.push_back(chunk);
    }
    const size_t last_imported = std::min(next_chunk, chunks.bodies.size() - 1);
    for (int k = 0; k < 3; ++k, ++edit_no) {
      const auto& rows = chunks.rows[std::uniform_int_distribution<size_t>(0, last_imported)(rng)];
      const Row& row = rows[std::uniform_int_distribution<size_t>(0, rows.size() - 1)(rng)];
      {
        std::lock_guard lock(ledger.mu);
        ++ledger.reads_sent;
      }
      pace();
      auto read = client.Get(("/api/v1/persons/" + row.public_id).c_str(), auth);
      if (!Answered(read, "read " + row.public_id, ledger)) return next_chunk + 1;
      {
        std::lock_guard lock(ledger.mu);
        ++ledger.reads_answered;
      }
      const std::string post = "第" + std::to_string(round) + "轮值班员" + std::to_string(edit_no);
      {
        std::lock_guard lock(ledger.mu);
        ledger.posts[row.public_id].first.push_back(post);
      }
      httplib::Headers headers = auth;
      headers.emplace("If-Match", read->get_header_value("ETag"));
      pace();
      auto patched = client.Patch(("/api/v1/persons/" + row.public_id).c_str(), headers,
                                  nlohmann::json{{"post", post}}.dump(), "application/json");
      if (!Answered(patched, "edit " + row.public_id, ledger)) return next_chunk + 1;
      std::lock_guard lock(ledger.mu);
      auto& [sent, answered] = ledger.posts[row.public_id];
      answered = sent.size();
    }
  }
}

// The checks of the file comment, on the files the killed server left.
void CheckAfterKill(const std::string& data, const Chunks& chunks, Ledger& ledger,
                    std::mt19937& rng) {
  std::lock_guard lock(ledger.mu);
  auto store = registry::Store::Open(data);
  REQUIRE(store.ok());
  registry::Store& s = **store;
  REQUIRE(s.CheckIntegrity().ok());

  for (size_t chunk : ledger.imported) {
    for (const Row& row : chunks.rows[chunk]) {
      auto record = s.GetPerson(row.public_id);
      INFO("chunk " << chunk << ", " << row.public_id);
      REQUIRE(record.ok());
      CHECK(record->person.name == row.name);
    }
  }
  // public_id -> the post the registry holds, for the edits that were answered
  std::map<std::string, std::string> edited;
  for (const auto& [public_id, sent_answered] : ledger.posts) {
    const auto& [sent, answered] = sent_answered;
    if (answered == 0) continue;
    auto record = s.GetPerson(public_id);
    REQUIRE(record.ok());
    // The last answered value, or one sent after it whose answer the kill cut off.
    INFO(public_id << " holds " << record->person.post);
    CHECK(std::find(sent.begin() + static_cast<long>(answered) - 1, sent.end(),
                    record->person.post) != sent.end());
    edited[public_id] = record->person.post;
  }

  // The audit entries of reads: spooled before each answer, moved into the
  // table when the spool is next opened.
  {
    auto queries = registry::ApiQueries::Open(s);
    REQUIRE(queries.ok());
    {
      api::AuditLog moved(**queries, data);
      REQUIRE(moved.spooling());
    }
    registry::AuditQuery q;
    q.action = "read";
    auto page = (*queries)->QueryAudit(q);
    REQUIRE(page.ok());
    CHECK(page->total >= static_cast<int64_t>(ledger.reads_answered));
    CHECK(page->total <= static_cast<int64_t>(ledger.reads_sent));
  }

  auto index = indexer::SearchIndex::Open(s.IndexDir());
  REQUIRE(index.ok());
  indexer::StoreChangeSource source(s);
  REQUIRE((*index)->CatchUp(source).ok());
  auto info = (*index)->Info();
  REQUIRE(info.ok());
  auto last_seq = s.LastSeq();
  REQUIRE(last_seq.ok());
  CHECK(info->last_seq == *last_seq);
  CHECK(info->registry_id == s.RegistryId());
  auto stats = s.Stats();
  REQUIRE(stats.ok());
  CHECK(info->documents == stats->persons);

  // Search by name; the person is among the hits and shows what the registry holds.
  std::vector<std::string> sample;
  for (const auto& [public_id, post] : edited) sample.push_back(public_id);
  std::shuffle(sample.begin(), sample.end(), rng);
  if (sample.size() > 25) sample.resize(25);
  for (int i = 0; i < 25 && !ledger.imported.empty(); ++i) {
    const auto& rows = chunks.rows[ledger.imported[std::uniform_int_distribution<size_t>(
        0, ledger.imported.size() - 1)(rng)]];
    sample.push_back(
        rows[std::uniform_int_distribution<size_t>(0, rows.size() - 1)(rng)].public_id);
  }
  for (const std::string& public_id : sample) {
    auto record = s.GetPerson(public_id);
    REQUIRE(record.ok());
    indexer::SearchRequest request;
    request.query = record->person.name;
    request.size = 100;
    request.facets = false;
    auto result = (*index)->Search(request);
    REQUIRE(result.ok());
    auto hit = std::find_if(result->hits.begin(), result->hits.end(),
                            [&](const indexer::SearchHit& h) { return h.id == public_id; });
    INFO(public_id << " " << record->person.name);
    REQUIRE(hit != result->hits.end());
    CHECK(hit->post == record->person.post);
  }
}

}  // namespace

TEST_CASE(
    "Crash: the server killed while importing and editing keeps every answered write, and the "
    "index agrees",
    "[api][crash][process]") {
  testing::TempDir dir;
  const std::string data = dir / "registry";
  const std::string log = dir / "server.log";
  const std::string token = InitWithStaffToken(data, log);
  int code = 0;
  RunBinary(
      {TALENTPOOL_BINARY, "demo", "--out", dir / "pool.csv", "--persons", "3000", "--seed", "7"},
      log, &code);
  REQUIRE(code == 0);
  const Chunks chunks = SplitCsv(testing::ReadFileBytes(dir / "pool.csv"), 100);
  REQUIRE(chunks.bodies.size() == 30);

  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  Ledger ledger;
  size_t next_chunk = 0;
  for (int round = 1; round <= 6; ++round) {
    {
      ServerProcess server(data, log);
      std::mt19937 writer_rng(rng());
      std::atomic<size_t> reached{next_chunk};
      std::thread writer([&, round] {
        reached =
            WriteUntilRefused(server.port(), token, chunks, next_chunk, round, writer_rng, ledger);
      });
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::uniform_int_distribution<int>(200, 2500)(rng)));
      server.Kill();
      writer.join();
      next_chunk = reached;
    }
    CheckAfterKill(data, chunks, ledger, rng);
  }
  CHECK(!ledger.imported.empty());
  CHECK(ledger.refusals == std::vector<std::string>{});
  CHECK(ledger.reads_answered > 0);
  std::printf(
      "crash test: 6 kills, %zu imports, %zu people edited and %zu reads audited; all acknowledged "
      "writes and audit entries found\n",
      ledger.imported.size(), ledger.posts.size(), ledger.reads_answered);
}

}  // namespace tp::apitest
