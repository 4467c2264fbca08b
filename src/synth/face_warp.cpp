// face_warp.cpp: Gaussian local warps + similarity, as backward maps for cv::remap (see
// face_warp.hpp).
#include "synth/face_warp.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace ft {
namespace {

constexpr double kWindowRadii = 3.5;  // Gaussians are cut off beyond this many radii

WarpControl clamped(const WarpControl& c) {
  WarpControl out = c;
  out.radius = std::max(c.radius, 1e-3f);
  const float len = std::hypot(c.displacement.x, c.displacement.y);
  const float max_len = kMaxWarpRatio * out.radius;
  if (len > max_len)
    out.displacement *= max_len / len;
  return out;
}

double gauss(const cv::Point2d& p, const WarpControl& c) {
  const double dx = p.x - c.centre.x;
  const double dy = p.y - c.centre.y;
  const double s = c.radius;
  return std::exp(-(dx * dx + dy * dy) / (2.0 * s * s));
}

// Inverse of `motion` as x -> A x + b.
struct Affine {
  double a00 = 1, a01 = 0, a10 = 0, a11 = 1, b0 = 0, b1 = 0;
};

Affine inverse_affine(const Similarity& m) {
  // invert(x) = c + (1/s) R^T (x - c - t)
  const double th = m.angle_deg * std::numbers::pi / 180.0;
  const double cs = std::cos(th) / m.scale;
  const double sn = std::sin(th) / m.scale;
  Affine a;
  a.a00 = cs;
  a.a01 = sn;
  a.a10 = -sn;
  a.a11 = cs;
  const double ox = m.centre.x + m.translation.x;
  const double oy = m.centre.y + m.translation.y;
  a.b0 = m.centre.x - (a.a00 * ox + a.a01 * oy);
  a.b1 = m.centre.y - (a.a10 * ox + a.a11 * oy);
  return a;
}

double smoothstep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3.0 - 2.0 * x);
}

// Bounding box (output pixels, clipped to the image) of canvas points after `motion`, grown by 1
// px.
cv::Rect output_box(const std::vector<cv::Point2d>& pts, const Similarity& motion, cv::Size size) {
  double x0 = std::numeric_limits<double>::max(), y0 = x0, x1 = -x0, y1 = -x0;
  for (const auto& p : pts) {
    const cv::Point2d q = motion.apply(p);
    x0 = std::min(x0, q.x);
    x1 = std::max(x1, q.x);
    y0 = std::min(y0, q.y);
    y1 = std::max(y1, q.y);
  }
  const int c0 = std::max(0, static_cast<int>(std::floor(x0)) - 1);
  const int c1 = std::min(size.width - 1, static_cast<int>(std::ceil(x1)) + 1);
  const int r0 = std::max(0, static_cast<int>(std::floor(y0)) - 1);
  const int r1 = std::min(size.height - 1, static_cast<int>(std::ceil(y1)) + 1);
  if (c1 < c0 || r1 < r0)
    return {};
  return {c0, r0, c1 - c0 + 1, r1 - r0 + 1};
}

// One lid line in eye coordinates (u across the eye, v toward the brow), sorted by u.
struct LidLine {
  std::array<double, 4> u{};
  std::array<double, 4> v{};

