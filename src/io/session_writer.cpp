// session_writer.cpp: the output folder (prepare_output_dir) and the two streaming CSV writers,
// frames.csv (one row per analysed frame) and episodes.csv (one row per closed twitch episode).
// Every row is flushed to the OS as soon as it is written, so a killed process leaves complete
// rows.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "io/csv.hpp"
#include "io/session.hpp"
#include "io/session_format.hpp"

namespace ft {
namespace fs = std::filesystem;
namespace sf = session_format;

namespace {

Error output_error(std::string message) {
  return make_error(ErrorKind::Output, std::move(message));
}

// ": <system reason>" for the errno of the last failed call, or nothing when errno was not set.
std::string errno_reason(int err) {
  if (err == 0)
    return {};
  return ": " + std::generic_category().message(err);
}

// Opens `path` for writing (created or truncated; never through a link, never a non-regular file)
// and writes `header` (+ '\n').
Status open_csv(OutputFile& out, const fs::path& path, const std::string& header) {
  Result<OutputFile> f = OutputFile::create(path);
  if (!f.ok())
    return f.error();
  out = std::move(f).value();
  if (const int err = out.write_all(header); err != 0) {
    return output_error(fmt::format("cannot write to '{}'{} (is the disk full?)", path.string(),
                                    errno_reason(err)));
  }
  return {};
}

Status write_line(OutputFile& out, const fs::path& path, const std::string& line) {
  if (!out.is_open()) {
    return make_error(ErrorKind::Internal,
                      fmt::format("'{}' was written after it was closed", path.string()));
  }
  if (const int err = out.write_all(line); err != 0) {
    return output_error(fmt::format("cannot write to '{}'{} (is the disk full?)", path.string(),
                                    errno_reason(err)));
  }
  return {};
}

Status close_stream(OutputFile& out, const fs::path& path) {
  if (!out.is_open())
    return {};
  if (const int err = out.close(); err != 0) {
    return output_error(fmt::format("cannot finish writing '{}'{} (is the disk full?)",
                                    path.string(), errno_reason(err)));
  }
  return {};
}

std::string join_header(const auto& names) {
  std::string header;
  for (const auto& name : names) {
    if (!header.empty())
      header += ',';
    header += name;
  }
  header += '\n';
  return header;
}

}  // namespace

Result<OutputDirLock> OutputDirLock::acquire(const fs::path& dir) {
  if (dir.empty())
    return output_error("no output folder was given: pass --out <folder>");
  const std::string name = dir.string();
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (st.type() == fs::file_type::not_found) {
    fs::create_directories(dir, ec);
    if (ec && !fs::is_directory(dir)) {
      return output_error(fmt::format("cannot create output folder '{}': {}: choose another --out",
                                      name, ec.message()));
    }
  } else if (ec) {
    return output_error(fmt::format("cannot use output folder '{}': {}", name, ec.message()));
  } else if (st.type() != fs::file_type::directory) {
    return output_error(
        fmt::format("output folder '{}' exists but is not a folder: choose another --out", name));
  }
  OutputDirLock lock;
  lock.file_ = dir / kFileName;
  // The file may be removed by the run releasing it between our open() and flock(): then the lock
  // we got is on a file no longer in the folder, and we try again on the new one.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(lock.file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
      const int err = errno;
      return output_error(fmt::format("cannot lock output folder '{}': cannot create '{}'{}: "
                                      "choose another --out",
                                      name, lock.file_.string(), errno_reason(err)));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return output_error(fmt::format(
            "output folder '{}' is in use: another facetwitch run is writing there; wait for it "
            "to finish, or choose another --out",
            name));
      }
      return output_error(
          fmt::format("cannot lock output folder '{}'{}: choose another --out", name,
                      errno_reason(err)));
    }
    struct stat held {};
    struct stat now {};
    if (::fstat(fd, &held) == 0 && ::lstat(lock.file_.c_str(), &now) == 0 &&
        held.st_dev == now.st_dev && held.st_ino == now.st_ino) {
      lock.fd_ = fd;
      // The pid, for a person who finds the file (the lock itself is the flock).
      const std::string pid = fmt::format("{}\n", ::getpid());
      if (::ftruncate(fd, 0) == 0 && ::write(fd, pid.data(), pid.size()) < 0) {
        // informative only
      }
      return lock;
    }
    ::close(fd);
  }
  return output_error(fmt::format("cannot lock output folder '{}': its lock file keeps changing; "
                                  "another facetwitch run is probably writing there",
                                  name));
}

OutputDirLock::OutputDirLock(OutputDirLock&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), file_(std::move(o.file_)) {}

OutputDirLock& OutputDirLock::operator=(OutputDirLock&& o) noexcept {
  if (this != &o) {
    release();
    fd_ = std::exchange(o.fd_, -1);
    file_ = std::move(o.file_);
  }
  return *this;
}

