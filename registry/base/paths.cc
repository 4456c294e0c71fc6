#include "registry/base/paths.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace tp::registry {
namespace {

std::string& ConfiguredRoot() {
  static std::string root;
  return root;
}

bool HasData(const std::filesystem::path& share) {
  std::error_code ec;
  return std::filesystem::is_directory(share / "data", ec);
}

// share/talentpool in the binary's folder, its parent or grandparent: /usr/bin/talentpool finds
// /usr/share/talentpool, build/talentpool and build/tests/*_tests find build/share/talentpool.
std::string BesideBinary() {
  char self[4096];
  ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (length <= 0) return "";
  std::filesystem::path dir = std::filesystem::path(std::string(self, length)).parent_path();
  for (int up = 0; up < 3 && !dir.empty(); ++up, dir = dir.parent_path()) {
    std::filesystem::path share = dir / "share" / "talentpool";
    if (HasData(share)) return share.string();
    if (dir == dir.root_path()) break;
  }
  return "";
}

}  // namespace

std::string ProjectRoot() {
  const char* env = std::getenv("TALENTPOOL_ROOT");
  if (env != nullptr && *env != '\0') return env;
  if (!ConfiguredRoot().empty()) return ConfiguredRoot();
  static const std::string beside = BesideBinary();
  if (!beside.empty()) return beside;
  return TALENTPOOL_INSTALL_SHARE;
}

std::string DataDir() { return ProjectRoot() + "/data"; }

void SetShareRoot(const std::string& root) { ConfiguredRoot() = root; }

}  // namespace tp::registry
