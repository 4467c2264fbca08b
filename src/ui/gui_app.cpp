// gui_app.cpp: the window: main loop, layout, panels, keyboard, screenshot and counters file.
//
// Layout (fixed panels, sized from the window and the font): a toolbar across the top; on the left
// the video with its overlays and a transport bar (replay) or recording bar (live), and under it
// the three plots; on the right a tab panel: Results (counters, episodes table), Source (cameras,
// file browser, recent files, demo), Settings (sensitivity, display, recording folder).
#include "ui/gui_app.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <system_error>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ui/gl.hpp"
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "core/paths.hpp"
#include "io/session.hpp"
#include "pipeline/save_session.hpp"
#include "report/notes.hpp"
#include "report/report.hpp"
#include "ui/drawing.hpp"
#include "ui/file_browser.hpp"
#include "ui/gl_video.hpp"
#include "ui/history_panel.hpp"
#include "ui/open_file.hpp"
#include "ui/overlay.hpp"
#include "ui/plots.hpp"
#include "ui/protocol_panel.hpp"
#include "ui/settings_store.hpp"
#include "ui/source_controller.hpp"
#include "ui/theme.hpp"
#include "ui/view_model.hpp"

namespace ft::ui {

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kUiFps = 30.0;    // the window redraws at most this often (video, input)
constexpr double kBusyFps = 12.0;  // progress only (analysis running, opening)
constexpr double kIdleFps = 6.0;   // nothing moves
constexpr int kUiNice = 5;         // the UI thread yields to the analysis under load
constexpr double kSettingsApplyDelayS = 0.35;  // after the last slider movement
constexpr double kRunForCapS = 1800.0;  // --run-for never waits longer than this for analysis
constexpr double kSpeeds[] = {0.25, 0.5, 1.0, 2.0, 4.0, 0.0};
constexpr const char* kSpeedNames[] = {"0.25\xC3\x97", "0.5\xC3\x97", "1\xC3\x97",
                                       "2\xC3\x97",    "4\xC3\x97",   "max"};

ImTextureID texture_id(unsigned tex) {
  return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(tex));
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string local_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d_%H-%M-%S", &tm);
  return buf;
}

std::string laterality_word(Laterality l) {
  return l == Laterality::Bilateral ? "both" : std::string(to_string(l));
}

std::string glfw_error_text;
void on_glfw_error(int code, const char* text) {
  glfw_error_text = std::string(text ? text : "") + " (GLFW error " + std::to_string(code) + ")";
}

// Everything the panels show in one UI frame, pulled from the snapshots at the start of the frame.
struct View {
  SourceMode mode = SourceMode::None;
  cv::Mat image;
  std::int64_t frame_index = -1;
  double frame_t = 0.0;
  std::optional<FrameRecord> record;
  bool not_analysed_yet = false;  // replay: the analysis has not reached the displayed frame
  RestingState rest;
  Flash flash;
  Counters counters;
  std::vector<ReplayPlotSample> samples;
  std::vector<Episode> plot_episodes;
  double t0 = 0.0, t1 = 20.0, cursor = kNaN;
  std::shared_ptr<const LiveSnapshot> live;
  std::shared_ptr<const ReplayAnalysisSnapshot> analysis;
  std::shared_ptr<const PlayerFrame> player;
  double duration = 0.0;
};

struct Toast {
  std::string text;
  ImU32 colour;
  Clock::time_point until;
};

// The window: owns the GLFW window, the Dear ImGui context, the video renderer, the sources and the
// settings; runs the main loop (30 frames per second while something moves, fewer when idle). UI
// thread only: everything it reads from the analysis comes from snapshots (never waits on it).
class App {
 public:
  explicit App(const GuiOptions& o);
  ~App();
  int run();

 private:
  bool init_window();
  void rebuild_fonts_if_needed(bool force);
  void gather();
  void handle_keys();
  void draw();
  void draw_toolbar(ImVec2 pos, ImVec2 size);
  void draw_video_panel(ImVec2 pos, ImVec2 size);
  void draw_placeholder(ImVec2 p0, ImVec2 p1);
  void draw_video_chips(ImDrawList* dl, ImVec2 p0, ImVec2 p1);
  void draw_transport(float width);
  void draw_live_bar(float width);
  void draw_plots(ImVec2 pos, ImVec2 size);
  void draw_side(ImVec2 pos, ImVec2 size);
  void draw_results_tab();
  void draw_save_session();
  std::filesystem::path default_save_dir() const;
  bool save_session_now();
  bool make_report_now();
  void open_report();
  void auto_save_session();
  void reset_save_if_new_replay();
  void draw_episodes_table(float height);
  void draw_source_tab();
  void draw_settings_tab();
  void draw_asymmetry_tab();
  void draw_mirrored_file_setting();
  void draw_help();
  bool timeline(float width, float height);

  void open_spec(SourceSpec spec, const std::filesystem::path& record_dir = {});
  void toggle_record();
  std::optional<std::filesystem::path> new_recording_dir();
  std::optional<std::filesystem::path> start_new_recording(std::optional<std::string> patient_id,
                                                           const char* announce);
  void toggle_play();
  void step(int frames);
  bool mirror() const;
  void toggle_mirror();
  void toggle_fullscreen();
  void settings_changed(bool twitch);
  void save_settings_now();
  void notify(std::string text, ImU32 colour = colour::kText, double seconds = 4.0);
  nlohmann::json counters_file() const;
  bool should_exit();
  bool save_screenshot(const std::string& path);

  GuiOptions opts_;
  GLFWwindow* window_ = nullptr;
  bool imgui_ready_ = false;
  Fonts fonts_;
  float font_size_ = 0.0f;
  Clock::time_point last_font_check_{};
  std::unique_ptr<VideoRenderer> video_;
  std::string video_error_;
  std::unique_ptr<SourceController> sources_;
  std::unique_ptr<HistoryPanel> history_panel_;  // the History tab (session history, src/history)
  std::filesystem::path settings_path_;
  UiSettings settings_;
  TwitchSettings file_twitch_;  // sensitivity as loaded (kept when the command line overrides it)
  bool persist_twitch_ = true;
  bool settings_dirty_ = false;
  // The user changed a setting in this run (not only the recent files or the browser's folder): only then
  // is a settings file that could not be read at start moved aside and replaced.
  bool settings_user_changed_ = false;
  LoadedSettings settings_file_;  // keep_file: the file could not be read at start
  std::string settings_note_;     // what the last save did with such a file
  std::optional<Clock::time_point> apply_twitch_at_;
  std::optional<Clock::time_point> dirty_since_;
  std::string settings_message_;
  FileBrowser browser_;
  std::string path_field_;
  bool open_as_live_ = false;
  std::vector<CameraDevice> cameras_;
  bool cameras_listed_ = false;
  std::optional<Clock::time_point> demo_checked_;
  bool demo_ready_ = false;
  std::vector<int> camera_mode_;  // per camera: selected mode index (-1: default)
  std::unique_ptr<ProtocolPanel> protocol_;

  View view_;
  LiveHistory history_;
  std::uint64_t shown_generation_ = ~0ull;
  const void* uploaded_data_ = nullptr;
  std::int64_t uploaded_index_ = -1;
  std::uint64_t uploaded_generation_ = ~0ull;
  bool live_frozen_ = false;
  bool replay_started_ = false;  // --seek/--paused/speed applied to the first replay
  std::vector<FrameRecord> scratch_records_;
  float video_rect_[4] = {0, 0, 0, 0};  // x, y, w, h of the picture, window coordinates
  std::vector<Toast> toasts_;
  bool show_help_ = false;
  int select_tab_ = -1;  // 0 results, 1 source, 2 settings, 3 asymmetry, 4 protocol, 5 history: selected on the next frame
  bool fullscreen_ = false;
  int windowed_[4] = {100, 100, 1440, 900};
  Clock::time_point started_{};
  Clock::time_point recording_since_{};
  bool was_recording_ = false;
  double ui_fps_ = 0.0;
  bool exiting_ = false;
  bool screenshot_ok_ = true;
  // Save session (Results tab, a replay analysed to the end).
  std::string save_dir_;             // the folder field
  bool save_dir_auto_ = true;        // the field follows the date and the patient id until edited
  std::string save_patient_;         // the patient id field
  std::string save_notes_;           // the notes field
  std::filesystem::path saved_dir_;  // the folder last saved ("" none)
  std::filesystem::path report_path_;  // its report.html once made ("" none)
  std::string save_message_;
  bool save_message_error_ = false;
  bool auto_save_done_ = false;  // --save-session done (or failed)
  const void* save_for_replay_ = nullptr;  // the replay the save section's state belongs to
  bool save_seen_replay_ = false;
};

App::App(const GuiOptions& o) : opts_(o), browser_() {
  save_patient_ = opts_.patient;
  if (!opts_.notes_file.empty()) {
    auto notes = read_notes_file(opts_.notes_file);
    if (notes) {
      save_notes_ = notes->text;
    } else {
      save_message_ = notes.error().message;
      save_message_error_ = true;
    }
  }
  settings_path_ = opts_.settings_file.empty() ? default_settings_path()
                                               : std::filesystem::path(opts_.settings_file);
  settings_file_ = load_settings(settings_path_);
  settings_ = settings_file_.settings;
  settings_message_ = settings_file_.message;
  file_twitch_ = settings_.twitch;
  if (opts_.twitch_override) {
    settings_.twitch = *opts_.twitch_override;
    persist_twitch_ = false;
  }
  if (!settings_.browser_dir.empty()) {
    browser_.set_dir(settings_.browser_dir);
  } else if (!settings_.recent_files.empty()) {
    browser_.set_dir(std::filesystem::path(settings_.recent_files.front()).parent_path());
  }
  SourceController::Config cfg;
  cfg.model_cli = opts_.model;
  cfg.analyser.twitch = settings_.twitch;
  // --baseline-s wins over the saved setting for this run (and is not saved).
  cfg.analyser.baseline_s = opts_.baseline_s > 0.0 ? opts_.baseline_s : settings_.baseline_s;
  cfg.analyser.patient_id = opts_.patient;
  sources_ = std::make_unique<SourceController>(cfg);
  history_panel_ = std::make_unique<HistoryPanel>(history::resolve_history_path(opts_.history_file),
                                                  !opts_.no_history);
  if (opts_.history_patient)
    history_panel_->set_patient_filter(opts_.history_patient);
  if (!settings_.recent_files.empty())
    path_field_ = settings_.recent_files.front();
  ProtocolPanel::Hooks hooks;
  hooks.start_recording = [this]() -> std::optional<std::filesystem::path> {
    if (view_.mode != SourceMode::Live || !sources_->live()) {
      notify("The protocol records from a live source: open a camera first", colour::kWarn);
      return std::nullopt;
    }
    if (view_.live && view_.live->recording.active)
      sources_->stop_recording();
    const std::string patient = protocol_->patient_id();
    if (Status st = validate_patient_id(patient); !st) {
      notify("Patient identifier: " + st.error().message, colour::kWarn, 8.0);
      return std::nullopt;
    }
    return start_new_recording(patient, "Protocol: recording to ");
  };
  hooks.stop_recording = [this] { sources_->stop_recording(); };
  hooks.notify = [this](const std::string& text, ImU32 col) { notify(text, col, 6.0); };
  const std::filesystem::path steps =
      opts_.protocol.empty() || opts_.protocol == "standard" ? default_protocol_path() : std::filesystem::path(opts_.protocol);
  protocol_ = std::make_unique<ProtocolPanel>(std::move(hooks), steps);
  protocol_->set_patient_id(opts_.patient);
}

App::~App() {
  if (settings_dirty_)
    save_settings_now();
  if (view_.live && view_.live->recording.active)
    history_panel_->add_when_final(view_.live->recording.dir);
  sources_.reset();        // stops the pipelines (recordings are finished here)
  history_panel_.reset();  // adds the finished recordings to the session history
  video_.reset();
  if (imgui_ready_) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
  }
  if (window_)
    glfwDestroyWindow(window_);
  glfwTerminate();
}

bool App::init_window() {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    std::fprintf(
        stderr,
        "facetwitch: cannot open the window: %s. Is there a display? (set DISPLAY, or run it "
        "under xvfb-run for tests)\n",
        glfw_error_text.c_str());
    return false;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  window_ = glfwCreateWindow(opts_.width, opts_.height, "facetwitch", nullptr, nullptr);
  if (!window_) {
    std::fprintf(stderr, "facetwitch: cannot open an OpenGL 3.3 window: %s\n",
                 glfw_error_text.c_str());
    return false;
  }
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(1);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is computed, nothing to remember
  io.LogFilename = nullptr;
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 330");
  imgui_ready_ = true;
  rebuild_fonts_if_needed(true);
  if (!fonts_.warning.empty())
    std::fprintf(stderr, "facetwitch: %s\n", fonts_.warning.c_str());
  video_ = std::make_unique<VideoRenderer>();
  if (Status st = video_->init(); !st) {
    video_error_ = st.error().message;
    std::fprintf(stderr, "facetwitch: %s\n", video_error_.c_str());
  }
  if (opts_.fullscreen)
    toggle_fullscreen();
  return true;
}

void App::rebuild_fonts_if_needed(bool force) {
  const auto now = Clock::now();
  if (!force && now - last_font_check_ < std::chrono::milliseconds(250))
    return;
  last_font_check_ = now;
  int w = 0, h = 0;
  glfwGetWindowSize(window_, &w, &h);
  float xs = 1.0f, ys = 1.0f;
  glfwGetWindowContentScale(window_, &xs, &ys);
  int fw = 0, fh = 0;
  glfwGetFramebufferSize(window_, &fw, &fh);
  // The font follows the window's height in points, times the monitor's content scale. Where
  // window coordinates are already pixels (X11: framebuffer = window size), the height in points is
  // the height divided by the scale; where they are points (Wayland, macOS), the height itself.
  const bool coords_are_pixels = fh == h;
  const float scale = coords_are_pixels ? std::max(ys, 1.0f) : 1.0f;
  const float size = font_size_for(static_cast<float>(std::max(h, 1)) / scale, scale);
  if (!force && std::abs(size - font_size_) < 0.5f)
    return;
  font_size_ = size;
  fonts_ = load_fonts(size);
  apply_style(size);
  if (imgui_ready_) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
}

