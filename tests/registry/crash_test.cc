// Crash consistency: a child process writes batches of persons and reports
// each commit; the parent kills it with SIGKILL at a random moment, reopens
// the registry and checks that every acknowledged write is there and the
// database is intact. Repeated at many kill points, on one registry that
// grows across the rounds (so later kills land in a larger file).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "registry/store/store.h"
#include "support/temp_dir.h"

using tp::registry::Person;
using tp::registry::Store;
using tp::testing::TempDir;

namespace {

std::string PublicId(int round, int n) {
  return "C" + std::to_string(round) + "-" + std::to_string(n);
}

// The child: writes batches of 50 until killed, writing the number of
// persons committed so far to `ack_fd` after each commit.
[[noreturn]] void WriteUntilKilled(const std::string& dir, int round, int ack_fd) {
  auto store = Store::Open(dir);
  if (!store.ok()) _exit(3);
  for (int batch_no = 0;; ++batch_no) {
    auto batch = (*store)->BeginWrite();
    if (!batch.ok()) _exit(4);
    for (int i = 0; i < 50; ++i) {
      Person p;
      p.public_id = PublicId(round, batch_no * 50 + i);
      p.name = "测试人员";
      p.achievements = std::string(400, 'x');  // rows of a realistic size
      p.admission_year = 2024;
      if (!(*batch)->UpsertPerson(&p).ok()) _exit(5);
    }
    if (!(*batch)->Commit().ok()) _exit(6);
    int committed = (batch_no + 1) * 50;
    if (::write(ack_fd, &committed, sizeof committed) != sizeof committed) _exit(7);
  }
}

}  // namespace

TEST_CASE(
    "Crash: every commit acknowledged before a kill -9 survives it, and the file stays intact",
    "[crash]") {
  TempDir dir;
  const std::string data = dir / "reg";
  REQUIRE(Store::Create(data).ok());
  std::mt19937 random(20241106);  // fixed seed: the same kill points on every run
  std::uniform_int_distribution<int> delay_ms(5, 120);
  int64_t expected_total = 0;
  int rounds_with_acks = 0;

  for (int round = 0; round < 15; ++round) {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(pipe_fds[0]);
      WriteUntilKilled(data, round, pipe_fds[1]);
    }
    ::close(pipe_fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    INFO("round " << round);
    REQUIRE(WIFSIGNALED(status));  // it was still writing: the kill was mid-work
    int acknowledged = 0, value = 0;
    while (::read(pipe_fds[0], &value, sizeof value) == sizeof value) acknowledged = value;
    ::close(pipe_fds[0]);
    rounds_with_acks += acknowledged > 0;
    rounds_with_acks += acknowledged > 0;

    auto store = Store::Open(data);
    REQUIRE(store.ok());
    REQUIRE((*store)->CheckIntegrity().ok());
    auto stats = (*store)->Stats();
    REQUIRE(stats.ok());
    // Acknowledged rows are all there; a batch committed but not yet
    // acknowledged may be too, never a part of one.
    int64_t this_round = stats->persons - expected_total;
    CHECK(this_round >= acknowledged);
    CHECK(this_round % 50 == 0);
    if (acknowledged > 0) {
      CHECK((*store)->GetPerson(PublicId(round, acknowledged - 1)).ok());
    }
    CHECK((*store)->GetPerson(PublicId(round, static_cast<int>(this_round))).status().code() ==
          tp::StatusCode::kNotFound);
    // Each person and its admission were logged in the same transactions.
    CHECK(stats->last_seq == 2 * stats->persons);
    expected_total = stats->persons;
  }
  CHECK(expected_total > 0);
  CHECK(rounds_with_acks >= 5);  // the kills did land after commits, not only before any
}
