// event_detector.hpp: one twitch signal stream (one region, one side of the person), streaming.
//
// Per sample: the resting baseline is the median of the trailing baseline window of samples taken while
// no event was active (so a sustained contraction does not become the new rest); the value is the
// displacement from it (mouth: the component of the corner's displacement from its resting point along
// the pull of the muscles that lift it, 30 degrees above the outward horizontal, where positive; eye:
// resting lid aperture minus the current one, positive when closing). The noise floor is the median and
// robust sigma (1.4826 MAD) of the value's size over the trailing noise window, again outside events
// (mouth: the mean of the pull component's size either way and its frame-to-frame jitter; see
// kJitterShare in the .cpp); the threshold is max(noise median + k * sigma, minimum
// amplitude). An event starts when the value exceeds the
// threshold and ends when it falls below half of it (hysteresis). Inside an event, twitches are the peaks
// of the value separated by dips of at least max(threshold, 30% of the event's peak) (a peak/valley
// detector), so a fast train that never returns to rest is still counted twitch by twitch.
// Not thread-safe (one thread per analysis).
#pragma once

#include <optional>
#include <vector>

#include <opencv2/core/types.hpp>

#include "core/measurements.hpp"
#include "signal/running_stats.hpp"
#include "signal/twitch_settings.hpp"

namespace ft {

struct TwitchEvent {
  Region region = Region::Mouth;
  Side side = Side::Left;
  double onset_s = 0.0;       // threshold crossing, linearly interpolated between samples
  double offset_s = 0.0;      // fall below the release level
  double peak_iod = 0.0;
  double peak_s = 0.0;
  double rise_s = 0.0;        // max(20% of peak, threshold/2) -> 80% of the first twitch peak
  // Slow: rises slower than `max_rise_s` and lasts more than 0.3 s (drift, expression). A single
  // twitch pulse lasts ~0.1 s whatever noise does to its measured rise.
  bool slow(double max_rise_s) const { return rise_s > max_rise_s && offset_s - onset_s > 0.3; }
  double threshold_iod = 0.0; // threshold at the onset
  std::vector<double> twitch_times_s;  // one per twitch (peak times, sub-sample interpolated)
  std::vector<double> sample_t, sample_v;  // the event's samples (for the episode's spectrum)
  bool cut_by_end = false;  // still open when the recording ended (see StreamDetector::flush)
  // Holds a complete twitch: a peak above the threshold followed by a fall of the peak-separation dip.
  // Only decided for an event cut by the end (a closed event has fallen back anyway).
  bool holds_complete_twitch = true;
};

class StreamDetector {
 public:
  StreamDetector(Region region, Side side, const TwitchSettings& settings);

  // One sample. `valid` false marks a gap (no face, bad quality): an open event is closed at the last
  // valid sample; a gap longer than 0.25 s restarts the baseline warm-up. For the mouth, `point` is the
  // canonical corner position; for the eye, `scalar` is the lid aperture. Returns the sample as
  // displayed/recorded; a finished event is appended to `finished`.
  SignalSample push(double t, bool valid, cv::Point2f point, double scalar, std::vector<TwitchEvent>& finished);

  bool active() const { return active_; }
  double active_onset_s() const { return onset_s_; }
  // Mouth: the unit direction of the muscles' pull (canonical frame).
  cv::Point2d pull() const { return pull_; }
  // End of the recording: an open event is closed and marked cut_by_end, with whether it already holds
  // a complete twitch (a peak above the threshold followed by a fall of the peak-separation dip). The
  // analyser still pairs it with the other side (a blink cut by the end stays a blink) but makes no
  // twitch of one that has only risen so far (the first tenths of a second of a smile).
  void flush(std::vector<TwitchEvent>& finished);
  void set_settings(const TwitchSettings& s) { settings_ = s; }

 private:
  struct Sample {
    double t;
    double v;
  };
  void close_event(std::vector<TwitchEvent>& finished);
  double current_threshold() const;
  // The dip that separates two twitches of the open event: max(its onset threshold, 30% of its peak).
  double separation_dip(double event_peak) const;
  void feed_baseline(double t, cv::Point2f point, double scalar);  // one sample into the baseline window(s)
  // An onset candidate that moves back toward where the stream rested before its baseline followed a
  // held expression (see kAnchorS in the .cpp).
  bool returning_to_anchor(cv::Point2f point, cv::Point2d base, double thr) const;

  Region region_;
  Side side_;
  cv::Point2d pull_;  // mouth: the unit direction of the muscles' pull (canonical frame)
  TwitchSettings settings_;
  WindowedStats base_x_, base_y_, base_s_;  // baseline windows (mouth x/y, eye aperture)
  WindowedStats anchor_x_, anchor_y_;  // mouth: the baseline's recent history (kAnchorS)
  WindowedStats noise_;
  double valid_since_s_ = -1.0;
  double last_valid_t_ = -1e9;
  bool active_ = false;
  bool armed_ = false;  // the signal has been below the threshold since the warm-up ended
  double onset_s_ = 0.0;
  double onset_threshold_ = 0.0;
  double event_peak_ = 0.0;           // largest value of the open event so far
  cv::Point2d peak_direction_{0, 0};  // mouth: the displacement at that value (canonical units)
  double last_event_end_s_ = -1e9;    // last sample of the last closed event
  double last_above_s_ = 0.0;         // last sample of the open event above its onset threshold
  double sustained_since_s_ = -1.0;   // since when the value has stayed >= half of event_peak_
  double threshold_ = kNaN;
  double onset_sigma_ = kNaN;      // the noise sigma behind onset_threshold_
  double threshold_sigma_ = kNaN;  // the noise sigma behind threshold_
  Sample prev_{-1e9, 0.0};
  double prev_along_ = 0.0;  // mouth: the pull component of the previous valid sample (for its jitter)
  std::vector<Sample> pre_roll_;     // recent samples before an event (for the rise time)
  std::vector<Sample> event_;        // samples of the open event
};

// Peaks of `v` (times `t`) at least `min_height` high and separated by dips of at least `delta`: the
// peak/valley alternation detector. Returns sample indices.
std::vector<std::size_t> find_peak_indices(const std::vector<double>& t, const std::vector<double>& v, double delta,
                                           double min_height);
// The same, as times refined by a parabola through each peak sample and its neighbours.
std::vector<double> find_twitch_peaks(const std::vector<double>& t, const std::vector<double>& v, double delta,
                                      double min_height = 0.0);

// Frequency (Hz) of the strongest periodic component of v(t) between f_lo and f_hi, by a direct
// (Lomb-Scargle style, uneven sampling allowed) periodogram on a 0.02 Hz grid with parabolic refinement.
// NaN when there are fewer than 6 samples.
double dominant_frequency_hz(const std::vector<double>& t, const std::vector<double>& v, double f_lo, double f_hi);

// Twitches per second from peak times: (n - 1) / (last - first); NaN with fewer than 2 peaks.
double twitch_frequency_hz(const std::vector<double>& peak_times_s);

}  // namespace ft
