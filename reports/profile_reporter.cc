#include "reports/profile_reporter.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "reports/text_escape.h"

namespace phptrun {
namespace {

std::string Fmt(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string Ms(double us) { return Fmt("%.3f", us / 1000); }

// A duration of a few microseconds or of several milliseconds, readably.
std::string Short(double us) {
  if (us >= 10000) return Fmt("%.2f ms", us / 1000);
  return Fmt("%.1f us", us);
}

std::string Cell(const std::string& text, size_t width, bool right) {
  if (text.size() >= width) return text;
  std::string pad(width - text.size(), ' ');
  return right ? pad + text : text + pad;
}

std::string Name(const std::string& raw, size_t width) {
  std::string text = EscapeReportText(raw, TextSink::kTerminal);
  if (text.size() > width) text = "..." + text.substr(text.size() - (width - 3));
  return text;
}

constexpr size_t kNameWidth = 34;

}  // namespace

ProfileReporter::ProfileReporter(std::ostream& out, size_t rows)
    : out_(out), rows_(rows), profile_(rows) {}

void ProfileReporter::CaseFinished(const CaseResult& result) {
  profile_.AddCase(result.file, result.time_ms, result.spans);
}

void ProfileReporter::WorkerSpans(int worker, const std::vector<Span>& spans) {
  for (const Span& s : spans) {
    if (s.parent < 0 && s.name == "MINIT") ++worker_starts_;
  }
  profile_.AddWorker(spans);
}

bool ProfileReporter::RunFinished(const RunEnd& end, std::string* err) {
  const Profile& p = profile_;
  if (p.traced_cases() == 0) {
    out_ << "\nProfile: no lifecycle spans were recorded (no case ran the engine).\n";
    out_.flush();
    return true;
  }
  double requests = static_cast<double>(std::max<uint64_t>(p.requests(), 1));
  double case_us = std::max(p.traced_time_us(), 1.0);
  out_ << "\nProfile of " << p.traced_cases() << (p.traced_cases() == 1 ? " case, " : " cases, ")
       << p.requests() << (p.requests() == 1 ? " request" : " requests")
       << " (lifecycle tracer; times summed over all workers)\n";

  out_ << '\n'
       << Cell("Where the time went", kNameWidth, false) << Cell("total ms", 12, true)
       << Cell("share", 9, true) << Cell("per request", 14, true) << '\n';
  for (const Profile::Stat& s : p.RequestPhases()) {
    out_ << "  " << Cell(s.name, kNameWidth - 2, false) << Cell(Ms(s.total_us), 12, true)
         << Cell(Fmt("%.1f%%", 100 * s.total_us / case_us), 9, true)
         << Cell(Fmt("%.3f ms", s.total_us / 1000 / requests), 14, true) << '\n';
  }
  out_ << "  " << Cell("all of it", kNameWidth - 2, false) << Cell(Ms(p.traced_time_us()), 12, true)
       << Cell("100.0%", 9, true) << '\n';
  if (p.traced_cases() < p.cases()) {
    size_t others = p.cases() - p.traced_cases();
    out_ << "  (" << others << (others == 1 ? " case" : " cases")
         << " ran no request, e.g. skipped for a missing extension: "
         << Ms(p.case_time_us() - p.traced_time_us()) << " ms)\n";
  }

  std::vector<Profile::Stat> kinds = p.Requests();
  if (!kinds.empty()) {
    out_ << '\n'
         << Cell("Requests", kNameWidth, false) << Cell("count", 12, true)
         << Cell("total ms", 12, true) << Cell("mean", 12, true) << '\n';
    for (const Profile::Stat& s : kinds) {
      out_ << "  " << Cell(s.name, kNameWidth - 2, false) << Cell(std::to_string(s.count), 12, true)
           << Cell(Ms(s.total_us), 12, true) << Cell(Short(s.mean_us()), 12, true) << '\n';
    }
  }

  auto hooks = [&](const std::string& title, const std::vector<Profile::Stat>& stats,
                   const std::string& prefix) {
    if (stats.empty()) return;
    out_ << '\n'
         << Cell(title, kNameWidth, false) << Cell("mean", 12, true) << Cell("max", 12, true)
         << Cell("total ms", 12, true) << Cell("calls", 9, true) << '\n';
    size_t shown = 0;
    for (const Profile::Stat& s : stats) {
      if (shown++ == rows_) break;
      out_ << "  "
           << Cell(Name(s.name.substr(prefix.size()), kNameWidth - 2), kNameWidth - 2, false)
           << Cell(Short(s.mean_us()), 12, true) << Cell(Short(s.max_us), 12, true)
           << Cell(Ms(s.total_us), 12, true) << Cell(std::to_string(s.count), 9, true) << '\n';
    }
    if (stats.size() > rows_) out_ << "  (" << stats.size() - rows_ << " more)\n";
  };
  auto steps = [&](const std::string& title, const std::vector<Profile::Stat>& stats) {
    if (stats.empty()) return;
    out_ << '\n'
         << Cell(title, kNameWidth, false) << Cell("mean", 12, true) << Cell("max", 12, true)
         << Cell("total ms", 12, true) << '\n';
    for (const Profile::Stat& s : stats) {
      out_ << "  " << Cell(s.name, kNameWidth - 2, false) << Cell(Short(s.mean_us()), 12, true)
           << Cell(Short(s.max_us), 12, true) << Cell(Ms(s.total_us), 12, true) << '\n';
    }
  };

  hooks("RINIT by extension", p.Hooks("RINIT "), "RINIT ");
  hooks("RSHUTDOWN by extension", p.Hooks("RSHUTDOWN "), "RSHUTDOWN ");
  hooks("post_deactivate by extension", p.Hooks("post_deactivate "), "post_deactivate ");
  hooks("Zend extensions' activate", p.Hooks("activate "), "activate ");
  hooks("Zend extensions' deactivate", p.Hooks("deactivate "), "deactivate ");
  steps("RINIT steps", p.Steps("RINIT"));
  steps("RSHUTDOWN steps", p.Steps("RSHUTDOWN"));

  std::vector<Profile::Stat> worker = p.WorkerPhases();
  if (!worker.empty()) {
    out_ << '\n'
         << Cell("Worker engine (" + std::to_string(worker_starts_) +
                     (worker_starts_ == 1 ? " start)" : " starts)"),
                 kNameWidth, false)
         << Cell("mean", 12, true) << Cell("max", 12, true) << Cell("total ms", 12, true) << '\n';
    for (const Profile::Stat& s : worker) {
      out_ << "  " << Cell(s.name, kNameWidth - 2, false) << Cell(Short(s.mean_us()), 12, true)
           << Cell(Short(s.max_us), 12, true) << Cell(Ms(s.total_us), 12, true) << '\n';
    }
    steps("MINIT steps", p.WorkerSteps("MINIT"));
    hooks("MINIT by extension", p.WorkerHooks("MINIT "), "MINIT ");
    hooks("Zend extensions' startup", p.WorkerHooks("startup "), "startup ");
    hooks("MSHUTDOWN by extension", p.WorkerHooks("MSHUTDOWN "), "MSHUTDOWN ");
  }

  auto slowest = [&](const std::string& title, const std::vector<Profile::Slow>& list) {
    if (list.empty()) return;
    out_ << '\n' << title << '\n';
    for (const Profile::Slow& s : list) {
      out_ << Cell(Fmt("%.3f ms", s.us / 1000), 14, true) << "  " << Name(s.what, 200);
      if (!s.where.empty()) out_ << "  (" << Name(s.where, 200) << ')';
      out_ << '\n';
    }
  };
  slowest("Slowest cases", p.SlowestCases());
  slowest("Slowest compiles", p.SlowestCompiles());
  out_.flush();
  if (out_.fail()) {
    if (err) *err = "console output failed (stream error)";
    return false;
  }
  return true;
}

}  // namespace phptrun
