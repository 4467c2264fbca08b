// session_io_test.cpp: the session folder formats (frames.csv, episodes.csv, summary.json) written
// and read back, cut-off and malformed files, and output-folder errors. Everything happens in a
// temp folder.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "io/session.hpp"

namespace ft {
namespace {
namespace fs = std::filesystem;

// ---- helpers ------------------------------------------------------------------------------------

class SessionIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ =
        fs::temp_directory_path() / fmt::format("facetwitch_io_test_{}_{}", ::getpid(), counter++);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep))
    parts.push_back(part);
  if (!s.empty() && s.back() == sep)
    parts.emplace_back();
  return parts;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty())
    lines.pop_back();
  return lines;
}

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0)
      out += sep;
    out += parts[i];
  }
  return out;
}

std::string expected_frames_header() {
  std::string h =
      "frame,time_s,face_found,quality,yaw_deg,pitch_deg,roll_deg,iod_px,mouth_left_iod,"
      "mouth_right_iod,eye_left_iod,eye_right_iod,mouth_left_active,mouth_right_active,"
      "eye_left_active,eye_right_active,mouth_threshold_left_iod,mouth_threshold_right_iod,"
      "eye_threshold_left_iod,eye_threshold_right_iod,eye_aperture_left_iod,eye_aperture_right_iod,"
      "brow_height_left_iod,brow_height_right_iod,mouth_corner_left_x_iod,mouth_corner_left_y_iod,"
      "mouth_corner_right_x_iod,mouth_corner_right_y_iod,mouth_corner_height_diff_iod,"
      "asymmetry_index_iod,face_box_x,face_box_y,face_box_w,face_box_h";
  for (int i = 0; i < 68; ++i)
    h += fmt::format(",lm{}_x,lm{}_y", i, i);
  return h + ",mouth_opening_iod";
}

// A frame with a face; left and right values differ everywhere so a swap would show.
FrameRecord face_record(int i) {
  FrameRecord r;
  FaceMetrics& m = r.metrics;
  m.frame_index = i;
  m.t = i / 30.0;
  m.face_found = true;
  m.quality = (i % 2 == 0) ? kQualityOk : (kQualityPose | kQualityBlur);
  m.pose = HeadPose{true, 3.25 + i, -1.5, 0.75};
  m.iod_px = 120.5 + i;
  m.eye_aperture_iod = {0.21 + 0.001 * i, 0.19};
  m.brow_height_iod = {0.41, -0.39};
  m.mouth_corner.left = {0.48f, -0.95f};
  m.mouth_corner.right = {-0.52f, -0.97f};
  m.mouth_corner_height_diff_iod = 0.02;
  m.asymmetry_index_iod = 0.0312;
  m.mouth_opening_iod = 0.1234 + 0.001 * i;
  m.face_box_px = cv::Rect2f(100.5f, 80.25f, 240.0f, 260.75f);
  for (int k = 0; k < 68; ++k) {
    m.landmarks_px[k] = {100.0f + k * 3.17f + i, 50.0f + k * 1.93f - i};
  }
  r.signals.mouth.left = {true, 0.01234, 0.015, true};
  r.signals.mouth.right = {true, -0.00321, 0.016, false};
  r.signals.eye.left = {true, 0.00111, 0.011, false};
  r.signals.eye.right = {true, 0.02222, 0.012, true};
  return r;
}

// A frame without a face. Face-derived fields hold junk that must NOT be written.
FrameRecord no_face_record(int i) {
  FrameRecord r = face_record(i);
  r.metrics.face_found = false;
  r.metrics.quality = kQualityNoFace;
  for (Region g : kRegions) {
    for (Side s : kSides) {
      r.signals[g][s].valid = false;
      r.signals[g][s].active = false;
    }
  }
  return r;
}

Status write_frames(const fs::path& p, const std::vector<FrameRecord>& rows) {
  auto w = FramesCsvWriter::open(p);
  if (!w.ok())
    return w.error();
  for (const FrameRecord& r : rows) {
    if (Status s = (*w)->write(r); !s)
      return s;
  }
  return (*w)->close();
}

// Field of `column` in data row `row` (0-based) of a CSV text.
std::string field(const std::string& text, const std::string& column, std::size_t row) {
  const std::vector<std::string> lines = lines_of(text);
  const std::vector<std::string> header = split(lines.at(0), ',');
  const auto it = std::find(header.begin(), header.end(), column);
  if (it == header.end())
    return "<no such column>";
  return split(lines.at(row + 1), ',').at(static_cast<std::size_t>(it - header.begin()));
}

void expect_same_double(double got, double want, double tol, const std::string& what) {
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << what << " = " << got << ", expected NaN";
  } else {
    EXPECT_NEAR(got, want, tol) << what;
  }
}

