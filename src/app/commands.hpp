// commands.hpp: each sub-command of the `facetwitch` executable registers itself on the CLI11 app.
// A command's callback stores its process exit code in `exit_code` (0 = success; otherwise
// ft::exit_code(ErrorKind) for the error class, documented in docs/OUTPUT.md).
#pragma once

#include <CLI/CLI.hpp>

namespace ft::app {

void register_analyse(CLI::App& root, int& exit_code);
void register_synth(CLI::App& root, int& exit_code);
void register_demo(CLI::App& root, int& exit_code);

}  // namespace ft::app