  LidLine(const std::array<cv::Point2f, 4>& pts, cv::Point2d origin, cv::Point2d u_axis,
          cv::Point2d v_axis) {
    std::array<std::pair<double, double>, 4> uv;
    for (std::size_t i = 0; i < 4; ++i) {
      const cv::Point2d d(pts[i].x - origin.x, pts[i].y - origin.y);
      uv[i] = {d.dot(u_axis), d.dot(v_axis)};
    }
    std::sort(uv.begin(), uv.end());
    for (std::size_t i = 0; i < 4; ++i) {
      u[i] = uv[i].first;
      v[i] = uv[i].second;
    }
  }
  // Height of the line at u (piecewise linear; clamped to the corners outside).
  double at(double x) const {
    if (x <= u[0])
      return v[0];
    for (std::size_t i = 1; i < 4; ++i) {
      if (x <= u[i]) {
        const double span = u[i] - u[i - 1];
        return span > 1e-9 ? v[i - 1] + (v[i] - v[i - 1]) * (x - u[i - 1]) / span : v[i];
      }
    }
    return v[3];
  }
  // How much of the lid shift applies at u: 0 at the corners, rising smoothly to 1 at the two lid
  // landmarks and 1 between them.
  double profile(double x) const {
    if (x <= u[0] || x >= u[3])
      return 0.0;
    if (x < u[1])
      return u[1] - u[0] > 1e-9 ? smoothstep((x - u[0]) / (u[1] - u[0])) : 1.0;
    if (x <= u[2])
      return 1.0;
    return u[3] - u[2] > 1e-9 ? smoothstep((u[3] - x) / (u[3] - u[2])) : 1.0;
  }
};

// `up` normalised (straight up when it is zero).
cv::Point2d unit_up(cv::Point2f up) {
  const double n = std::hypot(up.x, up.y);
  return n > 0.0 ? cv::Point2d(up.x / n, up.y / n) : cv::Point2d(0.0, -1.0);
}

// Adds a 1-D backward shift along geo.v_axis (geo.offset of the canvas point minus geo.origin) to
// backward maps that already hold the similarity's inverse, over the output pixels of `box`.
template <class Geometry>
void add_shift_along_axis(const Geometry& geo, const cv::Rect& box, const Affine& a, cv::Mat& map_x,
                          cv::Mat& map_y) {
  for (int r = box.y; r < box.y + box.height; ++r) {
    auto* mx = map_x.ptr<float>(r);
    auto* my = map_y.ptr<float>(r);
    for (int c = box.x; c < box.x + box.width; ++c) {
      const cv::Point2d d(a.a00 * c + a.a01 * r + a.b0 - geo.origin.x,
                          a.a10 * c + a.a11 * r + a.b1 - geo.origin.y);
      const double off = geo.offset(d);
      if (off == 0.0)
        continue;
      mx[c] += static_cast<float>(off * geo.v_axis.x);
      my[c] += static_cast<float>(off * geo.v_axis.y);
    }
  }
}

// One eye's closure, prepared: g(v) - v, the backward shift along `up` at a canvas point.
struct LidGeometry {
  cv::Point2d origin{0.0, 0.0};
  cv::Point2d u_axis{1.0, 0.0};
  cv::Point2d v_axis{0.0, -1.0};
  LidLine upper;
  LidLine lower;
  double du = 0.0, dl = 0.0;
  double reach_up = 0.0, reach_down = 0.0;
  double u_min = 0.0, u_max = 0.0;

  static cv::Point2d centre(const LidClosure& lid) {
    cv::Point2d o(0.0, 0.0);
    for (const auto& p : lid.upper)
      o += cv::Point2d(p.x, p.y) * 0.125;
    for (const auto& p : lid.lower)
      o += cv::Point2d(p.x, p.y) * 0.125;
    return o;
  }

  explicit LidGeometry(const LidClosure& lid)
      : origin(centre(lid)),
        u_axis(-unit_up(lid.up).y, unit_up(lid.up).x),
        v_axis(unit_up(lid.up)),
        upper(lid.upper, origin, u_axis, v_axis),
        lower(lid.lower, origin, u_axis, v_axis),
        du(std::max(0.0f, lid.upper_shift)),
        dl(std::max(0.0f, lid.lower_shift)),
        // The fades must be long enough to stay monotone (smoothstep's slope peaks at 1.5).
        reach_up(std::max<double>(lid.reach_above, 2.0 * du)),
        reach_down(std::max<double>(lid.reach_below, 2.0 * dl)),
        u_min(std::min(upper.u[0], lower.u[0])),
        u_max(std::max(upper.u[3], lower.u[3])) {}

