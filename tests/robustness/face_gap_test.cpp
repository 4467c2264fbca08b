// face_gap_test.cpp: the face is missing, several, turned away, covered, badly lit or blurred for a
// while (issue 6, docs/ROBUSTNESS.md). In each case the measurement pauses (a gap in frames.csv with
// the reason in its quality column), the output says why, it resumes when the face is back, and no
// twitch is invented: the videos are of a still face, so any episode would be made up.
#include <cmath>

#include <gtest/gtest.h>

#include "io/session.hpp"
#include "robustness/robust_videos.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;
using testing::analyse;
using testing::count_quality;
using testing::derived_video;
using testing::fresh_dir;
using testing::still_face_video;

using testing::contains;

struct Analysed {
  testing::CommandResult run;
  SessionSummary summary;
  FramesCsvContents frames;
};

// Derives `name` from the 4 s still face with the ffmpeg filter `vf` and analyses it.
Analysed analyse_derived(const std::string& name, const std::vector<std::string>& ffmpeg_args) {
  Analysed a;
  const auto still = still_face_video();
  if (still.empty()) return a;
  const auto v = derived_video(name, still, ffmpeg_args);
  EXPECT_FALSE(v.empty());
  if (v.empty()) return a;
  const auto out = fresh_dir("robust_gap_" + fs::path(name).stem().string());
  a.run = analyse(v, out);
  EXPECT_EQ(a.run.exit_code, 0) << a.run.err;
  auto s = read_summary_json(out / "summary.json");
  EXPECT_TRUE(s.ok());
  if (s) a.summary = s.value();
  auto f = read_frames_csv(out / "frames.csv");
  EXPECT_TRUE(f.ok());
  if (f) a.frames = f.value();
  return a;
}

#define REQUIRE_STILL() \
  if (still_face_video().empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)"

std::vector<std::string> vf(const std::string& filter) { return {"-vf", filter, "-c:v", "libx264", "-crf", "16"}; }

// Frames in [t0, t1) are gaps (the reason among `flags`); frames from `resume_t` on are measured again.
void expect_gap(const Analysed& a, double t0, double t1, std::uint32_t flags, double resume_t, double min_gap_fraction = 0.9) {
  const auto in = count_quality(a.frames, t0, t1);
  ASSERT_GT(in.rows, 0);
  EXPECT_GE(static_cast<double>(in.flagged), min_gap_fraction * static_cast<double>(in.rows));
  std::int64_t with_reason = 0;
  for (const auto& r : a.frames.rows) {
    if (r.metrics.t >= t0 && r.metrics.t < t1 && (r.metrics.quality & flags)) ++with_reason;
    if (r.metrics.t >= t0 && r.metrics.t < t1 && r.metrics.quality != kQualityOk) {
      EXPECT_FALSE(r.signals.mouth.left.valid || r.signals.mouth.right.valid) << "measured in a gap at t=" << r.metrics.t;
    }
  }
  EXPECT_GE(static_cast<double>(with_reason), min_gap_fraction * static_cast<double>(in.rows))
      << "expected reason " << quality_to_string(flags);
  if (resume_t < 4.0) {
    const auto after = count_quality(a.frames, resume_t, 10.0);
    EXPECT_GE(static_cast<double>(after.ok), 0.9 * static_cast<double>(after.rows)) << "measurement did not resume";
  }
  EXPECT_EQ(a.summary.episodes.size(), 0u) << "twitches invented";
  EXPECT_TRUE(contains(a.run.out, "measurement paused in")) << a.run.out;
}

TEST(RobustFaces, NoFaceAtAll) {
  const auto dir = fresh_dir("robust_noface");
  fs::create_directories(dir);
  const auto v = dir / "wall.mp4";
  ASSERT_EQ(testing::run_program({"ffmpeg", "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i",
                                  "color=c=0xb0a090:s=640x480:d=2:r=30,noise=alls=8:allf=t", "-c:v", "libx264", "-pix_fmt",
                                  "yuv420p", v.string()}),
            0);
  const auto r = analyse(v, dir / "out");
  ASSERT_EQ(r.exit_code, 6) << r.err;  // nothing measured: the files are written all the same
  EXPECT_TRUE(contains(r.err, "nothing could be measured in")) << r.err;
  auto s = read_summary_json(dir / "out" / "summary.json");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->frames, 60);
  EXPECT_EQ(s->frames_with_face, 0);
  EXPECT_EQ(s->episodes.size(), 0u);
  EXPECT_TRUE(contains(r.err, "no face found in any frame")) << r.err;
  EXPECT_TRUE(contains(r.out, "60 frames: no face found")) << r.out;
  EXPECT_TRUE(contains(r.out, "nothing could be measured")) << r.out;
}

TEST(RobustFaces, FaceLeavesAndComesBack) {
  REQUIRE_STILL();
  const auto a = analyse_derived("leave.mp4", vf("drawbox=x=0:y=0:w=iw:h=ih:color=0xb0a090:t=fill:enable='between(t,1.5,2.5)'"));
  expect_gap(a, 1.55, 2.45, kQualityNoFace, 2.9);
  EXPECT_TRUE(contains(a.run.out, "frames: no face found")) << a.run.out;
}

