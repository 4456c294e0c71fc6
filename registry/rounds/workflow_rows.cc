// The rows of a unit's list (internal/workflow_internal.h).
#include "registry/rounds/internal/workflow_internal.h"

namespace tp::registry {

std::string RecommendationStateLabel(std::string_view state) {
  if (state == "draft") return "草稿";
  if (state == "submitted") return "已报送";
  if (state == "under_review") return "审核中";
  if (state == "admitted") return "已入库";
  if (state == "returned") return "已退回";
  if (state == "rejected") return "未通过";
  if (state == "closed") return "已办结";
  return std::string(state);
}

}  // namespace tp::registry

namespace tp::registry::workflow_internal {

// Whether a unit's cells may be written into the stored record `person_rowid`:
// the unit is its recommending unit, and nobody else has a stake in it yet
// (it is not admitted or honoured, and no other unit has it on a list).
bool UnitMayWrite(SQLite::Database& w, int64_t person_rowid, int64_t unit_rowid) {
  SQLite::Statement st(
      w,
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

std::optional<SubmissionRow> FindSubmission(SQLite::Database& db, int64_t round_rowid,
                                            int64_t unit_rowid) {
  SQLite::Statement st(db,
                       "SELECT id, state, coalesce(submitted_at,'') FROM submissions WHERE "
                       "round_id=? AND unit_id=?");
  st.bind(1, round_rowid);
  st.bind(2, unit_rowid);
  if (!st.executeStep()) return std::nullopt;
  return SubmissionRow{st.getColumn(0).getInt64(), st.getColumn(1).getString(),
                       st.getColumn(2).getString()};
}

SubmissionRow EnsureSubmission(SQLite::Database& w, int64_t round_rowid, int64_t unit_rowid) {
  SQLite::Statement st(w,
                       "INSERT INTO submissions(round_id, unit_id) VALUES(?,?) ON "
                       "CONFLICT(round_id, unit_id) DO NOTHING");
  st.bind(1, round_rowid);
  st.bind(2, unit_rowid);
  st.exec();
  return *FindSubmission(w, round_rowid, unit_rowid);
}

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
  if (!copy.isNull())
    row.sealed_copy.assign(static_cast<const char*>(copy.getBlob()), copy.getBytes());
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
  if (!Editable(state.getColumn(0).getString()) ||
      (row->view.state != "draft" && row->view.state != "returned")) {
    return PreconditionFailed("此推荐记录" + RecommendationStateLabel(row->view.state) + "，不能" +
                              std::string(doing));
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
std::string TransitionDetail(const std::string& round, const std::string& from,
                             const std::string& to, const std::string& reasons,
                             const Json& admission) {
  Json j = {{"round", round}, {"from", from}, {"to", to}};
  if (!reasons.empty()) j["reasons"] = reasons;
  if (admission.is_object()) {
    for (auto it = admission.begin(); it != admission.end(); ++it) j[it.key()] = it.value();
  }
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

Status CheckNominee(const RuleSet& rules, const Nominee& candidate, const std::string& unit_type,
                    const PartialDate& reference_date) {
  std::vector<FieldError> problems = rules.CheckPerson(candidate, unit_type, reference_date);
  const std::string& opinion = candidate.person.opinion;
  if (rules.opinion_max_chars() > 0 &&
      CountCharacters(opinion) > static_cast<size_t>(rules.opinion_max_chars())) {
    problems.push_back({"推荐单位意见",
                        "「" + candidate.label + "」：推荐单位意见不能超过" +
                            std::to_string(rules.opinion_max_chars()) + "字（现为" +
                            std::to_string(CountCharacters(opinion)) + "字）",
                        0});
  }
  if (problems.empty()) return Status::Ok();
  return RuleViolated("不符合「" + problems.front().field + "」：" + problems.front().message,
                      problems);
}

}  // namespace tp::registry::workflow_internal
