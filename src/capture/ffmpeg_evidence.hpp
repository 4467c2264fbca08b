// ffmpeg_evidence.hpp: what FFmpeg knows about a video file that OpenCV's VideoCapture does not tell:
// how many of the file's bytes its packets account for (a damaged fragment header ends the stream
// early without an error, and shrinks the frame count OpenCV reports with it), the size of every key
// frame (a size change mid-stream, which OpenCV 4.6 with FFmpeg 5.1 turns into frozen, cropped or
// garbled pictures at the first size), and whether OpenCV's conversion of the frame just read failed
// (FFmpeg's only trace of a frozen picture is an error in its log). Used by the video file source
// (video_file_source.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

namespace ft::capture_detail {

// Every packet of every stream read once (no decoding).
struct PacketScan {
  bool ok = false;                 // the file could be opened and read by libavformat
  std::int64_t file_size = 0;      // bytes
  std::int64_t packet_bytes = 0;   // the sum of all packets' sizes, every stream
  std::int64_t last_byte = 0;      // one past the furthest packet's last byte (0: no positions known)
};

// The frame sizes of a video's key frames, decoded by libavcodec with every other packet skipped (the
// whole file is read once; 60 s of 640x480 H.264 in 0.15 s). A stream can only change its frame size at a key
// frame (a new sequence header), so this finds every size change: two recordings joined without
// re-encoding (ffmpeg's concat demuxer, -c copy) change size where the second starts. OpenCV 4.6 shows
// no such change for most sizes (the pictures come out cropped or garbled at the first size).
struct SizeChange {
  int width = 0, height = 0;  // the new size, as stored in the file (before any rotation)
  double t = 0.0;             // seconds from the first frame
};
struct KeyFrameScan {
  bool ok = false;                  // the video stream could be demuxed and its key frames decoded
  int width = 0, height = 0;        // the first key frame's size
  std::vector<SizeChange> changes;  // in time order: each key frame whose size differs from the one before
  std::vector<double> key_times;    // every key frame's time (seconds from the first frame), in order
};
// Both, from one read of the whole file (libavformat; only the key frames decoded).
struct FileScan {
  PacketScan packets;
  KeyFrameScan key_frames;
};
FileScan scan_file(const std::filesystem::path& path);

// Counts the errors FFmpeg's image converter (swscale) logs in the calling thread: OpenCV converts a
// frame in the thread that reads it, so a change across one read() means that frame is not a picture
// of the video (a mid-stream size change). Installs a log callback once; it forwards every message to
// FFmpeg's default one (what is printed does not change).
std::uint64_t converter_errors_in_this_thread();

// Counts the errors FFmpeg's video decoders log ("error while decoding MB 12 20, bytestream 5488",
// "cabac decode of qscale diff failed ..."): damaged frame data, which the decoder conceals (fills in
// from the neighbours and the frame before) and returns as if nothing happened. Process-wide: OpenCV's
// decoder runs in several threads (one frame each), so an error logged during one read() belongs to
// that frame or one of the next few it decodes ahead. The same log callback as above.
std::uint64_t decoder_errors();

}  // namespace ft::capture_detail
