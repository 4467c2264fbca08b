// ffmpeg_evidence.cpp: see ffmpeg_evidence.hpp.
#include "capture/ffmpeg_evidence.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <system_error>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>
}

namespace ft::capture_detail {
namespace {

struct FormatCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;
struct CodecFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFree>;
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;

FormatPtr open_format(const std::filesystem::path& path) {
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0) return nullptr;
  return FormatPtr(raw);
}

thread_local std::uint64_t t_converter_errors = 0;
std::atomic<std::uint64_t> g_decoder_errors{0};

void log_callback(void* avcl, int level, const char* fmt, va_list vl) {
  if (level <= AV_LOG_ERROR && avcl != nullptr) {
    const AVClass* cls = *static_cast<const AVClass* const*>(avcl);
    if (cls != nullptr && cls->class_name != nullptr && std::strcmp(cls->class_name, "SWScaler") == 0)
      ++t_converter_errors;
    else if (cls != nullptr && (cls->get_category != nullptr ? cls->get_category(avcl) : cls->category) ==
                                   AV_CLASS_CATEGORY_DECODER)
      g_decoder_errors.fetch_add(1, std::memory_order_relaxed);
  }
  av_log_default_callback(avcl, level, fmt, vl);
}

void install_log_callback() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(log_callback); });
}

}  // namespace

namespace {

// The key-frame decoder of `fc`'s best video stream (every other frame skipped, one thread: one frame out
// per key frame sent), or null when the stream cannot be decoded.
CodecPtr open_key_frame_decoder(AVFormatContext* fc, int& video) {
  if (avformat_find_stream_info(fc, nullptr) < 0) return nullptr;
  const AVCodec* codec = nullptr;
  video = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (video < 0 || codec == nullptr || !(av_q2d(fc->streams[video]->time_base) > 0.0)) return nullptr;
  CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx || avcodec_parameters_to_context(ctx.get(), fc->streams[video]->codecpar) < 0) return nullptr;
  ctx->skip_frame = AVDISCARD_NONKEY;
  ctx->thread_count = 1;
  if (avcodec_open2(ctx.get(), codec, nullptr) < 0) return nullptr;
  return ctx;
}

}  // namespace

FileScan scan_file(const std::filesystem::path& path) {
  FileScan scan;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return scan;
  scan.packets.file_size = static_cast<std::int64_t>(size);
  FormatPtr fc = open_format(path);
  if (!fc) return scan;
  // Every stream's packets are read (their bytes are the packet evidence); only the video's key packets
  // are decoded. (Not AVDISCARD_NONKEY on the stream: FFmpeg 5.1's MP4 demuxer then gives the key
  // packets of a B-frame stream the time of the frame after them.)
  int video = -1;
  CodecPtr ctx = open_key_frame_decoder(fc.get(), video);
  const double tb = ctx ? av_q2d(fc->streams[video]->time_base) : 0.0;
  const std::int64_t start =
      ctx && fc->streams[video]->start_time != AV_NOPTS_VALUE ? fc->streams[video]->start_time : 0;
  // The key packets' times, in order (one frame comes out per key packet, in the same order).
  std::deque<std::int64_t> key_pts;
  PacketPtr pkt(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  if (!pkt || !frame) return scan;
  KeyFrameScan& keys = scan.key_frames;
  int width = 0, height = 0;
  auto take = [&] {
    while (avcodec_receive_frame(ctx.get(), frame.get()) >= 0) {
      std::int64_t pts = frame->best_effort_timestamp;
      if (!key_pts.empty()) {
        pts = key_pts.front();
        key_pts.pop_front();
      }
      keys.key_times.push_back(pts == AV_NOPTS_VALUE ? 0.0 : static_cast<double>(pts - start) * tb);
      if (width == 0) {
        keys.width = width = frame->width;
        keys.height = height = frame->height;
      } else if (frame->width != width || frame->height != height) {
        width = frame->width;
        height = frame->height;
        keys.changes.push_back(SizeChange{width, height, keys.key_times.back()});
      }
      av_frame_unref(frame.get());
    }
  };
  while (av_read_frame(fc.get(), pkt.get()) >= 0) {
    scan.packets.packet_bytes += pkt->size;
    if (pkt->pos >= 0) scan.packets.last_byte = std::max<std::int64_t>(scan.packets.last_byte, pkt->pos + pkt->size);
    if (ctx && pkt->stream_index == video && (pkt->flags & AV_PKT_FLAG_KEY) != 0 &&
        avcodec_send_packet(ctx.get(), pkt.get()) >= 0)
      key_pts.push_back(pkt->pts);
    av_packet_unref(pkt.get());
    if (ctx) take();
  }
  scan.packets.ok = true;
  if (ctx) {
    avcodec_send_packet(ctx.get(), nullptr);
    take();
  }
  keys.ok = width > 0;
  return scan;
}

std::uint64_t converter_errors_in_this_thread() {
  install_log_callback();
  return t_converter_errors;
}

std::uint64_t decoder_errors() {
  install_log_callback();
  return g_decoder_errors.load(std::memory_order_relaxed);
}

}  // namespace ft::capture_detail
