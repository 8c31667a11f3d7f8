#include "reports/console_reporter.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ostream>

#include "reports/text_escape.h"

namespace phptrun {
namespace {

// SGR parameters per verdict: failures red, expected outcomes cyan.
const char* VerdictColor(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "32";
    case Verdict::kFail:
    case Verdict::kBork:
    case Verdict::kLeak:
      return "1;31";
    case Verdict::kSkip:
      return "33";
    case Verdict::kWarn:
      return "35";
    case Verdict::kXfail:
    case Verdict::kXleak:
      return "36";
  }
  return "0";
}

// The words of the summary line, after "N ".
const char* SummaryWord(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "passed";
    case Verdict::kFail:
      return "failed";
    case Verdict::kSkip:
      return "skipped";
    case Verdict::kBork:
      return "borked";
    case Verdict::kXfail:
      return "xfailed";
    case Verdict::kWarn:
      return "warned";
    case Verdict::kLeak:
      return "leaked";
    case Verdict::kXleak:
      return "xleaked";
  }
  return "?";
}

std::string Terminal(std::string_view text) { return EscapeReportText(text, TextSink::kTerminal); }

// Case lines are one line each: line breaks inside a name or reason become
// spaces (escaping already made every other control character visible).
std::string OneLine(std::string_view text) {
  std::string line = Terminal(text);
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return line;
}

std::string FormatSeconds(double seconds) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2fs", seconds > 0 ? seconds : 0.0);
  return buf;
}

// Keeps the last `max` bytes of `text`, marked with "...", without starting
// inside a UTF-8 sequence; the tail of a path is the part that identifies it.
std::string ClipFront(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  if (max <= 3) return std::string(max, '.');
  size_t start = text.size() - (max - 3);
  while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xc0) == 0x80) ++start;
  return "..." + text.substr(start);
}

// "0:07", "12:34", "1:02:03".
std::string Clock(double seconds) {
  long s = seconds > 0 ? static_cast<long>(seconds) : 0;
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

}  // namespace

bool ColorWanted(bool is_tty, const char* no_color_env, const char* term_env) {
  if (!is_tty) return false;
  if (no_color_env != nullptr && no_color_env[0] != '\0') return false;
  if (term_env != nullptr && std::strcmp(term_env, "dumb") == 0) return false;
  return true;
}

ConsoleOptions DetectConsoleOptions(int fd, bool quiet, bool verbose, bool show_diff) {
  ConsoleOptions options;
  options.is_tty = isatty(fd) == 1;
  options.color = ColorWanted(options.is_tty, std::getenv("NO_COLOR"), std::getenv("TERM"));
  options.quiet = quiet;
  options.verbose = verbose;
  options.show_diff = show_diff;
  struct winsize size {};
  if (options.is_tty && ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    options.width = size.ws_col;
  } else if (const char* columns = std::getenv("COLUMNS")) {
    int value = std::atoi(columns);
    if (value > 0) options.width = value;
  }
  return options;
}

ConsoleReporter::ConsoleReporter(std::ostream& out, ConsoleOptions options)
    : out_(out), options_(options) {
  started_s_ = last_life_s_ = Now();
}

double ConsoleReporter::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string ConsoleReporter::ProgressText(bool with_times) const {
  char buf[128];
  int percent = total_ > 0 ? static_cast<int>(done_ * 100 / total_) : 0;
  std::snprintf(buf, sizeof buf, "%3d%% %zu failed", percent, failed_);
  std::string text = buf;
  double elapsed = Now() - started_s_;
  if (with_times && elapsed >= 1) {
    text += ", " + Clock(elapsed) + " elapsed";
    if (done_ > 0 && total_ > done_) {
      text += ", ~" + Clock(elapsed * static_cast<double>(total_ - done_) / done_) + " left";
    }
  }
  return text;
}

