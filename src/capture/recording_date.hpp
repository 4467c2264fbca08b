// recording_date.hpp: when a video was recorded, for the session history: the container's own
// creation time (MP4/MOV 'mvhd', Matroska DateUTC; read by libavformat as the "creation_time" tag),
// else the file's modification time. Sessions are dated by it (summary.json "recorded_at",
// docs/OUTPUT.md), so a video made on 1 October and analysed on 5 December is listed under 1 October.
#pragma once

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

namespace ft {

// summary.json "recorded_at_source" values.
inline constexpr const char* kRecordedFromMetadata = "video metadata";
inline constexpr const char* kRecordedFromFileTime = "file time";
inline constexpr const char* kRecordedFromStart = "recording start";   // a live recording
inline constexpr const char* kRecordedFromAnalysis = "analysis time";  // nothing better known

struct RecordingDate {
  std::string utc;     // ISO 8601 UTC, "YYYY-MM-DDTHH:MM:SSZ"; "" when nothing is known
  std::string source;  // one of the kRecordedFrom* values; "" with an empty `utc`
};

// `t` as "YYYY-MM-DDTHH:MM:SSZ".
std::string iso_utc(std::time_t t);

// A creation_time tag as FFmpeg gives it ("2026-10-01T09:30:00.000000Z", "2026-10-01 09:30:00",
// with or without the Z, fractions dropped) -> "2026-10-01T09:30:00Z". nullopt when it does not parse
// or is before 1990 (cameras without a clock write 0, which is 1904 or 1970).
std::optional<std::string> normalise_creation_time(const std::string& tag);

// The container's creation time of `video` (nullopt when it has none, or the file cannot be read).
std::optional<std::string> video_creation_time(const std::filesystem::path& video);

// video_creation_time(), else the file's modification time, else nothing.
RecordingDate video_recording_date(const std::filesystem::path& video);

}  // namespace ft
