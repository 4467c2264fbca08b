// twitch_analyser.cpp: four streams -> classified events -> episodes, blinks, voluntary movements.
#include "signal/twitch_analyser.hpp"

#include <algorithm>
#include <cmath>

namespace ft {

namespace {
int pidx(Region r, Side s) { return static_cast<int>(r) * 2 + static_cast<int>(s); }
double overlap(const TwitchEvent& a, const TwitchEvent& b) {
  return std::min(a.offset_s, b.offset_s) - std::max(a.onset_s, b.onset_s);
}
}  // namespace

bool frame_is_measurable(const FaceMetrics& m) { return m.face_found && m.quality == kQualityOk; }

TwitchAnalyser::TwitchAnalyser(const TwitchSettings& settings) : settings_(settings) {
  for (Region r : kRegions) {
    for (Side s : kSides) streams_.emplace_back(r, s, settings_);
  }
  for (Region r : kRegions) {
    for (Laterality l : {Laterality::Left, Laterality::Right, Laterality::Bilateral}) {
      builders_.emplace_back(r, l, settings_.merge_gap_s);
    }
  }
}

EpisodeBuilder& TwitchAnalyser::builder(Region r, Laterality l) {
  return builders_[static_cast<std::size_t>(static_cast<int>(r) * 3 + static_cast<int>(l))];
}

FrameSignals TwitchAnalyser::push(const FaceMetrics& m) {
  FrameSignals out;
  const bool valid = frame_is_measurable(m);
  last_t_ = m.t;
  for (Region r : kRegions) {
    for (Side s : kSides) {
      finished_.clear();
      const cv::Point2f p = m.mouth_corner[s];
      const double aperture = m.eye_aperture_iod[s];
      out[r][s] = stream(r, s).push(m.t, valid, p, aperture, finished_);
      for (auto& e : finished_) pending_[static_cast<std::size_t>(pidx(r, s))].push_back(std::move(e));
    }
    resolve(r, false);
  }
  return out;
}

void TwitchAnalyser::emit(const TwitchEvent& e, Laterality lat) {
  builder(e.region, lat).add(e, episodes_);
}

void TwitchAnalyser::resolve(Region r, bool final) {
  const double tol = r == Region::Eye ? settings_.blink_sync_s : 0.05;
  auto& pl = pending_[static_cast<std::size_t>(pidx(r, Side::Left))];
  auto& pr = pending_[static_cast<std::size_t>(pidx(r, Side::Right))];
  while (!pl.empty() || !pr.empty()) {
    // The earliest pending event.
    const bool left_first = !pl.empty() && (pr.empty() || pl.front().onset_s <= pr.front().onset_s);
    auto& mine = left_first ? pl : pr;
    auto& theirs = left_first ? pr : pl;
    const Side side = left_first ? Side::Left : Side::Right;
    const TwitchEvent e = mine.front();
    // Wait while the other side is in an event that may overlap this one.
    const StreamDetector& other = stream(r, other_side(side));
    if (!final && other.active() && other.active_onset_s() <= e.offset_s + tol) break;
    // The other side's pending event that overlaps most.
    auto best = theirs.end();
    double best_ov = -tol;
    for (auto it = theirs.begin(); it != theirs.end(); ++it) {
      const double ov = overlap(e, *it);
      if (ov >= best_ov) {
        best_ov = ov;
        best = it;
      }
    }
    mine.pop_front();
    if (best == theirs.end()) {
      // A fragment of a movement already classified as involving both sides?
      auto d = std::find_if(decided_.begin(), decided_.end(), [&](const Decided& x) {
        return x.region == r && e.onset_s <= x.end_s + tol && e.offset_s >= x.start_s - tol;
      });
      if (d == decided_.end()) {
        emit(e, laterality(side));
      } else if (d->kind == Kind::Bilateral) {
        emit(e, Laterality::Bilateral);
      } else if (d->kind == Kind::Voluntary) {
        voluntary_[d->index].end_s = std::max(voluntary_[d->index].end_s, e.offset_s);
      } else {
        blinks_[d->index].end_s = std::max(blinks_[d->index].end_s, e.offset_s);
      }
      continue;
    }
    const TwitchEvent o = *best;
    theirs.erase(best);
    const TwitchEvent& strong = e.peak_iod >= o.peak_iod ? e : o;
    const TwitchEvent& weak = e.peak_iod >= o.peak_iod ? o : e;
    const double ratio = strong.peak_iod > 0 ? weak.peak_iod / strong.peak_iod : 0.0;
    if (ratio < settings_.bilateral_ratio) {
      // The weaker side was dragged along by the stronger one.
      emit(strong, laterality(strong.side));
      continue;
    }
    const double start = std::min(e.onset_s, o.onset_s), end = std::max(e.offset_s, o.offset_s);
    auto remember = [&](Kind k) {
      const std::size_t index = k == Kind::Blink ? blinks_.size() - 1 : (k == Kind::Voluntary ? voluntary_.size() - 1 : 0);
      decided_.push_back({r, k, start, end, index});
      while (decided_.size() > 16) decided_.pop_front();
    };
    if (r == Region::Eye && std::abs(e.onset_s - o.onset_s) <= settings_.blink_sync_s) {
      blinks_.push_back({start, end, strong.peak_iod});
      remember(Kind::Blink);
      continue;
    }
    if (r == Region::Mouth && std::max(e.rise_s, o.rise_s) > settings_.voluntary_rise_s) {
      voluntary_.push_back({start, end, r});
      remember(Kind::Voluntary);
      continue;
    }
    TwitchEvent both = strong;
    both.onset_s = start;
    both.offset_s = end;
    emit(both, Laterality::Bilateral);
    remember(Kind::Bilateral);
  }
  // Close episodes that have been quiet for merge_gap_s, unless something in this region is still
  // undecided (a late event could still belong to them).
  const bool busy = !pl.empty() || !pr.empty() || stream(r, Side::Left).active() || stream(r, Side::Right).active();
  if (final) {
    for (Laterality l : {Laterality::Left, Laterality::Right, Laterality::Bilateral}) builder(r, l).flush(episodes_);
  } else if (!busy) {
    for (Laterality l : {Laterality::Left, Laterality::Right, Laterality::Bilateral}) builder(r, l).tick(last_t_, episodes_);
  }
}

void TwitchAnalyser::finish() {
  for (Region r : kRegions) {
    for (Side s : kSides) {
      finished_.clear();
      stream(r, s).flush(finished_);
      for (auto& e : finished_) pending_[static_cast<std::size_t>(pidx(r, s))].push_back(std::move(e));
    }
    resolve(r, true);
  }
}

std::vector<Episode> TwitchAnalyser::open_episodes() const {
  std::vector<Episode> out;
  for (const auto& b : builders_) {
    if (auto e = b.open_episode()) out.push_back(*e);
  }
  return out;
}

}  // namespace ft
