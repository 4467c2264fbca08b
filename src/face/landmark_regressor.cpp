// landmark_regressor.cpp: loading dlib's shape predictor into a compact layout, and the cascade.
#include "face/landmark_regressor.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/serialize.h>

namespace ft {

namespace {

Error model_error(const std::string& what) {
  return make_error(ErrorKind::Model, "the landmark model is inconsistent (" + what + ")");
}

// Bilinear grey value at (x, y); 0 outside `valid` (by the nearest pixel, as dlib decides it).
inline float sample(const cv::Mat& gray, const cv::Rect& valid, float x, float y) {
  const float x_lo = static_cast<float>(valid.x), y_lo = static_cast<float>(valid.y);
  const float x_hi = static_cast<float>(valid.x + valid.width - 1);
  const float y_hi = static_cast<float>(valid.y + valid.height - 1);
  if (!(x >= x_lo - 0.5f && x < x_hi + 0.5f && y >= y_lo - 0.5f && y < y_hi + 0.5f))
    return 0.0f;
  x = std::clamp(x, x_lo, x_hi);
  y = std::clamp(y, y_lo, y_hi);
  const int x0 = static_cast<int>(x), y0 = static_cast<int>(y);  // x, y >= 0: truncation is floor
  const float fx = x - static_cast<float>(x0), fy = y - static_cast<float>(y0);
  const int x1 = std::min(x0 + 1, valid.x + valid.width - 1);
  const int y1 = std::min(y0 + 1, valid.y + valid.height - 1);
  const unsigned char* r0 = gray.ptr<unsigned char>(y0);
  const unsigned char* r1 = gray.ptr<unsigned char>(y1);
  const float top = static_cast<float>(r0[x0]) + fx * static_cast<float>(r0[x1] - r0[x0]);
  const float bottom = static_cast<float>(r1[x0]) + fx * static_cast<float>(r1[x1] - r1[x0]);
  return top + fy * (bottom - top);
}

}  // namespace

Result<LandmarkRegressor> LandmarkRegressor::from_dlib_stream(std::istream& in) {
  // The serialised form of dlib::shape_predictor, component by component (dlib's own readers).
  int version = 0;
  dlib::deserialize(version, in);
  if (version != 1)
    throw dlib::serialization_error(
        "unexpected version found while deserializing dlib::shape_predictor.");
  dlib::matrix<float, 0, 1> initial;
  std::vector<std::vector<dlib::impl::regression_tree>> forests;
  std::vector<std::vector<unsigned long>> anchors;
  std::vector<std::vector<dlib::vector<float, 2>>> deltas;
  dlib::deserialize(initial, in);
  dlib::deserialize(forests, in);
  dlib::deserialize(anchors, in);
  dlib::deserialize(deltas, in);

  LandmarkRegressor r;
  if (initial.size() < 2 || initial.size() % 2 != 0)
    return model_error("mean shape");
  r.parts_ = static_cast<int>(initial.size() / 2);
  r.levels_ = static_cast<int>(forests.size());
  if (r.levels_ == 0 || anchors.size() != forests.size() || deltas.size() != forests.size()) {
    return model_error("cascade levels");
  }
  r.trees_ = static_cast<int>(forests[0].size());
  r.features_per_level_ = static_cast<int>(deltas[0].size());
  if (r.trees_ == 0 || forests[0][0].splits.empty())
    return model_error("trees");
  r.splits_per_tree_ = static_cast<int>(forests[0][0].splits.size());
  const int leaves_per_tree = r.splits_per_tree_ + 1;
  if (leaves_per_tree > 256 || (leaves_per_tree & (leaves_per_tree - 1)) != 0)
    return model_error("tree depth");
  if (r.features_per_level_ == 0 || r.features_per_level_ > 65535)
    return model_error("feature count");

  const std::size_t dims = static_cast<std::size_t>(2 * r.parts_);
  r.mean_shape_.assign(initial.begin(), initial.end());
  r.features_.reserve(static_cast<std::size_t>(r.levels_ * r.features_per_level_));
  r.splits_.reserve(static_cast<std::size_t>(r.levels_ * r.trees_ * r.splits_per_tree_));
  r.leaf_scale_.reserve(static_cast<std::size_t>(r.levels_ * r.trees_));
  r.leaves_.reserve(static_cast<std::size_t>(r.levels_ * r.trees_ * leaves_per_tree) * dims);
  for (int l = 0; l < r.levels_; ++l) {
    const auto li = static_cast<std::size_t>(l);
    if (static_cast<int>(forests[li].size()) != r.trees_ ||
        static_cast<int>(anchors[li].size()) != r.features_per_level_ ||
        static_cast<int>(deltas[li].size()) != r.features_per_level_) {
      return model_error("level sizes");
    }
    for (int f = 0; f < r.features_per_level_; ++f) {
      const auto fi = static_cast<std::size_t>(f);
      if (anchors[li][fi] >= static_cast<unsigned long>(r.parts_))
        return model_error("feature anchor");
      r.features_.push_back(
          {static_cast<std::uint32_t>(anchors[li][fi]), deltas[li][fi].x(), deltas[li][fi].y()});
    }
    for (auto& tree : forests[li]) {
      if (static_cast<int>(tree.splits.size()) != r.splits_per_tree_ ||
          static_cast<int>(tree.leaf_values.size()) != leaves_per_tree) {
        return model_error("tree shape");
      }
      for (const auto& s : tree.splits) {
        if (s.idx1 >= static_cast<unsigned long>(r.features_per_level_) ||
            s.idx2 >= static_cast<unsigned long>(r.features_per_level_)) {
          return model_error("split feature");
        }
        r.splits_.push_back(
            {static_cast<std::uint16_t>(s.idx1), static_cast<std::uint16_t>(s.idx2), s.thresh});
      }
      // One scale per tree: the largest displacement of its leaves maps to 32767.
      float largest = 0.0f;
      for (const auto& leaf : tree.leaf_values) {
        if (static_cast<std::size_t>(leaf.size()) != dims)
          return model_error("leaf size");
        for (long k = 0; k < leaf.size(); ++k)
          largest = std::max(largest, std::abs(leaf(k)));
      }
      const float scale = largest > 0.0f ? largest / 32767.0f : 0.0f;
      r.leaf_scale_.push_back(scale);
      for (const auto& leaf : tree.leaf_values) {
        for (long k = 0; k < leaf.size(); ++k) {
          r.leaves_.push_back(scale > 0.0f ? static_cast<std::int16_t>(std::lround(leaf(k) / scale))
                                           : std::int16_t{0});
        }
      }
      tree = {};  // free dlib's copy as we go: keeps the peak memory of loading down
    }
  }
  return r;
}

namespace {

constexpr char kMagic[8] = {'F', 'T', 'L', 'M', 'v', '0', '0', '1'};

// 64-bit hash of a byte range (word-wise multiply-xor; detects truncation and corruption of the
// cache).
std::uint64_t hash_bytes(const void* data, std::size_t n, std::uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  for (; i < n; ++i)
    h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

template <class T>
void put_array(std::ostream& out, const std::vector<T>& v, std::uint64_t& h) {
  const std::uint64_t n = v.size();
  out.write(reinterpret_cast<const char*>(&n), sizeof n);
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(T)));
  h = hash_bytes(v.data(), v.size() * sizeof(T), hash_bytes(&n, sizeof n, h));
}

template <class T>
bool get_array(std::istream& in, std::vector<T>& v, std::uint64_t expected, std::uint64_t& h) {
  std::uint64_t n = 0;
  if (!in.read(reinterpret_cast<char*>(&n), sizeof n) || n != expected)
    return false;
  v.resize(n);
  if (!in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T))))
    return false;
  h = hash_bytes(v.data(), v.size() * sizeof(T), hash_bytes(&n, sizeof n, h));
  return true;
}

}  // namespace

