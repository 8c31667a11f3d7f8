// Runs a case's resident scenario (RESIDENT section, or --repeat) in one
// case process and judges its iterations (resident_case.h). When the run
// leaks and attribution was not on from the start, the case runs a second
// time with the tracking heap (runner/sapi/alloc_tracker.h) to find the
// PHP code that allocated what stays: attribution costs time only for
// cases that leak. `--attribute` turns it on in the first (judged) run. The
// two passes share the case's timeout: when the first used more than half
// of it, the second is skipped and the report says so.
//
//   ResidentRun run = RunResident(spec, resident, /*attribute=*/false);
//   if (run.evaluation.bork) ...
//   run.outcome      the judged run, for phases and errors
//   run.evaluation   output to match, failure, leak, report
#pragma once

#include "runner/resident/resident_case.h"
#include "runner/resident/resident_spec.h"
#include "runner/process/sandbox.h"

namespace phptrun {

struct ResidentRun {
  RequestOutcome outcome;
  ResidentEvaluation evaluation;
  double attribution_ms = 0;  // wall time of the second pass; 0 when there was none
  double fresh_ms = 0;        // wall time of the fresh workers of the comparison
  double attribution_cpu_ms = 0;  // its CPU (RequestOutcome::cpu_ms), -1 unknown
};

// At most this many sites are reported, largest first.
inline constexpr int kMaxLeakSites = 20;

// `spec` is the test request (script written, INI, env); its resident
// config is set here. When the leak verdict is undecided at the end of the
// configured iterations (something grew recently but not steadily,
// tracer/leak_analysis.h), the case runs again with twice the iterations,
// up to the section's max_iterations (default kDefaultExtension times
// iterations), `budget_s` seconds of extra runs, and half the case's
// timeout; the report says it was extended and why.
ResidentRun RunResident(RequestSpec spec, const ResidentSpec& resident, bool attribute,
                        int budget_s = 30);

}  // namespace phptrun
