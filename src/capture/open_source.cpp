// open_source.cpp: turns the input named on the command line or in the window into a frame source:
// "camera:N" or "/dev/videoN" is a camera, a directory is a folder of images, anything else a video
// file.
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "capture/capture_util.hpp"
#include "capture/frame_source.hpp"

namespace ft {

Result<std::unique_ptr<FrameSource>> open_source(const std::string& spec) {
  if (spec.empty()) {
    return capture_detail::input_error(
        "no input given: pass a video file, a folder of images, or camera:0 for the webcam");
  }
  const std::string camera_prefix = "camera:";
  if (spec.rfind(camera_prefix, 0) == 0)
    return open_camera(spec.substr(camera_prefix.size()));
  if (spec.rfind("/dev/video", 0) == 0)
    return open_camera(spec);

  const std::filesystem::path path(spec);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return open_image_folder(path);
  return open_video_file(path);
}

}  // namespace ft
