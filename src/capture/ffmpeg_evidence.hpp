// ffmpeg_evidence.hpp: what FFmpeg knows about a video file that OpenCV's VideoCapture does not tell:
// how many of the file's bytes its packets account for (a damaged fragment header ends the stream
// early without an error, and shrinks the frame count OpenCV reports with it), the size of the frame
// decoded at a given time, and whether OpenCV's conversion of the frame just read failed (OpenCV 4.6
// with FFmpeg 5.1 keeps returning the previous picture, frozen, when the frame size changes mid-stream;
// FFmpeg's only trace is an error in its log). Used by the video file source (video_file_source.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <utility>

namespace ft::capture_detail {

// Every packet of every stream read once (no decoding).
struct PacketScan {
  bool ok = false;                 // the file could be opened and read by libavformat
  std::int64_t file_size = 0;      // bytes
  std::int64_t packet_bytes = 0;   // the sum of all packets' sizes, every stream
  std::int64_t last_byte = 0;      // one past the furthest packet's last byte (0: no positions known)
};
PacketScan scan_packets(const std::filesystem::path& path);

// The first frame from about `t_s` on (seconds from the first frame; decoding starts at the key frame
// before it) whose size, as stored in the file (before any rotation), is not width x height: its size
// and time (seconds from the first frame). Looks at most 10 s past `t_s`; nothing when there is none.
struct SizeChange {
  int width = 0, height = 0;
  double t = 0.0;
};
std::optional<SizeChange> next_size_change(const std::filesystem::path& path, double t_s, int width, int height);

// Counts the errors FFmpeg's image converter (swscale) logs in the calling thread: OpenCV converts a
// frame in the thread that reads it, so a change across one read() means that frame is not a picture
// of the video (a mid-stream size change). Installs a log callback once; it forwards every message to
// FFmpeg's default one (what is printed does not change).
std::uint64_t converter_errors_in_this_thread();

}  // namespace ft::capture_detail
