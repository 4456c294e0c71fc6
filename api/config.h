// The configuration file of `talentpool serve` (TOML, the example is
// scripts/packaging/talentpool.toml.example): [server], [limits], [sessions], [observe]. Every
// key is optional (the defaults of ServeOptions stand); an unknown table or key, a value of the
// wrong type or out of its range is an error naming the file and the key, so a typo never
// passes silently.
#pragma once

#include <string>

#include "api/serve.h"
#include "registry/base/status.h"

namespace tp::api {

// Reads `path` over the values already in `options`. `share_root` receives [server] share (the
// folder holding data/ and web/), empty when not set. InvalidArgument whose message names the
// file and the key ("talentpool.toml: [server] port：…") and whose detail's field is
// "[server] port"; NotFound when the file cannot be read.
Status LoadServeConfig(const std::string& path, ServeOptions* options, std::string* share_root);

// Checks what can be checked before serving: the data folder exists and holds a registry, the
// share folder holds data/. FailedPrecondition naming the file and key otherwise.
Status CheckServeConfig(const std::string& path, const ServeOptions& options,
                        const std::string& share_root);

}  // namespace tp::api