void expect_same_face(const FrameRecord& got, const FrameRecord& want) {
  const FaceMetrics& g = got.metrics;
  const FaceMetrics& w = want.metrics;
  EXPECT_EQ(g.frame_index, w.frame_index);
  EXPECT_NEAR(g.t, w.t, 0.00005);
  EXPECT_TRUE(g.face_found);
  EXPECT_EQ(g.quality, w.quality);
  EXPECT_TRUE(g.pose.valid);
  EXPECT_NEAR(g.pose.yaw_deg, w.pose.yaw_deg, 0.005);
  EXPECT_NEAR(g.pose.pitch_deg, w.pose.pitch_deg, 0.005);
  EXPECT_NEAR(g.pose.roll_deg, w.pose.roll_deg, 0.005);
  EXPECT_NEAR(g.iod_px, w.iod_px, 0.005);
  constexpr double kIod = 0.0000051;
  for (Side s : kSides) {
    const std::string side(to_string(s));
    expect_same_double(g.eye_aperture_iod[s], w.eye_aperture_iod[s], kIod, "aperture " + side);
    expect_same_double(g.brow_height_iod[s], w.brow_height_iod[s], kIod, "brow " + side);
    EXPECT_NEAR(g.mouth_corner[s].x, w.mouth_corner[s].x, kIod) << side;
    EXPECT_NEAR(g.mouth_corner[s].y, w.mouth_corner[s].y, kIod) << side;
    for (Region r : kRegions) {
      const std::string what = std::string(to_string(r)) + " " + side;
      const SignalSample& gs = got.signals[r][s];
      const SignalSample& ws = want.signals[r][s];
      EXPECT_EQ(gs.valid, ws.valid) << what;
      expect_same_double(gs.value_iod, ws.valid ? ws.value_iod : kNaN, kIod, what);
      expect_same_double(gs.threshold_iod, ws.threshold_iod, kIod, what);
      EXPECT_EQ(gs.active, ws.active) << what;
    }
  }
  EXPECT_NEAR(g.mouth_corner_height_diff_iod, w.mouth_corner_height_diff_iod, kIod);
  EXPECT_NEAR(g.asymmetry_index_iod, w.asymmetry_index_iod, kIod);
  EXPECT_NEAR(g.mouth_opening_iod, w.mouth_opening_iod, kIod);
  EXPECT_NEAR(g.face_box_px.x, w.face_box_px.x, 0.005);
  EXPECT_NEAR(g.face_box_px.y, w.face_box_px.y, 0.005);
  EXPECT_NEAR(g.face_box_px.width, w.face_box_px.width, 0.005);
  EXPECT_NEAR(g.face_box_px.height, w.face_box_px.height, 0.005);
  for (int k = 0; k < 68; ++k) {
    // Exact to 2 decimals: within half a hundredth (plus float rounding).
    EXPECT_NEAR(g.landmarks_px[k].x, w.landmarks_px[k].x, 0.00501) << "lm" << k;
    EXPECT_NEAR(g.landmarks_px[k].y, w.landmarks_px[k].y, 0.00501) << "lm" << k;
  }
}

// ---- frames.csv ---------------------------------------------------------------------------------

TEST_F(SessionIoTest, FramesHeaderIsTheDocumentedOne) {
  const fs::path p = dir_ / "frames.csv";
  ASSERT_TRUE(write_frames(p, {}).ok());
  EXPECT_EQ(read_text(p), expected_frames_header() + "\n");
}

// Files written before mouth_opening_iod existed (0.2) still read, the opening as NaN; a file with
// the column reads it.
TEST_F(SessionIoTest, FramesWithoutTheMouthOpeningColumnStillRead) {
  const fs::path p = dir_ / "frames.csv";
  ASSERT_TRUE(write_frames(p, {face_record(4), face_record(5)}).ok());
  std::string text = read_text(p);
  auto with = read_frames_csv(p);
  ASSERT_TRUE(with.ok()) << with.error().message;
  EXPECT_NEAR(with->rows[1].metrics.mouth_opening_iod, 0.1284, 1e-5);
  // Drop the last column of every line.
  std::string old;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) old += line.substr(0, line.rfind(',')) + "\n";
  ASSERT_EQ(old.find("mouth_opening"), std::string::npos);
  {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << old;
  }
  auto got = read_frames_csv(p);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->rows.size(), 2u);
  EXPECT_TRUE(std::isnan(got->rows[0].metrics.mouth_opening_iod));
  EXPECT_NEAR(got->rows[1].metrics.asymmetry_index_iod, 0.0312, 1e-5);
  EXPECT_FLOAT_EQ(got->rows[1].metrics.landmarks_px[67].y, with->rows[1].metrics.landmarks_px[67].y);
}

