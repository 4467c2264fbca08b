// protocol_panel.hpp: the guided screening protocol in the window: the Protocol tab (step file,
// patient identifier, start / re-take / keep / skip / stop, the steps' progress, and the scored table
// at the end), and the prompt drawn over the video (the step, what to do, the countdown, what is wrong
// with the picture). The step logic is protocol/protocol_runner.hpp; scoring is
// protocol/protocol_score.hpp, run on the recording's session folder when the last step is done, so
// the window and `facetwitch analyse --protocol` give the same numbers.
// UI thread only.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <imgui.h>
#include <nlohmann/json_fwd.hpp>

#include "pipeline/live.hpp"
#include "protocol/protocol.hpp"
#include "protocol/protocol_runner.hpp"
#include "protocol/protocol_score.hpp"
#include "ui/theme.hpp"

namespace ft::ui {

class ProtocolPanel {
 public:
  struct Hooks {
    // Starts a recording in a new session folder; returns it, or nullopt (the error is shown by the caller).
    std::function<std::optional<std::filesystem::path>()> start_recording;
    std::function<void()> stop_recording;
    std::function<void(const std::string&, ImU32)> notify;
  };

  ProtocolPanel(Hooks hooks, std::filesystem::path step_file);

  // Starts the protocol on a recording that is already being made into `dir` (from its first frame:
  // `facetwitch gui --protocol FILE --record DIR`).
  void start_on_recording(const std::filesystem::path& dir);
  // One UI frame: follows the live snapshot (nullptr: no live source).
  void update(const LiveSnapshot* snap);
  // The tab's contents; `live` says whether a live source is open.
  void draw_tab(const Fonts& fonts, bool live);
  // The prompt over the video picture (p0-p1), while a protocol runs.
  void draw_prompt(ImDrawList* dl, ImVec2 p0, ImVec2 p1, const Fonts& fonts) const;

  bool active() const;  // a protocol is running (or waiting for its recording, or being scored)
  std::string patient_id() const { return patient_; }
  void set_patient_id(std::string id) { patient_ = std::move(id); }
  // For the counters file: phase, step, timing, the result's path.
  nlohmann::json state_json() const;

 private:
  // Finishing: the last step is done; the recording goes on for kTailS so that the last movement's
  // release is recorded whole (a recording cut mid-release would end on a one-sided movement).
  enum class Stage { Idle, WaitingForRecording, Running, Finishing, Scoring, Scored, Failed };
  static constexpr double kTailS = 2.5;
  double tail_until_ = 0.0;
  bool load_steps();
  void start();
  // A new run that begins once the recording into `dir` delivers frames (of an epoch after epoch_before).
  void wait_for_recording(const std::filesystem::path& dir, std::optional<std::uint64_t> epoch_before);
  void finish(bool cancelled);
  void score();

  Hooks hooks_;
  std::string step_file_field_;
  std::optional<Protocol> protocol_;
  std::string load_error_;
  std::string patient_;
  Stage stage_ = Stage::Idle;
  std::unique_ptr<ProtocolRunner> runner_;
  std::filesystem::path dir_;
  std::optional<std::uint64_t> epoch_before_;  // the analysis epoch before the recording was started
  std::optional<std::uint64_t> last_epoch_;    // the latest snapshot's
  bool cancelled_ = false;
  std::optional<ProtocolResult> result_;
  std::string message_;
  std::filesystem::path result_path_;
};

}  // namespace ft::ui
