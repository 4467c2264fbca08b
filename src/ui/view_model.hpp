// view_model.hpp: what the window shows, computed from the pipeline's snapshots, with no GUI
// dependency: the counters (also written by --counters-json, so the file holds exactly what is on
// screen), the history of analysed frames kept for the live plots, and the resting positions drawn
// under the overlays.
//
// Resting positions (overlay only): the analyser keeps its own baseline inside the twitch detector
// and does not publish it, so the window approximates it the same way: per side, the median
// canonical mouth-corner position and the median eyelid aperture over the last 1 s of measurable
// frames that were not inside a detected event (looking back at most kRestLookbackS). It is used
// only to draw the arrows and bars; every number comes from the analysis itself.
//
// Thread safety: plain values and single-threaded classes (the UI thread).
// Units: seconds; IOD fractions (the window multiplies by 100 to show % IOD).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/measurements.hpp"
#include "io/session.hpp"
#include "pipeline/live.hpp"
#include "pipeline/replay_session.hpp"

namespace ft::ui {

// Counts of one region by laterality.
struct SideCounts {
  int left = 0;
  int right = 0;
  int bilateral = 0;
  int total() const { return left + right + bilateral; }
  int& operator[](Laterality l) {
    return l == Laterality::Left ? left : (l == Laterality::Right ? right : bilateral);
  }
};

struct Counters {
  std::string mode = "none";                // "none", "live", "replay"
  SideCounts episodes_mouth, episodes_eye;  // closed episodes (replay: the whole recording)
  SideCounts twitches_mouth, twitches_eye;  // twitches in those episodes
  int episodes_total = 0;
  int twitches_total = 0;
  double twitches_per_minute = 0.0;  // twitches_total / session minutes
  int blinks = 0;
  int voluntary_movements = 0;
  SideCounts isolated_mouth, isolated_eye;  // single twitches that formed no episode
  // The episode in progress (live, or replay while the analysis runs); NaN / empty when none.
  double open_episode_hz = kNaN;
  int open_episode_twitches = 0;
  std::string open_episode;     // e.g. "left mouth"
  double session_time_s = 0.0;  // live: time of the last analysed frame; replay: duration
  std::int64_t frames_analysed = 0;
  std::int64_t frames_dropped = 0;     // live only
  std::int64_t frames_captured = 0;    // live only
  double analysis_fps = 0.0;           // live: frames analysed per second (last ~2 s);
                                       // replay: analysis speed, frames per second
  double latency_ms = 0.0;             // live: capture -> result, last frame
  double latency_median_ms = 0.0;      // live: median over the last 256 frames
  double analyse_ms = 0.0;             // per-frame analysis time (live: last; replay: mean)
  double face_found_percent = kNaN;    // replay: frames with a face / frames
  double measurable_percent = kNaN;    // replay: frames of good quality / frames
  double asymmetry_height_iod = kNaN;  // median mouth-corner height difference (replay)
  double asymmetry_index_iod = kNaN;
  // Replay: analysis progress.
  double analysis_progress = 0.0;
  bool analysis_done = false;
  bool partial = false;
  std::string partial_reason;
  std::vector<Episode> episodes;  // closed, by start time
  std::vector<Episode> open_episodes;
  TwitchSettings settings;  // in force
};

Counters counters_from_live(const LiveSnapshot& s);
Counters counters_from_replay(const ReplayAnalysisSnapshot& s);
nlohmann::json to_json(const Counters& c);
nlohmann::json to_json(const Episode& e);

// What the overlay flashes on a side and region whose signal is inside a detected event now
// (FrameSignals ... active): a twitch, or an event the analysis classified as something else.
enum class FlashKind { None, Twitch, Blink, Voluntary, Movement };
// "twitch", "blink", "voluntary", "movement"; "" for None.
const char* flash_kind_name(FlashKind k);
struct Flash {
  PerSide<FlashKind> mouth{FlashKind::None, FlashKind::None};
  PerSide<FlashKind> eye{FlashKind::None, FlashKind::None};
  // Inside a twitch episode of that side and region (between its twitches too).
  PerSide<bool> mouth_episode{false, false};
  PerSide<bool> eye_episode{false, false};
  PerSide<FlashKind>& operator[](Region r) { return r == Region::Mouth ? mouth : eye; }
  const PerSide<FlashKind>& operator[](Region r) const { return r == Region::Mouth ? mouth : eye; }
  PerSide<bool>& episode(Region r) { return r == Region::Mouth ? mouth_episode : eye_episode; }
  const PerSide<bool>& episode(Region r) const {
    return r == Region::Mouth ? mouth_episode : eye_episode;
  }
  bool any() const;
};
// `episodes`: closed and open. `blinks` / `voluntary`: the classified events when known (replay);
// nullptr when not (live: the classification of an event comes after it ends, so a one-sided event
// is shown as a twitch at once, both eyes together as a blink, both mouth corners as a movement).
Flash classify_flash(const FrameSignals& signals, double t, const std::vector<Episode>& episodes,
                     const std::vector<Blink>* blinks,
                     const std::vector<VoluntaryMovement>* voluntary);

// Resting positions for the overlays (see the file comment).
inline constexpr double kRestWindowS = 1.0;
inline constexpr double kRestLookbackS = 4.0;
struct RestingState {
  PerSide<bool> mouth_valid{false, false};
  PerSide<cv::Point2f> mouth_corner{};  // canonical, IOD
  PerSide<bool> eye_valid{false, false};
  PerSide<double> eye_aperture_iod{kNaN, kNaN};
};
// `before`: records in time order, all before the displayed frame (any span; the last
// kRestLookbackS are used).
RestingState resting_state(const std::vector<FrameRecord>& before);

// The analysed frames kept by the window for the live plots and the resting positions: the last
// kHistoryS seconds of the current analysis epoch. UI thread only.
class LiveHistory {
 public:
  static constexpr double kHistoryS = 32.0;
  // Pulls the frames analysed since the last call; starts again when the analysis epoch changed.
  void update(const LivePipeline& pipeline, std::uint64_t epoch);
  void clear();
  void plot_samples(double t0, double t1, std::vector<ReplayPlotSample>& out) const;
  // Records with t < before_t and t >= before_t - span_s, in time order.
  void records_before(double before_t, double span_s, std::vector<FrameRecord>& out) const;
  // The record of the frame at time t (within half a millisecond), or nullptr.
  const FrameRecord* find(double t) const;
  bool empty() const { return records_.empty(); }

 private:
  std::deque<FrameRecord> records_;
  std::uint64_t seq_ = 0;
  std::uint64_t epoch_ = 0;
  std::vector<LiveRecord> scratch_;
};

// "1:05.3" style clock for session times; "—" for negative.
std::string format_clock(double seconds);

}  // namespace ft::ui