OutputDirLock::~OutputDirLock() {
  release();
}

void OutputDirLock::release() {
  if (fd_ < 0)
    return;
  // Removed while still locked, so a run waiting on this file notices it is gone (see acquire).
  ::unlink(file_.c_str());
  ::close(fd_);
  fd_ = -1;
}

Status prepare_output_dir(const fs::path& dir, bool force) {
  if (dir.empty())
    return output_error("no output folder was given: pass --out <folder>");
  const std::string name = dir.string();
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec && st.type() != fs::file_type::not_found) {
    return output_error(fmt::format("cannot use output folder '{}': {}", name, ec.message()));
  }
  if (st.type() == fs::file_type::not_found) {
    fs::create_directories(dir, ec);
    if (ec) {
      return output_error(fmt::format("cannot create output folder '{}': {}: choose another --out",
                                      name, ec.message()));
    }
  } else if (st.type() != fs::file_type::directory) {
    return output_error(
        fmt::format("output folder '{}' exists but is not a folder: choose another --out", name));
  } else {
    fs::directory_iterator it(dir, ec);
    if (ec) {
      return output_error(fmt::format("cannot read output folder '{}': {}", name, ec.message()));
    }
    // The lock of this run (OutputDirLock) is not content.
    while (!ec && it != fs::directory_iterator() &&
           it->path().filename() == OutputDirLock::kFileName)
      it.increment(ec);
    if (ec) {
      return output_error(fmt::format("cannot read output folder '{}': {}", name, ec.message()));
    }
    if (it != fs::directory_iterator() && !force) {
      return output_error(fmt::format(
          "output folder '{}' already exists and is not empty: choose another --out, or pass "
          "--force to overwrite",
          name));
    }
    if (force) {
      // Our own files from an earlier run go (sf::kSessionFiles: also its protocol results and
      // report), so no file of the previous run is left beside the new ones. Nothing else in the
      // folder is touched.
      // A link or a non-regular file under one of our names is refused: removing it is not ours to
      // do, and writing through it would overwrite a file outside the folder.
      for (const char* file : sf::kSessionFiles) {
        if (Status s = check_replaceable_file(dir / file); !s)
          return s;
      }
      for (const char* file : sf::kSessionFiles) {
        // The file and the temporaries of write_file_atomically ("<file>.tmp...") that a killed
        // process left behind; only regular files (links are not followed).
        std::vector<fs::path> ours{dir / file};
        const std::string tmp_prefix = fs::path(atomic_temp_prefix(dir / file)).filename().string();
        for (fs::directory_iterator e(dir, ec), end; !ec && e != end; e.increment(ec)) {
          if (e->path().filename().string().rfind(tmp_prefix, 0) == 0)
            ours.push_back(e->path());
        }
        for (const fs::path& p : ours) {
          if (fs::is_regular_file(fs::symlink_status(p, ec))) {
            fs::remove(p, ec);
            if (ec) {
              return output_error(
                  fmt::format("cannot overwrite '{}': {}", p.string(), ec.message()));
            }
          }
        }
      }
    }
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return output_error(fmt::format("cannot write into output folder '{}'{}: choose another --out",
                                    name, errno_reason(errno)));
  }
  return {};
}

// ---- frames.csv ---------------------------------------------------------------------------------

Result<std::unique_ptr<FramesCsvWriter>> FramesCsvWriter::open(const fs::path& path) {
  try {
    auto writer = std::make_unique<FramesCsvWriter>();
    writer->path_ = path;
    writer->line_.reserve(2048);
    if (Status s = open_csv(writer->out_, path, join_header(sf::frames_columns())); !s) {
      return s.error();
    }
    return writer;
  } catch (const std::exception& e) {
    return output_error(fmt::format("cannot create '{}': {}", path.string(), e.what()));
  }
}