void ConsoleReporter::PrintSlowCases() {
  if (options_.slow_ms < 0 || slow_.empty()) return;
  std::stable_sort(slow_.begin(), slow_.end(),
                   [](const SlowCase& a, const SlowCase& b) { return a.ms > b.ms; });
  out_ << "Slow cases (at least " << options_.slow_ms << " ms):\n";
  for (const SlowCase& slow : slow_) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "(%.3f s) ", slow.ms / 1000);
    out_ << buf << slow.line << '\n';
  }
}

bool ConsoleReporter::ShowsLine(Verdict v) const {
  if (options_.filter_groups) {
    return std::find(options_.groups.begin(), options_.groups.end(), v) != options_.groups.end();
  }
  if (options_.verbose) return true;
  switch (v) {
    case Verdict::kFail:
    case Verdict::kBork:
    case Verdict::kLeak:
      return true;
    case Verdict::kXfail:
    case Verdict::kWarn:
    case Verdict::kXleak:
      return !options_.quiet;
    case Verdict::kPass:
    case Verdict::kSkip:
      return false;
  }
  return true;
}

bool ConsoleReporter::ShowsDiff(Verdict v) const {
  if (!options_.show_diff) return false;
  if (options_.filter_groups) return ShowsLine(v);
  if (v == Verdict::kFail || v == Verdict::kLeak) return true;
  return options_.verbose && (v == Verdict::kXfail || v == Verdict::kWarn);
}

std::string ConsoleReporter::Paint(std::string_view text, Verdict v) const {
  if (!options_.color) return std::string(text);
  return std::string("\x1b[") + VerdictColor(v) + "m" + std::string(text) + "\x1b[0m";
}

void ConsoleReporter::ClearProgress() {
  if (progress_columns_ == 0) return;
  out_ << '\r' << std::string(progress_columns_, ' ') << '\r';
  progress_columns_ = 0;
}

void ConsoleReporter::DrawProgress() {
  if (!ShowsProgress()) return;
  std::string counter;
  if (total_ > 0) {
    int digits = static_cast<int>(std::to_string(total_).size());
    char buf[64];
    std::snprintf(buf, sizeof buf, "[%*zu/%zu] %3d%% ", digits, done_, total_,
                  static_cast<int>(done_ * 100 / total_));
    counter = buf;
  } else {
    counter = "[" + std::to_string(done_) + "] ";
  }
  std::string failed = std::to_string(failed_) + " failed";
  std::string times = ProgressText(true).substr(ProgressText(false).size());
  std::string line = counter + failed + times;
  // One column short of the width: writing the last column wraps on some
  // terminals, and then \r returns to the wrong line.
  size_t max = options_.width > 1 ? static_cast<size_t>(options_.width - 1) : 1;
  if (!running_.empty() && line.size() + 2 < max) {
    line += "  " + ClipFront(OneLine(running_.back()), max - line.size() - 2);
  }
  if (line.size() > max) line.resize(max);

  ClearProgress();
  if (options_.color && failed_ > 0 && line.size() >= counter.size() + failed.size()) {
    // Only the count is painted; the times and the path follow as they are.
    out_ << counter << Paint(failed, Verdict::kFail) << line.substr(counter.size() + failed.size());
  } else {
    out_ << line;
  }
  out_.flush();
  progress_columns_ = line.size();
}

void ConsoleReporter::RunStarting(const RunInfo& info) {
  total_ = info.total_cases;
  if (options_.quiet && !options_.verbose) return;
  const EngineInfo& e = info.engine;
  out_ << "phptrun " << OneLine(info.phptrun_version) << ", "
       << OneLine(e.version.empty() ? "PHP " + info.php_version : e.Build()) << ": "
       << info.total_cases << (info.total_cases == 1 ? " case, " : " cases, ") << info.jobs
       << (info.jobs == 1 ? " job" : " jobs");
  if (info.max_jobs > info.jobs) out_ << " (auto: up to " << info.max_jobs << " while some wait)";
  out_ << '\n';
  // What runs, so a run on the wrong build shows at once.
  if (!e.version.empty()) {
    out_ << "engine " << OneLine(e.libphp) << ", php.ini "
         << OneLine(e.php_ini.empty() ? "(none)" : e.php_ini) << ", extension dir "
         << OneLine(e.extension_dir) << ", CLI " << OneLine(e.php_binary) << '\n';
  }
  out_.flush();
}

