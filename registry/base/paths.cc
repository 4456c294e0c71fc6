#include "registry/base/paths.h"

#include <cstdlib>

namespace tp::registry {

std::string ProjectRoot() {
  const char* env = std::getenv("TALENTPOOL_ROOT");
  if (env != nullptr && *env != '\0') return env;
  return TALENTPOOL_SOURCE_ROOT;
}

std::string DataDir() { return ProjectRoot() + "/data"; }

}  // namespace tp::registry
