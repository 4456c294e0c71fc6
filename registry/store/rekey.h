// Key rotation: every sealed value of the registry is sealed anew under a new
// key (crypto.h), online, while the server serves.
//
// The first run adds a key to the key file, notes it in `meta` (rekey_to),
// then re-seals the values that are not under it, a batch of rows per
// transaction, holding the writer only for one batch at a time. A run that is
// killed leaves every committed batch re-sealed and the note in place: the
// next run takes up the same key where it stopped. The run ends when a pass
// over every sealed column finds nothing left (a server sealing under the old
// key until it notices the new one, within a second, is caught by a later
// pass), and removes the note. The older keys stay in the key file: backups
// made before still open.
#pragma once

#include <cstdint>
#include <functional>

#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::registry {

struct RekeyProgress {
  uint32_t key_id = 0;   // the key values are sealed under
  bool resumed = false;  // an earlier run's rotation was taken up
  int64_t resealed = 0;  // values sealed anew so far by this run
};

struct RekeyOptions {
  int batch_rows = 500;
  // Called after each committed batch.
  std::function<void(const RekeyProgress&)> on_batch;
};

StatusOr<RekeyProgress> Rekey(Store& store, const RekeyOptions& options = {});

}  // namespace tp::registry