  bool active() const { return du > 0.0 || dl > 0.0; }

  // `d` is the canvas point minus origin.
  double offset(cv::Point2d d) const {
    const double u = d.dot(u_axis);
    if (u <= u_min || u >= u_max)
      return 0.0;
    const double v = d.dot(v_axis);
    const double vu = upper.at(u);
    const double vl = lower.at(u);
    const double gap = vu - vl;
    if (gap <= 0.0)
      return 0.0;
    const double top = vu + reach_up;
    const double bottom = vl - reach_down;
    if (v >= top || v <= bottom)
      return 0.0;
    double su = du * upper.profile(u);
    double sl = dl * lower.profile(u);
    if (su + sl <= 0.0)
      return 0.0;
    if (su + sl > 0.95 * gap) {  // never let the lids meet or cross
      const double k = 0.95 * gap / (su + sl);
      su *= k;
      sl *= k;
    }
    const double new_u = vu - su;
    const double new_l = vl + sl;
    if (v >= new_u)
      return su * smoothstep((top - v) / (top - new_u));
    if (v > new_l)
      return vl + (v - new_l) * gap / (new_u - new_l) - v;
    return -sl * smoothstep((v - bottom) / (new_l - bottom));
  }
};

// Adds one eye's closure to backward maps that already hold the similarity's inverse (and possibly
// other local displacements): source += (g(v) - v) * up.
void add_lid_closure(cv::Size size, const LidClosure& lid, const Affine& a,
                     const Similarity& motion, cv::Mat& map_x, cv::Mat& map_y) {
  const LidGeometry geo(lid);
  if (!geo.active())
    return;
  std::vector<cv::Point2d> hull;
  for (const auto& line : {lid.upper, lid.lower}) {
    for (const auto& p : line) {
      hull.push_back(cv::Point2d(p.x, p.y) + geo.v_axis * geo.reach_up);
      hull.push_back(cv::Point2d(p.x, p.y) - geo.v_axis * geo.reach_down);
    }
  }
  add_shift_along_axis(geo, output_box(hull, motion, size), a, map_x, map_y);
}

// One mouth opening, prepared: the backward shift along `up` at a canvas point (see MouthOpening).
// In slit coordinates w (height above the slit line at u): the band |w| <= h is stretched to
// [-h - sl, h + su], the skin above follows the upper lip's rise su with a fade, the skin below moves
// down rigidly by sl down to the chin and then fades out. su, sl scale with the lid-style profile
// along the slit (0 at the inner corners). Every piece is monotone in w, so the map cannot fold.
struct MouthGeometry {
  cv::Point2d origin{0.0, 0.0};
  cv::Point2d u_axis{1.0, 0.0};
  cv::Point2d v_axis{0.0, -1.0};
  LidLine slit;
  double h = 1.0, du = 0.0, dl = 0.0, depth = 1.0, reach_up = 0.0, reach_down = 0.0;

  static cv::Point2d centre(const MouthOpening& m) {
    cv::Point2d o(0.0, 0.0);
    for (const auto& p : m.slit)
      o += cv::Point2d(p.x, p.y) * 0.25;
    return o;
  }

  explicit MouthGeometry(const MouthOpening& m)
      : origin(centre(m)),
        u_axis(-unit_up(m.up).y, unit_up(m.up).x),
        v_axis(unit_up(m.up)),
        slit(m.slit, origin, u_axis, v_axis),
        h(std::max(0.5, static_cast<double>(m.half_gap))),
        du(std::max(0.0f, m.upper_shift)),
        dl(std::max(0.0f, m.lower_shift)),
        depth(std::max<double>(m.jaw_depth, h)),
        reach_up(std::max<double>(m.reach_above, 2.0 * du)),
        reach_down(std::max<double>(m.reach_below, 2.0 * dl)) {}