TEST_F(SessionIoTest, FramesRoundTrip) {
  FrameRecord a = face_record(7);
  FrameRecord b = no_face_record(8);
  b.signals.mouth.left.threshold_iod = 0.0155;  // thresholds are kept through a gap
  FrameRecord c = face_record(9);
  c.metrics.eye_aperture_iod.right = kNaN;
  c.metrics.brow_height_iod.left = std::numeric_limits<double>::infinity();
  c.signals.eye.right.valid = false;
  c.signals.mouth.right.threshold_iod = kNaN;
  c.metrics.landmarks_px[67] = {1234.56f, 0.01f};
  const fs::path p = dir_ / "frames.csv";
  ASSERT_TRUE(write_frames(p, {a, b, c}).ok());

  const std::string text = read_text(p);
  EXPECT_EQ(text.find("nan"), std::string::npos) << text;
  EXPECT_EQ(text.find("inf"), std::string::npos);
  // Person sides land in the columns named after them (a writer+reader swap would not show
  // otherwise).
  EXPECT_EQ(field(text, "mouth_left_iod", 0), "0.01234");
  EXPECT_EQ(field(text, "mouth_right_iod", 0), "-0.00321");
  EXPECT_EQ(field(text, "eye_right_iod", 0), "0.02222");
  EXPECT_EQ(field(text, "mouth_left_active", 0), "1");
  EXPECT_EQ(field(text, "mouth_right_active", 0), "0");
  EXPECT_EQ(field(text, "mouth_corner_left_x_iod", 0), "0.48000");
  EXPECT_EQ(field(text, "mouth_corner_right_x_iod", 0), "-0.52000");
  EXPECT_EQ(field(text, "brow_height_right_iod", 0), "-0.39000");
  EXPECT_EQ(field(text, "time_s", 0), "0.2333");
  EXPECT_EQ(field(text, "yaw_deg", 0), "10.25");
  EXPECT_EQ(field(text, "quality", 0), "pose|blur");
  EXPECT_EQ(field(text, "lm0_x", 0), "107.00");
  EXPECT_EQ(field(text, "lm67_x", 2), "1234.56");
  EXPECT_EQ(field(text, "lm67_y", 2), "0.01");
  // No face: quality written, every face-derived column empty.
  EXPECT_EQ(field(text, "face_found", 1), "0");
  EXPECT_EQ(field(text, "quality", 1), "noface");
  for (const char* col :
       {"yaw_deg", "iod_px", "mouth_left_iod", "eye_aperture_left_iod", "mouth_corner_left_x_iod",
        "asymmetry_index_iod", "face_box_w", "lm0_x", "lm67_y"}) {
    EXPECT_EQ(field(text, col, 1), "") << col;
  }
  EXPECT_EQ(field(text, "mouth_threshold_left_iod", 1), "0.01550");
  EXPECT_EQ(field(text, "eye_aperture_right_iod", 2), "");
  EXPECT_EQ(field(text, "brow_height_left_iod", 2), "");

  auto got = read_frames_csv(p);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_FALSE(got->truncated);
  ASSERT_EQ(got->rows.size(), 3u);
  expect_same_face(got->rows[0], a);
  c.metrics.brow_height_iod.left = kNaN;  // infinity is written empty, read back NaN
  expect_same_face(got->rows[2], c);
  EXPECT_FLOAT_EQ(got->rows[2].metrics.landmarks_px[67].x, 1234.56f);

  const FrameRecord& g = got->rows[1];
  EXPECT_EQ(g.metrics.frame_index, 8);
  EXPECT_NEAR(g.metrics.t, 8 / 30.0, 0.00005);
  EXPECT_FALSE(g.metrics.face_found);
  EXPECT_EQ(g.metrics.quality, kQualityNoFace);
  EXPECT_FALSE(g.metrics.pose.valid);
  EXPECT_TRUE(std::isnan(g.metrics.iod_px));
  EXPECT_TRUE(std::isnan(g.metrics.mouth_corner_height_diff_iod));
  EXPECT_TRUE(std::isnan(g.metrics.eye_aperture_iod.left));
  EXPECT_TRUE(std::isnan(g.metrics.mouth_corner.left.x));
  EXPECT_FALSE(g.signals.mouth.left.valid);
  EXPECT_TRUE(std::isnan(g.signals.mouth.left.value_iod));
  EXPECT_NEAR(g.signals.mouth.left.threshold_iod, 0.0155, 1e-9);
  EXPECT_EQ(g.metrics.landmarks_px[10].x, 0.0f);
  EXPECT_EQ(g.metrics.face_box_px.width, 0.0f);
}

TEST_F(SessionIoTest, FramesRowsAreOnDiskBeforeClose) {
  const fs::path p = dir_ / "frames.csv";
  auto w = FramesCsvWriter::open(p);
  ASSERT_TRUE(w.ok()) << w.error().message;
  ASSERT_TRUE((*w)->write(face_record(0)).ok());
  ASSERT_TRUE((*w)->write(no_face_record(1)).ok());
  // Not closed: another reader must already see both complete rows.
  auto got = read_frames_csv(p);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->rows.size(), 2u);
  EXPECT_FALSE(got->truncated);
  EXPECT_TRUE((*w)->close().ok());
  EXPECT_TRUE((*w)->close().ok());  // twice is fine
  EXPECT_FALSE((*w)->write(face_record(2)).ok());
}

TEST_F(SessionIoTest, FramesCutOffLastLineIsSkipped) {
  const fs::path p = dir_ / "frames.csv";
  std::vector<FrameRecord> rows;
  for (int i = 0; i < 5; ++i)
    rows.push_back(face_record(i));
  ASSERT_TRUE(write_frames(p, rows).ok());
  const std::string full = read_text(p);

  auto whole = read_frames_csv(p);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->rows.size(), 5u);
  EXPECT_FALSE(whole->truncated);

  // Killed mid-line.
  const std::size_t last_start = full.rfind('\n', full.size() - 2) + 1;
  write_text(p, full.substr(0, last_start + (full.size() - last_start) / 2));
  auto cut = read_frames_csv(p);
  ASSERT_TRUE(cut.ok()) << cut.error().message;
  EXPECT_EQ(cut->rows.size(), 4u);
  EXPECT_TRUE(cut->truncated);
  EXPECT_EQ(cut->rows.back().metrics.frame_index, 3);

  // Every field there but the line end missing (the last digits may be gone too).
  write_text(p, full.substr(0, full.size() - 1));
  cut = read_frames_csv(p);
  ASSERT_TRUE(cut.ok()) << cut.error().message;
  EXPECT_EQ(cut->rows.size(), 4u);
  EXPECT_TRUE(cut->truncated);

  // A short last line that does end in a line end.
  write_text(p, full.substr(0, last_start + 40) + "\n");
  cut = read_frames_csv(p);
  ASSERT_TRUE(cut.ok()) << cut.error().message;
  EXPECT_EQ(cut->rows.size(), 4u);
  EXPECT_TRUE(cut->truncated);

  // Only the header survived.
  write_text(p, expected_frames_header() + "\n");
  cut = read_frames_csv(p);
  ASSERT_TRUE(cut.ok());
  EXPECT_TRUE(cut->rows.empty());
  EXPECT_FALSE(cut->truncated);
}

