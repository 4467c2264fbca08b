// twitch_settings.hpp: the user-facing sensitivity settings of the twitch detector (persisted by the
// window, stored in summary.json so a result says how it was obtained). Units: seconds, IOD.
#pragma once

namespace ft {

struct TwitchSettings {
  bool mouth_enabled = true;
  bool eye_enabled = true;
  // Threshold = max(threshold_k * robust noise sigma above the noise median, min_amplitude_iod).
  double threshold_k = 5.0;   // session 10: 6 -> 5 on the real corpus (docs/METRICS.md)
  double min_amplitude_iod = 0.012;      // smallest displacement counted as a twitch (1.2% IOD)
  double eye_min_amplitude_iod = 0.010;  // smallest lid closure counted as an eyelid twitch
  double baseline_window_s = 0.4;        // resting position: median over this trailing window (short, so
                                         // it follows slow drift of the face frame; frozen during events)
  double noise_window_s = 10.0;          // robust noise estimate over this trailing window
  double warmup_s = 1.0;                 // no detection until this much face signal has been seen
  double merge_gap_s = 0.75;             // twitches closer than this belong to one episode
  double bilateral_ratio = 0.5;          // the other side moving at least this fraction: bilateral
  double blink_sync_s = 0.12;            // both eyes starting to close within this: a blink
  double voluntary_rise_s = 0.12;        // a movement rising (20-80% of its first peak) slower than this
                                         // is not a twitch: a twitch rises in ~0.04 s, a smile in 0.2-1 s
};

}  // namespace ft