  bool active() const { return du > 0.0 || dl > 0.0; }
  // Extent of the affected area above and below the slit line (output pixels).
  double extent_above() const { return h + du + reach_up; }
  double extent_below() const { return depth + dl + reach_down; }

  // `d` is the canvas point minus origin.
  double offset(cv::Point2d d) const {
    const double u = d.dot(u_axis);
    if (u <= slit.u[0] || u >= slit.u[3])
      return 0.0;
    const double p = slit.profile(u);
    const double su = du * p;
    const double sl = dl * p;
    if (su + sl <= 0.0)
      return 0.0;
    const double w = d.dot(v_axis) - slit.at(u);
    const double band_top = h + su;
    const double band_bottom = -h - sl;
    if (w >= band_top) {
      const double top = h + reach_up;
      if (w >= top || top <= band_top)
        return 0.0;
      return -su * smoothstep((top - w) / (top - band_top));
    }
    if (w > band_bottom)
      return -h + (w - band_bottom) * (2.0 * h) / (band_top - band_bottom) - w;
    const double rigid_end = -depth - sl;
    if (w >= rigid_end)
      return sl;
    const double bottom = -depth - reach_down;
    if (w <= bottom || rigid_end <= bottom)
      return 0.0;
    return sl * smoothstep((w - bottom) / (rigid_end - bottom));
  }
};

// Adds one mouth opening to backward maps holding the similarity's inverse (like add_lid_closure).
void add_mouth_opening(cv::Size size, const MouthOpening& mouth, const Affine& a,
                       const Similarity& motion, cv::Mat& map_x, cv::Mat& map_y) {
  const MouthGeometry geo(mouth);
  if (!geo.active())
    return;
  std::vector<cv::Point2d> hull;
  for (const auto& p : mouth.slit) {
    hull.push_back(cv::Point2d(p.x, p.y) + geo.v_axis * geo.extent_above());
    hull.push_back(cv::Point2d(p.x, p.y) - geo.v_axis * geo.extent_below());
  }
  add_shift_along_axis(geo, output_box(hull, motion, size), a, map_x, map_y);
}

}  // namespace

cv::Point2d Similarity::apply(cv::Point2d p) const {
  const double th = angle_deg * std::numbers::pi / 180.0;
  const double cs = std::cos(th) * scale;
  const double sn = std::sin(th) * scale;
  const double x = p.x - centre.x;
  const double y = p.y - centre.y;
  return {centre.x + translation.x + cs * x - sn * y, centre.y + translation.y + sn * x + cs * y};
}

cv::Point2d Similarity::invert(cv::Point2d p) const {
  const Affine a = inverse_affine(*this);
  return {a.a00 * p.x + a.a01 * p.y + a.b0, a.a10 * p.x + a.a11 * p.y + a.b1};
}

