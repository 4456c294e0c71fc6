// Recommendation lists and their states (workflow.h).
#include "registry/rounds/workflow.h"

#include "registry/rounds/internal/workflow_internal.h"

namespace tp::registry {

Workflow::Workflow(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Workflow::~Workflow() = default;

Rounds& Workflow::rounds() { return impl_->rounds; }
DuplicateFinder& Workflow::duplicates() { return *impl_->finder; }

StatusOr<std::unique_ptr<Workflow>> Workflow::Create(Rounds& rounds, const std::string& data_dir) {
  TP_ASSIGN_OR_RETURN(auto finder, DuplicateFinder::Create(rounds.store(), data_dir));
  return std::make_unique<Workflow>(std::make_unique<Impl>(rounds, std::move(finder)));
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
  TP_ASSIGN_OR_RETURN(auto window, rounds.WindowFor(round, unit.rowid));
  view.window = window;
  TP_ASSIGN_OR_RETURN(auto rules, rounds.GetRuleSet(round.rule_set));
  std::vector<Nominee> active;
  for (const ItemRow& r : rows)
    if (r.view.state != "rejected") active.push_back(ToNominee(r.view));
  view.quota = rules.Evaluate(unit.type, active, round.reference_date,
                              QuotaContext{round.kind, unit.code, unit.name});
  for (ItemRow& r : rows) {
    const std::string label = Label(r.view.submitted.person);
    for (const ExemptPerson& e : view.quota.exempt)
      if (e.label == label) r.view.exempt_reason = e.reason;
    view.items.push_back(std::move(r.view));
  }
  return view;
}

StatusOr<SubmissionView> Workflow::GetSubmission(std::string_view round_code, int64_t unit_rowid) {
  TP_ASSIGN_OR_RETURN(auto round, impl_->rounds.GetRound(round_code));
  TP_ASSIGN_OR_RETURN(auto unit, impl_->Unit(unit_rowid));
  return impl_->View(round, unit);
}

StatusOr<std::vector<SubmissionView>> Workflow::ListSubmissions(std::string_view round_code,
                                                                std::string_view province) {
  TP_ASSIGN_OR_RETURN(auto round, impl_->rounds.GetRound(round_code));
  std::vector<UnitRecord> units;
  try {
    auto lease = impl_->db().Read();
    SQLite::Statement st(
        *lease,
        "SELECT u.id,u.code,u.name,u.type,u.province,u.parent_id FROM submissions s "
        "JOIN units u ON u.id=s.unit_id WHERE s.round_id=? AND (?='' OR u.province=?) ORDER BY "
        "u.code");
    st.bind(1, round.rowid);
    st.bind(2, std::string(province));
    st.bind(3, std::string(province));
    while (st.executeStep()) units.push_back(ReadUnit(st));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取推荐名单");
  }
  std::vector<SubmissionView> out;
  for (const UnitRecord& u : units) {
    TP_ASSIGN_OR_RETURN(auto view, impl_->View(round, u));
    out.push_back(std::move(view));
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
Status Workflow::Impl::CheckNotEnrolled(SQLite::Database& w, const Round& round,
                                        int64_t person_rowid, int64_t submission_id) {
  auto refuse = [](const std::string& message) {
    return AlreadyExists(message, {{"身份证号", message, 0}});
  };
  if (round.campaign.kind == "pool") {
    SQLite::Statement st(w,
                         "SELECT a.year, coalesce(r.title,'') FROM admissions a LEFT JOIN rounds r "
                         "ON r.id=a.round_id "
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
      return refuse("该人员已于" + std::to_string(st.getColumn(0).getInt()) + "年获评" +
                    round.campaign.honour_title + "，无需重复推荐");
    }
  }
  // Drafts of rounds that have closed are dead; anything submitted is live
  // until decided.
  SQLite::Statement st(
      w,
      "SELECT m.submission_id, r.title FROM recommendations m "
      "JOIN submissions s ON s.id=m.submission_id JOIN rounds r ON r.id=s.round_id "
      "WHERE m.person_id=? AND r.campaign_id=? AND m.state IN "
      "('draft','submitted','under_review','returned') "
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

StatusOr<AddResult> Workflow::Add(std::string_view round_code, int64_t unit_rowid,
                                  const RecommendationInput& input, const Actor& actor) {
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
  TP_ASSIGN_OR_RETURN(auto window, impl_->rounds.WindowFor(*round, unit_rowid));
  if (impl_->rounds.Now() >= window.deadline_at)
    return impl_->rounds.CheckWindow(*round, unit_rowid);

  const ReferenceData& reference = impl_->rounds.reference();
  Person person;
  int64_t existing_rowid = 0;
  std::vector<std::string> honours;
  if (!input.person_id.empty()) {
    auto record = impl_->store().GetPerson(input.person_id, /*decrypt=*/true);
    if (!record.ok() || record->deleted)
      return NotFound("没有编号为 " + input.person_id + " 的人员");
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
      return InvalidArgument("字段「" + errors.front().field + "」：" + errors.front().message,
                             errors);
    }
  }
  if (person.name.empty())
    return InvalidArgument("字段「姓名」：不能为空", {{"姓名", "不能为空", 0}});
  if (input.opinion) person.opinion = NormalizeText(*input.opinion);

  DuplicateProbe probe{person.id_number, person.name,    person.birth_date,
                       person.unit_name, existing_rowid, round->rowid};
  TP_ASSIGN_OR_RETURN(auto dups, impl_->finder->Find(probe));
  if (dups.hard && existing_rowid != 0 && dups.hard->rowid != existing_rowid) {
    // Never say whose number it is.
    const std::string m = "该身份证号已属于库中另一条人员记录，请联系工作人员核实";
    return AlreadyExists(m, {{"身份证号", m, 0}});
  }
  if (dups.hard && existing_rowid == 0) {
    existing_rowid = dups.hard->rowid;
    TP_ASSIGN_OR_RETURN(auto stored, impl_->store().LoadPersons({existing_rowid}, false));
    // The rules know the record's honours; the unit is told neither its number nor its fields.
    for (const HonourRecord& h : stored.front().honours) honours.push_back(h.title);
  }

  Nominee candidate{Label(person), person, honours, input.declared, input.group};
  TP_RETURN_IF_ERROR(CheckNominee(*rules, candidate, unit->type, round->reference_date));

  AddResult result;
  int64_t rec_id = 0;
  {
    TP_ASSIGN_OR_RETURN(auto batch, impl_->store().BeginWrite());
    try {
      SQLite::Database& w = batch->Connection();
      SubmissionRow sub = EnsureSubmission(w, round->rowid, unit_rowid);
      if (!Editable(sub.state)) {
        return PreconditionFailed("本单位的名单" + RecommendationStateLabel(sub.state) +
                                  "，已锁定；如需修改请联系工作人员退回");
      }
      if (existing_rowid == 0 && !person.id_number.empty()) {
        // Another unit may have stored the number since it was looked up; under the
        // writer's lock, what the readers see now is final.
        TP_ASSIGN_OR_RETURN(auto owner, impl_->store().FindByIdNumber(person.id_number));
        if (owner) existing_rowid = *owner;
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
          // The person keeps the unit that first recommended them.
          to_store.recommending_unit.clear();
        } else {
          to_store.recommending_unit = unit->name;
          to_store.recommending_unit_type = unit->type;
          if (to_store.province.empty()) to_store.province = unit->province;
        }
        TP_ASSIGN_OR_RETURN(auto outcome, batch->UpsertPerson(&to_store));
        result.person_created = outcome == UpsertOutcome::kInserted;
        record_outcome = result.person_created ? "created" : "updated";
        person_rowid = to_store.rowid;
        public_id = to_store.public_id;
      } else {
        // Another unit's record, or one staff hold: the unit's cells stay its own copy.
        TP_ASSIGN_OR_RETURN(auto stored,
                            impl_->store().LoadPersons({existing_rowid}, /*decrypt=*/true));
        differences = Differences(stored.front().person, copy, reference);
        public_id = stored.front().person.public_id;
      }
      TP_RETURN_IF_ERROR(impl_->CheckNotEnrolled(w, *round, person_rowid, sub.id));
      SQLite::Statement insert(
          w,
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
      Json detail = {{"round", round->code},
                     {"unit", unit->code},
                     {"person", public_id},
                     {"record", record_outcome}};
      if (!differences.empty()) detail["differences"] = DifferenceList(differences);
      TP_RETURN_IF_ERROR(
          batch->Audit(actor.Entry("create", "recommendation", std::to_string(rec_id),
                                   detail.dump(-1, ' ', false, Json::error_handler_t::replace))));
      TP_RETURN_IF_ERROR(batch->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "加入推荐名单");
    }
  }
  TP_ASSIGN_OR_RETURN(auto item, GetRecommendation(rec_id));
  result.item = std::move(item);
  for (const DuplicateCandidate& d : dups.possible)
    if (d.rowid != result.item.record.rowid) result.possible.push_back(d);
  TP_ASSIGN_OR_RETURN(auto view, impl_->View(*round, *unit));
  result.quota = view.quota;
  for (const RecommendationView& v : view.items)
    if (v.id == rec_id) result.item.exempt_reason = v.exempt_reason;
  return result;
}

StatusOr<RecommendationView> Workflow::Edit(int64_t id, const RecommendationInput& input,
                                            const Actor& actor) {
  TP_ASSIGN_OR_RETURN(auto current, GetRecommendation(id));
  auto round = impl_->rounds.GetRound(current.round);
  if (!round.ok()) return round.status();
  auto unit = impl_->store().GetUnit(current.unit_code);
  if (!unit.ok()) return unit.status();
  TP_RETURN_IF_ERROR(Impl::CanActFor(actor, *unit));
  TP_ASSIGN_OR_RETURN(auto rules, impl_->rounds.GetRuleSet(round->rule_set));

  // The unit edits its own view of the person.
  Person person = current.submitted.person;
  const Cells cells = PersonCellsOnly(input.cells);
  if (!input.cells.empty()) {
    std::vector<FieldError> errors =
        BuildPerson(WithName(cells, person.name), impl_->rounds.reference(), &person);
    if (!errors.empty()) {
      return InvalidArgument("字段「" + errors.front().field + "」：" + errors.front().message,
                             errors);
    }
    if (!person.id_number.empty()) {
      TP_ASSIGN_OR_RETURN(auto owner, impl_->store().FindByIdNumber(person.id_number));
      if (owner && *owner != current.record.rowid) {
        const std::string m = "该身份证号已属于库中另一条人员记录，请联系工作人员核实";
        return AlreadyExists(m, {{"身份证号", m, 0}});
      }
    }
  }
  Nominee candidate = ToNominee(current);
  candidate.person = person;
  // The record never stores 推荐单位意见; a cell of the input may carry it.
  candidate.person.opinion = input.opinion             ? NormalizeText(*input.opinion)
                             : !person.opinion.empty() ? person.opinion
                                                       : current.opinion;
  if (!input.declared.empty()) candidate.declared = input.declared;
  if (!input.group.empty()) candidate.group = input.group;
  std::vector<FieldError> problems =
      rules.CheckPerson(candidate, unit->type, round->reference_date);
  if (!problems.empty()) {
    return RuleViolated("不符合「" + problems.front().field + "」：" + problems.front().message,
                        problems);
  }
  TP_ASSIGN_OR_RETURN(auto batch, impl_->store().BeginWrite());
  try {
    SQLite::Database& w = batch->Connection();
    TP_ASSIGN_OR_RETURN(auto row, ChangeableItem(w, id, "修改"));
    TP_ASSIGN_OR_RETURN(auto copy, OpenCells(impl_->store().Keys(), row.sealed_copy, id));
    if (copy.empty() && !current.submitted.person.name.empty()) {
      copy.emplace_back("姓名",
                        current.submitted.person.name);  // a recommendation older than the copies
    }
    Json detail = {{"round", round->code}};
    if (!input.cells.empty()) {
      if (UnitMayWrite(w, row.person_rowid, row.unit_rowid)) {
        person.public_id = current.record.person.public_id;
        person.recommending_unit.clear();
        person.admission_year = 0;
        person.tier.clear();
        auto outcome = batch->UpsertPerson(&person);
        if (!outcome.ok()) return outcome.status();
        detail["record"] = "updated";
      } else {
        detail["record"] = "kept";
      }
      Json columns = Json::array();
      for (const auto& cell : cells) columns.push_back(cell.first);
      detail["fields"] = std::move(columns);
    }
    SQLite::Statement update(
        w,
        "UPDATE recommendations SET opinion=?, declared=?, group_name=?, submitted_enc=?, "
        "version=version+1 WHERE id=?");
    BindText(update, 1, candidate.person.opinion);
    update.bind(2, Json(candidate.declared).dump());
    BindText(update, 3, candidate.group);
    BindBlob(update, 4, SealCells(impl_->store().Keys(), MergeCells(std::move(copy), cells), id));
    update.bind(5, id);
    update.exec();
    TP_RETURN_IF_ERROR(
        batch->Audit(actor.Entry("update", "recommendation", std::to_string(id),
                                 detail.dump(-1, ' ', false, Json::error_handler_t::replace))));
    TP_RETURN_IF_ERROR(batch->Commit());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "修改推荐记录");
  }
  return GetRecommendation(id);
}

void Workflow::AddSubmitCheck(SubmitCheck check) {
  impl_->submit_checks.push_back(std::move(check));
}

Status Workflow::Remove(int64_t id, const Actor& actor) {
  TP_ASSIGN_OR_RETURN(auto current, GetRecommendation(id));
  TP_ASSIGN_OR_RETURN(auto unit, impl_->store().GetUnit(current.unit_code));
  TP_RETURN_IF_ERROR(Impl::CanActFor(actor, unit));
  TP_ASSIGN_OR_RETURN(auto batch, impl_->store().BeginWrite());
  try {
    SQLite::Database& w = batch->Connection();
    TP_ASSIGN_OR_RETURN(auto row, ChangeableItem(w, id, "移出名单"));
    // The person leaves the list with their 推荐表 and the answers about them.
    for (const char* sql : {"DELETE FROM honour_forms WHERE recommendation_id=?",
                            "DELETE FROM exclusion_answers WHERE recommendation_id=?",
                            "DELETE FROM recommendations WHERE id=?"}) {
      SQLite::Statement del(w, sql);
      del.bind(1, id);
      del.exec();
    }
    TP_RETURN_IF_ERROR(batch->Audit(actor.Entry(
        "delete", "recommendation", std::to_string(id),
        Json{{"round", row.view.round}, {"person", current.record.person.public_id}}.dump())));
    return batch->Commit();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "移出推荐名单");
  }
}

StatusOr<SubmissionView> Workflow::Submit(std::string_view round_code, int64_t unit_rowid,
                                          const std::map<int64_t, std::string>& opinions,
                                          const Actor& actor) {
  TP_ASSIGN_OR_RETURN(auto round, impl_->rounds.GetRound(round_code));
  TP_ASSIGN_OR_RETURN(auto unit, impl_->Unit(unit_rowid));
  TP_RETURN_IF_ERROR(Impl::CanActFor(actor, unit));
  TP_ASSIGN_OR_RETURN(auto rules, impl_->rounds.GetRuleSet(round.rule_set));
  TP_RETURN_IF_ERROR(impl_->rounds.CheckWindow(round, unit_rowid));
  {
    TP_ASSIGN_OR_RETURN(auto batch, impl_->store().BeginWrite());
    try {
      SQLite::Database& w = batch->Connection();
      auto sub = FindSubmission(w, round.rowid, unit_rowid);
      if (!sub) return PreconditionFailed("本单位在「" + round.title + "」中还没有推荐名单");
      if (!Editable(sub->state)) {
        return PreconditionFailed("本单位的名单" + RecommendationStateLabel(sub->state) +
                                  "，不能重复报送");
      }
      SQLite::Statement set_opinion(
          w, "UPDATE recommendations SET opinion=? WHERE id=? AND submission_id=?");
      for (const auto& [rec, text] : opinions) {
        set_opinion.reset();
        BindText(set_opinion, 1, NormalizeText(text));
        set_opinion.bind(2, rec);
        set_opinion.bind(3, sub->id);
        if (set_opinion.exec() == 0)
          return NotFound("本单位名单中没有编号为 " + std::to_string(rec) + " 的推荐记录");
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
        if (rules.opinion_required() && length == 0) {
          violations.push_back({"推荐单位意见", who + "：未填写推荐单位意见", 0});
        } else if (rules.opinion_max_chars() > 0 &&
                   length > static_cast<size_t>(rules.opinion_max_chars())) {
          violations.push_back({"推荐单位意见",
                                who + "：推荐单位意见不能超过" +
                                    std::to_string(rules.opinion_max_chars()) + "字（现为" +
                                    std::to_string(length) + "字）",
                                0});
        }
        for (const SubmitCheck& check : impl_->submit_checks) {
          std::vector<FieldError> more = check(round, r.view);
          violations.insert(violations.end(), more.begin(), more.end());
        }
      }
      if (to_submit == 0) return PreconditionFailed("名单中没有待报送的人员");
      QuotaState quota = rules.Evaluate(unit.type, active, round.reference_date,
                                        QuotaContext{round.kind, unit.code, unit.name});
      violations.insert(violations.begin(), quota.violations.begin(), quota.violations.end());
      if (!violations.empty()) {
        return RuleViolated(
            "名单不符合「" + violations.front().field + "」：" + violations.front().message,
            violations);
      }
      SQLite::Statement move(
          w, "UPDATE recommendations SET state='submitted', version=version+1 WHERE id=?");
      for (const ItemRow& r : rows) {
        if (r.view.state != "draft" && r.view.state != "returned") continue;
        move.reset();
        move.bind(1, r.view.id);
        move.exec();
        TP_RETURN_IF_ERROR(
            batch->Audit(actor.Entry("transition", "recommendation", std::to_string(r.view.id),
                                     TransitionDetail(round.code, r.view.state, "submitted"))));
      }
      SQLite::Statement done(w,
                             "UPDATE submissions SET submitted_at=?, version=version+1 WHERE id=?");
      done.bind(1, UtcIso(impl_->rounds.Now()));
      done.bind(2, sub->id);
      done.exec();
      // Items decided before a return keep their state; the list follows them.
      impl_->RecomputeState(w, sub->id);
      TP_RETURN_IF_ERROR(batch->Audit(actor.Entry(
          "submit", "submission", round.code + "/" + unit.code,
          Json{{"from", sub->state}, {"to", "submitted"}, {"count", to_submit}}.dump())));
      TP_RETURN_IF_ERROR(batch->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "报送推荐名单");
    }
  }
  return impl_->View(round, unit);
}

}  // namespace tp::registry
