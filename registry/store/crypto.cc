#include "registry/store/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <vector>

namespace tp::registry {
namespace {

void InitSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium could not be initialised");
}

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "tpkeys01";
constexpr uint64_t kLegacyBoxSubkey = 1;  // XSalsa20-Poly1305, values sealed before key ids
constexpr uint64_t kIndexSubkey = 2;
constexpr uint64_t kAeadSubkey = 3;

using KeyBytes = std::array<unsigned char, 32>;
static_assert(crypto_kdf_KEYBYTES == 32 && crypto_secretbox_KEYBYTES == 32 &&
              crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);

// A sealed value: version, key id (big-endian), nonce, ciphertext with its tag.
constexpr unsigned char kVersion = 0x02;
constexpr size_t kHeaderBytes = 1 + 4;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
// A key file record: the key's id (big-endian) and its 32 bytes. A file of
// exactly 32 bytes is from before key ids: key 1.
constexpr size_t kRecordBytes = 4 + 32;
constexpr auto kRefreshInterval = std::chrono::seconds(1);

struct MasterKey {
  uint32_t id = 0;
  KeyBytes bytes{};
};

KeyBytes Subkey(const KeyBytes& master, uint64_t subkey) {
  KeyBytes out{};
  crypto_kdf_derive_from_key(out.data(), out.size(), subkey, kKdfContext, master.data());
  return out;
}

void PutId(unsigned char* out, uint32_t id) {
  out[0] = static_cast<unsigned char>(id >> 24);
  out[1] = static_cast<unsigned char>(id >> 16);
  out[2] = static_cast<unsigned char>(id >> 8);
  out[3] = static_cast<unsigned char>(id);
}

uint32_t GetId(const unsigned char* in) {
  return (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) | (uint32_t{in[2]} << 8) |
         uint32_t{in[3]};
}

struct FileStamp {
  int64_t mtime_ns = 0;
  int64_t size = 0;
  bool operator==(const FileStamp&) const = default;
};

StatusOr<std::vector<MasterKey>> ReadKeyFile(const std::string& path, FileStamp* stamp) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound("找不到密钥文件 " + path + "：" + std::strerror(errno));
  struct stat st {};
  ::fstat(fd, &st);
  std::string bytes;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0 && bytes.size() < 1 << 20)
    bytes.append(buffer, n);
  ::close(fd);
  if ((st.st_mode & 077) != 0)
    return PermissionDenied("密钥文件 " + path + " 的权限过宽（应为 0600）");
  stamp->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  stamp->size = static_cast<int64_t>(st.st_size);
  std::vector<MasterKey> keys;
  if (bytes.size() == 32) {
    keys.push_back({1, {}});
    std::memcpy(keys[0].bytes.data(), bytes.data(), 32);
  } else if (!bytes.empty() && bytes.size() % kRecordBytes == 0) {
    for (size_t at = 0; at < bytes.size(); at += kRecordBytes) {
      MasterKey k;
      k.id = GetId(reinterpret_cast<const unsigned char*>(bytes.data() + at));
      std::memcpy(k.bytes.data(), bytes.data() + at + 4, 32);
      if (k.id == 0 || (!keys.empty() && k.id <= keys.back().id)) {
        return Internal("密钥文件 " + path + " 已损坏（密钥编号不是递增的）");
      }
      keys.push_back(k);
    }
  } else {
    return Internal("密钥文件 " + path + " 已损坏（长度不对）");
  }
  sodium_memzero(bytes.data(), bytes.size());
  return keys;
}

