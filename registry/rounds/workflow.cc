// Recommendation lists and their states (workflow.h).
#include "registry/rounds/workflow.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "registry/store/crypto.h"
#include "registry/base/person_fields.h"
#include "registry/fields/masking.h"
#include "registry/rounds/recommendation_copy.h"
#include "registry/store/db_handle.h"
#include "registry/fields/text.h"
#include "registry/fields/validate.h"

namespace tp::registry {
namespace {

using Json = nlohmann::json;

std::string StateLabel(std::string_view state) {
  if (state == "draft") return "草稿";
  if (state == "submitted") return "已报送";
  if (state == "under_review") return "审核中";
  if (state == "admitted") return "已入库";
  if (state == "returned") return "已退回";
  if (state == "rejected") return "未通过";
  if (state == "closed") return "已办结";
  return std::string(state);
}

// Whether a unit's cells may be written into the stored record `person_rowid`:
// the unit is its recommending unit, and nobody else has a stake in it yet
// (it is not admitted or honoured, and no other unit has it on a list).
bool UnitMayWrite(SQLite::Database& w, int64_t person_rowid, int64_t unit_rowid) {
  SQLite::Statement st(w,
                       "SELECT p.unit_id IS NOT NULL AND p.unit_id=? "
                       "AND NOT EXISTS (SELECT 1 FROM admissions a WHERE a.person_id=p.id) "
                       "AND NOT EXISTS (SELECT 1 FROM honours h WHERE h.person_id=p.id) "
                       "AND NOT EXISTS (SELECT 1 FROM recommendations m JOIN submissions s ON s.id=m.submission_id "
                       "                WHERE m.person_id=p.id AND s.unit_id<>?) "
                       "FROM persons p WHERE p.id=?");
  st.bind(1, unit_rowid);
  st.bind(2, unit_rowid);
  st.bind(3, person_rowid);
  return st.executeStep() && st.getColumn(0).getInt() != 0;
}

bool Editable(std::string_view submission_state) {
  return submission_state == "draft" || submission_state == "returned";
}

std::string Label(const Person& p) {
  return p.name + (p.public_id.empty() ? std::string() : "（" + p.public_id + "）");
}

std::vector<std::string> ParseList(const std::string& json_text) {
  std::vector<std::string> out;
  Json j = Json::parse(json_text.empty() ? "[]" : json_text, nullptr, false);
  if (j.is_array()) {
    for (const Json& v : j)
      if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

UnitRecord ReadUnitRow(SQLite::Database& db, int64_t rowid, bool* found) {
  SQLite::Statement st(db, "SELECT id,code,name,type,province,parent_id FROM units WHERE id=?");
  st.bind(1, rowid);
  *found = st.executeStep();
  return *found ? ReadUnit(st) : UnitRecord{};
}

struct SubmissionRow {
  int64_t id = 0;
  std::string state = "draft";
  std::string submitted_at;
};

std::optional<SubmissionRow> FindSubmission(SQLite::Database& db, int64_t round_rowid, int64_t unit_rowid) {
  SQLite::Statement st(db, "SELECT id, state, coalesce(submitted_at,'') FROM submissions WHERE round_id=? AND unit_id=?");
  st.bind(1, round_rowid);
  st.bind(2, unit_rowid);
  if (!st.executeStep()) return std::nullopt;
  return SubmissionRow{st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString()};
}

SubmissionRow EnsureSubmission(SQLite::Database& w, int64_t round_rowid, int64_t unit_rowid) {
  SQLite::Statement st(w, "INSERT INTO submissions(round_id, unit_id) VALUES(?,?) ON CONFLICT(round_id, unit_id) DO NOTHING");
  st.bind(1, round_rowid);
  st.bind(2, unit_rowid);
  st.exec();
  return *FindSubmission(w, round_rowid, unit_rowid);
}

constexpr const char* kItemSelect =
    "SELECT m.id, m.person_id, m.state, coalesce(m.opinion,''), m.declared, coalesce(m.group_name,''), "
    "coalesce(m.reasons,''), coalesce(m.decided_by,''), coalesce(m.decided_at,''), m.version, "
    "r.code, u.code, m.submission_id, m.submitted_enc, s.unit_id "
    "FROM recommendations m JOIN submissions s ON s.id=m.submission_id "
    "JOIN rounds r ON r.id=s.round_id JOIN units u ON u.id=s.unit_id ";

struct ItemRow {
  RecommendationView view;
  int64_t person_rowid = 0;
  int64_t submission_id = 0;
  int64_t unit_rowid = 0;  // the recommending unit
  std::string sealed_copy;  // empty for recommendations older than the copies
};

ItemRow ReadItem(SQLite::Statement& st) {
  ItemRow row;
  row.view.id = st.getColumn(0).getInt64();
  row.person_rowid = st.getColumn(1).getInt64();
  row.view.state = st.getColumn(2).getString();
  row.view.opinion = st.getColumn(3).getString();
  row.view.declared = ParseList(st.getColumn(4).getString());
  row.view.group = st.getColumn(5).getString();
  row.view.reasons = st.getColumn(6).getString();
  row.view.decided_by = st.getColumn(7).getString();
  row.view.decided_at = st.getColumn(8).getString();
  row.view.version = st.getColumn(9).getInt64();
  row.view.round = st.getColumn(10).getString();
  row.view.unit_code = st.getColumn(11).getString();
  row.submission_id = st.getColumn(12).getInt64();
  SQLite::Column copy = st.getColumn(13);
  if (!copy.isNull()) row.sealed_copy.assign(static_cast<const char*>(copy.getBlob()), copy.getBytes());
  row.unit_rowid = st.getColumn(14).getInt64();
  return row;
}

std::vector<ItemRow> ReadItems(SQLite::Database& db, int64_t submission_id) {
  SQLite::Statement st(db, std::string(kItemSelect) + "WHERE m.submission_id=? ORDER BY m.id");
  st.bind(1, submission_id);
  std::vector<ItemRow> out;
  while (st.executeStep()) out.push_back(ReadItem(st));
  return out;
}

std::optional<ItemRow> ReadItemById(SQLite::Database& db, int64_t id) {
  SQLite::Statement st(db, std::string(kItemSelect) + "WHERE m.id=?");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  return ReadItem(st);
}

// The recommendation `id` in the writing transaction, when it may still change:
// a draft or returned item of a list that is not locked. `doing` names the
// refused change ("修改", "移出名单").
StatusOr<ItemRow> ChangeableItem(SQLite::Database& w, int64_t id, std::string_view doing) {
  auto row = ReadItemById(w, id);
  if (!row) return NotFound("没有编号为 " + std::to_string(id) + " 的推荐记录");
  SQLite::Statement state(w, "SELECT state FROM submissions WHERE id=?");
  state.bind(1, row->submission_id);
  state.executeStep();
  if (!Editable(state.getColumn(0).getString()) || (row->view.state != "draft" && row->view.state != "returned")) {
    return PreconditionFailed("此推荐记录" + StateLabel(row->view.state) + "，不能" + std::string(doing));
  }
  return std::move(*row);
}

// The rules judge what the unit submitted.
Nominee ToNominee(const RecommendationView& item) {
  Nominee c;
  c.person = item.submitted.person;
  c.person.opinion = item.opinion;
  c.label = Label(c.person);
  for (const HonourRecord& h : item.submitted.honours) c.honours.push_back(h.title);
  c.declared = item.declared;
  c.group = item.group;
  return c;
}

// The audit detail of a change of state.
std::string TransitionDetail(const std::string& round, const std::string& from, const std::string& to,
                             const std::string& reasons = "") {
  Json j = {{"round", round}, {"from", from}, {"to", to}};
  if (!reasons.empty()) j["reasons"] = reasons;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The columns a merge copies into the kept record where it has nothing: the person fields the
// table marks so (base/person_fields.h), and the recommending unit.
std::vector<std::string> MergeFillColumns() {
  std::vector<std::string> columns;
  for (const PersonField& f : PersonFields()) {
    if (f.Has(kMergeFill)) columns.emplace_back(f.column);
  }
  columns.emplace_back("unit_id");
  return columns;
}

}  // namespace

struct Workflow::Impl {
  Impl(Rounds& r, std::unique_ptr<DuplicateFinder> f) : rounds(r), finder(std::move(f)) {}

  Store& store() { return rounds.store(); }
  DbHandle& db() { return rounds.store().Db(); }

  StatusOr<UnitRecord> Unit(int64_t rowid) {
    try {
      auto lease = db().Read();
      bool found = false;
      UnitRecord u = ReadUnitRow(*lease, rowid, &found);
      if (!found) return NotFound("没有这个推荐单位");
      return u;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取单位");
    }
  }

  // A unit acts for itself only; staff for anyone.
  static Status CanActFor(const Actor& actor, const UnitRecord& unit) {
    if (actor.IsStaff() || (actor.role == "unit" && actor.unit_rowid == unit.rowid)) return Status::Ok();
    return PermissionDenied("只能操作本单位的推荐名单");
  }

  // Fills the stored record, the unit's view and the differences of each of
  // `rows`, masked. The ID numbers and phones are decrypted only to compare.
  Status Fill(std::vector<ItemRow>* rows) {
    std::vector<int64_t> ids;
    for (const ItemRow& r : *rows) ids.push_back(r.person_rowid);
    auto persons = store().LoadPersons(ids, /*decrypt=*/true);
    if (!persons.ok()) return persons.status();
    for (size_t i = 0; i < rows->size(); ++i) {
      ItemRow& row = (*rows)[i];
      PersonRecord& stored = (*persons)[i];
      auto copy = OpenCells(store().Keys(), row.sealed_copy, row.view.id);
      if (!copy.ok()) return copy.status();
      row.view.differences = Differences(stored.person, *copy, rounds.reference());
      row.view.submitted = UnitView(stored, row, *copy);
      stored.person.id_number.clear();
      stored.person.phone.clear();
      row.view.record = std::move(stored);
    }
    return Status::Ok();
  }

  // What the recommending unit sees: the stored record when it is the unit's
  // own, else nothing of it (but, for a recommendation older than the copies,
  // the name), with the unit's copy on top.
  PersonRecord UnitView(const PersonRecord& stored, const ItemRow& row, const Cells& copy) const {
    PersonRecord view;
    if (stored.unit && stored.unit->rowid == row.unit_rowid) {
      view = stored;
    } else {
      view.rowid = stored.rowid;
      view.deleted = stored.deleted;
      view.version = stored.version;
      if (row.sealed_copy.empty()) view.person.name = stored.person.name;
    }
    // The cells were checked when the unit sent them.
    if (!copy.empty()) (void)BuildPerson(WithName(copy, view.person.name), rounds.reference(), &view.person);
    if (!view.person.id_number.empty()) view.id_number_mask = MaskIdNumber(view.person.id_number);
    if (!view.person.phone.empty()) view.phone_mask = MaskPhone(view.person.phone);
    view.person.id_number.clear();
    view.person.phone.clear();
    return view;
  }

  // At admission, the unit's copy becomes the stored record when that record
  // is the unit's own; another's record keeps its values for staff to resolve.
  Status ApplyOwnCopy(WriteBatch& batch, const ItemRow& row, const PersonRecord& stored) {
    if (row.sealed_copy.empty() || !stored.unit || stored.unit->rowid != row.unit_rowid) return Status::Ok();
    auto copy = OpenCells(store().Keys(), row.sealed_copy, row.view.id);
    if (!copy.ok()) return copy.status();
    if (copy->empty()) return Status::Ok();
    Person values;
    std::vector<FieldError> errors = BuildPerson(WithName(*copy, stored.person.name), rounds.reference(), &values);
    if (!errors.empty()) return InvalidArgument("字段「" + errors.front().field + "」：" + errors.front().message, errors);
    values.public_id = stored.person.public_id;
    values.opinion.clear();
    auto outcome = batch.UpsertPerson(&values);
    return outcome.ok() ? Status::Ok() : outcome.status();
  }

  StatusOr<SubmissionView> View(const Round& round, const UnitRecord& unit);
  StatusOr<std::string> Reseal(const std::string& sealed, std::string_view column, int64_t from, int64_t to);
  Status CheckNotEnrolled(SQLite::Database& w, const Round& round, int64_t person_rowid, int64_t submission_id);
  void RecomputeState(SQLite::Database& w, int64_t submission_id);
  StatusOr<RecommendationView> DecideIn(SQLite::Database& w, WriteBatch& batch, int64_t id, const Decision& decision,
                                        const Actor& actor);

  Rounds& rounds;
  std::unique_ptr<DuplicateFinder> finder;
};

Workflow::Workflow(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Workflow::~Workflow() = default;

Rounds& Workflow::rounds() { return impl_->rounds; }
DuplicateFinder& Workflow::duplicates() { return *impl_->finder; }

StatusOr<std::unique_ptr<Workflow>> Workflow::Create(Rounds& rounds, const std::string& data_dir) {
  auto finder = DuplicateFinder::Create(rounds.store(), data_dir);
  if (!finder.ok()) return finder.status();
  return std::make_unique<Workflow>(std::make_unique<Impl>(rounds, std::move(*finder)));
}

StatusOr<SubmissionView> Workflow::Impl::View(const Round& round, const UnitRecord& unit) {
  SubmissionView view;
  view.round = round;
  view.unit = unit;
  std::vector<ItemRow> rows;
  try {
    auto lease = db().Read();
    if (auto sub = FindSubmission(*lease, round.rowid, unit.rowid)) {
      view.state = sub->state;
      view.submitted_at = sub->submitted_at;
      rows = ReadItems(*lease, sub->id);
    }
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取推荐名单");
  }
  TP_RETURN_IF_ERROR(Fill(&rows));
  auto window = rounds.WindowFor(round, unit.rowid);
  if (!window.ok()) return window.status();
  view.window = *window;
  auto rules = rounds.GetRuleSet(round.rule_set);
  if (!rules.ok()) return rules.status();
  std::vector<Nominee> active;
  for (const ItemRow& r : rows)
    if (r.view.state != "rejected") active.push_back(ToNominee(r.view));
  view.quota = rules->Evaluate(unit.type, active, round.reference_date);
  for (ItemRow& r : rows) {
    const std::string label = Label(r.view.submitted.person);
    for (const ExemptPerson& e : view.quota.exempt)
      if (e.label == label) r.view.exempt_reason = e.reason;
    view.items.push_back(std::move(r.view));
  }
  return view;
}

StatusOr<SubmissionView> Workflow::GetSubmission(std::string_view round_code, int64_t unit_rowid) {
  auto round = impl_->rounds.GetRound(round_code);
  if (!round.ok()) return round.status();
  auto unit = impl_->Unit(unit_rowid);
  if (!unit.ok()) return unit.status();
  return impl_->View(*round, *unit);
}

StatusOr<std::vector<SubmissionView>> Workflow::ListSubmissions(std::string_view round_code,
                                                                std::string_view province) {
  auto round = impl_->rounds.GetRound(round_code);
  if (!round.ok()) return round.status();
  std::vector<UnitRecord> units;
  try {
    auto lease = impl_->db().Read();
    SQLite::Statement st(*lease,
                         "SELECT u.id,u.code,u.name,u.type,u.province,u.parent_id FROM submissions s "
                         "JOIN units u ON u.id=s.unit_id WHERE s.round_id=? AND (?='' OR u.province=?) ORDER BY u.code");
    st.bind(1, round->rowid);
    st.bind(2, std::string(province));
    st.bind(3, std::string(province));
    while (st.executeStep()) units.push_back(ReadUnit(st));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取推荐名单");
  }
  std::vector<SubmissionView> out;
  for (const UnitRecord& u : units) {
    auto view = impl_->View(*round, u);
    if (!view.ok()) return view.status();
    out.push_back(std::move(*view));
  }
  return out;
}

StatusOr<RecommendationView> Workflow::GetRecommendation(int64_t id) {
  std::vector<ItemRow> rows;
  try {
    auto lease = impl_->db().Read();
    auto row = ReadItemById(*lease, id);
    if (!row) return NotFound("没有编号为 " + std::to_string(id) + " 的推荐记录");
    rows.push_back(std::move(*row));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取推荐记录");
  }
  TP_RETURN_IF_ERROR(impl_->Fill(&rows));
  return std::move(rows.front().view);
}

// Already admitted, already honoured in this campaign, or already on a list
// of an open round of the campaign: AlreadyExists, saying when and in which
// round but never by whom.
Status Workflow::Impl::CheckNotEnrolled(SQLite::Database& w, const Round& round, int64_t person_rowid,
                                        int64_t submission_id) {
  auto refuse = [](const std::string& message) { return AlreadyExists(message, {{"身份证号", message, 0}}); };
  if (round.campaign.kind == "pool") {
    SQLite::Statement st(w,
                         "SELECT a.year, coalesce(r.title,'') FROM admissions a LEFT JOIN rounds r ON r.id=a.round_id "
                         "WHERE a.person_id=? ORDER BY a.year LIMIT 1");
    st.bind(1, person_rowid);
    if (st.executeStep()) {
      const std::string title = st.getColumn(1).getString();
      return refuse("该人员已于" + std::to_string(st.getColumn(0).getInt()) + "年入库" +
                    (title.empty() ? std::string() : "（" + title + "）") + "，无需重复推荐");
    }
  } else {
    SQLite::Statement st(w, "SELECT year FROM honours WHERE person_id=? AND campaign_id=?");
    st.bind(1, person_rowid);
    st.bind(2, round.campaign.rowid);
    if (st.executeStep()) {
      return refuse("该人员已于" + std::to_string(st.getColumn(0).getInt()) + "年获评" + round.campaign.honour_title +
                    "，无需重复推荐");
    }
  }
  // Drafts of rounds that have closed are dead; anything submitted is live
  // until decided.
  SQLite::Statement st(w,
                       "SELECT m.submission_id, r.title FROM recommendations m "
                       "JOIN submissions s ON s.id=m.submission_id JOIN rounds r ON r.id=s.round_id "
                       "WHERE m.person_id=? AND r.campaign_id=? AND m.state IN ('draft','submitted','under_review','returned') "
                       "AND (m.state<>'draft' OR max(r.deadline_at, coalesce(s.deadline_override,'')) > ?) "
                       "ORDER BY m.submission_id=? DESC LIMIT 1");
  st.bind(1, person_rowid);
  st.bind(2, round.campaign.rowid);
  st.bind(3, UtcIso(rounds.Now()));
  st.bind(4, submission_id);
  if (st.executeStep()) {
    if (st.getColumn(0).getInt64() == submission_id) {
      const std::string m = "该人员已在本单位的推荐名单中";
      return AlreadyExists(m, {{"姓名", m, 0}});
    }
    return refuse("该人员已在「" + st.getColumn(1).getString() + "」中被推荐，无需重复推荐");
  }
  return Status::Ok();
}

StatusOr<AddResult> Workflow::Add(std::string_view round_code, int64_t unit_rowid, const RecommendationInput& input,
                                  const Actor& actor) {
  auto round = impl_->rounds.GetRound(round_code);
  if (!round.ok()) return round.status();
  auto unit = impl_->Unit(unit_rowid);
  if (!unit.ok()) return unit.status();
  TP_RETURN_IF_ERROR(Impl::CanActFor(actor, *unit));
  auto rules = impl_->rounds.GetRuleSet(round->rule_set);
  if (!rules.ok()) return rules.status();
  if (!rules->AcceptsUnitType(unit->type)) {
    const std::string m = "「" + round->title + "」不接受「" + unit->type + "」类单位推荐";
    return RuleViolated(m, {{"推荐单位类型", m, 0}});
  }
  auto window = impl_->rounds.WindowFor(*round, unit_rowid);
  if (!window.ok()) return window.status();
  if (impl_->rounds.Now() >= window->deadline_at) return impl_->rounds.CheckWindow(*round, unit_rowid);

  const ReferenceData& reference = impl_->rounds.reference();
  Person person;
  int64_t existing_rowid = 0;
  std::vector<std::string> honours;
  if (!input.person_id.empty()) {
    auto record = impl_->store().GetPerson(input.person_id, /*decrypt=*/true);
    if (!record.ok() || record->deleted) return NotFound("没有编号为 " + input.person_id + " 的人员");
    // A unit names only its own people (it is their recommending unit); others do not exist for it.
    if (!actor.IsStaff() && !(record->unit && record->unit->rowid == unit_rowid)) {
      return NotFound("没有编号为 " + input.person_id + " 的人员");
    }
    person = record->person;
    existing_rowid = record->rowid;
    for (const HonourRecord& h : record->honours) honours.push_back(h.title);
  }
  const Cells copy = MergeCells({}, PersonCellsOnly(input.cells));
  if (!input.cells.empty()) {
    std::vector<FieldError> errors = BuildPerson(WithName(copy, person.name), reference, &person);
    if (!errors.empty()) {
      return InvalidArgument("字段「" + errors.front().field + "」：" + errors.front().message, errors);
    }
  }
  if (person.name.empty()) return InvalidArgument("字段「姓名」：不能为空", {{"姓名", "不能为空", 0}});
  if (input.opinion) person.opinion = NormalizeText(*input.opinion);

  DuplicateProbe probe{person.id_number, person.name, person.birth_date, person.unit_name, existing_rowid};
  auto dups = impl_->finder->Find(probe);
  if (!dups.ok()) return dups.status();
  if (dups->hard && existing_rowid != 0 && dups->hard->rowid != existing_rowid) {
    // Never say whose number it is.
    const std::string m = "该身份证号已属于库中另一条人员记录，请联系工作人员核实";
    return AlreadyExists(m, {{"身份证号", m, 0}});
  }
  if (dups->hard && existing_rowid == 0) {
    existing_rowid = dups->hard->rowid;
    auto stored = impl_->store().LoadPersons({existing_rowid}, false);
    if (!stored.ok()) return stored.status();
    // The rules know the record's honours; the unit is told neither its number nor its fields.
    for (const HonourRecord& h : stored->front().honours) honours.push_back(h.title);
  }

  Nominee candidate{Label(person), person, honours, input.declared, input.group};
  std::vector<FieldError> problems = rules->CheckPerson(candidate, unit->type, round->reference_date);
  if (rules->opinion_max_chars() > 0 &&
      CountCharacters(person.opinion) > static_cast<size_t>(rules->opinion_max_chars())) {
    problems.push_back({"推荐单位意见", "「" + candidate.label + "」：推荐单位意见不能超过" +
                                          std::to_string(rules->opinion_max_chars()) + "字（现为" +
                                          std::to_string(CountCharacters(person.opinion)) + "字）",
                        0});
  }
  if (!problems.empty()) {
    return RuleViolated("不符合「" + problems.front().field + "」：" + problems.front().message, problems);
  }

  AddResult result;
  int64_t rec_id = 0;
  {
    auto batch = impl_->store().BeginWrite();
    if (!batch.ok()) return batch.status();
    try {
      SQLite::Database& w = (*batch)->Connection();
      SubmissionRow sub = EnsureSubmission(w, round->rowid, unit_rowid);
      if (!Editable(sub.state)) {
        return PreconditionFailed("本单位的名单" + StateLabel(sub.state) + "，已锁定；如需修改请联系工作人员退回");
      }
      if (existing_rowid == 0 && !person.id_number.empty()) {
        // Another unit may have stored the number since it was looked up; under the
        // writer's lock, what the readers see now is final.
        auto owner = impl_->store().FindByIdNumber(person.id_number);
        if (!owner.ok()) return owner.status();
        if (*owner) existing_rowid = **owner;
      }
      int64_t person_rowid = existing_rowid;
      std::string public_id = person.public_id;
      std::string record_outcome = "kept";
      std::vector<FieldDifference> differences;
      if (existing_rowid == 0 || UnitMayWrite(w, existing_rowid, unit_rowid)) {
        Person to_store = person;
        to_store.admission_year = 0;  // 入库 happens by decision only
        to_store.tier.clear();
        if (existing_rowid != 0) {
          to_store.recommending_unit.clear();  // the person keeps the unit that first recommended them
        } else {
          to_store.recommending_unit = unit->name;
          to_store.recommending_unit_type = unit->type;
          if (to_store.province.empty()) to_store.province = unit->province;
        }
        auto outcome = (*batch)->UpsertPerson(&to_store);
        if (!outcome.ok()) return outcome.status();
        result.person_created = *outcome == UpsertOutcome::kInserted;
        record_outcome = result.person_created ? "created" : "updated";
        person_rowid = to_store.rowid;
        public_id = to_store.public_id;
      } else {
        // Another unit's record, or one staff hold: the unit's cells stay its own copy.
        auto stored = impl_->store().LoadPersons({existing_rowid}, /*decrypt=*/true);
        if (!stored.ok()) return stored.status();
        differences = Differences(stored->front().person, copy, reference);
        public_id = stored->front().person.public_id;
      }
      TP_RETURN_IF_ERROR(impl_->CheckNotEnrolled(w, *round, person_rowid, sub.id));
      SQLite::Statement insert(w,
                               "INSERT INTO recommendations(submission_id, person_id, opinion, declared, group_name) "
                               "VALUES(?,?,?,?,?)");
      insert.bind(1, sub.id);
      insert.bind(2, person_rowid);
      BindText(insert, 3, person.opinion);
      insert.bind(4, Json(input.declared).dump());
      BindText(insert, 5, input.group);
      insert.exec();
      rec_id = w.getLastInsertRowid();
      SQLite::Statement seal(w, "UPDATE recommendations SET submitted_enc=? WHERE id=?");
      BindBlob(seal, 1, SealCells(impl_->store().Keys(), copy, rec_id));
      seal.bind(2, rec_id);
      seal.exec();
      Json detail = {{"round", round->code}, {"unit", unit->code}, {"person", public_id}, {"record", record_outcome}};
      if (!differences.empty()) detail["differences"] = DifferenceList(differences);
      TP_RETURN_IF_ERROR((*batch)->Audit(actor.Entry("create", "recommendation", std::to_string(rec_id),
                                                     detail.dump(-1, ' ', false, Json::error_handler_t::replace))));
      TP_RETURN_IF_ERROR((*batch)->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "加入推荐名单");
    }
  }
  auto item = GetRecommendation(rec_id);
  if (!item.ok()) return item.status();
  result.item = std::move(*item);
  for (const DuplicateCandidate& d : dups->possible)
    if (d.rowid != result.item.record.rowid) result.possible.push_back(d);
  auto view = impl_->View(*round, *unit);
  if (!view.ok()) return view.status();
  result.quota = view->quota;
  for (const RecommendationView& v : view->items)
    if (v.id == rec_id) result.item.exempt_reason = v.exempt_reason;
  return result;
}

StatusOr<RecommendationView> Workflow::Edit(int64_t id, const RecommendationInput& input, const Actor& actor) {
  auto current = GetRecommendation(id);
  if (!current.ok()) return current.status();
  auto round = impl_->rounds.GetRound(current->round);
  if (!round.ok()) return round.status();
  auto unit = impl_->store().GetUnit(current->unit_code);
  if (!unit.ok()) return unit.status();
  TP_RETURN_IF_ERROR(Impl::CanActFor(actor, *unit));
  auto rules = impl_->rounds.GetRuleSet(round->rule_set);
  if (!rules.ok()) return rules.status();

  // The unit edits its own view of the person.
  Person person = current->submitted.person;
  const Cells cells = PersonCellsOnly(input.cells);
  if (!input.cells.empty()) {
    std::vector<FieldError> errors = BuildPerson(WithName(cells, person.name), impl_->rounds.reference(), &person);
    if (!errors.empty()) {
      return InvalidArgument("字段「" + errors.front().field + "」：" + errors.front().message, errors);
    }
    if (!person.id_number.empty()) {
      auto owner = impl_->store().FindByIdNumber(person.id_number);
      if (!owner.ok()) return owner.status();
      if (*owner && **owner != current->record.rowid) {
        const std::string m = "该身份证号已属于库中另一条人员记录，请联系工作人员核实";
        return AlreadyExists(m, {{"身份证号", m, 0}});
      }
    }
  }
  Nominee candidate = ToNominee(*current);
  candidate.person = person;
  // The record never stores 推荐单位意见; a cell of the input may carry it.
  candidate.person.opinion = input.opinion         ? NormalizeText(*input.opinion)
                             : !person.opinion.empty() ? person.opinion
                                                       : current->opinion;
  if (!input.declared.empty()) candidate.declared = input.declared;
  if (!input.group.empty()) candidate.group = input.group;
  std::vector<FieldError> problems = rules->CheckPerson(candidate, unit->type, round->reference_date);
  if (!problems.empty()) {
    return RuleViolated("不符合「" + problems.front().field + "」：" + problems.front().message, problems);
  }
  auto batch = impl_->store().BeginWrite();
  if (!batch.ok()) return batch.status();
  try {
    SQLite::Database& w = (*batch)->Connection();
    auto row = ChangeableItem(w, id, "修改");
    if (!row.ok()) return row.status();
    auto copy = OpenCells(impl_->store().Keys(), row->sealed_copy, id);
    if (!copy.ok()) return copy.status();
    if (copy->empty() && !current->submitted.person.name.empty()) {
      copy->emplace_back("姓名", current->submitted.person.name);  // a recommendation older than the copies
    }
    Json detail = {{"round", round->code}};
    if (!input.cells.empty()) {
      if (UnitMayWrite(w, row->person_rowid, row->unit_rowid)) {
        person.public_id = current->record.person.public_id;
        person.recommending_unit.clear();
        person.admission_year = 0;
        person.tier.clear();
        auto outcome = (*batch)->UpsertPerson(&person);
        if (!outcome.ok()) return outcome.status();
        detail["record"] = "updated";
      } else {
        detail["record"] = "kept";
      }
      Json columns = Json::array();
      for (const auto& cell : cells) columns.push_back(cell.first);
      detail["fields"] = std::move(columns);
    }
    SQLite::Statement update(w,
                             "UPDATE recommendations SET opinion=?, declared=?, group_name=?, submitted_enc=?, "
                             "version=version+1 WHERE id=?");
    BindText(update, 1, candidate.person.opinion);
    update.bind(2, Json(candidate.declared).dump());
    BindText(update, 3, candidate.group);
    BindBlob(update, 4, SealCells(impl_->store().Keys(), MergeCells(std::move(*copy), cells), id));
    update.bind(5, id);
    update.exec();
    TP_RETURN_IF_ERROR((*batch)->Audit(actor.Entry("update", "recommendation", std::to_string(id),
                                                   detail.dump(-1, ' ', false, Json::error_handler_t::replace))));
    TP_RETURN_IF_ERROR((*batch)->Commit());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "修改推荐记录");
  }
  return GetRecommendation(id);
}

Status Workflow::Remove(int64_t id, const Actor& actor) {
  auto current = GetRecommendation(id);
  if (!current.ok()) return current.status();
  auto unit = impl_->store().GetUnit(current->unit_code);
  if (!unit.ok()) return unit.status();
  TP_RETURN_IF_ERROR(Impl::CanActFor(actor, *unit));
  auto batch = impl_->store().BeginWrite();
  if (!batch.ok()) return batch.status();
  try {
    SQLite::Database& w = (*batch)->Connection();
    auto row = ChangeableItem(w, id, "移出名单");
    if (!row.ok()) return row.status();
    SQLite::Statement del(w, "DELETE FROM recommendations WHERE id=?");
    del.bind(1, id);
    del.exec();
    TP_RETURN_IF_ERROR((*batch)->Audit(actor.Entry(
        "delete", "recommendation", std::to_string(id),
        Json{{"round", row->view.round}, {"person", current->record.person.public_id}}.dump())));
    return (*batch)->Commit();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "移出推荐名单");
  }
}

StatusOr<SubmissionView> Workflow::Submit(std::string_view round_code, int64_t unit_rowid,
                                          const std::map<int64_t, std::string>& opinions, const Actor& actor) {
  auto round = impl_->rounds.GetRound(round_code);
  if (!round.ok()) return round.status();
  auto unit = impl_->Unit(unit_rowid);
  if (!unit.ok()) return unit.status();
  TP_RETURN_IF_ERROR(Impl::CanActFor(actor, *unit));
  auto rules = impl_->rounds.GetRuleSet(round->rule_set);
  if (!rules.ok()) return rules.status();
  TP_RETURN_IF_ERROR(impl_->rounds.CheckWindow(*round, unit_rowid));
  {
    auto batch = impl_->store().BeginWrite();
    if (!batch.ok()) return batch.status();
    try {
      SQLite::Database& w = (*batch)->Connection();
      auto sub = FindSubmission(w, round->rowid, unit_rowid);
      if (!sub) return PreconditionFailed("本单位在「" + round->title + "」中还没有推荐名单");
      if (!Editable(sub->state)) {
        return PreconditionFailed("本单位的名单" + StateLabel(sub->state) + "，不能重复报送");
      }
      SQLite::Statement set_opinion(w, "UPDATE recommendations SET opinion=? WHERE id=? AND submission_id=?");
      for (const auto& [rec, text] : opinions) {
        set_opinion.reset();
        BindText(set_opinion, 1, NormalizeText(text));
        set_opinion.bind(2, rec);
        set_opinion.bind(3, sub->id);
        if (set_opinion.exec() == 0) return NotFound("本单位名单中没有编号为 " + std::to_string(rec) + " 的推荐记录");
      }
      std::vector<ItemRow> rows = ReadItems(w, sub->id);
      TP_RETURN_IF_ERROR(impl_->Fill(&rows));
      std::vector<Nominee> active;
      std::vector<FieldError> violations;
      int to_submit = 0;
      for (const ItemRow& r : rows) {
        if (r.view.state == "rejected") continue;
        active.push_back(ToNominee(r.view));
        if (r.view.state != "draft" && r.view.state != "returned") continue;
        ++to_submit;
        const std::string who = "「" + Label(r.view.record.person) + "」";
        const size_t length = CountCharacters(r.view.opinion);
        if (rules->opinion_required() && length == 0) {
          violations.push_back({"推荐单位意见", who + "：未填写推荐单位意见", 0});
        } else if (rules->opinion_max_chars() > 0 && length > static_cast<size_t>(rules->opinion_max_chars())) {
          violations.push_back({"推荐单位意见", who + "：推荐单位意见不能超过" +
                                                std::to_string(rules->opinion_max_chars()) + "字（现为" +
                                                std::to_string(length) + "字）",
                                0});
        }
      }
      if (to_submit == 0) return PreconditionFailed("名单中没有待报送的人员");
      QuotaState quota = rules->Evaluate(unit->type, active, round->reference_date);
      violations.insert(violations.begin(), quota.violations.begin(), quota.violations.end());
      if (!violations.empty()) {
        return RuleViolated("名单不符合「" + violations.front().field + "」：" + violations.front().message,
                            violations);
      }
      SQLite::Statement move(w,
                             "UPDATE recommendations SET state='submitted', version=version+1 WHERE id=?");
      for (const ItemRow& r : rows) {
        if (r.view.state != "draft" && r.view.state != "returned") continue;
        move.reset();
        move.bind(1, r.view.id);
        move.exec();
        TP_RETURN_IF_ERROR((*batch)->Audit(actor.Entry("transition", "recommendation", std::to_string(r.view.id),
                                                       TransitionDetail(round->code, r.view.state, "submitted"))));
      }
      SQLite::Statement done(w, "UPDATE submissions SET submitted_at=?, version=version+1 WHERE id=?");
      done.bind(1, UtcIso(impl_->rounds.Now()));
      done.bind(2, sub->id);
      done.exec();
      // Items decided before a return keep their state; the list follows them.
      impl_->RecomputeState(w, sub->id);
      TP_RETURN_IF_ERROR((*batch)->Audit(actor.Entry(
          "submit", "submission", round->code + "/" + unit->code,
          Json{{"from", sub->state}, {"to", "submitted"}, {"count", to_submit}}.dump())));
      TP_RETURN_IF_ERROR((*batch)->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "报送推荐名单");
    }
  }
  return impl_->View(*round, *unit);
}

// The list's state follows its items: any returned → returned; all decided →
// closed; anything decided or in review → under_review.
void Workflow::Impl::RecomputeState(SQLite::Database& w, int64_t submission_id) {
  SQLite::Statement st(w, "SELECT state, count(*) FROM recommendations WHERE submission_id=? GROUP BY state");
  st.bind(1, submission_id);
  std::map<std::string, int> n;
  int total = 0;
  while (st.executeStep()) {
    n[st.getColumn(0).getString()] = st.getColumn(1).getInt();
    total += st.getColumn(1).getInt();
  }
  std::string state = "submitted";
  if (n["returned"] > 0) {
    state = "returned";
  } else if (total > 0 && n["admitted"] + n["rejected"] == total) {
    state = "closed";
  } else if (n["under_review"] + n["admitted"] + n["rejected"] > 0) {
    state = "under_review";
  } else if (n["draft"] > 0) {
    state = "draft";
  }
  SQLite::Statement up(w, "UPDATE submissions SET state=?, version=version+1 WHERE id=? AND state<>?");
  up.bind(1, state);
  up.bind(2, submission_id);
  up.bind(3, state);
  up.exec();
}

StatusOr<RecommendationView> Workflow::Impl::DecideIn(SQLite::Database& w, WriteBatch& batch, int64_t id,
                                                      const Decision& decision, const Actor& actor) {
  auto row = ReadItemById(w, id);
  if (!row) return NotFound("没有编号为 " + std::to_string(id) + " 的推荐记录");
  const std::string from = row->view.state;
  std::string to;
  std::vector<std::string> allowed;
  switch (decision.kind) {
    case Decision::Kind::kReview: to = "under_review"; allowed = {"submitted"}; break;
    case Decision::Kind::kAdmit: to = "admitted"; allowed = {"submitted", "under_review"}; break;
    case Decision::Kind::kReturn: to = "returned"; allowed = {"submitted", "under_review"}; break;
    case Decision::Kind::kReject: to = "rejected"; allowed = {"submitted", "under_review", "returned"}; break;
  }
  const std::string who = "推荐记录 " + std::to_string(id);
  if (std::find(allowed.begin(), allowed.end(), from) == allowed.end()) {
    return PreconditionFailed(who + "的状态为「" + StateLabel(from) + "」，不能改为「" + StateLabel(to) + "」");
  }
  const std::string reasons = NormalizeText(decision.reasons);
  if ((decision.kind == Decision::Kind::kReturn || decision.kind == Decision::Kind::kReject) && reasons.empty()) {
    return InvalidArgument("字段「reasons」：退回或不予通过须写明理由", {{"reasons", "退回或不予通过须写明理由", 0}});
  }
  auto round = rounds.GetRound(row->view.round);
  if (!round.ok()) return round.status();
  if (decision.kind == Decision::Kind::kAdmit) {
    std::vector<ItemRow> rows{*row};
    TP_RETURN_IF_ERROR(Fill(&rows));
    TP_RETURN_IF_ERROR(ApplyOwnCopy(batch, *row, rows.front().view.record));
    const int year = decision.year > 0 ? decision.year : round->year;
    if (round->campaign.kind == "pool") {
      std::string tier = decision.tier;
      if (tier.empty()) {
        auto rules = rounds.GetRuleSet(round->rule_set);
        if (!rules.ok()) return rules.status();
        tier = rules->InCategory("young", ToNominee(rows.front().view), round->reference_date) ? "青年人才"
                                                                                                : "领军人才";
      }
      if (tier != "领军人才" && tier != "青年人才") {
        return InvalidArgument("字段「tier」：应为「领军人才」或「青年人才」", {{"tier", "应为「领军人才」或「青年人才」", 0}});
      }
      SQLite::Statement st(w,
                           "INSERT INTO admissions(person_id, year, tier, batch, source_unit_id, round_id, "
                           "recommendation_id) SELECT ?, ?, ?, ?, s.unit_id, s.round_id, ? FROM submissions s "
                           "WHERE s.id=? ON CONFLICT(person_id, year) DO UPDATE SET tier=excluded.tier, "
                           "batch=excluded.batch, source_unit_id=excluded.source_unit_id, "
                           "round_id=excluded.round_id, recommendation_id=excluded.recommendation_id");
      st.bind(1, row->person_rowid);
      st.bind(2, year);
      st.bind(3, tier);
      BindText(st, 4, decision.batch);
      st.bind(5, id);
      st.bind(6, row->submission_id);
      st.exec();
    } else {
      SQLite::Statement st(w,
                           "INSERT INTO honours(person_id, campaign_id, title, year, level) VALUES(?,?,?,?,?) "
                           "ON CONFLICT(person_id, campaign_id) DO NOTHING");
      st.bind(1, row->person_rowid);
      st.bind(2, round->campaign.rowid);
      st.bind(3, round->campaign.honour_title.empty() ? round->campaign.name : round->campaign.honour_title);
      st.bind(4, year);
      BindText(st, 5, round->campaign.level);
      st.exec();
    }
  }
  SQLite::Statement up(w,
                       "UPDATE recommendations SET state=?, reasons=?, decided_by=?, decided_at=?, "
                       "version=version+1 WHERE id=?");
  up.bind(1, to);
  BindText(up, 2, decision.kind == Decision::Kind::kAdmit || decision.kind == Decision::Kind::kReview
                      ? std::string_view()
                      : std::string_view(reasons));
  up.bind(3, actor.id.empty() ? std::string("cli") : actor.id);
  up.bind(4, UtcIso(rounds.Now()));
  up.bind(5, id);
  up.exec();
  RecomputeState(w, row->submission_id);
  TP_RETURN_IF_ERROR(batch.Audit(actor.Entry("transition", "recommendation", std::to_string(id),
                                             TransitionDetail(row->view.round, from, to, reasons))));
  RecommendationView view = row->view;
  view.state = to;
  return view;
}

StatusOr<RecommendationView> Workflow::Decide(int64_t id, const Decision& decision, const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以审核推荐");
  {
    auto batch = impl_->store().BeginWrite();
    if (!batch.ok()) return batch.status();
    try {
      auto done = impl_->DecideIn((*batch)->Connection(), **batch, id, decision, actor);
      if (!done.ok()) return done.status();
      TP_RETURN_IF_ERROR((*batch)->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "审核推荐");
    }
  }
  return GetRecommendation(id);
}

StatusOr<std::vector<RecommendationView>> Workflow::BulkAdmit(const std::vector<int64_t>& ids,
                                                              const Decision& decision, const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以审核推荐");
  if (ids.empty()) return InvalidArgument("字段「ids」：没有要入库的推荐记录", {{"ids", "不能为空", 0}});
  Decision admit = decision;
  admit.kind = Decision::Kind::kAdmit;
  {
    auto batch = impl_->store().BeginWrite();
    if (!batch.ok()) return batch.status();
    std::vector<FieldError> failures;
    try {
      for (int64_t id : ids) {
        auto done = impl_->DecideIn((*batch)->Connection(), **batch, id, admit, actor);
        if (!done.ok()) failures.push_back({std::to_string(id), done.status().message(), 0});
      }
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "批量入库");
    }
    if (!failures.empty()) {
      return Status(StatusCode::kPreconditionFailed,
                    "有 " + std::to_string(failures.size()) + " 条推荐记录不能入库，全部未入库：" +
                        failures.front().message,
                    failures);
    }
    TP_RETURN_IF_ERROR((*batch)->Commit());
  }
  std::vector<RecommendationView> out;
  for (int64_t id : ids) {
    auto item = GetRecommendation(id);
    if (!item.ok()) return item.status();
    out.push_back(std::move(*item));
  }
  return out;
}

StatusOr<std::vector<PossibleDuplicatePair>> Workflow::PossibleDuplicates(std::string_view round_code) {
  auto round = impl_->rounds.GetRound(round_code);
  if (!round.ok()) return round.status();
  std::vector<ItemRow> rows;
  try {
    auto lease = impl_->db().Read();
    SQLite::Statement st(*lease, std::string(kItemSelect) + "WHERE s.round_id=? ORDER BY m.id");
    st.bind(1, round->rowid);
    while (st.executeStep()) rows.push_back(ReadItem(st));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取推荐名单");
  }
  std::vector<int64_t> ids;
  for (const ItemRow& r : rows) ids.push_back(r.person_rowid);
  // ID numbers are decrypted only to tell two numbers apart, then dropped.
  auto persons = impl_->store().LoadPersons(ids, /*decrypt=*/true);
  if (!persons.ok()) return persons.status();
  TP_RETURN_IF_ERROR(impl_->Fill(&rows));
  std::vector<PossibleDuplicatePair> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    const PersonRecord& record = (*persons)[i];
    DuplicateProbe probe{record.person.id_number, record.person.name, record.person.birth_date,
                         record.person.unit_name, record.rowid};
    auto found = impl_->finder->Find(probe);
    if (!found.ok()) return found.status();
    const RecommendationView& item = rows[i].view;
    if (!item.differences.empty()) {
      // The unit's copy against the record it names: the same person, told two ways.
      out.push_back({item, DuplicateCandidate{record.rowid, record.person.public_id, record.person.name,
                                              record.person.birth_date, record.person.unit_name,
                                              "推荐单位填报的信息与库中记录不一致：" + DifferenceList(item.differences)}});
    }
    for (const DuplicateCandidate& d : found->possible) out.push_back({item, d});
  }
  return out;
}

// A person's sealed `column` of row `from`, sealed anew for row `to`.
StatusOr<std::string> Workflow::Impl::Reseal(const std::string& sealed, std::string_view column, int64_t from,
                                             int64_t to) {
  const Keyring& keys = store().Keys();
  auto plain = keys.Open(sealed, SealContext("persons", column, from));
  if (!plain.ok()) return plain.status();
  return keys.Seal(*plain, SealContext("persons", column, to));
}

Status Workflow::Merge(std::string_view keep_id, std::string_view merged_id, const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以合并人员记录");
  if (keep_id == merged_id) return InvalidArgument("字段「merge」：不能与自身合并", {{"merge", "不能与自身合并", 0}});
  auto keep = impl_->store().GetPerson(keep_id, false);
  if (!keep.ok()) return keep.status();
  auto merged = impl_->store().GetPerson(merged_id, false);
  if (!merged.ok()) return merged.status();
  if (keep->deleted || merged->deleted) return PreconditionFailed("已合并的记录不能再合并");
  auto batch = impl_->store().BeginWrite();
  if (!batch.ok()) return batch.status();
  try {
    SQLite::Database& w = (*batch)->Connection();
    const int64_t k = keep->rowid, m = merged->rowid;
    // The ID number moves only when the kept record has none; its hash is
    // unique, so it leaves the merged record first.
    {
      SQLite::Statement ids(w, "SELECT id_number_hash IS NULL FROM persons WHERE id=?");
      ids.bind(1, k);
      ids.executeStep();
      if (ids.getColumn(0).getInt() != 0) {
        SQLite::Statement take(w,
                               "SELECT id_number_enc, id_number_hash, id_number_mask, id_region FROM persons "
                               "WHERE id=? AND id_number_hash IS NOT NULL");
        take.bind(1, m);
        if (take.executeStep()) {
          auto blob = [&](int c) {
            SQLite::Column col = take.getColumn(c);
            return std::string(static_cast<const char*>(col.getBlob()), col.getBytes());
          };
          // A sealed value is bound to its row: it moves opened and sealed anew.
          auto enc = impl_->Reseal(blob(0), "id_number", m, k);
          if (!enc.ok()) return enc.status();
          std::string hash = blob(1), mask = ColumnText(take, 2), region = ColumnText(take, 3);
          SQLite::Statement clear(w, "UPDATE persons SET id_number_hash=NULL WHERE id=?");
          clear.bind(1, m);
          clear.exec();
          SQLite::Statement give(w,
                                 "UPDATE persons SET id_number_enc=?, id_number_hash=?, id_number_mask=?, "
                                 "id_region=? WHERE id=?");
          BindBlob(give, 1, *enc);
          BindBlob(give, 2, hash);
          BindText(give, 3, mask);
          BindText(give, 4, region);
          give.bind(5, k);
          give.exec();
        }
      }
    }
    {
      // The kept record takes the merged one's phone when it has none.
      SQLite::Statement phones(w, "SELECT 1 FROM persons WHERE id=? AND phone_enc IS NULL "
                                  "AND EXISTS (SELECT 1 FROM persons WHERE id=? AND phone_enc IS NOT NULL)");
      phones.bind(1, k);
      phones.bind(2, m);
      if (phones.executeStep()) {
        SQLite::Statement take(w, "SELECT phone_enc, phone_hash, phone_mask FROM persons WHERE id=?");
        take.bind(1, m);
        take.executeStep();
        SQLite::Column col = take.getColumn(0);
        auto enc = impl_->Reseal(std::string(static_cast<const char*>(col.getBlob()), col.getBytes()), "phone", m, k);
        if (!enc.ok()) return enc.status();
        SQLite::Column hash = take.getColumn(1);
        std::string hash_bytes(static_cast<const char*>(hash.getBlob()), hash.getBytes());
        std::string mask = ColumnText(take, 2);
        take.reset();
        SQLite::Statement give(w, "UPDATE persons SET phone_enc=?, phone_hash=?, phone_mask=? WHERE id=?");
        BindBlob(give, 1, *enc);
        BindBlob(give, 2, hash_bytes);
        BindText(give, 3, mask);
        give.bind(4, k);
        give.exec();
      }
    }
    std::string sets;
    for (const std::string& c : MergeFillColumns()) {
      if (!sets.empty()) sets += ",";
      sets += c + "=coalesce(" + c + ",(SELECT " + c + " FROM persons WHERE id=:m))";
    }
    sets += ",fields=CASE WHEN fields='[]' THEN (SELECT fields FROM persons WHERE id=:m) ELSE fields END";
    SQLite::Statement fill(w, "UPDATE persons SET " + sets +
                                  ",version=version+1,updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id=:k");
    fill.bind(":m", m);
    fill.bind(":k", k);
    fill.exec();
    Json moved = Json::object();
    for (const char* table : {"admissions", "honours", "recommendations", "enrolments", "availability"}) {
      // OR IGNORE: a row that would clash with the kept record's own (same
      // year, list or event) stays with the merged record, still on file.
      SQLite::Statement move(w, std::string("UPDATE OR IGNORE ") + table + " SET person_id=? WHERE person_id=?");
      move.bind(1, k);
      move.bind(2, m);
      moved[table] = move.exec();
    }
    SQLite::Statement mark(w, "UPDATE persons SET merged_into=?, version=version+1 WHERE id=? OR merged_into=?");
    mark.bind(1, k);
    mark.bind(2, m);
    mark.bind(3, m);
    mark.exec();
    TP_RETURN_IF_ERROR((*batch)->Audit(actor.Entry(
        "merge", "person", keep->person.public_id, Json{{"merged", merged->person.public_id}, {"moved", moved}}.dump())));
    return (*batch)->Commit();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "合并人员记录");
  }
}

