// cmd_history.cpp: `facetwitch history list|import|trend|show|delete`: the session history (a
// SQLite file, docs/OUTPUT.md "Session history"), and adding finished sessions to it from
// `analyse`/`record`.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/history_options.hpp"
#include "app/terminal.hpp"
#include "history/history.hpp"
#include "metrics/regional_asymmetry.hpp"

namespace ft::app {

namespace {
namespace fs = std::filesystem;
using history::HistoryDb;
using history::SessionRecord;

struct HistoryCmdCli {
  HistoryCli db;
  std::string patient;
  bool patient_given = false;
  std::string since, until;
  bool json = false;
  std::vector<std::string> folders;
  std::string measure = "mouth-left-per-min";
  bool list_measures = false;
  std::int64_t id = 0;
  bool yes = false;
};

int fail(const Error& e) {
  std::fprintf(stderr, "facetwitch: %s\n", printable(e.message).c_str());
  return exit_code(e.kind);
}

// `read_only` for the commands that only read it (list, trend, show): a history the user may not
// write can still be read.
Result<std::unique_ptr<HistoryDb>> open_db(const HistoryCli& h, bool read_only = false) {
  history::OpenOptions options;
  options.read_only = read_only;
  return HistoryDb::open(history::resolve_history_path(h.file), options);
}

// The commands that only read the history (list, trend, show, delete) on a path where no file exists:
// says so and returns true, instead of creating an empty history (and its folders) there.
bool no_history_here(const HistoryCli& h) {
  const fs::path file = history::resolve_history_path(h.file);
  std::error_code ec;
  if (fs::symlink_status(file, ec).type() != fs::file_type::not_found) return false;  // there, or unknown
  std::printf("No session history at '%s' (the file does not exist; nothing was created). Sessions are added "
              "by `facetwitch analyse`, `facetwitch record` and recordings in the window, or with "
              "`facetwitch history import FOLDER`.\n",
              printable(file.string()).c_str());
  return true;
}

// "2026-11-21T10:00:00Z" -> "2026-11-21 10:00".
std::string short_date(const std::string& iso) {
  std::string d = iso.substr(0, std::min<std::size_t>(iso.size(), 16));
  if (d.size() > 10 && d[10] == 'T')
    d[10] = ' ';
  return d;
}

std::string num(double v, int decimals) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : "-";
}

double per_min(const SessionRecord& s, Region r, Laterality l) {
  const auto* m = s.metric(r, l);
  return m != nullptr ? m->twitches_per_min : kNaN;
}

Status check_date(const std::string& option, const std::string& value) {
  // YYYY-MM-DD: digits with dashes at 4 and 7 (std::regex trips GCC 12's -Wmaybe-uninitialized in sanitizer builds).
  const bool day = value.size() == 10 && std::all_of(value.begin(), value.end(), [i = 0](char c) mutable {
                     const int at = i++;
                     return (at == 4 || at == 7) ? c == '-' : (c >= '0' && c <= '9');
                   });
  if (value.empty() || day)
    return {};
  return make_error(
      ErrorKind::BadArguments,
      fmt::format("{} must be a date YYYY-MM-DD (UTC), e.g. 2026-11-01; got '{}'", option, value));
}

Result<history::ListFilter> make_filter(const HistoryCmdCli& o) {
  history::ListFilter f;
  if (o.patient_given)
    f.patient = o.patient;
  for (const auto& [name, value] :
       {std::pair{"--since", &o.since}, std::pair{"--until", &o.until}}) {
    if (Status st = check_date(name, *value); !st)
      return st.error();
  }
  f.since = o.since;
  f.until = o.until;
  return f;
}

nlohmann::ordered_json jnum(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json session_json(const SessionRecord& s) {
  nlohmann::ordered_json j{{"id", s.id},
                           {"folder", s.folder},
                           {"patient_id", s.patient_id},
                           {"recorded_at", s.recorded_at},
                           {"recorded_at_source", s.recorded_at_source},
                           {"created_utc", s.created_utc},
                           {"source", s.source},
                           {"video", s.video},
                           {"duration_s", s.duration_s},
                           {"frames", s.frames},
                           {"frames_good_quality", s.frames_good_quality},
                           {"fps", s.fps},
                           {"partial", s.partial},
                           {"added_utc", s.added_utc},
                           {"notes", s.notes},
                           {"mouth_corner_height_iod", jnum(s.mouth_corner_height_iod)},
                           {"asymmetry_index", jnum(s.asymmetry_index)}};
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();
  for (const auto& m : s.metrics) {
    nlohmann::ordered_json item{{"episodes", m.episodes},
                                {"twitches", m.twitches},
                                {"twitches_per_min", jnum(m.twitches_per_min)},
                                {"median_frequency_hz", jnum(m.median_frequency_hz)},
                                {"peak_amplitude_iod", jnum(m.peak_amplitude_iod)}};
    if (m.side != Laterality::Bilateral)
      item["time_in_spasm_pct"] = jnum(m.time_in_spasm_pct);
    counts[std::string(to_string(m.region))][std::string(to_string(m.side))] = std::move(item);
  }
  j["counts"] = std::move(counts);
  nlohmann::ordered_json regions = nlohmann::ordered_json::object();
  for (const auto& r : s.regions) {
    regions[r.key] = {{"left", jnum(r.left)},
                      {"right", jnum(r.right)},
                      {"diff", jnum(r.diff)},
                      {"diff_mm", jnum(r.diff_mm)}};
  }
  j["resting_asymmetry"] = std::move(regions);
  return j;
}

// The history and the filter of --patient/--since/--until (list, trend).
struct Filtered {
  std::unique_ptr<HistoryDb> db;
  history::ListFilter filter;
};
Result<Filtered> open_filtered(const HistoryCmdCli& o) {
  auto filter = make_filter(o);
  if (!filter)
    return filter.error();
  auto db = open_db(o.db, true);
  if (!db)
    return db.error();
  return Filtered{std::move(db).value(), std::move(filter).value()};
}

int run_list(const HistoryCmdCli& o) {
  if (no_history_here(o.db))
    return 0;
  auto h = open_filtered(o);
  if (!h)
    return fail(h.error());
  auto sessions = h->db->list(h->filter);
  if (!sessions)
    return fail(sessions.error());
  if (o.json) {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& s : sessions.value())
      arr.push_back(session_json(s));
    std::cout << arr.dump(2) << '\n';
    return 0;
  }
  if (sessions->empty()) {
    std::printf(
        "No sessions in the history %s%s.\n", printable(h->db->path().string()).c_str(),
        (h->filter.patient || !o.since.empty() || !o.until.empty()) ? " match these filters" : "");
    std::printf(
        "Sessions are added by `facetwitch analyse`, `facetwitch record` and recordings in the "
        "window; add older session folders with `facetwitch history import FOLDER`.\n");
    return 0;
  }
  std::printf("Session history %s: %zu session%s (twitches per minute by the person's side)\n",
              printable(h->db->path().string()).c_str(), sessions->size(), sessions->size() == 1 ? "" : "s");
  std::printf("%5s  %-16s %-16s %8s  %7s %7s  %7s %7s  %-22s  %s\n", "id", "recorded (UTC)",
              "analysed (UTC)", "length", "mouth L", "mouth R", "eye L", "eye R", "corners at rest, L-R",
              "folder");
  bool undated = false;  // a session dated by its analysis only
  for (const SessionRecord& s : sessions.value()) {
    const bool by_analysis = s.recorded_at_source == "analysis time";
    undated = undated || by_analysis;
    std::printf("%5lld  %-16s%s%-16s %7.0fs  %7s %7s  %7s %7s  %-22s  %s%s%s\n",
                static_cast<long long>(s.id), short_date(s.recorded_at).c_str(), by_analysis ? "*" : " ",
                short_date(s.created_utc).c_str(), s.duration_s,
                num(per_min(s, Region::Mouth, Laterality::Left), 1).c_str(),
                num(per_min(s, Region::Mouth, Laterality::Right), 1).c_str(),
                num(per_min(s, Region::Eye, Laterality::Left), 1).c_str(),
                num(per_min(s, Region::Eye, Laterality::Right), 1).c_str(),
                format_corner_height_diff(s.mouth_corner_height_iod).c_str(), printable(s.folder).c_str(),
                s.partial ? "  (partial)" : "",
                s.patient_id.empty() ? "" : fmt::format("  [{}]", printable(s.patient_id)).c_str());
  }
  std::printf(
      "corners at rest: resting mouth-corner height, left - right (+: the person's left corner "
      "higher), mm approximate.\n");
  std::printf("recorded: the video's own creation time, else its file time, or a recording's start%s\n",
              undated ? "; *: not known, the analysis time instead" : ".");
  return 0;
}

int run_import(const HistoryCmdCli& o) {
  auto db = open_db(o.db);
  if (!db)
    return fail(db.error());
  std::vector<fs::path> paths(o.folders.begin(), o.folders.end());
  const auto items = history::import_folders(*db.value(), paths);
  int imported = 0, updated = 0, skipped = 0;
  for (const auto& it : items) {
    switch (it.outcome) {
      case history::ImportItem::Outcome::Imported:
        ++imported;
        std::printf("imported  #%lld  %s\n", static_cast<long long>(it.id), printable(it.folder.string()).c_str());
        break;
      case history::ImportItem::Outcome::Updated:
        ++updated;
        std::printf("updated   #%lld  %s (already in the history: refreshed from its files)\n",
                    static_cast<long long>(it.id), printable(it.folder.string()).c_str());
        break;
      case history::ImportItem::Outcome::Skipped:
        ++skipped;
        std::printf("skipped        %s: %s\n", printable(it.folder.string()).c_str(), printable(it.reason).c_str());
        break;
    }
  }
  std::printf("%d imported, %d updated, %d skipped, into %s\n", imported, updated, skipped,
              printable(db.value()->path().string()).c_str());
  return skipped > 0 ? exit_code(ErrorKind::Input) : 0;
}

// A text sparkline of `values`, lowest to highest mapped to 8 block heights.
std::string sparkline(const std::vector<double>& values) {
  static const char* kBlocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                  "\u2585", "\u2586", "\u2587", "\u2588"};
  if (values.empty())
    return {};
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  std::string out;
  for (double v : values) {
    const int level = *hi > *lo ? static_cast<int>(std::lround((v - *lo) / (*hi - *lo) * 7.0)) : 3;
    out += kBlocks[std::clamp(level, 0, 7)];
  }
  return out;
}

