// The commands of `talentpool` (api/cli.h parses the command line and calls one of these).
// Each returns the process exit code of CONTRACT.md: 0 done, 1 done in part or failed on the
// registry's side, 2 the command line or the input file could not be used.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tp::api::cli {

// The options given (`--name value`; a flag's value is "1") and the positional arguments.
struct Args {
  std::map<std::string, std::string> options;
  std::vector<std::string> positional;

  std::optional<std::string> Get(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
  }
  std::string GetOr(const std::string& name, const std::string& fallback) const {
    return Get(name).value_or(fallback);
  }
};

int CmdInit(const Args& args);
int CmdImport(const Args& args);
int CmdExport(const Args& args);
int CmdStats(const Args& args);
int CmdToken(const Args& args);
int CmdUser(const Args& args);
int CmdUnits(const Args& args);
int CmdDemo(const Args& args);
int CmdSearch(const Args& args);
int CmdReindex(const Args& args);
int CmdBackup(const Args& args);
int CmdRestore(const Args& args);
int CmdRekey(const Args& args);
int CmdServe(const Args& args);
int CmdConfig(const Args& args);

}  // namespace tp::api::cli
