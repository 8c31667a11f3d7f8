// Judging a resident run from what its case process reported: which output
// EXPECT sees, whether every iteration printed the same, what ended the loop,
// and whether something leaks (tracer/leak_analysis.h). Pure: no engine, no
// processes, so it is unit-tested with made-up outcomes.
//
//   ResidentOutcome outcome = ...;            // filled by the sandbox
//   ResidentEvaluation ev = EvaluateResident(spec, outcome, output, crash);
//   if (ev.bork) BORK(ev.bork_reason);
//   bool matches = matcher.Matches(NormalizeOutput(ev.first_output)) && ev.failure_reason.empty();
//   ... ev.leaked, ev.leak_reason, ev.report ...
//
// Output is cut at the fd 1 offsets the samples carry: EXPECT matches
// everything up to the end of iteration 1 (in worker mode the boot output
// followed by iteration 1's), and with same_output=1 every later iteration's
// output must equal iteration 1's, compared as run-tests compares (trimmed,
// CRLF as LF). What is printed after the last iteration (shutdown functions,
// destructors of the worker's state) is part of no iteration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/result/resident_report.h"
#include "runner/resident/resident_spec.h"
#include "runner/sapi/resident.h"

namespace phptrun {

// One retained snapshot (runner/sapi/retained.h) as it arrived.
struct RetainedSnapshot {
  int iteration = 0;
  bool truncated = false;
  uint32_t nodes = 0;
  struct Entry {
    std::string path;
    int64_t items = 0;
    int64_t bytes = 0;
  };
  std::vector<Entry> entries;
};

// What the case process sent about a resident run (runner/resident_control.h).
struct ResidentOutcome {
  bool finished = false;  // the loop's end result arrived (no crash, no timeout)
  phptrun_resident_result result{};
  std::vector<phptrun_resident_sample> samples;  // as many as iterations completed
  bool have_sites = false;
  std::vector<LeakSite> sites;
  int64_t retained_bytes = 0;
  int64_t retained_blocks = 0;
  std::vector<RetainedSnapshot> snapshots;  // at the checkpoints, in order
  // The iteration a crash signal hit, as the case process reported it
  // before dying (0: none reported). Samples of its last batch are lost, so
  // counting them would name an earlier iteration.
  int crashed_in = 0;
};

struct ResidentEvaluation {
  std::string first_output;  // raw output EXPECT is matched against
  // Why the run failed apart from EXPECT: the loop ended early, or an
  // iteration printed something else than iteration 1. "" when neither.
  std::string failure_reason;
  std::string failure_diff;  // iteration 1 against the one named in the reason
  bool bork = false;         // the test is unusable (worker FILE returns no callable)
  std::string bork_reason;
  bool leaked = false;
  std::string leak_reason;  // one line: what grows, by how much, the top site
  // Nothing leaks, but something grew recently without growing steadily:
  // a longer run would decide (runner/case/resident_runner.h extends it).
  bool undecided = false;
  std::string undecided_what;  // "heap", "retained $cache", ...
  // Undecided only because an engine cache is still filling below its
  // documented limit (the memory that grew with it is not a leak yet):
  // "pcre_cache had 800 of its 4096 entries"; "" otherwise. A PASS at the
  // end of the budget.
  std::string filling;
  ResidentReport report;
};

// `crash_reason`: "timed out after 60 s", "crashed: SIGSEGV", "output
// exceeded 64 MiB", or "" when the case process ended normally.
ResidentEvaluation EvaluateResident(const ResidentSpec& spec, const ResidentOutcome& outcome,
                                    const std::string& output, const std::string& crash_reason);

// What iteration k (1-based) of a run printed, normalized as run-tests
// compares; "" when the output was not cut or k did not complete.
std::string IterationOutput(const ResidentOutcome& outcome, const std::string& output, int k);

// The requests a fresh worker serves to compare with the long-lived one:
// 2, the middle one and the last (of `completed`), without repeats.
std::vector<int> FreshSamples(int completed);

// Compares request k of the long-lived worker with a fresh worker serving
// request k alone (`fresh`, `fresh_output`): on a difference, FAILs `ev`
// naming k with the diff (fresh worker as expected, long-lived as actual)
// and returns true. A fresh run that did not complete says nothing.
bool CompareFresh(const ResidentOutcome& long_lived, const std::string& long_lived_output, int k,
                  const ResidentOutcome& fresh, const std::string& fresh_output,
                  ResidentEvaluation* ev);

// Puts the sites of an attribution pass (`attributed`, a second run of the
// same case, or the first with --attribute) into `ev`, and names the top
// one in the leak reason. `how` becomes report.attribution.
void AttachSites(const ResidentOutcome& attributed, const std::string& how, ResidentEvaluation* ev);

}  // namespace phptrun
