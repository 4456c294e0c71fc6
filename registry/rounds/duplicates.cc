// Hard and possible duplicates (duplicates.h).
#include "registry/rounds/duplicates.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>

#include "registry/store/db_handle.h"

namespace tp::registry {

StatusOr<std::unique_ptr<DuplicateFinder>> DuplicateFinder::Create(Store& store,
                                                                   const std::string& data_dir) {
  TP_ASSIGN_OR_RETURN(auto names, NameMatcher::Load(data_dir));
  return std::make_unique<DuplicateFinder>(store, std::move(names));
}

StatusOr<DuplicateReport> DuplicateFinder::Find(const DuplicateProbe& probe) {
  DuplicateReport report;
  std::string probe_hash;
  if (!probe.id_number.empty()) probe_hash = store_.Keys().BlindIndex("id_number", probe.id_number);
  try {
    auto db = store_.Db().Read();
    if (!probe_hash.empty()) {
      SQLite::Statement st(
          *db,
          "SELECT id, public_id, name, coalesce(birth_date,''), coalesce(unit_name,'') "
          "FROM persons WHERE id_number_hash=? AND merged_into IS NULL");
      st.bind(1, probe_hash.data(), static_cast<int>(probe_hash.size()));
      if (st.executeStep() && st.getColumn(0).getInt64() != probe.self_rowid) {
        report.hard = DuplicateCandidate{st.getColumn(0).getInt64(),  st.getColumn(1).getString(),
                                         st.getColumn(2).getString(), st.getColumn(3).getString(),
                                         st.getColumn(4).getString(), "身份证号相同"};
      }
    }
    if (probe.birth_date.size() < 7) return report;
    // A day matches itself and its month; a month matches every day of it.
    const std::string month = probe.birth_date.substr(0, 7);
    const bool day_known = probe.birth_date.size() > 7;
    const std::string columns =
        "SELECT id, public_id, name, coalesce(birth_date,''), coalesce(unit_name,''), "
        "id_number_hash, EXISTS (SELECT 1 FROM recommendations m JOIN submissions s "
        "ON s.id=m.submission_id WHERE m.person_id=persons.id AND s.round_id=? "
        "AND m.state<>'rejected') ";
    SQLite::Statement st(
        *db,
        columns + (day_known ? "FROM persons WHERE birth_date IN (?, ?) AND merged_into IS NULL"
                             : "FROM persons WHERE birth_date >= ? AND birth_date <= ? AND "
                               "merged_into IS NULL"));
    st.bind(1, probe.round_rowid);
    st.bind(2, day_known ? probe.birth_date : month);
    st.bind(3, day_known ? month : month + "-99");
    SQLite::Statement distinct(*db,
                               "SELECT 1 FROM distinct_persons WHERE person_a=? AND person_b=?");
    while (st.executeStep()) {
      const int64_t rowid = st.getColumn(0).getInt64();
      if (rowid == probe.self_rowid) continue;
      if (report.hard && report.hard->rowid == rowid) continue;
      SQLite::Column hash = st.getColumn(5);
      if (!probe_hash.empty() && !hash.isNull() &&
          std::string(static_cast<const char*>(hash.getBlob()), hash.getBytes()) != probe_hash) {
        continue;  // two different ID numbers: two people
      }
      const std::string name = st.getColumn(2).getString();
      const std::string unit = st.getColumn(4).getString();
      std::string reason;
      if (names_.SameName(probe.name, name)) {
        reason = "姓名、出生日期相同";
      } else if (names_.SamePinyin(probe.name, name) && names_.SimilarUnit(probe.unit_name, unit)) {
        reason = "出生日期相同，姓名同音，工作单位相近";
      } else if (names_.SamePinyin(probe.name, name) && st.getColumn(6).getInt() != 0 &&
                 day_known && st.getColumn(3).getString() == probe.birth_date) {
        reason = "出生日期相同，姓名同音，在本批次另一份推荐名单上";
      } else {
        continue;
      }
      if (probe.self_rowid != 0) {
        distinct.reset();
        distinct.bind(1, std::min(rowid, probe.self_rowid));
        distinct.bind(2, std::max(rowid, probe.self_rowid));
        if (distinct.executeStep()) continue;
      }
      report.possible.push_back(
          {rowid, st.getColumn(1).getString(), name, st.getColumn(3).getString(), unit, reason});
    }
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "查找重复人员");
  }
  std::sort(report.possible.begin(), report.possible.end(),
            [](const DuplicateCandidate& a, const DuplicateCandidate& b) {
              return a.public_id < b.public_id;
            });
  return report;
}

}  // namespace tp::registry