std::vector<cv::Point2f> solve_backward_weights(const std::vector<WarpControl>& controls_in) {
  const int k = static_cast<int>(controls_in.size());
  std::vector<WarpControl> controls;
  controls.reserve(controls_in.size());
  for (const auto& c : controls_in)
    controls.push_back(clamped(c));

  // Independent compensation (exact for a single control): b = d exp(|d|^2 / (2 s^2)).
  std::vector<cv::Point2f> independent(controls.size());
  double max_d = 0.0;
  for (std::size_t i = 0; i < controls.size(); ++i) {
    const auto& c = controls[i];
    const double d2 = c.displacement.dot(c.displacement);
    independent[i] =
        c.displacement * static_cast<float>(std::exp(d2 / (2.0 * c.radius * c.radius)));
    max_d = std::max(max_d, std::sqrt(d2));
  }
  if (k <= 1 || max_d == 0.0)
    return independent;

  // Coupled: sum_i b_i g_i(c_j + d_j) = d_j for every j.
  cv::Mat g(k, k, CV_64F);
  cv::Mat d(k, 2, CV_64F);
  for (int j = 0; j < k; ++j) {
    const auto& cj = controls[static_cast<std::size_t>(j)];
    const cv::Point2d target(cj.centre.x + cj.displacement.x, cj.centre.y + cj.displacement.y);
    for (int i = 0; i < k; ++i)
      g.at<double>(j, i) = gauss(target, controls[static_cast<std::size_t>(i)]);
    d.at<double>(j, 0) = cj.displacement.x;
    d.at<double>(j, 1) = cj.displacement.y;
  }
  cv::Mat b;
  if (!cv::solve(g, d, b, cv::DECOMP_SVD))
    return independent;
  std::vector<cv::Point2f> out(controls.size());
  for (int i = 0; i < k; ++i) {
    const double bx = b.at<double>(i, 0);
    const double by = b.at<double>(i, 1);
    // Ill-conditioned (nearly coincident controls pulling apart): fall back.
    if (!std::isfinite(bx) || !std::isfinite(by) || std::hypot(bx, by) > 4.0 * max_d)
      return independent;
    out[static_cast<std::size_t>(i)] = cv::Point2f(static_cast<float>(bx), static_cast<float>(by));
  }
  return out;
}

void build_warp_maps(cv::Size size, const LocalWarp& warp, const Similarity& motion, cv::Mat& map_x,
                     cv::Mat& map_y) {
  map_x.create(size, CV_32FC1);
  map_y.create(size, CV_32FC1);
  const Affine a = inverse_affine(motion);
  for (int r = 0; r < size.height; ++r) {
    auto* mx = map_x.ptr<float>(r);
    auto* my = map_y.ptr<float>(r);
    const double bx = a.a01 * r + a.b0;
    const double by = a.a11 * r + a.b1;
    for (int c = 0; c < size.width; ++c) {
      mx[c] = static_cast<float>(a.a00 * c + bx);
      my[c] = static_cast<float>(a.a10 * c + by);
    }
  }
  for (const auto& lid : warp.lids)
    add_lid_closure(size, lid, a, motion, map_x, map_y);
  for (const auto& mouth : warp.mouths)
    add_mouth_opening(size, mouth, a, motion, map_x, map_y);
  if (warp.controls.empty())
    return;

  std::vector<WarpControl> controls;
  controls.reserve(warp.controls.size());
  for (const auto& c : warp.controls)
    controls.push_back(clamped(c));
  const auto weights = solve_backward_weights(controls);

  for (std::size_t i = 0; i < controls.size(); ++i) {
    const auto& ctl = controls[i];
    const cv::Point2f w = weights[i];
    if (w.x == 0.0f && w.y == 0.0f)
      continue;
    const double reach = kWindowRadii * ctl.radius;
    // Bounding box, in output pixels, of the window around the control after the head motion.
    double x0 = std::numeric_limits<double>::max(), y0 = x0, x1 = -x0, y1 = -x0;
    for (int corner = 0; corner < 4; ++corner) {
      const cv::Point2d p(ctl.centre.x + ((corner & 1) ? reach : -reach),
                          ctl.centre.y + ((corner & 2) ? reach : -reach));
      const cv::Point2d q = motion.apply(p);
      x0 = std::min(x0, q.x);
      x1 = std::max(x1, q.x);
      y0 = std::min(y0, q.y);
      y1 = std::max(y1, q.y);
    }
    const int c0 = std::max(0, static_cast<int>(std::floor(x0)) - 1);
    const int c1 = std::min(size.width - 1, static_cast<int>(std::ceil(x1)) + 1);
    const int r0 = std::max(0, static_cast<int>(std::floor(y0)) - 1);
    const int r1 = std::min(size.height - 1, static_cast<int>(std::ceil(y1)) + 1);
    const double inv2s2 = 1.0 / (2.0 * ctl.radius * ctl.radius);
    const double reach2 = reach * reach;
    for (int r = r0; r <= r1; ++r) {
      auto* mx = map_x.ptr<float>(r);
      auto* my = map_y.ptr<float>(r);
      for (int c = c0; c <= c1; ++c) {
        // y = S^-1(x): the undeformed-image position this output pixel looks at.
        const double yx = a.a00 * c + a.a01 * r + a.b0 - ctl.centre.x;
        const double yy = a.a10 * c + a.a11 * r + a.b1 - ctl.centre.y;
        const double r2 = yx * yx + yy * yy;
        if (r2 >= reach2)
          continue;
        const double g = std::exp(-r2 * inv2s2);
        mx[c] -= static_cast<float>(w.x * g);
        my[c] -= static_cast<float>(w.y * g);
      }
    }
  }
}

