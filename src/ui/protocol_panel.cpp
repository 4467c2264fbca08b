// protocol_panel.cpp: the Protocol tab and the prompt over the video.
#include "ui/protocol_panel.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <imgui_stdlib.h>
#include <nlohmann/json.hpp>

#include "ui/drawing.hpp"

namespace ft::ui {
namespace {

namespace fs = std::filesystem;
using Phase = ProtocolRunner::Phase;

std::string value_text(double v, const std::string& unit) {
  if (!std::isfinite(v))
    return "-";
  if (unit == "iod")
    return fmt::format("{:.1f}% IOD", v * 100.0);
  if (unit == "deg")
    return fmt::format("{:.1f}\xC2\xB0", v);
  return fmt::format("{:.0f}%", v);
}

}  // namespace

ProtocolPanel::ProtocolPanel(Hooks hooks, fs::path step_file)
    : hooks_(std::move(hooks)), step_file_field_(step_file.string()) {
  load_steps();
}

bool ProtocolPanel::load_steps() {
  auto p = load_protocol(step_file_field_);
  if (!p) {
    load_error_ = p.error().message;
    protocol_.reset();
    return false;
  }
  load_error_.clear();
  protocol_ = std::move(p).value();
  return true;
}

bool ProtocolPanel::active() const {
  return stage_ == Stage::WaitingForRecording || stage_ == Stage::Running || stage_ == Stage::Finishing ||
         stage_ == Stage::Scoring;
}

void ProtocolPanel::start() {
  if (!protocol_ && !load_steps())
    return;
  // The epoch now: the recording's frames come with the next one.
  const std::optional<std::uint64_t> epoch = last_epoch_;
  auto dir = hooks_.start_recording ? hooks_.start_recording() : std::nullopt;
  if (dir)
    wait_for_recording(*dir, epoch);
}

void ProtocolPanel::start_on_recording(const fs::path& dir) {
  if (!protocol_ && !load_steps())
    return;
  wait_for_recording(dir, std::nullopt);
}

void ProtocolPanel::wait_for_recording(const fs::path& dir, std::optional<std::uint64_t> epoch_before) {
  runner_ = std::make_unique<ProtocolRunner>(*protocol_);
  dir_ = dir;
  epoch_before_ = epoch_before;
  stage_ = Stage::WaitingForRecording;
  result_.reset();
  message_.clear();
  cancelled_ = false;
}

void ProtocolPanel::update(const LiveSnapshot* snap) {
  if (snap)
    last_epoch_ = snap->analysis_epoch;
  if (stage_ == Stage::WaitingForRecording) {
    if (snap && snap->recording.active && fs::path(snap->recording.dir) == dir_ &&
        (!epoch_before_ || snap->analysis_epoch != *epoch_before_) && !snap->frame.image.empty()) {
      runner_->start(0.0);  // recording time: 0 at the recording's first frame
      stage_ = Stage::Running;
    } else if (snap && !snap->running) {  // (no snapshot yet: the source is still opening)
      stage_ = Stage::Failed;
      message_ = "The live source stopped before the protocol could start.";
    }
    return;
  }
  if (stage_ == Stage::Finishing) {
    if (!snap || !snap->running || !snap->recording.active || snap->result.metrics.t >= tail_until_)
      finish(false);
    return;
  }
  if (stage_ == Stage::Running) {
    if (!snap || !snap->running || !snap->recording.active) {
      if (hooks_.notify)
        hooks_.notify("Protocol stopped: the live source or the recording ended", colour::kWarn);
      finish(true);
      return;
    }
    const FaceMetrics& m = snap->result.metrics;
    runner_->update(m.t, m.frame_index, m.face_found, m.quality);
    if (runner_->phase() == Phase::Done) {
      stage_ = Stage::Finishing;
      tail_until_ = m.t + kTailS;
    }
    else if (runner_->phase() == Phase::Cancelled)
      finish(true);
    return;
  }
  if (stage_ == Stage::Scoring && (!snap || !snap->recording.active))
    score();
}

void ProtocolPanel::finish(bool cancelled) {
  cancelled_ = cancelled;
  if (hooks_.stop_recording)
    hooks_.stop_recording();
  stage_ = Stage::Scoring;
}

void ProtocolPanel::score() {
  ProtocolTiming timing = runner_->timing();
  stage_ = Stage::Failed;
  if (Status st = write_timing(dir_ / "protocol_timing.json", timing); !st) {
    message_ = "Cannot write the step timing: " + st.error().message;
    return;
  }
  const bool has_rest = std::any_of(timing.steps.begin(), timing.steps.end(), [&](const StepTiming& s) {
    const ProtocolStep* ps = runner_->protocol().find(s.id);
    return ps && ps->movement == Movement::Rest;
  });
  if (timing.steps.empty() || !has_rest) {
    message_ = fmt::format("{} before the rest step was recorded: nothing to score. The recording is kept in {}.",
                           cancelled_ ? "Protocol stopped" : "Protocol ended", dir_.string());
    return;
  }
  auto r = score_protocol_session(dir_, runner_->protocol(), timing);
  if (!r) {
    message_ = "Cannot score the protocol: " + r.error().message;
    return;
  }
  r->patient_id = patient_;
  result_path_ = dir_ / "protocol.json";
  if (Status st = write_protocol_result(result_path_, *r); !st) {
    message_ = "Cannot write protocol.json: " + st.error().message;
    return;
  }
  result_ = std::move(r).value();
  stage_ = Stage::Scored;
  message_ = fmt::format("{}Scored {} step{}: {}", cancelled_ ? "Protocol stopped early. " : "", result_->steps.size(),
                         result_->steps.size() == 1 ? "" : "s", result_path_.string());
  if (hooks_.notify)
    hooks_.notify("Protocol scored: " + result_path_.string(), colour::kOk);
}

void ProtocolPanel::draw_tab(const Fonts& fonts, bool live) {
  const float fs = fonts.size;
  ImGui::PushFont(fonts.bold);
  ImGui::TextUnformatted("Guided screening protocol");
  ImGui::PopFont();
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);