TEST_F(SessionIoTest, FramesMalformedMiddleRowIsAnError) {
  const fs::path p = dir_ / "frames.csv";
  std::vector<FrameRecord> rows;
  for (int i = 0; i < 4; ++i)
    rows.push_back(face_record(i));
  ASSERT_TRUE(write_frames(p, rows).ok());
  std::vector<std::string> lines = lines_of(read_text(p));

  // A field that is not a number, in data row 2 (file line 3).
  std::vector<std::string> bad = lines;
  std::vector<std::string> fields = split(bad[2], ',');
  fields[4] = "abc";  // yaw_deg
  bad[2] = join(fields, ',');
  write_text(p, join(bad, '\n') + "\n");
  auto got = read_frames_csv(p);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, ErrorKind::Input);
  EXPECT_NE(got.error().message.find("line 3"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("yaw_deg"), std::string::npos) << got.error().message;

  // A short row in the middle is damage, not a crash.
  bad = lines;
  bad[2] = bad[2].substr(0, bad[2].size() / 2);
  write_text(p, join(bad, '\n') + "\n");
  got = read_frames_csv(p);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, ErrorKind::Input);
  EXPECT_NE(got.error().message.find("line 3"), std::string::npos) << got.error().message;

  // Too many fields, even on the last line.
  bad = lines;
  bad.back() += ",1";
  write_text(p, join(bad, '\n') + "\n");
  got = read_frames_csv(p);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("line 5"), std::string::npos) << got.error().message;

  // face_found must be 0/1.
  bad = lines;
  fields = split(bad[1], ',');
  fields[2] = "yes";
  bad[1] = join(fields, ',');
  write_text(p, join(bad, '\n') + "\n");
  got = read_frames_csv(p);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("face_found"), std::string::npos) << got.error().message;
}

TEST_F(SessionIoTest, FramesMissingColumnIsAnError) {
  const fs::path p = dir_ / "frames.csv";
  ASSERT_TRUE(write_frames(p, {face_record(0), face_record(1)}).ok());
  std::vector<std::string> lines = lines_of(read_text(p));
  // Drop pitch_deg (column 5) from the header and every row.
  for (std::string& line : lines) {
    std::vector<std::string> f = split(line, ',');
    f.erase(f.begin() + 5);
    line = join(f, ',');
  }
  write_text(p, join(lines, '\n') + "\n");
  auto got = read_frames_csv(p);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, ErrorKind::Input);
  EXPECT_NE(got.error().message.find("pitch_deg"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find(p.string()), std::string::npos) << got.error().message;
}

TEST_F(SessionIoTest, FramesColumnsAreFoundByName) {
  const fs::path p = dir_ / "frames.csv";
  const FrameRecord a = face_record(3);
  ASSERT_TRUE(write_frames(p, {a, no_face_record(4)}).ok());
  std::vector<std::string> lines = lines_of(read_text(p));
  // Reverse the column order, add an unknown column, and use Windows line ends.
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::string> f = split(lines[i], ',');
    std::reverse(f.begin(), f.end());
    f.insert(f.begin() + 3, i == 0 ? "note" : "\"some, text\"");
    lines[i] = join(f, ',') + "\r";
  }
  write_text(p, join(lines, '\n') + "\n");
  auto got = read_frames_csv(p);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->rows.size(), 2u);
  expect_same_face(got->rows[0], a);
  EXPECT_FALSE(got->rows[1].metrics.face_found);
}

TEST_F(SessionIoTest, FramesReaderErrors) {
  auto missing = read_frames_csv(dir_ / "nope.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Input);
  EXPECT_NE(missing.error().message.find("nope.csv"), std::string::npos);

  write_text(dir_ / "empty.csv", "");
  auto empty = read_frames_csv(dir_ / "empty.csv");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, ErrorKind::Input);
}

// ---- episodes.csv -------------------------------------------------------------------------------

std::vector<Episode> sample_episodes() {
  Episode a;
  a.start_s = 1.25;
  a.end_s = 2.5;
  a.side = Laterality::Left;
  a.region = Region::Mouth;
  a.twitch_count = 3;
  a.frequency_hz = 2.4;
  a.peak_amplitude_iod = 0.0313;
  Episode b;
  b.start_s = 10.0;
  b.end_s = 10.1;
  b.side = Laterality::Right;
  b.region = Region::Eye;
  b.twitch_count = 1;
  b.frequency_hz = kNaN;
  b.peak_amplitude_iod = 0.0151;
  b.pattern = EpisodePattern::Tonic;
  b.longest_contraction_s = 1.5;
  b.median_contraction_s = 1.25;
  b.co_contraction = true;
  b.brow_change_iod = 0.021;
  b.brow_lift = true;
  Episode c;
  c.start_s = 20.5;
  c.end_s = 23.0;
  c.side = Laterality::Bilateral;
  c.region = Region::Mouth;
  c.twitch_count = 2;
  c.frequency_hz = 0.8;
  c.peak_amplitude_iod = 0.02;
  Episode d = a;
  d.start_s = 30.0;
  d.end_s = 31.0;
  d.twitch_count = 2;
  return {a, b, c, d};
}

Status write_episodes(const fs::path& p, const std::vector<Episode>& episodes) {
  auto w = EpisodesCsvWriter::open(p);
  if (!w.ok())
    return w.error();
  for (const Episode& e : episodes) {
    if (Status s = (*w)->write(e); !s)
      return s;
  }
  return (*w)->close();
}

void expect_same_episode(const Episode& g, const Episode& w) {
  EXPECT_NEAR(g.start_s, w.start_s, 0.00005);
  EXPECT_NEAR(g.end_s, w.end_s, 0.00005);
  EXPECT_EQ(g.side, w.side);
  EXPECT_EQ(g.region, w.region);
  EXPECT_EQ(g.twitch_count, w.twitch_count);
  expect_same_double(g.frequency_hz, w.frequency_hz, 0.00005, "frequency_hz");
  EXPECT_NEAR(g.peak_amplitude_iod, w.peak_amplitude_iod, 0.000005);
  EXPECT_EQ(g.pattern, w.pattern);
  expect_same_double(g.longest_contraction_s, w.longest_contraction_s, 0.00005, "longest_contraction_s");
  expect_same_double(g.median_contraction_s, w.median_contraction_s, 0.00005, "median_contraction_s");
  EXPECT_EQ(g.co_contraction, w.co_contraction);
  expect_same_double(g.brow_change_iod, w.brow_change_iod, 0.000005, "brow_change_iod");
  EXPECT_EQ(g.brow_lift, w.brow_lift);
}

