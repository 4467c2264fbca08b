// replay.cpp: decode thread + analysis thread for recorded videos.
#include "pipeline/replay.hpp"

#include <pthread.h>

#include <thread>

#include <fmt/format.h>

#include "pipeline/bounded_queue.hpp"
#include "pipeline/session_recorder.hpp"

namespace ft {

namespace {
constexpr std::size_t kQueueDepth = 4;  // frames decoded ahead of the analysis

struct Decoded {
  Frame frame;
  ReadStatus status = ReadStatus::Frame;
};
}  // namespace

Result<SessionSummary> analyse_video(const ReplayRequest& req) {
  auto opened = open_video_file(req.video, req.file);
  if (!opened) return opened.error();
  std::unique_ptr<FrameSource> source = std::move(opened).value();
  const SourceInfo info = source->info();

  SessionSummary header;
  header.video = req.video.string();
  header.source = "file";
  header.width = info.width;
  header.height = info.height;
  header.model_path = req.model_path;
  header.facetwitch_version = FACETWITCH_VERSION;
  record_options(header, req.analyser);
  header.mirrored_input = req.file.mirrored_input;
  record_date(header, req.video, false);

  std::unique_ptr<SessionRecorder> recorder;
  if (!req.out_dir.empty()) {
    auto rec = SessionRecorder::open(req.out_dir, header);
    if (!rec) return rec.error();
    recorder = std::move(rec).value();
  }
  SummaryAccumulator totals(header);

  FrameAnalyser analyser(req.model, req.analyser);

  // Frame buffers circulate: free -> decoder -> full -> analyser -> free.
  BoundedQueue<Decoded> full(kQueueDepth);
  BoundedQueue<Frame> free_frames(kQueueDepth + 2);
  for (std::size_t i = 0; i < kQueueDepth + 2; ++i) free_frames.push(Frame{});
  Error read_error;
  std::thread decoder([&] {
    pthread_setname_np(pthread_self(), "ft-decode");
    while (true) {
      if (req.stop && req.stop->load()) break;
      std::optional<Frame> buf = free_frames.pop();
      if (!buf) break;
      Decoded d;
      d.frame = std::move(*buf);
      d.status = source->read(d.frame);
      if (d.status == ReadStatus::Failed) read_error = source->error();
      const bool last = d.status != ReadStatus::Frame;
      if (!full.push(std::move(d)) || last) break;
    }
    full.close();
  });

  bool partial = false;
  std::string reason;
  Error write_error;
  bool write_failed = false;
  ReplayProgress progress;
  progress.duration_s = info.duration_s;
  auto stopped = [&] {
    if (!req.stop || !req.stop->load()) return false;
    partial = true;
    reason = req.stop_reason ? req.stop_reason() : std::string("stopped by the user");
    return true;
  };
  while (true) {
    std::optional<Decoded> d = full.pop();
    if (!d) {
      stopped();
      break;
    }
    if (d->status == ReadStatus::Failed) {
      if (stopped()) break;  // a read cut short by the stop is not damage in the file
      partial = true;
      reason = read_error.message;
      break;
    }
    if (d->status == ReadStatus::End) break;
    const FrameResult& r = analyser.process(d->frame);
    totals.add(r);
    if (recorder) {
      if (Status st = recorder->add(r, analyser.twitch()); !st) {
        write_error = st.error();
        write_failed = true;
      }
    }
    if (req.on_frame) req.on_frame(d->frame, r);
    progress.frames++;
    progress.t = d->frame.t;
    if (req.on_progress && (progress.frames % 15 == 0)) req.on_progress(progress);
    free_frames.push(std::move(d->frame));
    if (write_failed) break;
  }
  free_frames.close();
  full.close();
  decoder.join();
  if (write_failed) {
    // The session is closed as far as it was written (summary.json final, partial, counts equal to
    // frames.csv), and the run still fails with the write error, which says where the results are.
    auto closed = recorder->finish_after_write_error(analyser.twitch(), "writing stopped: " + write_error.message);
    if (closed) {
      write_error.message += fmt::format(": the {} frames written before it ({:.1f} s) are kept in {}, marked partial in "
                                         "summary.json; free some disk space (or choose another --out) and analyse again",
                                         closed->frames, closed->duration_s, req.out_dir.string());
    } else {
      write_error.message += fmt::format("; summary.json could not be finished either ({}): the files in {} are incomplete; "
                                         "free some disk space (or choose another --out) and analyse again",
                                         closed.error().message, req.out_dir.string());
    }
    return write_error;
  }

  analyser.finish();
  if (req.on_progress) req.on_progress(progress);
  if (recorder) return recorder->finish(analyser.twitch(), partial, reason);
  SessionSummary s = totals.summarise(analyser.twitch());
  s.partial = partial;
  s.partial_reason = reason;
  return s;
}

}  // namespace ft