// ---------------------------------------------------------------------------------------------
// State

bool App::mirror() const {
  return view_.mode == SourceMode::Live
             ? settings_.mirror_live
             : (view_.mode == SourceMode::Replay && settings_.mirror_replay);
}

void App::notify(std::string text, ImU32 col, double seconds) {
  toasts_.push_back({std::move(text), col,
                     Clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000))});
  if (toasts_.size() > 4)
    toasts_.erase(toasts_.begin());
}

void App::save_settings_now() {
  UiSettings s = settings_;
  if (!persist_twitch_)
    s.twitch = file_twitch_;
  s.browser_dir = browser_.dir().string();
  const bool was_kept = settings_file_.keep_file;
  std::string note;
  if (Status st = save_settings_for_window(settings_path_, s, settings_user_changed_, settings_file_, note); !st) {
    settings_message_ = st.error().message;
  } else if (!note.empty() && was_kept && !settings_file_.keep_file) {
    settings_message_ = note;  // moved aside: say where
  }
  if (!note.empty() && note != settings_note_) {
    std::fprintf(stderr, "facetwitch: %s\n", note.c_str());
    settings_note_ = note;
  }
  settings_dirty_ = false;
}

void App::settings_changed(bool twitch) {
  settings_dirty_ = true;
  settings_user_changed_ = true;
  if (twitch) {
    persist_twitch_ = true;
    file_twitch_ = settings_.twitch;
    apply_twitch_at_ =
        Clock::now() + std::chrono::milliseconds(static_cast<int>(kSettingsApplyDelayS * 1000));
  }
}

void App::open_spec(SourceSpec spec, const std::filesystem::path& record_dir) {
  if (spec.kind == SourceSpec::Kind::Paced) {
    spec.fail_after_s = opts_.fail_after_s;
    spec.paced_speed = opts_.paced_speed;
    spec.loop = opts_.loop;
  }
  if (spec.kind == SourceSpec::Kind::File || spec.kind == SourceSpec::Kind::Paced) {
    add_recent_file(settings_, spec.path);
    settings_dirty_ = true;
  }
  // The file's own "recorded as a mirror image" setting, remembered per file.
  spec.mirrored_input = spec.kind == SourceSpec::Kind::File && file_is_mirrored(settings_, spec.path);
  sources_->clear_error();
  sources_->open(spec, record_dir);
}

void App::toggle_play() {
  if (view_.mode == SourceMode::Replay) {
    if (auto* p = sources_->player())
      p->toggle_play();
  } else if (view_.mode == SourceMode::Live) {
    live_frozen_ = !live_frozen_;
    notify(live_frozen_ ? "Picture frozen \xE2\x80\x94 the analysis goes on (Space to resume)"
                        : "Live picture resumed");
  }
}

void App::step(int frames) {
  if (view_.mode != SourceMode::Replay)
    return;
  if (auto* p = sources_->player())
    p->step(frames);
}

void App::toggle_mirror() {
  if (view_.mode == SourceMode::Replay) {
    settings_.mirror_replay = !settings_.mirror_replay;
  } else {
    settings_.mirror_live = !settings_.mirror_live;
  }
  settings_dirty_ = true;
  settings_user_changed_ = true;
  notify(
      mirror()
          ? "Mirror view: the picture is flipped; the person's sides are still labelled correctly"
          : "Picture as recorded (not mirrored)");
}

void App::toggle_fullscreen() {
  if (!window_)
    return;
  if (!fullscreen_) {
    GLFWmonitor* mon = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = mon ? glfwGetVideoMode(mon) : nullptr;
    if (!mon || !mode) {
      notify("Full screen is not available here", colour::kWarn);
      return;
    }
    glfwGetWindowPos(window_, &windowed_[0], &windowed_[1]);
    glfwGetWindowSize(window_, &windowed_[2], &windowed_[3]);
    glfwSetWindowMonitor(window_, mon, 0, 0, mode->width, mode->height, mode->refreshRate);
    fullscreen_ = true;
  } else {
    glfwSetWindowMonitor(window_, nullptr, windowed_[0], windowed_[1], windowed_[2], windowed_[3],
                         0);
    fullscreen_ = false;
  }
}

void App::toggle_record() {
  if (view_.mode != SourceMode::Live || !sources_->live()) {
    notify("Recording is for live sources: open a camera first", colour::kWarn);
    return;
  }
  const bool recording = view_.live && view_.live->recording.active;
  if (recording) {
    sources_->stop_recording();
    notify("Recording stopped: " + view_.live->recording.dir.string(), colour::kOk, 6.0);
    return;
  }
  // The identifier typed in the Protocol tab goes with every recording (checked when it was typed).
  std::optional<std::string> patient;
  if (!protocol_->patient_id().empty() && validate_patient_id(protocol_->patient_id()))
    patient = protocol_->patient_id();
  start_new_recording(patient, "Recording to ");
}

// Starts recording the live source into a new session folder; errors are shown in the window.
std::optional<std::filesystem::path> App::start_new_recording(std::optional<std::string> patient_id,
                                                              const char* announce) {
  auto dir = new_recording_dir();
  if (!dir)
    return std::nullopt;
  if (Status st = sources_->start_recording(*dir, std::move(patient_id)); !st) {
    sources_->set_error("cannot record: " + st.error().message);
    return std::nullopt;
  }
  notify(announce + dir->string(), colour::kRecord, 5.0);
  return dir;
}

// A new, empty session folder in the recordings folder, named by the local time.
std::optional<std::filesystem::path> App::new_recording_dir() {
  std::filesystem::path base = settings_.recordings_dir.empty()
                                   ? default_recordings_dir()
                                   : std::filesystem::path(settings_.recordings_dir);
  std::filesystem::path dir = base / local_timestamp();
  std::error_code ec;
  for (int n = 2; std::filesystem::exists(dir, ec) && n < 100; ++n) {
    dir = base / (local_timestamp() + "_" + std::to_string(n));
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    sources_->set_error("cannot create the recording folder " + dir.string() + ": " + ec.message() +
                        " (change it in Settings)");
    return std::nullopt;
  }
  return dir;
}

// Pulls the current snapshots into view_ (never waits on the analysis).
void App::gather() {
  sources_->poll();
  if (apply_twitch_at_ && Clock::now() >= *apply_twitch_at_) {
    apply_twitch_at_.reset();
    sources_->set_settings(settings_.twitch);
    save_settings_now();
  }
  // Other changes (display, recent files) are saved a moment after the last one.
  if (settings_dirty_ && !apply_twitch_at_) {
    if (!dirty_since_) {
      dirty_since_ = Clock::now();
    } else if (Clock::now() - *dirty_since_ > std::chrono::seconds(1)) {
      save_settings_now();
    }
  }
  if (!settings_dirty_)
    dirty_since_.reset();
  View& v = view_;
  const SourceMode mode = sources_->mode();
  if (sources_->generation() != shown_generation_) {
    shown_generation_ = sources_->generation();
    v = View{};
    history_.clear();
    live_frozen_ = false;
    replay_started_ = false;
  }
  v.mode = mode;
  const double window_s = std::clamp(settings_.plot_window_s, 10.0, 30.0);

  if (mode == SourceMode::Live && sources_->live()) {
    LivePipeline& live = *sources_->live();
    auto snap = live.snapshot();
    if (!snap)
      return;
    v.live = snap;
    v.counters = counters_from_live(*snap);
    history_.update(live, snap->analysis_epoch);
    if (!live_frozen_) {
      if (!snap->frame.image.empty()) {
        v.image = snap->frame.image;
        v.frame_index = snap->frame.index;
        v.frame_t = snap->frame.t;
        v.record = FrameRecord{snap->result.metrics, snap->result.signals};
      }
      v.t1 = std::max(v.frame_t, 0.0);
      v.t0 = v.t1 - window_s;
      if (v.t0 < 0) {
        v.t0 = 0;
        v.t1 = window_s;
      }
      history_.plot_samples(v.t0, v.t1, v.samples);
      scratch_records_.clear();
      history_.records_before(v.frame_t, kRestLookbackS, scratch_records_);
      v.rest = resting_state(scratch_records_);
      v.plot_episodes = snap->episodes;
      v.plot_episodes.insert(v.plot_episodes.end(), snap->open_episodes.begin(),
                             snap->open_episodes.end());
      v.flash =
          v.record ? classify_flash(v.record->signals, v.frame_t, v.plot_episodes, nullptr, nullptr)
                   : Flash{};
    }
    protocol_->update(snap.get());
    const bool rec = snap->recording.active;
    if (rec && !was_recording_)
      recording_since_ = Clock::now();
    if (!rec && was_recording_ && !snap->recording.dir.empty())
      history_panel_->add_when_final(snap->recording.dir);  // the session history (History tab)
    was_recording_ = rec;
  } else if (mode == SourceMode::Replay && sources_->replay() && sources_->player()) {
    ReplaySession& session = *sources_->replay();
    ReplayPlayer& player = *sources_->player();
    if (!replay_started_) {
      replay_started_ = true;
      player.set_speed(opts_.replay_speed);
      if (opts_.seek_s >= 0)
        player.seek(opts_.seek_s);
      if (!opts_.paused)
        player.play();
    }
    v.analysis = session.snapshot();
    v.player = player.current();
    v.counters = counters_from_replay(*v.analysis);
    v.duration =
        session.info().duration_s > 0 ? session.info().duration_s : v.analysis->summary.duration_s;
    if (v.analysis->done)
      v.duration = std::max(v.duration, v.analysis->summary.duration_s);
    if (v.player && !v.player->frame.image.empty()) {
      v.image = v.player->frame.image;
      v.frame_index = v.player->frame.index;
      v.frame_t = v.player->frame.t;
    }
    FrameRecord rec;
    if (v.frame_index >= 0 && session.record(v.frame_index, rec)) {
      v.record = rec;
      v.not_analysed_yet = false;
    } else {
      v.record.reset();
      v.not_analysed_yet = v.frame_index >= 0;
    }
    v.t0 = v.frame_t - 0.75 * window_s;
    v.t1 = v.frame_t + 0.25 * window_s;
    if (v.duration > 0 && v.t1 > v.duration) {
      v.t0 -= v.t1 - v.duration;
      v.t1 = v.duration;
    }
    if (v.t0 < 0) {
      v.t1 = v.duration > 0 ? std::min(v.t1 - v.t0, std::max(v.duration, 1.0)) : v.t1 - v.t0;
      v.t0 = 0;
    }
    v.cursor = v.frame_t;
    session.plot_samples(v.t0, v.t1, v.samples);
    scratch_records_.clear();
    const double fps = session.info().nominal_fps > 0 ? session.info().nominal_fps : 30.0;
    session.records(v.frame_index - static_cast<std::int64_t>(kRestLookbackS * fps) - 1,
                    v.frame_index - 1, scratch_records_);
    v.rest = resting_state(scratch_records_);
    v.plot_episodes = v.analysis->summary.episodes;
    v.plot_episodes.insert(v.plot_episodes.end(), v.analysis->open_episodes.begin(),
                           v.analysis->open_episodes.end());
    // Events end a little after their frames: the classification is known once the analysis is
    // well past the displayed frame.
    const bool classified = v.analysis->done || v.analysis->analysed_t > v.frame_t + 3.0;
    v.flash = v.record
                  ? classify_flash(v.record->signals, v.frame_t, v.plot_episodes,
                                   classified ? &v.analysis->summary.blinks : nullptr,
                                   classified ? &v.analysis->summary.voluntary_movements : nullptr)
                  : Flash{};
  } else {
    v.counters = Counters{};
  }
  if (!(mode == SourceMode::Live && sources_->live()) && protocol_->active())
    protocol_->update(nullptr);

  // Upload the picture when it changed.
  if (video_ && !v.image.empty() &&
      (v.image.data != uploaded_data_ || v.frame_index != uploaded_index_ ||
       shown_generation_ != uploaded_generation_)) {
    video_->upload(v.image);
    uploaded_data_ = v.image.data;
    uploaded_index_ = v.frame_index;
    uploaded_generation_ = shown_generation_;
  }
}

void App::handle_keys() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput)
    return;  // typing in a text field
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE, false))
    toggle_play();
  if (ImGui::IsKeyPressed(GLFW_KEY_LEFT, true))
    step(io.KeyShift ? -10 : -1);
  if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT, true))
    step(io.KeyShift ? 10 : 1);
  if (ImGui::IsKeyPressed(GLFW_KEY_R, false))
    toggle_record();
  if (ImGui::IsKeyPressed(GLFW_KEY_M, false))
    toggle_mirror();
  if (ImGui::IsKeyPressed(GLFW_KEY_F, false) || ImGui::IsKeyPressed(GLFW_KEY_F11, false))
    toggle_fullscreen();
  if (ImGui::IsKeyPressed(GLFW_KEY_H, false) || ImGui::IsKeyPressed(GLFW_KEY_F1, false))
    show_help_ = !show_help_;
  if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) {
    if (show_help_) {
      show_help_ = false;
    } else if (fullscreen_) {
      toggle_fullscreen();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Panels

bool begin_panel(const char* name, ImVec2 pos, ImVec2 size, ImU32 bg, ImVec2 pad) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, pad);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, to_vec4(bg));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus |
                                 ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse;
  const bool open = ImGui::Begin(name, nullptr, flags);
  ImGui::PopStyleColor();
  ImGui::PopStyleVar();
  return open;
}