int run_trend(const HistoryCmdCli& o) {
  if (o.list_measures) {
    for (const auto& m : history::measures())
      std::printf("%-34s %s%s\n", m.name.c_str(), m.label.c_str(),
                  m.unit.empty() ? "" : fmt::format(" ({})", m.unit).c_str());
    return 0;
  }
  const history::Measure* measure = history::find_measure(o.measure);
  if (measure == nullptr) {
    return fail(make_error(
        ErrorKind::BadArguments,
        fmt::format("unknown measure '{}': `facetwitch history trend --list-measures` lists them "
                    "(e.g. mouth-left-per-min, eye-right-spasm-pct, rest-mouth-corner-mm)",
                    o.measure)));
  }
  if (no_history_here(o.db))
    return 0;
  auto h = open_filtered(o);
  if (!h)
    return fail(h.error());
  auto points = h->db->trend(*measure, h->filter);
  if (!points)
    return fail(points.error());
  const std::string unit = measure->unit.empty() ? "" : " " + measure->unit;
  std::printf("%s%s\n", measure->label.c_str(),
              measure->unit.empty() ? "" : fmt::format(" ({})", measure->unit).c_str());
  if (points->empty()) {
    std::printf("No session in the history %s has this measure yet.\n", printable(h->db->path().string()).c_str());
    return 0;
  }
  std::printf("%5s  %-16s %-16s %10s\n", "id", "recorded (UTC)", "analysed (UTC)", "value");
  std::vector<double> values;
  for (const auto& p : points.value()) {
    std::printf("%5lld  %-16s %-16s %10s\n", static_cast<long long>(p.id),
                short_date(p.recorded_at).c_str(), short_date(p.created_utc).c_str(), num(p.value, 2).c_str());
    values.push_back(p.value);
  }
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  std::printf("trend  %s   (%zu sessions, oldest to newest; low %s, high %s%s)\n",
              sparkline(values).c_str(), values.size(), num(*lo, 2).c_str(), num(*hi, 2).c_str(),
              unit.c_str());
  if (values.size() >= 2) {
    std::printf("first %s%s, last %s%s\n", num(values.front(), 2).c_str(), unit.c_str(),
                num(values.back(), 2).c_str(), unit.c_str());
  }
  return 0;
}

