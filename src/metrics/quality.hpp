// quality.hpp: is this frame's measurement trustworthy? Flags (core/measurements.hpp QualityFlag) from
// head pose, face size, exposure and sharpness of the face region. Thresholds are documented in
// docs/OUTPUT.md and chosen so that a frame flagged is one where landmark error grows well beyond the
// twitch sizes we measure. Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include <opencv2/core.hpp>

#include "core/measurements.hpp"

namespace ft {

struct QualityLimits {
  double max_abs_yaw_deg = 25.0;
  double max_abs_pitch_deg = 20.0;
  double min_iod_px = 40.0;         // below this a 1% IOD twitch is < 0.4 px
  double min_mean_grey = 45.0;      // face region mean (0-255)
  double max_mean_grey = 215.0;
  double max_saturated_fraction = 0.25;  // share of face pixels >= 250
  double min_sharpness = 12.0;      // variance of the Laplacian of the face region at 128 px width
};

struct ExposureStats {
  double mean_grey = 0.0;
  double saturated_fraction = 0.0;
  double sharpness = 0.0;
};

// Statistics of the face region `box` of an 8-bit grey frame, on a copy resized to 128 px width (so the
// sharpness measure does not depend on the face's size in pixels). `scratch` is a reused buffer.
ExposureStats face_exposure(const cv::Mat& gray, const cv::Rect2f& box, cv::Mat& scratch);

std::uint32_t quality_flags(const HeadPose& pose, double iod_px, const ExposureStats& exposure,
                            const QualityLimits& limits = {});

}  // namespace ft
