#include "registry/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tp::registry {
namespace {

void InitSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium could not be initialised");
}

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "tpkeys01";
constexpr uint64_t kEncryptionSubkey = 1;
constexpr uint64_t kIndexSubkey = 2;

}  // namespace

void Keyring::Derive(const std::array<unsigned char, 32>& master) {
  static_assert(crypto_kdf_KEYBYTES == 32 && crypto_secretbox_KEYBYTES == 32);
  crypto_kdf_derive_from_key(encryption_key_.data(), encryption_key_.size(), kEncryptionSubkey,
                             kKdfContext, master.data());
  crypto_kdf_derive_from_key(index_key_.data(), index_key_.size(), kIndexSubkey, kKdfContext,
                             master.data());
}

StatusOr<Keyring> Keyring::Create(const std::string& path) {
  InitSodium();
  std::array<unsigned char, 32> master{};
  crypto_kdf_keygen(master.data());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Internal("无法创建密钥文件 " + path + "：" + std::strerror(errno));
  }
  bool written = ::write(fd, master.data(), master.size()) == static_cast<ssize_t>(master.size());
  written = (::fsync(fd) == 0) && written;
  ::close(fd);
  if (!written) return Internal("无法写入密钥文件 " + path);
  Keyring keyring;
  keyring.Derive(master);
  sodium_memzero(master.data(), master.size());
  return keyring;
}

StatusOr<Keyring> Keyring::Load(const std::string& path) {
  InitSodium();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return NotFound("找不到密钥文件 " + path + "：" + std::strerror(errno));
  }
  struct stat st {};
  ::fstat(fd, &st);
  std::array<unsigned char, 32> master{};
  ssize_t n = ::read(fd, master.data(), master.size());
  char extra = 0;
  ssize_t more = ::read(fd, &extra, 1);
  ::close(fd);
  if ((st.st_mode & 077) != 0) {
    return PermissionDenied("密钥文件 " + path + " 的权限过宽（应为 0600）");
  }
  if (n != static_cast<ssize_t>(master.size()) || more != 0) {
    return Internal("密钥文件 " + path + " 已损坏（长度不对）");
  }
  Keyring keyring;
  keyring.Derive(master);
  sodium_memzero(master.data(), master.size());
  return keyring;
}

std::string Keyring::Encrypt(std::string_view plaintext) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, encryption_key_.data());
  return out;
}

StatusOr<std::string> Keyring::Decrypt(std::string_view ciphertext) const {
  constexpr size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (ciphertext.size() < kOverhead) return Internal("密文已损坏");
  std::string out(ciphertext.size() - kOverhead, '\0');
  const auto* nonce = reinterpret_cast<const unsigned char*>(ciphertext.data());
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 nonce + crypto_secretbox_NONCEBYTES,
                                 ciphertext.size() - crypto_secretbox_NONCEBYTES, nonce,
                                 encryption_key_.data()) != 0) {
    return Internal("密文无法用当前密钥解开（密钥文件与数据库不匹配？）");
  }
  return out;
}

std::string Keyring::BlindIndex(std::string_view purpose, std::string_view value) const {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, index_key_.data(), index_key_.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(purpose.data()),
                                purpose.size());
  const unsigned char separator = 0;
  crypto_auth_hmacsha256_update(&state, &separator, 1);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(value.data()),
                                value.size());
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string HashToken(std::string_view token) {
  InitSodium();
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return out;
}

std::string NewToken() {
  InitSodium();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char encoded[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string("tp_") + encoded;
}

std::string RandomHex(size_t bytes) {
  InitSodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                 raw.size());
  hex.pop_back();
  return hex;
}

}  // namespace tp::registry
