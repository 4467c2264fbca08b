// twitch_analyser.hpp: the streaming twitch analysis of one recording or live session.
//
// Four streams (mouth and eye, the person's left and right; signal/event_detector.hpp) produce events.
// Events of the two sides of one region are then classified together:
//  - eye: both eyes closing together (onsets within blink_sync_s, the weaker at least bilateral_ratio of
//    the stronger) is a blink: counted, never a twitch;
//  - mouth: both corners moving together (the weaker at least bilateral_ratio of the stronger) is a
//    bilateral movement; if it rises slowly (20-80% rise longer than voluntary_rise_s) it is voluntary
//    (smile, speech) and not a twitch, otherwise a bilateral twitch; the same holds for both eyes
//    closing together but too far apart for a blink (a deliberate, slow eye closure is voluntary);
//  - an overlapping movement of the other side smaller than bilateral_ratio of the stronger one is
//    taken as mechanically dragged along by it and dropped; the stronger side's twitch is unilateral;
//  - a one-sided movement that rises slowly (slower than voluntary_rise_s) is not a twitch: a twitch,
//    clonic or tonic, starts within tens of milliseconds; slow change is drift or expression. Slow and
//    fast events are never paired with each other;
//  - a one-sided event starting within 1 s after a voluntary movement or a blink of the same region is
//    the face settling back to rest: part of that movement, not a twitch;
//  - speech: a fast mouth-corner event (one-sided, dragged-along or bilateral) while the mouth opening
//    (FaceMetrics::mouth_opening_iod) varies by 2% IOD or more from 0.5 s before to 0.3 s after it is
//    talking, chewing or yawning: voluntary, not a twitch; one movement while syllables keep coming
//    within 1 s. Except a clearly one-sided event (>= 2.5% IOD, the other corner below 35% of it):
//    still a twitch. Mouth events are decided 0.3 s after they end (the opening after them must be
//    known).
// Classified events are merged into episodes (signal/episode_builder.hpp). Each episode then gets
// its pattern (clonic / tonic / clonic-tonic from the lengths of its contractions); one holding a single
// brief twitch (clonic) is no episode and is kept apart as an isolated twitch (core/measurements.hpp),
// unless the stream's history shows it is one pulse of a train whose other pulses stayed under the
// threshold (extend_to_train). Besides the events, each lid's signal is scanned for a regular train of
// one-sided pulses under the threshold (scan_sample): where no episode or isolated twitch of the eye
// was found around it, it is an eyelid episode (docs/METRICS.md, "Eyelid train under the threshold").
// And each corner's signal over a speech movement is searched for a regular train that the other corner
// and the jaw do not share (search_speech_trains): a mouth episode that the speech rule had taken
// (docs/METRICS.md, "Mouth train inside speech").
// Each remaining episode gets the co-contraction flag (a twitch within kCoContractionS of a twitch of the other region on the same
// side) and, for the eye, the brow-lift sign (core/measurements.hpp, docs/METRICS.md).
// Frequency: twitches per second from the peak times. Above fps/5 a sampled train starts to merge
// neighbouring peaks (12 Hz at 30 fps is 2.5 samples per twitch), so there the frequency is refined by
// the periodogram of the stream's signal over the episode, searched from 0.7x the peak rate up to
// Nyquist, and the twitch count is taken from that frequency over the episode's span when larger.
// Frames whose quality flags are not ok are gaps: nothing is measured there.
// Not thread-safe: one analyser per analysis thread.
#pragma once

#include <array>
#include <deque>
#include <limits>
#include <optional>
#include <vector>

#include "core/measurements.hpp"
#include "signal/episode_builder.hpp"
#include "signal/event_detector.hpp"
#include "signal/twitch_settings.hpp"

namespace ft {

class TwitchAnalyser {
 public:
  explicit TwitchAnalyser(const TwitchSettings& settings = {});

  // One frame, in time order. Returns the frame's signals (for frames.csv and the plots).
  FrameSignals push(const FaceMetrics& m);
  // End of the recording: closes open events and episodes.
  void finish();