void App::draw() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float W = vp->Size.x, H = vp->Size.y;
  const float fs = fonts_.size;
  const float toolbar_h = std::round(fs * 2.9f);
  const float side_w = std::round(std::clamp(W * 0.35f, fs * 24.0f, fs * 40.0f));
  const float main_w = W - side_w;
  const float content_h = H - toolbar_h;
  const float video_h = std::round(content_h * 0.6f);
  const ImVec2 o = vp->Pos;
  draw_toolbar(o, ImVec2(W, toolbar_h));
  draw_video_panel(ImVec2(o.x, o.y + toolbar_h), ImVec2(main_w, video_h));
  draw_plots(ImVec2(o.x, o.y + toolbar_h + video_h), ImVec2(main_w, content_h - video_h));
  draw_side(ImVec2(o.x + main_w, o.y + toolbar_h), ImVec2(side_w, content_h));
  if (show_help_)
    draw_help();
}

void App::draw_toolbar(ImVec2 pos, ImVec2 size) {
  begin_panel("##toolbar", pos, size, colour::kPanelBg,
              ImVec2(fonts_.size * 0.8f, (size.y - ImGui::GetFrameHeight()) * 0.5f));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddLine(ImVec2(pos.x, pos.y + size.y - 1), ImVec2(pos.x + size.x, pos.y + size.y - 1),
              colour::kBorder);
  // Brand.
  ImGui::AlignTextToFramePadding();
  ImGui::PushFont(fonts_.bold);
  ImGui::TextColored(to_vec4(colour::kAccent), "facetwitch");
  ImGui::PopFont();
  ImGui::SameLine(0, fonts_.size * 1.5f);

  // Sources.
  if (ImGui::Button("Camera \xE2\x96\xBE")) {
    cameras_ = list_cameras();
    cameras_listed_ = true;
    ImGui::OpenPopup("##cameras");
  }
  if (ImGui::BeginPopup("##cameras")) {
    if (cameras_.empty()) {
      ImGui::TextDisabled("No camera found (no V4L2 capture device in /dev/video*)");
    }
    for (const CameraDevice& c : cameras_) {
      const std::string item = c.name + "  (" + c.path + ")";
      if (ImGui::MenuItem(item.c_str())) {
        SourceSpec s;
        s.kind = SourceSpec::Kind::Camera;
        s.path = c.path;
        open_spec(s);
      }
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Camera settings\xE2\x80\xA6"))
      select_tab_ = 1;
    ImGui::EndPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Open video\xE2\x80\xA6"))
    select_tab_ = 1;
  ImGui::SameLine();
  if (ImGui::Button("Demo")) {
    SourceSpec s;
    s.kind = SourceSpec::Kind::Demo;
    open_spec(s);
  }
  ImGui::SameLine(0, fonts_.size * 1.5f);

  // Record.
  const bool live = view_.mode == SourceMode::Live && view_.live && view_.live->running;
  const bool recording = view_.live && view_.live->recording.active;
  if (!live)
    ImGui::BeginDisabled();
  ImGui::PushStyleColor(ImGuiCol_Button, to_vec4(recording ? rgba(120, 28, 36) : rgba(44, 50, 61)));
  const std::string rec_label = recording ? "     Stop recording" : "     Record";
  if (ImGui::Button(rec_label.c_str()))
    toggle_record();
  {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    draw_icon(dl, recording ? Icon::Stop : Icon::Record,
              ImVec2(a.x + fonts_.size * 0.95f, (a.y + b.y) * 0.5f), fonts_.size * 0.7f,
              live ? colour::kRecord : with_alpha(colour::kRecord, 110));
  }
  ImGui::PopStyleColor();
  if (!live)
    ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip(live ? "Record the raw video, frames.csv, episodes.csv and summary.json (R)"
                           : "Recording is for live sources (a camera)");
  }
  ImGui::SameLine();
  bool m = mirror();
  ImGui::PushStyleColor(ImGuiCol_Button, to_vec4(m ? rgba(38, 120, 112) : rgba(44, 50, 61)));
  if (ImGui::Button(m ? "Mirror: on" : "Mirror: off"))
    toggle_mirror();
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Flip the picture like a mirror (M). Sides stay the person's.");
  ImGui::SameLine();
  if (ImGui::Button("Help"))
    show_help_ = !show_help_;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Keys and colours (H or F1)");

  // Right: what is open.
  std::string what;
  ImU32 chip = colour::kTextDim;
  if (view_.mode == SourceMode::Live) {
    what = "LIVE  \xC2\xB7  " + sources_->spec().label();
    chip = colour::kRecord;
  } else if (view_.mode == SourceMode::Replay) {
    what = "REPLAY  \xC2\xB7  " + sources_->spec().label();
    chip = colour::kAccent;
  } else {
    what = "no source";
  }
  const float tw = ImGui::CalcTextSize(what.c_str()).x;
  const float x = pos.x + size.x - tw - fonts_.size * 1.2f;
  const float cy = pos.y + size.y * 0.5f;
  if (x > ImGui::GetItemRectMax().x + fonts_.size * 2) {
    dl->AddCircleFilled(ImVec2(x - fonts_.size * 0.7f, cy), fonts_.size * 0.3f, chip, 16);
    dl->AddText(ImVec2(x, cy - fonts_.size * 0.55f), colour::kText, what.c_str());
  }
  ImGui::End();
}

void App::draw_video_panel(ImVec2 pos, ImVec2 size) {
  const float pad = std::round(fonts_.size * 0.5f);
  begin_panel("##video", pos, size, colour::kWindowBg, ImVec2(pad, pad));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float bar_h = std::round(ImGui::GetFrameHeight() + fonts_.size * 0.7f);
  const bool has_bar = view_.mode != SourceMode::None;
  const ImVec2 p0(pos.x + pad, pos.y + pad);
  const ImVec2 p1(pos.x + size.x - pad, pos.y + size.y - pad - (has_bar ? bar_h : 0.0f));
  dl->AddRectFilled(p0, p1, rgba(9, 10, 13), 4.0f);

  if (view_.image.empty() || !video_ || !video_->has_frame()) {
    draw_placeholder(p0, p1);
    video_rect_[0] = video_rect_[1] = video_rect_[2] = video_rect_[3] = 0;
  } else {
    const ImVec2 fb_scale = ImGui::GetIO().DisplayFramebufferScale;
    const float area_w = p1.x - p0.x, area_h = p1.y - p0.y;
    const VideoMapping map = fit_video(p0.x, p0.y, area_w, area_h, video_->frame_width(),
                                       video_->frame_height(), mirror());
    const float rect[4] = {(map.x0 - p0.x) * fb_scale.x, (map.y0 - p0.y) * fb_scale.y,
                           map.width() * fb_scale.x, map.height() * fb_scale.y};
    const bool stopped = view_.live && !view_.live->running;
    const unsigned tex =
        video_->render(static_cast<int>(area_w * fb_scale.x), static_cast<int>(area_h * fb_scale.y),
                       rect, mirror(), stopped ? 0.45f : 1.0f);
    ImGui::SetCursorScreenPos(p0);
    ImGui::Image(texture_id(tex), ImVec2(area_w, area_h), ImVec2(0, 1), ImVec2(1, 0));
    video_rect_[0] = map.x0 - ImGui::GetMainViewport()->Pos.x;
    video_rect_[1] = map.y0 - ImGui::GetMainViewport()->Pos.y;
    video_rect_[2] = map.width();
    video_rect_[3] = map.height();
    OverlayOptions oo;
    oo.landmarks = settings_.show_landmarks;
    oo.midline = settings_.show_midline;
    oo.motion = settings_.show_motion;
    oo.arrow_gain = settings_.arrow_gain;
    oo.time_s = std::chrono::duration<double>(Clock::now() - started_).count();
    draw_overlay(dl, map, view_.record, view_.rest, view_.flash, oo, fonts_);
    draw_video_chips(dl, ImVec2(map.x0, map.y0),
                     ImVec2(map.x0 + map.width(), map.y0 + map.height()));
    protocol_->draw_prompt(dl, ImVec2(map.x0, map.y0), ImVec2(map.x0 + map.width(), map.y0 + map.height()), fonts_);
  }

  // Bottom bar.
  if (has_bar) {
    ImGui::SetCursorScreenPos(ImVec2(p0.x, p1.y + fonts_.size * 0.35f));
    if (view_.mode == SourceMode::Replay) {
      draw_transport(p1.x - p0.x);
    } else {
      draw_live_bar(p1.x - p0.x);
    }
  }
  ImGui::End();
}

void App::draw_placeholder(ImVec2 p0, ImVec2 p1) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = fonts_.size;
  const float cx = (p0.x + p1.x) * 0.5f;
  float y = p0.y + (p1.y - p0.y) * 0.28f;
  auto centred = [&](ImFont* font, const std::string& s, ImU32 col) {
    const ImVec2 ts = font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, s.c_str());
    dl->AddText(font, font->FontSize, ImVec2(cx - ts.x * 0.5f, y), col, s.c_str());
    y += ts.y + fs * 0.5f;
  };
  if (sources_->busy()) {
    centred(fonts_.big, "Opening\xE2\x80\xA6", colour::kText);
    centred(fonts_.regular, sources_->busy_text(), colour::kTextDim);
    const double p = sources_->busy_progress();
    const float w = std::min(p1.x - p0.x - 4 * fs, 26 * fs);
    ImGui::SetCursorScreenPos(ImVec2(cx - w * 0.5f, y + fs * 0.5f));
    if (p >= 0) {
      ImGui::ProgressBar(static_cast<float>(p), ImVec2(w, 0));
    } else {
      // Indeterminate: a block sliding along the bar.
      const float t = static_cast<float>(std::fmod(ImGui::GetTime() * 0.6, 1.0));
      const ImVec2 a(cx - w * 0.5f, y + fs * 0.5f),
          b(cx + w * 0.5f, y + fs * 0.5f + ImGui::GetFrameHeight() * 0.35f);
      dl->AddRectFilled(a, b, rgba(36, 41, 50), 3.0f);
      const float bx = a.x + (w * 1.25f) * t - w * 0.25f;
      dl->AddRectFilled(ImVec2(std::max(a.x, bx), a.y), ImVec2(std::min(b.x, bx + w * 0.25f), b.y),
                        colour::kAccent, 3.0f);
    }
    return;
  }
  if (view_.mode != SourceMode::None) {
    centred(fonts_.regular, "Waiting for the first frame\xE2\x80\xA6", colour::kTextDim);
    return;
  }
  centred(fonts_.big, "Measure twitching of the lip corners and eyelids", colour::kText);
  centred(fonts_.regular, "Open a camera, a recorded video, or the built-in demo.",
          colour::kTextDim);
  if (sources_->model_loading())
    centred(fonts_.small, "(loading the landmark model\xE2\x80\xA6)", colour::kTextDim);
  y += fs;
  const float bw = fs * 11.0f, gap = fs;
  ImGui::SetCursorScreenPos(ImVec2(cx - 1.5f * bw - gap, y));
  ImGui::PushFont(fonts_.bold);
  if (ImGui::Button("Open the demo", ImVec2(bw, fs * 2.6f))) {
    SourceSpec s;
    s.kind = SourceSpec::Kind::Demo;
    open_spec(s);
  }
  ImGui::SameLine(0, gap);
  if (ImGui::Button("Open a video\xE2\x80\xA6", ImVec2(bw, fs * 2.6f)))
    select_tab_ = 1;
  ImGui::SameLine(0, gap);
  if (ImGui::Button("Use a camera\xE2\x80\xA6", ImVec2(bw, fs * 2.6f)))
    select_tab_ = 1;
  ImGui::PopFont();
  y += fs * 4.0f;
  if (!sources_->model_error().empty() || !sources_->error().empty()) {
    const std::string e = !sources_->error().empty() ? sources_->error() : sources_->model_error();
    ImGui::SetCursorScreenPos(ImVec2(p0.x + fs * 2, y));
    ImGui::PushTextWrapPos(p1.x - fs * 2);
    ImGui::TextColored(to_vec4(colour::kAlert), "%s", e.c_str());
    ImGui::PopTextWrapPos();
  }
}

