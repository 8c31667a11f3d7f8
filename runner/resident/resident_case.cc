#include "runner/resident/resident_case.h"

#include <algorithm>
#include <unordered_map>

#include "runner/phpt/expect.h"
#include "tracer/leak_analysis.h"

namespace phptrun {
namespace {

std::string Slice(const std::string& text, int64_t begin, int64_t end) {
  int64_t size = static_cast<int64_t>(text.size());
  begin = std::clamp<int64_t>(begin, 0, size);
  end = std::clamp<int64_t>(end, begin, size);
  return text.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin));
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// What ended a loop early, in words, without the iteration.
std::string StopWords(int stop) {
  switch (stop) {
    case PHPTRUN_RESIDENT_STOP_EXIT:
      return "exit()";
    case PHPTRUN_RESIDENT_STOP_FATAL:
      return "a fatal error";
    case PHPTRUN_RESIDENT_STOP_EXCEPTION:
      return "an uncaught exception";
    default:
      return "";
  }
}

std::string LoopName(ResidentSpec::Mode mode) {
  switch (mode) {
    case ResidentSpec::Mode::kWorker:
      return "the worker";
    case ResidentSpec::Mode::kReload:
      return "the reload loop";
    case ResidentSpec::Mode::kRequests:
      return "the requests";
  }
  return "the loop";
}

std::string Join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "; " + b;
}

// `inner` lies below `outer`: outer is a prefix ending where a segment of
// inner begins.
bool Below(const std::string& inner, const std::string& outer) {
  if (inner.size() <= outer.size() || inner.compare(0, outer.size(), outer) != 0) return false;
  char next = inner[outer.size()];
  return next == '-' || next == '[' || next == '{';
}

// `inner` is below an element of the array `outer` (outer['k'], outer[*]...).
bool ElementOf(const std::string& inner, const std::string& outer) {
  return Below(inner, outer) && inner[outer.size()] == '[';
}

