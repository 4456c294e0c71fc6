// Where talentpool finds its reference tables (data/) and web pages (web/): the "share folder".
// In order: the TALENTPOOL_ROOT environment variable; the folder set by SetShareRoot (the
// configuration file's [paths] share); share/talentpool beside the binary's own folder or one or
// two folders above it (an installed prefix, /usr/bin -> /usr/share/talentpool, and the build
// tree, which links data/ and web/ there); last, the install prefix's share folder compiled in.
// The source folder is never compiled in: an installed binary holds no path of the build machine.
#pragma once

#include <string>

namespace tp::registry {

// The folder holding data/ and web/ (no trailing slash).
std::string ProjectRoot();

// ProjectRoot() + "/data".
std::string DataDir();

// Makes `root` the share folder for the rest of the process (unless TALENTPOOL_ROOT is set).
// Not thread-safe: call before starting threads.
void SetShareRoot(const std::string& root);

}  // namespace tp::registry