void App::draw_video_chips(ImDrawList* dl, ImVec2 p0, ImVec2 p1) {
  const float fs = fonts_.size;
  const float m = fs * 0.6f;
  const ImU32 bg = rgba(10, 12, 16, 200);
  // Top-left: time.
  std::string time_text;
  if (view_.mode == SourceMode::Replay) {
    time_text = format_clock(view_.frame_t) + " / " + format_clock(view_.duration);
  } else if (view_.mode == SourceMode::Live) {
    time_text = "session " + format_clock(view_.counters.session_time_s);
    if (live_frozen_)
      time_text += "  \xC2\xB7  picture frozen (Space)";
  }
  label(dl, fonts_.regular, fs, ImVec2(p0.x + m, p0.y + m), ImVec2(0, 0), colour::kText, bg,
        time_text, 6.0f);
  // Top-right: analysis state.
  std::string state;
  ImU32 state_col = colour::kTextDim;
  if (view_.mode == SourceMode::Replay && view_.analysis) {
    if (!view_.analysis->done) {
      state = "analysing\xE2\x80\xA6 " + fmt("%.0f%%", 100.0 * view_.analysis->progress);
      state_col = colour::kWarn;
    } else if (view_.analysis->reapplying) {
      state = "applying the new settings\xE2\x80\xA6";
      state_col = colour::kWarn;
    } else {
      state = "\xE2\x9C\x93 whole video analysed";
      state_col = colour::kOk;
    }
  } else if (view_.mode == SourceMode::Live && view_.live) {
    state = fmt("%.0f fps", view_.counters.analysis_fps) + "  \xC2\xB7  " +
            fmt("%.0f ms", view_.counters.latency_ms);
    if (view_.live->recording.active) {
      state = "\xE2\x97\x8F REC " +
              format_clock(std::chrono::duration<double>(Clock::now() - recording_since_).count()) +
              "   " + state;
      state_col = colour::kRecord;
    }
  }
  if (!state.empty()) {
    label(dl, fonts_.bold, fs, ImVec2(p1.x - m, p0.y + m), ImVec2(1, 0), state_col, bg, state,
          6.0f);
  }
  // Top-centre: why this frame is not measured.
  float y = p0.y + m + fs * 2.2f;
  if (view_.not_analysed_yet) {
    label(dl, fonts_.bold, fs, ImVec2((p0.x + p1.x) * 0.5f, y), ImVec2(0.5f, 0), colour::kText,
          rgba(60, 66, 80, 220), "analysing\xE2\x80\xA6 this frame has not been reached yet", 7.0f);
    y += fs * 2.0f;
  } else if (view_.record) {
    for (const std::string& q : quality_messages(view_.record->metrics.quality)) {
      label(dl, fonts_.bold, fs, ImVec2((p0.x + p1.x) * 0.5f, y), ImVec2(0.5f, 0), rgba(20, 20, 20),
            with_alpha(colour::kWarn, 235), "\xE2\x96\xB2 " + q, 7.0f);
      y += fs * 2.0f;
    }
    if (view_.record->metrics.quality != kQualityOk) {
      label(dl, fonts_.small, fonts_.small->FontSize, ImVec2((p0.x + p1.x) * 0.5f, y),
            ImVec2(0.5f, 0), colour::kText, bg,
            "not measured in this frame (quality: " +
                quality_to_string(view_.record->metrics.quality) + ")",
            5.0f);
    }
  }
  // Bottom: failure and errors (live source stopped; a source that could not be opened).
  float by = p1.y - m;
  auto banner = [&](const std::string& text, ImU32 col) {
    const float maxw = (p1.x - p0.x) - 2 * m;
    ImFont* f = fonts_.bold;
    const ImVec2 ts = f->CalcTextSizeA(f->FontSize, maxw - 16, maxw - 16, text.c_str());
    const ImVec2 a(p0.x + m, by - ts.y - 12), b(p0.x + m + std::min(maxw, ts.x + 16), by);
    dl->AddRectFilled(a, b, col, 5.0f);
    dl->AddText(f, f->FontSize, ImVec2(a.x + 8, a.y + 6), rgba(255, 255, 255), text.c_str(),
                nullptr, maxw - 16);
    by = a.y - 6;
  };
  if (view_.live && !view_.live->running) {
    if (view_.live->source_failed) {
      banner("The source stopped: " + view_.live->status + ". Results so far are kept" +
                 (view_.live->recording.dir.empty()
                      ? "."
                      : "; the recording was closed and marked partial."),
             with_alpha(rgba(170, 30, 50), 235));
    } else {
      banner("The source ended (" + view_.live->status + ").", rgba(50, 56, 68, 235));
    }
  } else if (view_.live && !view_.live->status.empty()) {
    banner(view_.live->status, with_alpha(rgba(170, 30, 50), 235));
  }
  if (!sources_->error().empty()) {
    banner(sources_->error(),
           with_alpha(rgba(170, 30, 50), 235));  // e.g. a new source that failed to open
  }
  if (view_.analysis && view_.analysis->done && view_.analysis->summary.partial) {
    banner("The file broke off: " + view_.analysis->summary.partial_reason,
           with_alpha(rgba(170, 100, 20), 235));
  }
  // Bottom-right: legend of the overlay.
  if (settings_.show_motion && view_.record && view_.record->metrics.face_found) {
    const std::string legend = "arrows: mouth-corner movement \xC3\x97" +
                               fmt("%.0f", settings_.arrow_gain) +
                               "  \xC2\xB7  bars: eyelid opening (white tick = rest)";
    label(dl, fonts_.small, fonts_.small->FontSize, ImVec2(p1.x - m, p1.y - m), ImVec2(1, 1),
          colour::kTextDim, bg, legend, 5.0f);
  }
}

bool App::timeline(float width, float height) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##timeline", ImVec2(width, height));
  const bool active = ImGui::IsItemActive();
  const double dur = std::max(view_.duration, 1e-3);
  const float track_h = std::max(6.0f, height * 0.34f);
  const float cy = a.y + height * 0.5f;
  const ImVec2 t0(a.x, cy - track_h * 0.5f), t1(a.x + width, cy + track_h * 0.5f);
  dl->AddRectFilled(t0, t1, rgba(36, 41, 50), track_h * 0.5f);
  if (view_.analysis) {
    const float f = static_cast<float>(std::clamp(view_.analysis->progress, 0.0, 1.0));
    dl->AddRectFilled(t0, ImVec2(t0.x + width * f, t1.y), rgba(70, 80, 96), track_h * 0.5f);
  }
  for (const Episode& e : view_.plot_episodes) {
    const float x0 = a.x + static_cast<float>(e.start_s / dur) * width;
    const float x1 = std::max(x0 + 3.0f, a.x + static_cast<float>(e.end_s / dur) * width);
    const bool eye = e.region == Region::Eye;
    const ImVec2 m0(x0, eye ? cy : t0.y - 2), m1(x1, eye ? t1.y + 2 : cy);
    dl->AddRectFilled(m0, m1, laterality_colour(e.side), 2.0f);
  }
  const float px = a.x + static_cast<float>(std::clamp(view_.frame_t / dur, 0.0, 1.0)) * width;
  dl->AddCircleFilled(ImVec2(px, cy), height * 0.36f, rgba(240, 244, 250), 20);
  dl->AddCircle(ImVec2(px, cy), height * 0.36f, rgba(0, 0, 0, 120), 20, 1.5f);
  if (ImGui::IsItemHovered()) {
    const double t = std::clamp((ImGui::GetIO().MousePos.x - a.x) / width, 0.0f, 1.0f) * dur;
    ImGui::SetTooltip("%s  (click or drag to seek; upper marks: mouth, lower: eyelids)",
                      format_clock(t).c_str());
  }
  if (active) {
    const double t = std::clamp((ImGui::GetIO().MousePos.x - a.x) / width, 0.0f, 1.0f) * dur;
    if (auto* p = sources_->player())
      p->seek(t);
    return true;
  }
  return false;
}