TEST_F(SessionIoTest, EpisodesRoundTrip) {
  const fs::path p = dir_ / "episodes.csv";
  const std::vector<Episode> eps = sample_episodes();
  ASSERT_TRUE(write_episodes(p, eps).ok());
  const std::string text = read_text(p);
  const std::vector<std::string> lines = lines_of(text);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0],
            "start_s,end_s,duration_s,side,region,twitch_count,frequency_hz,peak_amplitude_iod,"
            "peak_amplitude_mm,type,pattern,longest_contraction_s,median_contraction_s,co_contraction,"
            "brow_change_iod,brow_lift");
  // Unmeasured values are empty; brow_lift is empty for a mouth episode.
  EXPECT_EQ(lines[1], "1.2500,2.5000,1.2500,left,mouth,3,2.4000,0.03130,1.972,clonic,clonic,,,0,,");
  EXPECT_EQ(lines[2], "10.0000,10.1000,0.1000,right,eye,1,,0.01510,0.951,spasm,tonic,1.5000,1.2500,1,0.02100,1");
  EXPECT_EQ(field(text, "side", 2), "bilateral");

  auto got = read_episodes_csv(p);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), eps.size());
  for (std::size_t i = 0; i < eps.size(); ++i)
    expect_same_episode((*got)[i], eps[i]);

  // Cut off mid-line: the last episode is dropped, the rest kept.
  write_text(p, text.substr(0, text.size() - 7));
  got = read_episodes_csv(p);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->size(), eps.size() - 1);

  // A file from before the type columns (0.1) is still read, with their defaults.
  write_text(p, "start_s,end_s,duration_s,side,region,twitch_count,frequency_hz,peak_amplitude_iod,peak_amplitude_mm\n"
                "1.2500,2.5000,1.2500,left,mouth,3,2.4000,0.03130,1.972\n");
  got = read_episodes_csv(p);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].pattern, EpisodePattern::Clonic);
  EXPECT_TRUE(std::isnan((*got)[0].longest_contraction_s));
  EXPECT_FALSE((*got)[0].co_contraction);

  // An unknown pattern is an error naming the column.
  std::vector<std::string> bad_type = lines;
  bad_type[2] = "10.0000,10.1000,0.1000,right,eye,1,,0.01510,0.951,spasm,wobbly,1.5000,1.2500,1,0.02100,1";
  write_text(p, join(bad_type, '\n') + "\n");
  got = read_episodes_csv(p);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("pattern"), std::string::npos) << got.error().message;

  // An unknown side in the middle is an error naming the line.
  std::vector<std::string> bad = lines;
  bad[2] = "10.0000,10.1000,0.1000,up,eye,1,,0.01510,0.951,spasm,tonic,1.5000,1.2500,1,0.02100,1";
  write_text(p, join(bad, '\n') + "\n");
  got = read_episodes_csv(p);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, ErrorKind::Input);
  EXPECT_NE(got.error().message.find("line 3"), std::string::npos) << got.error().message;

  // A missing required column.
  write_text(p, "start_s,end_s,side,region,twitch_count,peak_amplitude_iod\n1,2,left,eye,1,0.1\n");
  got = read_episodes_csv(p);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("frequency_hz"), std::string::npos) << got.error().message;
}

// ---- summary.json -------------------------------------------------------------------------------

SessionSummary sample_summary() {
  SessionSummary s;
  s.video = "/videos/clip \"one\".mp4";
  s.source = "file";
  s.created_utc = "2026-11-21T10:00:00Z";
  s.facetwitch_version = "0.1.0";
  s.model_path = "/models/shape_predictor_68_face_landmarks.dat";
  s.width = 1280;
  s.height = 720;
  s.duration_s = 120.0;
  s.frames = 3600;
  s.frames_with_face = 3500;
  s.frames_good_quality = 3400;
  s.frames_dropped = 12;
  s.fps = 29.97;
  s.episodes = sample_episodes();
  s.blinks = {Blink{3.0, 3.2, 0.18}, Blink{7.5, 7.7, 0.2}};
  s.voluntary_movements = {VoluntaryMovement{40.0, 42.5, Region::Mouth}};
  s.isolated_twitches = {IsolatedTwitch{12.3, 12.2, 12.5, Laterality::Left, Region::Mouth, 0.031},
                         IsolatedTwitch{50.1, 50.0, 50.3, Laterality::Right, Region::Eye, 0.024},
                         IsolatedTwitch{61.0, 60.9, 61.2, Laterality::Left, Region::Mouth, 0.02}};
  // The person's left corner is higher at rest (the one value of the mouth-corner height difference).
  s.asymmetry.resting[0] = compare_resting_sides(AsymmetryMeasure::MouthCornerHeight, -0.4766, -0.5);
  s.asymmetry.index = 0.041;
  s.asymmetry.rest_frames = 3300;
  s.settings.threshold_k = 5.5;
  s.settings.eye_enabled = false;
  s.settings.merge_gap_s = 0.6;
  s.min_face_iod_px = 30.0;
  s.partial = true;
  s.partial_reason = "camera disconnected";
  return s;
}

