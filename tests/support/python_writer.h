// Office files the tests write with Debian's python3 and its python3-xlwt and python3-docx
// (scripts/install-deps.sh test installs them): writers independent of the readers under test.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "support/temp_dir.h"

namespace tp::testing {

// Runs `body` as a Python script in `dir` with `import sys, <modules>` done, `out` set to the
// path to write and `args` the further arguments (sys.argv[2:]), each quoted for the shell.
inline void RunPythonWriter(const TempDir& dir, const std::string& modules, const std::string& body,
                            const std::string& out, const std::vector<std::string>& args = {}) {
  const std::string script = dir / "write.py";
  std::ofstream(script) << "import sys, " << modules << "\nout = sys.argv[1]\nargs = sys.argv[2:]\n"
                        << body << "\n";
  auto quoted = [](const std::string& text) { return "'" + text + "'"; };
  // Debian's own python, where its python3-* modules are installed.
  std::string command = "/usr/bin/python3 " + quoted(script) + " " + quoted(out);
  for (const std::string& arg : args) command += " " + quoted(arg);
  INFO("needs python3 with " << modules << ": scripts/install-deps.sh test installs them");
  REQUIRE(std::system(command.c_str()) == 0);
}

}  // namespace tp::testing
