// Protection of sensitive values (PIPL): 身份证号 and 手机 are encrypted at
// rest and found again through a keyed hash (a "blind index"), so neither the
// SQLite file, its WAL, a backup nor the search index holds the plaintext.
//
// The key file (mode 0600) lives beside the database, never inside it: a copy
// of the database alone reveals nothing. Losing the key file loses the sealed
// values, so it is kept apart from the backups (see README).
//
// Keys have ids so that they can be rotated (`talentpool rekey`): a value is
// sealed under the newest key of the file and names its key, and the older
// keys stay in the file to open older values and backups. Each value is bound
// to where it is kept (table, column and row, its "context"): a sealed value
// copied to another row or column does not open. The blind index key stays
// the registry's first key for its whole life, so that lookups by ID number
// never depend on how far a rotation has got.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "registry/base/status.h"

namespace tp::registry {

// The context of a value kept in `column` of `table`, row `rowid`: "persons.phone#42".
std::string SealContext(std::string_view table, std::string_view column, int64_t rowid);

class Keyring {
 public:
  // Creates a new key file at `path` (fails if it exists) with mode 0600.
  static StatusOr<Keyring> Create(const std::string& path);
  // Loads the key file; fails if missing, damaged, or readable by others. A
  // file of 32 bytes (before key ids) is the one key with id 1.
  static StatusOr<Keyring> Load(const std::string& path);

  // Authenticated encryption (XChaCha20-Poly1305) under the newest key, with
  // a fresh random nonce and `context` as associated data. Notices, once a
  // second at most, a newer key another process added to the file.
  std::string Seal(std::string_view plaintext, std::string_view context) const;
  // Fails when the value was not sealed under a key of this file, was altered,
  // or was sealed for another context. Values sealed before key ids (under the
  // first key, without context) open too, until a rekey seals them anew.
  StatusOr<std::string> Open(std::string_view sealed, std::string_view context) const;
  // The key a sealed value names; 0 for a value sealed before key ids.
  static uint32_t KeyIdOf(std::string_view sealed);
  uint32_t CurrentKeyId() const;

  // Adds a new random key to the file (rewritten whole, 0600, then renamed
  // over the old one) and makes it the newest; returns its id.
  StatusOr<uint32_t> AddKey();

  // HMAC-SHA-256 of the value under a key of its own, domain-separated by
  // `purpose` ("id_number", "phone"): equal inputs give equal hashes.
  std::string BlindIndex(std::string_view purpose, std::string_view value) const;

  struct State;

 private:
  explicit Keyring(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

// SHA-256 of an API token; tokens are random, so no key is needed.
std::string HashToken(std::string_view token);
// A new random API token: "tp_" + 43 URL-safe base64 characters (256 bits).
std::string NewToken();
// A random hex identifier of `bytes` bytes (registry identity, ...).
std::string RandomHex(size_t bytes);

}  // namespace tp::registry
