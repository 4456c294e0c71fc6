#include "registry/store/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "support/temp_dir.h"

using tp::registry::Keyring;
using tp::registry::SealContext;
using tp::testing::TempDir;

namespace {

Keyring MustCreate(const std::string& path) {
  auto keys = Keyring::Create(path);
  REQUIRE(keys.ok());
  return *keys;
}

}  // namespace

TEST_CASE("Keyring: a sealed value opens only in the row and column it was sealed for",
          "[crypto][privacy]") {
  TempDir dir;
  Keyring keys = MustCreate(dir / "talentpool.key");
  const std::string sealed =
      keys.Seal("450103198603070031", SealContext("persons", "id_number", 7));
  CHECK(sealed.find("450103198603070031") == std::string::npos);
  auto opened = keys.Open(sealed, SealContext("persons", "id_number", 7));
  REQUIRE(opened.ok());
  CHECK(*opened == "450103198603070031");
  CHECK_FALSE(keys.Open(sealed, SealContext("persons", "id_number", 8)).ok());
  CHECK_FALSE(keys.Open(sealed, SealContext("persons", "phone", 7)).ok());
  CHECK(Keyring::KeyIdOf(sealed) == 1);
  // The same value seals differently each time.
  CHECK(keys.Seal("450103198603070031", SealContext("persons", "id_number", 7)) != sealed);
}

TEST_CASE("Keyring: a value cannot be made to name another key", "[crypto][privacy]") {
  TempDir dir;
  Keyring keys = MustCreate(dir / "talentpool.key");
  REQUIRE(keys.AddKey().ok());
  std::string sealed = keys.Seal("13812345678", "persons.phone#1");
  REQUIRE(Keyring::KeyIdOf(sealed) == 2);
  sealed[4] = 1;  // the header now names key 1
  CHECK_FALSE(keys.Open(sealed, "persons.phone#1").ok());
}

TEST_CASE("Keyring: a key file from before key ids is key 1, and its unbound values still open",
          "[crypto][compat]") {
  TempDir dir;
  const std::string path = dir / "talentpool.key";
  unsigned char master[32];
  REQUIRE(sodium_init() >= 0);
  randombytes_buf(master, sizeof master);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, master, sizeof master) == 32);
  ::close(fd);
  // A value as the registry sealed it then: XSalsa20-Poly1305 under the first
  // subkey of the master key, context "tpkeys01", nonce first.
  unsigned char box_key[32];
  crypto_kdf_derive_from_key(box_key, sizeof box_key, 1, "tpkeys01", master);
  const std::string plain = "450103198603070031";
  std::string legacy(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(legacy.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                        box_key);

  auto keys = Keyring::Load(path);
  REQUIRE(keys.ok());
  CHECK(keys->CurrentKeyId() == 1);
  auto opened = keys->Open(legacy, SealContext("persons", "id_number", 3));
  REQUIRE(opened.ok());
  CHECK(*opened == plain);
  // Adding a key rewrites the file in records; key 1 and its values stay.
  auto added = keys->AddKey();
  REQUIRE(added.ok());
  CHECK(*added == 2);
  auto reloaded = Keyring::Load(path);
  REQUIRE(reloaded.ok());
  CHECK(reloaded->CurrentKeyId() == 2);
  CHECK(reloaded->Open(legacy, SealContext("persons", "id_number", 3)).ok());
  CHECK(reloaded->BlindIndex("id_number", plain) == keys->BlindIndex("id_number", plain));
}

TEST_CASE(
    "Keyring: a key another process adds opens its values at once and is sealed under soon after",
    "[crypto][rotation]") {
  TempDir dir;
  const std::string path = dir / "talentpool.key";
  Keyring server = MustCreate(path);
  auto other = Keyring::Load(path);
  REQUIRE(other.ok());
  REQUIRE(other->AddKey().ok());
  const std::string sealed = other->Seal("13812345678", "persons.phone#5");
  CHECK(Keyring::KeyIdOf(sealed) == 2);
  auto opened = server.Open(sealed, "persons.phone#5");
  REQUIRE(opened.ok());
  CHECK(*opened == "13812345678");
  CHECK(server.CurrentKeyId() == 2);
  CHECK(Keyring::KeyIdOf(server.Seal("x", "persons.phone#5")) == 2);
}

TEST_CASE("Keyring: a damaged or readable key file is refused", "[crypto]") {
  TempDir dir;
  const std::string path = dir / "talentpool.key";
  MustCreate(path);
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  CHECK(Keyring::Load(path).status().code() == tp::StatusCode::kPermissionDenied);
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  REQUIRE(::truncate(path.c_str(), 30) == 0);
  CHECK_FALSE(Keyring::Load(path).ok());
}
