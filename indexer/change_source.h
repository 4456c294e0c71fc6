// Where the index takes its documents from: the registry's change log. Every write of a person
// or of anything shown in their search document appends (seq, rowid); the index applies the log
// in order and remembers the last seq it applied. The registry's Store is the one real source
// (see store_change_source.h); the interface keeps the index free of SQLite.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "indexer/index_record.h"
#include "registry/base/status.h"

namespace tp::indexer {

struct Change {
  int64_t seq = 0;
  int64_t rowid = 0;  // the person's rowid
};

class ChangeSource {
 public:
  virtual ~ChangeSource() = default;

  // A stable random identity of the registry: an index built from another registry is rebuilt.
  virtual StatusOr<std::string> RegistryId() = 0;
  // The seq of the newest change (0 when there is none).
  virtual StatusOr<int64_t> LastSeq() = 0;
  // Up to `limit` changes with seq > `after_seq`, in seq order.
  virtual StatusOr<std::vector<Change>> ChangesSince(int64_t after_seq, int limit) = 0;
  // The current state of each person; a rowid that is gone comes back with deleted = true (or
  // not at all, which means the same).
  virtual StatusOr<std::vector<IndexRecord>> LoadRecords(const std::vector<int64_t>& rowids) = 0;
};

}  // namespace tp::indexer