Status FramesCsvWriter::write(const FrameRecord& record) {
  try {
    const FaceMetrics& m = record.metrics;
    const FrameSignals& sig = record.signals;
    const bool face = m.face_found;
    std::string& l = line_;
    l.clear();
    // Every field is followed by ','; the last one becomes the line end.
    auto num = [&l](double v, int decimals) {
      csv::append_fixed(l, v, decimals);
      l += ',';
    };
    auto face_num = [&l, face](double v, int decimals) {
      if (face)
        csv::append_fixed(l, v, decimals);
      l += ',';
    };
    auto flag = [&l](bool b) {
      l += b ? '1' : '0';
      l += ',';
    };

    csv::append_int(l, m.frame_index);
    l += ',';
    num(m.t, sf::kTimeDecimals);
    flag(face);
    l += quality_to_string(m.quality);
    l += ',';
    const bool pose = face && m.pose.valid;
    for (double deg : {m.pose.yaw_deg, m.pose.pitch_deg, m.pose.roll_deg}) {
      if (pose)
        csv::append_fixed(l, deg, sf::kDegDecimals);
      l += ',';
    }
    face_num(m.iod_px, sf::kPxDecimals);
    // Signals: values (empty in gaps), active flags, thresholds. Order: mouth L, R, eye L, R.
    for (Region r : kRegions) {
      for (Side s : kSides) {
        const SignalSample& x = sig[r][s];
        if (face && x.valid)
          csv::append_fixed(l, x.value_iod, sf::kIodDecimals);
        l += ',';
      }
    }
    for (Region r : kRegions) {
      for (Side s : kSides)
        flag(sig[r][s].active);
    }
    for (Region r : kRegions) {
      for (Side s : kSides)
        num(sig[r][s].threshold_iod, sf::kIodDecimals);
    }
    for (Side s : kSides)
      face_num(m.eye_aperture_iod[s], sf::kIodDecimals);
    for (Side s : kSides)
      face_num(m.brow_height_iod[s], sf::kIodDecimals);
    for (Side s : kSides) {
      face_num(m.mouth_corner[s].x, sf::kIodDecimals);
      face_num(m.mouth_corner[s].y, sf::kIodDecimals);
    }
    face_num(m.mouth_corner_height_diff_iod, sf::kIodDecimals);
    face_num(m.asymmetry_index_iod, sf::kIodDecimals);
    face_num(m.face_box_px.x, sf::kPxDecimals);
    face_num(m.face_box_px.y, sf::kPxDecimals);
    face_num(m.face_box_px.width, sf::kPxDecimals);
    face_num(m.face_box_px.height, sf::kPxDecimals);
    for (const cv::Point2f& p : m.landmarks_px) {
      face_num(p.x, sf::kPxDecimals);
      face_num(p.y, sf::kPxDecimals);
    }
    face_num(m.mouth_opening_iod, sf::kIodDecimals);
    l.back() = '\n';
    return write_line(out_, path_, l);
  } catch (const std::exception& e) {
    return output_error(fmt::format("cannot write to '{}': {}", path_.string(), e.what()));
  }
}

Status FramesCsvWriter::close() {
  return close_stream(out_, path_);
}

// ---- episodes.csv -------------------------------------------------------------------------------

Result<std::unique_ptr<EpisodesCsvWriter>> EpisodesCsvWriter::open(const fs::path& path) {
  try {
    auto writer = std::make_unique<EpisodesCsvWriter>();
    writer->path_ = path;
    if (Status s = open_csv(writer->out_, path, join_header(sf::kEpisodesColumns)); !s) {
      return s.error();
    }
    return writer;
  } catch (const std::exception& e) {
    return output_error(fmt::format("cannot create '{}': {}", path.string(), e.what()));
  }
}

Status EpisodesCsvWriter::write(const Episode& e) {
  try {
    std::string l;
    l.reserve(128);
    csv::append_fixed(l, e.start_s, sf::kTimeDecimals);
    l += ',';
    csv::append_fixed(l, e.end_s, sf::kTimeDecimals);
    l += ',';
    csv::append_fixed(l, e.duration_s(), sf::kTimeDecimals);
    l += ',';
    l += to_string(e.side);
    l += ',';
    l += to_string(e.region);
    l += ',';
    csv::append_int(l, e.twitch_count);
    l += ',';
    csv::append_fixed(l, e.frequency_hz, sf::kHzDecimals);
    l += ',';
    csv::append_fixed(l, e.peak_amplitude_iod, sf::kIodDecimals);
    l += ',';
    csv::append_fixed(l, e.peak_amplitude_mm(), sf::kMmDecimals);
    l += ',';
    l += episode_type_name(e.region, e.pattern);
    l += ',';
    l += sf::pattern_name(e.pattern);
    l += ',';
    csv::append_fixed(l, e.longest_contraction_s, sf::kTimeDecimals);
    l += ',';
    csv::append_fixed(l, e.median_contraction_s, sf::kTimeDecimals);
    l += ',';
    csv::append_int(l, e.co_contraction ? 1 : 0);
    l += ',';
    csv::append_fixed(l, e.brow_change_iod, sf::kIodDecimals);
    l += ',';
    if (e.region == Region::Eye) csv::append_int(l, e.brow_lift ? 1 : 0);
    l += '\n';
    return write_line(out_, path_, l);
  } catch (const std::exception& ex) {
    return output_error(fmt::format("cannot write to '{}': {}", path_.string(), ex.what()));
  }
}

Status EpisodesCsvWriter::close() {
  return close_stream(out_, path_);
}

}  // namespace ft
