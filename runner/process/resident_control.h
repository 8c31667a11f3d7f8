// The resident run's side of the control pipe between a case process and its
// worker (runner/sandbox.cc): the case process streams samples as they are
// taken, then the sites and the loop's result; the worker collects them into
// a ResidentOutcome. Messages use the sandbox's framing (wire.h: length,
// kind, one string field), in kinds of their own.
//
//   case process:  RunResidentAndReport(request, config, control_fd, &result);
//   worker:        if (ReadResidentControl(kind, body, &outcome.resident)) continue;
//
// Samples go out in bounded batches (resident.c sends at most 32 at a time)
// written straight from the engine's buffer with writev(): nothing is
// allocated while PHP runs, so the persistent-memory metric does not see
// the reporting.
#pragma once

#include <cstdint>
#include <string>

#include "runner/resident/resident_case.h"
#include "runner/sapi/resident.h"

namespace phptrun {

enum ResidentControlKind : uint32_t {
  kControlResidentSamples = 20,   // raw phptrun_resident_sample[]
  kControlResidentSites = 21,     // wire fields: totals, then the sites
  kControlResidentResult = 22,    // raw phptrun_resident_result
  kControlResidentRetained = 23,  // a serialized retained snapshot (runner/sapi/retained.h)
  kControlResidentCrashed = 24,   // raw int: the iteration a crash signal hit
};

// Runs the scenario in this (case) process, reporting over control_fd;
// request_result gets what an ordinary request would report.
void RunResidentAndReport(const phptrun_request& request, const phptrun_resident_config& config,
                          int control_fd, phptrun_request_result* request_result);

// Takes a control message of a resident kind into `outcome`; false for
// other kinds.
bool ReadResidentControl(uint32_t kind, const std::string& body, ResidentOutcome* outcome);

}  // namespace phptrun