void App::draw_transport(float width) {
  const float fs = fonts_.size;
  const float h = ImGui::GetFrameHeight();
  const bool playing = view_.player && view_.player->playing;
  ReplayPlayer* p = sources_->player();
  if (icon_button("##back", Icon::StepBack, h, colour::kText, "One frame back (\xE2\x86\x90)") && p)
    p->step(-1);
  ImGui::SameLine(0, 4);
  if (icon_button("##play", playing ? Icon::Pause : Icon::Play, h, colour::kText,
                  "Play / pause (Space)") &&
      p)
    p->toggle_play();
  ImGui::SameLine(0, 4);
  if (icon_button("##fwd", Icon::StepForward, h, colour::kText,
                  "One frame forward (\xE2\x86\x92)") &&
      p)
    p->step(1);
  ImGui::SameLine(0, fs * 0.8f);
  const std::string t = format_clock(view_.frame_t) + " / " + format_clock(view_.duration);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(t.c_str());
  ImGui::SameLine(0, fs * 0.8f);
  const float speed_w = fs * 5.0f;
  const float remaining = width - (ImGui::GetCursorScreenPos().x - ImGui::GetWindowPos().x) +
                          ImGui::GetStyle().WindowPadding.x - speed_w - fs * 0.8f;
  timeline(std::max(remaining, fs * 4), h);
  ImGui::SameLine(0, fs * 0.8f);
  int current = 2;
  const double speed = view_.player ? view_.player->speed : 1.0;
  for (int i = 0; i < 6; ++i) {
    if ((kSpeeds[i] <= 0 && speed <= 0) || std::abs(kSpeeds[i] - speed) < 1e-6)
      current = i;
  }
  ImGui::SetNextItemWidth(speed_w);
  if (ImGui::BeginCombo("##speed", kSpeedNames[current])) {
    for (int i = 0; i < 6; ++i) {
      if (ImGui::Selectable(kSpeedNames[i], i == current) && p)
        p->set_speed(kSpeeds[i]);
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Playback speed (the analysis always covers every frame)");
}

void App::draw_live_bar(float width) {
  (void)width;
  const float fs = fonts_.size;
  const bool running = view_.live && view_.live->running;
  const bool recording = view_.live && view_.live->recording.active;
  if (!running)
    ImGui::BeginDisabled();
  ImGui::PushStyleColor(ImGuiCol_Button, to_vec4(recording ? rgba(120, 28, 36) : rgba(44, 50, 61)));
  if (ImGui::Button(recording ? "     Stop recording (R)" : "     Record (R)"))
    toggle_record();
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  draw_icon(ImGui::GetWindowDrawList(), recording ? Icon::Stop : Icon::Record,
            ImVec2(a.x + fs * 0.95f, (a.y + b.y) * 0.5f), fs * 0.7f, colour::kRecord);
  ImGui::PopStyleColor();
  if (!running)
    ImGui::EndDisabled();
  ImGui::SameLine(0, fs);
  ImGui::AlignTextToFramePadding();
  if (!view_.live)
    return;
  const LiveRecordingStatus& r = view_.live->recording;
  if (recording) {
    ImGui::TextColored(
        to_vec4(colour::kRecord), "\xE2\x97\x8F REC %s",
        format_clock(std::chrono::duration<double>(Clock::now() - recording_since_).count())
            .c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("\xE2\x86\x92 %s  (%lld video frames%s)", r.dir.string().c_str(),
                        static_cast<long long>(r.video_frames_written),
                        r.video_frames_lost > 0
                            ? (", " + std::to_string(r.video_frames_lost) + " lost").c_str()
                            : "");
  } else if (!r.dir.empty()) {
    ImGui::TextDisabled("Last recording: %s", r.dir.string().c_str());
  } else if (running) {
    ImGui::TextDisabled("Not recording");
  } else {
    ImGui::TextDisabled("Source stopped");
  }
  if (view_.live->source_failed) {
    ImGui::SameLine();
    if (ImGui::Button("Reconnect"))
      open_spec(sources_->spec());
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Open %s again (a new session)", sources_->spec().label().c_str());
  }
  if (view_.live->settings_pending) {
    ImGui::SameLine();
    ImGui::TextColored(to_vec4(colour::kWarn), "  new settings apply when the recording stops");
  }
}

void App::draw_plots(ImVec2 pos, ImVec2 size) {
  const float pad = std::round(fonts_.size * 0.5f);
  begin_panel("##plots", pos, size, colour::kWindowBg, ImVec2(pad, 0));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  PlotView pv;
  pv.t0 = view_.t0;
  pv.t1 = view_.t1;
  pv.cursor_t = view_.cursor;
  pv.samples = &view_.samples;
  pv.episodes = &view_.plot_episodes;
  pv.fonts = &fonts_;
  const float x0 = pos.x + pad, x1 = pos.x + size.x - pad;
  const float gap = std::round(fonts_.size * 0.35f);
  const float h = (size.y - pad - 2 * gap) / 3.0f;
  float y = pos.y;
  draw_signal_plot(dl, ImVec2(x0, y), ImVec2(x1, y + h), Region::Mouth, pv,
                   settings_.twitch.mouth_enabled);
  y += h + gap;
  draw_signal_plot(dl, ImVec2(x0, y), ImVec2(x1, y + h), Region::Eye, pv,
                   settings_.twitch.eye_enabled);
  y += h + gap;
  draw_asymmetry_plot(dl, ImVec2(x0, y), ImVec2(x1, y + h), pv);
  ImGui::End();
}

void App::draw_side(ImVec2 pos, ImVec2 size) {
  begin_panel("##side", pos, size, colour::kPanelBg,
              ImVec2(fonts_.size * 0.8f, fonts_.size * 0.6f));
  ImGui::GetWindowDrawList()->AddLine(pos, ImVec2(pos.x, pos.y + size.y), colour::kBorder);
  // Toasts on top of the panel.
  const auto now = Clock::now();
  toasts_.erase(
      std::remove_if(toasts_.begin(), toasts_.end(), [&](const Toast& t) { return t.until < now; }),
      toasts_.end());
  if (ImGui::BeginTabBar("##tabs")) {
    const char* names[] = {"Results", "Source", "Settings", "Asymmetry", "Protocol", "History"};
    for (int i = 0; i < 6; ++i) {
      const ImGuiTabItemFlags f = select_tab_ == i ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(names[i], nullptr, f)) {
        ImGui::Spacing();
        if (i == 0)
          draw_results_tab();
        if (i == 1)
          draw_source_tab();
        if (i == 2)
          draw_settings_tab();
        if (i == 3)
          draw_asymmetry_tab();
        if (i == 4)
          protocol_->draw_tab(fonts_, view_.mode == SourceMode::Live && sources_->live() != nullptr);
        if (i == 5)
          history_panel_->draw(fonts_);
        ImGui::EndTabItem();
      }
    }
    ImGui::EndTabBar();
  }
  select_tab_ = -1;
  // Toasts: bottom of the side panel.
  if (!toasts_.empty()) {
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    float y = pos.y + size.y - fonts_.size * 0.8f;
    for (auto it = toasts_.rbegin(); it != toasts_.rend(); ++it) {
      const float maxw = size.x - fonts_.size * 1.6f;
      const ImVec2 ts =
          fonts_.regular->CalcTextSizeA(fonts_.size, maxw - 20, maxw - 20, it->text.c_str());
      const ImVec2 a(pos.x + fonts_.size * 0.8f, y - ts.y - 14), b(a.x + maxw, y);
      dl->AddRectFilled(a, b, rgba(40, 46, 58, 245), 6.0f);
      dl->AddRectFilled(a, ImVec2(a.x + 4, b.y), it->colour, 2.0f);
      dl->AddText(fonts_.regular, fonts_.size, ImVec2(a.x + 12, a.y + 7), colour::kText,
                  it->text.c_str(), nullptr, maxw - 20);
      y = a.y - 6;
    }
  }
  ImGui::End();
}

void App::draw_results_tab() {
  const Counters& c = view_.counters;
  const float fs = fonts_.size;
  // Errors first: they matter more than numbers.
  if (!sources_->error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, to_vec4(rgba(90, 24, 36)));
    ImGui::BeginChild("##err", ImVec2(0, fs * 4.6f), true);
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    ImGui::TextColored(to_vec4(rgba(255, 200, 205)), "%s", sources_->error().c_str());
    ImGui::PopTextWrapPos();
    if (ImGui::SmallButton("Dismiss"))
      sources_->clear_error();
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }
  if (view_.mode == SourceMode::None) {
    ImGui::TextDisabled("Nothing open yet.");
    ImGui::TextWrapped(
        "Open the demo, a recorded video or a camera (toolbar, or the Source tab). Counters, the "
        "episodes table and the plots fill in as the video is analysed.");
    return;
  }

  // Big figures.
  if (ImGui::BeginTable("##big", 4, ImGuiTableFlags_SizingStretchSame)) {
    auto cell = [&](const std::string& value, const char* caption, ImU32 col) {
      ImGui::TableNextColumn();
      ImGui::PushFont(fonts_.big);
      ImGui::TextColored(to_vec4(col), "%s", value.c_str());
      ImGui::PopFont();
      ImGui::PushFont(fonts_.small);
      ImGui::TextColored(to_vec4(colour::kTextDim), "%s", caption);
      ImGui::PopFont();
    };
    cell(std::to_string(c.episodes_total), "episodes", colour::kText);
    cell(std::to_string(c.twitches_total), "twitches", colour::kText);
    cell(fmt("%.1f", c.twitches_per_minute), "twitches / min", colour::kText);
    cell(std::to_string(c.blinks), "blinks", colour::kText);
    ImGui::EndTable();
  }
  ImGui::Spacing();

  // By side and region.
  ImGui::PushFont(fonts_.small);
  ImGui::TextColored(to_vec4(colour::kTextDim), "By side: episodes (twitches in them)");
  ImGui::PopFont();
  const ImGuiTableFlags tf =
      ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg;
  if (ImGui::BeginTable("##sides", 4, tf)) {
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableSetupColumn("person's left", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("person's right", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("both", ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    ImGui::TableNextColumn();
    ImGui::TableNextColumn();
    ImGui::TextColored(to_vec4(colour::kLeft), "person's left");
    ImGui::TableNextColumn();
    ImGui::TextColored(to_vec4(colour::kRight), "person's right");
    ImGui::TableNextColumn();
    ImGui::TextColored(to_vec4(colour::kBoth), "both");
    auto row = [&](const char* name, const SideCounts& ep, const SideCounts& tw, bool enabled) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(name);
      for (Laterality l : {Laterality::Left, Laterality::Right, Laterality::Bilateral}) {
        ImGui::TableNextColumn();
        SideCounts e = ep, t = tw;
        if (!enabled) {
          ImGui::TextDisabled("off");
        } else if (e[l] == 0) {
          ImGui::TextDisabled("0");
        } else {
          ImGui::PushFont(fonts_.bold);
          ImGui::Text("%d", e[l]);
          ImGui::PopFont();
          ImGui::SameLine(0, 4);
          ImGui::TextDisabled("(%d)", t[l]);
        }
      }
    };
    row("Mouth corner", c.episodes_mouth, c.twitches_mouth, c.settings.mouth_enabled);
    row("Eyelid", c.episodes_eye, c.twitches_eye, c.settings.eye_enabled);
    // Single twitches that formed no episode: counted apart, never hidden.
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("Single twitches");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Isolated twitches: one brief twitch with no other on that side within %.2f s.\n"
                        "Not an episode (an episode has 2 or more twitches, or a sustained contraction);\n"
                        "on real faces most are glances, swallows or video artefacts.",
                        c.settings.merge_gap_s);
    for (Laterality l : {Laterality::Left, Laterality::Right, Laterality::Bilateral}) {
      ImGui::TableNextColumn();
      SideCounts m = c.isolated_mouth, e = c.isolated_eye;
      if (m[l] + e[l] == 0) {
        ImGui::TextDisabled("0");
      } else {
        ImGui::Text("mouth %d, eyelid %d", m[l], e[l]);
      }
    }
    // Time in spasm: the share of the session inside an episode of that region involving that side.
    auto spasm_row = [&](const char* name, Region region) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(name);
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Time in spasm: the share of the session inside an episode of this region\ninvolving that side (its own or one of both sides)");
      for (Side sd : kSides) {
        ImGui::TableNextColumn();
        const double pct = time_in_episodes_pct(c.episodes, region, sd, c.session_time_s);
        if (pct == 0.0) {
          ImGui::TextDisabled("0%%");
        } else {
          ImGui::Text("%.1f%%", pct);
        }
      }
      ImGui::TableNextColumn();
    };
    spasm_row("Mouth in spasm", Region::Mouth);
    spasm_row("Eyelid in spasm", Region::Eye);
    ImGui::EndTable();
  }
  ImGui::Spacing();
  // Now.
  if (!c.open_episode.empty()) {
    const std::string hz =
        std::isfinite(c.open_episode_hz) ? fmt("%.1f Hz", c.open_episode_hz) : "\xE2\x80\x94 Hz";
    ImGui::PushFont(fonts_.bold);
    ImGui::TextColored(to_vec4(colour::kAlert),
                       "\xE2\x97\x8F Twitching now: %s  \xC2\xB7  %s  \xC2\xB7  %d twitches",
                       c.open_episode.c_str(), hz.c_str(), c.open_episode_twitches);
    ImGui::PopFont();
  } else {
    ImGui::TextDisabled("No episode in progress");
  }
  ImGui::Spacing();

  // Session figures: two columns of label / value.
  if (ImGui::BeginTable("##session", 4, ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("k1", ImGuiTableColumnFlags_WidthStretch, 1.05f);
    ImGui::TableSetupColumn("v1", ImGuiTableColumnFlags_WidthStretch, 0.95f);
    ImGui::TableSetupColumn("k2", ImGuiTableColumnFlags_WidthStretch, 1.05f);
    ImGui::TableSetupColumn("v2", ImGuiTableColumnFlags_WidthStretch, 0.95f);
    int n = 0;
    auto kv = [&](const char* k, const std::string& v, const char* tip = nullptr) {
      if (n % 2 == 0)
        ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", k);
      if (tip && ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tip);
      ImGui::TableNextColumn();
      // A narrow window: "375 fps (12.5x)" on two lines at its bracket, not cut off.
      const std::size_t bracket = v.find(" (");
      if (bracket != std::string::npos && ImGui::CalcTextSize(v.c_str()).x > ImGui::GetContentRegionAvail().x) {
        ImGui::TextUnformatted(v.substr(0, bracket).c_str());
        ImGui::TextUnformatted(v.substr(bracket + 1).c_str());
      } else {
        ImGui::TextUnformatted(v.c_str());
      }
      ++n;
    };
    if (view_.mode == SourceMode::Live) {
      kv("Session", format_clock(c.session_time_s));
      kv("Voluntary", std::to_string(c.voluntary_movements),
         "bilateral slow movements (smile, speech): not twitches");
      kv("Analysed", std::to_string(c.frames_analysed) + " fr");
      const double pct = c.frames_captured > 0 ? 100.0 * static_cast<double>(c.frames_dropped) /
                                                     static_cast<double>(c.frames_captured)
                                               : 0.0;
      kv("Dropped", std::to_string(c.frames_dropped) + fmt(" (%.1f%%)", pct),
         "frames the analysis could not keep up with (the newest frame is always analysed)");
      kv("Rate", fmt("%.1f fps", c.analysis_fps));
      kv("Per frame", fmt("%.1f ms", c.analyse_ms), "analysis time of the last frame");
      kv("Latency", fmt("%.0f ms", c.latency_ms), "capture to result, last frame");
      kv("Median lat.", fmt("%.0f ms", c.latency_median_ms), "over the last 256 frames");
    } else {
      kv("Duration", format_clock(c.session_time_s));
      kv("Voluntary", std::to_string(c.voluntary_movements),
         "bilateral slow movements (smile, speech): not twitches");
      kv("Analysed", std::to_string(c.frames_analysed) + " fr" +
                         (c.analysis_done ? "" : fmt(" (%.0f%%)", 100.0 * c.analysis_progress)));
      const double rt = view_.analysis && view_.analysis->info.nominal_fps > 0
                            ? c.analysis_fps / view_.analysis->info.nominal_fps
                            : 0.0;
      kv("Speed", fmt("%.0f fps", c.analysis_fps) + (rt > 0 ? fmt(" (%.1f\xC3\x97)", rt) : ""),
         "analysis speed; x real time");
      kv("Face found", std::isfinite(c.face_found_percent) ? fmt("%.1f%%", c.face_found_percent)
                                                           : "\xE2\x80\x94");
      kv("Measurable",
         std::isfinite(c.measurable_percent) ? fmt("%.1f%%", c.measurable_percent) : "\xE2\x80\x94",
         "frames of good quality (face frontal, large, lit, sharp)");
      kv("Per frame", fmt("%.1f ms", c.analyse_ms), "mean analysis time per frame");
      kv("Dropped", "0", "a recorded video is analysed frame by frame: nothing is dropped");
    }
    ImGui::EndTable();
  }
  if (view_.mode == SourceMode::Replay && c.analysis_done &&
      std::isfinite(c.asymmetry_height_iod)) {
    // The resting value, as in the terminal, the Asymmetry tab, summary.json and the report.
    ImGui::TextDisabled("Asymmetry at rest:");
    ImGui::SameLine();
    ImGui::TextWrapped("mouth corners L-R %s", describe_corner_height_diff(c.asymmetry_height_iod).c_str());
    ImGui::TextDisabled("Mirror asymmetry index at rest: %.2f%% IOD", 100.0 * c.asymmetry_index_iod);
  }
  draw_save_session();
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::PushFont(fonts_.bold);
  ImGui::Text("Episodes");
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextDisabled(view_.mode == SourceMode::Replay ? "(click a row to go there)"
                                                       : "(closed episodes)");
  const float avail = ImGui::GetContentRegionAvail().y - fonts_.size * 0.2f;
  const bool others = view_.mode == SourceMode::Replay && view_.analysis;
  draw_episodes_table(others ? std::round(avail * 0.55f) : avail);
  if (!others)
    return;
  // What moved but is not a twitch, so the user can see why it was not counted.
  struct Other {
    double start, end;
    const char* what;
  };
  std::vector<Other> rows;
  for (const Blink& b : view_.analysis->summary.blinks)
    rows.push_back({b.start_s, b.end_s, is_long_eye_closure(b) ? "long eye closure (both eyelids)" : "blink (both eyelids)"});
  for (const VoluntaryMovement& v : view_.analysis->summary.voluntary_movements) {
    rows.push_back({v.start_s, v.end_s,
                    v.region == Region::Eye ? "voluntary eye closure" : "voluntary (smile, speech)"});
  }
  std::sort(rows.begin(), rows.end(),
            [](const Other& a, const Other& b) { return a.start < b.start; });
  ImGui::Spacing();
  ImGui::PushFont(fonts_.bold);
  ImGui::Text("Not twitches");
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextDisabled("(movements the analysis set apart)");
  const ImGuiTableFlags f = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                            ImGuiTableFlags_BordersOuterH | ImGuiTableFlags_SizingFixedFit |
                            ImGuiTableFlags_BordersInnerV;
  if (ImGui::BeginTable("##others", 3, f,
                        ImVec2(0, std::max(ImGui::GetContentRegionAvail().y - fonts_.size * 0.2f,
                                           fonts_.size * 4)))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Start s");
    ImGui::TableSetupColumn("What", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Dur s");
    ImGui::TableHeadersRow();
    if (rows.empty()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("none");
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      char label_buf[48];
      std::snprintf(label_buf, sizeof label_buf, "%.2f##other%zu", rows[i].start, i);
      const bool here = std::isfinite(view_.cursor) && view_.cursor >= rows[i].start &&
                        view_.cursor <= rows[i].end;
      if (ImGui::Selectable(label_buf, here, ImGuiSelectableFlags_SpanAllColumns)) {
        if (auto* p = sources_->player())
          p->seek(std::max(0.0, rows[i].start - 0.5));
      }
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", rows[i].what);
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", rows[i].end - rows[i].start);
    }
    ImGui::EndTable();
  }
}

// A dated folder in the recordings folder, named by the local time and the patient id.
std::filesystem::path App::default_save_dir() const {
  const std::filesystem::path base = settings_.recordings_dir.empty()
                                         ? default_recordings_dir()
                                         : std::filesystem::path(settings_.recordings_dir);
  const std::string name = session_folder_name(std::time(nullptr), save_patient_);
  std::filesystem::path dir = base / name;
  std::error_code ec;
  for (int n = 2; std::filesystem::exists(dir, ec) && n < 100; ++n)  // never an earlier save's folder
    dir = base / (name + "_" + std::to_string(n));
  return dir;
}

// Another file (or the same one opened again): the save section starts afresh (the patient id and the
// notes are kept: often the same person's next video).
void App::reset_save_if_new_replay() {
  const void* replay = sources_->replay();
  if (replay == save_for_replay_)
    return;
  save_for_replay_ = replay;
  save_dir_auto_ = true;
  saved_dir_.clear();
  report_path_.clear();
  if (save_seen_replay_)
    save_message_.clear();  // kept the first time: it may say why the --notes file was not read
  save_seen_replay_ = save_seen_replay_ || replay != nullptr;
}

// "Save session": the whole-file analysis of the opened video written as a session folder, the files
// `facetwitch analyse VIDEO --out DIR` writes (pipeline/save_session.hpp), then added to the history.
bool App::save_session_now() {
  ReplaySession* replay = sources_->replay();
  if (!replay) {
    save_message_ = "Not saved: no video is open.";
    save_message_error_ = true;
    return false;
  }
  SaveSessionOptions so;
  so.dir = save_dir_;
  so.patient_id = save_patient_;
  so.notes = save_notes_;
  auto saved = save_replay_session(*replay, so);
  if (!saved) {
    save_message_ = "Not saved: " + saved.error().message;
    save_message_error_ = true;
    return false;
  }
  saved_dir_ = save_dir_;
  save_dir_auto_ = false;
  report_path_.clear();
  save_message_ = "Saved to " + saved_dir_.string() + " (" + std::to_string(saved->episodes.size()) + " episodes).";
  save_message_error_ = false;
  history_panel_->add_when_final(saved_dir_);
  notify("Session saved to " + saved_dir_.string(), colour::kText, 5.0);
  return true;
}

// "Make report": what `facetwitch report DIR` writes (report.html, report.json), in-process.
bool App::make_report_now() {
  if (saved_dir_.empty())
    return false;
  auto made = write_session_report(saved_dir_);
  if (!made) {
    save_message_ = "No report: " + made.error().message;
    save_message_error_ = true;
    return false;
  }
  report_path_ = saved_dir_ / kReportHtml;
  save_message_ = "Report written to " + report_path_.string() + ".";
  save_message_error_ = false;
  return true;
}

// "Open report": xdg-open, started apart from the window (ui/open_file.hpp).
void App::open_report() {
  if (report_path_.empty())
    return;
  if (Status st = open_with_default_app(report_path_); !st) {
    save_message_ = st.error().message + ".";
    save_message_error_ = true;
    return;
  }
  save_message_ = "Opening " + report_path_.string() + " (xdg-open).";
  save_message_error_ = false;
}

// --save-session DIR: the buttons pressed once the whole file is analysed.
void App::auto_save_session() {
  if (opts_.save_session.empty() || auto_save_done_ || view_.mode != SourceMode::Replay || !view_.analysis ||
      !view_.analysis->done || view_.analysis->reapplying)
    return;
  auto_save_done_ = true;
  save_dir_ = opts_.save_session;
  save_dir_auto_ = false;
  if (save_session_now())
    make_report_now();
}

// The Results tab's "Save session" section: shown once the whole file is analysed.
void App::draw_save_session() {
  if (view_.mode != SourceMode::Replay || !view_.analysis || !view_.analysis->done || !sources_->replay())
    return;
  ImGui::Spacing();
  if (!opts_.save_session.empty())
    ImGui::SetNextItemOpen(true, ImGuiCond_Once);
  if (!ImGui::CollapsingHeader("Save session and report"))
    return;
  if (save_dir_auto_)
    save_dir_ = default_save_dir().string();
  const float label_w = fonts_.size * 5.5f;
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("Patient id");
  ImGui::SameLine(label_w);
  ImGui::SetNextItemWidth(-FLT_MIN);
  ImGui::InputTextWithHint("##save_patient", "e.g. P-0042 (optional)", &save_patient_);
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("Folder");
  ImGui::SameLine(label_w);
  ImGui::SetNextItemWidth(-FLT_MIN);
  if (ImGui::InputText("##save_dir", &save_dir_))
    save_dir_auto_ = save_dir_.empty();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A new or empty folder; by default a dated folder in the recordings folder (Settings)");
  ImGui::TextDisabled("Notes (medication, injection dates...; shown in the report)");
  ImGui::InputTextMultiline("##save_notes", &save_notes_, ImVec2(-FLT_MIN, fonts_.size * 3.4f));
  if (ImGui::Button("Save session..."))
    save_session_now();
  ImGui::SameLine();
  ImGui::BeginDisabled(saved_dir_.empty());
  if (ImGui::Button("Make report"))
    make_report_now();
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(report_path_.empty());
  if (ImGui::Button("Open report"))
    open_report();
  ImGui::EndDisabled();
  if (!save_message_.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(to_vec4(save_message_error_ ? rgba(255, 170, 170) : colour::kTextDim), "%s",
                       save_message_.c_str());
    ImGui::PopTextWrapPos();
  }
}

// The opened file's "recorded as a mirror image (selfie)" setting: remembered per file (settings.json,
// by absolute path) and applied to the analysis, not only to the picture: changing it analyses the
// file again, flipped back (as `analyse --mirrored-input`), so that sides are the person's.
void App::draw_mirrored_file_setting() {
  const SourceSpec& spec = sources_->spec();
  if (view_.mode != SourceMode::Replay || spec.kind != SourceSpec::Kind::File)
    return;
  bool mirrored = spec.mirrored_input;
  std::string label = std::filesystem::path(spec.path).filename().string();
  label += " was recorded as a mirror image (selfie)";
  if (ImGui::Checkbox(label.c_str(), &mirrored)) {
    set_file_mirrored(settings_, spec.path, mirrored);
    settings_dirty_ = true;
    settings_user_changed_ = true;
    open_spec(spec);  // analysed again with the file's new setting
    select_tab_ = 0;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A selfie camera may save the picture as the screen showed it, mirrored: the person's "
                      "left then looks like a right. Tick it for such a file: it is flipped back before the "
                      "analysis (like analyse --mirrored-input), so left and right are the person's. "
                      "Remembered for this file.");
}

// The regional asymmetry (docs/METRICS.md): resting values per region against their normal bands,
// the smallest twitch the recording could have shown, and the asymmetry over time. Replay: from the
// analysis summary (the same numbers as summary.json, complete when the analysis is done).
void App::draw_asymmetry_tab() {
  const AsymmetrySummary* a = nullptr;
  bool done = false;
  if (view_.mode == SourceMode::Replay && view_.analysis) {
    a = &view_.analysis->summary.asymmetry;
    done = view_.analysis->done;
  }
  if (a == nullptr) {
    ImGui::TextWrapped(view_.mode == SourceMode::Live
                           ? "Live: the regional asymmetry is written to the recording's summary.json when "
                             "the recording ends. Open the recorded video to see it here."
                           : "Open a recorded video: the regional asymmetry appears here as it is analysed.");
    return;
  }
  ImGui::PushFont(fonts_.bold);
  ImGui::Text("Resting asymmetry");
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextDisabled("%s", done ? "" : "(analysing...)");
  if (a->rest_basis == "baseline") {
    ImGui::TextWrapped("Personal baseline: the first %.0f s of measurable frames (%.1f-%.1f s, %lld frames).",
                       a->baseline_requested_s, a->rest_start_s, a->rest_end_s,
                       static_cast<long long>(a->rest_frames));
  } else {
    ImGui::TextWrapped("No personal baseline (Settings tab, or --baseline-s): %s (%lld frames).",
                       describe_rest_basis(a->rest_basis).c_str(), static_cast<long long>(a->rest_frames));
  }
  // The headline value: the same text as the Results tab and the terminal (one definition: resting
  // frames; AsymmetrySummary::mouth_corner_height_iod).
  ImGui::TextWrapped("Mouth-corner height, L-R: %s.", describe_corner_height_diff(a->mouth_corner_height_iod()).c_str());
  ImGui::TextDisabled("Person's sides. L-R signed; mm approximate (IOD of %.0f mm).", kAssumedIodMm);
  const ImGuiTableFlags tf = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuterH |
                             ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
  auto side_cell = [](const RegionalAsymmetry& r) {
    if (!r.has_weaker) {
      ImGui::TextDisabled("\xE2\x80\x94");
      return;
    }
    ImGui::TextColored(to_vec4(r.weaker == Side::Left ? colour::kLeft : colour::kRight), "%s",
                       r.weaker == Side::Left ? "left" : "right");
  };
  if (ImGui::BeginTable("##regional", 7, tf)) {
    ImGui::TableSetupColumn("Region");
    ImGui::TableSetupColumn("L");
    ImGui::TableSetupColumn("R");
    ImGui::TableSetupColumn("L\xE2\x88\x92R");
    ImGui::TableSetupColumn("%");
    ImGui::TableSetupColumn("Weaker");
    ImGui::TableSetupColumn("Band", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    // Short names for the narrow panel (the full names: tooltip, summary.json, docs/METRICS.md).
    const char* short_names[kAsymmetryMeasureCount] = {"Corner height", "Excursion", "Smile angle",
                                                       "CCE angle",     "Fissure",   "Brow height"};
    for (const RegionalAsymmetry& r : a->resting) {
      const AsymmetryMeasureInfo& info = measure_info(r.measure);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(short_names[static_cast<std::size_t>(r.measure)]);
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%.*s: %s", static_cast<int>(info.label.size()), info.label.data(),
                          info.angle ? "degrees" : "% IOD (L-R also in mm at the assumed IOD)");
      // Lengths as % IOD, angles in degrees.
      const double k = info.angle ? 1.0 : 100.0;
      const char* f = info.angle ? "%.1f\xC2\xB0" : "%.1f%%";
      for (double v : {r.left, r.right}) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(std::isfinite(v) ? fmt(f, k * v).c_str() : "\xE2\x80\x94");
      }
      // L-R in the band's unit (mm, or degrees), 2 decimals as in the report; the % IOD on hover (and
      // for the corner height in the line above the table).
      ImGui::TableNextColumn();
      if (!std::isfinite(r.diff)) {
        ImGui::TextDisabled("\xE2\x80\x94");
      } else if (info.angle) {
        ImGui::Text("%+.2f\xC2\xB0", r.diff);
      } else {
        ImGui::Text("%+.2fmm", r.diff_mm);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%+.2f%% IOD (%+.2f mm)", 100.0 * r.diff, r.diff_mm);
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(std::isfinite(r.percent) ? fmt("%.1f", r.percent).c_str() : "\xE2\x80\x94");
      ImGui::TableNextColumn();
      side_cell(r);
      ImGui::TableNextColumn();
      const std::string limit =
          fmt(info.angle ? "%.1f\xC2\xB0" : "%.1fmm", info.band.limit) + (info.band.provisional ? "*" : "");
      if (r.verdict == BandVerdict::Unknown) {
        ImGui::TextDisabled("%s", limit.c_str());
      } else {
        const bool within = r.verdict == BandVerdict::Within;
        ImGui::TextColored(to_vec4(within ? colour::kOk : colour::kWarn), "%s%s", within ? "ok <" : "ABOVE >",
                           limit.c_str());
      }
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%.*s", static_cast<int>(info.band.source.size()), info.band.source.data());
    }
    ImGui::EndTable();
  }
  ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(colour::kTextDim));
  ImGui::TextWrapped("%%: |L-R| as %% of the stronger side. Band: the normal band; * provisional, no "
                     "published normal band found. Hover a band for its source (docs/METRICS.md). "
                     "Weaker: the lower corner or brow, the smaller excursion or angle, the wider eye.");
  ImGui::PopStyleColor();
  ImGui::Spacing();
  ImGui::PushFont(fonts_.bold);
  ImGui::Text("Smallest detectable twitch");
  ImGui::PopFont();
  ImGui::TextDisabled("%s", a->rest_basis == "baseline" ? "detection threshold during the baseline (median)"
                                                        : "detection threshold over the recording (median)");
  if (ImGui::BeginTable("##detect", 4, tf)) {
    ImGui::TableSetupColumn("Stream", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Threshold");
    ImGui::TableSetupColumn("mm");
    ImGui::TableSetupColumn("Noise sd mm");
    ImGui::TableHeadersRow();
    for (Region reg : kRegions) {
      for (Side side : kSides) {
        const StreamDetectability& d = a->detect(reg)[side];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(to_vec4(side == Side::Left ? colour::kLeft : colour::kRight), "%s %s",
                           side == Side::Left ? "left" : "right", reg == Region::Mouth ? "mouth corner" : "eyelid");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(std::isfinite(d.smallest_twitch_iod) ? fmt("%.2f%% IOD", 100.0 * d.smallest_twitch_iod).c_str()
                                                                   : "\xE2\x80\x94");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(std::isfinite(d.smallest_twitch_iod) ? fmt("%.2f", d.smallest_twitch_iod * kAssumedIodMm).c_str()
                                                                   : "\xE2\x80\x94");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(std::isfinite(d.noise_sigma_iod) ? fmt("%.3f", d.noise_sigma_iod * kAssumedIodMm).c_str()
                                                               : "\xE2\x80\x94");
      }
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  ImGui::PushFont(fonts_.bold);
  ImGui::Text("Over time");
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextDisabled("(medians of L\xE2\x88\x92R per %.0f s)", kAsymmetryBlockS);
  const auto idx = [](AsymmetryMeasure m) { return static_cast<std::size_t>(m); };
  if (ImGui::BeginTable("##overtime", 5, tf | ImGuiTableFlags_ScrollY,
                        ImVec2(0, std::max(ImGui::GetContentRegionAvail().y - fonts_.size * 0.2f, fonts_.size * 4)))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("From s", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Corner mm");
    ImGui::TableSetupColumn("Smile \xC2\xB0");
    ImGui::TableSetupColumn("Fissure mm");
    ImGui::TableSetupColumn("Brow mm");
    ImGui::TableHeadersRow();
    for (const AsymmetryBlock& b : a->over_time) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%.0f", b.start_s);
      for (AsymmetryMeasure m : {AsymmetryMeasure::MouthCornerHeight, AsymmetryMeasure::SmileAngle,
                                 AsymmetryMeasure::PalpebralFissure, AsymmetryMeasure::BrowHeight}) {
        ImGui::TableNextColumn();
        const double v = b.diff[idx(m)];
        const bool angle = measure_info(m).angle;
        ImGui::TextUnformatted(std::isfinite(v) ? fmt("%+.2f", angle ? v : v * kAssumedIodMm).c_str() : "\xE2\x80\x94");
      }
    }
    ImGui::EndTable();
  }
}

void App::draw_episodes_table(float height) {
  const std::vector<Episode>& eps = view_.counters.episodes;
  // The ten columns' natural width (header or a typical value, whichever is wider): a window too
  // narrow for it scrolls the table sideways instead of cutting its last columns.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float natural = ImGui::CalcTextSize("Start srightRegionflutterSignsDur sTwHz% IOD~mm").x +
                        20.0f * style.CellPadding.x;
  const bool narrow = ImGui::GetContentRegionAvail().x < natural;
  const ImGuiTableFlags f = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                            ImGuiTableFlags_BordersOuterH | ImGuiTableFlags_SizingFixedFit |
                            ImGuiTableFlags_BordersInnerV | (narrow ? ImGuiTableFlags_ScrollX : 0);
  if (!ImGui::BeginTable("##episodes", 10, f, ImVec2(0, std::max(height, fonts_.size * 5))))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Start s");
  ImGui::TableSetupColumn("Side");
  ImGui::TableSetupColumn("Region");
  ImGui::TableSetupColumn("Type");
  ImGui::TableSetupColumn("Signs", narrow ? ImGuiTableColumnFlags_None : ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("Dur s");
  ImGui::TableSetupColumn("Tw");
  ImGui::TableSetupColumn("Hz");
  ImGui::TableSetupColumn("% IOD");
  ImGui::TableSetupColumn("~mm");
  ImGui::TableHeadersRow();
  if (eps.empty()) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled(view_.mode == SourceMode::Replay && view_.analysis && !view_.analysis->done
                            ? "none yet"
                            : "none");
  }
  for (std::size_t i = 0; i < eps.size(); ++i) {
    const Episode& e = eps[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const bool here =
        std::isfinite(view_.cursor) && view_.cursor >= e.start_s && view_.cursor <= e.end_s;
    char label_buf[48];
    std::snprintf(label_buf, sizeof label_buf, "%.2f##ep%zu", e.start_s, i);
    if (ImGui::Selectable(label_buf, here, ImGuiSelectableFlags_SpanAllColumns)) {
      if (auto* p = sources_->player())
        p->seek(std::max(0.0, e.start_s - 0.5));
    }
    if (ImGui::IsItemHovered() && view_.mode == SourceMode::Replay)
      ImGui::SetTooltip("Go to %.2f s", e.start_s);
    ImGui::TableNextColumn();
    ImGui::TextColored(to_vec4(laterality_colour(e.side)), "%s", laterality_word(e.side).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(e.region == Region::Mouth ? "mouth" : "eye");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(std::string(episode_type_name(e.region, e.pattern)).c_str());
    if (ImGui::IsItemHovered() && std::isfinite(e.longest_contraction_s))
      ImGui::SetTooltip("Longest contraction %.2f s, median %.2f s\n(tonic / spasm: 1 s or more)",
                        e.longest_contraction_s, e.median_contraction_s);
    ImGui::TableNextColumn();
    if (!e.co_contraction && !e.brow_lift && !e.cut_by_end) {
      ImGui::TextDisabled("\xE2\x80\x94");
    } else {
      // One sign per line: side by side, two signs did not fit the column at 1600 px.
      ImGui::BeginGroup();
      if (e.co_contraction) ImGui::TextColored(to_vec4(colour::kAlert), "E+M");
      if (e.brow_lift) ImGui::TextColored(to_vec4(colour::kAlert), "brow");
      if (e.cut_by_end) ImGui::TextColored(to_vec4(colour::kAlert), "cut");
      ImGui::EndGroup();
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s%s%s", e.co_contraction ? "Eye and mouth of this side twitched together (co-contraction)\n" : "",
                          e.brow_lift ? "The brow rose while the eye closed (brow-lift sign)\n" : "",
                          e.cut_by_end ? "Still going on when the recording ended: its end is where the recording stopped" : "");
    }
    ImGui::TableNextColumn();
    ImGui::Text("%.2f", e.duration_s());
    ImGui::TableNextColumn();
    ImGui::Text("%d", e.twitch_count);
    ImGui::TableNextColumn();
    if (std::isfinite(e.frequency_hz)) {
      ImGui::Text("%.1f", e.frequency_hz);
    } else {
      ImGui::TextDisabled("\xE2\x80\x94");
    }
    ImGui::TableNextColumn();
    ImGui::Text("%.2f", 100.0 * e.peak_amplitude_iod);
    ImGui::TableNextColumn();
    ImGui::Text("%.1f", e.peak_amplitude_mm());
  }
  ImGui::EndTable();
}

void App::draw_source_tab() {
  const float fs = fonts_.size;
  auto heading = [&](const char* text) {
    ImGui::Spacing();
    ImGui::PushFont(fonts_.bold);
    ImGui::TextUnformatted(text);
    ImGui::PopFont();
  };
  if (!sources_->error().empty()) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    ImGui::TextColored(to_vec4(colour::kAlert), "%s", sources_->error().c_str());
    ImGui::PopTextWrapPos();
  }
  if (sources_->busy()) {
    ImGui::TextColored(to_vec4(colour::kWarn), "%s", sources_->busy_text().c_str());
    if (sources_->busy_progress() >= 0)
      ImGui::ProgressBar(static_cast<float>(sources_->busy_progress()));
  }
  // Camera.
  heading("Camera");
  if (!cameras_listed_) {
    cameras_ = list_cameras();
    cameras_listed_ = true;
    camera_mode_.assign(cameras_.size(), -1);
  }
  if (camera_mode_.size() != cameras_.size())
    camera_mode_.assign(cameras_.size(), -1);
  if (cameras_.empty()) {
    ImGui::TextDisabled("No camera found (no V4L2 capture device in /dev/video*).");
  }
  for (std::size_t i = 0; i < cameras_.size(); ++i) {
    const CameraDevice& c = cameras_[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::TextUnformatted(c.name.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%s", c.path.c_str());
    std::vector<std::string> names{"driver default"};
    for (const CameraMode& m : c.modes) {
      names.push_back(std::to_string(m.width) + "\xC3\x97" + std::to_string(m.height) +
                      (m.fps > 0 ? fmt(" @ %.0f fps", m.fps) : ""));
    }
    int sel = camera_mode_[i] + 1;
    ImGui::SetNextItemWidth(fs * 12);
    if (ImGui::BeginCombo("##mode", names[static_cast<std::size_t>(sel)].c_str())) {
      for (int k = 0; k < static_cast<int>(names.size()); ++k) {
        if (ImGui::Selectable(names[static_cast<std::size_t>(k)].c_str(), k == sel))
          camera_mode_[i] = k - 1;
      }
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button("Open camera")) {
      SourceSpec s;
      s.kind = SourceSpec::Kind::Camera;
      s.path = c.path;
      if (camera_mode_[i] >= 0)
        s.camera_mode = c.modes[static_cast<std::size_t>(camera_mode_[i])];
      open_spec(s);
    }
    ImGui::PopID();
  }
  if (ImGui::SmallButton("Look for cameras again")) {
    cameras_ = list_cameras();
    camera_mode_.assign(cameras_.size(), -1);
  }
  if (view_.live && view_.live->source_failed) {
    ImGui::SameLine();
    if (ImGui::SmallButton("Reconnect"))
      open_spec(sources_->spec());
  }

  // Video file.
  heading("Video file");
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - fs * 5.0f);
  const bool enter = ImGui::InputTextWithHint("##path", "/path/to/video.mp4", &path_field_,
                                              ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if ((ImGui::Button("Open", ImVec2(fs * 4.4f, 0)) || enter) && !path_field_.empty()) {
    // The field also takes camera:N, /dev/videoN, demo and paced:FILE; "as a live camera" applies
    // to plain files.
    SourceSpec s = parse_source_spec(path_field_);
    if (open_as_live_ && s.kind == SourceSpec::Kind::File)
      s.kind = SourceSpec::Kind::Paced;
    open_spec(s);
    select_tab_ = 0;
  }
  ImGui::Checkbox("play it as a live camera (real time, frames may be dropped)", &open_as_live_);
  draw_mirrored_file_setting();
  if (!settings_.recent_files.empty()) {
    ImGui::TextDisabled("Recent");
    for (std::size_t i = 0; i < settings_.recent_files.size() && i < 5; ++i) {
      const std::string& f = settings_.recent_files[i];
      ImGui::PushID(static_cast<int>(i) + 1000);
      const std::string name = std::filesystem::path(f).filename().string();
      if (ImGui::Selectable(name.c_str(), path_field_ == f))
        path_field_ = f;
      if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%s (double-click to open)", f.c_str());
        if (ImGui::IsMouseDoubleClicked(0)) {
          open_spec(parse_source_spec(open_as_live_ ? "paced:" + f : f));
          select_tab_ = 0;
        }
      }
      ImGui::PopID();
    }
  }
  ImGui::TextDisabled("Browse (double-click a video to open it)");
  const float browser_h = std::max(fs * 6.0f, ImGui::GetContentRegionAvail().y - fs * 9.5f);
  if (auto chosen = browser_.draw(browser_h, path_field_)) {
    open_spec(parse_source_spec(open_as_live_ ? "paced:" + chosen->string() : chosen->string()));
    select_tab_ = 0;
  }

  // Demo.
  heading("Demo");
  ImGui::TextWrapped(
      "A 20 s video generated from a public-domain portrait, with a left mouth-corner and a right "
      "eyelid twitch, blinks and a smile.");
  if (ImGui::Button("Open the demo")) {
    SourceSpec s;
    s.kind = SourceSpec::Kind::Demo;
    open_spec(s);
    select_tab_ = 0;
  }
  ImGui::SameLine();
  // Checking the cache reads truth.json: done at most every few seconds, not every frame.
  if (!demo_checked_ || Clock::now() - *demo_checked_ > std::chrono::seconds(5)) {
    demo_ready_ = demo_video_ready();
    demo_checked_ = Clock::now();
  }
  ImGui::TextDisabled(demo_ready_ ? "(ready in the cache)" : "(generated once, about a minute)");
}

void App::draw_settings_tab() {
  const float fs = fonts_.size;
  auto heading = [&](const char* text) {
    ImGui::Spacing();
    ImGui::PushFont(fonts_.bold);
    ImGui::TextUnformatted(text);
    ImGui::PopFont();
  };
  if (!settings_message_.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    ImGui::TextColored(to_vec4(colour::kWarn), "%s", settings_message_.c_str());
    ImGui::PopTextWrapPos();
    if (ImGui::SmallButton("OK"))
      settings_message_.clear();
  }
  heading("Sensitivity");
  TwitchSettings& t = settings_.twitch;
  bool changed = false;
  const float w = ImGui::GetContentRegionAvail().x * 0.5f;
  float k = static_cast<float>(t.threshold_k);
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("threshold, \xC3\x97 noise", &k, 2.0f, 20.0f, "%.1f")) {
    t.threshold_k = k;
    changed = true;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Detection threshold in multiples of the robust noise sigma (default 6)");
  float mouth = static_cast<float>(100.0 * t.min_amplitude_iod);
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("mouth minimum, % IOD", &mouth, 0.2f, 10.0f, "%.2f")) {
    t.min_amplitude_iod = mouth / 100.0;
    changed = true;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Smallest mouth-corner twitch counted (default 1.2%% IOD, ~0.8 mm)");
  float eye = static_cast<float>(100.0 * t.eye_min_amplitude_iod);
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("eyelid minimum, % IOD", &eye, 0.2f, 10.0f, "%.2f")) {
    t.eye_min_amplitude_iod = eye / 100.0;
    changed = true;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Smallest eyelid closure counted (default 1.0%% IOD)");
  float gap = static_cast<float>(t.merge_gap_s);
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("merge gap, s", &gap, 0.05f, 3.0f, "%.2f")) {
    t.merge_gap_s = gap;
    changed = true;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Twitches closer than this form one episode (default 0.75 s)");
  changed |= ImGui::Checkbox("mouth corners", &t.mouth_enabled);
  ImGui::SameLine(0, fs * 1.5f);
  changed |= ImGui::Checkbox("eyelids", &t.eye_enabled);
  if (ImGui::Button("Defaults")) {
    t = TwitchSettings{};
    changed = true;
  }
  if (changed)
    settings_changed(true);
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  ImGui::TextDisabled(
      "Replay: re-applied to the whole recording. Live: the twitch analysis restarts (counters "
      "start again); during a recording, when it stops.");
  ImGui::PopTextWrapPos();

  heading("Personal baseline");
  float baseline = static_cast<float>(sources_->baseline_s());
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("first seconds at rest", &baseline, 0.0f, 60.0f, baseline < 2.0f ? "none" : "%.0f s")) {
    const double b = baseline < 2.0f ? 0.0 : std::round(baseline);
    sources_->set_baseline_s(b);
    if (opts_.baseline_s <= 0.0) {  // a --baseline-s given on the command line is not saved
      settings_.baseline_s = b;
      settings_dirty_ = true;
      settings_user_changed_ = true;
    }
  }
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  ImGui::TextDisabled(
      "Hold a neutral face for these first seconds of a recording (or of a file): the resting asymmetry and "
      "the smallest detectable twitch come from them (Asymmetry tab, summary.json). Applies to the next "
      "camera or file opened; 'none': every measurable frame outside twitches and blinks.");
  ImGui::PopTextWrapPos();

  heading("Display");
  bool d = false;
  d |= ImGui::Checkbox("mirror camera (selfie view)", &settings_.mirror_live);
  d |= ImGui::Checkbox("mirror recorded videos", &settings_.mirror_replay);
  d |= ImGui::Checkbox("landmarks", &settings_.show_landmarks);
  ImGui::SameLine(0, fs);
  d |= ImGui::Checkbox("midline", &settings_.show_midline);
  ImGui::SameLine(0, fs);
  d |= ImGui::Checkbox("arrows and bars", &settings_.show_motion);
  float gain = static_cast<float>(settings_.arrow_gain);
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("arrow magnification", &gain, 1.0f, 30.0f, "\xC3\x97%.0f")) {
    settings_.arrow_gain = gain;
    d = true;
  }
  float win = static_cast<float>(settings_.plot_window_s);
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("plot window, s", &win, 10.0f, 30.0f, "%.0f")) {
    settings_.plot_window_s = std::round(win);
    d = true;
  }
  if (d) {
    settings_dirty_ = true;
    settings_user_changed_ = true;
  }

  heading("Recording");
  std::string dir = settings_.recordings_dir.empty() ? default_recordings_dir().string()
                                                     : settings_.recordings_dir;
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
  if (ImGui::InputText("##recdir", &dir)) {
    settings_.recordings_dir = dir;
    settings_dirty_ = true;
    settings_user_changed_ = true;
  }
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  ImGui::TextDisabled(
      "Each recording is a new folder here (date_time) with video.mp4, frames.csv, episodes.csv "
      "and summary.json, written as it happens.");
  ImGui::PopTextWrapPos();
  heading("Settings file");
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  ImGui::TextDisabled("%s", settings_path_.string().c_str());
  ImGui::PopTextWrapPos();
}

void App::draw_help() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float fs = fonts_.size;
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.45f),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(fs * 34, 0));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, to_vec4(rgba(30, 34, 42, 250)));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(fs * 1.2f, fs));
  if (ImGui::Begin("Help", &show_help_,
                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                       ImGuiWindowFlags_NoResize)) {
    ImGui::PushFont(fonts_.bold);
    ImGui::TextUnformatted("Keys");
    ImGui::PopFont();
    if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_SizingFixedFit)) {
      auto key = [](const char* k, const char* what) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(to_vec4(colour::kAccent), "%s", k);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(what);
      };
      key("Space", "play / pause (live: freeze the picture; the analysis goes on)");
      key("\xE2\x86\x90  \xE2\x86\x92", "one frame back / forward (Shift: 10 frames)");
      key("R", "start / stop recording (live sources)");
      key("M", "mirror the picture (the sides stay the person's)");
      key("F  or  F11", "full screen (Esc to leave)");
      key("H  or  F1", "this help");
    }
    ImGui::EndTable();
    ImGui::Spacing();
    ImGui::PushFont(fonts_.bold);
    ImGui::TextUnformatted("Colours");
    ImGui::PopFont();
    ImGui::TextColored(to_vec4(colour::kLeft), "\xE2\x96\xA0 the person's left");
    ImGui::SameLine(0, fs * 1.5f);
    ImGui::TextColored(to_vec4(colour::kRight), "\xE2\x96\xA0 the person's right");
    ImGui::SameLine(0, fs * 1.5f);
    ImGui::TextColored(to_vec4(colour::kAlert), "\xE2\x96\xA0 twitch now");
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled(
        "Left and right are always the person's own sides, in both mirror modes. Amplitudes are "
        "%% of the inter-ocular distance (IOD, ~63 mm); millimetres are approximate. Arrows show "
        "each mouth corner's movement from its resting position (magnified); bars show each "
        "eyelid's opening, with its resting opening marked.");
    ImGui::PopTextWrapPos();
  }
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
}

