// Summary sheets in and out (summary_sheet.h).
#include "registry/rounds/summary_sheet.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "registry/fields/text.h"
#include "registry/fields/validate.h"
#include "registry/store/crypto.h"
#include "registry/store/db_handle.h"
#include "registry/tables/table_reader.h"
#include "registry/tables/xlsx_writer.h"

namespace tp::registry {
namespace {

using Json = nlohmann::json;

// Columns of a summary sheet that are not person fields but belong to the
// recommendation.
constexpr std::string_view kDeclaredColumn = "人员类别";
constexpr std::string_view kGroupColumn = "推荐组别";
constexpr std::string_view kErrorColumn = "错误信息";

std::string YesNo(const std::optional<bool>& v) {
  if (!v) return "";
  return *v ? "是" : "否";
}

// 出生年月 as the forms write it: 1986.03.
std::string BirthMonth(const std::string& birth) {
  if (birth.size() < 7) return birth;
  return birth.substr(0, 4) + "." + birth.substr(5, 2);
}

std::string UnitAndPost(const Person& p) {
  if (p.post.empty() || p.unit_name.find(p.post) != std::string::npos) return p.unit_name;
  if (p.unit_name.empty()) return p.post;
  return p.unit_name + p.post;
}

std::string JoinFields(const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& f : fields) {
    if (!out.empty()) out += "、";
    out += f;
  }
  return out;
}

// One person as a row of the summary sheet, without 序号.
std::vector<std::string> PersonCells(const PersonRecord& r, bool reveal_phone) {
  const Person& p = r.person;
  return {p.name,
          p.gender,
          p.ethnic_group,
          BirthMonth(p.birth_date),
          p.political_affiliation,
          UnitAndPost(p),
          p.education,
          JoinFields(p.fields),
          reveal_phone && !p.phone.empty() ? p.phone : r.phone_mask,
          YesNo(p.can_attend_seminar),
          YesNo(p.can_attend_study_tour)};
}

std::vector<std::string> SplitDeclared(const std::string& cell) { return SplitMultiValue(cell); }

// A sheet name that is new in this workbook.
Status AddUniqueSheet(XlsxWriter& w, std::set<std::string>* used, const std::string& name,
                      const std::string& fallback) {
  std::string chosen = name;
  if (CountCharacters(chosen) > 31 || used->count(chosen) > 0) chosen = fallback;
  used->insert(chosen);
  return w.AddSheet(chosen);
}

// The field each column of an uploaded sheet holds, "" for a column no one
// reads; those with a heading go to the report as ignored.
std::vector<std::string> CanonicalHeader(const std::vector<std::string>& header,
                                         UploadReport* report) {
  std::vector<std::string> canonical(header.size());
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == kDeclaredColumn || header[i] == kGroupColumn) {
      canonical[i] = header[i];
    } else if (auto c = CanonicalColumn(header[i])) {
      canonical[i] = std::string(*c);
    } else if (!header[i].empty()) {
      report->ignored_columns.push_back(header[i]);
    }
  }
  return canonical;
}

// What one row asks for: the person's cells, 人员类别 and 推荐组别. Blank cells say nothing.
RecommendationInput RowInput(const std::vector<std::string>& cells,
                             const std::vector<std::string>& canonical) {
  RecommendationInput input;
  for (size_t i = 0; i < cells.size() && i < canonical.size(); ++i) {
    if (canonical[i].empty() || NormalizeText(cells[i]).empty()) continue;
    if (canonical[i] == kDeclaredColumn) {
      input.declared = SplitDeclared(cells[i]);
    } else if (canonical[i] == kGroupColumn) {
      input.group = NormalizeText(cells[i]);
    } else {
      input.cells.emplace_back(canonical[i], cells[i]);
    }
  }
  return input;
}

// Puts an upload's rows on a unit's list, one at a time. It knows the people
// already there by folded name, so a corrected sheet updates them instead of
// adding them twice.
class ListFiller {
 public:
  ListFiller(Workflow& workflow, std::string_view round_code, int64_t unit_rowid,
             const Actor& actor, const std::function<bool()>& may_check_id_number)
      : workflow_(workflow),
        names_(workflow.duplicates().names()),
        round_code_(round_code),
        unit_rowid_(unit_rowid),
        actor_(actor),
        may_check_id_number_(may_check_id_number) {}

