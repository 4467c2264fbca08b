// analysis_options.cpp: shared options and model loading.
#include "app/analysis_options.hpp"
#include "app/terminal.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "core/fraction.hpp"
#include "face/model_locator.hpp"
#include "io/session.hpp"

namespace ft::app {

AnalyserOptions AnalysisCli::resolved() const {
  AnalyserOptions o = analyser;
  o.twitch.mouth_enabled = !no_mouth;
  o.twitch.eye_enabled = !no_eye;
  return o;
}

CLI::Option* add_percent_option(CLI::App* cmd, const std::string& name, double& value, const std::string& what,
                               FractionRange range) {
  const CLI::Validator percent(
      [range](std::string& text) -> std::string {
        const Result<double> v = parse_fraction_or_percent(text, range.min, range.max);
        if (!v) return v.error().message;  // CLI11 puts the option's name before it
        text = fmt::format("{:.17g}", v.value());  // what the option's own conversion then reads
        return {};
      },
      "", "percent or fraction");
  std::ostringstream def;
  def << 100.0 * value << "%";
  return cmd
      ->add_option(name, value,
                   fmt::format("{}: a percentage (e.g. {}) or the fraction ({:g}), from {:g}% to {:g}%", what,
                               def.str(), value, 100.0 * range.min, 100.0 * range.max))
      ->transform(percent)
      ->type_name("PERCENT")
      ->default_str(def.str());
}

void add_analysis_options(CLI::App* cmd, AnalysisCli& o) {
  cmd->add_option("--model", o.model,
                  "dlib 68-point landmark model (default: $FACETWITCH_MODEL, models/, then "
                  "/usr/share/dlib/shape_predictor_68_face_landmarks.dat)");
  auto& t = o.analyser.twitch;
  cmd->add_option("--threshold-k", t.threshold_k, "detection threshold in multiples of the robust noise sigma")
      ->check(CLI::Range(2.0, 50.0))
      ->capture_default_str();
  add_percent_option(cmd, "--min-amplitude", t.min_amplitude_iod, "smallest mouth-corner twitch counted, of the IOD",
                     kMinAmplitudeRange);
  add_percent_option(cmd, "--eye-min-amplitude", t.eye_min_amplitude_iod, "smallest eyelid twitch counted, of the IOD",
                     kMinAmplitudeRange);
  cmd->add_option("--min-face-iod", o.analyser.quality.min_iod_px,
                  "smallest face measured: frames with a smaller inter-ocular distance (px) are flagged 'face too "
                  "small' and not measured (docs/METRICS.md, 'Face size')")
      ->check(CLI::Range(16.0, 400.0))
      ->capture_default_str();
  cmd->add_option("--merge-gap", t.merge_gap_s, "twitches closer than this (s) form one episode")
      ->check(CLI::Range(0.05, 10.0))
      ->capture_default_str();
  cmd->add_option("--baseline-s", o.analyser.baseline_s,
                  "personal baseline: the first N seconds of measurable frames (hold a neutral face) give the "
                  "resting asymmetry and the smallest detectable twitch (default: no baseline; the whole "
                  "recording outside twitches and blinks)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            double v = 0.0;
            try {
              std::size_t used = 0;
              v = std::stod(text, &used);
              if (used != text.size()) v = kNaN;
            } catch (const std::exception&) {
              v = kNaN;
            }
            if (!(std::isfinite(v) && v >= kMinBaselineS && v <= kMaxBaselineS)) {
              std::ostringstream msg;
              msg << "--baseline-s must be a number of seconds from " << kMinBaselineS << " to " << kMaxBaselineS
                  << " (got '" << text << "')";
              return msg.str();
            }
            return {};
          },
          "SECONDS", "baseline seconds"));
  cmd->add_flag("--no-mouth", o.no_mouth, "do not detect mouth-corner twitches");
  cmd->add_flag("--no-eye", o.no_eye, "do not detect eyelid twitches");
}

void add_patient_option(CLI::App* cmd, std::string& patient_id, const char* where) {
  cmd->add_option("--patient", patient_id,
                  std::string("patient (or session) identifier written into ") + where +
                      " (at most 64 printable characters; avoid names if the files are shared)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const Status st = validate_patient_id(text);
            return st ? std::string() : st.error().message;
          },
          "ID", "patient identifier"));
}

void reject_non_finite_numbers(CLI::App& app) {
  const CLI::Validator finite(
      [](std::string& text) -> std::string {
        const char* begin = text.c_str();
        char* end = nullptr;
        const double v = std::strtod(begin, &end);
        if (end != begin && !std::isfinite(v)) {
          std::string msg = "must be a finite number, not '";
          msg += text;
          msg += "'";
          return msg;
        }
        return {};  // a finite number, or not a number at all (the option's own conversion says so)
      },
      "", "finite number");
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_type_name().rfind("FLOAT", 0) == 0)
      opt->check(finite);
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    reject_non_finite_numbers(*sub);
}

Result<LoadedModel> load_model(const std::string& cli_path) {
  auto path = locate_model(cli_path);
  if (!path) return path.error();
  auto model = load_landmark_model(path.value());
  if (!model) return model.error();
  return LoadedModel{model.value(), path.value().string()};
}

int report(const Error& e) {
  std::fprintf(stderr, "facetwitch: %s\n", printable(e.message).c_str());
  return exit_code(e.kind);
}

}  // namespace ft::app