TEST_F(SessionIoTest, SummaryRoundTrip) {
  const fs::path p = dir_ / "summary.json";
  const SessionSummary s = sample_summary();
  Status st = write_summary_json(p, s);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_FALSE(fs::exists(dir_ / "summary.json.tmp"));

  const nlohmann::json j = nlohmann::json::parse(read_text(p));
  EXPECT_EQ(j["video"], s.video);
  EXPECT_EQ(j["frames"], 3600);
  EXPECT_EQ(j["frames_with_face"], 3500);
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 120.0);
  EXPECT_DOUBLE_EQ(j["fps"].get<double>(), 29.97);
  ASSERT_EQ(j["episodes"].size(), 4u);
  EXPECT_TRUE(j["episodes"][1]["frequency_hz"].is_null());
  EXPECT_EQ(j["episodes"][1]["side"], "right");
  EXPECT_EQ(j["episodes"][1]["region"], "eye");
  EXPECT_EQ(j["episodes"][2]["side"], "bilateral");
  EXPECT_DOUBLE_EQ(j["episodes"][0]["frequency_hz"].get<double>(), 2.4);
  EXPECT_DOUBLE_EQ(j["episodes"][0]["duration_s"].get<double>(), 1.25);
  EXPECT_DOUBLE_EQ(j["episodes"][0]["peak_amplitude_mm"].get<double>(), 1.972);
  EXPECT_DOUBLE_EQ(j["asymmetry"]["mouth_corner_height_iod"].get<double>(), 0.0234);
  EXPECT_GT(j["asymmetry"]["mouth_corner_height_mm"].get<double>(), 0.0);
  EXPECT_NEAR(j["asymmetry"]["mouth_corner_height_mm"].get<double>(), 0.0234 * 63, 0.0005);
  EXPECT_DOUBLE_EQ(j["asymmetry"]["index"].get<double>(), 0.041);
  EXPECT_EQ(j["asymmetry"]["frames_used"], 3300);  // = rest_frames
  EXPECT_DOUBLE_EQ(j["asymmetry"]["regions"]["mouth_corner_height"]["diff"].get<double>(), 0.0234);
  EXPECT_EQ(j["blink_count"], 2);
  EXPECT_EQ(j["blinks"][1]["peak_closure_iod"], 0.2);
  EXPECT_EQ(j["voluntary_movements"][0]["region"], "mouth");
  EXPECT_EQ(j["assumed_iod_mm"], 63);
  EXPECT_EQ(j["units"]["iod"], "fraction of the inter-ocular distance (eye centre to eye centre)");
  EXPECT_EQ(j["units"]["mm"], "approximate, assuming an IOD of 63 mm");
  EXPECT_EQ(j["partial"], true);
  EXPECT_EQ(j["partial_reason"], "camera disconnected");
  EXPECT_EQ(j["width"], 1280);
  EXPECT_EQ(j["frames_dropped"], 12);
  // Counts per region and side: mouth-left has episodes a and d (3 + 2 twitches) over 2 minutes.
  EXPECT_EQ(j["counts"]["mouth"]["left"]["episodes"], 2);
  EXPECT_EQ(j["counts"]["mouth"]["left"]["twitches"], 5);
  EXPECT_DOUBLE_EQ(j["counts"]["mouth"]["left"]["twitches_per_min"].get<double>(), 2.5);
  EXPECT_EQ(j["counts"]["mouth"]["bilateral"]["twitches"], 2);
  EXPECT_EQ(j["counts"]["mouth"]["right"]["episodes"], 0);
  EXPECT_EQ(j["counts"]["eye"]["right"]["twitches"], 1);
  EXPECT_DOUBLE_EQ(j["counts"]["eye"]["right"]["twitches_per_min"].get<double>(), 0.5);
  EXPECT_EQ(j["counts"]["eye"]["left"]["episodes"], 0);
  // Isolated twitches: listed apart, counted per region and side, not in the episodes' twitches.
  ASSERT_EQ(j["isolated_twitches"].size(), 3u);
  EXPECT_DOUBLE_EQ(j["isolated_twitches"][1]["time_s"].get<double>(), 50.1);
  EXPECT_EQ(j["isolated_twitches"][1]["side"], "right");
  EXPECT_EQ(j["isolated_twitches"][1]["region"], "eye");
  EXPECT_DOUBLE_EQ(j["isolated_twitches"][0]["peak_amplitude_mm"].get<double>(), 1.953);
  EXPECT_EQ(j["counts"]["mouth"]["left"]["isolated_twitches"], 2);
  EXPECT_EQ(j["counts"]["mouth"]["right"]["isolated_twitches"], 0);
  EXPECT_EQ(j["counts"]["eye"]["right"]["isolated_twitches"], 1);
  EXPECT_EQ(j["counts"]["mouth"]["left"]["twitches"], 5);
  EXPECT_EQ(describe_isolated_twitches(s.isolated_twitches),
            "isolated twitches (single, not in an episode): 3 (mouth: left 2; eye: right 1)");
  EXPECT_EQ(describe_isolated_twitches({}), "isolated twitches (single, not in an episode): none");
  // Every setting, by name.
  const nlohmann::json& set = j["settings"];
  EXPECT_EQ(set.size(), 13u);
  EXPECT_DOUBLE_EQ(set["min_face_iod_px"].get<double>(), 30.0);
  EXPECT_EQ(set["mouth_enabled"], true);
  EXPECT_EQ(set["eye_enabled"], false);
  EXPECT_DOUBLE_EQ(set["threshold_k"].get<double>(), 5.5);
  const TwitchSettings defaults;
  EXPECT_DOUBLE_EQ(set["min_amplitude_iod"].get<double>(), defaults.min_amplitude_iod);
  EXPECT_DOUBLE_EQ(set["eye_min_amplitude_iod"].get<double>(), defaults.eye_min_amplitude_iod);
  EXPECT_DOUBLE_EQ(set["baseline_window_s"].get<double>(), defaults.baseline_window_s);
  EXPECT_DOUBLE_EQ(set["noise_window_s"].get<double>(), defaults.noise_window_s);
  EXPECT_DOUBLE_EQ(set["warmup_s"].get<double>(), defaults.warmup_s);
  EXPECT_DOUBLE_EQ(set["merge_gap_s"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(set["bilateral_ratio"].get<double>(), defaults.bilateral_ratio);
  EXPECT_DOUBLE_EQ(set["blink_sync_s"].get<double>(), defaults.blink_sync_s);
  EXPECT_DOUBLE_EQ(set["voluntary_rise_s"].get<double>(), defaults.voluntary_rise_s);
  for (const char* key : {"source", "created_utc", "facetwitch_version", "model_path", "height",
                          "frames_good_quality"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }

  auto got = read_summary_json(p);
  ASSERT_TRUE(got.ok()) << got.error().message;
  const SessionSummary& g = *got;
  EXPECT_EQ(g.video, s.video);
  EXPECT_EQ(g.source, s.source);
  EXPECT_EQ(g.created_utc, s.created_utc);
  EXPECT_EQ(g.facetwitch_version, s.facetwitch_version);
  EXPECT_EQ(g.model_path, s.model_path);
  EXPECT_EQ(g.width, 1280);
  EXPECT_EQ(g.height, 720);
  EXPECT_DOUBLE_EQ(g.duration_s, 120.0);
  EXPECT_EQ(g.frames, 3600);
  EXPECT_EQ(g.frames_with_face, 3500);
  EXPECT_EQ(g.frames_good_quality, 3400);
  EXPECT_EQ(g.frames_dropped, 12);
  EXPECT_DOUBLE_EQ(g.fps, 29.97);
  ASSERT_EQ(g.episodes.size(), s.episodes.size());
  for (std::size_t i = 0; i < s.episodes.size(); ++i)
    expect_same_episode(g.episodes[i], s.episodes[i]);
  ASSERT_EQ(g.blinks.size(), 2u);
  EXPECT_DOUBLE_EQ(g.blinks[1].start_s, 7.5);
  EXPECT_DOUBLE_EQ(g.blinks[1].end_s, 7.7);
  EXPECT_DOUBLE_EQ(g.blinks[1].peak_closure_iod, 0.2);
  ASSERT_EQ(g.voluntary_movements.size(), 1u);
  EXPECT_DOUBLE_EQ(g.voluntary_movements[0].end_s, 42.5);
  EXPECT_EQ(g.voluntary_movements[0].region, Region::Mouth);
  ASSERT_EQ(g.isolated_twitches.size(), 3u);
  EXPECT_DOUBLE_EQ(g.isolated_twitches[1].time_s, 50.1);
  EXPECT_DOUBLE_EQ(g.isolated_twitches[1].start_s, 50.0);
  EXPECT_DOUBLE_EQ(g.isolated_twitches[1].end_s, 50.3);
  EXPECT_EQ(g.isolated_twitches[1].side, Laterality::Right);
  EXPECT_EQ(g.isolated_twitches[1].region, Region::Eye);
  EXPECT_DOUBLE_EQ(g.isolated_twitches[1].peak_amplitude_iod, 0.024);
  EXPECT_DOUBLE_EQ(g.asymmetry.mouth_corner_height_iod(), 0.0234);
  EXPECT_DOUBLE_EQ(g.asymmetry.mouth_corner_height_iod(), s.asymmetry.mouth_corner_height_iod());
  EXPECT_DOUBLE_EQ(g.asymmetry.index, 0.041);
  EXPECT_EQ(g.asymmetry.rest_frames, 3300);
  EXPECT_DOUBLE_EQ(g.settings.threshold_k, 5.5);
  EXPECT_FALSE(g.settings.eye_enabled);
  EXPECT_TRUE(g.settings.mouth_enabled);
  EXPECT_DOUBLE_EQ(g.settings.merge_gap_s, 0.6);
  EXPECT_DOUBLE_EQ(g.min_face_iod_px, 30.0);
  EXPECT_TRUE(g.partial);
  EXPECT_EQ(g.partial_reason, "camera disconnected");
}

TEST_F(SessionIoTest, SummaryNaNIsNullAndSignIsKept) {
  SessionSummary s = sample_summary();
  s.asymmetry.resting[0] = compare_resting_sides(AsymmetryMeasure::MouthCornerHeight, -0.5123, -0.5);  // right higher
  s.asymmetry.index = kNaN;
  s.fps = kNaN;
  s.duration_s = 0.0;
  s.video = std::string(
      "bad\xff"
      "name.mp4");  // not UTF-8: must not throw
  const std::string text = summary_to_json_string(s);
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(text.find("nan"), std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_TRUE(j["asymmetry"]["index"].is_null());
  EXPECT_TRUE(j["fps"].is_null());
  EXPECT_DOUBLE_EQ(j["asymmetry"]["mouth_corner_height_iod"].get<double>(), -0.0123);
  EXPECT_LT(j["asymmetry"]["mouth_corner_height_mm"].get<double>(), 0.0);
  EXPECT_EQ(j["counts"]["mouth"]["left"]["twitches_per_min"], 0);  // zero duration

  const fs::path p = dir_ / "summary.json";
  ASSERT_TRUE(write_summary_json(p, s).ok());
  auto got = read_summary_json(p);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_TRUE(std::isnan(got->asymmetry.index));
  EXPECT_TRUE(std::isnan(got->fps));
  EXPECT_DOUBLE_EQ(got->asymmetry.mouth_corner_height_iod(), -0.0123);
  EXPECT_TRUE(std::isnan(got->episodes[1].frequency_hz));
}

TEST_F(SessionIoTest, SummaryReaderToleratesMissingFieldsAndRejectsBadJson) {
  const fs::path p = dir_ / "summary.json";
  write_text(p, "{}");
  auto got = read_summary_json(p);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->frames, 0);
  EXPECT_TRUE(got->episodes.empty());
  EXPECT_DOUBLE_EQ(got->settings.threshold_k, TwitchSettings{}.threshold_k);
  EXPECT_DOUBLE_EQ(got->min_face_iod_px, 40.0);  // older files: the limit they were made with

  write_text(p, R"({"frames": 10, "episodes": [{"start_s": 1, "side": "bilateral"}], "x": 1})");
  got = read_summary_json(p);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->frames, 10);
  ASSERT_EQ(got->episodes.size(), 1u);
  EXPECT_EQ(got->episodes[0].side, Laterality::Bilateral);
  EXPECT_DOUBLE_EQ(got->episodes[0].start_s, 1.0);

  write_text(p, R"({"frames": 10, "episodes": [)");
  got = read_summary_json(p);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, ErrorKind::Input);
  EXPECT_NE(got.error().message.find(p.string()), std::string::npos) << got.error().message;

  write_text(p, R"({"frames": "many"})");
  got = read_summary_json(p);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, ErrorKind::Input);
  EXPECT_NE(got.error().message.find("frames"), std::string::npos) << got.error().message;

  write_text(p, R"({"episodes": [{"side": "up"}]})");
  got = read_summary_json(p);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("episodes[0].side"), std::string::npos) << got.error().message;

  write_text(p, "[1, 2]");
  EXPECT_FALSE(read_summary_json(p).ok());

  got = read_summary_json(dir_ / "absent.json");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, ErrorKind::Input);
}

