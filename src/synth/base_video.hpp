// base_video.hpp: known twitches drawn into a REAL video (`facetwitch synth --base-video`).
//
// Pass 1 (track_base_video) decodes every frame and tracks the 68 landmarks with the analyser's own
// FaceTracker, recording per frame the landmarks or "no face"; the tracks are then smoothed in time
// (zero-phase Gaussian over each run of consecutive tracked frames, never across a gap) so that the
// warps follow the real head motion without the landmarks' frame-to-frame jitter.
// Pass 2 (render_on_base_video) decodes the video again and, per frame, builds the scenario's local
// warp (FaceAnimator, face_warp.hpp: Gaussian controls at the mouth, lid closures at the eyes) around
// THAT frame's smoothed landmarks, with amplitudes in that frame's IOD, resamples only the face region
// (bicubic) and writes the video at the source's size and frame rate. Nothing else changes: no noise,
// head motion, blinks or lighting are added; frames where nothing moves and frames without a face are
// the source frames (re-encoded). Events must lie where the face is tracked (check_events_tracked).
//
// Work is done in unmirrored image pixels: a mirrored (selfie) source is flipped back when read and
// flipped again when written. Sides are the person's. Units: pixels, seconds, IOD.
// Thread safety: free functions; each call uses its own tracker and buffers.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/landmarks.hpp"
#include "synth/generator.hpp"
#include "synth/scenario.hpp"

namespace ft {

class LandmarkModel;

// Bumped whenever the same scenario on the same video renders differently (tracking, smoothing, warp
// placement): truth.json base_video.renderer_version, and the real-video benchmark's cache key.
inline constexpr int kBaseVideoRendererVersion = 1;
// Gaussian sigma of the temporal smoothing of the landmark tracks, frames.
inline constexpr double kTrackSmoothingSigmaFrames = 2.5;
// A droop is faded in and out over this long where the face is found again or lost (not at the
// video's own start and end), so that tracking gaps do not make the corner jump.
inline constexpr double kDroopFadeS = 0.4;

using LandmarkTrack = std::vector<std::optional<Landmarks68>>;  // per frame; nullopt: no face

// Zero-phase Gaussian smoothing (sigma in frames) of every landmark coordinate over each run of
// consecutive tracked frames; the kernel is truncated at 3 sigma and renormalised at a run's ends.
// Frames without a face stay without one. sigma <= 0 returns the input.
LandmarkTrack smooth_landmark_track(const LandmarkTrack& raw, double sigma_frames);

struct FrameRun {
  int first = 0;  // frame indices, inclusive
  int last = 0;
};
// The runs of consecutive tracked frames, in order.
std::vector<FrameRun> tracked_runs(const LandmarkTrack& track);

// Pass 1's result.
struct BaseTrack {
  std::filesystem::path video;
  std::string sha256;
  int width = 0;
  int height = 0;
  int frames = 0;
  double fps = 0.0;
  bool mirrored_input = false;
  LandmarkTrack raw;       // unmirrored pixels, quantised to 1/64 px (exact in JSON)
  LandmarkTrack smoothed;  // smooth_landmark_track(raw, kTrackSmoothingSigmaFrames)
  double median_iod_px = 0.0;

  int tracked_frames() const;
  double tracked_share() const { return frames > 0 ? static_cast<double>(tracked_frames()) / frames : 0.0; }
  double duration_s() const { return fps > 0.0 ? frames / fps : 0.0; }
};

struct BaseTrackOptions {
  bool mirrored_input = false;
  int max_frames = 0;  // > 0: only the first max_frames frames
  GenerateProgress progress;
};

// Pass 1. Errors: Input (unreadable video, no face in any frame), with the file named.
// The frame rate is the container's, unless the frame times say otherwise by more than 2 % (a
// variable-rate file): then frames / duration. The output has one frame per source frame at that
// constant rate.
Result<BaseTrack> track_base_video(const std::filesystem::path& video, std::shared_ptr<const LandmarkModel> model,
                                   const BaseTrackOptions& options = {});

// The track as a file (JSON; the smoothed track is recomputed on reading), to reuse pass 1.
Status write_base_track(const std::filesystem::path& path, const BaseTrack& track);
Result<BaseTrack> read_base_track(const std::filesystem::path& path);

// An event-free scenario of the video's size, rate and length (duration_s > 0: only that long):
// no noise, lighting drift or head motion; mirrored = the source is mirrored.
Scenario base_video_scenario(const BaseTrack& track, double duration_s = 0.0);

// BadArguments naming the first twitch episode that covers a frame without a tracked face, with the
// spans where the face is tracked; ok otherwise.
Status check_events_tracked(const Scenario& scenario, const BaseTrack& track);

// Pass 2: writes out_dir/video.mp4 and out_dir/truth.json (GroundTruth with base_video; iod_px = the
// median IOD). The scenario must come from base_video_scenario (same size, rate, at most as long).
// Errors: BadArguments (invalid or untracked events), Input (the video changed or cannot be read),
// Output (folder, ffmpeg).
Result<GenerateReport> render_on_base_video(const Scenario& scenario, const BaseTrack& track,
                                            const std::filesystem::path& out_dir,
                                            const GenerateProgress& progress = {});

// The face-size curve (`accuracy --real --face-iod`): `video` resized by `scale` (0 < scale <= 1; area
// averaging, as a camera of lower resolution would see it) to `out` (x264 crf 14: the re-encoding adds
// little beyond what the source already has), every frame, written at `fps` (the base track's rate).
// Sizes are rounded to even pixels. upscale > 1: the small frame is then enlarged again by that factor
// (bicubic), which is what an upscaled face crop gives the landmark and flow stages: more pixels, no more
// detail. Errors: BadArguments (scale, upscale, fps), Input (unreadable video), Output (ffmpeg, folder).
Status downscale_video(const std::filesystem::path& video, double scale, double fps, const std::filesystem::path& out,
                       double upscale = 1.0);

}  // namespace ft
