// recording_date.cpp: see recording_date.hpp.
#include "capture/recording_date.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <system_error>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
}

#include "core/utc_time.hpp"

namespace ft {
namespace fs = std::filesystem;

std::string iso_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::string> normalise_creation_time(const std::string& tag) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char sep = 0;
  int used = 0;
  if (std::sscanf(tag.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &s, &used) != 7 ||
      (sep != 'T' && sep != ' '))
    return std::nullopt;
  // What may follow: fractions of a second, then Z (or nothing: FFmpeg's tags are UTC).
  std::size_t i = static_cast<std::size_t>(used);
  if (i < tag.size() && tag[i] == '.') {
    ++i;
    while (i < tag.size() && tag[i] >= '0' && tag[i] <= '9') ++i;
  }
  if (i < tag.size() && (tag[i] == 'Z' || tag[i] == 'z')) ++i;
  if (i != tag.size()) return std::nullopt;
  if (y < 1990 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    return std::nullopt;
  return iso_utc(utc_time(y, mo, d, h, mi, s));  // also normalises a leap second or 31 April
}

std::optional<std::string> video_creation_time(const fs::path& video) {
  std::error_code ec;
  if (!fs::is_regular_file(video, ec)) return std::nullopt;
  AVFormatContext* fc = nullptr;
  if (avformat_open_input(&fc, video.c_str(), nullptr, nullptr) < 0) return std::nullopt;
  std::optional<std::string> out;
  // The container's tag (MP4/MOV mvhd, Matroska DateUTC), else the first stream that has one.
  if (const AVDictionaryEntry* e = av_dict_get(fc->metadata, "creation_time", nullptr, 0)) {
    out = normalise_creation_time(e->value);
  }
  for (unsigned i = 0; !out && i < fc->nb_streams; ++i) {
    if (const AVDictionaryEntry* e = av_dict_get(fc->streams[i]->metadata, "creation_time", nullptr, 0))
      out = normalise_creation_time(e->value);
  }
  avformat_close_input(&fc);
  return out;
}

RecordingDate video_recording_date(const fs::path& video) {
  if (auto t = video_creation_time(video)) return {*t, kRecordedFromMetadata};
  struct stat st {};
  if (::stat(video.c_str(), &st) != 0) return {};
  return {iso_utc(st.st_mtime), kRecordedFromFileTime};
}

}  // namespace ft