// The retainer paths over the checkpoints: each path's items and bytes at
// every checkpoint (0 where it was absent), judged as the metrics are.
// Returns the paths that rose after warm-up, leaking ones first; sets
// *undecided to the first undecided path ("" when none).
std::vector<RetainedPath> JudgeRetainers(const std::vector<int>& checkpoints,
                                         const std::vector<RetainedSnapshot>& snapshots,
                                         int64_t max_growth, bool* truncated,
                                         std::string* undecided) {
  std::vector<RetainedPath> out;
  // The snapshot of every checkpoint, or nothing to judge.
  std::vector<const RetainedSnapshot*> at;
  for (int c : checkpoints) {
    const RetainedSnapshot* found = nullptr;
    for (const RetainedSnapshot& s : snapshots) {
      if (s.iteration == c) found = &s;
    }
    if (!found) return out;
    at.push_back(found);
    if (found->truncated) *truncated = true;
  }
  if (at.empty()) return out;
  std::unordered_map<std::string, size_t> index;
  std::vector<RetainedPath> paths;
  for (size_t j = 0; j < at.size(); ++j) {
    for (const RetainedSnapshot::Entry& e : at[j]->entries) {
      auto [it, added] = index.emplace(e.path, paths.size());
      if (added) {
        RetainedPath p;
        p.path = e.path;
        p.items.assign(at.size(), 0);
        p.bytes.assign(at.size(), 0);
        paths.push_back(std::move(p));
      }
      paths[it->second].items[j] = e.items;
      paths[it->second].bytes[j] = e.bytes;
    }
  }
  std::vector<RetainedPath> rose;
  std::vector<std::string> items_rose;  // paths whose element counts rose
  for (RetainedPath& p : paths) {
    TrendVerdict items = JudgeCheckpoints(checkpoints, p.items);
    TrendVerdict bytes = JudgeCheckpoints(checkpoints, p.bytes);
    if (items.trend == Trend::kFlat && bytes.trend == Trend::kFlat) continue;
    if (items.trend != Trend::kFlat) items_rose.push_back(p.path);
    p.items_growth = items.growth;
    p.bytes_growth = bytes.growth;
    bool bytes_leak =
        bytes.trend == Trend::kGrowing && bytes.growth > static_cast<double>(max_growth);
    p.leaking = items.trend == Trend::kGrowing || bytes_leak;
    const TrendVerdict& shown = items.trend != Trend::kFlat ? items : bytes;
    p.trend = p.leaking ? "growing" : TrendName(shown.trend);
    if (!p.leaking && (items.trend == Trend::kUndecided || bytes.trend == Trend::kUndecided)) {
      p.trend = "undecided";
    }
    p.last_rise = std::max(items.last_rise, bytes.last_rise);
    rose.push_back(std::move(p));
  }
  // A growing container's elements grow with it: name the outermost.
  // Above it, the containers that hold it grow in bytes only (what they
  // reach includes it): name the container whose items grow. The elements
  // of an array whose element count rose are new paths as they come (keys
  // in a small array, `[*]` past 16 elements): they belong to the array's
  // row unless they leak themselves. Likewise a bounded holder whose bytes
  // rose only because something below it rose: the lowest one is listed.
  std::vector<RetainedPath> kept;
  for (const RetainedPath& p : rose) {
    bool element_of_filling = !p.leaking && std::any_of(items_rose.begin(), items_rose.end(),
                                                        [&](const std::string& array) {
                                                          return ElementOf(p.path, array);
                                                        });
    bool holder_of_bounded =
        p.trend == "bounded" &&
        std::find(items_rose.begin(), items_rose.end(), p.path) == items_rose.end() &&
        std::any_of(rose.begin(), rose.end(),
                    [&](const RetainedPath& q) { return Below(q.path, p.path); });
    bool explained = element_of_filling || holder_of_bounded ||
                     std::any_of(rose.begin(), rose.end(), [&](const RetainedPath& q) {
                       if (!q.leaking) return false;
                       return (q.items_growth > 0 && Below(p.path, q.path)) ||
                              (p.items_growth <= 0 && Below(q.path, p.path));
                     });
    if (!explained) kept.push_back(p);
  }
  std::stable_sort(kept.begin(), kept.end(), [](const RetainedPath& a, const RetainedPath& b) {
    if (a.leaking != b.leaking) return a.leaking;
    return a.items_growth > b.items_growth;
  });
  for (const RetainedPath& p : kept) {
    if (p.trend == "undecided" && undecided->empty()) *undecided = p.path;
  }
  if (kept.size() > kMaxRetainers) kept.resize(kMaxRetainers);
  return kept;
}

// "retained by PATH: items +1/iteration, bytes +48 B/iteration"
std::string DescribeRetainer(const RetainedPath& p) {
  std::string out = "retained by " + p.path + ":";
  if (p.items_growth > 0) out += " items " + FormatGrowth(p.items_growth, false) + "/iteration,";
  out += " bytes " + FormatGrowth(p.bytes_growth, true) + "/iteration";
  return out;
}

}  // namespace

