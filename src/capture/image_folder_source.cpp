// image_folder_source.cpp: a folder of still images (png, jpg, jpeg, bmp, tif, tiff; any case)
// played as a video at a nominal frame rate: sorted by file name, frame i has t = i / fps. The
// first image is decoded at open to learn the frame size; an image that cannot be read later stops
// the stream with an error naming the file.
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "capture/capture_util.hpp"
#include "capture/frame_source.hpp"

namespace ft {
namespace {

using capture_detail::in_quotes;
using capture_detail::input_error;
using capture_detail::seconds_text;

constexpr std::array<const char*, 6> kImageExtensions = {".png", ".jpg", ".jpeg",
                                                         ".bmp", ".tif", ".tiff"};

bool is_image_file(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kImageExtensions.begin(), kImageExtensions.end(), ext) != kImageExtensions.end();
}

class ImageFolderSource final : public FrameSource {
 public:
  ImageFolderSource(std::filesystem::path dir, std::vector<std::filesystem::path> files, double fps,
                    cv::Mat first)
      : dir_(std::move(dir)), files_(std::move(files)), fps_(fps), first_(std::move(first)) {
    info_.description = "image folder " + dir_.string();
    info_.live = false;
    info_.nominal_fps = fps_;
    info_.width = first_.cols;
    info_.height = first_.rows;
    info_.frame_count = static_cast<std::int64_t>(files_.size());
    info_.duration_s = static_cast<double>(files_.size()) / fps_;
  }

  const SourceInfo& info() const override { return info_; }
  const Error& error() const override { return error_; }

  ReadStatus read(Frame& out) override {
    if (failed_)
      return ReadStatus::Failed;
    if (next_ >= files_.size())
      return ReadStatus::End;
    const auto& file = files_[next_];
    if (next_ == 0 && !first_.empty()) {
      out.image = first_;  // decoded at open
      first_.release();
    } else {
      out.image = cv::imread(file.string(), cv::IMREAD_COLOR);
    }
    const std::string where = " (frame " + std::to_string(next_) + " of " +
                              std::to_string(files_.size()) + " in " + in_quotes(dir_) + ")";
    if (out.image.empty()) {
      return fail("cannot read image " + in_quotes(file.filename()) + where +
                  ": the file is damaged or not an image; replace or remove it");
    }
    if (out.image.cols != info_.width || out.image.rows != info_.height) {
      return fail("image " + in_quotes(file.filename()) + where + " is " +
                  std::to_string(out.image.cols) + "x" + std::to_string(out.image.rows) +
                  " but the first image is " + std::to_string(info_.width) + "x" +
                  std::to_string(info_.height) +
                  ": all images of a folder must have the same size");
    }
    out.index = static_cast<std::int64_t>(next_);
    out.t = static_cast<double>(next_) / fps_;
    ++next_;
    last_capture_time_ = std::chrono::steady_clock::now();
    return ReadStatus::Frame;
  }

  bool seek(double t) override {
    if (!std::isfinite(t))
      return false;
    const double frame = std::floor(std::max(t, 0.0) * fps_ + 1e-6);
    if (files_.empty())
      return false;
    // Past the end: the last image (the frame at or just before t).
    const double last = static_cast<double>(files_.size() - 1);
    next_ = static_cast<std::size_t>(std::min(frame, last));
    failed_ = false;
    error_ = {};
    return true;
  }

 private:
  ReadStatus fail(std::string message) {
    error_ = input_error(std::move(message));
    failed_ = true;
    return ReadStatus::Failed;
  }

  std::filesystem::path dir_;
  std::vector<std::filesystem::path> files_;
  double fps_;
  cv::Mat first_;
  SourceInfo info_;
  Error error_;
  std::size_t next_ = 0;
  bool failed_ = false;
};

}  // namespace

Result<std::unique_ptr<FrameSource>> open_image_folder(const std::filesystem::path& dir,
                                                       double fps) {
  if (!std::isfinite(fps) || fps <= 0.0) {
    return make_error(ErrorKind::BadArguments,
                      "the frame rate of an image folder must be a positive number (got " +
                          seconds_text(fps) + "); pass e.g. 30");
  }
  std::error_code ec;
  const auto status = std::filesystem::status(dir, ec);
  if (!std::filesystem::exists(status)) {
    return input_error("cannot open image folder " + in_quotes(dir) +
                       ": folder not found; check the path");
  }
  if (!std::filesystem::is_directory(status)) {
    return input_error(in_quotes(dir) +
                       " is not a folder: give a folder of images (png, jpg, bmp, tif), or pass "
                       "a video file as a video");
  }

  std::vector<std::filesystem::path> files;
  std::size_t others = 0;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    return input_error("cannot read image folder " + in_quotes(dir) + ": " + ec.message() +
                       "; check its permissions");
  }
  for (const std::filesystem::directory_iterator end; it != end; it.increment(ec)) {
    if (ec)
      break;
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec))
      continue;
    if (is_image_file(it->path())) {
      files.push_back(it->path());
    } else {
      ++others;
    }
  }
  if (ec) {
    return input_error("cannot read image folder " + in_quotes(dir) + ": " + ec.message() +
                       "; check its permissions");
  }
  if (files.empty()) {
    if (others == 0) {
      return input_error("image folder " + in_quotes(dir) +
                         " is empty: put the frames in it as png, jpg, bmp or tif images");
    }
    return input_error("image folder " + in_quotes(dir) +
                       " has no images (png, jpg, jpeg, bmp, tif, " + "tiff) among its " +
                       std::to_string(others) +
                       " files: put the frames in it as images, or pass a video file instead");
  }
  std::sort(files.begin(), files.end(),
            [](const std::filesystem::path& a, const std::filesystem::path& b) {
              return a.filename().string() < b.filename().string();
            });

  cv::Mat first = cv::imread(files.front().string(), cv::IMREAD_COLOR);
  if (first.empty()) {
    return input_error("cannot read image " + in_quotes(files.front()) +
                       ", the first of image folder " + in_quotes(dir) +
                       ": the file is damaged or not an image; replace or remove it");
  }
  return std::unique_ptr<FrameSource>(
      std::make_unique<ImageFolderSource>(dir, std::move(files), fps, std::move(first)));
}

}  // namespace ft
