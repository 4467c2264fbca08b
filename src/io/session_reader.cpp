// session_reader.cpp: reads frames.csv and episodes.csv back (replay, tests, other tools). Columns
// are found by header name, so reordered and extra columns are fine; a last line cut off by a crash
// is skipped and reported. (summary.json is read in summary_json.cpp, next to its writer.)
#include <array>
#include <cmath>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "io/csv.hpp"
#include "io/session.hpp"
#include "io/session_format.hpp"

namespace ft {
namespace fs = std::filesystem;
namespace sf = session_format;

namespace {

// Finds every name of `names` in `header`; an Input error names the first missing one.
template <class Names>
Result<std::vector<std::size_t>> resolve_columns(const csv::Header& header, const Names& names,
                                                 const fs::path& path) {
  std::vector<std::size_t> index;
  index.reserve(std::size(names));
  for (const auto& name : names) {
    const std::optional<std::size_t> i = header.find(name);
    if (!i) {
      return csv::input_error(
          path, 1,
          fmt::format("column '{}' is missing (not a facetwitch file, or a damaged one)", name));
    }
    index.push_back(*i);
  }
  return index;
}

// Converts the fields of one frames.csv row, in the order of sf::frames_columns().
class FrameRowParser {
 public:
  FrameRowParser(const fs::path& path, const csv::Row& row, const std::vector<std::size_t>& columns,
                 std::int64_t line)
      : path_(path), row_(row), columns_(columns), line_(line) {}

  const Status& status() const { return status_; }

  std::string_view text(std::size_t k) const { return row_[columns_[k]]; }

  std::int64_t integer() {
    std::int64_t v = 0;
    if (!csv::parse_int(next_text(), v))
      fail("a whole number");
    return v;
  }
  double number() {
    double v = kNaN;
    if (!csv::parse_double(next_text(), v))
      fail("a number");
    return v;
  }
  float number_f() {
    float v = 0.0f;
    if (!csv::parse_float(next_text(), v))
      fail("a number");
    return v;
  }
  // Pixel geometry: an empty field (a frame without a face) keeps the struct's default 0.
  float pixels() {
    const float v = number_f();
    return std::isnan(v) ? 0.0f : v;
  }
  bool flag() {
    bool v = false;
    if (!csv::parse_bool01(next_text(), v))
      fail("0 or 1");
    return v;
  }
  std::string_view word() { return csv::trim(next_text()); }

 private:
  std::string_view next_text() {
    current_ = next_++;
    return text(current_);
  }
  void fail(std::string_view expected) {
    if (!status_.ok())
      return;
    status_ =
        csv::bad_field(path_, line_, sf::frames_columns()[current_], text(current_), expected);
  }