void ConsoleReporter::CaseStarting(const std::string& file) {
  // A case handed out again (given back, or its worker died) is one case.
  if (std::find(running_.begin(), running_.end(), file) != running_.end()) return;
  running_.push_back(file);
  DrawProgress();
}

void ConsoleReporter::CaseFinished(const CaseResult& result) {
  ++done_;
  if (VerdictFailsRun(result.verdict)) ++failed_;
  auto it = std::find(running_.begin(), running_.end(), result.file);
  if (it != running_.end()) running_.erase(it);
  if (options_.slow_ms >= 0 && result.time_ms >= static_cast<double>(options_.slow_ms)) {
    slow_.push_back({result.time_ms, OneLine(result.name.empty() ? result.file : result.name) +
                                         " [" + OneLine(result.file) + "]"});
  }

  if (!result.blocks.empty()) {  // --show-php, --show-out, ...: whatever the verdict
    ClearProgress();
    out_ << Terminal(result.blocks);
  }
  if (ShowsLine(result.verdict)) {
    ClearProgress();
    out_ << Paint(VerdictName(result.verdict), result.verdict) << ' '
         << OneLine(result.name.empty() ? result.file : result.name) << " [" << OneLine(result.file)
         << ']';
    if (!result.reason.empty()) out_ << " (" << OneLine(result.reason) << ')';
    // -v: how a resident PASS was decided, when something grew after warm-up.
    const ResidentReport& resident = result.resident;
    if (result.reason.empty() && resident.present &&
        (resident.decision.rfind("bounded", 0) == 0 ||
         resident.decision.rfind("undecided", 0) == 0)) {
      out_ << " (" << OneLine(resident.decision);
      if (resident.extended_from > 0) {
        out_ << "; extended from " << resident.extended_from << " to " << resident.iterations
             << " iterations";
      }
      out_ << ')';
    }
    out_ << '\n';
    if (ShowsDiff(result.verdict) && !result.diff.empty()) {
      std::string diff = Terminal(result.diff);
      out_ << diff;
      if (diff.back() != '\n') out_ << '\n';
    }
  }
  // Off a terminal: a line now and then, so a long run shows life in a log.
  if (!options_.is_tty && ProgressWanted() && options_.life_interval_s > 0 &&
      Now() - last_life_s_ >= options_.life_interval_s && done_ < total_) {
    last_life_s_ = Now();
    int digits = static_cast<int>(std::to_string(total_).size());
    char buf[64];
    std::snprintf(buf, sizeof buf, "[%*zu/%zu] ", digits, done_, total_);
    out_ << buf << ProgressText(true) << '\n';
    out_.flush();
  }
  DrawProgress();
}

bool ConsoleReporter::RunFinished(const RunEnd& end, std::string* err) {
  ClearProgress();
  PrintSlowCases();
  const Summary& summary = end.summary;
  size_t finished = static_cast<size_t>(summary.Total());
  if (end.interrupted) {
    out_ << "Interrupted after " << finished << " of " << total_
         << (total_ == 1 ? " case in " : " cases in ") << FormatSeconds(end.duration_s) << '\n';
  } else {
    out_ << "Ran " << finished << (finished == 1 ? " case in " : " cases in ")
         << FormatSeconds(end.duration_s) << '\n';
  }
  out_ << summary.Count(Verdict::kPass) << " passed, " << summary.Count(Verdict::kFail)
       << " failed, " << summary.Count(Verdict::kSkip) << " skipped";
  for (Verdict v :
       {Verdict::kBork, Verdict::kXfail, Verdict::kWarn, Verdict::kLeak, Verdict::kXleak}) {
    if (summary.Count(v) != 0) out_ << ", " << summary.Count(v) << ' ' << SummaryWord(v);
  }
  out_ << '\n';
  out_.flush();
  if (out_.fail()) {
    if (err) *err = "console output failed (stream error)";
    return false;
  }
  return true;
}

}  // namespace phptrun
