#include "api/cli.h"

int main(int argc, char** argv) { return tp::api::RunCommandLine(argc, argv); }
