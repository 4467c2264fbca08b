// head_pose.hpp: head yaw / pitch / roll from the 2-D landmarks, by minimising the reprojection
// error (Levenberg-Marquardt from a frontal guess: what cv::solvePnP's iterative method does,
// without its ~300 heap allocations per call; tests/metrics checks the two agree) of a generic
// average 3-D face (millimetres) seen by a pinhole camera with focal length = the image's long side
// and the principal point at the image centre. Approximate by design (no camera calibration, no
// personal 3-D shape): good to a few degrees near frontal, used to flag frames where the head is
// turned too far. Signs: yaw > 0 when the person turns toward their own left, pitch > 0 when they
// look up, roll > 0 when the head tilts toward their own left shoulder. Input landmarks from an
// UNMIRRORED image. Thread safety: pure function.
#pragma once

#include <opencv2/core/types.hpp>

#include "core/landmarks.hpp"
#include "core/measurements.hpp"

namespace ft {

HeadPose estimate_head_pose(const Landmarks68& image_px, cv::Size image_size);

// The generic face model, for tests: (landmark index, position in mm). Model axes: x toward the
// image's right (the person's left when unmirrored), y down, z away from the camera.
struct ModelPoint {
  int index;
  cv::Point3d mm;
};
const std::array<ModelPoint, 10>& generic_face_model();

}  // namespace ft