  if (stage_ == Stage::Running && runner_) {
    const ProtocolRunner& r = *runner_;
    const ProtocolStep* step = r.current();
    if (step) {
      ImGui::Text("Step %zu of %zu: %s", r.step_index() + 1, r.protocol().steps.size(), step->label.c_str());
      ImGui::TextColored(to_vec4(colour::kTextDim), "%s", step->prompt.c_str());
    }
    if (r.phase() == Phase::Review) {
      ImGui::TextColored(to_vec4(colour::kWarn), "This take failed its quality check: %s.", r.review_reason().c_str());
      if (ImGui::Button("Re-take this step"))
        runner_->retake();
      ImGui::SameLine();
      if (ImGui::Button("Keep this take"))
        runner_->accept();
    } else {
      if (ImGui::Button("Re-take this step"))
        runner_->retake();
    }
    ImGui::SameLine();
    if (ImGui::Button("Skip step"))
      runner_->skip();
    ImGui::SameLine();
    if (ImGui::Button("Stop protocol"))
      runner_->cancel();
    ImGui::Spacing();
    if (ImGui::BeginTable("##steps", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
      for (std::size_t i = 0; i < r.protocol().steps.size(); ++i) {
        const ProtocolStep& s = r.protocol().steps[i];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const bool done = std::any_of(r.timing().steps.begin(), r.timing().steps.end(),
                                      [&](const StepTiming& t) { return t.id == s.id; });
        if (i == r.step_index())
          ImGui::TextColored(to_vec4(colour::kAccent), "\xE2\x96\xB6");
        else if (done)
          ImGui::TextColored(to_vec4(colour::kOk), "\xE2\x9C\x93");
        else if (i < r.step_index())
          ImGui::TextColored(to_vec4(colour::kTextDim), "skipped");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(s.label.c_str());
        ImGui::TableNextColumn();
        ImGui::TextColored(to_vec4(colour::kTextDim), "%.0f s", s.duration_s);
      }
      ImGui::EndTable();
    }
    ImGui::PopTextWrapPos();
    return;
  }
  if (stage_ == Stage::WaitingForRecording || stage_ == Stage::Scoring || stage_ == Stage::Finishing) {
    ImGui::TextColored(to_vec4(colour::kTextDim), "%s",
                       stage_ == Stage::WaitingForRecording ? "Starting the recording..."
                                                            : "Finishing the recording and scoring the steps...");
    ImGui::PopTextWrapPos();
    return;
  }

  // Idle, Scored or Failed: set-up, and the last result.
  ImGui::TextColored(to_vec4(colour::kTextDim),
                     "Rest, then the movements of the Sunnybrook and eFACE grading systems and a short speech "
                     "sample, each prompted with a countdown. The picture is checked before and during each "
                     "step; a poor take can be re-done.");
  ImGui::Spacing();
  ImGui::TextUnformatted("Patient / session identifier (saved with every recording)");
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##patient", "e.g. P-0042 (optional)", &patient_);
  if (Status st = validate_patient_id(patient_); !st)
    ImGui::TextColored(to_vec4(colour::kAlert), "%s", st.error().message.c_str());
  ImGui::TextUnformatted("Step file");
  ImGui::SetNextItemWidth(-fs * 5.0f);
  const bool enter = ImGui::InputText("##steps_file", &step_file_field_, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Load") || enter)
    load_steps();
  if (!load_error_.empty())
    ImGui::TextColored(to_vec4(colour::kAlert), "%s", load_error_.c_str());
  if (protocol_) {
    ImGui::TextColored(to_vec4(colour::kTextDim), "%s: %zu steps, about %.0f s", protocol_->name.c_str(),
                       protocol_->steps.size(), protocol_->total_s());
  }
  ImGui::Spacing();
  ImGui::BeginDisabled(!live || !protocol_);
  if (ImGui::Button("Start protocol (records a new session)"))
    start();
  ImGui::EndDisabled();
  if (!live) {
    ImGui::TextColored(to_vec4(colour::kTextDim),
                       "Open a camera first (Source tab): the protocol records from a live source. A video "
                       "recorded elsewhere is scored with: facetwitch analyse VIDEO --protocol TIMING.json");
  }
  if (!message_.empty())
    ImGui::TextColored(to_vec4(stage_ == Stage::Failed ? colour::kWarn : colour::kOk), "%s", message_.c_str());

  if (stage_ == Stage::Scored && result_) {
    ImGui::Spacing();
    if (ImGui::BeginTable("##protocol_result", 5,
                          ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_BordersInnerH)) {
      ImGui::TableSetupColumn("Step / measure", ImGuiTableColumnFlags_WidthStretch, 3.0f);
      ImGui::TableSetupColumn("left", ImGuiTableColumnFlags_WidthStretch, 1.1f);
      ImGui::TableSetupColumn("right", ImGuiTableColumnFlags_WidthStretch, 1.1f);
      ImGui::TableSetupColumn("% of stronger", ImGuiTableColumnFlags_WidthStretch, 0.9f);
      ImGui::TableSetupColumn("weaker / flag", ImGuiTableColumnFlags_WidthStretch, 0.9f);
      ImGui::TableHeadersRow();
      for (const StepResult& s : result_->steps) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushFont(fonts.bold);
        ImGui::TextUnformatted(s.step.label.c_str());
        ImGui::PopFont();
        ImGui::TableNextColumn();
        if (!s.quality_ok)
          ImGui::TextColored(to_vec4(colour::kWarn), "quality");
        if (s.episode_count > 0) {
          ImGui::TableNextColumn();
          ImGui::TextColored(to_vec4(colour::kAlert), "%d twitch ep.", s.episode_count);
        }
        for (const StepMeasure& m : s.measures) {
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::TextColored(to_vec4(colour::kTextDim), "  %s", m.label.c_str());
          ImGui::TableNextColumn();
          ImGui::TextColored(to_vec4(colour::kLeft), "%s", value_text(m.left, m.unit).c_str());
          ImGui::TableNextColumn();
          ImGui::TextColored(to_vec4(colour::kRight), "%s", value_text(m.right, m.unit).c_str());
          ImGui::TableNextColumn();
          if (std::isfinite(m.percent_of_stronger))
            ImGui::Text("%.0f", m.percent_of_stronger);
          ImGui::TableNextColumn();
          if (m.weaker)
            ImGui::TextColored(to_vec4(side_colour(*m.weaker)), "%s", std::string(to_string(*m.weaker)).c_str());
        }
        if (s.synkinesis.size() == 2) {  // one sign per side, left first
          const SynkinesisSign& l = s.synkinesis[0];
          const SynkinesisSign& rt = s.synkinesis[1];
          const bool any = l.flag || rt.flag;
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::TextColored(to_vec4(any ? colour::kAlert : colour::kTextDim), "  synkinesis: %s", l.what.c_str());
          ImGui::TableNextColumn();
          ImGui::TextColored(to_vec4(l.flag ? colour::kAlert : colour::kLeft), "%s", value_text(l.value, l.unit).c_str());
          ImGui::TableNextColumn();
          ImGui::TextColored(to_vec4(rt.flag ? colour::kAlert : colour::kRight), "%s", value_text(rt.value, rt.unit).c_str());
          ImGui::TableNextColumn();
          ImGui::TableNextColumn();
          if (any)
            ImGui::TextColored(to_vec4(colour::kAlert), "%s", l.flag && rt.flag ? "both" : (l.flag ? "left" : "right"));
        }
      }
      ImGui::EndTable();
    }
    ImGui::TextColored(to_vec4(colour::kTextDim),
                       "Movements are measured against the rest step, sides are the person's; definitions in "
                       "docs/METRICS.md (Screening protocol).");
  }
  ImGui::PopTextWrapPos();
}

void ProtocolPanel::draw_prompt(ImDrawList* dl, ImVec2 p0, ImVec2 p1, const Fonts& fonts) const {
  if (stage_ == Stage::Finishing) {
    const std::string text = "Done \xE2\x80\x94 relax your face";
    label(dl, fonts.big, fonts.big->FontSize, ImVec2((p0.x + p1.x) * 0.5f, p1.y - fonts.size * 2.4f), ImVec2(0.5f, 1.0f),
          colour::kOk, with_alpha(colour::kPanelBg, 235), text, fonts.size * 0.6f);
    return;
  }
  if (stage_ != Stage::Running || !runner_ || !runner_->current())
    return;
  const ProtocolRunner& r = *runner_;
  const ProtocolStep& s = *r.current();
  const float fs = fonts.size;
  const float w = std::min(p1.x - p0.x - 2.0f * fs, fs * 34.0f);
  const float x0 = (p0.x + p1.x - w) * 0.5f;
  const float pad = fs * 0.7f;
  const std::string title = fmt::format("Step {} of {} \xE2\x80\x94 {}", r.step_index() + 1, r.protocol().steps.size(), s.label);
  std::string status;
  ImU32 status_colour = colour::kText;
  switch (r.phase()) {
    case Phase::Prepare:
      if (!r.waiting_for().empty()) {
        status = "Waiting: " + r.waiting_for();
        status_colour = colour::kWarn;
      } else {
        status = fmt::format("Get ready\xE2\x80\xA6 {:.0f}", std::ceil(r.remaining_s()));
      }
      break;
    case Phase::Record:
      status = fmt::format("Hold\xE2\x80\xA6 {:.1f} s", r.remaining_s());
      status_colour = colour::kOk;
      break;
    case Phase::Review:
      status = "Quality check failed: " + r.review_reason() + " \xE2\x80\x94 re-take or keep (Protocol tab)";
      status_colour = colour::kWarn;
      break;
    default:
      break;
  }
  const float wrap = w - 2.0f * pad;
  const ImVec2 t_size = fonts.bold->CalcTextSizeA(fonts.bold->FontSize, wrap, wrap, title.c_str());
  const ImVec2 p_size = fonts.regular->CalcTextSizeA(fs, wrap, wrap, s.prompt.c_str());
  const ImVec2 s_size = fonts.big->CalcTextSizeA(fonts.big->FontSize, wrap, wrap, status.c_str());
  const float h = pad + t_size.y + fs * 0.3f + p_size.y + fs * 0.4f + s_size.y + fs * 0.5f + fs * 0.35f + pad;
  const float y = p1.y - h - fs * 2.4f;  // at the bottom (above the hint line) of the picture: the quality chips are at its top
  dl->AddRectFilled(ImVec2(x0, y), ImVec2(x0 + w, y + h), with_alpha(colour::kPanelBg, 235), 8.0f);
  dl->AddRectFilled(ImVec2(x0, y), ImVec2(x0 + 5.0f, y + h),
                    r.phase() == Phase::Record ? colour::kRecord : colour::kAccent, 2.0f);
  float ty = y + pad;
  dl->AddText(fonts.bold, fonts.bold->FontSize, ImVec2(x0 + pad, ty), colour::kText, title.c_str(), nullptr, wrap);
  ty += t_size.y + fs * 0.3f;
  dl->AddText(fonts.regular, fs, ImVec2(x0 + pad, ty), colour::kTextDim, s.prompt.c_str(), nullptr, wrap);
  ty += p_size.y + fs * 0.4f;
  dl->AddText(fonts.big, fonts.big->FontSize, ImVec2(x0 + pad, ty), status_colour, status.c_str(), nullptr, wrap);
  ty += s_size.y + fs * 0.5f;
  // Progress of the phase.
  const float bw = w - 2.0f * pad;
  dl->AddRectFilled(ImVec2(x0 + pad, ty), ImVec2(x0 + pad + bw, ty + fs * 0.35f), colour::kGrid, 3.0f);
  dl->AddRectFilled(ImVec2(x0 + pad, ty),
                    ImVec2(x0 + pad + bw * static_cast<float>(r.progress()), ty + fs * 0.35f),
                    r.phase() == Phase::Record ? colour::kRecord : colour::kAccent, 3.0f);
}

nlohmann::json ProtocolPanel::state_json() const {
  static constexpr const char* kStages[] = {"idle",    "waiting_for_recording", "running", "finishing",
                                            "scoring", "scored",                "failed"};
  nlohmann::json j{{"stage", kStages[static_cast<int>(stage_)]}, {"message", message_}, {"patient_id", patient_}};
  if (runner_) {
    j["phase"] = std::string(to_string(runner_->phase()));
    j["step_index"] = runner_->step_index();
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& s : runner_->timing().steps)
      steps.push_back({{"id", s.id}, {"start_s", s.start_s}, {"end_s", s.end_s}, {"retakes", s.retakes}});
    j["timing"] = steps;
  }
  if (!result_path_.empty())
    j["result"] = result_path_.string();
  if (!dir_.empty())
    j["dir"] = dir_.string();
  return j;
}

}  // namespace ft::ui