ResidentEvaluation EvaluateResident(const ResidentSpec& spec, const ResidentOutcome& outcome,
                                    const std::string& output, const std::string& crash_reason) {
  ResidentEvaluation ev;
  ResidentReport& rep = ev.report;
  const phptrun_resident_result& res = outcome.result;
  const std::vector<phptrun_resident_sample>& samples = outcome.samples;
  rep.present = true;
  rep.mode = ResidentModeName(spec.mode);
  rep.iterations = spec.iterations;
  rep.completed = static_cast<int>(samples.size());
  rep.warmup = spec.warmup;
  rep.max_growth = spec.max_growth;
  rep.extended_from = spec.extended_from;
  for (size_t m = 0; m < ResidentMetrics().size(); ++m) {
    std::vector<int64_t> values;
    values.reserve(samples.size());
    for (const phptrun_resident_sample& s : samples) values.push_back(s.metrics[m]);
    rep.series.emplace_back(ResidentMetrics()[m].name, std::move(values));
  }
  if (outcome.finished && res.loop_ms > 0) {
    rep.iterations_per_s = static_cast<double>(samples.size()) * 1000.0 / res.loop_ms;
    rep.loop_ms = res.loop_ms;
    rep.sampling_ms = res.sampling_ms;
    rep.snapshot_ms = res.snapshot_ms;
  }
  if (outcome.finished && res.attribution < 0) rep.attribution = res.message;

  if (outcome.finished && res.stop == PHPTRUN_RESIDENT_STOP_NOT_CALLABLE) {
    ev.bork = true;
    ev.bork_reason = res.message;
    ev.first_output = output;
    return ev;
  }

  // Cutting the output: known when fd 1 was a file (always, unless
  // CAPTURE_STDIO left stdout to the terminal).
  bool cut = std::all_of(samples.begin(), samples.end(), [](const phptrun_resident_sample& s) {
    return s.output_start >= 0 && s.output_end >= s.output_start;
  });
  auto iteration_output = [&](size_t i) {  // 1-based, completed iterations
    const phptrun_resident_sample& s = samples[i - 1];
    return NormalizeOutput(Slice(output, s.output_start, s.output_end));
  };
  ev.first_output = cut && !samples.empty() ? Slice(output, 0, samples[0].output_end) : output;

  // Did the loop run to its end?
  std::string stopped;
  std::string stopped_output;
  int stopped_in = 0;
  bool ran_all = outcome.finished && res.stop == PHPTRUN_RESIDENT_RAN_ALL && crash_reason.empty() &&
                 static_cast<int>(samples.size()) == spec.iterations;
  if (!ran_all) {
    stopped_in = static_cast<int>(samples.size()) + 1;
    if (outcome.crashed_in > stopped_in) stopped_in = outcome.crashed_in;
    std::string of = " of " + std::to_string(spec.iterations);
    if (outcome.finished && res.stop == PHPTRUN_RESIDENT_STOP_BOOT) {
      stopped = res.message[0] ? res.message : "worker mode: the boot script did not complete";
      stopped_in = 0;
    } else if (outcome.finished && res.stop == PHPTRUN_RESIDENT_STOP_RINIT) {
      stopped = "request " + std::to_string(stopped_in) + of + " could not start (RINIT failed)";
    } else if (!crash_reason.empty()) {
      stopped = crash_reason + " in iteration " + std::to_string(stopped_in) + of;
    } else if (outcome.finished && res.stop != PHPTRUN_RESIDENT_RAN_ALL) {
      stopped = StopWords(res.stop) + " in iteration " + std::to_string(stopped_in) + of +
                " ended " + LoopName(spec.mode);
    } else {
      stopped = "the case process ended in iteration " + std::to_string(stopped_in) + of +
                " without reporting";
    }
    int64_t from = samples.empty() ? 0 : samples.back().output_end;
    if (cut)
      stopped_output = NormalizeOutput(Slice(output, from, static_cast<int64_t>(output.size())));
  }

  // Does every iteration print what the first printed?
  int differs = 0;
  if (spec.same_output && cut && samples.size() >= 2) {
    std::string first = iteration_output(1);
    for (size_t i = 2; i <= samples.size(); ++i) {
      std::string mine = iteration_output(i);
      if (mine != first) {
        differs = static_cast<int>(i);
        ev.failure_diff = MakeDiff("EXPECT", first, mine);
        break;
      }
    }
  }
  if (differs) {
    ev.failure_reason = "output of iteration " + std::to_string(differs) +
                        " differs from iteration 1 (state kept between iterations?)";
  }
  ev.failure_reason = Join(ev.failure_reason, stopped);
  if (!differs && !stopped.empty() && stopped_in >= 2 && cut && !samples.empty()) {
    ev.failure_diff = MakeDiff("EXPECT", iteration_output(1), stopped_output);
  }

  // Leaks: only a run that completed has a whole series to judge.
  if (ran_all && spec.judge_leaks) {
    std::vector<MetricSeries> series;
    for (size_t m = 0; m < rep.series.size(); ++m) {
      series.push_back({rep.series[m].first, ResidentMetrics()[m].bytes, rep.series[m].second,
                        ResidentMetrics()[m].limit});
    }
    LeakAnalysis analysis = AnalyzeLeaks(series, spec.warmup, spec.max_growth);
    if (analysis.judged) {
      rep.checkpoints = analysis.checkpoints;
      std::string undecided_path;
      rep.retainers = JudgeRetainers(analysis.checkpoints, outcome.snapshots, spec.max_growth,
                                     &rep.snapshots_truncated, &undecided_path);
      for (const MetricVerdict& m : analysis.metrics) {
        rep.growth.emplace_back(m.name, m.growth);
        if (m.leaking) rep.leaking.push_back(m.name);
      }
      std::string held;
      int held_count = 0;
      for (const RetainedPath& p : rep.retainers) {
        if (!p.leaking || held_count == 2) continue;
        held = Join(held, DescribeRetainer(p));
        ++held_count;
      }
      if (analysis.leaking() || held_count > 0) {
        ev.leaked = true;
        rep.decision = "growing";
        std::string extended;
        if (rep.extended_from > 0) {
          extended = ", extended from " + std::to_string(rep.extended_from);
        }
        ev.leak_reason = Join(held, analysis.Summary()) + " after warm-up (" +
                         std::to_string(spec.warmup) + " of " + std::to_string(spec.iterations) +
                         " " + rep.mode + " iterations" + extended + ")";
      } else {
        for (const MetricVerdict& m : analysis.metrics) {
          if (m.trend == Trend::kUndecided && !m.filling && m.explained_by.empty() &&
              ev.undecided_what.empty()) {
            ev.undecided_what = m.name;
          }
        }
        if (ev.undecided_what.empty() && !undecided_path.empty()) {
          ev.undecided_what = "retained " + undecided_path;
        }
        // An engine cache still filling below its documented limit, and
        // nothing else undecided: a longer run gets nearer to the limit.
        const MetricVerdict* filling = analysis.Filling();
        if (ev.undecided_what.empty() && filling) {
          ev.undecided_what = filling->name;
          int n = static_cast<int>(rep.series.empty() ? 0 : rep.series.front().second.size());
          int64_t entries = 0;
          for (const auto& [name, values] : rep.series) {
            if (name == filling->name && !values.empty()) entries = values.back();
          }
          ev.filling = filling->name + " had " + std::to_string(entries) + " of its " +
                       std::to_string(filling->limit) + " entries";
          rep.decision = "bounded: " + filling->name + " growing toward its documented " +
                         std::to_string(filling->limit) + "-entry limit (" +
                         std::to_string(entries) + " entries at iteration " + std::to_string(n) +
                         "); memory that grew with it is judged only once it is full";
        }
        ev.undecided = !ev.undecided_what.empty();
        // The metrics know the exact iteration; the retainers only the
        // checkpoint by which they last rose.
        int last_rise = 0;
        for (const MetricVerdict& m : analysis.metrics)
          last_rise = std::max(last_rise, m.last_rise);
        if (last_rise == 0) {
          for (const RetainedPath& p : rep.retainers) last_rise = std::max(last_rise, p.last_rise);
        }
        if (!ev.filling.empty()) {
          // The decision is the filling cache's, set above.
        } else if (ev.undecided) {
          rep.decision = "undecided: " + ev.undecided_what +
                         " rose recently but not steadily, at iteration " +
                         std::to_string(last_rise);
        } else if (const MetricVerdict* full = analysis.AtLimit()) {
          // An engine cache at its documented bound: say which, and since when.
          rep.decision = "bounded: " + full->name + " at its " + std::to_string(full->limit) +
                         "-entry limit since iteration " + std::to_string(full->at_limit_since);
          if (last_rise > full->at_limit_since) {
            rep.decision += ", other growth stopped at iteration " + std::to_string(last_rise);
          }
        } else if (last_rise > 0) {
          rep.decision = "bounded: stopped growing at iteration " + std::to_string(last_rise);
        } else {
          rep.decision = "flat";
        }
      }
    }
  }
  return ev;
}