  // Reads who is on the list now; before the first Fill.
  Status LoadList() {
    TP_ASSIGN_OR_RETURN(auto current, workflow_.GetSubmission(round_code_, unit_rowid_));
    for (const RecommendationView& item : current.items) {
      known_.push_back(
          {names_.Fold(item.submitted.person.name), item.submitted.person.birth_date, item.id});
    }
    return Status::Ok();
  }

  // The row's errors, none when it went onto the list; `report` counts what happened.
  std::vector<FieldError> Fill(const RecommendationInput& input, UploadReport* report) {
    // Validate first: a row with bad cells never reaches the list.
    Person scratch;
    std::vector<FieldError> errors =
        BuildPerson(input.cells, workflow_.rounds().reference(), &scratch);
    if (errors.empty() && !scratch.id_number.empty() && may_check_id_number_ &&
        !may_check_id_number_()) {
      // Each row with an ID number answers whether it is on file: no faster than the enrolment
      // check.
      errors.push_back({"身份证号", "入库查询过于频繁，此行未处理，请稍后再上传", 0});
    }
    if (!errors.empty()) return errors;
    const Status outcome = AddOrUpdate(input, scratch, report);
    if (outcome.code() == StatusCode::kAlreadyExists) ++report->already_enrolled;
    if (outcome.ok()) return {};
    errors = outcome.details();
    if (errors.empty()) errors.push_back({"", outcome.message(), 0});
    return errors;
  }

 private:
  struct Known {
    std::string name, birth;
    int64_t id;
  };

  // Edits the listed person with the same name and a compatible birth date (the
  // last such), else adds the row as a new recommendation.
  Status AddOrUpdate(const RecommendationInput& input, const Person& person, UploadReport* report) {
    const std::string folded = names_.Fold(person.name);
    const Known* same = nullptr;
    for (const Known& k : known_) {
      if (k.name == folded &&
          (k.birth == person.birth_date || BirthDatesCompatible(k.birth, person.birth_date))) {
        same = &k;
      }
    }
    if (same != nullptr) {
      auto edited = workflow_.Edit(same->id, input, actor_);
      if (!edited.ok()) return edited.status();
      ++report->updated;
      report->recommendation_id = same->id;
      return Status::Ok();
    }
    TP_ASSIGN_OR_RETURN(auto added, workflow_.Add(round_code_, unit_rowid_, input, actor_));
    ++report->added;
    report->recommendation_id = added.item.id;
    known_.push_back({folded, person.birth_date, added.item.id});
    return Status::Ok();
  }

  Workflow& workflow_;
  const NameMatcher& names_;
  std::string_view round_code_;
  int64_t unit_rowid_;
  const Actor& actor_;
  const std::function<bool()>& may_check_id_number_;
  std::vector<Known> known_;
};

struct FailedRow {
  long row;
  std::vector<std::string> cells;
  std::vector<FieldError> errors;
};

// The failed rows as the unit sent them, the faulty cells marked, with an
// added 错误信息 column saying what is wrong (XLSX bytes).
StatusOr<std::string> AnnotatedCopy(const std::vector<std::string>& header,
                                    const std::vector<std::string>& canonical,
                                    const std::vector<FailedRow>& failed) {
  // Rows go to the temporary file as they are written: in memory, the writer would keep
  // another copy of every failed cell.
  XlsxWriterOptions streamed;
  streamed.constant_memory = true;
  return WriteXlsxToBytes(
      [&](XlsxWriter& w) -> Status {
        std::vector<std::string> head = header;
        head.emplace_back(kErrorColumn);
        TP_RETURN_IF_ERROR(w.WriteHeader(head));
        for (const FailedRow& f : failed) {
          std::vector<std::string> out = f.cells;
          std::string message = "第" + std::to_string(f.row) + "行：";
          std::vector<size_t> marked;
          for (size_t k = 0; k < f.errors.size(); ++k) {
            const FieldError& e = f.errors[k];
            if (k > 0) message += "；";
            const bool says_field = e.message.find(e.field) != std::string::npos || e.field.empty();
            message += says_field ? e.message : "字段「" + e.field + "」：" + e.message;
            for (size_t i = 0; i < header.size(); ++i) {
              if (!e.field.empty() && (canonical[i] == e.field || header[i] == e.field))
                marked.push_back(i);
            }
          }
          out.push_back(message);
          marked.push_back(header.size());
          TP_RETURN_IF_ERROR(w.WriteRow(out, marked));
        }
        return Status::Ok();
      },
      streamed);
}