Status Workflow::MarkDistinct(std::string_view a, std::string_view b, const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以确认重复人员");
  auto pa = impl_->store().GetPerson(a, false);
  if (!pa.ok()) return pa.status();
  auto pb = impl_->store().GetPerson(b, false);
  if (!pb.ok()) return pb.status();
  if (pa->rowid == pb->rowid) return InvalidArgument("字段「other」：同一条记录不能标记为两个人", {{"other", "与本人相同", 0}});
  auto batch = impl_->store().BeginWrite();
  if (!batch.ok()) return batch.status();
  try {
    SQLite::Statement st((*batch)->Connection(),
                         "INSERT INTO distinct_persons(person_a, person_b, decided_by) VALUES(?,?,?) "
                         "ON CONFLICT DO NOTHING");
    st.bind(1, std::min(pa->rowid, pb->rowid));
    st.bind(2, std::max(pa->rowid, pb->rowid));
    st.bind(3, actor.id.empty() ? std::string("cli") : actor.id);
    st.exec();
    TP_RETURN_IF_ERROR((*batch)->Audit(
        actor.Entry("distinct", "person", pa->person.public_id, Json{{"other", pb->person.public_id}}.dump())));
    return (*batch)->Commit();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "标记为不同人员");
  }
}

}  // namespace tp::registry
