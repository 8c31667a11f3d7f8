#include "runner/case/resident_runner.h"

#include <algorithm>
#include <cstdio>

#include "tracer/leak_analysis.h"

namespace phptrun {
namespace {

int ModeOf(ResidentSpec::Mode mode) {
  switch (mode) {
    case ResidentSpec::Mode::kRequests:
      return PHPTRUN_RESIDENT_REQUESTS;
    case ResidentSpec::Mode::kWorker:
      return PHPTRUN_RESIDENT_WORKER;
    case ResidentSpec::Mode::kReload:
      return PHPTRUN_RESIDENT_RELOAD;
  }
  return PHPTRUN_RESIDENT_OFF;
}

}  // namespace

namespace {

// The engine's config for `resident`: iterations, attribution from
// `track_from` (0: none), snapshots at the leak rule's checkpoints.
void Configure(const ResidentSpec& resident, int track_from, RequestSpec* spec) {
  spec->resident.mode = ModeOf(resident.mode);
  spec->resident.iterations = resident.iterations;
  spec->resident.max_sites = kMaxLeakSites;
  spec->resident.track_from = track_from;
  spec->resident.checkpoint_count = 0;
  if (resident.mode == ResidentSpec::Mode::kRequests) return;  // the heap is wiped anyway
  for (int c : Checkpoints(resident.warmup, resident.iterations)) {
    if (spec->resident.checkpoint_count < PHPTRUN_MAX_CHECKPOINTS) {
      spec->resident.checkpoints[spec->resident.checkpoint_count++] = c;
    }
  }
}

// One run of the scenario with `resident`'s iterations, judged.
void RunOnce(RequestSpec spec, const ResidentSpec& resident, bool attribute, ResidentRun* run) {
  Configure(resident, attribute ? resident.warmup + 1 : 0, &spec);
  run->outcome = RunRequest(spec);
  std::string crash = CrashReason(run->outcome, spec.timeout_s, spec.output_limit);
  run->evaluation = EvaluateResident(resident, run->outcome.resident, run->outcome.output, crash);
}

}  // namespace

ResidentRun RunResident(RequestSpec spec, const ResidentSpec& configured, bool attribute,
                        int budget_s) {
  ResidentRun run;
  ResidentSpec resident = configured;
  int max_iterations =
      resident.max_iterations > 0
          ? resident.max_iterations
          : static_cast<int>(std::min<int64_t>(
                1000000, static_cast<int64_t>(kDefaultExtension) * resident.iterations));
  double timeout_s = spec.timeout_s;
  double spent_ms = 0;
  double extension_ms = 0;
  spec.timeout_s = timeout_s;
  RunOnce(spec, resident, attribute, &run);
  spent_ms += run.outcome.wall_ms;
  // Undecided: something grew recently but not steadily. Double the run
  // while the iterations, the budget and the case's timeout allow; the
  // next run takes about twice as long as this one.
  std::string because;
  while (run.evaluation.undecided && !run.evaluation.leaked &&
         resident.iterations * 2 <= max_iterations) {
    double next_ms = 2 * run.outcome.wall_ms;
    if (extension_ms + next_ms > budget_s * 1000.0) break;
    if (spent_ms + next_ms > timeout_s * 1000.0 / 2) break;
    because = run.evaluation.undecided_what + " rose at " + std::to_string(resident.iterations) +
              " iterations without rising steadily";
    if (!run.evaluation.filling.empty()) {
      because = run.evaluation.filling + " at " + std::to_string(resident.iterations) +
                " iterations, still filling";
    }
    resident.iterations *= 2;
    resident.extended_from = configured.iterations;
    spec.timeout_s = timeout_s - spent_ms / 1000;
    RunOnce(spec, resident, attribute, &run);
    spent_ms += run.outcome.wall_ms;
    extension_ms += run.outcome.wall_ms;
  }
  ResidentReport& rep = run.evaluation.report;
  if (resident.extended_from > 0) rep.extended_because = because;
  if (run.evaluation.undecided && !run.evaluation.leaked) {
    rep.decision += resident.iterations * 2 > max_iterations
                        ? " (max_iterations=" + std::to_string(max_iterations) + " reached)"
                        : " (the time budget or timeout ended the extension)";
  }
  // State leaks with unchanged output: requests served again by a fresh
  // worker, alone, must print what the long-lived worker printed for them.
  const ResidentOutcome& served = run.outcome.resident;
  bool ran_all = served.finished && served.result.stop == PHPTRUN_RESIDENT_RAN_ALL &&
                 static_cast<int>(served.samples.size()) == resident.iterations;
  if (resident.mode == ResidentSpec::Mode::kWorker && resident.fresh && ran_all &&
      run.evaluation.failure_reason.empty() && !run.evaluation.bork) {
    for (int k : FreshSamples(resident.iterations)) {
      double left_s = timeout_s - spent_ms / 1000;
      if (left_s < timeout_s / 2) break;
      RequestSpec alone = spec;
      alone.timeout_s = left_s;
      ResidentSpec one = resident;
      one.iterations = 1;
      Configure(one, 0, &alone);
      alone.resident.first_request = k;
      RequestOutcome fresh = RunRequest(alone);
      spent_ms += fresh.wall_ms;
      run.fresh_ms += fresh.wall_ms;
      if (CompareFresh(served, run.outcome.output, k, fresh.resident, fresh.output,
                       &run.evaluation)) {
        break;
      }
    }
  }
  int track_from = resident.warmup + 1;
  if (attribute) {
    AttachSites(run.outcome.resident, "--attribute", &run.evaluation);
  } else if (run.evaluation.leaked && resident.mode != ResidentSpec::Mode::kRequests) {
    // The second pass shares the case's timeout with the first, so that a
    // case never takes longer than its timeout allows (the supervisor's
    // watchdog counts on that): with less than half of it left, no sites.
    double left_s = timeout_s - spent_ms / 1000;
    if (left_s < timeout_s / 2) {
      char took[128];
      std::snprintf(took, sizeof took, "%.1f of the %.0f s timeout", spent_ms / 1000, timeout_s);
      run.evaluation.report.attribution = std::string("skipped: the run took ") + took +
                                          "; run with --attribute to find the sites";
      return run;
    }
    spec.timeout_s = left_s;
    Configure(resident, track_from, &spec);
    spec.resident.checkpoint_count = 0;  // the verdict is the first run's
    RequestOutcome second = RunRequest(spec);
    run.attribution_ms = second.wall_ms;
    run.attribution_cpu_ms = second.cpu_ms;
    AttachSites(second.resident, "second pass", &run.evaluation);
  } else if (run.evaluation.leaked) {
    run.evaluation.report.attribution =
        "not in requests mode (every RSHUTDOWN frees the request heap; what stays is "
        "persistent memory)";
  }
  return run;
}

}  // namespace phptrun