TEST_F(SessionIoTest, SummaryWriteIsAtomicAndReplacesTheOldFile) {
  const fs::path p = dir_ / "summary.json";
  SessionSummary s = sample_summary();
  ASSERT_TRUE(write_summary_json(p, s).ok());
  s.frames = 7200;
  ASSERT_TRUE(write_summary_json(p, s).ok());
  EXPECT_FALSE(fs::exists(dir_ / "summary.json.tmp"));
  auto got = read_summary_json(p);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->frames, 7200);
  EXPECT_EQ(read_text(p), summary_to_json_string(s));
  // Only summary.json in the folder: nothing left behind.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_))
    ++entries;
  EXPECT_EQ(entries, 1);
}

// ---- output errors ------------------------------------------------------------------------------

TEST_F(SessionIoTest, UnwritableLocationsGiveOutputErrors) {
  const fs::path file = dir_ / "a_file";
  write_text(file, "x");
  const fs::path under_file = file / "sub";

  auto frames = FramesCsvWriter::open(under_file / "frames.csv");
  ASSERT_FALSE(frames.ok());
  EXPECT_EQ(frames.error().kind, ErrorKind::Output);
  EXPECT_NE(frames.error().message.find("frames.csv"), std::string::npos);

  auto episodes = EpisodesCsvWriter::open(under_file / "episodes.csv");
  ASSERT_FALSE(episodes.ok());
  EXPECT_EQ(episodes.error().kind, ErrorKind::Output);

  Status s = write_summary_json(under_file / "summary.json", sample_summary());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Output);
  EXPECT_NE(s.error().message.find("summary.json"), std::string::npos);

  s = write_summary_json(dir_ / "missing_folder" / "summary.json", sample_summary());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Output);
}

