#include "indexer/store_change_source.h"

#include "registry/fields/id_number.h"

namespace tp::indexer {

StatusOr<std::string> StoreChangeSource::RegistryId() { return store_->RegistryId(); }

StatusOr<int64_t> StoreChangeSource::LastSeq() { return store_->LastSeq(); }

StatusOr<std::vector<Change>> StoreChangeSource::ChangesSince(int64_t after_seq, int limit) {
  TP_ASSIGN_OR_RETURN(auto changes, store_->ChangesSince(after_seq, limit));
  std::vector<Change> out;
  out.reserve(changes.size());
  for (const registry::Change& c : changes) {
    if (c.entity == "person") out.push_back({c.seq, c.entity_id});
  }
  // A batch of other entities only still moves the index past them.
  if (out.empty() && !changes.empty()) {
    auto more = ChangesSince(changes.back().seq, limit);
    if (!more.ok()) return more.status();
    if (more->empty()) return std::vector<Change>{};
    return more;
  }
  return out;
}

StatusOr<std::vector<IndexRecord>> StoreChangeSource::LoadRecords(
    const std::vector<int64_t>& rowids) {
  TP_ASSIGN_OR_RETURN(auto records, store_->LoadPersons(rowids, /*decrypt=*/false));
  std::vector<IndexRecord> out;
  out.reserve(records.size());
  for (const registry::PersonRecord& r : records) out.push_back(ToIndexRecord(r));
  return out;
}

IndexRecord ToIndexRecord(const registry::PersonRecord& record) {
  IndexRecord out;
  out.rowid = record.rowid;
  out.deleted = record.deleted;
  out.person = record.person;
  out.person.id_number.clear();  // never indexed: the registry resolves ID numbers itself
  out.person.phone.clear();
  for (const registry::AdmissionRecord& a : record.admissions) {
    out.admissions.push_back({a.year, a.tier, a.round_code});
  }
  for (const std::string& round : record.round_codes) out.admissions.push_back({0, "", round});
  for (const registry::HonourRecord& h : record.honours) {
    out.honours.push_back({h.title.empty() ? h.campaign_code : h.title, h.year});
  }
  for (const registry::TrainingRecord& t : record.trainings) {
    out.trainings.push_back({t.event_code, t.year, t.state});
  }
  if (record.unit) {
    out.recommending_unit = {record.unit->name, record.unit->type, record.unit->province};
  }
  return out;
}

IdResolver StoreIdResolver(registry::Store& store) {
  return [&store](std::string_view normalized) -> std::optional<int64_t> {
    std::string id(normalized);
    if (id.size() == 15) {
      // A legacy 15-digit number: the registry keeps the 18-character form (GB 11643).
      const std::string first17 = id.substr(0, 6) + "19" + id.substr(6, 9);
      id = first17 + registry::ComputeCheckDigit(first17);
    }
    auto found = store.FindByIdNumber(id);
    if (!found.ok()) return std::nullopt;
    return *found;
  };
}

PhoneResolver StorePhoneResolver(registry::Store& store) {
  return [&store](std::string_view phone) -> std::vector<int64_t> {
    auto found = store.FindByPhone(phone);
    if (!found.ok()) return {};
    return *found;
  };
}

}  // namespace tp::indexer