// ---------------------------------------------------------------------------------------------
// Headless testing: exit, screenshot, counters file

bool App::should_exit() {
  if (opts_.run_for_s < 0)
    return false;
  const auto now = Clock::now();
  const double since_start = std::chrono::duration<double>(now - started_).count();
  if (since_start > opts_.run_for_s + kRunForCapS)
    return true;
  if (sources_->busy())
    return false;
  std::optional<Clock::time_point> settled = sources_->settled_at();
  if (!settled && opts_.source.empty())
    settled = started_;
  if (!settled)
    return false;
  if (std::chrono::duration<double>(now - *settled).count() < opts_.run_for_s)
    return false;
  // In replay, the counts are final only once every frame is analysed.
  if (view_.mode == SourceMode::Replay) {
    if (!view_.analysis || !view_.analysis->done || view_.analysis->reapplying)
      return false;
  }
  if (!opts_.save_session.empty() && !auto_save_done_)
    return false;
  return true;
}

bool App::save_screenshot(const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  if (w <= 0 || h <= 0)
    return false;
  std::vector<unsigned char> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  cv::Mat rgba_img(h, w, CV_8UC4, px.data());
  cv::Mat bgr;
  cv::cvtColor(rgba_img, bgr, cv::COLOR_RGBA2BGR);
  cv::flip(bgr, bgr, 0);  // GL rows start at the bottom
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  try {
    return cv::imwrite(path, bgr);
  } catch (const cv::Exception&) {
    return false;
  }
}

