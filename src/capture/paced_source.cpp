// paced_source.cpp: wraps a source and delivers each frame no earlier than its timestamp (divided
// by the speed) after the first one, on the steady clock: a file behaves like a camera. Used by
// tests and the demo as a stand-in camera; it can also simulate a camera that stops (fail_after_s)
// and play the file in a loop with timestamps that keep increasing.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "capture/capture_util.hpp"
#include "capture/frame_source.hpp"

namespace ft {
namespace {

using capture_detail::input_error;
using capture_detail::kTimeEpsilon;
using capture_detail::seconds_text;

class PacedSource final : public FrameSource {
 public:
  PacedSource(std::unique_ptr<FrameSource> inner, const PacedOptions& options)
      : inner_(std::move(inner)), options_(options) {
    if (!std::isfinite(options_.speed) || options_.speed <= 0.0)
      options_.speed = 1.0;
    info_ = inner_->info();
    info_.description = "paced " + info_.description;
    info_.live = true;
    if (options_.loop) {
      info_.frame_count = -1;
      info_.duration_s = -1.0;
    }
  }

  const SourceInfo& info() const override { return info_; }
  const Error& error() const override { return error_; }

  ReadStatus read(Frame& out) override {
    if (failed_)
      return ReadStatus::Failed;
    ReadStatus status = ReadStatus::End;
    for (int restarts = 0; restarts < 2; ++restarts) {
      status = inner_->read(out);
      if (status != ReadStatus::End || !options_.loop || frames_in_cycle_ == 0)
        break;
      // Loop: start the inner source again; its times continue after the last cycle's.
      if (!inner_->seek(0.0)) {
        return fail("cannot go back to the start of " + inner_->info().description +
                    " to play it in a loop");
      }
      offset_ += last_inner_t_ + frame_interval();
      frames_in_cycle_ = 0;
    }
    if (status == ReadStatus::Failed) {
      error_ = inner_->error();
      failed_ = true;
      return status;
    }
    if (status != ReadStatus::Frame)
      return status;

    if (frames_in_cycle_ == 0)
      first_inner_t_ = out.t;
    last_inner_t_ = out.t;
    ++frames_in_cycle_;
    const double t = out.t + offset_;

    if (!started_) {
      started_ = true;
      start_wall_ = std::chrono::steady_clock::now();
      start_t_ = t;
    }
    const auto due =
        start_wall_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>((t - start_t_) / options_.speed));
    std::this_thread::sleep_until(due);

    if (options_.fail_after_s >= 0.0 && t >= options_.fail_after_s - kTimeEpsilon) {
      return fail("source stopped sending frames at t=" + seconds_text(t) +
                  " s (simulated camera loss)");
    }
    out.t = t;
    out.index = delivered_++;
    last_capture_time_ = std::chrono::steady_clock::now();
    return ReadStatus::Frame;
  }

  // Seeks the inner source and restarts the clock: the next frame is delivered at once.
  bool seek(double t) override {
    if (!inner_->seek(t))
      return false;
    offset_ = 0.0;
    frames_in_cycle_ = 0;
    started_ = false;
    failed_ = false;
    error_ = {};
    return true;
  }

 private:
  // Interval between frames used to join the end of one loop cycle to the start of the next.
  double frame_interval() const {
    const double fps = inner_->info().nominal_fps;
    if (fps > 0.0)
      return 1.0 / fps;
    if (frames_in_cycle_ > 1) {
      return (last_inner_t_ - first_inner_t_) / static_cast<double>(frames_in_cycle_ - 1);
    }
    return 1.0 / 30.0;
  }

  ReadStatus fail(std::string message) {
    error_ = input_error(std::move(message));
    failed_ = true;
    return ReadStatus::Failed;
  }

  std::unique_ptr<FrameSource> inner_;
  PacedOptions options_;
  SourceInfo info_;
  Error error_;
  bool failed_ = false;
  bool started_ = false;
  std::chrono::steady_clock::time_point start_wall_{};
  double start_t_ = 0.0;
  double offset_ = 0.0;  // added to the inner times: the length of the cycles already played
  double first_inner_t_ = 0.0;
  double last_inner_t_ = 0.0;
  std::int64_t frames_in_cycle_ = 0;
  std::int64_t delivered_ = 0;
};

}  // namespace

std::unique_ptr<FrameSource> make_paced_source(std::unique_ptr<FrameSource> inner,
                                               const PacedOptions& options) {
  if (!inner)
    return nullptr;
  return std::make_unique<PacedSource>(std::move(inner), options);
}

}  // namespace ft
