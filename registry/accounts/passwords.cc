#include "registry/accounts/passwords.h"

#include <sodium.h>

#include <fstream>

namespace tp::registry {

PasswordCost PasswordCost::Moderate() {
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

PasswordCost PasswordCost::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

namespace {

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Characters, not bytes: a UTF-8 continuation byte does not start one.
std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

StatusOr<PasswordPolicy> PasswordPolicy::Load(const std::string& data_dir) {
  const std::string path = data_dir + "/common_passwords.txt";
  std::ifstream in(path);
  if (!in) return NotFound("缺少常见密码表 " + path);
  PasswordPolicy policy;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    policy.common_.insert(LowerAscii(line));
  }
  if (policy.common_.empty()) return Internal("常见密码表 " + path + " 是空的");
  return policy;
}

std::vector<std::string> PasswordPolicy::Problems(std::string_view password,
                                                  std::string_view username) const {
  std::vector<std::string> problems;
  if (CodePoints(password) < 10) problems.push_back("至少 10 个字符");
  bool lower = false, upper = false, digit = false, other = false;
  for (unsigned char c : password) {
    if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      other = true;
    }
  }
  if (int{lower} + int{upper} + int{digit} + int{other} < 3) {
    problems.push_back("须含小写字母、大写字母、数字、其他符号中的至少三类");
  }
  const std::string lowered = LowerAscii(password);
  if (username.size() >= 3 && lowered.find(LowerAscii(username)) != std::string::npos) {
    problems.push_back("不能包含用户名");
  }
  if (common_.count(lowered) > 0) problems.push_back("这是最常见的密码之一，请换一个");
  return problems;
}

StatusOr<std::string> HashPassword(std::string_view password, const PasswordCost& cost) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), cost.opslimit, cost.memlimit) != 0) {
    return Status(StatusCode::kResourceExhausted, "服务器内存不足，暂时无法处理密码，请稍后再试");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool NeedsRehash(const std::string& hash, const PasswordCost& cost) {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), cost.opslimit, cost.memlimit) != 0;
}

std::string NewInitialPassword() {
  // No 0/O/o, 1/l/I: the password is read off a screen or a slip of paper.
  static constexpr std::string_view kLower = "abcdefghijkmnpqrstuvwxyz";
  static constexpr std::string_view kUpper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  static constexpr std::string_view kDigits = "23456789";
  auto pick = [](std::string_view from) {
    return from[randombytes_uniform(static_cast<uint32_t>(from.size()))];
  };
  std::string out;
  for (int group = 0; group < 4; ++group) {
    if (group > 0) out += '-';
    // Each group holds every class, so the whole meets the rules whatever is drawn.
    std::string chars = {pick(kUpper), pick(kLower), pick(kDigits)};
    chars += pick(kLower);
    for (std::size_t i = chars.size(); i > 1; --i) {
      std::swap(chars[i - 1], chars[randombytes_uniform(static_cast<uint32_t>(i))]);
    }
    out += chars;
  }
  return out;
}

}  // namespace tp::registry
