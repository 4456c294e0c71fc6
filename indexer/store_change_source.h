// The registry's Store as the index's ChangeSource, and the ID-number resolver over its keyed
// hash. The Store must outlive both. Changes of entities other than persons are passed over.
#pragma once

#include "indexer/change_source.h"
#include "indexer/query_builder.h"
#include "registry/store/store.h"

namespace tp::indexer {

class StoreChangeSource : public ChangeSource {
 public:
  explicit StoreChangeSource(registry::Store& store) : store_(&store) {}

  StatusOr<std::string> RegistryId() override;
  StatusOr<int64_t> LastSeq() override;
  StatusOr<std::vector<Change>> ChangesSince(int64_t after_seq, int limit) override;
  StatusOr<std::vector<IndexRecord>> LoadRecords(const std::vector<int64_t>& rowids) override;

 private:
  registry::Store* store_;
};

// What the index needs of a registry record.
IndexRecord ToIndexRecord(const registry::PersonRecord& record);

// Resolves ID numbers through Store::FindByIdNumber; a lookup error finds nobody.
IdResolver StoreIdResolver(registry::Store& store);
// Resolves mobile numbers through Store::FindByPhone; a lookup error finds nobody.
PhoneResolver StorePhoneResolver(registry::Store& store);

}  // namespace tp::indexer
