#include "reports/html_reporter.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ostream>
#include <utility>

#include "reports/html_assets.h"
#include "reports/json_reporter.h"
#include "reports/text_escape.h"
#include "tracer/leak_analysis.h"

namespace phptrun {
namespace {

std::string Text(const std::string& text) { return EscapeReportText(text, TextSink::kHtml); }

// JSON text that is safe inside a <script type="application/json"> element.
// Escaping made every string valid UTF-8; `replace` is a second line of
// defence so a missed byte costs one U+FFFD, never an exception mid-write.
std::string ScriptJson(const HtmlReporter::Json& value) {
  return EscapeJsonForHtmlScript(
      value.dump(-1, ' ', false, HtmlReporter::Json::error_handler_t::replace));
}

// The iteration a same_output FAIL names: resident_case.cc writes "output of
// iteration N differs from iteration 1 ..." (e2e.html checks that the page
// shows it). 0 when the reason says nothing of the kind.
int OutputDiffersAt(const std::string& reason) {
  static const std::string kPrefix = "output of iteration ";
  size_t at = reason.find(kPrefix);
  if (at == std::string::npos) return 0;
  return std::atoi(reason.c_str() + at + kPrefix.size());
}

HtmlReporter::Json HookStats(const std::vector<Profile::Stat>& stats, const std::string& prefix) {
  HtmlReporter::Json out = HtmlReporter::Json::array();
  for (const Profile::Stat& s : stats) {
    out.push_back({{"name", Text(s.name.substr(prefix.size()))},
                   {"count", s.count},
                   {"total_ms", Rounded(s.total_us / 1000, 3)},
                   {"mean_us", Rounded(s.mean_us(), 2)},
                   {"max_us", Rounded(s.max_us, 2)}});
  }
  return out;
}

constexpr size_t kSlowest = 10;

}  // namespace

HtmlReporter::HtmlReporter(std::string path) : CumulativeReporter(std::move(path)) {}

void HtmlReporter::CaseFinished(const CaseResult& result) {
  for (const Phase& phase : result.phases) {
    auto [it, added] = phase_totals_.try_emplace(phase.name);
    if (added) phase_order_.push_back(phase.name);
    it->second.ms += phase.ms;
    ++it->second.count;
  }
  profile_.AddCase(result.file, result.time_ms, result.spans);
  CumulativeReporter::CaseFinished(result);
}

HtmlReporter::Json HtmlReporter::ResidentJson(const ResidentReport& r, const std::string& reason) {
  Json out = Json::object();
  out["mode"] = Text(r.mode);
  out["iterations"] = r.iterations;
  out["completed"] = r.completed;
  out["warmup"] = r.warmup;
  out["max_growth"] = r.max_growth;
  // The rule's own figures for these series. The worker judged only a run
  // that completed (then `growth` is filled); the page shows the rule's
  // lines only when it did.
  std::vector<MetricSeries> series;
  const std::vector<ResidentMetricInfo>& known = ResidentMetrics();
  for (const auto& [name, values] : r.series) {
    auto info = std::find_if(known.begin(), known.end(),
                             [&](const ResidentMetricInfo& m) { return name == m.name; });
    bool known_metric = info != known.end();
    series.push_back({name, known_metric && info->bytes, values, known_metric ? info->limit : 0});
  }
  LeakAnalysis analysis = AnalyzeLeaks(series, r.warmup, r.max_growth);
  bool judged = !r.growth.empty() && analysis.judged;
  out["judged"] = judged;
  // The checkpoints b_0..b_K, the first of the last K/2 intervals, and
  // b_{K/2}, where the growth is measured from.
  const std::vector<int>& at = analysis.checkpoints;
  size_t k = at.empty() ? 0 : at.size() - 1;
  out["checkpoints"] = judged ? at : std::vector<int>{};
  out["tail_from"] = judged ? static_cast<int>(k - k / 2 + 1) : 0;
  out["middle"] = judged ? at[k - k / 2] : 0;
  out["decision"] = Text(r.decision);
  if (r.extended_from > 0) {
    out["extended"] = {{"from", r.extended_from}, {"because", Text(r.extended_because)}};
  }
  out["output_differs"] = OutputDiffersAt(reason);
  if (r.mode == "worker") {
    out["fresh"] = {{"checked", r.fresh_checked}, {"differs", r.fresh_differs}};
  }
  Json metrics = Json::array();
  for (size_t m = 0; m < series.size(); ++m) {
    const MetricVerdict& v = analysis.metrics[m];
    Json metric = Json::object();
    metric["name"] = Text(series[m].name);
    metric["bytes"] = series[m].bytes;
    metric["values"] = series[m].values;
    metric["leaking"] =
        std::find(r.leaking.begin(), r.leaking.end(), series[m].name) != r.leaking.end();
    if (judged) {
      metric["trend"] = TrendName(v.trend);
      metric["last_rise"] = v.last_rise;
      metric["growth"] = Rounded(v.growth, 3);
      metric["highs"] = v.highs;
      Json rose = Json::array();
      for (bool b : v.rose) rose.push_back(b);
      metric["rose"] = std::move(rose);
      metric["rising_tail"] = v.rising_tail;
      metric["middle_high"] = v.middle_high;
      if (v.at_limit_since > 0) {
        metric["limit"] = v.limit;
        metric["at_limit_since"] = v.at_limit_since;
      }
      if (v.judged_from > 0) metric["judged_from"] = v.judged_from;
    }
    metrics.push_back(std::move(metric));
  }
  out["metrics"] = std::move(metrics);
  Json sites = Json::array();
  for (const LeakSite& site : r.sites) {
    sites.push_back({{"file", Text(site.file)},
                     {"line", site.line},
                     {"function", Text(site.function)},
                     {"bytes", site.bytes},
                     {"count", site.count}});
  }
  out["sites"] = std::move(sites);
  out["retained"] = {{"bytes", r.retained_bytes}, {"blocks", r.retained_blocks}};
  Json retainers = Json::array();
  for (const RetainedPath& p : r.retainers) {
    retainers.push_back({{"path", Text(p.path)},
                         {"items", p.items},
                         {"bytes", p.bytes},
                         {"trend", Text(p.trend)},
                         {"items_growth", Rounded(p.items_growth, 3)},
                         {"bytes_growth", Rounded(p.bytes_growth, 3)},
                         {"last_rise", p.last_rise},
                         {"leaking", p.leaking}});
  }
  out["retainers"] = std::move(retainers);
  out["snapshots_truncated"] = r.snapshots_truncated;
  out["attribution"] = Text(r.attribution);
  out["iterations_per_s"] = Rounded(r.iterations_per_s, 1);
  return out;
}

HtmlReporter::Json HtmlReporter::CaseJson(const CaseResult& result, uint32_t id) {
  Json test = Json::object();
  test["id"] = id;
  test["file"] = Text(result.file);
  test["name"] = Text(result.name);
  test["verdict"] = VerdictName(result.verdict);
  test["reason"] = Text(result.reason);
  test["ms"] = Rounded(result.time_ms, 3);
  test["worker"] = result.worker;
  test["start_ms"] = Rounded(result.start_ms, 3);
  Json phases = Json::array();
  for (const Phase& phase : result.phases) {
    phases.push_back(Json::array({Text(phase.name), Rounded(phase.ms, 3)}));
  }
  test["phases"] = std::move(phases);
  if (!result.diff.empty()) test["diff"] = Text(result.diff);
  if (result.confirmed_fresh) test["reused_verdict"] = VerdictName(result.reused_verdict);
  if (result.resident.present) test["resident"] = ResidentJson(result.resident, result.reason);
  return test;
}

HtmlReporter::Json HtmlReporter::RunJson(const RunEnd& end) const {
  Json run = Json::object();
  run["phptrun"] = Text(info().phptrun_version);
  run["php"] = Text(info().php_version);
  run["started"] = Text(info().started);
  run["duration_s"] = Rounded(end.duration_s, 3);
  run["interrupted"] = end.interrupted;
  Summary summary = CollectedSummary();
  bool failed = end.interrupted;
  for (Verdict v : kAllVerdicts) failed = failed || (VerdictFailsRun(v) && summary.Count(v) > 0);
  run["exit_status"] = failed ? 1 : 0;
  run["jobs"] = info().jobs;
  run["cores"] = info().cores;
  Json arguments = Json::array();
  for (const std::string& arg : info().arguments) arguments.push_back(Text(arg));
  run["arguments"] = std::move(arguments);
  run["total_cases"] = info().total_cases;
  Json counts = Json::object();
  for (Verdict v : kAllVerdicts) counts[VerdictName(v)] = summary.Count(v);
  run["summary"] = std::move(counts);

  // The slowest cases, by their id (position in the list).
  std::vector<uint32_t> order = SortedOrder();
  std::vector<std::pair<double, uint32_t>> slowest;
  for (uint32_t id = 0; id < order.size(); ++id) {
    slowest.emplace_back(CaseBrief(order[id]).time_ms, id);
  }
  size_t top = std::min(kSlowest, slowest.size());
  std::partial_sort(slowest.begin(), slowest.begin() + static_cast<std::ptrdiff_t>(top),
                    slowest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  Json slow = Json::array();
  for (size_t k = 0; k < top; ++k) slow.push_back(slowest[k].second);
  run["slowest"] = std::move(slow);

  Json totals = Json::array();
  for (const std::string& name : phase_order_) {
    const PhaseTotal& t = phase_totals_.at(name);
    totals.push_back({{"name", Text(name)}, {"ms", Rounded(t.ms, 3)}, {"count", t.count}});
  }
  run["phase_totals"] = std::move(totals);
  if (profile_.traced_cases() > 0) {
    run["profile"] = {{"traced_cases", profile_.traced_cases()},
                      {"requests", profile_.requests()},
                      {"rinit", HookStats(profile_.Hooks("RINIT "), "RINIT ")},
                      {"rshutdown", HookStats(profile_.Hooks("RSHUTDOWN "), "RSHUTDOWN ")}};
  } else {
    run["profile"] = nullptr;
  }
  run["supervisor_max_rss_kb"] = end.supervisor_max_rss_kb;
  return run;
}

void HtmlReporter::Render(const RunEnd& end, std::ostream& out) const {
  // No network at all: the page is everything it needs, and a hostile
  // string that got past the escaping still could not load or send anything.
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>phptrun report</title>\n<style>"
      << html_assets::kStyle << "</style>\n</head>\n<body>\n"
      << html_assets::kBody;
  out << "<script type=\"application/json\" id=\"phptrun-run\">" << ScriptJson(RunJson(end))
      << "</script>\n";
  out << "<script type=\"application/json\" id=\"phptrun-cases\">[";
  std::vector<uint32_t> order = SortedOrder();
  for (uint32_t id = 0; id < order.size(); ++id) {
    CaseResult result;
    LoadCase(order[id], &result);
    out << (id == 0 ? "\n" : ",\n") << ScriptJson(CaseJson(result, id));
  }
  out << "\n]</script>\n";
  out << "<script>" << html_assets::kChartJs << "</script>\n";
  out << "<script>" << html_assets::kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace phptrun
