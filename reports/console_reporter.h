// What a person (or a CI log) sees while phptrun runs.
//
//   ConsoleReporter console(std::cout, DetectConsoleOptions(STDOUT_FILENO, quiet, verbose,
//                                                           show_diff));
//
// Output, in order:
//   phptrun 0.1.0, PHP 8.2.36: 120 cases, 4 jobs        (not with -q)
//   FAIL Test name [dir/case.phpt] (reason)              one line per shown case
//   <diff>                                               --show-diff, after FAIL and LEAK
//   Ran 120 cases in 12.34s                              ("Interrupted after 37 of 120
//                                                         cases in 12.34s" on SIGINT)
//   110 passed, 2 failed, 5 skipped, 1 xfailed, 2 warned
//
// Which case lines are shown:
//   FAIL BORK LEAK             always
//   XFAIL WARN XLEAK           unless -q
//   SKIP PASS                  only with -v (which also shows XFAIL/WARN diffs)
// -v wins over -q when both are given.
//
// The summary line is exactly "N passed, N failed, N skipped" followed by
// ", N borked", ", N xfailed", ", N warned", ", N leaked", ", N xleaked" for
// the non-zero ones, and never anything else, so CI scripts can parse it; the
// duration therefore has its own line before it. Its counts come from
// RunEnd::summary.
//
// On a terminal (is_tty, not -q) a progress line "[ 37/120] 2 failed  path"
// is rewritten in place with \r, clipped to the terminal width, and wiped
// before any other line is printed; "failed" counts FAIL, BORK and LEAK.
// Colours are ANSI SGR and used only when `color` is set. Names, reasons and
// diffs are escaped with TextSink::kTerminal, so a test cannot send escape
// sequences to the terminal.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "reports/reporter.h"

namespace phptrun {

struct ConsoleOptions {
  bool is_tty = false;     // draw the \r progress line
  bool color = false;      // ANSI colours
  bool quiet = false;      // -q
  bool verbose = false;    // -v
  bool show_diff = false;  // --show-diff
  int width = 80;          // terminal columns; the progress line stays below this
  // run-tests.php's console options (docs/run-tests-options.md):
  bool filter_groups = false;   // -g: exactly the lines (and diffs) of these verdicts
  std::vector<Verdict> groups;
  int progress = -1;            // --progress 1 / --no-progress 0; -1: is_tty and not -q
  // Off a terminal, with progress on, a line every `life_interval_s` seconds
  // ("[ 37/120]  30% 2 failed, 0:30 elapsed, ~1:10 left") so a CI log shows life.
  double life_interval_s = 30;
  long slow_ms = -1;            // --show-slow MS: list cases that took >= MS after the run
  // Seconds on a steady clock; tests give their own.
  std::function<double()> clock;
};

// Options for writing to `fd` (normally STDOUT_FILENO): is_tty from isatty(),
// color from ColorWanted() with the environment, width from the terminal
// size (TIOCGWINSZ, then $COLUMNS, then 80).
ConsoleOptions DetectConsoleOptions(int fd, bool quiet, bool verbose, bool show_diff);

// The colour decision, separate from the environment so it can be tested:
// only on a terminal, never when NO_COLOR is set to a non-empty value
// (no-color.org), never when TERM is "dumb". Null pointers mean unset.
bool ColorWanted(bool is_tty, const char* no_color_env, const char* term_env);

class ConsoleReporter : public Reporter {
 public:
  // `out` must outlive the reporter.
  ConsoleReporter(std::ostream& out, ConsoleOptions options);

  void RunStarting(const RunInfo& info) override;
  void CaseStarting(const std::string& file) override;
  void CaseFinished(const CaseResult& result) override;
  // Prints the duration and summary lines; false (with *err) only if the
  // stream failed.
  bool RunFinished(const RunEnd& end, std::string* err) override;

 private:
  bool ShowsLine(Verdict v) const;
  bool ShowsDiff(Verdict v) const;
  bool ProgressWanted() const {
    if (options_.progress >= 0) return options_.progress == 1;
    return !(options_.quiet && !options_.verbose);
  }
  bool ShowsProgress() const { return options_.is_tty && ProgressWanted(); }
  double Now() const;
  // "  30% 2 failed, 0:30 elapsed, ~1:10 left" (the times once a second has passed).
  std::string ProgressText(bool with_times) const;
  void PrintSlowCases();
  std::string Paint(std::string_view text, Verdict v) const;
  void ClearProgress();
  void DrawProgress();

  std::ostream& out_;
  ConsoleOptions options_;
  size_t total_ = 0;
  size_t done_ = 0;
  size_t failed_ = 0;
  std::vector<std::string> running_;  // started, not yet finished; last shown
  size_t progress_columns_ = 0;       // visible width of the progress line on screen
  double started_s_ = 0;
  double last_life_s_ = 0;
  struct SlowCase {
    double ms;
    std::string line;  // "name [file]"
  };
  std::vector<SlowCase> slow_;
};

}  // namespace phptrun
