// stop_signals.hpp: Ctrl-C (SIGINT) and SIGTERM asking a running command to stop. The handler only
// records which signal came (an atomic flag, nothing else); the command's loop checks the flag, closes
// its files as it does at a normal end and exits with 128 + the signal (130, 143) or its own code.
// The one place that installs these handlers (analyse, record).
#pragma once

#include <atomic>
#include <string>

namespace ft::app {

// Installs the handlers for SIGINT and SIGTERM. Each is caught once: a second Ctrl-C while the files
// are being finished ends the process at once (the default action).
void catch_stop_signals();

// Set by the handler; points to a flag that stays valid for the whole program.
const std::atomic<bool>& stop_requested();

// The signal that asked to stop (SIGINT, SIGTERM), 0 when none.
int stop_signal();

// "SIGINT (Ctrl-C)", "SIGTERM", for messages and summary.json's partial reason.
std::string stop_signal_name(int sig);

// The exit code of a command stopped by `sig`: 128 + sig, as a shell reports a process it ends.
inline int stop_exit_code(int sig) { return 128 + sig; }

}  // namespace ft::app
