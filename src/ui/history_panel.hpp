// history_panel.hpp: the window's History tab: the sessions of the session history (src/history, a
// SQLite file), dated by when they were recorded (the analysis date beside it), optionally of one
// patient only; the trend of a chosen measure over the recording dates (the person's left and right
// as two lines, in the side colours; sessions of one day spread apart so each is seen), two sessions
// compared side by side, and deleting a session from the history after a confirmation (the session
// folder itself is never deleted).
//
// The database is opened when the tab is first drawn and re-read with its Reload button (and by
// reload()); an unreadable or damaged file is shown in the tab, never a crash. Recordings made in
// the window are added as they finish (add_when_final, tick). UI thread only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "history/history.hpp"
#include "ui/theme.hpp"

namespace ft::ui {

class HistoryPanel {
 public:
  // `add_recordings` false (--no-history): recordings made in the window are not added.
  HistoryPanel(std::filesystem::path file, bool add_recordings);
  ~HistoryPanel();

  // Draws the tab's content in the current Dear ImGui window, `fonts` for the plot.
  void draw(const Fonts& fonts);
  // Re-reads the sessions from the file on the next draw().
  void reload() { loaded_ = false; }

  // For the counters file: sessions shown (those of the patient filter), all sessions, the compared
  // ids (0: none), the error shown ("" when none).
  std::size_t session_count() const { return sessions_.size(); }
  std::size_t total_count() const { return all_.size(); }
  std::int64_t compare_a() const { return compare_[0]; }
  std::int64_t compare_b() const { return compare_[1]; }
  const std::string& error() const { return error_; }
  const std::filesystem::path& file() const { return file_; }
  // Loads now (normally done by the first draw()).
  void load();

  // The patient filter: only the sessions whose patient_id is `patient` (nullopt: every session).
  // Chosen in the tab's Patient combo; set here by --history-patient.
  void set_patient_filter(std::optional<std::string> patient);
  const std::optional<std::string>& patient_filter() const { return patient_; }
  // The patient ids of the loaded sessions, sorted ("" for sessions without one).
  std::vector<std::string> patients() const;
  // For the counters file: the trend plot's session ids and their x positions (seconds since 1970,
  // after spreading the sessions of one day apart), as last drawn.
  const std::vector<std::pair<std::int64_t, double>>& trend_positions() const { return trend_x_; }

  // A recording made in the window: added to the history once its summary.json is final (the
  // recorder marks it "in progress" until then), at the latest when the panel is destroyed. A
  // failure is shown in the tab; the folder is never touched.
  void add_when_final(const std::filesystem::path& folder);
  // Called every frame (cheap): adds the pending recordings that are final.
  void tick();

 private:
  void draw_trend(const Fonts& fonts, float height);
  void draw_sessions_table();
  void draw_compare();
  void draw_delete_popup();
  const history::SessionRecord* find(std::int64_t id) const;
  void apply_filter();  // sessions_ from all_ and patient_; picks the compared sessions
  void draw_patient_filter();

  std::filesystem::path file_;
  std::unique_ptr<history::HistoryDb> db_;
  std::vector<history::SessionRecord> all_;       // every session, oldest recording first
  std::vector<history::SessionRecord> sessions_;  // those shown (patient filter), oldest first
  std::optional<std::string> patient_;            // the patient filter; nullopt: all
  std::vector<std::pair<std::int64_t, double>> trend_x_;
  bool loaded_ = false;
  std::string error_;
  std::string message_;        // last action, e.g. "Deleted session 3 from the history"
  bool message_warn_ = false;  // message_ is a warning (a recording could not be added)
  int family_ = 0;             // index into the measure families (twitches per minute, ...)
  int region_ = 0;             // 0 mouth, 1 eye
  std::int64_t compare_[2] = {0, 0};
  std::int64_t delete_id_ = 0;  // the session whose deletion is being confirmed
  bool open_delete_popup_ = false;
  bool add_recordings_ = true;
  std::vector<std::filesystem::path> pending_;  // recordings waiting for their final summary.json
  double next_check_s_ = 0.0;                   // ImGui time of the next look at pending_
  bool add_folder(const std::filesystem::path& folder, bool only_if_final);
};

}  // namespace ft::ui