std::string IterationOutput(const ResidentOutcome& outcome, const std::string& output, int k) {
  if (k < 1 || static_cast<size_t>(k) > outcome.samples.size()) return "";
  const phptrun_resident_sample& s = outcome.samples[static_cast<size_t>(k) - 1];
  if (s.output_start < 0 || s.output_end < s.output_start) return "";
  return NormalizeOutput(Slice(output, s.output_start, s.output_end));
}

std::vector<int> FreshSamples(int completed) {
  std::vector<int> ks;
  for (int k : {2, (completed + 1) / 2, completed}) {
    if (k >= 2 && k <= completed && std::find(ks.begin(), ks.end(), k) == ks.end()) {
      ks.push_back(k);
    }
  }
  return ks;
}

bool CompareFresh(const ResidentOutcome& long_lived, const std::string& long_lived_output, int k,
                  const ResidentOutcome& fresh, const std::string& fresh_output,
                  ResidentEvaluation* ev) {
  if (!fresh.finished || fresh.result.stop != PHPTRUN_RESIDENT_RAN_ALL || fresh.samples.empty()) {
    return false;
  }
  const phptrun_resident_sample& s = fresh.samples.front();
  if (s.output_start < 0 || s.output_end < s.output_start) return false;
  std::string alone = NormalizeOutput(Slice(fresh_output, s.output_start, s.output_end));
  std::string served = IterationOutput(long_lived, long_lived_output, k);
  ev->report.fresh_checked.push_back(k);
  if (alone == served) return false;
  ev->report.fresh_differs = k;
  ev->failure_reason =
      Join(ev->failure_reason, "output of request " + std::to_string(k) +
                                   " differs from a fresh worker serving request " +
                                   std::to_string(k) + " (state kept from earlier requests?)");
  if (ev->failure_diff.empty()) ev->failure_diff = MakeDiff("EXPECT", alone, served);
  return true;
}

