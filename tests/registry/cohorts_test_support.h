// A registry in a temp dir with the seeded events (data/events.json), and a way to add admitted
// people to it, for the cohort and planner tests.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "registry/cohorts/cohorts.h"
#include "registry/store/store.h"
#include "support/temp_dir.h"

namespace tp::cohorttest {

struct PersonSpec {
  std::string name = "测试";
  std::string gender = "男";
  std::string ethnic_group = "汉族";
  std::string tier = "领军人才";  // empty: no tier
  int admission_year = 2024;      // 0: not admitted
  std::string province = "45";
  std::string unit = "广西壮族自治区科学技术协会";
  std::string unit_type = "省级科协";
  std::string group;                      // 所属群体
  std::string phone;                      // empty: none
  std::optional<bool> seminar = true;     // 可否参加专题研修班
  std::optional<bool> study_tour = true;  // 可否参加国情研修活动
  std::string employment_status;
  std::string birth_date = "1990-05-01";  // 34 at the 2024 training; empty: unknown
};

// The default spec under another name.
inline PersonSpec Named(const std::string& name) {
  PersonSpec spec;
  spec.name = name;
  return spec;
}

class CohortFixture {
 public:
  CohortFixture();

  registry::Store& store() { return *store_; }
  registry::Cohorts& cohorts() { return *cohorts_; }
  const std::string& dir() const { return dir_.path(); }
  std::string registry_dir() const { return dir_ / "reg"; }

  // Stores the person and returns its 编号.
  std::string Add(const PersonSpec& spec);
  // `count` people named name1, name2, … of the same spec; their 编号 in order.
  std::vector<std::string> AddMany(const PersonSpec& spec, int count);

  // An event of the given code and dates with one class of `capacity` seats
  // (level empty: either tier), in `series`.
  registry::Event MakeEvent(const std::string& code, const std::string& starts_on,
                            const std::string& ends_on, int capacity, const std::string& series,
                            const std::string& level = "");

  // A staff actor for audit entries.
  static registry::AuditEntry Staff(const std::string& actor = "token:1");

 private:
  testing::TempDir dir_;
  std::unique_ptr<registry::Store> store_;
  std::unique_ptr<registry::Cohorts> cohorts_;
  int next_ = 0;
};

}  // namespace tp::cohorttest
