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

// --baseline-s: accepted range, seconds. The lower bound leaves a second after the twitch detector's
// warm-up (1 s by default), during which it has no threshold yet.
inline constexpr double kMinBaselineS = 2.0;
inline constexpr double kMaxBaselineS = 600.0;

void add_analysis_options(CLI::App* cmd, AnalysisCli& o);

// An option that is a share of a whole (a fraction of the IOD: the window shows it as "% IOD"): it
// accepts "1.2%" and the fraction "0.012" alike (parse_fraction_or_percent, core/fraction.hpp), refuses
// garbage, NaN, infinities and values outside `range` (fractions, inclusive) as a usage error naming
// the option (exit 2), and stores the fraction. Every percent option is added through this.
struct FractionRange {
  double min = 0.0;
  double max = 1.0;
};
inline constexpr FractionRange kMinAmplitudeRange{0.002, 0.2};  // --min-amplitude, --eye-min-amplitude
CLI::Option* add_percent_option(CLI::App* cmd, const std::string& name, double& value, const std::string& what,
                                FractionRange range);

// --patient ID: the patient identifier (validated by validate_patient_id: a bad one is a usage error).
// `where`: what the identifier goes into, for the help text.
void add_patient_option(CLI::App* cmd, std::string& patient_id, const char* where = "summary.json");

struct LoadedModel {
  std::shared_ptr<const LandmarkModel> model;
  std::string path;
};
Result<LoadedModel> load_model(const std::string& cli_path);

// Adds to every floating-point option of `app` and of its subcommands (CLI11 type FLOAT) a check that
// refuses "nan", "inf" and "-inf" (any spelling strtod accepts): NaN passes every range check, and an
// infinite duration never ends. A usage error naming the option (exit 2). Called once, after every
// command has registered its options.
void reject_non_finite_numbers(CLI::App& app);

// Prints "facetwitch: <message>" on stderr and returns the exit code of the error's kind.
int report(const Error& e);

}  // namespace ft::app