Result<SessionRecord> find_session(const HistoryDb& db, std::int64_t id) {
  auto s = db.get(id);
  if (!s)
    return s.error();
  if (!s.value()) {
    return make_error(
        ErrorKind::BadArguments,
        fmt::format(
            "there is no session #{} in the history {}: `facetwitch history list` shows the ids",
            id, db.path().string()));
  }
  return std::move(*s.value());
}

// The history and its session `o.id` (show, delete).
struct Found {
  std::unique_ptr<HistoryDb> db;
  SessionRecord session;
};
Result<Found> open_and_find(const HistoryCmdCli& o, bool read_only) {
  auto db = open_db(o.db, read_only);
  if (!db)
    return db.error();
  auto s = find_session(*db.value(), o.id);
  if (!s)
    return s.error();
  return Found{std::move(db).value(), std::move(s).value()};
}

int run_show(const HistoryCmdCli& o) {
  if (no_history_here(o.db))
    return 0;
  auto found = open_and_find(o, true);
  if (!found)
    return fail(found.error());
  const SessionRecord* s = &found->session;
  if (o.json) {
    std::cout << session_json(*s).dump(2) << '\n';
    return 0;
  }
  const SessionRecord& r = *s;
  std::printf("Session #%lld  %s%s\n", static_cast<long long>(r.id),
              short_date(r.recorded_at).c_str(),
              r.partial ? "  (partial: the recording stopped early)" : "");
  std::printf("  recorded   %s (%s)\n  analysed   %s\n", short_date(r.recorded_at).c_str(),
              printable(r.recorded_at_source).c_str(), short_date(r.created_utc).c_str());
  std::printf("  folder     %s\n  video      %s (%s)\n", printable(r.folder).c_str(), printable(r.video).c_str(),
              printable(r.source).c_str());
  if (!r.patient_id.empty())
    std::printf("  patient    %s\n", printable(r.patient_id).c_str());
  std::printf("  length     %.1f s, %lld frames (%lld measurable), %.1f fps\n", r.duration_s,
              static_cast<long long>(r.frames), static_cast<long long>(r.frames_good_quality),
              r.fps);
  std::printf("  added      %s\n", short_date(r.added_utc).c_str());
  if (!r.notes.empty())
    std::printf("  notes      %s\n", printable(r.notes).c_str());
  std::printf("\n  %-16s %8s %8s %9s %9s %8s %8s\n", "(person's side)", "episodes", "twitches",
              "per min", "spasm %", "freq Hz", "peak mm");
  for (const auto& m : r.metrics) {
    std::printf("  %-16s %8lld %8lld %9s %9s %8s %8s\n",
                fmt::format("{} {}", to_string(m.region), to_string(m.side)).c_str(),
                static_cast<long long>(m.episodes), static_cast<long long>(m.twitches),
                num(m.twitches_per_min, 2).c_str(), num(m.time_in_spasm_pct, 1).c_str(),
                num(m.median_frequency_hz, 2).c_str(),
                num(m.peak_amplitude_iod * kAssumedIodMm, 2).c_str());
  }
  std::printf("\n  Asymmetry, the person's left - right (mm approximate)\n");
  // The resting mouth-corner height as everywhere else; the table below has the other measures.
  std::printf("  %-44s %s\n", "Mouth-corner height, at rest",
              describe_corner_height_diff(r.mouth_corner_height_iod).c_str());
  std::printf("  %-44s %9s %% IOD\n", "Mirror asymmetry index, at rest",
              num(100.0 * r.asymmetry_index, 2).c_str());
  for (const auto& d : r.regions) {
    if (d.key == "mouth_corner_height")
      continue;
    std::string label = d.key, unit = "mm";
    for (AsymmetryMeasure m : kAsymmetryMeasures) {
      if (measure_info(m).key == d.key) {
        label = std::string(measure_info(m).label) + ", at rest";
        if (measure_info(m).angle)
          unit = "deg";
      }
    }
    std::printf("  %-44s %9s %s\n", label.c_str(),
                num(unit == "mm" ? d.diff_mm : d.diff, 2).c_str(), unit.c_str());
  }
  return 0;
}

