// Where talentpool finds its reference tables (data/) and web pages (web/).
// The TALENTPOOL_ROOT environment variable names the project folder; without
// it, the source folder the binary was built from is used.
#pragma once

#include <string>

namespace tp::registry {

// The project folder holding data/ and web/ (no trailing slash).
std::string ProjectRoot();

// ProjectRoot() + "/data".
std::string DataDir();

}  // namespace tp::registry
