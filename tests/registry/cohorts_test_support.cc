#include "cohorts_test_support.h"

#include <stdexcept>

#include "registry/base/paths.h"

namespace tp::cohorttest {

CohortFixture::CohortFixture() {
  auto store = registry::Store::Create(dir_ / "reg");
  if (!store.ok()) throw std::runtime_error("store: " + store.status().ToString());
  store_ = std::move(*store);
  auto cohorts = registry::Cohorts::Open(*store_, registry::DataDir());
  if (!cohorts.ok()) throw std::runtime_error("cohorts: " + cohorts.status().ToString());
  cohorts_ = std::move(*cohorts);
}

std::string CohortFixture::Add(const PersonSpec& spec) {
  registry::Person p;
  p.name = spec.name;
  p.gender = spec.gender;
  p.ethnic_group = spec.ethnic_group;
  p.political_affiliation = "无党派人士";
  p.unit_name = spec.unit + "所属研究所";
  p.post = "所长";
  p.phone = spec.phone;
  p.province = spec.province;
  p.recommending_unit = spec.unit;
  p.recommending_unit_type = spec.unit_type;
  p.tier = spec.tier;
  p.admission_year = spec.admission_year;
  p.group_type = spec.group;
  p.can_attend_seminar = spec.seminar;
  p.can_attend_study_tour = spec.study_tour;
  p.employment_status = spec.employment_status;
  p.birth_date = spec.birth_date;
  auto batch = store_->BeginWrite();
  if (!batch.ok()) throw std::runtime_error("write: " + batch.status().ToString());
  auto done = (*batch)->UpsertPerson(&p);
  if (!done.ok()) throw std::runtime_error("upsert: " + done.status().ToString());
  Status committed = (*batch)->Commit();
  if (!committed.ok()) throw std::runtime_error("commit: " + committed.ToString());
  ++next_;
  return p.public_id;
}

std::vector<std::string> CohortFixture::AddMany(const PersonSpec& spec, int count) {
  std::vector<std::string> ids;
  for (int i = 1; i <= count; ++i) {
    PersonSpec s = spec;
    s.name = spec.name + std::to_string(i);
    ids.push_back(Add(s));
  }
  return ids;
}

registry::Event CohortFixture::MakeEvent(const std::string& code, const std::string& starts_on,
                                         const std::string& ends_on, int capacity,
                                         const std::string& series, const std::string& level) {
  registry::Event e;
  e.code = code;
  e.title = "测试活动 " + code;
  e.series = series;
  e.starts_on = starts_on;
  e.ends_on = ends_on;
  e.place = "北京";
  e.capacity = capacity;
  e.classes.push_back({"一班", level, capacity, 0, 0});
  auto made = cohorts_->CreateEvent(e, Staff());
  if (!made.ok()) throw std::runtime_error("event: " + made.status().ToString());
  return *made;
}

registry::AuditEntry CohortFixture::Staff(const std::string& actor) {
  registry::AuditEntry who;
  who.actor = actor;
  who.role = "staff";
  who.remote_addr = "127.0.0.1";
  return who;
}

}  // namespace tp::cohorttest
