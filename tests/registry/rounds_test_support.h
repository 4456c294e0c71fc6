// A registry in a temp dir with the seed rounds loaded and a clock the test
// moves, plus builders for the people the rounds tests recommend.
#pragma once

#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "registry/base/paths.h"
#include "registry/fields/id_number.h"
#include "registry/fields/reference_data.h"
#include "registry/rounds/rounds.h"
#include "registry/rounds/workflow.h"
#include "registry/store/store.h"
#include "support/temp_dir.h"

namespace tp::roundstest {

using Cells = std::vector<std::pair<std::string, std::string>>;

inline std::string IdNumber(const std::string& region, const std::string& birth, int seq) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%03d", seq);
  std::string first17 = region + birth + digits;
  return first17 + registry::ComputeCheckDigit(first17);
}

// One person's cells as a unit would type them. `birth` is YYYYMMDD; odd
// `seq` gives a man.
inline Cells PersonCells(const std::string& name, const std::string& birth, int seq,
                         const std::string& ethnic = "汉族",
                         const std::string& affiliation = "九三学社社员") {
  return {{"姓名", name},
          {"身份证号", IdNumber("110105", birth, seq)},
          {"民族", ethnic},
          {"政治面貌", affiliation},
          {"工作单位", "中国科学院化学研究所"},
          {"职务", "研究员"},
          {"推荐单位意见", "长期从事科研工作，成绩突出，同意推荐。"}};
}

class RoundsFixture {
 public:
  RoundsFixture() {
    auto store = registry::Store::Create(dir_ / "registry");
    REQUIRE(store.ok());
    store_ = std::move(*store);
    auto reference = registry::ReferenceData::Load(registry::DataDir());
    REQUIRE(reference.ok());
    reference_ = std::make_unique<registry::ReferenceData>(*reference);
    auto rounds = registry::Rounds::Open(*store_, registry::DataDir(), *reference_,
                                         [this] { return now_.load(); });
    if (!rounds.ok()) FAIL(rounds.status().ToString());
    rounds_ = std::move(*rounds);
    auto workflow = registry::Workflow::Create(*rounds_, registry::DataDir());
    REQUIRE(workflow.ok());
    workflow_ = std::move(*workflow);
    staff.id = "token:1";
    staff.role = "staff";
  }

  // Sets the clock to a Beijing time ("2025-08-01 09:00").
  void At(const std::string& beijing) {
    auto t = registry::ParseBeijingTime(beijing);
    REQUIRE(t.ok());
    now_ = *t;
  }

  // A unit of that type, and an actor acting for it.
  registry::Actor Unit(const std::string& name, const std::string& type,
                       const std::string& province = "") {
    auto batch = store_->BeginWrite();
    REQUIRE(batch.ok());
    auto unit = (*batch)->EnsureUnit(name, type, province);
    REQUIRE(unit.ok());
    REQUIRE((*batch)->Commit().ok());
    registry::Actor a;
    a.id = "token:" + std::to_string(100 + unit->rowid);
    a.role = "unit";
    a.unit_rowid = unit->rowid;
    return a;
  }

  registry::AddResult MustAdd(const std::string& round, const registry::Actor& unit,
                              registry::RecommendationInput in) {
    auto added = workflow_->Add(round, unit.unit_rowid, in, unit);
    if (!added.ok()) FAIL(added.status().ToString());
    return std::move(*added);
  }

  registry::Store& store() { return *store_; }
  registry::Rounds& rounds() { return *rounds_; }
  registry::Workflow& workflow() { return *workflow_; }
  const registry::ReferenceData& reference() { return *reference_; }
  const testing::TempDir& dir() const { return dir_; }

  registry::Actor staff;

 private:
  testing::TempDir dir_;
  std::atomic<int64_t> now_{0};
  std::unique_ptr<registry::Store> store_;
  std::unique_ptr<registry::ReferenceData> reference_;
  std::unique_ptr<registry::Rounds> rounds_;
  std::unique_ptr<registry::Workflow> workflow_;
};

inline registry::RecommendationInput Input(Cells cells, std::vector<std::string> declared = {},
                                           std::string group = "") {
  registry::RecommendationInput in;
  in.cells = std::move(cells);
  in.declared = std::move(declared);
  in.group = std::move(group);
  return in;
}

}  // namespace tp::roundstest