  // Append-only lists, in the order items were closed.
  const std::vector<Episode>& episodes() const { return episodes_; }
  const std::vector<Blink>& blinks() const { return blinks_; }
  // Single brief twitches that formed no episode (core/measurements.hpp, IsolatedTwitch).
  const std::vector<IsolatedTwitch>& isolated_twitches() const { return isolated_; }
  const std::vector<VoluntaryMovement>& voluntary_movements() const { return voluntary_; }
  // Episodes still open (live display).
  std::vector<Episode> open_episodes() const;
  const TwitchSettings& settings() const { return settings_; }

 private:
  void resolve(Region r, bool final);
  void refine_new_episodes();
  // Episodes closed by the builders wait in held_ until the other region can no longer add an
  // episode that twitches with them (co-contraction); then their type, co-contraction and brow-lift
  // sign are decided and they move to episodes_.
  void release_held(bool final);
  bool may_still_add(Region r, Laterality side, double t) const;
  void classify(Episode& ep) const;
  // A single twitch that is one pulse of a train whose other pulses stayed under the threshold (see
  // kTrainLowFraction in the .cpp): makes ep the train's episode and returns true.
  bool extend_to_train(Episode& ep) const;
  // A cluster that is no episode: its twitches are isolated twitches, each with its own span and peak.
  void add_isolated(const Episode& ep);
  // The largest value of a stream's signal history from `from` to `to` (0 when it has none there).
  double stream_peak(Region r, Side s, double from, double to) const;
  void decide_co_contraction(Episode& ep);
  // Eyelid trains that no event found (see kScanLowFraction in the .cpp): each eye stream's signal is
  // scanned for a run of regular pulses on its side alone; a run becomes a candidate episode, kept once
  // nothing else of the eye was found around it.
  struct TrainScan {
    bool above = false;                         // inside a pulse (above the scan level)
    double best_t = 0.0, best_v = 0.0;          // the pulse's peak so far
    double last_t = -1.0e9;                     // the previous valid sample
    std::vector<std::pair<double, double>> run;  // (t, value) of the run's one-sided peaks
  };
  void scan_sample(Side s, double t, double v, double thr, double sigma);
  void scan_peak(Side s, double t, double v);
  void close_scan_run(Side s);
  void decide_scanned(bool final);
  // Mouth trains inside speech (see kSpeechTrainCv in the .cpp): each corner's signal over a speech
  // movement is searched for a regular train of pulses that the other corner does not have, once the
  // movement can no longer grow (a long one also in pieces while it goes on).
  void search_speech_trains(bool final);
  // Eyelid trains around blinks (see kBlinkSearchAfterS in the .cpp): each lid's signal around each
  // blink, once it is in the history, is searched the same way; runs found join the scanned eyelid trains.
  void search_blink_trains(bool final);
  // Region r's two streams over [from, to] searched for regular one-sided trains of at least min_pulses
  // pulses (relative to the threshold at thr_at): the candidate episodes found. A piece that is not
  // complete leaves a run reaching its end to the next. Around a blink, the blink's closure is not the
  // train's amplitude.
  std::vector<Episode> search_train_span(Region r, double from, double to, double thr_at, bool complete, std::size_t min_pulses,
                                         const Blink* blink = nullptr) const;
  // Each speech train found extends the held episode that is its part, or is held if clear.
  void hold_speech_trains(const std::vector<Episode>& found);
  // Trains anywhere (see kAllSearchPieceS in the .cpp): both regions' signals over the whole recording,
  // in overlapping pieces as the history fills; runs found join the scanned candidates.
  void search_all_trains(bool final);
  // Whether a mouth train's pulses rise from the corner's rest before it (see kAllSearchRiseShare).
  bool rises_from_rest(const Episode& c) const;
  // Holds the candidate episode unless an episode or isolated twitch of its region is near it.
  void hold_if_clear(const Episode& c);
  // Merges the candidate train into a held episode of its region and side around it that has fewer
  // twitches (the part of the train that the events found): returns whether it did. A reported episode
  // is final.
  bool merge_into_episode(const Episode& c);
  // Whether a search may still find a train around the held episode (it waits for the candidates of its
  // region and side around it to be decided; an eyelid episode also for the blinks around it to be
  // searched).
  bool may_still_merge(const Episode& ep) const;
  // The episode's signal: its side's stream, or the sum of both sides' for a bilateral episode.
  void episode_signal(const Episode& ep, std::vector<double>& t, std::vector<double>& v) const;
  void emit(const TwitchEvent& e, Laterality lat);
  // Whether both lids began to close (a blink: decided, or both lids' events starting within
  // blink_sync_s of each other) at most kBlinkMouthAfterS before t or kBlinkMouthBeforeS after it: a
  // mouth event starting at t starts with the blink.
  bool blink_begins_near(double t) const;
  // Range of the mouth opening (3-sample running median) over [t0, t1], IOD; NaN with < 5 samples.
  double jaw_movement_iod(double t0, double t1) const;
  bool during_speech(double onset_s, double offset_s) const;
  // Times of the mouth opening's pulses (the jaw's syllables) over [t0, t1].
  std::vector<double> jaw_peaks(double t0, double t1) const;
  // A mouth event large enough, with the other corner still enough, to be a twitch during speech.
  bool one_sided_in_speech(const TwitchEvent& e) const;
  // Records (or extends) a speech movement.
  void add_speech(double start, double end);
  StreamDetector& stream(Region r, Side s) { return streams_[static_cast<std::size_t>(static_cast<int>(r) * 2 + static_cast<int>(s))]; }
  const StreamDetector& stream(Region r, Side s) const {
    return streams_[static_cast<std::size_t>(static_cast<int>(r) * 2 + static_cast<int>(s))];
  }
  EpisodeBuilder& builder(Region r, Laterality l);

