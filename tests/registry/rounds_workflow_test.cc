#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "registry/rounds/workflow.h"
#include "rounds_test_support.h"

using tp::Status;
using tp::StatusCode;
using tp::registry::Decision;
using tp::registry::Person;
using tp::registry::RecommendationInput;
using tp::roundstest::Input;
using tp::roundstest::PersonCells;
using tp::roundstest::RoundsFixture;

namespace {

constexpr const char* kNational = "pool-national-2025";

// Five people for a national society, two of them aged ≤35 in August 2025.
std::vector<tp::roundstest::Cells> FiveForASociety() {
  return {PersonCells("林晓雯", "19950312", 2), PersonCells("陈思远", "19920705", 11),
          PersonCells("王建国", "19700101", 13), PersonCells("赵德明", "19721120", 15),
          PersonCells("孙立平", "19680808", 17)};
}

int64_t Count(RoundsFixture& f, const std::string& sql) {
  SQLite::Database db(f.dir() / "registry/registry.sqlite", SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

}  // namespace

TEST_CASE("Workflow: a unit drafts with a live quota and cannot submit a list that breaks a rule",
          "[rounds][workflow]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto society = f.Unit("中国化学会", "全国学会");
  std::vector<int64_t> ids;
  for (const auto& cells : FiveForASociety())
    ids.push_back(f.MustAdd(kNational, society, Input(cells)).item.id);
  auto view = f.workflow().GetSubmission(kNational, society.unit_rowid);
  REQUIRE(view.ok());
  CHECK(view->state == "draft");
  CHECK(view->quota.used == 5);
  CHECK(view->quota.remaining == 0);
  CHECK(view->quota.ok());

  auto sixth = f.MustAdd(kNational, society, Input(PersonCells("周明哲", "19750101", 19)));
  CHECK(sixth.quota.used == 6);
  CHECK_FALSE(sixth.quota.ok());
  auto refused = f.workflow().Submit(kNational, society.unit_rowid, {}, society);
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  CHECK(refused.status().message().find("全国学会推荐名额不超过5人") != std::string::npos);
  CHECK(refused.status().message().find("周明哲") != std::string::npos);

  SECTION("with a 理事长 as the sixth the list goes through and is locked") {
    REQUIRE(f.workflow().Remove(sixth.item.id, society).ok());
    auto chair_cells = PersonCells("郑国华", "19600101", 21);
    chair_cells.emplace_back("科协及学会任职", "中国化学会副理事长");
    auto chair = f.MustAdd(kNational, society, Input(chair_cells));
    CHECK(chair.item.exempt_reason.find("副理事长") != std::string::npos);
    CHECK(chair.quota.used == 5);
    auto submitted = f.workflow().Submit(kNational, society.unit_rowid, {}, society);
    REQUIRE(submitted.ok());
    CHECK(submitted->state == "submitted");
    for (const auto& item : submitted->items) CHECK(item.state == "submitted");
    auto locked = f.workflow().Add(kNational, society.unit_rowid,
                                   Input(PersonCells("吴新", "19800101", 23)), society);
    CHECK(locked.status().code() == StatusCode::kPreconditionFailed);
    CHECK(f.workflow().Remove(ids[0], society).code() == StatusCode::kPreconditionFailed);
    CHECK(Count(f, "SELECT count(*) FROM audit_log WHERE action='transition' AND actor='" +
                       society.id + "' AND detail LIKE '%\"to\":\"submitted\"%'") == 6);
  }
  SECTION("a missing 推荐单位意见 is named at submission") {
    REQUIRE(f.workflow().Remove(sixth.item.id, society).ok());
    auto quiet = PersonCells("钱多多", "19960101", 25);
    quiet.pop_back();  // no 推荐单位意见
    auto item = f.MustAdd(kNational, society, Input(quiet));
    REQUIRE(f.workflow().Remove(ids[4], society).ok());
    auto missing = f.workflow().Submit(kNational, society.unit_rowid, {}, society);
    REQUIRE(missing.status().code() == StatusCode::kRuleViolated);
    CHECK(missing.status().message().find("钱多多") != std::string::npos);
    std::string too_long;
    for (int i = 0; i < 101; ++i) too_long += "优";
    auto long_one =
        f.workflow().Submit(kNational, society.unit_rowid, {{item.item.id, too_long}}, society);
    REQUIRE(long_one.status().code() == StatusCode::kRuleViolated);
    CHECK(long_one.status().message().find("不能超过100字（现为101字）") != std::string::npos);
    auto with_opinion = f.workflow().Submit(kNational, society.unit_rowid,
                                            {{item.item.id, "青年骨干，潜力突出。"}}, society);
    REQUIRE(with_opinion.ok());
    for (const auto& i : with_opinion->items) CHECK(i.state == "submitted");
  }
}

TEST_CASE("Workflow: a CCP member is refused for the pool when added", "[rounds][workflow]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto society = f.Unit("中国化学会", "全国学会");
  auto added =
      f.workflow().Add(kNational, society.unit_rowid,
                       Input(PersonCells("党建华", "19800101", 31, "汉族", "中共党员")), society);
  REQUIRE(added.status().code() == StatusCode::kRuleViolated);
  CHECK(added.status().details().front().field == "非中共党员");
  CHECK(added.status().message().find("党建华") != std::string::npos);
  CHECK(Count(f, "SELECT count(*) FROM recommendations") == 0);
}

TEST_CASE(
    "Workflow: a person admitted in 2024 is reported to another unit without who recommended them",
    "[rounds][workflow]") {
  RoundsFixture f;
  // Admitted through the 2024 Guangxi round by a Guangxi society.
  f.At("2024-11-04 10:00");
  auto gx = f.Unit("广西医学会", "省级学会", "45");
  auto cells = PersonCells("覃海涛", "19860307", 11, "壮族");
  cells[1].second = tp::roundstest::IdNumber("450103", "19860307", 11);
  auto partner = PersonCells("韦丽华", "19921120", 24, "壮族");
  partner[1].second = tp::roundstest::IdNumber("450102", "19921120", 24);
  auto a = f.MustAdd("pool-guangxi-2024", gx, Input(cells));
  f.MustAdd("pool-guangxi-2024", gx, Input(partner));
  REQUIRE(f.workflow().Submit("pool-guangxi-2024", gx.unit_rowid, {}, gx).ok());
  Decision admit;
  admit.kind = Decision::Kind::kAdmit;
  admit.batch = "2024年第一批";
  auto admitted = f.workflow().Decide(a.item.id, admit, f.staff);
  REQUIRE(admitted.ok());
  CHECK(admitted->state == "admitted");
  REQUIRE(admitted->record.admissions.size() == 1);
  CHECK(admitted->record.admissions[0].year == 2024);
  CHECK(admitted->record.admissions[0].tier == "领军人才");
  CHECK(admitted->record.admissions[0].batch == "2024年第一批");
  CHECK(admitted->record.admissions[0].round_code == "pool-guangxi-2024");

  // In 2025 a national society tries to recommend the same ID number.
  f.At("2025-08-01 09:00");
  auto society = f.Unit("中华医学会", "全国学会");
  auto again = f.workflow().Add(kNational, society.unit_rowid, Input(cells), society);
  REQUIRE(again.status().code() == StatusCode::kAlreadyExists);
  const std::string& m = again.status().message();
  CHECK(m.find("已于2024年入库") != std::string::npos);
  CHECK(m.find("2024年广西科技界党外代表人士遴选推荐") != std::string::npos);
  CHECK(m.find("无需重复推荐") != std::string::npos);
  CHECK(m.find("广西医学会") == std::string::npos);
  CHECK(m.find("覃海涛") == std::string::npos);
  // Nothing was changed on the stored record by the refused attempt.
  CHECK(Count(f, "SELECT count(*) FROM recommendations") == 2);
}

TEST_CASE("Workflow: someone on another unit's list in an open round is a hard duplicate",
          "[rounds][workflow]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto one = f.Unit("中国化学会", "全国学会");
  auto two = f.Unit("中国化工学会", "全国学会");
  auto cells = PersonCells("刘一鸣", "19800101", 41);
  f.MustAdd(kNational, one, Input(cells));
  auto dup = f.workflow().Add(kNational, two.unit_rowid, Input(cells), two);
  REQUIRE(dup.status().code() == StatusCode::kAlreadyExists);
  CHECK(dup.status().message().find(
            "已在「2025年科技界党外代表人士遴选推荐（中国科协）」中被推荐") != std::string::npos);
  CHECK(dup.status().message().find("中国化学会") == std::string::npos);
  auto own = f.workflow().Add(kNational, one.unit_rowid, Input(cells), one);
  REQUIRE(own.status().code() == StatusCode::kAlreadyExists);
  CHECK(own.status().message() == "该人员已在本单位的推荐名单中");
  // A draft of a round that has closed holds no one.
  f.At("2025-08-15 09:00");
  auto round = f.rounds().GetRound(kNational);
  REQUIRE(round.ok());
  tp::registry::RoundSpec next;
  next.code = "pool-2025-11";
  next.campaign = "pool";
  next.kind = "supplementary";
  next.title = "2025年11月补充报送";
  next.opens = "2025-08-15 00:00";
  next.deadline = "2025-11-30 24:00";
  next.rule_set = kNational;
  REQUIRE(f.rounds().CreateRound(next, f.staff).ok());
  CHECK(f.workflow().Add("pool-2025-11", two.unit_rowid, Input(cells), two).ok());
}

TEST_CASE("Workflow: review, return with reasons, edit, resubmit and admit — every step audited",
          "[rounds][workflow]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto society = f.Unit("中国化学会", "全国学会");
  std::vector<int64_t> ids;
  for (const auto& cells : FiveForASociety())
    ids.push_back(f.MustAdd(kNational, society, Input(cells)).item.id);
  REQUIRE(f.workflow().Submit(kNational, society.unit_rowid, {}, society).ok());

  Decision review;
  CHECK(f.workflow().Decide(ids[0], review, society).status().code() ==
        StatusCode::kPermissionDenied);
  REQUIRE(f.workflow().Decide(ids[0], review, f.staff).ok());
  Decision back;
  back.kind = Decision::Kind::kReturn;
  CHECK(f.workflow().Decide(ids[0], back, f.staff).status().code() == StatusCode::kInvalidArgument);
  back.reasons = "主要成就未填写";
  auto returned = f.workflow().Decide(ids[0], back, f.staff);
  REQUIRE(returned.ok());
  CHECK(returned->state == "returned");
  CHECK(returned->reasons == "主要成就未填写");
  CHECK(returned->decided_by == "token:1");
  auto list = f.workflow().GetSubmission(kNational, society.unit_rowid);
  REQUIRE(list.ok());
  CHECK(list->state == "returned");

  RecommendationInput fix;
  fix.cells = {{"主要成就", "主持国家自然科学基金重点项目"}};
  auto edited = f.workflow().Edit(ids[0], fix, society);
  INFO(edited.status().ToString());
  REQUIRE(edited.ok());
  CHECK(edited->record.person.achievements == "主持国家自然科学基金重点项目");
  CHECK(edited->record.person.name == "林晓雯");  // other fields kept
  CHECK(f.workflow().Edit(ids[1], fix, society).status().code() == StatusCode::kPreconditionFailed);

  f.At("2025-08-20 09:00");  // after the deadline: resubmitting needs an extension
  CHECK(f.workflow().Submit(kNational, society.unit_rowid, {}, society).status().code() ==
        StatusCode::kRuleViolated);
  auto unit = f.store().ListUnits();
  std::string code;
  for (const auto& u : *unit)
    if (u.rowid == society.unit_rowid) code = u.code;
  REQUIRE(f.rounds().ExtendDeadline(kNational, code, "2025-08-25 17:00", f.staff).ok());
  auto resubmitted = f.workflow().Submit(kNational, society.unit_rowid, {}, society);
  REQUIRE(resubmitted.ok());
  CHECK(resubmitted->state == "submitted");

  Decision reject;
  reject.kind = Decision::Kind::kReject;
  reject.reasons = "不符合推荐条件";
  REQUIRE(f.workflow().Decide(ids[4], reject, f.staff).ok());
  Decision admit;
  admit.kind = Decision::Kind::kAdmit;
  admit.batch = "2025年第一批";
  auto bulk = f.workflow().BulkAdmit({ids[0], ids[1], ids[2], ids[3]}, admit, f.staff);
  REQUIRE(bulk.ok());
  for (const auto& item : *bulk) CHECK(item.state == "admitted");
  CHECK((*bulk)[0].record.admissions.at(0).tier == "青年人才");  // born 1995
  CHECK((*bulk)[2].record.admissions.at(0).tier == "领军人才");  // born 1970
  auto closed = f.workflow().GetSubmission(kNational, society.unit_rowid);
  REQUIRE(closed.ok());
  CHECK(closed->state == "closed");
  CHECK(Count(f, "SELECT count(*) FROM admissions WHERE year=2025 AND batch='2025年第一批'") == 4);
  // Each transition of the first item, with who made it.
  CHECK(Count(f, "SELECT count(*) FROM audit_log WHERE action='transition' AND object_id='" +
                     std::to_string(ids[0]) + "'") ==
        5);  // submitted, under_review, returned, submitted, admitted
  CHECK(Count(f, "SELECT count(*) FROM audit_log WHERE action='transition' AND object_id='" +
                     std::to_string(ids[0]) + "' AND actor='token:1'") == 3);

  SECTION("bulk admission is all or nothing") {
    auto again = f.workflow().BulkAdmit({ids[4]}, admit, f.staff);
    REQUIRE(again.status().code() == StatusCode::kPreconditionFailed);
    CHECK(again.status().details().front().field == std::to_string(ids[4]));
  }
}

TEST_CASE(
    "Workflow: possible duplicates are shown, can be marked distinct, and merged keeping both "
    "histories",
    "[rounds][workflow]") {
  RoundsFixture f;
  // The pool has 张明远, admitted in 2024 from a file, with his ID number.
  Person stored;
  stored.name = "张明远";
  stored.birth_date = "1979-05-14";
  stored.id_number = tp::roundstest::IdNumber("110105", "19790514", 15);
  stored.gender = "男";
  stored.unit_name = "清华大学";
  stored.recommending_unit = "中国化学会";
  stored.recommending_unit_type = "全国学会";
  stored.admission_year = 2024;
  stored.tier = "领军人才";
  {
    auto batch = f.store().BeginWrite();
    REQUIRE(batch.ok());
    REQUIRE((*batch)->UpsertPerson(&stored).ok());
    REQUIRE((*batch)->Commit().ok());
  }
  f.At("2025-08-01 09:00");
  auto society = f.Unit("中国物理学会", "全国学会");
  // A summary-sheet style entry: traditional characters, month only, no ID.
  RecommendationInput in;
  in.cells = {{"姓名", "張明遠"},          {"性别", "男"},
              {"出生年月", "1979.05"},     {"民族", "汉族"},
              {"政治面貌", "民盟盟员"},    {"工作单位", "清华大学物理系"},
              {"推荐单位意见", "同意推荐"}};
  auto added = f.MustAdd(kNational, society, in);
  REQUIRE(added.possible.size() == 1);
  CHECK(added.possible[0].public_id == stored.public_id);
  CHECK(added.possible[0].reason == "姓名、出生日期相同");
  auto pairs = f.workflow().PossibleDuplicates(kNational);
  REQUIRE(pairs.ok());
  REQUIRE(pairs->size() == 1);
  CHECK((*pairs)[0].other.public_id == stored.public_id);

  SECTION("marked distinct, the pair is not offered again") {
    REQUIRE(f.workflow()
                .MarkDistinct(added.item.record.person.public_id, stored.public_id, f.staff)
                .ok());
    auto after = f.workflow().PossibleDuplicates(kNational);
    REQUIRE(after.ok());
    CHECK(after->empty());
  }
  SECTION("merged, the kept record holds the recommendation, the admission and the ID number") {
    CHECK(
        f.workflow().Merge(stored.public_id, added.item.record.person.public_id, society).code() ==
        StatusCode::kPermissionDenied);
    REQUIRE(f.workflow().Merge(added.item.record.person.public_id, stored.public_id, f.staff).ok());
    auto kept = f.store().GetPerson(added.item.record.person.public_id, true);
    REQUIRE(kept.ok());
    CHECK(kept->person.id_number == stored.id_number);
    REQUIRE(kept->admissions.size() == 1);
    CHECK(kept->admissions[0].year == 2024);
    CHECK(kept->round_codes == std::vector<std::string>{kNational});
    auto gone = f.store().GetPerson(stored.public_id, false);
    REQUIRE(gone.ok());
    CHECK(gone->deleted);
    auto found = f.store().FindByIdNumber(stored.id_number);
    REQUIRE(found.ok());
    CHECK(**found == kept->rowid);
    CHECK(Count(f, "SELECT count(*) FROM audit_log WHERE action='merge'") == 1);
  }
}

TEST_CASE(
    "Workflow: an honour campaign admits to a title, channel ranges and exclusions from its rules",
    "[rounds][workflow]") {
  RoundsFixture f;
  f.At("2018-04-20 10:00");
  auto society = f.Unit("中国化学会", "全国学会");
  auto member = PersonCells("党员甲", "19800101", 51, "汉族", "中共党员");
  member.emplace_back("技术职称", "研究员");
  auto office = member;
  office[0].second = "党员乙";
  office[1].second = tp::roundstest::IdNumber("110105", "19800101", 53);
  auto refused = f.workflow().Add("youxiu-dangyuan-2018", society.unit_rowid,
                                  Input(office, {"学会办事机构工作人员"}), society);
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  CHECK(refused.status().details().front().field == "被推荐人不包括学会办事机构工作人员");
  auto not_member = PersonCells("群众丙", "19800101", 55, "汉族", "群众");
  not_member.emplace_back("技术职称", "研究员");
  CHECK(f.workflow()
            .Add("youxiu-dangyuan-2018", society.unit_rowid, Input(not_member), society)
            .status()
            .code() == StatusCode::kRuleViolated);
  auto item = f.MustAdd("youxiu-dangyuan-2018", society, Input(member));
  REQUIRE(f.workflow().Submit("youxiu-dangyuan-2018", society.unit_rowid, {}, society).ok());
  Decision admit;
  admit.kind = Decision::Kind::kAdmit;
  auto honoured = f.workflow().Decide(item.item.id, admit, f.staff);
  REQUIRE(honoured.ok());
  REQUIRE(honoured->record.honours.size() == 1);
  CHECK(honoured->record.honours[0].title == "全国学会优秀党员科技工作者");
  CHECK(honoured->record.honours[0].year == 2018);
  CHECK(honoured->record.admissions.empty());
}

TEST_CASE("Workflow: units racing to add the same ID number leave exactly one recommendation",
          "[rounds][workflow]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  std::vector<tp::registry::Actor> units;
  for (int i = 0; i < 4; ++i) units.push_back(f.Unit("全国学会" + std::to_string(i), "全国学会"));
  const auto cells = PersonCells("欧阳明", "19800101", 61);
  std::atomic<int> added{0}, refused{0};
  std::vector<std::thread> threads;
  for (const auto& unit : units) {
    threads.emplace_back([&, unit] {
      auto result = f.workflow().Add(kNational, unit.unit_rowid, Input(cells), unit);
      if (result.ok()) {
        ++added;
      } else if (result.status().code() == StatusCode::kAlreadyExists) {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(added.load() == 1);
  CHECK(refused.load() == 3);
  CHECK(Count(f, "SELECT count(*) FROM recommendations") == 1);
  CHECK(Count(f, "SELECT count(*) FROM persons WHERE name='欧阳明'") == 1);
}

TEST_CASE(
    "Workflow: a unit recommending another unit's person keeps its own copy and reads nothing of "
    "the record",
    "[rounds][workflow][security]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto owner = f.Unit("中国化学会", "全国学会");
  auto other = f.Unit("中国化工学会", "全国学会");
  // The owner's five, the first with a phone; staff reject the first.
  std::vector<tp::roundstest::Cells> five = FiveForASociety();
  five[0].emplace_back("手机", "13800000002");
  std::vector<int64_t> ids;
  for (const auto& cells : five) ids.push_back(f.MustAdd(kNational, owner, Input(cells)).item.id);
  REQUIRE(f.workflow().Submit(kNational, owner.unit_rowid, {}, owner).ok());
  Decision reject;
  reject.kind = Decision::Kind::kReject;
  reject.reasons = "材料不全";
  REQUIRE(f.workflow().Decide(ids[0], reject, f.staff).ok());
  auto before = f.workflow().GetRecommendation(ids[0]);
  REQUIRE(before.ok());
  const std::string public_id = before->record.person.public_id;

  // The other unit sends the same ID number with a name, unit, phone and ethnic group of its own.
  const tp::roundstest::Cells theirs = {
      {"姓名", "林小文"},         {"身份证号", five[0][1].second}, {"民族", "回族"},
      {"政治面貌", "无党派人士"}, {"工作单位", "某化工研究院"},    {"手机", "13900000099"}};
  auto added = f.workflow().Add(kNational, other.unit_rowid, Input(theirs), other);
  INFO(added.status().ToString());
  REQUIRE(added.ok());
  CHECK_FALSE(added->person_created);

  // The stored record is as the owner left it.
  auto stored = f.store().GetPerson(public_id, /*decrypt=*/true);
  REQUIRE(stored.ok());
  CHECK(stored->person.name == "林晓雯");
  CHECK(stored->person.unit_name == "中国科学院化学研究所");
  CHECK(stored->person.phone == "13800000002");
  CHECK(stored->person.ethnic_group == "汉族");
  CHECK(stored->person.political_affiliation == "九三学社社员");

  // The other unit sees what it sent and nothing it did not: no 编号, no 职务.
  const tp::registry::PersonRecord& seen = added->item.submitted;
  CHECK(seen.person.name == "林小文");
  CHECK(seen.person.unit_name == "某化工研究院");
  CHECK(seen.person.ethnic_group == "回族");
  CHECK(seen.phone_mask == "139****0099");
  CHECK(seen.person.public_id.empty());
  CHECK(seen.person.post.empty());
  CHECK(seen.person.phone.empty());
  CHECK(seen.person.id_number.empty());
  CHECK(seen.admissions.empty());

  // Staff see the stored record and what differs, the phone masked.
  std::vector<std::string> columns;
  for (const auto& d : added->item.differences) {
    columns.push_back(d.column);
    if (d.column == "手机") CHECK(d.submitted == "139****0099");
  }
  for (const char* c : {"姓名", "民族", "政治面貌", "工作单位", "手机"}) {
    CHECK(std::find(columns.begin(), columns.end(), c) != columns.end());
  }
  CHECK(std::find(columns.begin(), columns.end(), "身份证号") == columns.end());
  CHECK(added->item.record.person.name == "林晓雯");

  // The audit entry says the record was kept and which fields differ.
  SQLite::Database db(f.dir() / "registry/registry.sqlite", SQLite::OPEN_READONLY);
  SQLite::Statement audit(db, "SELECT detail FROM audit_log WHERE action='create' AND object_id=?");
  audit.bind(1, std::to_string(added->item.id));
  REQUIRE(audit.executeStep());
  const std::string detail = audit.getColumn(0).getString();
  CHECK(detail.find("\"record\":\"kept\"") != std::string::npos);
  CHECK(detail.find("工作单位") != std::string::npos);
  CHECK(detail.find("13900000099") == std::string::npos);

  // An edit changes the unit's copy only.
  RecommendationInput fix;
  fix.cells = {{"工作单位", "另一化工研究院"}, {"职务", "总工程师"}};
  auto edited = f.workflow().Edit(added->item.id, fix, other);
  INFO(edited.status().ToString());
  REQUIRE(edited.ok());
  CHECK(edited->submitted.person.unit_name == "另一化工研究院");
  CHECK(edited->submitted.person.post == "总工程师");
  CHECK(edited->submitted.person.name == "林小文");
  stored = f.store().GetPerson(public_id, true);
  REQUIRE(stored.ok());
  CHECK(stored->person.unit_name == "中国科学院化学研究所");
  CHECK(stored->person.post == "研究员");

  // The unit's list shows its copy; staff are offered the pair to resolve.
  auto list = f.workflow().GetSubmission(kNational, other.unit_rowid);
  REQUIRE(list.ok());
  REQUIRE(list->items.size() == 1);
  CHECK(list->items[0].submitted.person.name == "林小文");
  auto pairs = f.workflow().PossibleDuplicates(kNational);
  REQUIRE(pairs.ok());
  bool offered = false;
  for (const auto& p : *pairs) {
    if (p.item.id == added->item.id && p.other.public_id == public_id) {
      offered = p.other.reason.find("不一致") != std::string::npos;
    }
  }
  CHECK(offered);
}

TEST_CASE("Workflow: a unit's own record takes its copy while nobody else has a stake in it",
          "[rounds][workflow]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto society = f.Unit("中国化学会", "全国学会");
  auto added = f.MustAdd(kNational, society, Input(PersonCells("林晓雯", "19950312", 2)));
  CHECK(added.person_created);
  RecommendationInput fix;
  fix.cells = {{"主要成就", "主持国家自然科学基金青年项目"}};
  auto edited = f.workflow().Edit(added.item.id, fix, society);
  REQUIRE(edited.ok());
  auto stored = f.store().GetPerson(added.item.record.person.public_id);
  REQUIRE(stored.ok());
  CHECK(stored->person.achievements == "主持国家自然科学基金青年项目");
  CHECK(edited->submitted.person.public_id == added.item.record.person.public_id);
  CHECK(edited->differences.empty());
}

TEST_CASE("Workflow: a sounding-alike name born the same day on another unit's list is flagged",
          "[rounds][workflow][duplicates]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto chemistry = f.Unit("中国化学会", "全国学会");
  auto materials = f.Unit("中国材料研究学会", "全国学会");
  auto first = f.MustAdd(kNational, chemistry, Input(PersonCells("曹明智", "19800606", 31)));
  // The other society's sheet has no ID number and another unit for him.
  RecommendationInput in;
  in.cells = {{"姓名", "曹明志"},           {"性别", "男"},
              {"出生日期", "1980.6.6"},     {"民族", "汉族"},
              {"政治面貌", "九三学社社员"}, {"工作单位", "北京理工大学材料学院"},
              {"推荐单位意见", "同意推荐"}};
  auto second = f.MustAdd(kNational, materials, in);
  auto pairs = f.workflow().PossibleDuplicates(kNational);
  REQUIRE(pairs.ok());
  bool flagged = false;
  for (const auto& p : *pairs) {
    if (p.item.id == second.item.id && p.other.public_id == first.item.record.person.public_id) {
      flagged = true;
      CHECK(p.other.reason.find("姓名同音") != std::string::npos);
    }
  }
  CHECK(flagged);
  // Another day is another person.
  auto other_day = f.MustAdd(kNational, materials, Input(PersonCells("曹明治", "19800607", 33)));
  auto again = f.workflow().PossibleDuplicates(kNational);
  REQUIRE(again.ok());
  for (const auto& p : *again) CHECK(p.item.id != other_day.item.id);
}

TEST_CASE(
    "Workflow: merging refuses to put an admitted person on a live list or one person on "
    "two lists of a round",
    "[rounds][workflow][duplicates]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto chemistry = f.Unit("中国化学会", "全国学会");
  auto physics = f.Unit("中国物理学会", "全国学会");

  SECTION("admitted in the round's year, and a draft of that round") {
    auto admitted = f.MustAdd(kNational, chemistry, Input(PersonCells("林晓雯", "19950312", 2)));
    f.MustAdd(kNational, chemistry, Input(PersonCells("陈思远", "19920705", 11)));
    REQUIRE(f.workflow().Submit(kNational, chemistry.unit_rowid, {}, chemistry).ok());
    Decision admit;
    admit.kind = Decision::Kind::kAdmit;
    REQUIRE(f.workflow().Decide(admitted.item.id, admit, f.staff).ok());
    RecommendationInput in;
    in.cells = {{"姓名", "林晓雯"},           {"性别", "女"},
                {"出生日期", "1995-03-12"},   {"民族", "汉族"},
                {"政治面貌", "九三学社社员"}, {"工作单位", "中国科学院物理研究所"},
                {"推荐单位意见", "同意推荐"}};
    auto draft = f.MustAdd(kNational, physics, in);
    const std::string keep = admitted.item.record.person.public_id;
    const std::string other = draft.item.record.person.public_id;
    for (auto [a, b] : {std::pair{keep, other}, std::pair{other, keep}}) {
      Status merged = f.workflow().Merge(a, b, f.staff);
      CHECK(merged.code() == StatusCode::kPreconditionFailed);
      CHECK(merged.message().find("2025年入库") != std::string::npos);
    }
    CHECK(Count(f, "SELECT count(*) FROM persons WHERE merged_into IS NOT NULL") == 0);
    CHECK(Count(f, "SELECT count(*) FROM audit_log WHERE action='merge'") == 0);
  }
  SECTION("on two units' lists of one round") {
    auto one = f.MustAdd(kNational, chemistry, Input(PersonCells("赵德明", "19721120", 15)));
    RecommendationInput in;
    in.cells = {{"姓名", "赵德明"},           {"性别", "男"},
                {"出生日期", "1972-11-20"},   {"民族", "汉族"},
                {"政治面貌", "九三学社社员"}, {"工作单位", "中国科学院物理研究所"},
                {"推荐单位意见", "同意推荐"}};
    auto two = f.MustAdd(kNational, physics, in);
    Status merged = f.workflow().Merge(one.item.record.person.public_id,
                                       two.item.record.person.public_id, f.staff);
    CHECK(merged.code() == StatusCode::kPreconditionFailed);
    CHECK(merged.message().find("两份推荐名单") != std::string::npos);
    CHECK(Count(f, "SELECT count(*) FROM persons WHERE merged_into IS NOT NULL") == 0);
    // Once one list lets him go, the records merge.
    REQUIRE(f.workflow().Remove(two.item.id, physics).ok());
    CHECK(f.workflow()
              .Merge(one.item.record.person.public_id, two.item.record.person.public_id, f.staff)
              .ok());
  }
}

TEST_CASE(
    "Workflow: admission checks 青年人才 against age and the year against the round, and "
    "audits year, tier and batch",
    "[rounds][workflow][admission]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto society = f.Unit("中国化学会", "全国学会");
  std::vector<int64_t> ids;
  for (const auto& cells : FiveForASociety())
    ids.push_back(f.MustAdd(kNational, society, Input(cells)).item.id);
  REQUIRE(f.workflow().Submit(kNational, society.unit_rowid, {}, society).ok());

  // 王建国, born 1970-01-01, is 55 on 2025-08-14: never 青年人才, singly or in bulk.
  Decision young;
  young.kind = Decision::Kind::kAdmit;
  young.tier = "青年人才";
  auto one = f.workflow().Decide(ids[2], young, f.staff);
  REQUIRE(one.status().code() == StatusCode::kInvalidArgument);
  CHECK(one.status().details().at(0).field == "tier");
  CHECK(one.status().message().find("55岁") != std::string::npos);
  auto bulk = f.workflow().BulkAdmit({ids[0], ids[2]}, young, f.staff);
  REQUIRE(bulk.status().code() == StatusCode::kPreconditionFailed);
  CHECK(bulk.status().details().at(0).field == std::to_string(ids[2]));
  CHECK(Count(f, "SELECT count(*) FROM admissions") == 0);

  // The year must be one of the round's years.
  Decision stray;
  stray.kind = Decision::Kind::kAdmit;
  stray.year = 2023;
  auto early = f.workflow().Decide(ids[0], stray, f.staff);
  REQUIRE(early.status().code() == StatusCode::kInvalidArgument);
  CHECK(early.status().details().at(0).field == "year");
  stray.year = 2052;
  CHECK(f.workflow().Decide(ids[0], stray, f.staff).status().code() ==
        StatusCode::kInvalidArgument);

  Decision admit;
  admit.kind = Decision::Kind::kAdmit;
  admit.year = 2025;
  admit.tier = "青年人才";
  admit.batch = "2025年第一批";
  REQUIRE(f.workflow().Decide(ids[0], admit, f.staff).ok());  // 林晓雯, 30
  SQLite::Database db(f.dir() / "registry/registry.sqlite", SQLite::OPEN_READONLY);
  const std::string detail =
      db.execAndGet("SELECT detail FROM audit_log WHERE action='transition' AND object_id='" +
                    std::to_string(ids[0]) + "' AND detail LIKE '%admitted%'")
          .getString();
  CHECK(detail.find("\"year\":2025") != std::string::npos);
  CHECK(detail.find("\"tier\":\"青年人才\"") != std::string::npos);
  CHECK(detail.find("\"batch\":\"2025年第一批\"") != std::string::npos);
}

TEST_CASE("Workflow: a national society submits one person in the June supplementary round",
          "[rounds][workflow][rules]") {
  RoundsFixture f;
  REQUIRE(f.rounds().CreateFromTemplate("pool-supplementary", 2025, f.staff).ok());
  f.At("2025-06-10 09:00");
  auto society = f.Unit("中国化学会", "全国学会");
  // Aged 50: the concentrated round's "≥ 2 aged ≤ 35" is no rule of a supplement of one.
  f.MustAdd("pool-2025-06", society, Input(PersonCells("王建国", "19750101", 13)));
  auto submitted = f.workflow().Submit("pool-2025-06", society.unit_rowid, {}, society);
  INFO(submitted.status().ToString());
  REQUIRE(submitted.ok());
  CHECK(submitted->state == "submitted");
  REQUIRE_FALSE(submitted->quota.minimums.empty());
  CHECK_FALSE(submitted->quota.minimums[0].applies);
  // The quota's max still holds in June.
  CHECK(submitted->quota.max == 5);
}
