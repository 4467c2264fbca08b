// history_panel.cpp: the History tab (see history_panel.hpp).
#include "ui/history_panel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <sstream>

#include <imgui.h>

#include "io/session.hpp"
#include "ui/drawing.hpp"

namespace ft::ui {

namespace {

// What the trend plot can show: one measure per side of the person, or one value per session.
struct Family {
  const char* label;
  const char* suffix;  // measure name: "<region>-<side>-<suffix>"; nullptr: `single`
  const char* single;
  const char* unit;
};
constexpr Family kFamilies[] = {
    {"Twitches per minute", "per-min", nullptr, "/min"},
    {"Time in spasm", "spasm-pct", nullptr, "%"},
    {"Episodes", "episodes", nullptr, ""},
    {"Largest twitch", "peak-mm", nullptr, "mm"},
    {"Corner height at rest, L - R", nullptr, "rest-mouth-corner-mm", "mm"},
};
constexpr int kFamilyCount = static_cast<int>(sizeof kFamilies / sizeof kFamilies[0]);

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// The patient filter's label for a patient id.
std::string patient_label(const std::string& id) {
  return id.empty() ? std::string("(no patient id)") : id;
}

// "21 Nov" (with the year and time when `full`; "21 Nov 10:00", the time without the year, when
// `time_only`).
std::string nice_date(const std::string& iso, bool full, bool time_only = false) {
  std::tm tm{};
  std::istringstream in(iso);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail() || tm.tm_mon < 0 || tm.tm_mon > 11)
    return iso;
  char buf[48];
  if (time_only) {
    std::snprintf(buf, sizeof buf, "%d %s %02d:%02d", tm.tm_mday, kMonths[tm.tm_mon], tm.tm_hour,
                  tm.tm_min);
  } else if (full) {
    std::snprintf(buf, sizeof buf, "%d %s %d %02d:%02d", tm.tm_mday, kMonths[tm.tm_mon],
                  tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
  } else {
    std::snprintf(buf, sizeof buf, "%d %s", tm.tm_mday, kMonths[tm.tm_mon]);
  }
  return buf;
}

std::string value_text(double v, const char* unit, int decimals = 1) {
  if (!std::isfinite(v))
    return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f%s%s", decimals, v,
                (unit[0] != '\0' && unit[0] != '%') ? " " : "", unit);
  return buf;
}

double value_of(const history::SessionRecord& s, const std::string& name) {
  const history::Measure* m = history::find_measure(name);
  return m != nullptr ? history::measure_value(s, *m) : kNaN;
}

std::string measure_name(const Family& f, Region r, Side s) {
  if (f.suffix == nullptr)
    return f.single;
  return std::string(to_string(r)) + "-" + std::string(to_string(s)) + "-" + f.suffix;
}

}  // namespace

HistoryPanel::HistoryPanel(std::filesystem::path file, bool add_recordings)
    : file_(std::move(file)), add_recordings_(add_recordings) {}

HistoryPanel::~HistoryPanel() {
  // The window is closing: the recordings are closed by now or will stay partial; add them as they
  // are.
  for (const auto& folder : pending_)
    add_folder(folder, false);
}

void HistoryPanel::add_when_final(const std::filesystem::path& folder) {
  if (!add_recordings_)
    return;
  if (std::find(pending_.begin(), pending_.end(), folder) == pending_.end())
    pending_.push_back(folder);
}

void HistoryPanel::tick() {
  if (pending_.empty() || ImGui::GetTime() < next_check_s_)
    return;
  next_check_s_ = ImGui::GetTime() + 0.5;
  pending_.erase(
      std::remove_if(pending_.begin(), pending_.end(),
                     [this](const std::filesystem::path& f) { return add_folder(f, true); }),
      pending_.end());
}

// Adds `folder`; returns false only when it should be tried again later (summary not final yet).
bool HistoryPanel::add_folder(const std::filesystem::path& folder, bool only_if_final) {
  auto rec = history::read_session_folder(folder);
  if (rec && only_if_final && rec->partial) {
    // "in progress" until the recorder writes the final summary; any other reason is final.
    auto summary = read_summary_json(folder / "summary.json");
    if (summary && summary->partial_reason == "in progress")
      return false;
  }
  if (!db_) {
    auto db = history::HistoryDb::open(file_);
    if (!db) {
      error_ = db.error().message;
      return true;
    }
    db_ = std::move(db).value();
  }
  auto added = rec ? db_->add(rec.value()) : Result<history::AddResult>(rec.error());
  if (!added) {
    message_ = "The recording was not added to the history: " + added.error().message +
               ". The folder is kept; `facetwitch history import` adds it later.";
    message_warn_ = true;
    return true;
  }
  loaded_ = false;  // re-read on the next draw
  message_ = "Recording added to the history as session " + std::to_string(added->id) + ".";
  message_warn_ = false;
  return true;
}

