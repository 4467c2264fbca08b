// ffmpeg_evidence.cpp: see ffmpeg_evidence.hpp.
#include "capture/ffmpeg_evidence.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstring>
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

void log_callback(void* avcl, int level, const char* fmt, va_list vl) {
  if (level <= AV_LOG_ERROR && avcl != nullptr) {
    const AVClass* cls = *static_cast<const AVClass* const*>(avcl);
    if (cls != nullptr && cls->class_name != nullptr && std::strcmp(cls->class_name, "SWScaler") == 0)
      ++t_converter_errors;
  }
  av_log_default_callback(avcl, level, fmt, vl);
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

std::optional<SizeChange> next_size_change(const std::filesystem::path& path, double t_s, int width, int height) {
  FormatPtr fc = open_format(path);
  if (!fc || avformat_find_stream_info(fc.get(), nullptr) < 0) return std::nullopt;
  const AVCodec* codec = nullptr;
  const int video = av_find_best_stream(fc.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (video < 0 || codec == nullptr) return std::nullopt;
  AVStream* st = fc->streams[video];
  CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx || avcodec_parameters_to_context(ctx.get(), st->codecpar) < 0 ||
      avcodec_open2(ctx.get(), codec, nullptr) < 0)
    return std::nullopt;
  const double tb = av_q2d(st->time_base);
  if (!(tb > 0.0)) return std::nullopt;
  const std::int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
  const auto pts_at = [&](double t) { return start + static_cast<std::int64_t>(std::floor(t / tb)); };
  av_seek_frame(fc.get(), video, pts_at(std::max(0.0, t_s - 1.0)), AVSEEK_FLAG_BACKWARD);
  const std::int64_t give_up = pts_at(t_s + 10.0);
  PacketPtr pkt(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  if (!pkt || !frame) return std::nullopt;
  std::optional<SizeChange> found;
  bool past = false;
  auto take = [&] {
    while (!found && avcodec_receive_frame(ctx.get(), frame.get()) >= 0) {
      const std::int64_t pts = frame->best_effort_timestamp;
      if (frame->width != width || frame->height != height) {
        found = SizeChange{frame->width, frame->height,
                           pts == AV_NOPTS_VALUE ? t_s : static_cast<double>(pts - start) * tb};
      } else if (pts != AV_NOPTS_VALUE && pts > give_up) {
        past = true;
      }
      av_frame_unref(frame.get());
    }
  };
  while (!found && !past && av_read_frame(fc.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == video) avcodec_send_packet(ctx.get(), pkt.get());
    av_packet_unref(pkt.get());
    take();
  }
  if (!found && !past) {
    avcodec_send_packet(ctx.get(), nullptr);
    take();
  }
  return found;
}

std::uint64_t converter_errors_in_this_thread() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(log_callback); });
  return t_converter_errors;
}

}  // namespace ft::capture_detail
