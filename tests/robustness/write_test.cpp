// write_test.cpp: facetwitch never destroys what is not its own (issue 13, docs/ROBUSTNESS.md "Writing
// files"), rejects NaN and infinities in numeric options, and never hangs on a FIFO where a file is
// expected. Every case that could hang runs with a time limit, so a regression fails instead of blocking
// the suite.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "core/file_write.hpp"
#include "io/session.hpp"
#include "robustness/robust_videos.hpp"
#include "ui/settings_store.hpp"

namespace ft {
namespace {

namespace fs = std::filesystem;
using testing::fresh_dir;
using testing::run_facetwitch;

using testing::contains;

std::string read_all(const fs::path& p) { return testing::slurp_text(p); }

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
}

// facetwitch with a time limit: `timeout` kills it (exit 124) if it blocks.
testing::CommandResult run_limited(const std::vector<std::string>& args, int seconds = 60) {
  return run_facetwitch(args, "timeout -s KILL " + std::to_string(seconds));
}

// Runs `body` in a child process; its exit code, or -1 when it did not finish within `timeout_s`.
int in_child_with_timeout(const std::function<int()>& body, double timeout_s) {
  const pid_t pid = ::fork();
  if (pid == 0)
    ::_exit(body());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

// A minimal session folder: summary.json only (what `report` requires).
fs::path make_session(const std::string& name) {
  const fs::path dir = fresh_dir(name) / "session";
  fs::create_directories(dir);
  SessionSummary s;
  s.video = "clip.mp4";
  s.created_utc = "2026-12-01T10:00:00Z";
  s.frames = 30;
  s.duration_s = 1.0;
  s.fps = 30.0;
  EXPECT_TRUE(write_summary_json(dir / "summary.json", s).ok());
  return dir;
}

bool is_a_fifo(const fs::path& p) { return fs::is_fifo(fs::symlink_status(p)); }

// ---- Writing files: targets that are not regular files.

TEST(RobustWrite, ReportOutFifoIsRefused) {
  const fs::path session = make_session("robust_write_fifo");
  const fs::path fifo = session.parent_path() / "pipe.html";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const auto r = run_limited({"report", session.string(), "--out", fifo.string()});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(contains(r.err, fifo.string())) << r.err;
  EXPECT_TRUE(contains(r.err, "FIFO")) << r.err;
  EXPECT_TRUE(contains(r.err, "choose")) << r.err;
  EXPECT_TRUE(is_a_fifo(fifo)) << "the FIFO was replaced";
}

TEST(RobustWrite, DeviceNodeAndSocketAreNeverReplaced) {
  const fs::path dir = fresh_dir("robust_write_device");
  fs::create_directories(dir);
  const fs::path dev = dir / "zero";
  // A device node of our own (the null device's numbers), standing in for /dev/zero: needs root.
  const bool have_dev = ::mknod(dev.c_str(), S_IFCHR | 0644, makedev(1, 3)) == 0;
  if (have_dev) {
    const Status st = write_file_atomically(dev, "{}\n");
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::Output);
    EXPECT_TRUE(contains(st.error().message, "a device")) << st.error().message;
    EXPECT_TRUE(fs::is_character_file(fs::symlink_status(dev)));
    // The window's settings file given as that device: refused, the node is kept.
    const Status saved = ui::save_settings(dev, ui::UiSettings{});
    EXPECT_FALSE(saved.ok());
    EXPECT_TRUE(fs::is_character_file(fs::symlink_status(dev)));
  }
  // A socket.
  const fs::path sock = dir / "s.json";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.string().size(), sizeof(addr.sun_path));
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const Status st = write_file_atomically(sock, "{}\n");
  ::close(fd);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(contains(st.error().message, "a socket")) << st.error().message;
  EXPECT_TRUE(fs::is_socket(fs::symlink_status(sock)));
  // A folder.
  fs::create_directories(dir / "folder.json");
  EXPECT_FALSE(write_file_atomically(dir / "folder.json", "{}\n").ok());
  EXPECT_TRUE(fs::is_directory(dir / "folder.json"));
  // No temporary left behind by any refusal.
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_FALSE(contains(e.path().filename().string(), ".tmp")) << e.path();
}

