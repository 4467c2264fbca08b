// commands.hpp: each sub-command of the `facetwitch` executable registers itself on the CLI11 app.
// A command's callback stores its process exit code in `exit_code` (0 = success; otherwise
// ft::exit_code(ErrorKind) for the error class, documented in docs/OUTPUT.md).
#pragma once

#include <CLI/CLI.hpp>

namespace ft::app {

void register_analyse(CLI::App& root, int& exit_code);
void register_synth(CLI::App& root, int& exit_code);
void register_demo(CLI::App& root, int& exit_code);
// `facetwitch bench [VIDEO]`: the end-to-end performance benchmark (docs/PERFORMANCE.md).
void register_bench(CLI::App& root, int& exit_code);
void register_accuracy(CLI::App& root, int& exit_code);
// `facetwitch record SOURCE --out DIR`: a live session recorded without the window (docs/ROBUSTNESS.md).
void register_record(CLI::App& root, int& exit_code);
// `facetwitch report SESSION_DIR`: report.html + report.json of a session folder (docs/OUTPUT.md).
void register_report(CLI::App& root, int& exit_code);
// `facetwitch history list|import|trend|show|delete`: the session history (docs/OUTPUT.md).
void register_history(CLI::App& root, int& exit_code);
// `facetwitch gui`: always registered; without the window built it says so (exit code 2).
void register_gui(CLI::App& root, int& exit_code);

}  // namespace ft::app
