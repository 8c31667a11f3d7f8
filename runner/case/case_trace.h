// The worker's side of the lifecycle tracer: turns what the engine recorded
// (tracer/lifecycle_log.h, in a case process or in the worker itself) into
// the spans and phase figures a CaseResult carries.
//
//   RequestOutcome out = RunRequest(spec);
//   AddPhases(out, ...);                                  // case_runner.h
//   AddRequestTrace(out, "FILE", config.run_start_ms, &result);
//   ...
//   AddRunnerPhase(&result);                               // once time_ms is known
//
// All of it is a no-op while the tracer is off (phptrun_log_enabled()),
// except AddRunnerPhase: the JSON phases add up to time_ms either way.
#pragma once

#include <string>
#include <vector>

#include "runner/result/result.h"
#include "runner/process/sandbox.h"
#include "tracer/span.h"

namespace phptrun {

// Fills the phases of one request (SKIPIF, FILE, CLEAN: `name`) in
// result->phases from the engine's events of its case process: the
// persistent figures of RINIT, compile, execute, RSHUTDOWN and a restart's
// MINIT, and for a whole-request phase (SKIPIF, CLEAN) its heap and
// persistent figures. With `keep_spans` (a trace or profile wants them) it
// also appends a kRequest span `name` covering the request as the worker saw
// it, from the fork to the exit of the case process, with the full span tree
// of the engine under it; without, it builds phase spans only, which is
// much cheaper, and keeps none.
void AddRequestTrace(const RequestOutcome& out, const std::string& name, double run_start_ms,
                     bool keep_spans, CaseResult* result);

// Appends the phase "runner": time_ms minus every other phase (never below
// zero), the time phptrun itself spent on the case.
void AddRunnerPhase(CaseResult* result);

// The spans of this process's own engine recorded so far (a worker's SINIT
// and MINIT after startup, MSHUTDOWN and SSHUTDOWN after shutdown); clears
// the log. Empty while the tracer is off.
std::vector<Span> TakeEngineSpans(double run_start_ms);

}  // namespace phptrun
