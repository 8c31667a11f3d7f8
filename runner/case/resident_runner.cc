#include "runner/case/resident_runner.h"

#include <cstdio>

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

ResidentRun RunResident(RequestSpec spec, const ResidentSpec& resident, bool attribute) {
  ResidentRun run;
  spec.resident.mode = ModeOf(resident.mode);
  spec.resident.iterations = resident.iterations;
  spec.resident.max_sites = kMaxLeakSites;
  // Attribution starts after warm-up: what warm-up allocates is not the leak.
  int track_from = resident.warmup + 1;
  spec.resident.track_from = attribute ? track_from : 0;
  run.outcome = RunRequest(spec);
  std::string crash = CrashReason(run.outcome, spec.timeout_s, spec.output_limit);
  run.evaluation = EvaluateResident(resident, run.outcome.resident, run.outcome.output, crash);
  if (attribute) {
    AttachSites(run.outcome.resident, "--attribute", &run.evaluation);
  } else if (run.evaluation.leaked && resident.mode != ResidentSpec::Mode::kRequests) {
    // The second pass shares the case's timeout with the first, so that a
    // case never takes longer than its timeout allows (the supervisor's
    // watchdog counts on that): with less than half of it left, no sites.
    double left_s = spec.timeout_s - run.outcome.wall_ms / 1000;
    if (left_s < spec.timeout_s / 2) {
      char took[128];
      std::snprintf(took, sizeof took, "%.1f of the %.0f s timeout", run.outcome.wall_ms / 1000,
                    spec.timeout_s);
      run.evaluation.report.attribution = std::string("skipped: the run took ") + took +
                                          "; run with --attribute to find the sites";
      return run;
    }
    spec.timeout_s = left_s;
    spec.resident.track_from = track_from;
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
