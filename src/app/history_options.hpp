// history_options.hpp: the session-history options shared by the commands that write a session
// (`analyse`, `record`): --history FILE and --no-history, and adding a finished session folder.
#pragma once

#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

namespace ft::app {

struct HistoryCli {
  std::string
      file;  // --history; empty: $FACETWITCH_HISTORY, else $XDG_DATA_HOME/facetwitch/history.sqlite
  bool disabled = false;  // --no-history
};

// Adds --history FILE (and, when `with_disable`, --no-history) to `cmd`.
void add_history_options(CLI::App* cmd, HistoryCli& h, bool with_disable);

// Adds the finished session `folder` to the history (unless --no-history). Never fails the command:
// a history problem is a warning on stderr that says the folder is kept and how to import it later.
// Prints "added to the session history" on stdout unless `quiet`.
void add_to_history(const HistoryCli& h, const std::filesystem::path& folder, bool quiet);

}  // namespace ft::app
