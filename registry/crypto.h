// Protection of sensitive values (PIPL): 身份证号 and 手机 are encrypted at
// rest and found again through a keyed hash (a "blind index"), so neither the
// SQLite file, its WAL, a backup nor the search index holds the plaintext.
//
// The key file (32 random bytes, mode 0600) lives beside the database, never
// inside it: a copy of the database alone reveals nothing. Losing the key file
// loses the encrypted values, so a backup must take both (see README).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "registry/status.h"

namespace tp::registry {

class Keyring {
 public:
  // Creates a new key file at `path` (fails if it exists) with mode 0600.
  static StatusOr<Keyring> Create(const std::string& path);
  // Loads the key file; fails if missing, of the wrong size, or readable by others.
  static StatusOr<Keyring> Load(const std::string& path);

  // Authenticated encryption (XSalsa20-Poly1305) with a fresh random nonce:
  // the same plaintext encrypts differently each time.
  std::string Encrypt(std::string_view plaintext) const;
  // Fails when the ciphertext was not made under this key or was altered.
  StatusOr<std::string> Decrypt(std::string_view ciphertext) const;
  // HMAC-SHA-256 of the value under a key of its own, domain-separated by
  // `purpose` ("id_number", "phone"): equal inputs give equal hashes.
  std::string BlindIndex(std::string_view purpose, std::string_view value) const;

 private:
  Keyring() = default;
  void Derive(const std::array<unsigned char, 32>& master);

  std::array<unsigned char, 32> encryption_key_{};
  std::array<unsigned char, 32> index_key_{};
};

// SHA-256 of an API token; tokens are random, so no key is needed.
std::string HashToken(std::string_view token);
// A new random API token: "tp_" + 43 URL-safe base64 characters (256 bits).
std::string NewToken();
// A random hex identifier of `bytes` bytes (registry identity, ...).
std::string RandomHex(size_t bytes);

}  // namespace tp::registry