  const fs::path& path_;
  const csv::Row& row_;
  const std::vector<std::size_t>& columns_;
  std::int64_t line_;
  std::size_t next_ = 0;
  std::size_t current_ = 0;
  Status status_;
};

Result<FrameRecord> parse_frame_row(const fs::path& path, const csv::Row& row,
                                    const std::vector<std::size_t>& columns, std::int64_t line) {
  FrameRowParser p(path, row, columns, line);
  FrameRecord rec;
  FaceMetrics& m = rec.metrics;
  FrameSignals& sig = rec.signals;
  // The reads below follow the order of sf::frames_columns().
  m.frame_index = p.integer();
  m.t = p.number();
  m.face_found = p.flag();
  m.quality = quality_from_string(std::string(p.word()));
  m.pose.yaw_deg = p.number();
  m.pose.pitch_deg = p.number();
  m.pose.roll_deg = p.number();
  m.pose.valid = std::isfinite(m.pose.yaw_deg) && std::isfinite(m.pose.pitch_deg) &&
                 std::isfinite(m.pose.roll_deg);
  m.iod_px = p.number();
  for (Region r : kRegions) {
    for (Side s : kSides) {
      SignalSample& x = sig[r][s];
      x.value_iod = p.number();
      x.valid = std::isfinite(x.value_iod);
    }
  }
  for (Region r : kRegions) {
    for (Side s : kSides)
      sig[r][s].active = p.flag();
  }
  for (Region r : kRegions) {
    for (Side s : kSides)
      sig[r][s].threshold_iod = p.number();
  }
  for (Side s : kSides)
    m.eye_aperture_iod[s] = p.number();
  for (Side s : kSides)
    m.brow_height_iod[s] = p.number();
  for (Side s : kSides) {
    m.mouth_corner[s].x = p.number_f();
    m.mouth_corner[s].y = p.number_f();
  }
  m.mouth_corner_height_diff_iod = p.number();
  m.asymmetry_index_iod = p.number();
  m.face_box_px.x = p.pixels();
  m.face_box_px.y = p.pixels();
  m.face_box_px.width = p.pixels();
  m.face_box_px.height = p.pixels();
  for (cv::Point2f& pt : m.landmarks_px) {
    pt.x = p.pixels();
    pt.y = p.pixels();
  }
  // Late columns (sf::kFramesLateColumns): present only in newer files.
  if (columns.size() > sf::frames_required_columns().size())
    m.mouth_opening_iod = p.number();
  if (!p.status().ok())
    return p.status().error();
  return rec;
}

}  // namespace

Result<FramesCsvContents> read_frames_csv(const fs::path& path) {
  try {
    FramesCsvContents contents;
    std::vector<std::size_t> columns;
    csv::TableCallbacks callbacks;
    callbacks.on_header = [&](const csv::Header& header) -> Status {
      Result<std::vector<std::size_t>> found =
          resolve_columns(header, sf::frames_required_columns(), path);
      if (!found.ok())
        return found.error();
      columns = std::move(found).value();
      // The late columns, when the file has all of them (older files have none).
      std::vector<std::size_t> late;
      for (const char* name : sf::kFramesLateColumns) {
        if (const std::optional<std::size_t> i = header.find(name))
          late.push_back(*i);
      }
      if (late.size() == sf::kFramesLateColumns.size())
        columns.insert(columns.end(), late.begin(), late.end());
      return {};
    };
    callbacks.on_row = [&](const csv::Row& row, std::int64_t line) -> Status {
      Result<FrameRecord> rec = parse_frame_row(path, row, columns, line);
      if (!rec.ok())
        return rec.error();
      contents.rows.push_back(std::move(rec).value());
      return {};
    };
    if (Status s = csv::read_csv_table(path, callbacks, contents.truncated); !s)
      return s.error();
    return contents;
  } catch (const std::exception& e) {
    return csv::input_error(path, 0, std::string("cannot be read: ") + e.what());
  }
}

Result<std::vector<Episode>> read_episodes_csv(const fs::path& path) {
  // Required columns (duration_s and peak_amplitude_mm are derived, so optional).
  static constexpr std::array<const char*, 7> kRequired{
      "start_s", "end_s", "side", "region", "twitch_count", "frequency_hz", "peak_amplitude_iod"};
  static constexpr std::array<const char*, 6> kOptional{"pattern", "longest_contraction_s", "median_contraction_s",
                                                         "co_contraction", "brow_change_iod", "brow_lift"};
  try {
    std::array<std::optional<std::size_t>, kOptional.size()> opt{};
    std::vector<Episode> episodes;
    std::vector<std::size_t> col;
    csv::TableCallbacks callbacks;
    callbacks.on_header = [&](const csv::Header& header) -> Status {
      Result<std::vector<std::size_t>> found = resolve_columns(header, kRequired, path);
      if (!found.ok())
        return found.error();
      col = std::move(found).value();
      for (std::size_t k = 0; k < kOptional.size(); ++k) opt[k] = header.find(kOptional[k]);
      return {};
    };
    callbacks.on_row = [&](const csv::Row& row, std::int64_t line) -> Status {
      Episode e;
      // Optional columns (written since 0.2): an empty field means "not measured".
      auto field = [&](std::size_t k) -> std::optional<std::string_view> {
        if (!opt[k]) return std::nullopt;
        const std::string_view f = csv::trim(row[*opt[k]]);
        if (f.empty()) return std::nullopt;
        return f;
      };
      auto bad_opt = [&](std::size_t k, std::string_view expected) -> Status {
        return csv::bad_field(path, line, kOptional[k], row[*opt[k]], expected);
      };
      if (auto f = field(0)) {
        const std::optional<EpisodePattern> p = episode_pattern_from_name(*f);
        if (!p) return bad_opt(0, "clonic, tonic or clonic-tonic");
        e.pattern = *p;
      }
      if (auto f = field(1); f && !csv::parse_double(*f, e.longest_contraction_s)) return bad_opt(1, "a number");
      if (auto f = field(2); f && !csv::parse_double(*f, e.median_contraction_s)) return bad_opt(2, "a number");
      if (auto f = field(3)) {
        if (*f != "0" && *f != "1") return bad_opt(3, "0 or 1");
        e.co_contraction = *f == "1";
      }
      if (auto f = field(4); f && !csv::parse_double(*f, e.brow_change_iod)) return bad_opt(4, "a number");
      if (auto f = field(5)) {
        if (*f != "0" && *f != "1") return bad_opt(5, "0 or 1");
        e.brow_lift = *f == "1";
      }
      auto bad = [&](std::size_t k, std::string_view expected) -> Status {
        return csv::bad_field(path, line, kRequired[k], row[col[k]], expected);
      };
      if (!csv::parse_double(row[col[0]], e.start_s))
        return bad(0, "a number");
      if (!csv::parse_double(row[col[1]], e.end_s))
        return bad(1, "a number");
      const std::optional<Laterality> side = sf::parse_laterality(csv::trim(row[col[2]]));
      if (!side)
        return bad(2, "left, right or bilateral");
      e.side = *side;
      const std::optional<Region> region = sf::parse_region(csv::trim(row[col[3]]));
      if (!region)
        return bad(3, "mouth or eye");
      e.region = *region;
      std::int64_t count = 0;
      if (!csv::parse_int(row[col[4]], count) || count < 0 || count > 1'000'000'000) {
        return bad(4, "a count");
      }
      e.twitch_count = static_cast<int>(count);
      if (!csv::parse_double(row[col[5]], e.frequency_hz))
        return bad(5, "a number");
      if (!csv::parse_double(row[col[6]], e.peak_amplitude_iod))
        return bad(6, "a number");
      episodes.push_back(e);
      return {};
    };
    bool truncated = false;
    if (Status s = csv::read_csv_table(path, callbacks, truncated); !s)
      return s.error();
    return episodes;
  } catch (const std::exception& e) {
    return csv::input_error(path, 0, std::string("cannot be read: ") + e.what());
  }
}

}  // namespace ft