void HistoryPanel::load() {
  loaded_ = true;
  error_.clear();
  sessions_.clear();
  all_.clear();
  if (!db_) {
    auto db = history::HistoryDb::open(file_);
    if (!db) {
      error_ = db.error().message;
      return;
    }
    db_ = std::move(db).value();
  }
  auto list = db_->list();
  if (!list) {
    error_ = list.error().message;
    return;
  }
  all_ = std::move(list).value();
  apply_filter();
}

std::vector<std::string> HistoryPanel::patients() const {
  std::vector<std::string> out;
  for (const auto& s : all_)
    out.push_back(s.patient_id);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void HistoryPanel::set_patient_filter(std::optional<std::string> patient) {
  patient_ = std::move(patient);
  if (loaded_)
    apply_filter();
}

void HistoryPanel::apply_filter() {
  sessions_.clear();
  for (const auto& s : all_) {
    if (!patient_ || s.patient_id == *patient_)
      sessions_.push_back(s);
  }
  // Keep the compared sessions that still exist; fill the others with the newest ones (older as A).
  for (std::int64_t& id : compare_) {
    if (find(id) == nullptr)
      id = 0;
  }
  bool filled = false;
  for (auto it = sessions_.rbegin(); it != sessions_.rend(); ++it) {
    if (compare_[0] != 0 && compare_[1] != 0)
      break;
    if (it->id == compare_[0] || it->id == compare_[1])
      continue;
    if (compare_[1] == 0)
      compare_[1] = it->id;
    else
      compare_[0] = it->id;
    filled = true;
  }
  if (compare_[0] == 0 || compare_[1] == 0) {
    compare_[0] = compare_[1] = 0;  // fewer than two sessions
  } else if (filled && find(compare_[0])->recorded_at > find(compare_[1])->recorded_at) {
    std::swap(compare_[0], compare_[1]);  // a session picked here: the older one is A
  }
}

const history::SessionRecord* HistoryPanel::find(std::int64_t id) const {
  for (const auto& s : sessions_) {
    if (s.id == id)
      return &s;
  }
  return nullptr;
}

void HistoryPanel::draw(const Fonts& fonts) {
  if (!loaded_)
    load();
  const float fs = fonts.size;
  ImGui::PushFont(fonts.small);
  if (patient_) {
    ImGui::TextColored(to_vec4(colour::kTextDim), "%zu of %zu session%s in %s", sessions_.size(),
                       all_.size(), all_.size() == 1 ? "" : "s", file_.filename().c_str());
  } else {
    ImGui::TextColored(to_vec4(colour::kTextDim), "%zu session%s in %s", sessions_.size(),
                       sessions_.size() == 1 ? "" : "s", file_.filename().c_str());
  }
  ImGui::PopFont();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", file_.c_str());
  ImGui::SameLine(ImGui::GetContentRegionAvail().x + ImGui::GetCursorPosX() - fs * 4.2f);
  if (ImGui::SmallButton("Reload"))
    load();
  if (!error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, to_vec4(rgba(90, 24, 36)));
    ImGui::BeginChild("##histerr", ImVec2(0, fs * 6.5f), true);
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    ImGui::TextColored(to_vec4(rgba(255, 200, 205)), "%s", error_.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    ImGui::PopStyleColor();
    return;
  }
  if (!message_.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(to_vec4(message_warn_ ? colour::kWarn : colour::kOk), "%s",
                       message_.c_str());
    ImGui::PopTextWrapPos();
  }
  if (!all_.empty())
    draw_patient_filter();
  if (sessions_.empty() && !all_.empty()) {
    ImGui::Spacing();
    ImGui::TextWrapped("No sessions of this patient. Choose another one, or All patients, above.");
    return;
  }
  if (sessions_.empty()) {
    ImGui::Spacing();
    ImGui::TextWrapped(
        "No sessions yet. Each video analysed with facetwitch analyse and each recording is added "
        "here, so you can follow your twitching over weeks (before and after a treatment, for "
        "instance). Older session folders can be added with: facetwitch history import FOLDER");
    return;
  }
  // Scrolls when the window is too short for the whole tab.
  ImGui::BeginChild("##historybody", ImVec2(0, 0), false);

  // Measure and region.
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.62f);
  if (ImGui::BeginCombo("##family", kFamilies[family_].label)) {
    for (int i = 0; i < kFamilyCount; ++i) {
      if (ImGui::Selectable(kFamilies[i].label, i == family_))
        family_ = i;
    }
    ImGui::EndCombo();
  }
  if (kFamilies[family_].suffix != nullptr) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1.0f);
    const char* regions[] = {"Mouth corners", "Eyelids"};
    ImGui::Combo("##region", &region_, regions, 2);
  }
  draw_trend(fonts, std::max(fs * 11.0f, ImGui::GetContentRegionAvail().y * 0.34f));
  ImGui::Spacing();
  draw_sessions_table();
  ImGui::Spacing();
  draw_compare();
  ImGui::EndChild();
  draw_delete_popup();
}