int run_delete(const HistoryCmdCli& o) {
  if (no_history_here(o.db))
    return 0;
  auto found = open_and_find(o, false);
  if (!found)
    return fail(found.error());
  const SessionRecord* s = &found->session;
  const std::string what =
      fmt::format("session {} (recorded {}, {})", o.id, short_date(s->recorded_at), s->folder);
  if (!o.yes) {
    if (::isatty(STDIN_FILENO) == 0) {
      return fail(make_error(
          ErrorKind::BadArguments,
          fmt::format(
              "not deleting {}: there is no terminal to confirm on; pass --yes to delete it "
              "from the history (the folder itself is never deleted)",
              what)));
    }
    std::printf("Delete %s from the history? The folder itself is kept. [y/N] ", printable(what).c_str());
    std::fflush(stdout);
    std::string answer;
    if (!std::getline(std::cin, answer) || (answer != "y" && answer != "Y" && answer != "yes")) {
      std::printf("Not deleted.\n");
      return 0;
    }
  }
  auto removed = found->db->remove(o.id);
  if (!removed)
    return fail(removed.error());
  std::printf(
      "Deleted %s from the history. The session folder was not touched; `facetwitch history import "
      "%s` "
      "adds it back.\n",
      printable(what).c_str(), printable(s->folder).c_str());
  return 0;
}

}  // namespace