// Stores the upload's report with its annotated copy (sealed) and audits the
// upload, in one transaction; sets `report->id`.
Status SaveUploadReport(Store& store, const Round& round, int64_t unit_rowid,
                        std::string_view filename, const std::string& workbook, const Actor& actor,
                        UploadReport* report) {
  TP_ASSIGN_OR_RETURN(auto batch, store.BeginWrite());
  try {
    SQLite::Database& w = batch->Connection();
    SQLite::Statement ensure(
        w, "INSERT INTO submissions(round_id, unit_id) VALUES(?,?) ON CONFLICT DO NOTHING");
    ensure.bind(1, round.rowid);
    ensure.bind(2, unit_rowid);
    ensure.exec();
    SQLite::Statement insert(
        w,
        "INSERT INTO upload_reports(submission_id, filename, rows_read, rows_added, "
        "rows_rejected, errors_xlsx, created_by) SELECT id, ?, ?, ?, ?, ?, ? FROM submissions "
        "WHERE round_id=? AND unit_id=?");
    BindText(insert, 1, filename);
    insert.bind(2, static_cast<int64_t>(report->rows));
    insert.bind(3, static_cast<int64_t>(report->added + report->updated));
    insert.bind(4, static_cast<int64_t>(report->rejected));
    // The bad rows hold ID numbers and phones as the unit typed them: sealed like the person's.
    BindBlob(insert, 5, std::string());  // sealed below, bound to the report's id
    insert.bind(6, actor.id.empty() ? std::string("cli") : actor.id);
    insert.bind(7, round.rowid);
    insert.bind(8, unit_rowid);
    insert.exec();
    report->id = w.getLastInsertRowid();
    if (!workbook.empty()) {
      SQLite::Statement seal(w, "UPDATE upload_reports SET errors_xlsx=? WHERE id=?");
      BindBlob(
          seal, 1,
          store.Keys().Seal(workbook, SealContext("upload_reports", "errors_xlsx", report->id)));
      seal.bind(2, static_cast<int64_t>(report->id));
      seal.exec();
    }
    report->has_error_workbook = !workbook.empty();
    TP_RETURN_IF_ERROR(batch->Audit(actor.Entry("upload", "submission", round.code,
                                                Json{{"rows", report->rows},
                                                     {"added", report->added},
                                                     {"updated", report->updated},
                                                     {"rejected", report->rejected}}
                                                    .dump())));
    return batch->Commit();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "保存上传结果");
  }
}

// The people of a list as submitted (drafts and rejected people left out), without their ID
// numbers, with phones when `reveal_phone`.
StatusOr<std::vector<PersonRecord>> SubmittedPeople(Store& store, const SubmissionView& list,
                                                    bool reveal_phone) {
  std::vector<int64_t> ids;
  for (const RecommendationView& item : list.items) {
    if (item.state == "draft" || item.state == "rejected") continue;
    ids.push_back(item.record.rowid);
  }
  TP_ASSIGN_OR_RETURN(auto loaded, store.LoadPersons(ids, reveal_phone));
  for (PersonRecord& r : loaded) r.person.id_number.clear();
  return loaded;
}

}  // namespace

const std::vector<std::string>& SummarySheetColumns() {
  static const std::vector<std::string> kColumns = {
      "序号",     "姓名",     "性别",     "民族",     "出生年月",           "政治面貌",
      "单位职务", "最高学历", "擅长领域", "联系方式", "可否参加专题研修班", "可否参加国情研修活动"};
  return kColumns;
}

