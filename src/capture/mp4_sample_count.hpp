// mp4_sample_count.hpp: the number of frames an MP4 (or QuickTime) file's index declares, read from its
// box tree before FFmpeg opens it. FFmpeg's MP4 demuxer allocates and fills an index entry for every
// declared sample before the first frame is decoded: a damaged 8.8 KB fragmented MP4 whose fragment
// header declares 33,882,117 samples (found by fuzz_video_file) made `facetwitch analyse` take seconds
// and hundreds of megabytes (11 s and 1.2 GB in the fuzzer's case) before it gave up. Every sample
// takes at least one byte of the file, so a count above the file's size is damage, seen at once.
// Used by the video file source (video_file_source.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace ft::capture_detail {

struct Mp4SampleCount {
  bool is_mp4 = false;          // the file starts with an MP4/QuickTime box (ftyp, moov, mdat, ...)
  std::uint64_t declared = 0;   // the largest count one index box declares for a track
  std::string where;            // that box: "stsz", "stz2", "stts" (sample tables) or "trun" (fragments)
};

// Walks the top-level boxes and, inside moov and moof, the sample tables (stsz, stz2, stts) and the
// fragments' runs (trun: their counts summed over the file). Reads only box headers and those small
// boxes; stops quietly at a box that does not fit (FFmpeg then says what it makes of the file).
Mp4SampleCount mp4_sample_count(const std::filesystem::path& path);

}  // namespace ft::capture_detail