void HistoryPanel::draw_patient_filter() {
  const std::vector<std::string> ids = patients();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Patient");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1.0f);
  const std::string current = patient_ ? patient_label(*patient_) : std::string("All patients");
  if (ImGui::BeginCombo("##patient", current.c_str())) {
    if (ImGui::Selectable("All patients", !patient_))
      set_patient_filter(std::nullopt);
    for (const std::string& id : ids) {
      ImGui::PushID(id.c_str());
      if (ImGui::Selectable(patient_label(id).c_str(), patient_ && *patient_ == id))
        set_patient_filter(id);
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
}

void HistoryPanel::draw_trend(const Fonts& fonts, float height) {
  const Family& fam = kFamilies[family_];
  const Region region = region_ == 0 ? Region::Mouth : Region::Eye;
  struct Line {
    ImU32 colour;
    const char* name;
    std::vector<std::pair<double, double>> pts;  // (seconds since 1970, value)
    std::vector<std::int64_t> ids;
  };
  std::vector<Line> lines;
  if (fam.suffix != nullptr) {
    lines.push_back({colour::kLeft, "person's left", {}, {}});
    lines.push_back({colour::kRight, "person's right", {}, {}});
  } else {
    lines.push_back({colour::kBoth, "left - right", {}, {}});
  }
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  const float sfs = fonts.small->FontSize;
  const float left = fonts.small->CalcTextSizeA(sfs, 1e9f, 0.0f, "-000.0").x + 8.0f;
  const float plot_w = std::max(1.0f, w - left - sfs * 1.2f);

  // Each session at its recording time; sessions of one day (closer than ~1.6 font sizes on this
  // axis) spread apart so that each point is seen.
  std::vector<double> times;
  times.reserve(sessions_.size());
  double t0 = 1e300, t1 = -1e300;
  for (const auto& s : sessions_) {
    times.push_back(utc_seconds(s.recorded_at));
    if (std::isfinite(times.back())) {
      t0 = std::min(t0, times.back());
      t1 = std::max(t1, times.back());
    }
  }
  const double span = t0 <= t1 ? (t1 - t0) + 2.0 * std::max(43200.0, (t1 - t0) * 0.04) : 86400.0;
  const std::vector<double> xs =
      history::spread_trend_positions(times, span * (sfs * 1.6) / static_cast<double>(plot_w));
  trend_x_.clear();
  for (std::size_t i = 0; i < sessions_.size(); ++i) {
    if (std::isfinite(xs[i]))
      trend_x_.emplace_back(sessions_[i].id, xs[i]);
  }

  double x0 = 1e300, x1 = -1e300, y0 = 0.0, y1 = 0.0;
  for (std::size_t li = 0; li < lines.size(); ++li) {
    const std::string name = measure_name(fam, region, li == 0 ? Side::Left : Side::Right);
    for (std::size_t i = 0; i < sessions_.size(); ++i) {
      const auto& s = sessions_[i];
      const double t = xs[i];
      const double v = value_of(s, name);
      if (!std::isfinite(t) || !std::isfinite(v))
        continue;
      lines[li].pts.emplace_back(t, v);
      lines[li].ids.push_back(s.id);
      x0 = std::min(x0, t);
      x1 = std::max(x1, t);
      y0 = std::min(y0, v);
      y1 = std::max(y1, v);
    }
  }

  ImGui::Dummy(ImVec2(w, height));
  const ImVec2 p1(p0.x + w, p0.y + height);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float title_h = fonts.bold->FontSize * 1.5f;
  std::string title =
      std::string(fam.label) + (fam.unit[0] != '\0' ? std::string(" (") + fam.unit + ")" : "");
  if (fam.suffix != nullptr)
    title += region == Region::Mouth ? ", mouth" : ", eyelids";
  dl->AddText(fonts.bold, fonts.bold->FontSize, ImVec2(p0.x + 2, p0.y + 2), colour::kText,
              title.c_str());
  // Legend under the title.
  float lx = p0.x + 4;
  const float ly = p0.y + title_h + sfs * 0.5f;
  for (const Line& l : lines) {
    dl->AddLine(ImVec2(lx, ly), ImVec2(lx + sfs * 1.2f, ly), l.colour, 2.5f);
    lx += sfs * 1.2f + 5;
    dl->AddText(fonts.small, sfs, ImVec2(lx, ly - sfs * 0.55f), colour::kTextDim, l.name);
    lx += fonts.small->CalcTextSizeA(sfs, 1e9f, 0.0f, l.name).x + sfs;
  }
  const ImVec2 a0(p0.x + left, p0.y + title_h + sfs * 1.4f),
      a1(p1.x - sfs * 1.2f, p1.y - sfs - 8.0f);
  dl->AddRectFilled(a0, a1, colour::kPlotBg, 3.0f);
  if (x0 > x1) {
    const char* none = "No session has this measure.";
    dl->AddText(fonts.small, sfs, ImVec2(a0.x + 8, (a0.y + a1.y) * 0.5f - sfs * 0.5f),
                colour::kTextDim, none);
    return;
  }
  // Time axis: the sessions' dates, with half a day of room at both ends.
  const double pad_t = std::max(43200.0, (x1 - x0) * 0.04);
  x0 -= pad_t;
  x1 += pad_t;
  if (y1 - y0 < 1e-9)
    y1 = y0 + 1.0;
  const double ystep =
      nice_step(y1 - y0, std::max(2, static_cast<int>((a1.y - a0.y) / (sfs * 2.0f))));
  y0 = std::floor(y0 / ystep + 1e-9) * ystep;
  y1 = std::ceil(y1 / ystep - 1e-9) * ystep;
  auto X = [&](double t) {
    return a0.x + static_cast<float>((t - x0) / (x1 - x0)) * (a1.x - a0.x);
  };
  auto Y = [&](double v) {
    return a1.y - static_cast<float>((v - y0) / (y1 - y0)) * (a1.y - a0.y);
  };
  for (double v = y0; v <= y1 + ystep * 1e-6; v += ystep) {
    const float yy = Y(v);
    dl->AddLine(ImVec2(a0.x, yy), ImVec2(a1.x, yy),
                std::abs(v) < ystep * 1e-3 ? with_alpha(colour::kTextDim, 120) : colour::kGrid,
                1.0f);
    char buf[32];
    std::snprintf(buf, sizeof buf, ystep < 1.0 ? "%.1f" : "%.0f",
                  std::abs(v) < ystep * 1e-3 ? 0.0 : v);
    const float tw = fonts.small->CalcTextSizeA(sfs, 1e9f, 0.0f, buf).x;
    dl->AddText(fonts.small, sfs, ImVec2(a0.x - tw - 5, yy - sfs * 0.5f), colour::kTextDim, buf);
  }
  // Date labels under the sessions (once per day), skipping those that would overlap.
  float last_right = -1e9f;
  std::string last_day;
  for (std::size_t i = 0; i < sessions_.size(); ++i) {
    const auto& s = sessions_[i];
    const double t = xs[i];
    if (!std::isfinite(t))
      continue;
    const std::string d = nice_date(s.recorded_at, false);
    if (d == last_day) {
      dl->AddLine(ImVec2(X(t), a1.y), ImVec2(X(t), a1.y + 3), colour::kTextDim);
      continue;
    }
    last_day = d;
    const float tw = fonts.small->CalcTextSizeA(sfs, 1e9f, 0.0f, d.c_str()).x;
    const float x = std::clamp(X(t) - tw * 0.5f, a0.x - left * 0.5f, p1.x - tw);
    dl->AddLine(ImVec2(X(t), a1.y), ImVec2(X(t), a1.y + 3), colour::kTextDim);
    if (x < last_right + sfs * 0.6f)
      continue;
    dl->AddText(fonts.small, sfs, ImVec2(x, a1.y + 4), colour::kTextDim, d.c_str());
    last_right = x + tw;
  }
  dl->PushClipRect(ImVec2(a0.x - 6, a0.y - 6), ImVec2(a1.x + 6, a1.y + 6), true);
  for (const Line& l : lines) {
    for (std::size_t i = 0; i + 1 < l.pts.size(); ++i) {
      dl->AddLine(ImVec2(X(l.pts[i].first), Y(l.pts[i].second)),
                  ImVec2(X(l.pts[i + 1].first), Y(l.pts[i + 1].second)), l.colour, 2.0f);
    }
    for (std::size_t i = 0; i < l.pts.size(); ++i) {
      const ImVec2 c(X(l.pts[i].first), Y(l.pts[i].second));
      dl->AddCircleFilled(c, 3.5f, l.colour);
      if (l.ids[i] == compare_[0] || l.ids[i] == compare_[1])
        dl->AddCircle(c, 6.5f, colour::kText, 0, 1.5f);
    }
  }
  dl->PopClipRect();
}

void HistoryPanel::draw_sessions_table() {
  const float fs = ImGui::GetFontSize();
  ImGui::TextColored(to_vec4(colour::kTextDim),
                     "Sessions by recording date, newest first (A and B: compared below)");
  const ImGuiTableFlags tf = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg |
                             ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
  const float rows = static_cast<float>(std::min<std::size_t>(sessions_.size(), 6) + 1);
  // The recording time in the narrow column; the year too when the sessions span more than one.
  const bool one_year = sessions_.empty() || sessions_.front().recorded_at.substr(0, 4) ==
                                                 sessions_.back().recorded_at.substr(0, 4);
  const float row_h = ImGui::GetFrameHeight() + ImGui::GetStyle().CellPadding.y * 2.0f;
  // Seven columns in the side panel: half the usual room between them, so the recording time fits.
  ImGui::PushStyleVar(ImGuiStyleVar_CellPadding,
                      ImVec2(ImGui::GetStyle().CellPadding.x * 0.5f, ImGui::GetStyle().CellPadding.y));
  if (!ImGui::BeginTable("##sessions", 7, tf, ImVec2(0, rows * row_h + fs * 0.3f))) {
    ImGui::PopStyleVar();
    return;
  }
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("A");
  ImGui::TableSetupColumn("B");
  ImGui::TableSetupColumn("Recorded", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("Analysed");
  ImGui::TableSetupColumn("Mouth L/R");
  ImGui::TableSetupColumn("Eye L/R");
  ImGui::TableSetupColumn("");
  ImGui::TableHeadersRow();
  for (auto it = sessions_.rbegin(); it != sessions_.rend(); ++it) {
    const auto& s = *it;
    ImGui::PushID(static_cast<int>(s.id));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (ImGui::RadioButton("##a", compare_[0] == s.id))
      compare_[0] = s.id;
    ImGui::TableNextColumn();
    if (ImGui::RadioButton("##b", compare_[1] == s.id))
      compare_[1] = s.id;
    ImGui::TableNextColumn();
    // The session's id (`facetwitch history show ID`) is in the tooltip: the column is narrow.
    ImGui::Text("%s%s", nice_date(s.recorded_at, true, one_year).c_str(), s.partial ? " (partial)" : "");
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Session #%lld\n%s\n%s\nrecorded %s (%s)\nanalysed %s%s%s",
                        static_cast<long long>(s.id), s.folder.c_str(), s.video.c_str(),
                        nice_date(s.recorded_at, true).c_str(), s.recorded_at_source.c_str(),
                        nice_date(s.created_utc, true).c_str(), s.patient_id.empty() ? "" : "\npatient ",
                        s.patient_id.c_str());
    }
    ImGui::TableNextColumn();
    ImGui::TextColored(to_vec4(colour::kTextDim), "%s", nice_date(s.created_utc, false).c_str());
    for (Region r : kRegions) {
      ImGui::TableNextColumn();
      const auto* l = s.metric(r, Laterality::Left);
      const auto* rr = s.metric(r, Laterality::Right);
      ImGui::TextColored(to_vec4(colour::kLeft), "%s",
                         value_text(l ? l->twitches_per_min : kNaN, "").c_str());
      ImGui::SameLine(0, 2);
      ImGui::TextColored(to_vec4(colour::kTextDim), "/");
      ImGui::SameLine(0, 2);
      ImGui::TextColored(to_vec4(colour::kRight), "%s",
                         value_text(rr ? rr->twitches_per_min : kNaN, "").c_str());
    }
    ImGui::TableNextColumn();
    if (ImGui::SmallButton("Delete")) {
      delete_id_ = s.id;
      open_delete_popup_ = true;
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
  ImGui::PopStyleVar();
  ImGui::TextColored(to_vec4(colour::kTextDim),
                     "Mouth, Eye: twitches per minute, the person's left / right.");
}

void HistoryPanel::draw_compare() {
  const history::SessionRecord* a = find(compare_[0]);
  const history::SessionRecord* b = find(compare_[1]);
  if (a == nullptr || b == nullptr) {
    ImGui::TextDisabled("Pick sessions A and B in the table to compare them.");
    return;
  }
  const ImGuiTableFlags tf =
      ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##compare", 4, tf))
    return;
  const std::string ha = "A  " + nice_date(a->recorded_at, false),
                    hb = "B  " + nice_date(b->recorded_at, false);
  ImGui::TableSetupColumn("Left / right", ImGuiTableColumnFlags_WidthStretch, 1.9f);
  ImGui::TableSetupColumn(ha.c_str(), ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableSetupColumn(hb.c_str(), ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableSetupColumn("B - A", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableHeadersRow();
  // One value, or the person's left / right pair in the side colours.
  auto cell = [](double l, double r, bool pair, int decimals, bool signed_diff) {
    ImGui::TableNextColumn();
    auto one = [&](double v, ImU32 col) {
      char buf[32];
      if (!std::isfinite(v)) {
        std::snprintf(buf, sizeof buf, "-");
      } else {
        std::snprintf(buf, sizeof buf, signed_diff ? "%+.*f" : "%.*f", decimals, v);
      }
      ImGui::TextColored(to_vec4(col), "%s", buf);
    };
    if (!pair)
      return one(l, colour::kText);
    one(l, colour::kLeft);
    ImGui::SameLine(0, 2);
    ImGui::TextColored(to_vec4(colour::kTextDim), "/");
    ImGui::SameLine(0, 2);
    one(r, colour::kRight);
  };
  auto row = [&](const char* label, const std::string& left_measure,
                 const std::string& right_measure, int decimals) {
    const bool pair = !right_measure.empty();
    const double al = value_of(*a, left_measure), bl = value_of(*b, left_measure);
    const double ar = pair ? value_of(*a, right_measure) : kNaN,
                 br = pair ? value_of(*b, right_measure) : kNaN;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(label);
    cell(al, ar, pair, decimals, false);
    cell(bl, br, pair, decimals, false);
    cell(bl - al, br - ar, pair, decimals, true);
  };
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted("Length (s)");
  cell(a->duration_s, kNaN, false, 0, false);
  cell(b->duration_s, kNaN, false, 0, false);
  cell(b->duration_s - a->duration_s, kNaN, false, 0, true);
  for (Region r : kRegions) {
    const char* what = r == Region::Mouth ? "Mouth" : "Eyelids";
    for (int f = 0; f < 2; ++f) {
      const std::string label = std::string(what) + (f == 0 ? ": twitches/min" : ": in spasm %");
      row(label.c_str(), measure_name(kFamilies[f], r, Side::Left),
          measure_name(kFamilies[f], r, Side::Right), 1);
    }
  }
  row("Corners L-R (mm)", "rest-mouth-corner-mm", "", 2);
  ImGui::EndTable();
}

void HistoryPanel::draw_delete_popup() {
  if (open_delete_popup_) {
    ImGui::OpenPopup("Delete session?");
    open_delete_popup_ = false;
  }
  const ImVec2 centre = ImGui::GetMainViewport()->GetCenter();
  ImGui::SetNextWindowPos(centre, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 30.0f, 0));
  if (!ImGui::BeginPopupModal("Delete session?", nullptr, ImGuiWindowFlags_NoResize))
    return;
  const history::SessionRecord* s = find(delete_id_);
  if (s == nullptr) {
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return;
  }
  ImGui::TextWrapped("Delete session %lld (%s, %s) from the history?",
                     static_cast<long long>(s->id), nice_date(s->recorded_at, true).c_str(),
                     s->folder.c_str());
  ImGui::TextColored(to_vec4(colour::kTextDim),
                     "The session folder itself is kept; it can be imported again.");
  ImGui::Spacing();
  if (ImGui::Button("Delete from history")) {
    auto removed =
        db_ ? db_->remove(s->id) : Result<bool>(make_error(ErrorKind::Internal, "no database"));
    if (removed) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "Deleted session %lld from the history.",
                    static_cast<long long>(delete_id_));
      load();
      message_ = buf;
      message_warn_ = false;
    } else {
      error_ = removed.error().message;
    }
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
    ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace ft::ui
