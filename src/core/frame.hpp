// frame.hpp: one decoded picture with its timestamp from the source.
// Every rate in facetwitch is computed from `t`, never from frame counts: live capture drops frames and
// files can have a variable frame rate.
#pragma once

#include <chrono>
#include <cstdint>

#include <opencv2/core.hpp>

namespace ft {

struct Frame {
  std::int64_t index = 0;  // 0-based position in the source (counts frames delivered, not dropped)
  double t = 0.0;          // seconds since the start of the source (file: presentation time)
  cv::Mat image;           // BGR, 8 bits per channel; shared (cv::Mat is reference counted)
  // Live sources: when the source delivered it (steady clock), for the capture-to-result latency.
  std::chrono::steady_clock::time_point captured{};
  // Video files: the decoder reported damage in this frame, or in one before it that it is predicted
  // from (until the next key frame); what it shows is the decoder's concealment, not the video. Not
  // measured (kQualityDamaged).
  bool damaged = false;
};

}  // namespace ft
