// Review, admission, possible duplicates and merges of a unit's list (workflow.h).
#include "registry/rounds/workflow.h"

#include "registry/rounds/internal/workflow_internal.h"

namespace tp::registry {

// The list's state follows its items: any returned → returned; all decided →
// closed; anything decided or in review → under_review.
void Workflow::Impl::RecomputeState(SQLite::Database& w, int64_t submission_id) {
  SQLite::Statement st(
      w, "SELECT state, count(*) FROM recommendations WHERE submission_id=? GROUP BY state");
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
  SQLite::Statement up(w,
                       "UPDATE submissions SET state=?, version=version+1 WHERE id=? AND state<>?");
  up.bind(1, state);
  up.bind(2, submission_id);
  up.bind(3, state);
  up.exec();
}

namespace {

// "55岁（2025-08-14）", or why no age can be told.
std::string AgeText(const std::string& birth_date, const PartialDate& reference) {
  auto birth = ParseDate(birth_date, reference);
  if (!birth.ok()) return "出生日期未填写或无效";
  return std::to_string(AgeAt(*birth, reference)) + "岁（" + reference.ToString() + "）";
}

// A round admits into its own years: from the earlier of its year and its opening's year to the
// later of its year and its deadline's year (a November round reviewed in December stays in its
// year; 2023 or 2052 typed for 2025 is refused).
Status CheckAdmissionYear(const Round& round, int year) {
  const int first = std::min(round.year, BeijingDate(round.opens_at).year);
  const int last = std::max(round.year, BeijingDate(round.deadline_at).year);
  if (year >= first && year <= last) return Status::Ok();
  const std::string allowed =
      first == last ? std::to_string(first) : std::to_string(first) + "–" + std::to_string(last);
  const std::string m =
      "入库年度" + std::to_string(year) + "不在「" + round.title + "」的年度（" + allowed + "）内";
  return InvalidArgument("字段「year」：" + m, {{"year", m, 0}});
}

}  // namespace

StatusOr<RecommendationView> Workflow::Impl::DecideIn(SQLite::Database& w, WriteBatch& batch,
                                                      int64_t id, const Decision& decision,
                                                      const Actor& actor) {
  auto row = ReadItemById(w, id);
  if (!row) return NotFound("没有编号为 " + std::to_string(id) + " 的推荐记录");
  const std::string from = row->view.state;
  std::string to;
  std::vector<std::string> allowed;
  switch (decision.kind) {
    case Decision::Kind::kReview:
      to = "under_review";
      allowed = {"submitted"};
      break;
    case Decision::Kind::kAdmit:
      to = "admitted";
      allowed = {"submitted", "under_review"};
      break;
    case Decision::Kind::kReturn:
      to = "returned";
      allowed = {"submitted", "under_review"};
      break;
    case Decision::Kind::kReject:
      to = "rejected";
      allowed = {"submitted", "under_review", "returned"};
      break;
  }
  const std::string who = "推荐记录 " + std::to_string(id);
  if (std::find(allowed.begin(), allowed.end(), from) == allowed.end()) {
    return PreconditionFailed(who + "的状态为「" + RecommendationStateLabel(from) +
                              "」，不能改为「" + RecommendationStateLabel(to) + "」");
  }
  const std::string reasons = NormalizeText(decision.reasons);
  if ((decision.kind == Decision::Kind::kReturn || decision.kind == Decision::Kind::kReject) &&
      reasons.empty()) {
    return InvalidArgument("字段「reasons」：退回或不予通过须写明理由",
                           {{"reasons", "退回或不予通过须写明理由", 0}});
  }
  TP_ASSIGN_OR_RETURN(auto round, rounds.GetRound(row->view.round));
  Json admitted_detail;  // year, tier and batch of an admission, for the audit entry
  if (decision.kind == Decision::Kind::kAdmit) {
    std::vector<ItemRow> rows{*row};
    TP_RETURN_IF_ERROR(Fill(&rows));
    TP_RETURN_IF_ERROR(ApplyOwnCopy(batch, *row, rows.front().view.record));
    const int year = decision.year > 0 ? decision.year : round.year;
    TP_RETURN_IF_ERROR(CheckAdmissionYear(round, year));
    if (round.campaign.kind == "pool") {
      TP_ASSIGN_OR_RETURN(auto rules, rounds.GetRuleSet(round.rule_set));
      const bool is_young =
          rules.InCategory("young", ToNominee(rows.front().view), round.reference_date);
      std::string tier = decision.tier;
      if (tier.empty()) tier = is_young ? "青年人才" : "领军人才";
      if (tier != "领军人才" && tier != "青年人才") {
        return InvalidArgument("字段「tier」：应为「领军人才」或「青年人才」",
                               {{"tier", "应为「领军人才」或「青年人才」", 0}});
      }
      if (tier == "青年人才" && !is_young) {
        const std::string m =
            "「" + rows.front().view.record.person.name + "」" +
            AgeText(rows.front().view.record.person.birth_date, round.reference_date) +
            "，不属于青年人才（" + rules.CategoryLabel("young") + "）";
        return InvalidArgument("字段「tier」：" + m, {{"tier", m, 0}});
      }
      admitted_detail = {{"year", year}, {"tier", tier}, {"batch", decision.batch}};
      SQLite::Statement st(
          w,
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
      admitted_detail = {{"year", year}};
      SQLite::Statement st(
          w,
          "INSERT INTO honours(person_id, campaign_id, title, year, level) VALUES(?,?,?,?,?) "
          "ON CONFLICT(person_id, campaign_id) DO NOTHING");
      st.bind(1, row->person_rowid);
      st.bind(2, round.campaign.rowid);
      st.bind(3, round.campaign.honour_title.empty() ? round.campaign.name
                                                     : round.campaign.honour_title);
      st.bind(4, year);
      BindText(st, 5, round.campaign.level);
      st.exec();
    }
  }
  SQLite::Statement up(w,
                       "UPDATE recommendations SET state=?, reasons=?, decided_by=?, decided_at=?, "
                       "version=version+1 WHERE id=?");
  up.bind(1, to);
  BindText(up, 2,
           decision.kind == Decision::Kind::kAdmit || decision.kind == Decision::Kind::kReview
               ? std::string_view()
               : std::string_view(reasons));
  up.bind(3, actor.id.empty() ? std::string("cli") : actor.id);
  up.bind(4, UtcIso(rounds.Now()));
  up.bind(5, id);
  up.exec();
  RecomputeState(w, row->submission_id);
  TP_RETURN_IF_ERROR(batch.Audit(
      actor.Entry("transition", "recommendation", std::to_string(id),
                  TransitionDetail(row->view.round, from, to, reasons, admitted_detail))));
  RecommendationView view = row->view;
  view.state = to;
  return view;
}

StatusOr<RecommendationView> Workflow::Decide(int64_t id, const Decision& decision,
                                              const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以审核推荐");
  {
    TP_ASSIGN_OR_RETURN(auto batch, impl_->store().BeginWrite());
    try {
      auto done = impl_->DecideIn(batch->Connection(), *batch, id, decision, actor);
      if (!done.ok()) return done.status();
      TP_RETURN_IF_ERROR(batch->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "审核推荐");
    }
  }
  return GetRecommendation(id);
}

StatusOr<std::vector<RecommendationView>> Workflow::BulkAdmit(const std::vector<int64_t>& ids,
                                                              const Decision& decision,
                                                              const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以审核推荐");
  if (ids.empty())
    return InvalidArgument("字段「ids」：没有要入库的推荐记录", {{"ids", "不能为空", 0}});
  Decision admit = decision;
  admit.kind = Decision::Kind::kAdmit;
  {
    TP_ASSIGN_OR_RETURN(auto batch, impl_->store().BeginWrite());
    std::vector<FieldError> failures;
    try {
      for (int64_t id : ids) {
        auto done = impl_->DecideIn(batch->Connection(), *batch, id, admit, actor);
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
    TP_RETURN_IF_ERROR(batch->Commit());
  }
  std::vector<RecommendationView> out;
  for (int64_t id : ids) {
    TP_ASSIGN_OR_RETURN(auto item, GetRecommendation(id));
    out.push_back(std::move(item));
  }
  return out;
}

StatusOr<std::vector<PossibleDuplicatePair>> Workflow::PossibleDuplicates(
    std::string_view round_code) {
  TP_ASSIGN_OR_RETURN(auto round, impl_->rounds.GetRound(round_code));
  std::vector<ItemRow> rows;
  try {
    auto lease = impl_->db().Read();
    SQLite::Statement st(*lease, std::string(kItemSelect) + "WHERE s.round_id=? ORDER BY m.id");
    st.bind(1, round.rowid);
    while (st.executeStep()) rows.push_back(ReadItem(st));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取推荐名单");
  }
  std::vector<int64_t> ids;
  for (const ItemRow& r : rows) ids.push_back(r.person_rowid);
  // ID numbers are decrypted only to tell two numbers apart, then dropped.
  TP_ASSIGN_OR_RETURN(auto persons, impl_->store().LoadPersons(ids, /*decrypt=*/true));
  TP_RETURN_IF_ERROR(impl_->Fill(&rows));
  std::vector<PossibleDuplicatePair> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    const PersonRecord& record = (persons)[i];
    DuplicateProbe probe{record.person.id_number, record.person.name, record.person.birth_date,
                         record.person.unit_name, record.rowid,       round.rowid};
    TP_ASSIGN_OR_RETURN(auto found, impl_->finder->Find(probe));
    const RecommendationView& item = rows[i].view;
    if (!item.differences.empty()) {
      // The unit's copy against the record it names: the same person, told two ways.
      out.push_back(
          {item, DuplicateCandidate{
                     record.rowid, record.person.public_id, record.person.name,
                     record.person.birth_date, record.person.unit_name,
                     "推荐单位填报的信息与库中记录不一致：" + DifferenceList(item.differences)}});
    }
    for (const DuplicateCandidate& d : found.possible) out.push_back({item, d});
  }
  return out;
}

// A person's sealed `column` of row `from`, sealed anew for row `to`.
StatusOr<std::string> Workflow::Impl::Reseal(const std::string& sealed, std::string_view column,
                                             int64_t from, int64_t to) {
  const Keyring& keys = store().Keys();
  TP_ASSIGN_OR_RETURN(auto plain, keys.Open(sealed, SealContext("persons", column, from)));
  return keys.Seal(plain, SealContext("persons", column, to));
}

namespace {

constexpr const char* kLiveStates = "('draft','submitted','under_review','returned')";

// What merging records `k` and `m` would break, as PreconditionFailed naming the round; Ok when
// nothing. One record admitted in a round's year (or honoured in its campaign) while the other is
// on a live list of it would put an admitted person on a list (Add refuses that); both on lists of
// one round would put one person on two lists. Staff resolve the lists first.
Status MergeConflicts(SQLite::Database& w, int64_t k, int64_t m) {
  SQLite::Statement admitted(
      w, std::string("SELECT a.year, r.title FROM admissions a "
                     "JOIN recommendations x ON x.person_id=(CASE WHEN a.person_id=:k THEN :m "
                     "ELSE :k END) "
                     "JOIN submissions s ON s.id=x.submission_id JOIN rounds r ON r.id=s.round_id "
                     "JOIN campaigns c ON c.id=r.campaign_id "
                     "WHERE a.person_id IN (:k,:m) AND c.kind='pool' AND a.year>=r.year "
                     "AND x.state IN ") +
             kLiveStates + " ORDER BY a.year LIMIT 1");
  admitted.bind(":k", k);
  admitted.bind(":m", m);
  if (admitted.executeStep()) {
    const std::string message =
        "其中一条记录已于" + std::to_string(admitted.getColumn(0).getInt()) + "年入库，另一条在「" +
        admitted.getColumn(1).getString() +
        "」的推荐名单上，合并后已入库人员将留在待审名单中：请先移除该推荐或不予通过";
    return Status(StatusCode::kPreconditionFailed, message, {{"merge", message, 0}});
  }
  SQLite::Statement honoured(
      w, std::string("SELECT h.year, h.title, r.title FROM honours h "
                     "JOIN recommendations x ON x.person_id=(CASE WHEN h.person_id=:k THEN :m "
                     "ELSE :k END) "
                     "JOIN submissions s ON s.id=x.submission_id JOIN rounds r ON r.id=s.round_id "
                     "WHERE h.person_id IN (:k,:m) AND r.campaign_id=h.campaign_id "
                     "AND x.state IN ") +
             kLiveStates + " LIMIT 1");
  honoured.bind(":k", k);
  honoured.bind(":m", m);
  if (honoured.executeStep()) {
    const std::string message =
        "其中一条记录已于" + std::to_string(honoured.getColumn(0).getInt()) + "年获评" +
        honoured.getColumn(1).getString() + "，另一条在「" + honoured.getColumn(2).getString() +
        "」的推荐名单上：请先移除该推荐或不予通过";
    return Status(StatusCode::kPreconditionFailed, message, {{"merge", message, 0}});
  }
  SQLite::Statement twice(
      w,
      "SELECT r.title FROM recommendations x JOIN submissions s ON s.id=x.submission_id "
      "JOIN rounds r ON r.id=s.round_id "
      "JOIN recommendations y ON y.person_id=:m JOIN submissions t ON t.id=y.submission_id "
      "WHERE x.person_id=:k AND t.round_id=s.round_id AND x.state<>'rejected' "
      "AND y.state<>'rejected' LIMIT 1");
  twice.bind(":k", k);
  twice.bind(":m", m);
  if (twice.executeStep()) {
    const std::string message = "两条记录分别在「" + twice.getColumn(0).getString() +
                                "」的两份推荐名单上，合并后同一人将出现在两份推荐名单中：请先由"
                                "一个单位移除此人或不予通过";
    return Status(StatusCode::kPreconditionFailed, message, {{"merge", message, 0}});
  }
  return Status::Ok();
}

}  // namespace

Status Workflow::Merge(std::string_view keep_id, std::string_view merged_id, const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以合并人员记录");
  if (keep_id == merged_id)
    return InvalidArgument("字段「merge」：不能与自身合并", {{"merge", "不能与自身合并", 0}});
  TP_ASSIGN_OR_RETURN(auto keep, impl_->store().GetPerson(keep_id, false));
  auto merged = impl_->store().GetPerson(merged_id, false);
  if (!merged.ok()) return merged.status();
  if (keep.deleted || merged->deleted) return PreconditionFailed("已合并的记录不能再合并");
  TP_ASSIGN_OR_RETURN(auto batch, impl_->store().BeginWrite());
  try {
    SQLite::Database& w = batch->Connection();
    const int64_t k = keep.rowid, m = merged->rowid;
    TP_RETURN_IF_ERROR(MergeConflicts(w, k, m));
    // The ID number moves only when the kept record has none; its hash is
    // unique, so it leaves the merged record first.
    {
      SQLite::Statement ids(w, "SELECT id_number_hash IS NULL FROM persons WHERE id=?");
      ids.bind(1, k);
      ids.executeStep();
      if (ids.getColumn(0).getInt() != 0) {
        SQLite::Statement take(
            w,
            "SELECT id_number_enc, id_number_hash, id_number_mask, id_region FROM persons "
            "WHERE id=? AND id_number_hash IS NOT NULL");
        take.bind(1, m);
        if (take.executeStep()) {
          auto blob = [&](int c) {
            SQLite::Column col = take.getColumn(c);
            return std::string(static_cast<const char*>(col.getBlob()), col.getBytes());
          };
          // A sealed value is bound to its row: it moves opened and sealed anew.
          TP_ASSIGN_OR_RETURN(auto enc, impl_->Reseal(blob(0), "id_number", m, k));
          std::string hash = blob(1), mask = ColumnText(take, 2), region = ColumnText(take, 3);
          SQLite::Statement clear(w, "UPDATE persons SET id_number_hash=NULL WHERE id=?");
          clear.bind(1, m);
          clear.exec();
          SQLite::Statement give(
              w,
              "UPDATE persons SET id_number_enc=?, id_number_hash=?, id_number_mask=?, "
              "id_region=? WHERE id=?");
          BindBlob(give, 1, enc);
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
      SQLite::Statement phones(
          w,
          "SELECT 1 FROM persons WHERE id=? AND phone_enc IS NULL "
          "AND EXISTS (SELECT 1 FROM persons WHERE id=? AND phone_enc IS NOT NULL)");
      phones.bind(1, k);
      phones.bind(2, m);
      if (phones.executeStep()) {
        SQLite::Statement take(w,
                               "SELECT phone_enc, phone_hash, phone_mask FROM persons WHERE id=?");
        take.bind(1, m);
        take.executeStep();
        SQLite::Column col = take.getColumn(0);
        auto enc = impl_->Reseal(
            std::string(static_cast<const char*>(col.getBlob()), col.getBytes()), "phone", m, k);
        if (!enc.ok()) return enc.status();
        SQLite::Column hash = take.getColumn(1);
        std::string hash_bytes(static_cast<const char*>(hash.getBlob()), hash.getBytes());
        std::string mask = ColumnText(take, 2);
        take.reset();
        SQLite::Statement give(
            w, "UPDATE persons SET phone_enc=?, phone_hash=?, phone_mask=? WHERE id=?");
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
    sets +=
        ",fields=CASE WHEN fields='[]' THEN (SELECT fields FROM persons WHERE id=:m) ELSE fields "
        "END";
    SQLite::Statement fill(
        w, "UPDATE persons SET " + sets +
               ",version=version+1,updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id=:k");
    fill.bind(":m", m);
    fill.bind(":k", k);
    fill.exec();
    Json moved = Json::object();
    for (const char* table :
         {"admissions", "honours", "recommendations", "enrolments", "availability"}) {
      // OR IGNORE: a row that would clash with the kept record's own (same
      // year, list or event) stays with the merged record, still on file.
      SQLite::Statement move(
          w, std::string("UPDATE OR IGNORE ") + table + " SET person_id=? WHERE person_id=?");
      move.bind(1, k);
      move.bind(2, m);
      moved[table] = move.exec();
    }
    SQLite::Statement mark(
        w, "UPDATE persons SET merged_into=?, version=version+1 WHERE id=? OR merged_into=?");
    mark.bind(1, k);
    mark.bind(2, m);
    mark.bind(3, m);
    mark.exec();
    TP_RETURN_IF_ERROR(batch->Audit(
        actor.Entry("merge", "person", keep.person.public_id,
                    Json{{"merged", merged->person.public_id}, {"moved", moved}}.dump())));
    return batch->Commit();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "合并人员记录");
  }
}

Status Workflow::MarkDistinct(std::string_view a, std::string_view b, const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以确认重复人员");
  TP_ASSIGN_OR_RETURN(auto pa, impl_->store().GetPerson(a, false));
  TP_ASSIGN_OR_RETURN(auto pb, impl_->store().GetPerson(b, false));
  if (pa.rowid == pb.rowid)
    return InvalidArgument("字段「other」：同一条记录不能标记为两个人",
                           {{"other", "与本人相同", 0}});
  TP_ASSIGN_OR_RETURN(auto batch, impl_->store().BeginWrite());
  try {
    SQLite::Statement st(
        batch->Connection(),
        "INSERT INTO distinct_persons(person_a, person_b, decided_by) VALUES(?,?,?) "
        "ON CONFLICT DO NOTHING");
    st.bind(1, std::min(pa.rowid, pb.rowid));
    st.bind(2, std::max(pa.rowid, pb.rowid));
    st.bind(3, actor.id.empty() ? std::string("cli") : actor.id);
    st.exec();
    TP_RETURN_IF_ERROR(batch->Audit(actor.Entry("distinct", "person", pa.person.public_id,
                                                Json{{"other", pb.person.public_id}}.dump())));
    return batch->Commit();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "标记为不同人员");
  }
}

}  // namespace tp::registry
