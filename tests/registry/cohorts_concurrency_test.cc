// Two or more staff acting on the same class at the same moment: the waiting
// list is promoted in one transaction, so no class is overbooked and nobody
// is promoted twice, whether the calls share a Store or come through two
// Stores on the same database (two server processes).
#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <set>

#include "cohorts_test_support.h"
#include "registry/base/paths.h"
#include "support/run_together.h"

using tp::StatusCode;
using tp::cohorttest::CohortFixture;
using tp::cohorttest::Named;
using tp::registry::ActionResult;
using tp::registry::Cohorts;
using tp::registry::EnrolmentAction;
using tp::registry::EnrolmentState;

namespace {

using tp::testing::RunTogether;

int Count(CohortFixture& f, const std::string& event, EnrolmentState state) {
  auto list = f.cohorts().ListEnrolments(event);
  REQUIRE(list.ok());
  return static_cast<int>(
      std::count_if(list->begin(), list->end(), [&](const auto& e) { return e.state == state; }));
}

int AuditCount(CohortFixture& f, const std::string& action) {
  SQLite::Database db(f.registry_dir() + "/registry.sqlite", SQLite::OPEN_READONLY);
  SQLite::Statement st(db,
                       "SELECT count(*) FROM audit_log WHERE object_type='enrolment' AND action=?");
  st.bind(1, action);
  st.executeStep();
  return st.getColumn(0).getInt();
}

}  // namespace

TEST_CASE("Cohorts: ten simultaneous declines promote the first ten on the waiting list, each once",
          "[cohorts][waitlist][concurrency]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 10, "small");
  auto seated = f.AddMany(Named("在座"), 10);
  auto waiting = f.AddMany(Named("候补"), 15);
  for (const auto& id : seated) {
    REQUIRE(f.cohorts()
                .Act("2026-small", id, EnrolmentAction::kInvite, {}, CohortFixture::Staff())
                .ok());
    REQUIRE(f.cohorts()
                .Act("2026-small", id, EnrolmentAction::kConfirm, {}, CohortFixture::Staff())
                .ok());
  }
  for (const auto& id : waiting) {
    REQUIRE(f.cohorts()
                .Act("2026-small", id, EnrolmentAction::kWaitlist, {}, CohortFixture::Staff())
                .ok());
  }

  std::vector<tp::StatusOr<ActionResult>> results(10, tp::Internal("not run"));
  RunTogether(10, [&](int i) {
    results[static_cast<size_t>(i)] =
        f.cohorts().Act("2026-small", seated[static_cast<size_t>(i)], EnrolmentAction::kDecline, {},
                        CohortFixture::Staff("token:" + std::to_string(i)));
  });

  std::set<std::string> promoted;
  for (const auto& r : results) {
    REQUIRE(r.ok());
    REQUIRE(r->promoted.has_value());
    promoted.insert(r->promoted->person_id);
  }
  CHECK(promoted.size() == 10);
  CHECK(promoted == std::set<std::string>(waiting.begin(), waiting.begin() + 10));
  CHECK(Count(f, "2026-small", EnrolmentState::kInvited) == 10);
  CHECK(Count(f, "2026-small", EnrolmentState::kWaitlisted) == 5);
  CHECK(f.cohorts().GetEvent("2026-small")->classes[0].seats_taken == 10);
  CHECK(AuditCount(f, "promote") == 10);
  auto list = f.cohorts().ListEnrolments("2026-small");
  std::vector<int> ranks;
  for (const auto& e : *list) {
    if (e.state == EnrolmentState::kWaitlisted) ranks.push_back(e.waitlist_rank);
  }
  CHECK(ranks == std::vector<int>{1, 2, 3, 4, 5});
}

TEST_CASE("Cohorts: twenty simultaneous invitations fill the free seats and no more",
          "[cohorts][waitlist][concurrency]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 5, "small");
  auto people = f.AddMany(Named("申请"), 20);
  std::atomic<int> ok{0}, full{0}, other{0};
  RunTogether(20, [&](int i) {
    auto r = f.cohorts().Act("2026-small", people[static_cast<size_t>(i)], EnrolmentAction::kInvite,
                             {}, CohortFixture::Staff());
    if (r.ok()) {
      ++ok;
    } else if (r.status().code() == StatusCode::kRuleViolated) {
      ++full;
    } else {
      ++other;
    }
  });
  CHECK(ok == 5);
  CHECK(full == 15);
  CHECK(other == 0);
  CHECK(f.cohorts().GetEvent("2026-small")->classes[0].seats_taken == 5);
}

