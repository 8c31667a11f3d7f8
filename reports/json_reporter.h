// The JSON report (--json FILE): every case with its phases, for scripts and
// dashboards. Via nlohmann::json, keys in the order written here:
//
//   {"phptrun": "0.1.0", "php": "8.2.36", "started": "2026-11-21T19:34:00Z",
//    "duration_s": 41.2, "summary": {"PASS": n, ..., "XLEAK": n},  (all verdicts)
//    "interrupted": false, "supervisor_max_rss_kb": n,
//    "shard": {"index", "count", "collected", "digest", "assigned"},  (--shard only)
//    "unfinished": [file, ...],                  (only when cases got no result)
//    "tests": [{"file", "name", "verdict", "reason", "time_ms",
//               "phases": [{"name", "ms", "heap_before", "heap_after", "heap_peak",
//                           "persistent_before", "persistent_after"}],
//               "reused_verdict",                  (confirmed in a fresh process only)
//               "label": "WARN&FAIL",              (a WARN carrying a failure only)
//               "resident": {...},                     (resident runs only, below)
//               "rerun"}]}                          (run again after its worker died only)
//
// "shard" and "unfinished" are what phptrun merge checks (docs/ci.md).
//
// Phases are flat: SKIPIF, RINIT, compile, execute, RSHUTDOWN, CLEAN (and
// "MINIT (restart for startup INI)") as the case ran them, then "runner", the
// rest of time_ms, so they add up to it. The persistent figures (malloc'd
// bytes) come from the lifecycle tracer and are absent when it is off. The
// tracer's span tree (per extension, per step, per compile) goes to --trace
// and --profile only: for a big suite it would make this file huge.
//
//   "resident": {"mode": "worker", "iterations": 200, "warmup": 20, "completed": 200,
//                "max_growth": 0,
//                "series": {"heap": [..one value per completed iteration; past
//                           kMaxSeriesPoints iterations every "series_stride"-th
//                           one, from the first..], "persistent",
//                           "classes", "functions", "constants", "objects", "gc_roots",
//                           "resources", "interned_strings"},
//                "growth": {metric: per iteration after warm-up},   ({} when not judged)
//                "leaking": [metric, ...],
//                "sites": [{"file", "line", "function", "bytes", "count"}],  (largest first)
//                "retained": {"bytes", "blocks"}, "attribution": "second pass",
//                "iterations_per_s": 41234.5, "loop_ms": 12.1, "sampling_ms": 0.9}
//   (loop_ms: the iterations with GC and sampling; sampling_ms: the part of
//   it spent taking and sending samples, phptrun's own cost)
//
// Tests are sorted by file; `summary` counts the tests listed, so it stays
// consistent with "tests" when the run was interrupted. Times are rounded to
// microseconds. Strings go through EscapeReportText(.., TextSink::kJson):
// invalid UTF-8 bytes become "\xNN" text (nlohmann's dump() would throw on
// them), control characters stay exact as JSON "\u00NN" escapes. The file
// is written one test at a time, so its size does not cost memory.
//
//   JsonReporter json(options.json_path);
//   ... RunStarting / CaseFinished ...
//   if (!json.RunFinished(end, &err)) ...        // writes FILE atomically
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "reports/cumulative_reporter.h"

namespace phptrun {

// A figure for a JSON report (or the HTML report's data): rounded to
// `decimals` places, NaN and infinities as 0.
double Rounded(double value, int decimals);

// Above this many iterations a resident series is downsampled in the JSON
// report ("series_stride").
constexpr size_t kMaxSeriesPoints = 10000;

class JsonReporter : public CumulativeReporter {
 public:
  // Keys keep insertion order, so the file reads in the order documented above.
  using Json = nlohmann::ordered_json;

  explicit JsonReporter(std::string path);

  void Render(const RunEnd& end, std::ostream& out) const override;

  // The whole report as a value. Render() writes exactly ToJson(end).dump(2)
  // plus a newline, but one test at a time; this builds it all in memory, so
  // it is for tests and small runs.
  Json ToJson(const RunEnd& end) const;
  // Everything before "tests": versions, start, duration, summary, flags.
  Json HeaderJson(const RunEnd& end) const;
  // One element of "tests"; "resident" follows "phases" when present.
  static Json CaseToJson(const CaseResult& result);
  // The "resident" object of one element of "tests".
  static Json ResidentToJson(const ResidentReport& resident);
};

}  // namespace phptrun
