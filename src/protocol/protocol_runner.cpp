// protocol_runner.cpp: the step-by-step state of a guided protocol run.
#include "protocol/protocol_runner.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/measurements.hpp"
#include "protocol/protocol_score.hpp"

namespace ft {

std::string_view to_string(ProtocolRunner::Phase p) {
  switch (p) {
    case ProtocolRunner::Phase::Idle: return "idle";
    case ProtocolRunner::Phase::Prepare: return "prepare";
    case ProtocolRunner::Phase::Record: return "record";
    case ProtocolRunner::Phase::Review: return "review";
    case ProtocolRunner::Phase::Done: return "done";
    case ProtocolRunner::Phase::Cancelled: return "cancelled";
  }
  return "?";
}

ProtocolRunner::ProtocolRunner(Protocol protocol) : protocol_(std::move(protocol)) {
  timing_.protocol_file = protocol_.file;
}

const ProtocolStep* ProtocolRunner::current() const {
  return step_ < protocol_.steps.size() ? &protocol_.steps[step_] : nullptr;
}

void ProtocolRunner::start(double t) {
  step_ = 0;
  retakes_ = 0;
  timing_.steps.clear();
  last_t_ = t;
  last_index_ = -1;
  if (protocol_.steps.empty()) {
    phase_ = Phase::Done;
    return;
  }
  begin_prepare(t);
}

void ProtocolRunner::begin_prepare(double t) {
  phase_ = Phase::Prepare;
  phase_start_ = t;
  held_s_ = 0.0;
  waiting_for_.clear();
  take_frames_ = 0;
  take_usable_ = 0;
  review_reason_.clear();
}

void ProtocolRunner::update(double t, std::int64_t frame_index, bool face_found, std::uint32_t quality) {
  if (!running())
    return;
  if (frame_index == last_index_)
    return;  // the same frame again (the window redraws faster than the camera)
  const double dt = std::max(0.0, t - last_t_);
  last_t_ = t;
  last_index_ = frame_index;
  const std::uint32_t q = face_found ? quality : kQualityNoFace;
  const bool usable = (q & kProtocolUnusable) == 0;
  const ProtocolStep& step = protocol_.steps[step_];
  if (phase_ == Phase::Prepare) {
    // The countdown runs only while the picture is usable: a step never starts with the face out of view.
    if (usable) {
      waiting_for_.clear();
    } else {
      held_s_ += dt;
      waiting_for_ = protocol_quality_problem(q & kProtocolUnusable);
    }
    if (t - phase_start_ - held_s_ >= step.prepare_s) {
      // Boundaries are kept on the nominal times (not the first frame seen after them), so that a
      // window that sees only some frames does not drift step after step.
      phase_ = Phase::Record;
      phase_start_ = phase_start_ + held_s_ + step.prepare_s;
      take_frames_ = 0;
      take_usable_ = 0;
    } else {
      return;
    }
  }
  if (phase_ == Phase::Record) {
    if (t - phase_start_ >= step.duration_s) {
      take_end_ = phase_start_ + step.duration_s;
      finish_take();
      return;
    }
    if (take_frames_ == 0) {
      take_first_index_ = frame_index;
      take_first_t_ = t;
    }
    ++take_frames_;
    take_usable_ += usable ? 1 : 0;
  }
}

double ProtocolRunner::take_usable_fraction() const {
  return take_frames_ > 0 ? static_cast<double>(take_usable_) / static_cast<double>(take_frames_) : 0.0;
}

void ProtocolRunner::finish_take() {
  const double span = last_t_ - take_first_t_;
  const double fps = take_frames_ > 1 && span > 0.0 ? static_cast<double>(last_index_ - take_first_index_) / span : 0.0;
  if (take_frames_ == 0) {
    review_reason_ = "no frames arrived during the step";
  } else if (take_usable_fraction() < kMinUsableFraction) {
    review_reason_ = fmt::format("only {:.0f}% of the frames were usable (at least {:.0f}% needed)",
                                 take_usable_fraction() * 100.0, kMinUsableFraction * 100.0);
  } else if (fps < kMinStepFps) {
    review_reason_ = fmt::format("the frame rate was {:.1f} fps (at least {:.0f} needed)", fps, kMinStepFps);
  } else {
    review_reason_.clear();
  }
  if (!review_reason_.empty()) {
    phase_ = Phase::Review;
    return;
  }
  accept();
}

void ProtocolRunner::accept() {
  if (phase_ != Phase::Review && phase_ != Phase::Record)
    return;
  if (phase_ == Phase::Record)  // kept early: the take ends now
    take_end_ = std::max(phase_start_, last_t_);
  // In Record and Review, phase_start_ is where the take began.
  timing_.steps.push_back({protocol_.steps[step_].id, phase_start_, take_end_, retakes_});
  next_step(take_end_);
}

void ProtocolRunner::retake() {
  if (phase_ != Phase::Record && phase_ != Phase::Review)
    return;
  ++retakes_;
  begin_prepare(last_t_);
}

void ProtocolRunner::skip() {
  if (!running())
    return;
  next_step(last_t_);
}

void ProtocolRunner::next_step(double t) {
  ++step_;
  retakes_ = 0;
  if (step_ >= protocol_.steps.size()) {
    phase_ = Phase::Done;
    return;
  }
  begin_prepare(t);
}

void ProtocolRunner::cancel() {
  if (running())
    phase_ = Phase::Cancelled;
}

double ProtocolRunner::remaining_s() const {
  const ProtocolStep* s = current();
  if (!s)
    return 0.0;
  if (phase_ == Phase::Prepare)
    return std::max(0.0, s->prepare_s - (last_t_ - phase_start_ - held_s_));
  if (phase_ == Phase::Record)
    return std::max(0.0, s->duration_s - (last_t_ - phase_start_));
  return 0.0;
}

double ProtocolRunner::progress() const {
  const ProtocolStep* s = current();
  if (!s)
    return 0.0;
  const double total = phase_ == Phase::Prepare ? s->prepare_s : (phase_ == Phase::Record ? s->duration_s : 0.0);
  if (total <= 0.0)
    return phase_ == Phase::Review ? 1.0 : 0.0;
  return std::clamp(1.0 - remaining_s() / total, 0.0, 1.0);
}

}  // namespace ft
