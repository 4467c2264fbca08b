// landmark_regressor.hpp: our own evaluation of dlib's 68-point shape predictor (a cascade of
// regression-tree ensembles, Kazemi & Sullivan 2014), read from the same model file.
//
// Why not dlib's shape_predictor::operator(): it returns whole pixels (so facetwitch ran it on a
// crop upsampled until the face box was 400 px wide, to push the rounding below a pixel), it makes
// ~350 heap allocations per call, and its 7,500 leaf vectors per call lie scattered over ~75 MB of
// heap (one allocation each), so the cascade spends most of its time waiting for memory. Here the
// same cascade runs (per level: the similarity between the mean shape and the current shape, 400
// shape-indexed pixel features, 500 trees of depth 4 each adding a leaf displacement), with:
//  - features sampled by bilinear interpolation at their exact position on the original image (no
//    upsampled crop) and the landmarks returned in floating point (sub-pixel, no rounding);
//  - the leaf displacements stored contiguously as int16 with one scale per tree (33 MB instead of
//    ~75 MB; the quantisation error of the sum is far below 0.01 px), prefetched a few trees ahead;
//  - no heap allocation per call (scratch lives in a Workspace owned by the caller).
// Results differ from dlib's upsampled-crop landmarks by a fraction of a pixel (tests/face).
//
// Units: image pixels, pixel centres at integer coordinates (as OpenCV and dlib). The box is the
// face box the model expects (dlib detector geometry), x/y its top-left pixel, width/height in
// pixels. Thread safety: a loaded LandmarkRegressor is immutable; predict() is const and may run in
// several threads at once, each with its own Workspace.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <vector>

#include <opencv2/core.hpp>

#include "core/error.hpp"
#include "core/landmarks.hpp"

namespace ft {

class LandmarkRegressor {
 public:
  // Per-thread scratch of predict(): sized on first use, reused afterwards.
  struct Workspace {
    std::vector<float> features;     // pixel values of one cascade level
    std::vector<float> shape;        // current shape, normalised box coordinates (x0 y0 x1 y1 ...)
    std::vector<float> delta;        // this level's accumulated displacement
    std::vector<std::uint8_t> leaf;  // leaf reached in each tree of the level
  };

  // Reads a serialised dlib::shape_predictor (the .dat file's contents). Throws what dlib's
  // deserialisation throws on a malformed stream; an inconsistent model gives an ErrorKind::Model
  // error.
  static Result<LandmarkRegressor> from_dlib_stream(std::istream& in);

  // Our own compact form (a header, the arrays as they are in memory, a checksum): loads in tens of
  // milliseconds where parsing dlib's portable format takes ~0.5 s. Used as a cache of the .dat
  // file (face_tracker.cpp). read() returns nullopt on anything unexpected (other version,
  // truncated, checksum mismatch); write() returns false when the stream failed.
  bool write(std::ostream& out) const;
  static std::optional<LandmarkRegressor> read(std::istream& in);

  int num_parts() const { return parts_; }
  std::size_t memory_bytes() const;

  // Landmarks of the face in `box`. Pixels outside `valid` (clipped to the image) read as 0, as
  // dlib reads pixels outside its image. `gray` is 8-bit single channel. Needs num_parts() == 68.
  void predict(const cv::Mat& gray, const cv::Rect& valid, const cv::Rect2f& box, Landmarks68& out,
               Workspace& ws) const;

 private:
  struct Feature {
    std::uint32_t anchor;  // index of the shape point it is attached to
    float dx, dy;          // offset from it in the mean shape's frame
  };
  struct Split {
    std::uint16_t a, b;  // features compared: goes left when feature[a] - feature[b] > threshold
    float threshold;
  };

  int parts_ = 0;
  int levels_ = 0;           // cascade levels
  int trees_ = 0;            // trees per level
  int splits_per_tree_ = 0;  // 2^depth - 1
  int features_per_level_ = 0;
  std::vector<float> mean_shape_;     // 2 * parts
  std::vector<Feature> features_;     // levels * features_per_level
  std::vector<Split> splits_;         // levels * trees * splits_per_tree
  std::vector<float> leaf_scale_;     // levels * trees: value = scale * int16
  std::vector<std::int16_t> leaves_;  // levels * trees * (splits_per_tree + 1) * 2 * parts
};

}  // namespace ft
