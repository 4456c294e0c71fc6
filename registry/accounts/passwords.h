// Passwords of accounts: the rules a new one must meet, and how one is kept.
//
// A password is kept only as libsodium's crypto_pwhash_str string (Argon2id, with its salt and
// limits inside it), so a stolen database gives an attacker a slow guess per password. The rules
// follow what a guesser tries first: at least 10 characters from three of the four classes (lower
// case, upper case, digits, anything else), not containing the username, and not among the
// 10,000 commonest passwords of data/common_passwords.txt.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "registry/base/status.h"

namespace tp::registry {

// How much work one hash takes: libsodium's named limits.
struct PasswordCost {
  unsigned long long opslimit = 0;
  std::size_t memlimit = 0;
  // 3 passes over 256 MiB: the library's advice for interactive logins that can afford a
  // fraction of a second, and what the server uses.
  static PasswordCost Moderate();
  // 2 passes over 64 MiB: the library's lower limit, for tests that sign in many times.
  static PasswordCost Interactive();
};

class PasswordPolicy {
 public:
  // Reads the common passwords from `data_dir`/common_passwords.txt (one per line, `#` lines
  // are comments).
  static StatusOr<PasswordPolicy> Load(const std::string& data_dir);

  // Each rule `password` breaks, as a sentence in Chinese; empty when it is acceptable.
  std::vector<std::string> Problems(std::string_view password, std::string_view username) const;

  std::size_t CommonCount() const { return common_.size(); }

 private:
  std::unordered_set<std::string> common_;  // lower case
};

// The crypto_pwhash_str string of `password` (Argon2id). ResourceExhausted when the memory the
// cost asks for cannot be had.
StatusOr<std::string> HashPassword(std::string_view password, const PasswordCost& cost);
// Whether `password` is the one `hash` was made from. Takes as long as making the hash did.
bool VerifyPassword(const std::string& hash, std::string_view password);
// Whether `hash` was made with weaker limits than `cost` (then it is made again at sign-in).
bool NeedsRehash(const std::string& hash, const PasswordCost& cost);

// A random password for someone else to hand over (a new account, a reset): 16 characters in
// four groups, from an alphabet without look-alikes (0/O, 1/l/I), meeting the rules.
std::string NewInitialPassword();

}  // namespace tp::registry