// Two and three faces side by side: the measurement stays with one person all along.
TEST(RobustFaces, SeveralFacesStayWithTheSamePerson) {
  REQUIRE_STILL();
  for (const char* name : {"two_faces.mp4", "three_faces.mp4"}) {
    SCOPED_TRACE(name);
    const bool three = std::string(name) == "three_faces.mp4";
    const auto a = analyse_derived(
        name, {"-filter_complex",
               three ? "[0:v]scale=-2:360,split=3[a][b][c];[b]hflip[b2];[a][b2][c]hstack=inputs=3,crop=1440:360"
                     : "[0:v]split=2[a][b];[b]hflip,eq=brightness=0.05[c];[a][c]hstack",
               "-c:v", "libx264", "-crf", "16"});
    ASSERT_EQ(a.frames.rows.size(), 120u);
    const auto q = count_quality(a.frames);
    EXPECT_GE(q.ok, 110);
    double first_x = NAN, max_jump = 0.0;
    for (const auto& r : a.frames.rows) {
      if (!r.metrics.face_found) continue;
      const double x = r.metrics.face_box_px.x + r.metrics.face_box_px.width / 2;
      if (std::isnan(first_x)) first_x = x;
      max_jump = std::max(max_jump, std::abs(x - first_x));
    }
    EXPECT_LT(max_jump, 40.0) << "the tracked face changed";
    EXPECT_EQ(a.summary.episodes.size(), 0u);
  }
}

// The head rolled by ~50 degrees from t = 2 s: past what the detector and the measurement accept.
TEST(RobustFaces, HeadTurnedPastTheMeasurableRange) {
  REQUIRE_STILL();
  const auto a = analyse_derived("turned.mp4", vf("rotate='if(gt(t,2),0.9,0)':fillcolor=0xb0a090"));
  expect_gap(a, 2.1, 4.0, kQualityNoFace | kQualityPose, 10.0);
}

// A skin-coloured cover over the mouth from 2 to 3 s.
TEST(RobustFaces, HandOverTheMouth) {
  REQUIRE_STILL();
  const auto a = analyse_derived("hand.mp4", vf("drawbox=x=250:y=260:w=140:h=90:color=0xd0a080:t=fill:enable='between(t,2,3)'"));
  expect_gap(a, 2.0, 3.0, kQualityOccluded, 3.4);
  EXPECT_TRUE(contains(a.run.out, "mouth covered or light changed suddenly")) << a.run.out;
}

TEST(RobustFaces, DarkFrames) {
  REQUIRE_STILL();
  // -0.6: the face region's mean grey falls under 30 (-0.45 did, with the limit at 45 before session 7;
  // it is now the dim face below, which is measured).
  const auto a = analyse_derived("dark.mp4", vf("eq=brightness=-0.6:enable='between(t,2,3)'"));
  expect_gap(a, 2.0, 3.0, kQualityDark | kQualityOccluded, 3.4);
  EXPECT_TRUE(contains(a.run.out, "too dark")) << a.run.out;
}

// A face in dim light (the whole video at brightness -0.45: the face region's mean grey between 30 and
// 45, as on the real clip of a brown-skinned man in dim, contrasty light that the old limit of 45 paused
// for 85% of its frames) is measured, not paused as "too dark"; and no twitch is invented.
TEST(RobustFaces, DimButVisibleFaceIsMeasured) {
  REQUIRE_STILL();
  const auto a = analyse_derived("dim.mp4", vf("eq=brightness=-0.45"));
  const auto all = testing::count_quality(a.frames, 0.0, 1e9);
  ASSERT_GT(all.rows, 0);
  EXPECT_LE(static_cast<double>(all.flagged), 0.02 * static_cast<double>(all.rows)) << a.run.out;
  EXPECT_FALSE(contains(a.run.out, "too dark")) << a.run.out;
  EXPECT_TRUE(a.summary.episodes.empty());
}

TEST(RobustFaces, OverexposedFrames) {
  REQUIRE_STILL();
  const auto a = analyse_derived("bright.mp4", vf("eq=brightness=0.6:contrast=1.5:enable='between(t,2,3)'"));
  expect_gap(a, 2.0, 3.0, kQualityBright | kQualityNoFace | kQualityOccluded, 3.4);
}

TEST(RobustFaces, MotionBlur) {
  REQUIRE_STILL();
  const auto a = analyse_derived("dblur.mp4", vf("dblur=angle=20:radius=12:enable='between(t,2,3)'"));
  // A strong directional blur loses the face in most frames; where the predictor still finds one, the
  // sharpness against the face's own recent sharpness drops and the frame is a gap ('blur').
  expect_gap(a, 2.0, 3.0, kQualityBlur | kQualityNoFace, 3.4);
  EXPECT_TRUE(contains(a.run.out, "blurred")) << a.run.out;
}

}  // namespace
}  // namespace ft
