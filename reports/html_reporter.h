// The HTML report (--html FILE): one self-contained page a person opens in a
// browser from file://, with the summary, every case (filterable, with
// diffs), the resident cases' series plotted against the iteration with the
// figures of the LEAK rule, and where the time went. docs/html-report.md
// describes the page.
//
//   HtmlReporter html(options.html_file);
//   ... RunStarting / CaseFinished / WorkerSpans ...
//   if (!html.RunFinished(end, &err)) ...        // writes FILE atomically
//
// The file is the page (reports/html/, compiled in by html_assets.h), then
// the data as JSON in two <script type="application/json"> elements, then
// Chart.js and the page's script, which builds the DOM from the data with
// textContent only:
//
//   <script type="application/json" id="phptrun-run">{run}</script>
//   <script type="application/json" id="phptrun-cases">[
//   {case},
//   {case}
//   ]</script>
//
// run:  {"phptrun", "php", "started", "duration_s", "interrupted",
//        "exit_status" (what phptrun exits with for these verdicts), "jobs",
//        "cores", "arguments": [..], "total_cases" (planned), "summary": {verdict: n},
//        "slowest": [case id, ..], "phase_totals": [{"name", "ms", "count"}],
//        "profile": null | {"traced_cases", "requests",
//                           "rinit"|"rshutdown": [{"name", "count", "total_ms", "mean_us",
//                                                  "max_us"}]},
//        "supervisor_max_rss_kb"}
// case: {"id" (position in the list, the permalink #case-ID), "file", "name", "verdict",
//        "reason", "ms", "worker", "start_ms", "phases": [[name, ms], ..],
//        "diff"?, "reused_verdict"?, "resident"?}
// resident: {"mode", "iterations", "completed", "warmup", "max_growth",
//            "judged" (the LEAK rule ran), "checkpoints": [b_0 .. b_K] (empty: not judged),
//            "tail_from" (the first of the last K/2 intervals, 1-based), "middle" (b_{K/2}),
//            "decision", "extended"?: {"from", "because"},
//            "output_differs" (first iteration whose output differed, 0: none),
//            "fresh"? (worker): {"checked": [k, ..], "differs" (0: none)},
//            "metrics": [{"name", "bytes", "values": [one per iteration run], "leaking",
//                         and when judged: "trend", "last_rise", "growth",
//                         "highs": [warm-up, interval 1 .. K], "rose": [false, ..],
//                         "rising_tail", "middle_high", "limit" and "at_limit_since"
//                         (an engine cache at its bound), "judged_from" (memory
//                         judged after that cache filled)}],
//            "sites": [{"file", "line", "function", "bytes", "count"}],
//            "retained": {"bytes", "blocks"},
//            "retainers": [{"path", "items": [per checkpoint], "bytes": [..], "trend",
//                           "items_growth", "bytes_growth", "last_rise", "leaking"}],
//            "snapshots_truncated", "attribution", "iterations_per_s"}
//
// The highs, trends and growth are tracer/leak_analysis.h's own figures
// (AnalyzeLeaks on the case's series, which are never downsampled), and the
// retainers the worker's judged snapshots, so the page draws exactly what
// the verdict was computed
// from. Cases are listed as every whole-run format lists them (by file) and
// written one at a time, so the report's size does not cost memory. Every
// string goes through EscapeReportText(.., TextSink::kHtml) (controls, CR,
// DEL and invalid UTF-8 made visible) and the JSON through
// EscapeJsonForHtmlScript (no '<', '>', '&' can end the element).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/cumulative_reporter.h"
#include "tracer/profile.h"

namespace phptrun {

class HtmlReporter : public CumulativeReporter {
 public:
  using Json = nlohmann::ordered_json;

  explicit HtmlReporter(std::string path);

  // Adds the case to the run's phase totals and profile, then collects it.
  void CaseFinished(const CaseResult& result) override;
  void Render(const RunEnd& end, std::ostream& out) const override;

  // The page's data, as documented above; for tests.
  Json RunJson(const RunEnd& end) const;
  static Json CaseJson(const CaseResult& result, uint32_t id);
  static Json ResidentJson(const ResidentReport& resident, const std::string& reason);

 private:
  struct PhaseTotal {
    double ms = 0;
    uint64_t count = 0;
  };
  std::vector<std::string> phase_order_;  // first-seen order of phase names
  std::map<std::string, PhaseTotal> phase_totals_;
  Profile profile_;
};

}  // namespace phptrun