// Writes the whole file beside the old one and renames it over: a crash
// leaves the old file or the new one, never half of one.
Status WriteKeyFile(const std::string& path, const std::vector<MasterKey>& keys, bool exclusive) {
  std::string bytes(keys.size() * kRecordBytes, '\0');
  for (size_t i = 0; i < keys.size(); ++i) {
    auto* at = reinterpret_cast<unsigned char*>(bytes.data() + i * kRecordBytes);
    PutId(at, keys[i].id);
    std::memcpy(at + 4, keys[i].bytes.data(), 32);
  }
  const std::string temp = exclusive ? path : path + ".new";
  int fd =
      ::open(temp.c_str(), O_WRONLY | O_CREAT | (exclusive ? O_EXCL : O_TRUNC) | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("无法创建密钥文件 " + temp + "：" + std::strerror(errno));
  bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  written = (::fsync(fd) == 0) && written;
  ::close(fd);
  sodium_memzero(bytes.data(), bytes.size());
  if (!written) return Internal("无法写入密钥文件 " + temp);
  if (!exclusive && ::rename(temp.c_str(), path.c_str()) != 0) {
    return Internal("无法替换密钥文件 " + path + "：" + std::strerror(errno));
  }
  std::string dir =
      path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace

struct Keyring::State {
  struct Key {
    uint32_t id;
    KeyBytes aead;
  };

  std::string path;
  KeyBytes legacy_box{};  // the first key's
  KeyBytes index_key{};   // the first key's, for the registry's whole life
  mutable std::shared_mutex mu;
  std::vector<Key> keys;  // by ascending id; guarded by mu
  FileStamp stamp;        // guarded by mu
  mutable std::atomic<int64_t> next_check{0};

  ~State() {
    for (Key& k : keys) sodium_memzero(k.aead.data(), k.aead.size());
    sodium_memzero(legacy_box.data(), legacy_box.size());
    sodium_memzero(index_key.data(), index_key.size());
  }

  // Under an exclusive lock of mu.
  void Install(const std::vector<MasterKey>& masters, const FileStamp& file) {
    keys.clear();
    for (const MasterKey& m : masters) keys.push_back({m.id, Subkey(m.bytes, kAeadSubkey)});
    stamp = file;
  }

  const Key* Find(uint32_t id) const {
    for (const Key& k : keys)
      if (k.id == id) return &k;
    return nullptr;
  }

  // Takes in keys another process added to the file.
  void Refresh() {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return;
    FileStamp now{static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                  static_cast<int64_t>(st.st_size)};
    {
      std::shared_lock lock(mu);
      if (now == stamp) return;
    }
    FileStamp read_stamp;
    auto masters = ReadKeyFile(path, &read_stamp);
    if (!masters.ok()) return;  // keep the keys in hand; the next look may succeed
    std::unique_lock lock(mu);
    Install(*masters, read_stamp);
  }
};

namespace {

std::shared_ptr<Keyring::State> MakeState(const std::string& path,
                                          const std::vector<MasterKey>& masters,
                                          const FileStamp& stamp) {
  auto state = std::make_shared<Keyring::State>();
  state->path = path;
  state->legacy_box = Subkey(masters.front().bytes, kLegacyBoxSubkey);
  state->index_key = Subkey(masters.front().bytes, kIndexSubkey);
  state->Install(masters, stamp);
  return state;
}

}  // namespace

std::string SealContext(std::string_view table, std::string_view column, int64_t rowid) {
  return std::string(table) + "." + std::string(column) + "#" + std::to_string(rowid);
}

StatusOr<Keyring> Keyring::Create(const std::string& path) {
  InitSodium();
  std::vector<MasterKey> masters(1);
  masters[0].id = 1;
  crypto_kdf_keygen(masters[0].bytes.data());
  TP_RETURN_IF_ERROR(WriteKeyFile(path, masters, /*exclusive=*/true));
  FileStamp stamp;
  auto read = ReadKeyFile(path, &stamp);
  if (!read.ok()) return read.status();
  Keyring keyring(MakeState(path, masters, stamp));
  sodium_memzero(masters[0].bytes.data(), 32);
  return keyring;
}

StatusOr<Keyring> Keyring::Load(const std::string& path) {
  InitSodium();
  FileStamp stamp;
  TP_ASSIGN_OR_RETURN(auto masters, ReadKeyFile(path, &stamp));
  Keyring keyring(MakeState(path, masters, stamp));
  for (MasterKey& m : masters) sodium_memzero(m.bytes.data(), 32);
  return keyring;
}

StatusOr<uint32_t> Keyring::AddKey() {
  FileStamp stamp;
  TP_ASSIGN_OR_RETURN(auto masters, ReadKeyFile(state_->path, &stamp));
  MasterKey fresh;
  fresh.id = masters.back().id + 1;
  crypto_kdf_keygen(fresh.bytes.data());
  masters.push_back(fresh);
  Status written = WriteKeyFile(state_->path, masters, /*exclusive=*/false);
  if (written.ok()) {
    auto reread = ReadKeyFile(state_->path, &stamp);
    if (!reread.ok()) written = reread.status();
    if (written.ok()) {
      std::unique_lock lock(state_->mu);
      state_->Install(*reread, stamp);
    }
  }
  for (MasterKey& m : masters) sodium_memzero(m.bytes.data(), 32);
  if (!written.ok()) return written;
  return fresh.id;
}

uint32_t Keyring::CurrentKeyId() const {
  std::shared_lock lock(state_->mu);
  return state_->keys.back().id;
}

uint32_t Keyring::KeyIdOf(std::string_view sealed) {
  if (sealed.size() < kHeaderBytes + kNonceBytes + kTagBytes ||
      static_cast<unsigned char>(sealed[0]) != kVersion) {
    return 0;
  }
  return GetId(reinterpret_cast<const unsigned char*>(sealed.data() + 1));
}

std::string Keyring::Seal(std::string_view plaintext, std::string_view context) const {
  const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  int64_t due = state_->next_check.load();
  if (now >= due && state_->next_check.compare_exchange_strong(
                        due, now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                       kRefreshInterval)
                                       .count())) {
    state_->Refresh();
  }
  std::string out(kHeaderBytes + kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  KeyBytes key;
  {
    std::shared_lock lock(state_->mu);
    PutId(bytes + 1, state_->keys.back().id);
    key = state_->keys.back().aead;
  }
  bytes[0] = kVersion;
  unsigned char* nonce = bytes + kHeaderBytes;
  randombytes_buf(nonce, kNonceBytes);
  // The header is bound too: a value cannot be made to name another key.
  std::string ad(out.data(), kHeaderBytes);
  ad.append(context);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + kNonceBytes, &written, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
      nonce, key.data());
  sodium_memzero(key.data(), key.size());
  return out;
}

StatusOr<std::string> Keyring::Open(std::string_view sealed, std::string_view context) const {
  if (const uint32_t id = KeyIdOf(sealed); id != 0) {
    KeyBytes key{};
    bool found = false;
    for (int attempt = 0; attempt < 2 && !found; ++attempt) {
      if (attempt == 1) state_->Refresh();  // a key added by another process since
      std::shared_lock lock(state_->mu);
      if (const State::Key* k = state_->Find(id)) {
        key = k->aead;
        found = true;
      }
    }
    if (found) {
      const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
      std::string ad(sealed.data(), kHeaderBytes);
      ad.append(context);
      std::string out(sealed.size() - kHeaderBytes - kNonceBytes - kTagBytes, '\0');
      unsigned long long length = 0;
      const int failed = crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &length, nullptr,
          bytes + kHeaderBytes + kNonceBytes, sealed.size() - kHeaderBytes - kNonceBytes,
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), bytes + kHeaderBytes,
          key.data());
      sodium_memzero(key.data(), key.size());
      if (failed == 0) return out;
    }
  }
  // Sealed before key ids: XSalsa20-Poly1305 under the first key, bound to nothing.
  constexpr size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (sealed.size() >= kOverhead) {
    std::string out(sealed.size() - kOverhead, '\0');
    const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
    if (crypto_secretbox_open_easy(
            reinterpret_cast<unsigned char*>(out.data()), nonce + crypto_secretbox_NONCEBYTES,
            sealed.size() - crypto_secretbox_NONCEBYTES, nonce, state_->legacy_box.data()) == 0) {
      return out;
    }
  }
  return Internal(
      "密文无法用本登记库的密钥解开（密钥文件与数据库不匹配，或密文被改动、被挪到别处）");
}

std::string Keyring::BlindIndex(std::string_view purpose, std::string_view value) const {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, state_->index_key.data(), state_->index_key.size());
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