void add_history_options(CLI::App* cmd, HistoryCli& h, bool with_disable) {
  cmd->add_option("--history", h.file,
                  "session history file (default $FACETWITCH_HISTORY, else "
                  "$XDG_DATA_HOME/facetwitch/history.sqlite, ~/.local/share/...)");
  if (with_disable)
    cmd->add_flag("--no-history", h.disabled, "do not add this session to the session history");
}

void add_to_history(const HistoryCli& h, const fs::path& folder, bool quiet) {
  if (h.disabled)
    return;
  const fs::path file = history::resolve_history_path(h.file);
  auto warn = [&](const std::string& why) {
    std::fprintf(stderr,
                 "facetwitch: warning: the session was not added to the history: %s. The session "
                 "folder %s is "
                 "complete; add it later with `facetwitch history import %s`.\n",
                 printable(why).c_str(), printable(folder.string()).c_str(), printable(folder.string()).c_str());
  };
  auto rec = history::read_session_folder(folder);
  if (!rec)
    return warn(rec.error().message);
  auto db = HistoryDb::open(file);
  if (!db)
    return warn(db.error().message);
  auto added = db.value()->add(rec.value());
  if (!added)
    return warn(added.error().message);
  if (!quiet) {
    std::printf("  added to the session history as #%lld (%s; `facetwitch history list`)\n",
                static_cast<long long>(added->id), printable(file.string()).c_str());
    std::fflush(stdout);
  }
}

void register_history(CLI::App& root, int& exit_code) {
  auto o = std::make_shared<HistoryCmdCli>();
  CLI::App* cmd = root.add_subcommand("history",
                                      "the session history: list, import, trend, show and delete "
                                      "past sessions (a local SQLite file)");
  cmd->require_subcommand(1);
  auto filters = [&o](CLI::App* sub) {
    sub->add_option("--patient", o->patient, "only this patient_id (summary.json)")
        ->each([o](const std::string&) { o->patient_given = true; });
    sub->add_option("--since", o->since,
                    "only sessions recorded on or after this day (YYYY-MM-DD, UTC)");
    sub->add_option("--until", o->until,
                    "only sessions recorded on or before this day (YYYY-MM-DD, UTC)");
  };

  CLI::App* list =
      cmd->add_subcommand("list", "list the sessions by the date they were recorded, oldest first");
  filters(list);
  list->add_flag("--json", o->json, "print JSON instead of a table");
  add_history_options(list, o->db, false);
  list->callback([o, &exit_code] { exit_code = run_list(*o); });

  CLI::App* imp = cmd->add_subcommand("import",
                                      "add session folders (or folders of session folders, one "
                                      "level down); a folder already there is updated");
  imp->add_option("folders", o->folders, "session folders, or folders holding session folders")
      ->required();
  add_history_options(imp, o->db, false);
  imp->callback([o, &exit_code] { exit_code = run_import(*o); });

  CLI::App* trend =
      cmd->add_subcommand("trend", "one measure per session over time: a table and a sparkline");
  trend->add_option("--measure,-m", o->measure,
                    "the measure (default mouth-left-per-min; --list-measures lists them)");
  trend->add_flag("--list-measures", o->list_measures, "list the measures and exit");
  filters(trend);
  add_history_options(trend, o->db, false);
  trend->callback([o, &exit_code] { exit_code = run_trend(*o); });

  CLI::App* show = cmd->add_subcommand("show", "every stored number of one session");
  show->add_option("id", o->id, "session id (`history list`)")->required();
  show->add_flag("--json", o->json, "print JSON");
  add_history_options(show, o->db, false);
  show->callback([o, &exit_code] { exit_code = run_show(*o); });

  CLI::App* del = cmd->add_subcommand(
      "delete", "remove one session from the history (its folder is never deleted)");
  del->add_option("id", o->id, "session id (`history list`)")->required();
  del->add_flag("--yes,-y", o->yes, "do not ask (needed when stdin is not a terminal)");
  add_history_options(del, o->db, false);
  del->callback([o, &exit_code] { exit_code = run_delete(*o); });
}

}  // namespace ft::app
