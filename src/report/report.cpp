// report.cpp: reading a session folder for the report, and every number the report derives (twitch
// summary rows, key frames, the before / after comparison). Rendering is in report_render.cpp.
#include "report/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "capture/frame_source.hpp"
#include "core/sha256.hpp"
#include "core/utc_time.hpp"
#include "metrics/regional_asymmetry.hpp"

namespace ft {
namespace fs = std::filesystem;

namespace {

double median_of(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

bool involves(const Episode& e, Side side) { return e.side == laterality(side) || e.side == Laterality::Bilateral; }

// The episode's signal at one frame: its own side's value, the larger of the two for a bilateral one.
double episode_value(const Episode& e, const FrameRecord& r) {
  double best = kNaN;
  for (Side side : kSides) {
    const SignalSample& s = r.signals[e.region][side];
    if (!involves(e, side) || !s.valid || !std::isfinite(s.value_iod)) continue;
    if (!std::isfinite(best) || s.value_iod > best) best = s.value_iod;
  }
  return best;
}

std::string base64(const std::vector<unsigned char>& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned>(bytes[i]) << 16) |
                       (i + 1 < bytes.size() ? static_cast<unsigned>(bytes[i + 1]) << 8 : 0u) |
                       (i + 2 < bytes.size() ? static_cast<unsigned>(bytes[i + 2]) : 0u);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

// The face region around the landmarks: their bounding box grown by 35% of its size on each side (more
// above, for the brows and forehead), clipped to the image (or unclipped when the size is unknown).
cv::Rect face_crop(const Landmarks68& lm, int width, int height) {
  float x0 = lm[0].x, x1 = lm[0].x, y0 = lm[0].y, y1 = lm[0].y;
  for (const cv::Point2f& p : lm) {
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  const float w = x1 - x0, h = y1 - y0;
  cv::Rect r(cv::Point(static_cast<int>(std::floor(x0 - 0.35f * w)), static_cast<int>(std::floor(y0 - 0.55f * h))),
             cv::Point(static_cast<int>(std::ceil(x1 + 0.35f * w)), static_cast<int>(std::ceil(y1 + 0.25f * h))));
  if (width > 0 && height > 0) r &= cv::Rect(0, 0, width, height);
  return r;
}

bool landmarks_finite(const Landmarks68& lm) {
  return std::all_of(lm.begin(), lm.end(), [](const cv::Point2f& p) { return std::isfinite(p.x) && std::isfinite(p.y); });
}

// Recording, twitch and asymmetry numbers of one session, by stable key.
void add_row(std::vector<CompareRow>& rows, std::string section, std::string key, std::string label, std::string unit,
             double value) {
  CompareRow r;
  r.section = std::move(section);
  r.key = std::move(key);
  r.label = std::move(label);
  r.unit = std::move(unit);
  r.after = value;
  rows.push_back(std::move(r));
}

// The key numbers of a session (value in CompareRow::after).
std::vector<CompareRow> session_numbers(const SessionData& s) {
  std::vector<CompareRow> rows;
  const SessionSummary& sum = s.summary;
  add_row(rows, "Recording", "recording.duration_s", "Duration", "s", sum.duration_s);
  add_row(rows, "Recording", "recording.good_quality_pct", "Frames with good quality", "%",
          sum.frames > 0 ? 100.0 * static_cast<double>(sum.frames_good_quality) / static_cast<double>(sum.frames) : kNaN);
  for (const TwitchRow& t : twitch_rows(sum, s.episodes)) {
    const std::string base = fmt::format("twitches.{}.{}", to_string(t.region), to_string(t.side));
    const std::string who = fmt::format("{} {}", to_string(t.region), t.side == Laterality::Bilateral ? "both sides" : to_string(t.side));
    add_row(rows, "Twitches", base + ".episodes", who + ": episodes", "", static_cast<double>(t.episodes));
    add_row(rows, "Twitches", base + ".twitches_per_min", who + ": twitches per minute", "/min", t.twitches_per_min);
    if (t.side != Laterality::Bilateral)
      add_row(rows, "Twitches", base + ".time_in_spasm_pct", who + ": time in spasm", "%", t.time_in_spasm_pct);
    add_row(rows, "Twitches", base + ".median_frequency_hz", who + ": median frequency", "Hz", t.median_frequency_hz);
    add_row(rows, "Twitches", base + ".peak_amplitude_pct_iod", who + ": peak amplitude", "% IOD",
            100.0 * t.peak_amplitude_iod);
  }
  for (std::size_t i = 0; i < kAsymmetryMeasureCount; ++i) {
    const AsymmetryMeasureInfo& info = measure_info(kAsymmetryMeasures[i]);
    const RegionalAsymmetry& a = sum.asymmetry.resting[i];
    const std::string base = fmt::format("asymmetry.{}", info.key);
    if (info.angle) {
      add_row(rows, "Resting asymmetry", base + ".diff_deg", fmt::format("{}: left - right", info.label), "deg", a.diff);
    } else {
      add_row(rows, "Resting asymmetry", base + ".diff_mm", fmt::format("{}: left - right", info.label), "mm", a.diff_mm);
    }
    add_row(rows, "Resting asymmetry", base + ".percent_of_stronger",
            fmt::format("{}: difference, % of the stronger side", info.label), "%", a.percent);
  }
  if (s.protocol) {
    add_row(rows, "Protocol", "protocol.synkinesis_flags", "Synkinesis flags", "", static_cast<double>(s.protocol->synkinesis_flags));
    for (const ReportedStep& step : s.protocol->steps) {
      for (const ReportedMeasure& m : step.measures) {
        add_row(rows, "Protocol", fmt::format("protocol.{}.{}.percent_of_stronger", step.id, m.key),
                fmt::format("{}: {}, difference % of the stronger side", step.label, m.label), "%", m.percent_of_stronger);
      }
    }
  }
  return rows;
}

// The frame with index `index` (presentation time about `t`): seeks to a little before it and reads on.
// Empty when the source cannot seek there or the frame never comes.
cv::Mat read_frame(FrameSource& source, std::int64_t index, double t) {
  if (index < 0 || !source.seek(std::max(0.0, t - 1.0))) return {};
  Frame f;
  for (int i = 0; i < 600; ++i) {  // at most 20 s of video at 30 fps past the seek point
    if (source.read(f) != ReadStatus::Frame || f.index > index) return {};
    if (f.index == index) return f.image;
  }
  return {};
}

}  // namespace

Result<SessionData> load_session(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    return make_error(ErrorKind::Input, fmt::format("session folder '{}' does not exist: give the folder written by "
                                                    "`facetwitch analyse --out` or by a recording", dir.string()));
  }
  if (!fs::is_directory(dir, ec)) {
    return make_error(ErrorKind::Input, fmt::format("'{}' is not a folder: give the session folder (the one holding "
                                                    "summary.json)", dir.string()));
  }
  SessionData s;
  s.dir = dir;
  const fs::path summary_path = dir / "summary.json";
  if (!fs::exists(summary_path, ec)) {
    return make_error(ErrorKind::Input, fmt::format("'{}' has no summary.json: it is not a session folder, or the "
                                                    "analysis did not finish (run `facetwitch analyse` again)",
                                                    dir.string()));
  }
  auto summary = read_session_summary_json(summary_path);
  if (!summary) return summary.error();
  s.summary = std::move(summary).value();

  const fs::path episodes_path = dir / "episodes.csv";
  auto episodes = fs::exists(episodes_path, ec) ? read_episodes_csv(episodes_path)
                                                : Result<std::vector<Episode>>(make_error(ErrorKind::Input, "missing"));
  if (episodes) {
    s.episodes = std::move(episodes).value();
  } else {
    s.episodes = s.summary.episodes;
    s.notes.push_back(fmt::format("episodes.csv could not be read ({}): the episodes are those of summary.json",
                                  episodes.error().message));
  }
  const fs::path frames_path = dir / "frames.csv";
  if (!fs::exists(frames_path, ec)) {
    s.notes.push_back("frames.csv is missing: no signal plots and no key frames");
  } else if (auto frames = read_frames_csv(frames_path); frames) {
    s.frames = std::move(frames.value().rows);
    if (frames.value().truncated) s.notes.push_back("the last line of frames.csv was cut off (the recording was interrupted)");
  } else {
    s.notes.push_back(fmt::format("frames.csv could not be read ({}): no signal plots and no key frames",
                                  frames.error().message));
  }
  const fs::path protocol_path = dir / kProtocolJson;
  if (fs::exists(protocol_path, ec)) {
    auto protocol = read_protocol_json(protocol_path);
    if (!protocol) return protocol.error();
    s.protocol = std::move(protocol).value();
  }
  const fs::path notes_path = dir / kNotesTxt;
  if (fs::exists(notes_path, ec)) {
    auto notes = read_notes_file(notes_path);
    if (notes) {
      s.user_notes = std::move(notes).value();
    } else {
      s.notes.push_back(fmt::format("{} could not be read ({}): no notes shown", kNotesTxt, notes.error().message));
    }
  }
  if (s.summary.partial) {
    s.notes.push_back(fmt::format("the session is partial: {}", s.summary.partial_reason.empty() ? "ended early" : s.summary.partial_reason));
  }
  return s;
}

std::vector<TwitchRow> twitch_rows(const SessionSummary& summary, const std::vector<Episode>& episodes) {
  std::vector<TwitchRow> rows;
  const double minutes = summary.duration_s > 0.0 ? summary.duration_s / 60.0 : kNaN;
  for (Region region : kRegions) {
    for (Laterality side : {Laterality::Left, Laterality::Right, Laterality::Bilateral}) {
      TwitchRow row;
      row.region = region;
      row.side = side;
      std::vector<double> freqs;
      for (const Episode& e : episodes) {
        if (e.region != region || e.side != side) continue;
        ++row.episodes;
        row.twitches += e.twitch_count;
        freqs.push_back(e.frequency_hz);
        if (!std::isfinite(row.peak_amplitude_iod) || e.peak_amplitude_iod > row.peak_amplitude_iod)
          row.peak_amplitude_iod = e.peak_amplitude_iod;
        ++row.types[std::string(episode_type_name(e.region, e.pattern))];
      }
      row.twitches_per_min = std::isfinite(minutes) ? static_cast<double>(row.twitches) / minutes : kNaN;
      row.median_frequency_hz = median_of(freqs);
      if (side != Laterality::Bilateral) {
        row.time_in_spasm_pct =
            time_in_episodes_pct(episodes, region, side == Laterality::Left ? Side::Left : Side::Right, summary.duration_s);
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::vector<KeyFrame> select_key_frames(const SessionData& session, int count) {
  std::vector<std::size_t> order(session.episodes.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return session.episodes[a].peak_amplitude_iod > session.episodes[b].peak_amplitude_iod;
  });
  std::vector<KeyFrame> out;
  for (std::size_t idx : order) {
    if (static_cast<int>(out.size()) >= count) break;
    const Episode& e = session.episodes[idx];
    const FrameRecord* best = nullptr;
    double best_value = kNaN;
    for (const FrameRecord& r : session.frames) {
      if (r.metrics.t < e.start_s || r.metrics.t > e.end_s || !r.metrics.face_found) continue;
      if (!landmarks_finite(r.metrics.landmarks_px)) continue;
      const double v = episode_value(e, r);
      if (std::isfinite(v) && (!std::isfinite(best_value) || v > best_value)) {
        best_value = v;
        best = &r;
      }
    }
    if (best == nullptr) continue;  // no measured frame inside the episode (frames.csv missing)
    KeyFrame k;
    k.episode = idx;
    k.frame = best->metrics.frame_index;
    k.t = best->metrics.t;
    k.value_iod = best_value;
    k.landmarks = best->metrics.landmarks_px;
    k.crop = face_crop(k.landmarks, session.summary.width, session.summary.height);
    k.image_note = "face images left out (--no-face-images)";
    out.push_back(std::move(k));
  }
  return out;
}

void attach_face_images(const SessionData& session, std::vector<KeyFrame>& key_frames) {
  if (key_frames.empty()) return;
  const SessionSummary& summary = session.summary;
  auto note_all = [&](const std::string& why) {
    for (KeyFrame& k : key_frames) k.image_note = why;
  };
  // The analysed file as the analysis read it (rotation metadata applied, flipped back when it was a
  // mirror image), so that the landmarks of frames.csv fall on the face; else the video recorded with
  // the session (live recordings: every captured frame, as analysed).
  std::error_code ec;
  fs::path video;
  VideoFileOptions file_options;
  if (summary.source == "file" && !summary.video.empty() && fs::is_regular_file(summary.video, ec)) {
    video = summary.video;
    file_options.mirrored_input = summary.mirrored_input;
  } else if (fs::is_regular_file(session.dir / kRecordedVideo, ec)) {
    video = session.dir / kRecordedVideo;
  } else {
    note_all(fmt::format("the video '{}' is not available: landmarks only", summary.video));
    return;
  }
  auto opened = open_video_file(video, file_options);
  if (!opened) {
    note_all(fmt::format("the video '{}' cannot be opened: landmarks only", video.string()));
    return;
  }
  std::unique_ptr<FrameSource> source = std::move(opened).value();
  for (KeyFrame& k : key_frames) {
    cv::Mat frame = read_frame(*source, k.frame, k.t);
    if (frame.empty()) {
      k.image_note = fmt::format("frame {} could not be read from the video: landmarks only", k.frame);
      continue;
    }
    const cv::Rect crop = k.crop & cv::Rect(0, 0, frame.cols, frame.rows);
    if (crop.width < 8 || crop.height < 8) {
      k.image_note = "the face is outside the video frame (a different video?): landmarks only";
      continue;
    }
    cv::Mat face = frame(crop).clone();
    const double scale = 360.0 / crop.width;
    cv::resize(face, face, cv::Size(), scale, scale, scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
    const int radius = std::max(1, static_cast<int>(std::lround(face.cols / 180.0)));
    for (const cv::Point2f& p : k.landmarks) {
      const cv::Point2f q((p.x - static_cast<float>(crop.x)) * static_cast<float>(scale),
                          (p.y - static_cast<float>(crop.y)) * static_cast<float>(scale));
      cv::circle(face, q, radius + 1, cv::Scalar(0, 0, 0), cv::FILLED, cv::LINE_AA);
      cv::circle(face, q, radius, cv::Scalar(80, 255, 80), cv::FILLED, cv::LINE_AA);
    }
    std::vector<unsigned char> jpeg;
    if (!cv::imencode(".jpg", face, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85})) {
      k.image_note = "the frame could not be encoded: landmarks only";
      continue;
    }
    k.crop = crop;
    k.jpeg_base64 = base64(jpeg);
    k.image_note.clear();
  }
}

std::string blinks_text(const std::vector<Blink>& blinks) {
  const std::size_t short_blinks = blink_count(blinks);
  std::vector<std::string> closures;
  for (const Blink& b : blinks) {
    if (is_long_eye_closure(b)) closures.push_back(fmt::format("{:.1f} s", b.end_s - b.start_s));
  }
  std::string out;
  if (short_blinks > 0 || closures.empty())
    out = short_blinks == 0 ? std::string("no blink") : fmt::format("{} blink{}", short_blinks, short_blinks == 1 ? "" : "s");
  if (!closures.empty()) {
    std::string list;
    for (const std::string& c : closures) {
      if (!list.empty()) list += ", ";
      list += c;
    }
    out += fmt::format("{}{} eye closure{} ({})", out.empty() ? "" : ", ", closures.size(), closures.size() == 1 ? "" : "s", list);
  }
  return out;
}

namespace {

// "2 min 10 s", "45 s" (rounded to the second, as the header's m:ss).
std::string plain_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "an unknown length";
  const long total = std::lround(s);
  if (total < 60) return fmt::format("{} s", total);
  return total % 60 == 0 ? fmt::format("{} min", total / 60) : fmt::format("{} min {} s", total / 60, total % 60);
}

std::string plain_side(Laterality l) {
  return l == Laterality::Bilateral ? std::string("both sides together") : fmt::format("the person's {} side", to_string(l));
}

std::string plain_region(Region r) { return r == Region::Mouth ? "the mouth corner" : "the eyelid"; }

// "0.90% IOD (0.57 mm)": a smallest detectable twitch, as the asymmetry values are written.
std::string iod_text(double iod) {
  return fmt::format("{:.2f}% IOD ({:.2f} mm)", 100.0 * iod, iod * kAssumedIodMm);
}

}  // namespace

std::vector<std::string> plain_summary(const SessionData& session, const std::vector<TwitchRow>& twitches) {
  const SessionSummary& s = session.summary;
  std::vector<std::string> out;
  const double measurable = s.frames > 0 ? 100.0 * static_cast<double>(s.frames_good_quality) / static_cast<double>(s.frames) : kNaN;
  const std::string share = s.frames_good_quality > 0 && std::isfinite(measurable) ? fmt::format("{:.1f}% of frames measurable", measurable)
                                                                                    : std::string("no frame measurable");
  out.push_back(fmt::format("facetwitch measured {} of video ({}){}.", plain_duration(s.duration_s), share,
                            s.partial ? "; the recording ended early" : ""));
  // What was found: the episodes per region and side.
  std::int64_t episodes = 0;
  std::vector<const TwitchRow*> found;
  for (const TwitchRow& t : twitches) {
    if (t.episodes == 0) continue;
    episodes += t.episodes;
    found.push_back(&t);
  }
  std::string off;
  if (!s.settings.mouth_enabled) off = "mouth-corner";
  if (!s.settings.eye_enabled) off += off.empty() ? "eyelid" : " and eyelid";
  if (!off.empty()) off = fmt::format(" ({} twitches were not looked for: detection off)", off);
  if (episodes == 0) {
    out.push_back(fmt::format("It found no twitch episode{}.", off));
  } else {
    const bool one_side = std::all_of(found.begin(), found.end(), [&](const TwitchRow* t) { return t->side == found.front()->side; });
    std::string parts;
    for (const TwitchRow* t : found) {
      std::string part = fmt::format("{} at {}", t->episodes, plain_region(t->region));
      if (!one_side) part += fmt::format(" on {}", plain_side(t->side));
      if (std::isfinite(t->median_frequency_hz)) part += fmt::format(" ({:.2f} Hz median)", t->median_frequency_hz);
      if (!parts.empty()) parts += ", ";
      parts += part;
    }
    const std::string what = fmt::format("It found {} twitch episode{}", episodes, episodes == 1 ? "" : "s");
    if (found.size() == 1) {
      const TwitchRow& t = *found.front();
      out.push_back(fmt::format("{} at {} on {}{}.", what, plain_region(t.region), plain_side(t.side),
                                std::isfinite(t.median_frequency_hz) ? fmt::format(" ({:.2f} Hz median)", t.median_frequency_hz)
                                                                     : std::string()));
    } else if (one_side) {
      out.push_back(fmt::format("{}, all on {}: {}.", what, plain_side(found.front()->side), parts));
    } else {
      out.push_back(fmt::format("{}: {}.", what, parts));
    }
  }
  if (!s.isolated_twitches.empty()) {
    std::string parts;
    for (Region r : kRegions) {
      for (Laterality l : {Laterality::Left, Laterality::Right, Laterality::Bilateral}) {
        const std::size_t n = count_isolated_twitches(s.isolated_twitches, r, l);
        if (n == 0) continue;
        if (!parts.empty()) parts += ", ";
        parts += fmt::format("{} at {} on {}", n, plain_region(r), plain_side(l));
      }
    }
    const std::size_t n = s.isolated_twitches.size();
    out.push_back(fmt::format("Counted apart: {} single twitch{} with no other close to {} ({}); a single brief twitch is not "
                              "an episode, and on real faces most are glances, swallows or video artefacts.",
                              n, n == 1 ? "" : "es", n == 1 ? "it" : "them", parts));
  }
  std::vector<std::string> closures;
  for (const Blink& b : s.blinks) {
    if (is_long_eye_closure(b)) closures.push_back(fmt::format("{:.1f} s", b.end_s - b.start_s));
  }
  if (!closures.empty()) {
    std::string list;
    for (const std::string& c : closures) {
      if (!list.empty()) list += ", ";
      list += c;
    }
    const std::string times = closures.size() == 1   ? std::string("once")
                              : closures.size() == 2 ? std::string("twice")
                                                     : fmt::format("{} times", closures.size());
    out.push_back(fmt::format("Both eyes were closed for {:g} s or longer {} ({}): {}, counted neither as a blink nor as a twitch.",
                              kLongEyeClosureS, times, list, closures.size() == 1 ? "a long eye closure" : "long eye closures"));
  }
  // The resting asymmetry: the headline value, and the measures above their normal band.
  const AsymmetrySummary& a = s.asymmetry;
  std::string above;
  std::size_t measured = 0;
  for (std::size_t i = 0; i < kAsymmetryMeasureCount; ++i) {
    if (a.resting[i].verdict == BandVerdict::Unknown) continue;
    ++measured;
    if (a.resting[i].verdict != BandVerdict::Above) continue;
    if (!above.empty()) above += ", ";
    above += measure_info(kAsymmetryMeasures[i]).label;
  }
  std::string asym = fmt::format("Resting mouth-corner asymmetry (left - right): {}.", describe_corner_height_diff(a.mouth_corner_height_iod()));
  if (measured > 0) {
    asym += above.empty() ? fmt::format(" All {} resting measures are within their normal band.", measured)
                          : fmt::format(" Above the normal band at rest: {}.", above);
  }
  out.push_back(std::move(asym));
  // How reliable: the measurable share and the smallest twitch each region could have shown.
  std::string reliability = std::isfinite(measurable) && measurable >= 90.0 ? "Reliability: good"
                            : std::isfinite(measurable) && measurable >= 60.0 ? "Reliability: fair"
                                                                                : "Reliability: limited";
  reliability += fmt::format(" ({}", share);
  std::string smallest;
  for (Region region : kRegions) {
    double worst = kNaN;
    for (Side side : kSides) {
      const double v = s.asymmetry.detect(region)[side].smallest_twitch_iod;
      if (std::isfinite(v) && (!std::isfinite(worst) || v > worst)) worst = v;
    }
    if (std::isfinite(worst)) smallest += fmt::format("{}{} at {}", smallest.empty() ? "" : ", ", iod_text(worst), plain_region(region));
  }
  if (!smallest.empty()) reliability += fmt::format("; twitches smaller than about {} could be missed", smallest);
  reliability += ").";
  out.push_back(std::move(reliability));
  out.push_back("This is a measurement, not a diagnosis; show it to your doctor.");
  return out;
}

Status check_not_same_session(const SessionData& a, const SessionData& b) {
  std::error_code ec;
  const std::string refuse = "a before / after comparison needs two different sessions: give another session folder to "
                             "--compare";
  if (fs::equivalent(a.dir, b.dir, ec) && !ec) {
    return make_error(ErrorKind::BadArguments, fmt::format("--compare '{}' is the same session folder as '{}': {}", b.dir.string(),
                                                           a.dir.string(), refuse));
  }
  const std::string summary_a = summary_to_json_string(a.summary), summary_b = summary_to_json_string(b.summary);
  if (summary_a == summary_b) {
    return make_error(ErrorKind::BadArguments, fmt::format("'{}' and '{}' hold the same session (identical summary.json, a "
                                                           "copy?): {}", a.dir.string(), b.dir.string(), refuse));
  }
  const fs::path va(a.summary.video), vb(b.summary.video);
  if (!va.empty() && !vb.empty() && fs::is_regular_file(va, ec) && fs::is_regular_file(vb, ec) &&
      fs::file_size(va, ec) == fs::file_size(vb, ec) && !ec) {
    const bool same = fs::equivalent(va, vb, ec) && !ec;
    auto ha = same ? Result<std::string>(std::string()) : sha256_file(va);
    auto hb = same ? Result<std::string>(std::string()) : sha256_file(vb);
    if (same || (ha && hb && ha.value() == hb.value())) {
      return make_error(ErrorKind::BadArguments, fmt::format("'{}' and '{}' were both measured from the same video ('{}'{}): {}",
                                                             a.dir.string(), b.dir.string(), va.string(),
                                                             same ? "" : fmt::format(", identical to '{}'", vb.string()), refuse));
    }
  }
  return {};
}

std::vector<std::string> compare_warnings(const SessionData& a, const SessionData& b) {
  std::vector<std::string> warnings;
  const std::string& pa = a.summary.patient_id;
  const std::string& pb = b.summary.patient_id;
  if (!pa.empty() && !pb.empty() && pa != pb) {
    warnings.push_back(fmt::format("These are different people: '{}' is patient '{}', '{}' is patient '{}'. A before / after "
                                   "comparison of two people says nothing about either.",
                                   a.dir.string(), pa, b.dir.string(), pb));
  } else if (pa.empty() != pb.empty()) {
    warnings.push_back(fmt::format("Only one of the two sessions names a patient ('{}': '{}'; the other: none): check that "
                                   "both are of the same person.",
                                   (pa.empty() ? b : a).dir.string(), pa.empty() ? pb : pa));
  }
  return warnings;
}

Report make_report(SessionData session, const ReportOptions& options, std::optional<SessionData> other) {
  Report r;
  r.title = options.title.empty() ? std::string(kDefaultReportTitle) : options.title;
  r.patient_id = options.patient_id.empty() ? session.summary.patient_id : options.patient_id;
  r.face_images = options.face_images;
  r.twitches = twitch_rows(session.summary, session.episodes);
  r.key_frames = select_key_frames(session, options.key_frames);
  r.plain_summary = plain_summary(session, r.twitches);
  r.notes = options.notes ? *options.notes : session.user_notes;
  if (other) r.warnings = compare_warnings(session, *other);  // the same session was refused by the caller
  if (options.face_images) attach_face_images(session, r.key_frames);
  if (other) {
    const double t_this = utc_seconds(session.summary.created_utc);
    const double t_other = utc_seconds(other->summary.created_utc);
    const bool this_first = std::isfinite(t_this) && std::isfinite(t_other) && t_this < t_other;
    r.before_session = this_first ? session : *other;
    r.after_session = this_first ? *other : session;
    const std::vector<CompareRow> before = session_numbers(*r.before_session);
    const std::vector<CompareRow> after = session_numbers(*r.after_session);
    // Every key of either session, in the order of the after session then the before-only ones.
    for (const CompareRow& a : after) {
      CompareRow row = a;
      const auto it = std::find_if(before.begin(), before.end(), [&](const CompareRow& b) { return b.key == a.key; });
      row.before = it != before.end() ? it->after : kNaN;
      if (std::isfinite(row.before) || std::isfinite(row.after)) r.compare.push_back(std::move(row));
    }
    for (const CompareRow& b : before) {
      if (std::none_of(after.begin(), after.end(), [&](const CompareRow& a) { return a.key == b.key; }) && std::isfinite(b.after)) {
        CompareRow row = b;
        row.before = b.after;
        row.after = kNaN;
        r.compare.push_back(std::move(row));
      }
    }
  }
  r.session = std::move(session);
  return r;
}

Status write_report_files(const Report& report, const std::filesystem::path& html, const std::filesystem::path& json) {
  if (Status st = write_file_atomically(html, report_html(report)); !st) return st;
  return write_file_atomically(json, report_json(report));
}

Result<Report> write_session_report(const std::filesystem::path& dir, const ReportOptions& options) {
  auto session = load_session(dir);
  if (!session) return session.error();
  Report r = make_report(std::move(session).value(), options);
  if (Status st = write_report_files(r, dir / kReportHtml, dir / kReportJson); !st) return st.error();
  return r;
}

}  // namespace ft