  // Intervals already classified as involving both sides; a late fragment of one side overlapping one
  // of them belongs to it (a train on one side can break into several events while the other side's
  // stays one).
  enum class Kind { Bilateral, Voluntary, Blink, Speech };
  struct Decided {
    Region region;
    Kind kind;
    double start_s, end_s;
    std::size_t index;  // into voluntary_ or blinks_
  };
  std::deque<Decided> decided_;

  TwitchSettings settings_;
  std::vector<StreamDetector> streams_;            // mouth L, mouth R, eye L, eye R
  std::array<std::deque<TwitchEvent>, 4> pending_;  // finished events awaiting classification
  std::vector<EpisodeBuilder> builders_;           // (mouth, eye) x (L, R, bilateral)
  std::vector<TwitchEvent> finished_;              // scratch
  std::array<std::deque<std::pair<double, double>>, 4> history_;  // (t, value) of the last 60 s
  struct ThresholdSample {
    double t, threshold_iod, noise_sigma_iod;
  };
  std::array<std::deque<ThresholdSample>, 4> threshold_history_;  // the stream's threshold over the last 60 s
  // The last of stream idx's threshold samples at or before t; nullptr if none.
  const ThresholdSample* threshold_at(std::size_t idx, double t) const;
  PerSide<std::deque<std::pair<double, double>>> movement_history_;  // mouth: (t, movement) of the last 60 s
  PerSide<std::deque<std::pair<double, double>>> position_history_;  // mouth: (t, corner position along the pull) of the last 60 s
  std::size_t refined_ = 0;                        // episodes_ already refined
  std::vector<Episode> episodes_;
  std::vector<Episode> held_;
  PerSide<std::deque<std::pair<double, double>>> brow_history_;  // (t, brow height) of the last 60 s
  std::deque<std::pair<double, double>> opening_history_;        // (t, mouth opening) of the last 60 s
  std::vector<Blink> blinks_;
  std::vector<IsolatedTwitch> isolated_;
  std::vector<VoluntaryMovement> voluntary_;
  PerSide<TrainScan> scan_;       // eye left, right
  std::vector<Episode> scanned_;  // candidate train episodes (eyelid scan, blink and whole-recording searches) awaiting their decision
  struct SpeechSearch {
    std::size_t index;  // into voluntary_
    double from_s;      // searched up to here (-inf: from its start)
  };
  std::deque<SpeechSearch> speech_search_;  // speech movements not yet searched to their end
  std::size_t blinks_searched_ = 0;          // blinks_ already searched for eyelid trains
  double all_search_from_s_ = std::numeric_limits<double>::quiet_NaN();  // next piece of search_all_trains (NaN: the first sample)
  double last_t_ = 0.0;
};

// Quality flags that make a frame a gap in the signal.
bool frame_is_measurable(const FaceMetrics& m);

}  // namespace ft