nlohmann::json App::counters_file() const {
  nlohmann::json j = to_json(view_.counters);
  int w = 0, h = 0, fw = 0, fh = 0;
  glfwGetWindowSize(window_, &w, &h);
  glfwGetFramebufferSize(window_, &fw, &fh);
  j["window"] = {
      {"width", w}, {"height", h}, {"framebuffer_width", fw}, {"framebuffer_height", fh}};
  j["video_rect"] = {
      {"x", video_rect_[0]}, {"y", video_rect_[1]}, {"w", video_rect_[2]}, {"h", video_rect_[3]}};
  j["protocol"] = protocol_->state_json();
  nlohmann::json trend_x = nlohmann::json::array();
  for (const auto& [id, x] : history_panel_->trend_positions())
    trend_x.push_back({{"id", id}, {"x", x}});
  const auto& patient = history_panel_->patient_filter();
  j["history"] = {{"file", history_panel_->file().string()},
                  {"sessions", history_panel_->session_count()},
                  {"total_sessions", history_panel_->total_count()},
                  {"patient", patient ? nlohmann::json(*patient) : nlohmann::json(nullptr)},
                  {"patients", history_panel_->patients()},
                  {"trend_x", std::move(trend_x)},
                  {"compare", {history_panel_->compare_a(), history_panel_->compare_b()}},
                  {"error", history_panel_->error()}};
  std::string error = sources_->error();
  if (error.empty())
    error = sources_->model_error();
  if (error.empty())
    error = video_error_;
  j["error"] = error;
  j["source"] = sources_->mode() == SourceMode::None ? "" : sources_->spec().path;
  j["source_label"] = sources_->mode() == SourceMode::None ? "" : sources_->spec().label();
  j["mirror"] = mirror();
  j["mirrored_input"] = sources_->mode() == SourceMode::Replay && sources_->spec().mirrored_input;
  j["ui_fps"] = ui_fps_;
  j["font_size"] = fonts_.size;
  j["font_warning"] = fonts_.warning;
  j["settings_file"] = settings_path_.string();
  j["settings_message"] = settings_message_;
  j["sensitivity"] = {{"threshold_k", settings_.twitch.threshold_k},
                      {"min_amplitude_iod", settings_.twitch.min_amplitude_iod},
                      {"eye_min_amplitude_iod", settings_.twitch.eye_min_amplitude_iod},
                      {"merge_gap_s", settings_.twitch.merge_gap_s},
                      {"mouth_enabled", settings_.twitch.mouth_enabled},
                      {"eye_enabled", settings_.twitch.eye_enabled}};
  j["screenshot_written"] = screenshot_ok_;
  // The Asymmetry tab's numbers (replay): the summary's `asymmetry` and `detectability`, as written to
  // summary.json.
  if (view_.mode == SourceMode::Replay && view_.analysis) {
    const nlohmann::json summary =
        nlohmann::json::parse(summary_to_json_string(view_.analysis->summary), nullptr, false);
    if (!summary.is_discarded()) {
      j["asymmetry"] = summary.value("asymmetry", nlohmann::json());
      j["detectability"] = summary.value("detectability", nlohmann::json());
    }
  }
  bool running = false, failed = false;
  std::string status;
  nlohmann::json rec = {
      {"active", false}, {"dir", ""}, {"video_frames_written", 0}, {"video_frames_lost", 0}};
  if (view_.live) {
    running = view_.live->running;
    failed = view_.live->source_failed;
    status = view_.live->status;
    rec = {{"active", view_.live->recording.active},
           {"dir", view_.live->recording.dir.string()},
           {"video_frames_written", view_.live->recording.video_frames_written},
           {"video_frames_lost", view_.live->recording.video_frames_lost}};
  }
  if (view_.analysis)
    running = !view_.analysis->done;
  j["running"] = running;
  j["source_failed"] = failed;
  j["status"] = status;
  j["recording"] = rec;
  if (view_.player) {
    j["replay"] = {{"position_s", view_.frame_t},
                   {"frame_index", view_.frame_index},
                   {"playing", view_.player->playing},
                   {"speed", view_.player->speed},
                   {"duration_s", view_.duration}};
  }
  j["frame_analysed_shown"] = view_.record.has_value();
  // What the overlay flashes on the displayed frame, per region and side of the person.
  const auto kind = flash_kind_name;
  j["overlay_flash"] = {
      {"mouth", {{"left", kind(view_.flash.mouth.left)}, {"right", kind(view_.flash.mouth.right)}}},
      {"eye", {{"left", kind(view_.flash.eye.left)}, {"right", kind(view_.flash.eye.right)}}}};
  if (view_.record)
    j["quality"] = quality_to_string(view_.record->metrics.quality);
  return j;
}

