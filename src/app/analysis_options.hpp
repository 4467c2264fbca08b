// analysis_options.hpp: command-line options shared by `analyse` and `demo` (sensitivity, model), and
// loading the landmark model with a one-line error.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "face/face_tracker.hpp"
#include "pipeline/analyser.hpp"

namespace ft::app {

struct AnalysisCli {
  std::string model;
  AnalyserOptions analyser;
  bool no_mouth = false;
  bool no_eye = false;
  AnalyserOptions resolved() const;
};

void add_analysis_options(CLI::App* cmd, AnalysisCli& o);

struct LoadedModel {
  std::shared_ptr<const LandmarkModel> model;
  std::string path;
};
Result<LoadedModel> load_model(const std::string& cli_path);

// Prints "facetwitch: <message>" on stderr and returns the exit code of the error's kind.
int report(const Error& e);

}  // namespace ft::app
