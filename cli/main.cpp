// smgctl: runs the command tree of cli/app.h; every way out is an exit code.
#include <string>
#include <vector>

#include "cli/app.h"

int main(int argc, char** argv) {
  smg::cli::CliContext context;
  std::vector<std::string> args(argv + 1, argv + argc);
  return smg::cli::run_cli(context, std::move(args));
}