bool LandmarkRegressor::write(std::ostream& out) const {
  out.write(kMagic, sizeof kMagic);
  const std::int32_t dims[5] = {parts_, levels_, trees_, splits_per_tree_, features_per_level_};
  out.write(reinterpret_cast<const char*>(dims), sizeof dims);
  std::uint64_t h = hash_bytes(dims, sizeof dims, 0xcbf29ce484222325ULL);
  put_array(out, mean_shape_, h);
  put_array(out, features_, h);
  put_array(out, splits_, h);
  put_array(out, leaf_scale_, h);
  put_array(out, leaves_, h);
  out.write(reinterpret_cast<const char*>(&h), sizeof h);
  return static_cast<bool>(out);
}

std::optional<LandmarkRegressor> LandmarkRegressor::read(std::istream& in) {
  char magic[sizeof kMagic];
  if (!in.read(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0)
    return std::nullopt;
  std::int32_t dims[5];
  if (!in.read(reinterpret_cast<char*>(dims), sizeof dims))
    return std::nullopt;
  LandmarkRegressor r;
  r.parts_ = dims[0];
  r.levels_ = dims[1];
  r.trees_ = dims[2];
  r.splits_per_tree_ = dims[3];
  r.features_per_level_ = dims[4];
  const int leaves_per_tree = r.splits_per_tree_ + 1;
  if (r.parts_ <= 0 || r.parts_ > 1000 || r.levels_ <= 0 || r.levels_ > 100 || r.trees_ <= 0 ||
      r.trees_ > 100000 || r.splits_per_tree_ <= 0 || leaves_per_tree > 256 ||
      (leaves_per_tree & (leaves_per_tree - 1)) != 0 || r.features_per_level_ <= 0 ||
      r.features_per_level_ > 65535) {
    return std::nullopt;
  }
  const auto levels = static_cast<std::uint64_t>(r.levels_),
             trees = static_cast<std::uint64_t>(r.trees_);
  std::uint64_t h = hash_bytes(dims, sizeof dims, 0xcbf29ce484222325ULL);
  if (!get_array(in, r.mean_shape_, 2 * static_cast<std::uint64_t>(r.parts_), h) ||
      !get_array(in, r.features_, levels * static_cast<std::uint64_t>(r.features_per_level_), h) ||
      !get_array(in, r.splits_, levels * trees * static_cast<std::uint64_t>(r.splits_per_tree_),
                 h) ||
      !get_array(in, r.leaf_scale_, levels * trees, h) ||
      !get_array(in, r.leaves_,
                 levels * trees * static_cast<std::uint64_t>(leaves_per_tree) * 2 *
                     static_cast<std::uint64_t>(r.parts_),
                 h)) {
    return std::nullopt;
  }
  std::uint64_t stored = 0;
  if (!in.read(reinterpret_cast<char*>(&stored), sizeof stored) || stored != h)
    return std::nullopt;
  // Indices in range (the checksum says the file is what was written; this says it is usable).
  for (const Feature& f : r.features_) {
    if (f.anchor >= static_cast<std::uint32_t>(r.parts_))
      return std::nullopt;
  }
  for (const Split& s : r.splits_) {
    if (s.a >= r.features_per_level_ || s.b >= r.features_per_level_)
      return std::nullopt;
  }
  return r;
}

std::size_t LandmarkRegressor::memory_bytes() const {
  return mean_shape_.size() * sizeof(float) + features_.size() * sizeof(Feature) +
         splits_.size() * sizeof(Split) + leaf_scale_.size() * sizeof(float) +
         leaves_.size() * sizeof(std::int16_t);
}

// Compiled twice (GCC function multi-versioning): for CPUs with AVX2 (the leaf sums 8 floats at a
// time, ~30 % faster) and for any x86-64; the loader picks one. Same results: no reduction is
// reordered. Not under ThreadSanitizer: the clones' resolver runs while the program is being loaded,
// before TSan's runtime, and its instrumented entry crashes there.
#if defined(__SANITIZE_THREAD__)
#define FT_PREDICT_CLONES
#else
#define FT_PREDICT_CLONES __attribute__((target_clones("avx2", "default")))
#endif
FT_PREDICT_CLONES void LandmarkRegressor::predict(
    const cv::Mat& gray, const cv::Rect& valid_in, const cv::Rect2f& box, Landmarks68& out,
    Workspace& ws) const {
  const cv::Rect valid = valid_in & cv::Rect(0, 0, gray.cols, gray.rows);
  const auto dims = static_cast<std::size_t>(2 * parts_);
  const auto nf = static_cast<std::size_t>(features_per_level_);
  const auto leaves_per_tree = static_cast<std::size_t>(splits_per_tree_ + 1);
  ws.features.resize(nf);
  ws.shape.assign(mean_shape_.begin(), mean_shape_.end());
  ws.delta.resize(dims);
  ws.leaf.resize(static_cast<std::size_t>(trees_));
  float* shape = ws.shape.data();
  float* delta = ws.delta.data();
  // Normalised box coordinates (0..1) -> image pixels, as dlib maps them: (0,0) is the top-left
  // pixel, (1,1) the bottom-right one.
  const float bx = box.x, by = box.y, bw = box.width - 1.0f, bh = box.height - 1.0f;
  const float* mean = mean_shape_.data();
  float mx = 0.0f, my = 0.0f;
  for (int i = 0; i < parts_; ++i) {
    mx += mean[2 * i];
    my += mean[2 * i + 1];
  }
  mx /= static_cast<float>(parts_);
  my /= static_cast<float>(parts_);

  for (int level = 0; level < levels_; ++level) {
    // Least-squares similarity (rotation and scale only matter) taking the mean shape to the
    // current one.
    float cx = 0.0f, cy = 0.0f;
    for (int i = 0; i < parts_; ++i) {
      cx += shape[2 * i];
      cy += shape[2 * i + 1];
    }
    cx /= static_cast<float>(parts_);
    cy /= static_cast<float>(parts_);
    float sxx = 0.0f, dot = 0.0f, cross = 0.0f;
    for (int i = 0; i < parts_; ++i) {
      const float fx = mean[2 * i] - mx, fy = mean[2 * i + 1] - my;
      const float tx = shape[2 * i] - cx, ty = shape[2 * i + 1] - cy;
      sxx += fx * fx + fy * fy;
      dot += fx * tx + fy * ty;
      cross += fx * ty - fy * tx;
    }
    const float a = sxx > 0.0f ? dot / sxx : 1.0f, b = sxx > 0.0f ? cross / sxx : 0.0f;

    // This level's pixel features, each attached to a point of the current shape.
    const Feature* feat = &features_[static_cast<std::size_t>(level) * nf];
    for (std::size_t f = 0; f < nf; ++f) {
      const Feature& ft = feat[f];
      const float u = shape[2 * ft.anchor] + a * ft.dx - b * ft.dy;
      const float v = shape[2 * ft.anchor + 1] + b * ft.dx + a * ft.dy;
      ws.features[f] = sample(gray, valid, bx + u * bw, by + v * bh);
    }

    // Walk every tree first (the leaves depend only on the features), then add the leaves with the
    // next ones prefetched: the memory reads overlap instead of waiting one by one.
    const std::size_t first_tree =
        static_cast<std::size_t>(level) * static_cast<std::size_t>(trees_);
    const Split* splits = &splits_[first_tree * static_cast<std::size_t>(splits_per_tree_)];
    const float* fv = ws.features.data();
    for (int t = 0; t < trees_; ++t) {
      const Split* s =
          splits + static_cast<std::size_t>(t) * static_cast<std::size_t>(splits_per_tree_);
      int node = 0;
      while (node < splits_per_tree_) {
        const Split& sp = s[node];
        node = 2 * node + (fv[sp.a] - fv[sp.b] > sp.threshold ? 1 : 2);
      }
      ws.leaf[static_cast<std::size_t>(t)] = static_cast<std::uint8_t>(node - splits_per_tree_);
    }
    std::fill(delta, delta + dims, 0.0f);
    const std::int16_t* leaves = &leaves_[first_tree * leaves_per_tree * dims];
    const float* scales = &leaf_scale_[first_tree];
    constexpr int kAhead = 6;
    auto leaf_at = [&](int t) {
      return leaves + (static_cast<std::size_t>(t) * leaves_per_tree +
                       ws.leaf[static_cast<std::size_t>(t)]) *
                          dims;
    };
    for (int t = 0; t < trees_; ++t) {
      if (t + kAhead < trees_) {
        const char* p = reinterpret_cast<const char*>(leaf_at(t + kAhead));
        for (std::size_t off = 0; off < dims * sizeof(std::int16_t); off += 64)
          __builtin_prefetch(p + off);
      }
      const std::int16_t* leaf = leaf_at(t);
      const float s = scales[t];
      for (std::size_t k = 0; k < dims; ++k)
        delta[k] += s * static_cast<float>(leaf[k]);
    }
    for (std::size_t k = 0; k < dims; ++k)
      shape[k] += delta[k];
  }

  const int n = std::min(parts_, static_cast<int>(out.size()));
  for (int i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)] =
        cv::Point2f(bx + shape[2 * i] * bw, by + shape[2 * i + 1] * bh);
  }
}

}  // namespace ft