// Whether the user did anything this frame (then the window redraws at full rate for a moment).
bool user_input() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f || io.MouseWheel != 0.0f ||
      io.InputQueueCharacters.Size > 0) {
    return true;
  }
  if (ImGui::IsAnyMouseDown() || ImGui::IsAnyItemActive())
    return true;
  for (bool down : io.KeysDown) {
    if (down)
      return true;
  }
  return false;
}

int App::run() {
  // A measuring instrument: under CPU pressure the analysis threads (started by the source
  // controller's worker, created before this) come first; the UI thread, and Mesa's software
  // rendering threads created with the GL context below, get a lower priority. Best effort.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kUiNice);
  if (!init_window())
    return exit_code(ErrorKind::Input);
  started_ = Clock::now();
  if (opts_.panel == "source")
    select_tab_ = 1;
  if (opts_.panel == "settings")
    select_tab_ = 2;
  if (opts_.panel == "asymmetry")
    select_tab_ = 3;
  if (opts_.panel == "protocol")
    select_tab_ = 4;
  if (opts_.panel == "history")
    select_tab_ = 5;
  if (opts_.panel == "help")
    show_help_ = true;
  if (!opts_.protocol.empty() && opts_.record_dir.empty()) {
    // The protocol records: into --record, or a new session folder.
    if (auto dir = new_recording_dir())
      opts_.record_dir = dir->string();
  }
  if (!opts_.source.empty()) {
    SourceSpec spec = parse_source_spec(opts_.source);
    std::filesystem::path record;
    if (!opts_.record_dir.empty()) {
      if (!spec.live()) {
        sources_->set_error("--record needs a live source (camera:N or paced:FILE); " +
                            spec.label() + " is a replay");
      } else if (Status st = prepare_output_dir(opts_.record_dir, false); !st) {
        sources_->set_error("cannot record: " + st.error().message);
      } else {
        record = opts_.record_dir;
      }
    }
    const std::string keep_error = sources_->error();
    open_spec(spec, record);
    if (!opts_.protocol.empty() && !record.empty()) {
      protocol_->start_on_recording(record);
      select_tab_ = 4;
    } else if (!opts_.protocol.empty() && !spec.live()) {
      sources_->set_error("--protocol needs a live source (camera:N or paced:FILE); to score a recorded video use "
                          "facetwitch analyse VIDEO --protocol TIMING.json");
    }
    if (!keep_error.empty())
      sources_->set_error(keep_error);
  }
  auto frame_start = Clock::now();
  double fps_acc = 0.0;
  int fps_n = 0;
  double target_fps = kUiFps;
  Clock::time_point last_input = Clock::now();
  while (!glfwWindowShouldClose(window_)) {
    const auto deadline =
        frame_start + std::chrono::microseconds(static_cast<long>(1e6 / target_fps));
    const double wait = std::chrono::duration<double>(deadline - Clock::now()).count();
    if (wait > 0) {
      glfwWaitEventsTimeout(wait);
    } else {
      glfwPollEvents();
    }
    const auto now = Clock::now();
    fps_acc += std::chrono::duration<double>(now - frame_start).count();
    if (++fps_n == 30) {
      ui_fps_ = fps_n / std::max(fps_acc, 1e-6);
      fps_acc = 0;
      fps_n = 0;
    }
    frame_start = now;
    rebuild_fonts_if_needed(false);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    gather();
    history_panel_->tick();
    reset_save_if_new_replay();
    auto_save_session();
    exiting_ = should_exit();
    if (user_input())
      last_input = Clock::now();
    {
      const bool moving =
          (view_.mode == SourceMode::Live && view_.live && view_.live->running && !live_frozen_) ||
          (view_.player && view_.player->playing) ||
          Clock::now() - last_input < std::chrono::milliseconds(800) || !toasts_.empty() ||
          view_.flash.any();
      const bool busy = sources_->busy() || apply_twitch_at_.has_value() ||
                        (view_.analysis && (!view_.analysis->done || view_.analysis->reapplying)) ||
                        (view_.mode == SourceMode::None && sources_->model_loading());
      target_fps = moving ? kUiFps : (busy ? kBusyFps : kIdleFps);
    }
    handle_keys();
    draw();
    ImGui::Render();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window_, &fw, &fh);
    glViewport(0, 0, fw, fh);
    const ImVec4 bg = to_vec4(colour::kWindowBg);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (exiting_) {
      if (!opts_.screenshot.empty()) {
        screenshot_ok_ = save_screenshot(opts_.screenshot);
        if (!screenshot_ok_)
          std::fprintf(stderr, "facetwitch: cannot write the screenshot %s\n",
                       opts_.screenshot.c_str());
      }
      break;
    }
    glfwSwapBuffers(window_);
  }
  if (!opts_.counters_json.empty()) {
    std::error_code ec;
    const auto parent = std::filesystem::path(opts_.counters_json).parent_path();
    if (!parent.empty())
      std::filesystem::create_directories(parent, ec);
    std::string text = counters_file().dump(2);
    text += '\n';
    if (Status st = write_file_atomically(opts_.counters_json, text); !st)
      std::fprintf(stderr, "facetwitch: %s\n", st.error().message.c_str());
  }
  return 0;
}

}  // namespace

int run_gui(const GuiOptions& options) {
  try {
    App app(options);
    return app.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "facetwitch: internal error in the window: %s\n", e.what());
    return exit_code(ErrorKind::Internal);
  }
}

}  // namespace ft::ui