TEST_F(SessionIoTest, DiskFullGivesOutputError) {
  if (!fs::exists("/dev/full"))
    GTEST_SKIP() << "no /dev/full";
  auto w = FramesCsvWriter::open("/dev/full");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().kind, ErrorKind::Output);
  EXPECT_NE(w.error().message.find("/dev/full"), std::string::npos) << w.error().message;
}

TEST_F(SessionIoTest, FileSizeLimitMidRunGivesOutputErrorNamingTheFile) {
  // A file-size limit makes writes past 8 KiB fail (EFBIG) like a full disk, after the header went
  // in.
  const fs::path p = dir_ / "frames.csv";
  auto w = FramesCsvWriter::open(p);
  ASSERT_TRUE(w.ok());
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto* old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 8192;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  Status s;
  int written = 0;
  for (; written < 100 && s.ok(); ++written)
    s = (*w)->write(face_record(written));
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(s.ok());
  EXPECT_LT(written, 100);
  EXPECT_EQ(s.error().kind, ErrorKind::Output);
  EXPECT_NE(s.error().message.find(p.string()), std::string::npos) << s.error().message;
}

TEST_F(SessionIoTest, PrepareOutputDir) {
  const fs::path fresh = dir_ / "a" / "b" / "session";
  Status s = prepare_output_dir(fresh, false);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(fs::is_directory(fresh));
  EXPECT_TRUE(prepare_output_dir(fresh, false).ok());  // exists but empty: fine

  write_text(fresh / "summary.json", "{}");
  write_text(fresh / "notes.txt", "mine");
  s = prepare_output_dir(fresh, false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Output);
  EXPECT_NE(s.error().message.find(fresh.string()), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("--force"), std::string::npos) << s.error().message;
  EXPECT_TRUE(fs::exists(fresh / "summary.json"));

  s = prepare_output_dir(fresh, true);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(fs::exists(fresh / "summary.json"));  // our stale file goes
  EXPECT_TRUE(fs::exists(fresh / "notes.txt"));      // the user's stays

  const fs::path file = dir_ / "plain_file";
  write_text(file, "x");
  s = prepare_output_dir(file, true);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Output);
  EXPECT_NE(s.error().message.find(file.string()), std::string::npos) << s.error().message;

  s = prepare_output_dir(file / "sub", false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Output);

  s = prepare_output_dir("", false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Output);
}

}  // namespace
}  // namespace ft
