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
//     name, showing the post the registry holds.
// The next round restarts the server on the same files.
#include <catch2/catch.hpp>
#include <httplib.h>

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

#include "api/process_support.h"
#include "indexer/search_index.h"
#include "indexer/store_change_source.h"
#include "registry/store.h"
#include "support/temp_dir.h"

namespace tp::apitest {
namespace {

struct Row {
  std::string public_id;
  std::string name;
};

// The demo file cut into import uploads of `rows_per_chunk` rows, each with the header.
struct Chunks {
  std::vector<std::string> bodies;
  std::vector<std::vector<Row>> rows;
};

Chunks SplitCsv(const std::string& csv, size_t rows_per_chunk) {
  Chunks out;
  std::istringstream in(csv);
  std::string header, line;
  std::getline(in, header);
  std::string body;
  std::vector<Row> rows;
  auto flush = [&] {
    if (rows.empty()) return;
    out.bodies.push_back(header + "\n" + body);
    out.rows.push_back(rows);
    body.clear();
    rows.clear();
  };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    // 编号 and 姓名 are the first two columns of the demo file and hold no commas.
    size_t first = line.find(',');
    size_t second = line.find(',', first + 1);
    rows.push_back({line.substr(0, first), line.substr(first + 1, second - first - 1)});
    body += line + "\n";
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
};

// Uploads chunks from `next_chunk` on and edits people already imported, until
// the server stops answering. Returns the next chunk to upload.
size_t WriteUntilRefused(int port, const std::string& token, const Chunks& chunks, size_t next_chunk, int round,
                         std::mt19937& rng, Ledger& ledger) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  for (int edit_no = 0; next_chunk < chunks.bodies.size(); ++next_chunk) {
    auto imported = client.Post(("/api/v1/imports?filename=part" + std::to_string(next_chunk) + ".csv").c_str(),
                                auth, chunks.bodies[next_chunk], "text/csv");
    if (!imported || imported->status != 200) return next_chunk;
    {
      std::lock_guard lock(ledger.mu);
      ledger.imported.push_back(next_chunk);
    }
    for (int k = 0; k < 3; ++k, ++edit_no) {
      const auto& rows = chunks.rows[std::uniform_int_distribution<size_t>(0, next_chunk)(rng)];
      const Row& row = rows[std::uniform_int_distribution<size_t>(0, rows.size() - 1)(rng)];
      auto read = client.Get(("/api/v1/persons/" + row.public_id).c_str(), auth);
      if (!read || read->status != 200) return next_chunk + 1;
      const std::string post = "第" + std::to_string(round) + "轮值班员" + std::to_string(edit_no);
      {
        std::lock_guard lock(ledger.mu);
        ledger.posts[row.public_id].first.push_back(post);
      }
      httplib::Headers headers = auth;
      headers.emplace("If-Match", read->get_header_value("ETag"));
      auto patched = client.Patch(("/api/v1/persons/" + row.public_id).c_str(), headers,
                                  nlohmann::json{{"post", post}}.dump(), "application/json");
      if (!patched || patched->status != 200) return next_chunk + 1;
      std::lock_guard lock(ledger.mu);
      auto& [sent, answered] = ledger.posts[row.public_id];
      answered = sent.size();
    }
  }
  return next_chunk;
}

// The checks of the file comment, on the files the killed server left.
void CheckAfterKill(const std::string& data, const Chunks& chunks, Ledger& ledger, std::mt19937& rng) {
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
    CHECK(std::find(sent.begin() + static_cast<long>(answered) - 1, sent.end(), record->person.post) != sent.end());
    edited[public_id] = record->person.post;
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
    sample.push_back(rows[std::uniform_int_distribution<size_t>(0, rows.size() - 1)(rng)].public_id);
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

TEST_CASE("Crash: the server killed while importing and editing keeps every answered write, and the index agrees",
          "[api][crash][process]") {
  testing::TempDir dir;
  const std::string data = dir / "registry";
  const std::string log = dir / "server.log";
  int code = 0;
  RunBinary({TALENTPOOL_BINARY, "init", "--data", data}, log, &code);
  REQUIRE(code == 0);
  std::string token = RunBinary({TALENTPOOL_BINARY, "token", "--data", data, "--role", "staff"}, log, &code);
  REQUIRE(code == 0);
  token.erase(token.find_last_not_of("\r\n") + 1);
  RunBinary({TALENTPOOL_BINARY, "demo", "--out", dir / "pool.csv", "--persons", "3000", "--seed", "7"}, log, &code);
  REQUIRE(code == 0);
  const Chunks chunks = SplitCsv(testing::ReadFileBytes(dir / "pool.csv"), 100);
  REQUIRE(chunks.bodies.size() == 30);

  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  Ledger ledger;
  size_t next_chunk = 0;
  int kills = 0;
  for (int round = 1; round <= 6 && next_chunk < chunks.bodies.size(); ++round) {
    {
      ServerProcess server(data, log);
      std::mt19937 writer_rng(rng());
      std::atomic<size_t> reached{next_chunk};
      std::thread writer([&, round] {
        reached = WriteUntilRefused(server.port(), token, chunks, next_chunk, round, writer_rng, ledger);
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(200, 2500)(rng)));
      server.Kill();
      ++kills;
      writer.join();
      next_chunk = reached;
    }
    CheckAfterKill(data, chunks, ledger, rng);
  }
  CHECK(kills >= 2);
  CHECK(!ledger.imported.empty());
  std::printf("crash test: %d kills, %zu imports and %zu people edited, all acknowledged writes found\n", kills,
              ledger.imported.size(), ledger.posts.size());
}

}  // namespace tp::apitest