void apply_warp(const cv::Mat& src, const cv::Mat& map_x, const cv::Mat& map_y, cv::Mat& dst,
                int interpolation) {
  cv::remap(src, dst, map_x, map_y, interpolation, cv::BORDER_REPLICATE);
}

cv::Point2d lid_closure_source(const LidClosure& lid, cv::Point2d p) {
  const LidGeometry geo(lid);
  if (!geo.active())
    return p;
  return p + geo.v_axis * geo.offset(p - geo.origin);
}

cv::Point2d mouth_opening_source(const MouthOpening& mouth, cv::Point2d p) {
  const MouthGeometry geo(mouth);
  if (!geo.active())
    return p;
  return p + geo.v_axis * geo.offset(p - geo.origin);
}

cv::Point2f forward_position(const std::vector<WarpControl>& controls_in, cv::Point2f p) {
  std::vector<WarpControl> controls;
  controls.reserve(controls_in.size());
  for (const auto& c : controls_in)
    controls.push_back(clamped(c));
  const auto weights = solve_backward_weights(controls);
  // Solve y - D(y) = p by y <- p + D(y) (a contraction while the warp is fold-free and smooth).
  cv::Point2d y(p.x, p.y);
  for (int it = 0; it < 100; ++it) {
    cv::Point2d dsum(0.0, 0.0);
    for (std::size_t i = 0; i < controls.size(); ++i) {
      const double g = gauss(y, controls[i]);
      dsum.x += weights[i].x * g;
      dsum.y += weights[i].y * g;
    }
    const cv::Point2d next(p.x + dsum.x, p.y + dsum.y);
    const double step = std::hypot(next.x - y.x, next.y - y.y);
    y = next;
    if (step < 1e-6)
      break;
  }
  return cv::Point2f(static_cast<float>(y.x), static_cast<float>(y.y));
}

double min_jacobian_determinant(const cv::Mat& map_x, const cv::Mat& map_y) {
  CV_Assert(map_x.type() == CV_32FC1 && map_y.type() == CV_32FC1 && map_x.size() == map_y.size());
  double best = std::numeric_limits<double>::infinity();
  for (int r = 1; r + 1 < map_x.rows; ++r) {
    const auto* xu = map_x.ptr<float>(r - 1);
    const auto* xm = map_x.ptr<float>(r);
    const auto* xd = map_x.ptr<float>(r + 1);
    const auto* yu = map_y.ptr<float>(r - 1);
    const auto* ym = map_y.ptr<float>(r);
    const auto* yd = map_y.ptr<float>(r + 1);
    for (int c = 1; c + 1 < map_x.cols; ++c) {
      const double dxdc = 0.5 * (static_cast<double>(xm[c + 1]) - xm[c - 1]);
      const double dxdr = 0.5 * (static_cast<double>(xd[c]) - xu[c]);
      const double dydc = 0.5 * (static_cast<double>(ym[c + 1]) - ym[c - 1]);
      const double dydr = 0.5 * (static_cast<double>(yd[c]) - yu[c]);
      best = std::min(best, dxdc * dydr - dxdr * dydc);
    }
  }
  return best;
}

}  // namespace ft