StatusOr<UploadReport> SummarySheets::Upload(std::string_view round_code, int64_t unit_rowid,
                                             std::string_view bytes, std::string_view filename,
                                             const Actor& actor,
                                             const std::function<bool()>& may_check_id_number) {
  if (!actor.IsStaff() && !(actor.role == "unit" && actor.unit_rowid == unit_rowid)) {
    return PermissionDenied("只能向本单位的推荐名单上传汇总表");
  }
  TP_ASSIGN_OR_RETURN(auto round, workflow_.rounds().GetRound(round_code));
  TableOptions options;
  options.known_columns = SummarySheetColumns();
  for (std::string_view c : CanonicalColumns()) options.known_columns.emplace_back(c);
  // The cells of failed rows are kept for the annotated copy. A real sheet of kMaxRows rows
  // holds a few MB of text (2,000 rows of 12 cells of 100 characters: 7 MB); a workbook whose
  // cells add up to more than the largest upload only got there by repeating shared strings.
  options.xlsx.max_cell_text_bytes = kMaxCellTextBytes;
  TP_ASSIGN_OR_RETURN(auto reader, OpenTableInPlace(bytes, filename, options));
  TableReader& table = *reader;

  UploadReport report;
  report.format = std::string(table.Format());
  const std::vector<std::string>& header = table.Header();
  const std::vector<std::string> canonical = CanonicalHeader(header, &report);
  if (std::find(canonical.begin(), canonical.end(), "姓名") == canonical.end()) {
    return InvalidArgument(
        "文件「" + std::string(filename) + "」中没有「姓名」列，请使用推荐学员汇总表的表头",
        {{"姓名", "缺少此列", 0}});
  }
  ListFiller list(workflow_, round_code, unit_rowid, actor, may_check_id_number);
  TP_RETURN_IF_ERROR(list.LoadList());

  std::vector<FailedRow> failed;
  std::vector<std::string> cells;
  long row_number = 0;
  for (;;) {
    TP_ASSIGN_OR_RETURN(auto more, table.Next(&cells, &row_number));
    if (!more) break;
    if (++report.rows > kMaxRows) {
      return InvalidArgument("一次最多上传 " + std::to_string(kMaxRows) + " 行，请分批上传");
    }
    std::vector<FieldError> errors = list.Fill(RowInput(cells, canonical), &report);
    if (errors.empty()) continue;
    ++report.rejected;
    for (FieldError& e : errors) e.row = row_number;
    report.errors.insert(report.errors.end(), errors.begin(), errors.end());
    cells.resize(header.size());  // the annotated copy has the header's columns only
    failed.push_back({row_number, cells, std::move(errors)});
  }

  std::string workbook;
  if (!failed.empty()) {
    TP_ASSIGN_OR_RETURN(auto bytes_out, AnnotatedCopy(header, canonical, failed));
    workbook = std::move(bytes_out);
    std::vector<FailedRow>().swap(failed);  // in the workbook now
  }
  TP_RETURN_IF_ERROR(SaveUploadReport(workflow_.rounds().store(), round, unit_rowid, filename,
                                      workbook, actor, &report));
  return report;
}

StatusOr<UploadReport> SummarySheets::UploadRecord(
    std::string_view round_code, int64_t unit_rowid, const RecommendationInput& input,
    std::string_view filename, std::string_view format, const Actor& actor,
    const std::function<bool()>& may_check_id_number) {
  if (!actor.IsStaff() && !(actor.role == "unit" && actor.unit_rowid == unit_rowid)) {
    return PermissionDenied("只能向本单位的推荐名单上传推荐表");
  }
  TP_ASSIGN_OR_RETURN(auto round, workflow_.rounds().GetRound(round_code));
  ListFiller list(workflow_, round_code, unit_rowid, actor, may_check_id_number);
  TP_RETURN_IF_ERROR(list.LoadList());
  UploadReport report;
  report.format = std::string(format);
  report.rows = 1;
  report.errors = list.Fill(input, &report);
  if (!report.errors.empty()) ++report.rejected;
  TP_RETURN_IF_ERROR(SaveUploadReport(workflow_.rounds().store(), round, unit_rowid, filename, "",
                                      actor, &report));
  return report;
}

StatusOr<std::string> SummarySheets::ErrorWorkbook(int64_t upload_id, const Actor& actor) {
  Store& store = workflow_.rounds().store();
  try {
    auto db = store.Db().Read();
    SQLite::Statement st(*db,
                         "SELECT r.errors_xlsx, s.unit_id FROM upload_reports r "
                         "JOIN submissions s ON s.id=r.submission_id WHERE r.id=?");
    st.bind(1, upload_id);
    if (!st.executeStep() || (!actor.IsStaff() && st.getColumn(1).getInt64() != actor.unit_rowid)) {
      return NotFound("没有编号为 " + std::to_string(upload_id) + " 的上传记录");
    }
    SQLite::Column blob = st.getColumn(0);
    if (blob.isNull()) return NotFound("这次上传没有出错的行");
    return store.Keys().Open(std::string(static_cast<const char*>(blob.getBlob()), blob.getBytes()),
                             SealContext("upload_reports", "errors_xlsx", upload_id));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取上传记录");
  }
}