// `facetwitch gui --settings FIFO`: the window's settings file as a FIFO is neither read (it would block
// the start) nor replaced.
TEST(RobustWrite, SettingsFileFifoIsNotReadNorReplaced) {
  const fs::path dir = fresh_dir("robust_settings_fifo");
  fs::create_directories(dir);
  const fs::path fifo = dir / "settings.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const int code = in_child_with_timeout(
      [&] {
        const ui::LoadedSettings l = ui::load_settings(fifo);
        if (!l.keep_file || !contains(l.message, "not a regular file"))
          return 1;
        std::string note;
        ui::LoadedSettings state = l;
        const Status st = ui::save_settings_for_window(fifo, l.settings, /*user_changed=*/true, state, note);
        return st.ok() ? 2 : 0;
      },
      20.0);
  EXPECT_EQ(code, 0) << "-1: blocked on the FIFO; 1: not refused at load; 2: saved over it";
  EXPECT_TRUE(is_a_fifo(fifo));
}

// ---- Writing files: links.

TEST(RobustWrite, PlantedTemporaryLinksInSessionAreNotFollowed) {
  const fs::path session = make_session("robust_write_tmp_links");
  const fs::path victim = session.parent_path() / "victim.txt";
  write_text(victim, "precious\n");
  // Every name the old writer used for its temporaries.
  for (const char* name : {"report.html.tmp", "report.json.tmp", "summary.json.tmp"})
    fs::create_symlink(victim, session / name);
  const auto r = run_limited({"report", session.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_all(victim), "precious\n");
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(session / "report.html")));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(session / "report.html.tmp")));
  // The same through the API, for summary.json.
  SessionSummary s;
  EXPECT_TRUE(write_summary_json(session / "summary.json", s).ok());
  EXPECT_EQ(read_all(victim), "precious\n");
}

TEST(RobustWrite, FinalTargetThatIsALinkIsRefused) {
  const fs::path session = make_session("robust_write_final_link");
  const fs::path victim = session.parent_path() / "victim.html";
  write_text(victim, "precious\n");
  const fs::path link = session.parent_path() / "report-link.html";
  fs::create_symlink(victim, link);
  const auto r = run_limited({"report", session.string(), "--out", link.string()});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(contains(r.err, link.string())) << r.err;
  EXPECT_TRUE(contains(r.err, "symbolic link")) << r.err;
  EXPECT_TRUE(contains(r.err, "remove the link or choose another file")) << r.err;
  EXPECT_EQ(read_all(victim), "precious\n");
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
}

TEST(RobustWrite, StreamedCsvIsNeverWrittenThroughALinkOrIntoAFifo) {
  const fs::path dir = fresh_dir("robust_write_csv_link");
  fs::create_directories(dir);
  const fs::path victim = dir / "victim.txt";
  write_text(victim, "precious\n");
  fs::create_symlink(victim, dir / "frames.csv");
  auto w = FramesCsvWriter::open(dir / "frames.csv");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().kind, ErrorKind::Output);
  EXPECT_TRUE(contains(w.error().message, "symbolic link")) << w.error().message;
  EXPECT_EQ(read_all(victim), "precious\n");
  ASSERT_EQ(::mkfifo((dir / "episodes.csv").c_str(), 0644), 0);
  const int code = in_child_with_timeout(
      [&] {
        auto e = EpisodesCsvWriter::open(dir / "episodes.csv");
        return e.ok() ? 1 : (contains(e.error().message, "FIFO") ? 0 : 2);
      },
      20.0);
  EXPECT_EQ(code, 0) << "-1: blocked on the FIFO; 1: opened it; 2: another message";
  EXPECT_TRUE(is_a_fifo(dir / "episodes.csv"));
}