void AttachSites(const ResidentOutcome& attributed, const std::string& how,
                 ResidentEvaluation* ev) {
  ResidentReport& rep = ev->report;
  if (attributed.finished && attributed.result.attribution < 0) {
    rep.attribution = attributed.result.message;
    return;
  }
  if (!attributed.have_sites) {
    rep.attribution = how + ": the attribution run did not finish";
    return;
  }
  rep.attribution = how;
  // What phptrun's own loop allocated outside PHP code (the handler's
  // argument and frame, the GC's buffers) is not the user's.
  rep.sites.clear();
  for (const LeakSite& s : attributed.sites) {
    if (s.function == "(worker loop)") {
      rep.own_bytes += s.bytes;
    } else {
      rep.sites.push_back(s);
    }
  }
  rep.retained_bytes = attributed.retained_bytes;
  rep.retained_blocks = attributed.retained_blocks;
  if (ev->leaked && !rep.sites.empty()) {
    const LeakSite& top = rep.sites.front();
    std::string where =
        top.file.empty() ? "" : " at " + BaseName(top.file) + ":" + std::to_string(top.line);
    ev->leak_reason += "; top site: " + top.function + where + " (" +
                       HumanBytes(static_cast<double>(top.bytes)) + " in " +
                       std::to_string(top.count) + (top.count == 1 ? " block)" : " blocks)");
  }
}

}  // namespace phptrun
