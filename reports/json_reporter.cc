#include "reports/json_reporter.h"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <vector>

#include "reports/text_escape.h"
#include "tracer/leak_analysis.h"

namespace phptrun {
namespace {

std::string Text(const std::string& text) { return EscapeReportText(text, TextSink::kJson); }


}  // namespace

// Rounded to `decimals` places so the file shows 12.345, not 12.345000000001;
// NaN and infinities (not JSON) become 0.
double Rounded(double value, int decimals) {
  if (!std::isfinite(value)) return 0;
  double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

JsonReporter::JsonReporter(std::string path) : CumulativeReporter(std::move(path)) {}

JsonReporter::Json JsonReporter::CaseToJson(const CaseResult& result) {
  Json test = Json::object();
  test["file"] = Text(result.file);
  test["name"] = Text(result.name);
  test["verdict"] = VerdictName(result.verdict);
  test["reason"] = Text(result.reason);
  test["time_ms"] = Rounded(result.time_ms, 3);
  // What run-tests writes to foo.diff (FAIL; also XFAIL, WARN and LEAK evidence).
  if (!result.diff.empty()) test["diff"] = Text(result.diff);
  test["cpu_ms"] = result.cpu_ms < 0 ? Json(nullptr) : Json(Rounded(result.cpu_ms, 3));
  Json phases = Json::array();
  for (const Phase& phase : result.phases) {
    Json entry = Json::object();
    entry["name"] = Text(phase.name);
    entry["ms"] = Rounded(phase.ms, 3);
    entry["heap_before"] = phase.heap_before;
    entry["heap_after"] = phase.heap_after;
    entry["heap_peak"] = phase.heap_peak;
    // Malloc'd bytes, measured by the lifecycle tracer (absent when it is off).
    if (phase.persistent_before >= 0) entry["persistent_before"] = phase.persistent_before;
    if (phase.persistent_after >= 0) entry["persistent_after"] = phase.persistent_after;
    phases.push_back(std::move(entry));
  }
  test["phases"] = std::move(phases);
  if (result.confirmed_fresh) test["reused_verdict"] = VerdictName(result.reused_verdict);
  if (result.warn_failed) test["label"] = "WARN&FAIL";  // run-tests' combined label
  if (!result.rerun_reason.empty()) test["rerun"] = Text(result.rerun_reason);
  if (result.resident.present) test["resident"] = ResidentToJson(result.resident);
  return test;
}

JsonReporter::Json JsonReporter::ResidentToJson(const ResidentReport& r) {
  Json out = Json::object();
  out["mode"] = Text(r.mode);
  out["iterations"] = r.iterations;
  out["warmup"] = r.warmup;
  out["completed"] = r.completed;
  out["max_growth"] = r.max_growth;
  // A long run's series keep every stride-th sample (the first always), so
  // that a 1M-iteration case is not 150 MB of JSON; "series_stride" says
  // so. Growth, leaking and the verdict come from the whole series.
  size_t longest = 0;
  for (const auto& entry : r.series) longest = std::max(longest, entry.second.size());
  const size_t stride = (longest + kMaxSeriesPoints - 1) / kMaxSeriesPoints;
  Json series = Json::object();
  for (const auto& [name, values] : r.series) {
    if (stride <= 1) {
      series[Text(name)] = values;
      continue;
    }
    Json kept = Json::array();
    for (size_t i = 0; i < values.size(); i += stride) kept.push_back(values[i]);
    series[Text(name)] = std::move(kept);
  }
  out["series"] = std::move(series);
  if (stride > 1) out["series_stride"] = stride;
  // Engine caches with a documented bound (pcre_cache): where they stand.
  for (size_t m = 0; m < r.series.size() && m < ResidentMetrics().size(); ++m) {
    const std::vector<int64_t>& values = r.series[m].second;
    int64_t limit = ResidentMetrics()[m].limit;
    if (limit <= 0) continue;
    int since = FirstAtLimit(values, limit);
    out[Text(r.series[m].first)] =
        Json{{"entries", values.empty() ? 0 : values.back()},
             {"limit", limit},
             {"at_limit_since", since > 0 ? Json(since) : Json(nullptr)}};
  }
  Json growth = Json::object();
  for (const auto& [name, per_iteration] : r.growth) growth[Text(name)] = Rounded(per_iteration, 3);
  out["growth"] = std::move(growth);
  Json leaking = Json::array();
  for (const std::string& name : r.leaking) leaking.push_back(Text(name));
  out["leaking"] = std::move(leaking);
  Json sites = Json::array();
  for (const LeakSite& site : r.sites) {
    Json entry = Json::object();
    entry["file"] = Text(site.file);
    entry["line"] = site.line;
    entry["function"] = Text(site.function);
    entry["bytes"] = site.bytes;
    entry["count"] = site.count;
    sites.push_back(std::move(entry));
  }
  out["sites"] = std::move(sites);
  out["retained"] = Json{{"bytes", r.retained_bytes}, {"blocks", r.retained_blocks}};
  out["attribution"] = Text(r.attribution);
  out["iterations_per_s"] = Rounded(r.iterations_per_s, 1);
  out["loop_ms"] = Rounded(r.loop_ms, 3);
  out["sampling_ms"] = Rounded(r.sampling_ms, 3);
  out["snapshot_ms"] = Rounded(r.snapshot_ms, 3);
  out["checkpoints"] = r.checkpoints;
  Json retainers = Json::array();
  for (const RetainedPath& p : r.retainers) {
    Json entry = Json::object();
    entry["path"] = Text(p.path);
    entry["items"] = p.items;
    entry["bytes"] = p.bytes;
    entry["trend"] = Text(p.trend);
    entry["items_growth"] = Rounded(p.items_growth, 3);
    entry["bytes_growth"] = Rounded(p.bytes_growth, 3);
    entry["last_rise"] = p.last_rise;
    entry["leaking"] = p.leaking;
    retainers.push_back(std::move(entry));
  }
  out["retainers"] = std::move(retainers);
  out["snapshots_truncated"] = r.snapshots_truncated;
  out["decision"] = Text(r.decision);
  if (r.extended_from > 0) {
    out["extended"] = Json{{"from", r.extended_from}, {"because", Text(r.extended_because)}};
  }
  out["own_bytes"] = r.own_bytes;
  if (r.mode == "worker") {
    out["fresh"] = Json{{"checked", r.fresh_checked}, {"differs", r.fresh_differs}};
  }
  return out;
}

JsonReporter::Json JsonReporter::HeaderJson(const RunEnd& end) const {
  Json report = Json::object();
  report["phptrun"] = Text(info().phptrun_version);
  report["php"] = Text(info().php_version);
  // The engine as it described itself at run time, and the CLI tests spawn.
  const EngineInfo& engine = info().engine;
  report["php_build"] = Text(engine.Build());
  report["php_binary"] = Text(engine.php_binary);
  report["php_ini"] = Text(engine.php_ini);
  report["extension_dir"] = Text(engine.extension_dir);
  report["libphp"] = Text(engine.libphp);
  report["started"] = Text(info().started);
  report["duration_s"] = Rounded(end.duration_s, 3);
  Summary summary = CollectedSummary();
  Json counts = Json::object();
  for (Verdict v : kAllVerdicts) counts[VerdictName(v)] = summary.Count(v);
  report["summary"] = std::move(counts);
  report["interrupted"] = end.interrupted;
  report["supervisor_max_rss_kb"] = end.supervisor_max_rss_kb;
  const ShardInfo& shard = info().shard;
  if (shard.count > 0) {
    report["shard"] = Json{{"index", shard.index},         {"count", shard.count},
                           {"collected", shard.collected}, {"digest", shard.digest},
                           {"assigned", shard.assigned}};
  }
  if (!end.unfinished.empty()) {
    Json unfinished = Json::array();
    for (const std::string& file : end.unfinished) unfinished.push_back(Text(file));
    report["unfinished"] = std::move(unfinished);
  }
  report["jobs"] = info().jobs;
  report["max_jobs"] = std::max(info().jobs, info().max_jobs);
  report["peak_jobs"] = end.peak_jobs;
  return report;
}

JsonReporter::Json JsonReporter::ToJson(const RunEnd& end) const {
  Json report = HeaderJson(end);
  Json tests = Json::array();
  for (uint32_t i : SortedOrder()) {
    CaseResult result;
    LoadCase(i, &result);
    tests.push_back(CaseToJson(result));
  }
  report["tests"] = std::move(tests);
  return report;
}

void JsonReporter::Render(const RunEnd& end, std::ostream& out) const {
  // The text of ToJson(end).dump(2), written one test at a time so that
  // neither the tree nor the text of the whole report is ever in memory.
  // dump() escapes every newline inside strings, so each '\n' of a dumped
  // test is a line break that gets the indentation of its depth in "tests".
  //
  // Escaping made every string valid UTF-8; `replace` is a second line of
  // defence so a missed byte costs one U+FFFD, never an exception mid-write.
  auto dump = [](const Json& value) {
    return value.dump(2, ' ', false, Json::error_handler_t::replace);
  };
  std::string head = dump(HeaderJson(end));  // "{\n  ...,\n  \"supervisor_max_rss_kb\": N\n}"
  head.resize(head.size() - 2);              // without the closing "\n}"
  out << head << ",\n  \"tests\": ";
  std::vector<uint32_t> order = SortedOrder();
  if (order.empty()) {
    out << "[]";
  } else {
    out << '[';
    const char* separator = "\n";
    for (uint32_t i : order) {
      CaseResult result;
      LoadCase(i, &result);
      std::string text = dump(CaseToJson(result));
      out << separator << "    ";
      size_t line = 0;
      for (size_t nl; (nl = text.find('\n', line)) != std::string::npos; line = nl + 1) {
        out.write(text.data() + line, static_cast<std::streamsize>(nl + 1 - line));
        out << "    ";
      }
      out.write(text.data() + line, static_cast<std::streamsize>(text.size() - line));
      separator = ",\n";
    }
    out << "\n  ]";
  }
  out << "\n}\n";
}

}  // namespace phptrun
