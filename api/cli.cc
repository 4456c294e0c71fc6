#include "api/cli.h"

#include <cstdio>

namespace tp::api {

int RunCommandLine(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "usage: talentpool COMMAND --data DIR ...\n");
  return 2;
}

}  // namespace tp::api
