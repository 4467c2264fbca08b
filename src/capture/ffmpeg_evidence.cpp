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

PacketScan scan_packets(const std::filesystem::path& path) {
  PacketScan scan;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return scan;
  scan.file_size = static_cast<std::int64_t>(size);
  FormatPtr fc = open_format(path);
  if (!fc) return scan;
  PacketPtr pkt(av_packet_alloc());
  if (!pkt) return scan;
  while (av_read_frame(fc.get(), pkt.get()) >= 0) {
    scan.packet_bytes += pkt->size;
    if (pkt->pos >= 0) scan.last_byte = std::max<std::int64_t>(scan.last_byte, pkt->pos + pkt->size);
    av_packet_unref(pkt.get());
  }
  scan.ok = true;
  return scan;
}

KeyFrameScan scan_key_frames(const std::filesystem::path& path) {
  KeyFrameScan scan;
  FormatPtr fc = open_format(path);
  if (!fc || avformat_find_stream_info(fc.get(), nullptr) < 0) return scan;
  const AVCodec* codec = nullptr;
  const int video = av_find_best_stream(fc.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (video < 0 || codec == nullptr) return scan;
  // The other streams are not read. (Not AVDISCARD_NONKEY for the video: FFmpeg 5.1's MP4 demuxer then
  // gives the key packets of a B-frame stream the time of the frame after them.)
  for (unsigned i = 0; i < fc->nb_streams; ++i)
    if (static_cast<int>(i) != video) fc->streams[i]->discard = AVDISCARD_ALL;
  AVStream* st = fc->streams[video];
  CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx || avcodec_parameters_to_context(ctx.get(), st->codecpar) < 0) return scan;
  ctx->skip_frame = AVDISCARD_NONKEY;
  ctx->thread_count = 1;  // one frame out per key frame sent, no frame-thread delay
  if (avcodec_open2(ctx.get(), codec, nullptr) < 0) return scan;
  const double tb = av_q2d(st->time_base);
  if (!(tb > 0.0)) return scan;
  const std::int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
  // The key packets' times, in order (one frame comes out per key packet, in the same order).
  std::deque<std::int64_t> key_pts;
  PacketPtr pkt(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  if (!pkt || !frame) return scan;
  int width = 0, height = 0;
  auto take = [&] {
    while (avcodec_receive_frame(ctx.get(), frame.get()) >= 0) {
      std::int64_t pts = frame->best_effort_timestamp;
      if (!key_pts.empty()) {
        pts = key_pts.front();
        key_pts.pop_front();
      }
      scan.key_times.push_back(pts == AV_NOPTS_VALUE ? 0.0 : static_cast<double>(pts - start) * tb);
      if (width == 0) {
        scan.width = width = frame->width;
        scan.height = height = frame->height;
      } else if (frame->width != width || frame->height != height) {
        width = frame->width;
        height = frame->height;
        scan.changes.push_back(SizeChange{width, height, scan.key_times.back()});
      }
      av_frame_unref(frame.get());
    }
  };
  while (av_read_frame(fc.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == video && (pkt->flags & AV_PKT_FLAG_KEY) != 0 &&
        avcodec_send_packet(ctx.get(), pkt.get()) >= 0)
      key_pts.push_back(pkt->pts);
    av_packet_unref(pkt.get());
    take();
  }
  avcodec_send_packet(ctx.get(), nullptr);
  take();
  scan.ok = width > 0;
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