TEST(RobustWrite, AnalyseForceDoesNotWriteThroughLinksInTheFolder) {
  const auto still = testing::still_face_video(2.0);
  if (still.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path dir = fresh_dir("robust_write_force_links");
  fs::create_directories(dir);
  const fs::path out = dir / "out";
  fs::create_directories(out);
  const fs::path victim = dir / "victim.txt";
  write_text(victim, "precious\n");
  // A planted summary.json.tmp link: --force analyses, and the link's target is untouched.
  fs::create_symlink(victim, out / "summary.json.tmp");
  const auto a = testing::analyse(still, out, {"--force"});
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(read_all(victim), "precious\n");
  EXPECT_TRUE(read_summary_json(out / "summary.json").ok());
  // A planted frames.csv link: refused before anything is written (exit 5), the target untouched.
  fs::remove(out / "frames.csv");
  fs::create_symlink(victim, out / "frames.csv");
  const auto b = testing::analyse(still, out, {"--force"});
  EXPECT_EQ(b.exit_code, 5) << b.err;
  EXPECT_TRUE(contains(b.err, (out / "frames.csv").string())) << b.err;
  EXPECT_TRUE(contains(b.err, "symbolic link")) << b.err;
  EXPECT_EQ(read_all(victim), "precious\n");
}

// analyse --force replaces the whole set of files facetwitch writes in a session folder (issue 13): the
// previous run's protocol.json, protocol_timing.json, report.html and report.json (and their left-over
// temporaries) used to stay, so `report` showed an old protocol table next to new measurements. Files
// facetwitch does not own stay.
TEST(RobustWrite, AnalyseForceReplacesEveryFileOfThePreviousRun) {
  const auto still = testing::still_face_video(2.0);
  if (still.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path out = fresh_dir("robust_write_force_set") / "out";
  const auto first = testing::analyse(still, out);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::vector<std::string> stale = {"protocol.json", "protocol_timing.json", "report.html", "report.json",
                                          "report.html.tmp4242-1-1", "protocol.json.tmp4242-2-2"};
  for (const auto& f : stale) write_text(out / f, "from the previous run\n");
  const std::vector<std::string> not_ours = {"notes.txt", "report.html.bak", "my protocol.json", "protocol.json.orig"};
  for (const auto& f : not_ours) write_text(out / f, "mine\n");
  const auto again = testing::analyse(still, out, {"--force"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const auto& f : stale) EXPECT_FALSE(fs::exists(out / f)) << f << " of the previous run is still there";
  for (const auto& f : not_ours) EXPECT_EQ(read_all(out / f), "mine\n") << f << " is not facetwitch's and must stay";
  EXPECT_TRUE(read_summary_json(out / "summary.json").ok());
  // `report` now shows the new run only: no protocol table from the old files.
  const auto rep = run_facetwitch({"report", out.string()});
  EXPECT_EQ(rep.exit_code, 0) << rep.err;
}

// ---- Output folder lock: two runs into the same --out.

// Another run holds the --out folder (the lock taken here as `analyse` takes it): a second `analyse`
// into it, even with --force, is refused before anything is written (exit 5, the folder named), and
// the first run's files are untouched. Once the first run is over the folder can be used again, and
// a stale lock file left by a killed run (no flock held) is taken over.
TEST(RobustWrite, SecondAnalyseIntoAFolderInUseIsRefused) {
  const auto still = testing::still_face_video(2.0);
  if (still.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path dir = fresh_dir("robust_write_out_lock");
  const fs::path out = dir / "out";
  auto first = OutputDirLock::acquire(out);  // creates the new folder, as the first run does
  ASSERT_TRUE(first.ok()) << first.error().message;
  write_text(out / "frames.csv", "first run\n");
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--force"}}) {
    const auto b = testing::analyse(still, out, extra);
    EXPECT_EQ(b.exit_code, 5) << b.err;
    std::string quoted = "'";
    quoted += out.string();
    quoted += '\'';
    EXPECT_TRUE(contains(b.err, quoted)) << b.err;
    EXPECT_TRUE(contains(b.err, "another facetwitch run is writing there")) << b.err;
    EXPECT_EQ(read_all(out / "frames.csv"), "first run\n");
    EXPECT_FALSE(fs::exists(out / "summary.json"));
    EXPECT_TRUE(fs::exists(out / OutputDirLock::kFileName));  // the first run's lock stays
  }
  // In another process the lock is refused too (flock is per open file, not per process).
  const int child = in_child_with_timeout([&out] { return OutputDirLock::acquire(out).ok() ? 0 : 7; }, 30);
  EXPECT_EQ(child, 7);
  first.value().release();
  EXPECT_FALSE(fs::exists(out / OutputDirLock::kFileName));
  fs::remove(out / "frames.csv");
  // A stale lock file (its run was killed: no flock on it) does not stop the next run.
  write_text(out / OutputDirLock::kFileName, "999999\n");
  const auto c = testing::analyse(still, out);
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(read_summary_json(out / "summary.json").ok());
  EXPECT_FALSE(fs::exists(out / OutputDirLock::kFileName));
}

// Two `facetwitch record` runs into one session folder at once: the second (with or without --force)
// is refused before it writes anything (exit 5, the folder named), and the first records on; stopped
// with Ctrl-C, its files are complete and consistent. Before: without --force the second said "already
// exists and is not empty"; with --force it emptied the folder and wrote its own files into it.
TEST(RobustWrite, SecondRecordIntoASessionFolderInUseIsRefused) {
  const auto still = testing::still_face_video();
  if (still.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path dir = fresh_dir("robust_write_record_lock");
  const fs::path out = dir / "session";
  auto rows = [&out] {
    auto f = read_frames_csv(out / "frames.csv");
    return f ? f->rows.size() : 0;
  };
  const pid_t first = testing::spawn_facetwitch(
      {"record", still.string(), "--loop", "--out", out.string(), "--duration", "120", "--quiet", "--no-history"},
      dir / "logs");
  ASSERT_GT(first, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (rows() < 10 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_GE(rows(), 10u) << read_all(dir / "logs" / "err.txt");
  std::string quoted = "output folder '";
  quoted += out.string();
  quoted += "' is in use: another facetwitch run is writing there";
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--force"}}) {
    std::vector<std::string> args{"record", still.string(), "--out", out.string(), "--duration", "2", "--quiet",
                                  "--no-history"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto b = run_limited(args);
    EXPECT_EQ(b.exit_code, 5) << b.err;
    EXPECT_TRUE(contains(b.err, quoted)) << b.err;
    EXPECT_TRUE(contains(b.err, "wait for it to finish, or choose another --out")) << b.err;
  }
  // The first run goes on recording into its files.
  const std::size_t before = rows();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_GT(rows(), before + 10);
  ASSERT_EQ(::kill(first, SIGINT), 0);
  const int code = testing::wait_child(first, 60);
  EXPECT_EQ(code, 130) << read_all(dir / "logs" / "err.txt");
  auto s = read_summary_json(out / "summary.json");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto frames = read_frames_csv(out / "frames.csv");
  ASSERT_TRUE(frames.ok()) << frames.error().message;
  EXPECT_FALSE(frames->truncated);
  EXPECT_EQ(static_cast<std::int64_t>(frames->rows.size()), s->frames);
  // One recording from its start: frame times rise from 0 without a restart.
  ASSERT_FALSE(frames->rows.empty());
  EXPECT_LT(frames->rows.front().metrics.t, 0.1);
  for (std::size_t i = 1; i < frames->rows.size(); ++i) {
    ASSERT_GT(frames->rows[i].metrics.t, frames->rows[i - 1].metrics.t) << "row " << i;
  }
  const auto video = testing::decode_video(out / "video.mp4");
  ASSERT_TRUE(video.opened);
  EXPECT_GE(video.frames, s->frames);
  EXPECT_FALSE(fs::exists(out / OutputDirLock::kFileName));
}

// Two `facetwitch synth --out` runs into one folder at once: the second (with --force) is refused and
// the first's video is complete. Before: the second wrote its own video.mp4 and truth.json over the
// first's while it was being written.
TEST(RobustWrite, SecondSynthIntoAFolderInUseIsRefused) {
  if (testing::still_face_video().empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path dir = fresh_dir("robust_write_synth_lock");
  const fs::path out = dir / "out";
  const pid_t first = testing::spawn_facetwitch(
      {"synth", "--preset", "none", "--duration", "20", "--seed", "3", "--out", out.string()}, dir / "logs");
  ASSERT_GT(first, 0);
  // Once the first run writes its video, the second starts.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(out / "video.mp4") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(fs::exists(out / "video.mp4")) << read_all(dir / "logs" / "err.txt");
  EXPECT_TRUE(fs::exists(out / OutputDirLock::kFileName));  // held while it runs
  const auto b = run_limited({"synth", "--preset", "none", "--duration", "1", "--seed", "4", "--out", out.string(),
                              "--force"});
  EXPECT_EQ(b.exit_code, 5) << b.err;
  std::string quoted = "output folder '";
  quoted += out.string();
  quoted += "' is in use: another facetwitch run is writing there";
  EXPECT_TRUE(contains(b.err, quoted)) << b.err;
  const int code = testing::wait_child(first, 300);
  EXPECT_EQ(code, 0) << read_all(dir / "logs" / "err.txt");
  const auto video = testing::decode_video(out / "video.mp4");
  ASSERT_TRUE(video.opened);
  EXPECT_EQ(video.frames, 600);  // the first run's 20 s at 30 fps, not the second's 1 s
  EXPECT_TRUE(fs::exists(out / "truth.json"));
  EXPECT_FALSE(fs::exists(out / OutputDirLock::kFileName));
}

// `facetwitch demo --out` takes the same lock (issue 13): while another run holds the folder, the demo
// is refused before it writes anything (exit 5, the folder named) and the other run's files are left
// alone; once the folder is free the same command writes its analysis there. (The demo video itself is
// made, once, into the cache, before the lock is taken.)
TEST(RobustWrite, SecondDemoIntoAFolderInUseIsRefused) {
  if (testing::still_face_video().empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path dir = fresh_dir("robust_write_demo_lock");
  const fs::path out = dir / "out";
  auto first = OutputDirLock::acquire(out);
  ASSERT_TRUE(first.ok()) << first.error().message;
  write_text(out / "frames.csv", "first run\n");
  const std::vector<std::string> demo{"demo", "--no-window", "--out", out.string()};
  const auto b = run_limited(demo, 300);
  EXPECT_EQ(b.exit_code, 5) << b.err;
  std::string quoted = "output folder '";
  quoted += out.string();
  quoted += "' is in use: another facetwitch run is writing there";
  EXPECT_TRUE(contains(b.err, quoted)) << b.err;
  EXPECT_EQ(read_all(out / "frames.csv"), "first run\n");
  EXPECT_FALSE(fs::exists(out / "summary.json"));
  first.value().release();
  fs::remove(out / "frames.csv");
  const auto c = run_limited(demo, 300);
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(read_summary_json(out / "summary.json").ok());
  EXPECT_FALSE(fs::exists(out / OutputDirLock::kFileName));
}

// ---- Sub-folder names of several videos.

// `analyse A B C --out OUT` writes each session to OUT/<stem>. A file named "...mp4" (stem "..") used
// to be written into OUT's parent; names are now safe ("", ".", ".." become "video"; separators and
// control characters become '_') and unique ("video", "video_2").
TEST(RobustWrite, SubFolderNamesOfSeveralVideosStayInsideOut) {
  const auto still = testing::still_face_video(2.0);
  if (still.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path dir = fresh_dir("robust_write_subfolders");
  const fs::path in = dir / "in";
  fs::create_directories(in);
  const fs::path dots = in / "...mp4";
  const fs::path plain = in / "video.mp4";
  const fs::path control = in / "a\nb.mp4";
  for (const fs::path& p : {dots, plain, control}) fs::copy_file(still, p);
  const fs::path out = dir / "out";
  const auto r = run_limited(
      {"analyse", dots.string(), plain.string(), control.string(), "--out", out.string(), "--quiet"}, 600);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Nothing in OUT's parent but the inputs and OUT.
  std::set<std::string> beside;
  for (const auto& e : fs::directory_iterator(dir)) beside.insert(e.path().filename().string());
  EXPECT_EQ(beside, (std::set<std::string>{"in", "out"}));
  std::set<std::string> inside;
  for (const auto& e : fs::directory_iterator(out)) inside.insert(e.path().filename().string());
  EXPECT_EQ(inside, (std::set<std::string>{"video", "video_2", "a_b"}));
  const std::vector<std::pair<std::string, fs::path>> expected{
      {"video", dots}, {"video_2", plain}, {"a_b", control}};
  for (const auto& [sub, video] : expected) {
    auto s = read_summary_json(out / sub / "summary.json");
    ASSERT_TRUE(s.ok()) << sub << ": " << s.error().message;
    EXPECT_TRUE(contains(s->video, video.filename().string())) << sub << ": " << s->video;
  }
}

// ---- Writing files: the session's own files are not a report's output.

TEST(RobustWrite, ReportRefusesToOverwriteTheSessionsOwnFiles) {
  const fs::path session = make_session("robust_write_own_files");
  write_text(session / "frames.csv", "frame,time_s\n");
  const std::string summary_before = read_all(session / "summary.json");
  const auto a = run_limited({"report", session.string(), "--json", (session / "summary.json").string()});
  EXPECT_EQ(a.exit_code, 5) << a.err;
  EXPECT_TRUE(contains(a.err, "summary.json")) << a.err;
  EXPECT_TRUE(contains(a.err, "session's own")) << a.err;
  EXPECT_TRUE(contains(a.err, "--json")) << a.err;
  EXPECT_EQ(read_all(session / "summary.json"), summary_before);
  const auto b = run_limited({"report", session.string(), "--out", (session / "frames.csv").string()});
  EXPECT_EQ(b.exit_code, 5) << b.err;
  EXPECT_TRUE(contains(b.err, "frames.csv")) << b.err;
  EXPECT_TRUE(contains(b.err, "--out")) << b.err;
  EXPECT_EQ(read_all(session / "frames.csv"), "frame,time_s\n");
  // The same file by another name (a relative path with "..").
  const auto c = run_limited({"report", session.string(), "--out", (session / ".." / "session" / "frames.csv").string()});
  EXPECT_EQ(c.exit_code, 5) << c.err;
  EXPECT_EQ(read_all(session / "frames.csv"), "frame,time_s\n");
}

// ---- The window's settings file that could not be read is kept.

TEST(RobustSettings, UnreadableSettingsFileIsKeptUnlessASettingChanges) {
  const fs::path dir = fresh_dir("robust_settings_keep");
  fs::create_directories(dir);
  const fs::path file = dir / "settings.json";
  const std::string broken = "{\"sensitivity\": {\"threshold_k\": 8.5,}}\n";  // one trailing comma
  write_text(file, broken);
  ui::LoadedSettings loaded = ui::load_settings(file);
  EXPECT_TRUE(loaded.keep_file);
  EXPECT_TRUE(contains(loaded.message, "left as it is")) << loaded.message;
  // The window at exit after opening a file (recent files changed, no setting): the file is untouched.
  ui::UiSettings s = loaded.settings;
  ui::add_recent_file(s, "/tmp/clip.mp4");
  std::string note;
  ASSERT_TRUE(ui::save_settings_for_window(file, s, /*user_changed=*/false, loaded, note).ok());
  EXPECT_EQ(read_all(file), broken);
  EXPECT_TRUE(contains(note, "left as it is")) << note;
  EXPECT_TRUE(loaded.keep_file);
  // The user changes a setting: the old file is moved aside (nothing lost), the new one written.
  s.twitch.threshold_k = 7.0;
  ASSERT_TRUE(ui::save_settings_for_window(file, s, /*user_changed=*/true, loaded, note).ok());
  EXPECT_FALSE(loaded.keep_file);
  EXPECT_EQ(read_all(ui::aside_path(file)), broken);
  EXPECT_TRUE(contains(note, ui::aside_path(file).string())) << note;
  const ui::LoadedSettings again = ui::load_settings(file);
  EXPECT_FALSE(again.keep_file);
  EXPECT_TRUE(again.message.empty()) << again.message;
  EXPECT_EQ(again.settings.twitch.threshold_k, 7.0);
  // A readable file is simply written.
  ui::LoadedSettings fine = ui::load_settings(file);
  s.twitch.threshold_k = 9.0;
  ASSERT_TRUE(ui::save_settings_for_window(file, s, false, fine, note).ok());
  EXPECT_TRUE(note.empty()) << note;
  EXPECT_EQ(ui::load_settings(file).settings.twitch.threshold_k, 9.0);
}

// ---- Numeric options: NaN and infinities.

TEST(RobustArguments, NanAndInfinityAreRejectedByEveryNumericOption) {
  const fs::path dir = fresh_dir("robust_nan");
  fs::create_directories(dir);
  const std::string video = (dir / "missing.mp4").string();  // never reached: the options are refused first
  const std::string out = (dir / "out").string();
  struct Case {
    std::vector<std::string> args;
    std::string option;
  };
  const std::vector<Case> cases = {
      {{"analyse", video, "--out", out, "--threshold-k", "nan"}, "--threshold-k"},
      {{"analyse", video, "--out", out, "--min-amplitude", "nan"}, "--min-amplitude"},
      {{"analyse", video, "--out", out, "--min-amplitude", "NaN"}, "--min-amplitude"},
      {{"analyse", video, "--out", out, "--merge-gap", "-nan"}, "--merge-gap"},
      {{"analyse", video, "--out", out, "--eye-min-amplitude", "inf"}, "--eye-min-amplitude"},
      {{"record", video, "--out", out, "--duration", "nan"}, "--duration"},
      {{"record", video, "--out", out, "--duration", "inf"}, "--duration"},
      {{"record", video, "--out", out, "--simulate-camera-loss", "nan"}, "--simulate-camera-loss"},
      {{"gui", "--run-for", "nan"}, "--run-for"},
      {{"gui", "--seek", "nan"}, "--seek"},
      {{"gui", "--threshold-k", "nan"}, "--threshold-k"},
  };
  for (const Case& c : cases) {
    const auto r = run_limited(c.args, 30);
    std::string line;
    for (const auto& a : c.args) {
      line += a;
      line += ' ';
    }
    EXPECT_EQ(r.exit_code, 2) << line << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.option)) << line << "\n" << r.err;
  }
  // Finite values still pass the parser (then the missing video is the error, exit 3).
  const auto ok = run_limited({"analyse", video, "--out", out, "--threshold-k", "8.5"}, 30);
  EXPECT_EQ(ok.exit_code, 3) << ok.err;
}

// ---- FIFOs where a regular file is expected.

TEST(RobustInput, FifoAsInputVideoIsRefusedWithoutHanging) {
  const fs::path dir = fresh_dir("robust_fifo_video");
  fs::create_directories(dir);
  const fs::path fifo = dir / "clip.mp4";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const auto r = run_limited({"analyse", fifo.string(), "--out", (dir / "out").string(), "--quiet"}, 60);
  EXPECT_NE(r.exit_code, 137) << "blocked on the FIFO (killed by the time limit)";
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, fifo.string())) << r.err;
  EXPECT_TRUE(contains(r.err, "FIFO")) << r.err;
  EXPECT_TRUE(contains(r.err, "not a video file")) << r.err;
}

TEST(RobustInput, FifoAsModelIsRefusedWithoutHanging) {
  const fs::path dir = fresh_dir("robust_fifo_model");
  fs::create_directories(dir);
  const fs::path fifo = dir / "model.dat";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const auto still = testing::still_face_video(2.0);
  if (still.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const auto r = run_limited({"analyse", still.string(), "--out", (dir / "out").string(), "--quiet", "--model",
                              fifo.string()},
                             60);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_TRUE(contains(r.err, fifo.string())) << r.err;
}

// The compact model cache (<cache>/models/*.ftlm) replaced by a FIFO: read only when it is a regular
// file, so the start-up does not block.
TEST(RobustInput, FifoInTheModelCacheIsSkippedWithoutHanging) {
  const auto still = testing::still_face_video(2.0);
  if (still.empty()) GTEST_SKIP() << "no test video (run scripts/setup.sh)";
  const fs::path dir = fresh_dir("robust_fifo_cache");
  fs::create_directories(dir);
  const fs::path cache = dir / "cache";
  const std::string env = "FACETWITCH_CACHE=" + cache.string();
  const auto first = run_facetwitch({"analyse", still.string(), "--out", (dir / "a").string(), "--quiet"}, env);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::vector<fs::path> cached;
  for (const auto& e : fs::directory_iterator(cache / "models"))
    if (e.path().extension() == ".ftlm") cached.push_back(e.path());
  ASSERT_EQ(cached.size(), 1u);
  fs::remove(cached[0]);
  ASSERT_EQ(::mkfifo(cached[0].c_str(), 0644), 0);
  const auto second = run_facetwitch({"analyse", still.string(), "--out", (dir / "b").string(), "--quiet"},
                                     env + " timeout -s KILL 120");
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_TRUE(is_a_fifo(cached[0]));  // not replaced either
}

}  // namespace
}  // namespace ft
