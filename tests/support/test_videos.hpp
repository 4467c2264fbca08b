// test_videos.hpp: ground-truth videos for tests, generated from the astronaut portrait (never
// committed) into <cache>/test-data/<name>/ (shared by every build; regenerated when the scenario or the
// generator changes; generation is serialised across the parallel test processes by a file lock), and
// helpers to run the real `facetwitch` executable.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "synth/scenario.hpp"

namespace ft::testing {

// Generates `scenario` into <cache>/test-data/<name>/ unless an identical one is already there.
// Returns the folder (video.mp4 + truth.json), or nullopt with a reason in `why` when the photo is
// missing (the caller should GTEST_SKIP) ; generation errors fail the test.
std::optional<std::filesystem::path> ensure_video(const std::string& name, const Scenario& scenario, std::string* why);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the facetwitch executable with the given arguments (each quoted for the shell).
CommandResult run_facetwitch(const std::vector<std::string>& args, const std::string& env = "");

// A fresh, empty folder under <build>/test-out/.
std::filesystem::path fresh_dir(const std::string& name);

}  // namespace ft::testing
