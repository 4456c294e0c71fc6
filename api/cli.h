// The `talentpool` command line (CONTRACT.md): init, import, stats, token,
// serve, search, reindex. Returns the process exit code.
#pragma once

namespace tp::api {

int RunCommandLine(int argc, char** argv);

}  // namespace tp::api