TEST_CASE("Cohorts: two staff declining the same person at once promote only one replacement",
          "[cohorts][waitlist][concurrency]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 1, "small");
  auto ids = f.AddMany({}, 3);
  REQUIRE(f.cohorts()
              .Act("2026-small", ids[0], EnrolmentAction::kInvite, {}, CohortFixture::Staff())
              .ok());
  REQUIRE(f.cohorts()
              .Act("2026-small", ids[1], EnrolmentAction::kWaitlist, {}, CohortFixture::Staff())
              .ok());
  REQUIRE(f.cohorts()
              .Act("2026-small", ids[2], EnrolmentAction::kWaitlist, {}, CohortFixture::Staff())
              .ok());
  std::vector<tp::StatusOr<ActionResult>> results(2, tp::Internal("not run"));
  RunTogether(2, [&](int i) {
    results[static_cast<size_t>(i)] = f.cohorts().Act(
        "2026-small", ids[0], EnrolmentAction::kDecline, {}, CohortFixture::Staff());
  });
  const int succeeded = (results[0].ok() ? 1 : 0) + (results[1].ok() ? 1 : 0);
  CHECK(succeeded == 1);
  const auto& failed = results[0].ok() ? results[1] : results[0];
  CHECK(failed.status().code() == StatusCode::kRuleViolated);
  CHECK(Count(f, "2026-small", EnrolmentState::kInvited) == 1);
  CHECK(Count(f, "2026-small", EnrolmentState::kWaitlisted) == 1);
  CHECK(AuditCount(f, "promote") == 1);
}

TEST_CASE("Cohorts: two stores on one database (two servers) cannot overbook a class together",
          "[cohorts][waitlist][concurrency]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 8, "small");
  auto seated = f.AddMany(Named("在座"), 8);
  auto waiting = f.AddMany(Named("候补"), 8);
  auto walk_ins = f.AddMany(Named("临时"), 8);
  for (const auto& id : seated) {
    REQUIRE(f.cohorts()
                .Act("2026-small", id, EnrolmentAction::kInvite, {}, CohortFixture::Staff())
                .ok());
  }
  for (const auto& id : waiting) {
    REQUIRE(f.cohorts()
                .Act("2026-small", id, EnrolmentAction::kWaitlist, {}, CohortFixture::Staff())
                .ok());
  }
  auto second_store = tp::registry::Store::Open(f.registry_dir());
  REQUIRE(second_store.ok());
  Cohorts second(**second_store);

  // One server declines seat holders (promoting from the list) while the
  // other tries to invite walk-ins into whatever seat looks free.
  std::atomic<int> walk_ins_seated{0};
  std::atomic<int> unexpected{0};
  RunTogether(16, [&](int i) {
    const auto k = static_cast<size_t>(i / 2);
    if (i % 2 == 0) {
      auto r = f.cohorts().Act("2026-small", seated[k], EnrolmentAction::kDecline, {},
                               CohortFixture::Staff());
      if (!r.ok()) ++unexpected;
    } else {
      auto r = second.Act("2026-small", walk_ins[k], EnrolmentAction::kInvite, {},
                          CohortFixture::Staff());
      if (r.ok()) {
        ++walk_ins_seated;
      } else if (r.status().code() != StatusCode::kRuleViolated) {
        ++unexpected;
      }
    }
  });
  CHECK(unexpected == 0);
  const int holders = f.cohorts().GetEvent("2026-small")->classes[0].seats_taken;
  CHECK(holders == 8);
  // Each freed seat went to the waiting list in the decline's own
  // transaction, so no walk-in ever saw a free seat.
  CHECK(walk_ins_seated == 0);
  CHECK(Count(f, "2026-small", EnrolmentState::kDeclined) == 8);
  CHECK(AuditCount(f, "promote") == 8);
}