StatusOr<std::string> SummarySheets::ExportRound(std::string_view round_code,
                                                 std::string_view unit_code, bool reveal_phone,
                                                 const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以导出汇总表");
  auto round = workflow_.rounds().GetRound(round_code);
  if (!round.ok()) return round.status();
  TP_ASSIGN_OR_RETURN(auto lists, workflow_.ListSubmissions(round_code));
  if (!unit_code.empty()) {
    std::erase_if(lists, [&](const SubmissionView& s) { return s.unit.code != unit_code; });
    if (lists.empty()) {
      TP_ASSIGN_OR_RETURN(auto unit, workflow_.rounds().store().GetUnit(unit_code));
      TP_ASSIGN_OR_RETURN(auto empty, workflow_.GetSubmission(round_code, unit.rowid));
      lists.push_back(std::move(empty));
    }
  }
  // The people of each list, with phones when staff asked for them.
  std::vector<std::vector<PersonRecord>> people;
  long total = 0;
  for (const SubmissionView& s : lists) {
    TP_ASSIGN_OR_RETURN(auto loaded, SubmittedPeople(workflow_.rounds().store(), s, reveal_phone));
    total += static_cast<long>(loaded.size());
    people.push_back(std::move(loaded));
  }
  auto bytes = WriteXlsxToBytes([&](XlsxWriter& w) -> Status {
    std::set<std::string> used;
    if (unit_code.empty()) {
      TP_RETURN_IF_ERROR(AddUniqueSheet(w, &used, "汇总", "汇总"));
      std::vector<std::string> head = SummarySheetColumns();
      head.insert(head.begin() + 1, "推荐单位");
      TP_RETURN_IF_ERROR(w.WriteHeader(head));
      long n = 0;
      for (size_t i = 0; i < lists.size(); ++i) {
        for (const PersonRecord& r : people[i]) {
          std::vector<std::string> row = PersonCells(r, reveal_phone);
          row.insert(row.begin(), (lists)[i].unit.name);
          row.insert(row.begin(), std::to_string(++n));
          TP_RETURN_IF_ERROR(w.WriteRow(row));
        }
      }
    }
    for (size_t i = 0; i < lists.size(); ++i) {
      const UnitRecord& unit = (lists)[i].unit;
      TP_RETURN_IF_ERROR(AddUniqueSheet(w, &used, unit.name, unit.code));
      TP_RETURN_IF_ERROR(w.WriteHeader(SummarySheetColumns()));
      long n = 0;
      for (const PersonRecord& r : people[i]) {
        std::vector<std::string> row = PersonCells(r, reveal_phone);
        row.insert(row.begin(), std::to_string(++n));
        TP_RETURN_IF_ERROR(w.WriteRow(row));
      }
    }
    return Status::Ok();
  });
  if (!bytes.ok()) return bytes.status();
  TP_RETURN_IF_ERROR(workflow_.rounds().store().Audit(actor.Entry(
      "export", "round", round->code,
      Json{{"unit", std::string(unit_code)}, {"rows", total}, {"reveal_phone", reveal_phone}}
          .dump())));
  return bytes;
}

StatusOr<std::string> SummarySheets::UnitListWorkbook(const UnitSummary& list) {
  return WriteXlsxToBytes([&](XlsxWriter& w) -> Status {
    std::set<std::string> used;
    TP_RETURN_IF_ERROR(AddUniqueSheet(w, &used, list.unit.name, list.unit.code));
    TP_RETURN_IF_ERROR(w.WriteHeader(SummarySheetColumns()));
    for (const std::vector<std::string>& row : list.rows) TP_RETURN_IF_ERROR(w.WriteRow(row));
    return Status::Ok();
  });
}

StatusOr<UnitSummary> SummarySheets::UnitList(std::string_view round_code,
                                              std::string_view unit_code, bool reveal_phone,
                                              bool sensitive_attributes, const Actor& actor) {
  Store& store = workflow_.rounds().store();
  TP_ASSIGN_OR_RETURN(auto round, workflow_.rounds().GetRound(round_code));
  auto unit = store.GetUnit(unit_code);
  const bool visible =
      unit.ok() &&
      (actor.IsStaff() || (actor.role == "unit" && actor.unit_rowid == unit->rowid) ||
       (actor.role == "province" && !actor.province.empty() && unit->province == actor.province));
  if (!visible) return NotFound("没有代码为 " + std::string(unit_code) + " 的单位");
  TP_ASSIGN_OR_RETURN(auto list, workflow_.GetSubmission(round.code, unit->rowid));
  TP_ASSIGN_OR_RETURN(auto people, SubmittedPeople(store, list, reveal_phone));
  UnitSummary out;
  out.unit = *unit;
  long n = 0;
  for (PersonRecord& r : people) {
    if (!sensitive_attributes) {
      r.person.ethnic_group.clear();
      r.person.political_affiliation.clear();
    }
    std::vector<std::string> row = PersonCells(r, reveal_phone);
    row.insert(row.begin(), std::to_string(++n));
    out.rows.push_back(std::move(row));
  }
  return out;
}

StatusOr<std::string> SummarySheets::ExportAdmitted(int year, bool reveal_phone,
                                                    const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以导出入库名单");
  struct Row {
    int64_t person;
    std::string unit, tier, batch;
  };
  std::vector<Row> rows;
  Store& store = workflow_.rounds().store();
  try {
    auto db = store.Db().Read();
    SQLite::Statement st(
        *db,
        "SELECT a.person_id, coalesce(u.name,''), coalesce(a.tier,''), coalesce(a.batch,'') "
        "FROM admissions a JOIN persons p ON p.id=a.person_id "
        "LEFT JOIN units u ON u.id=a.source_unit_id "
        "WHERE a.year=? AND p.merged_into IS NULL ORDER BY u.name, p.name, p.public_id");
    st.bind(1, year);
    while (st.executeStep()) {
      rows.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(),
                      st.getColumn(2).getString(), st.getColumn(3).getString()});
    }
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取入库名单");
  }
  std::vector<int64_t> ids;
  for (const Row& r : rows) ids.push_back(r.person);
  TP_ASSIGN_OR_RETURN(auto people, store.LoadPersons(ids, reveal_phone));
  auto bytes = WriteXlsxToBytes([&](XlsxWriter& w) -> Status {
    TP_RETURN_IF_ERROR(w.AddSheet(std::to_string(year) + "年入库人员"));
    std::vector<std::string> head = SummarySheetColumns();
    head.insert(head.end() - 2, {"推荐单位", "人才类别", "入库年度", "批次"});
    TP_RETURN_IF_ERROR(w.WriteHeader(head));
    for (size_t i = 0; i < rows.size(); ++i) {
      PersonRecord& r = (people)[i];
      r.person.id_number.clear();
      std::vector<std::string> row = PersonCells(r, reveal_phone);
      row.insert(row.begin(), std::to_string(i + 1));
      row.insert(row.end() - 2, {rows[i].unit, rows[i].tier, std::to_string(year), rows[i].batch});
      TP_RETURN_IF_ERROR(w.WriteRow(row));
    }
    return Status::Ok();
  });
  if (!bytes.ok()) return bytes.status();
  TP_RETURN_IF_ERROR(
      store.Audit(actor.Entry("export", "admissions", std::to_string(year),
                              Json{{"rows", rows.size()}, {"reveal_phone", reveal_phone}}.dump())));
  return bytes;
}

StatusOr<std::string> SummarySheets::ExportProgress(std::string_view province) {
  static constexpr std::string_view kStates[] = {"draft",    "submitted", "under_review",
                                                 "returned", "admitted",  "rejected"};
  TP_ASSIGN_OR_RETURN(auto rounds, workflow_.rounds().ListRounds());
  std::sort(rounds.begin(), rounds.end(),
            [](const Round& a, const Round& b) { return a.deadline_at > b.deadline_at; });
  return WriteXlsxToBytes([&](XlsxWriter& w) -> Status {
    TP_RETURN_IF_ERROR(w.AddSheet("推荐批次进度"));
    std::vector<std::string> header = {"推荐批次", "批次代码", "截止时间", "单位数"};
    for (std::string_view state : kStates) header.push_back(RecommendationStateLabel(state));
    TP_RETURN_IF_ERROR(w.WriteHeader(header));
    for (const Round& round : rounds) {
      TP_ASSIGN_OR_RETURN(auto lists, workflow_.ListSubmissions(round.code, province));
      std::map<std::string, int> counts;
      for (const auto& list : lists)
        for (const auto& item : list.items) counts[item.state]++;
      std::vector<std::string> row = {round.title, round.code, BeijingIso(round.deadline_at),
                                      std::to_string(lists.size())};
      for (std::string_view state : kStates)
        row.push_back(std::to_string(counts[std::string(state)]));
      TP_RETURN_IF_ERROR(w.WriteRow(row));
    }
    return Status::Ok();
  });
}

}  // namespace tp::registry
