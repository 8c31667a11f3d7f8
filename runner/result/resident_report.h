// What a resident run (DESIGN.md, "Resident scenarios") adds to a case's
// result: the per-iteration series, the growth the leak rule computed, and
// the PHP code that allocated what stayed. Plain values, carried in
// CaseResult::resident, sent over the wire and written by the reporters
// (JSON "resident", JUnit <failure type="leak">, the console's LEAK line).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace phptrun {

class WireWriter;
class WireReader;

// A place in PHP code that allocated memory still held at the end.
struct LeakSite {
  std::string file;  // the script's path; "" when no PHP code ran
  int64_t line = 0;
  std::string function;  // "Cache::put", "{closure}", "{main}", "(compile)", "(engine)"
  int64_t bytes = 0;     // requested bytes of the blocks still live
  int64_t count = 0;     // blocks
};

// One retainer path of the retained snapshots (runner/sapi/retained.h): what
// its containers held at each checkpoint, and the trend the leak rule saw.
struct RetainedPath {
  std::string path;            // "$em->unitOfWork->identityMap['Visit']"
  std::vector<int64_t> items;  // elements/properties, one per checkpoint
  std::vector<int64_t> bytes;  // approximate bytes with what they reach first
  std::string trend;           // "growing", "undecided", "bounded" (of items, else bytes)
  double items_growth = 0;     // per iteration over the second half
  double bytes_growth = 0;
  int last_rise = 0;  // the checkpoint by which it last rose
  bool leaking = false;
};

struct ResidentReport {
  bool present = false;  // false for ordinary cases: nothing else is set
  std::string mode;      // "requests", "worker", "reload"
  int iterations = 0;    // asked for
  int completed = 0;     // ran to their end (the series' length)
  int warmup = 0;
  int64_t max_growth = 0;
  // Metric name -> one value per completed iteration, in the order of
  // ResidentMetrics().
  std::vector<std::pair<std::string, std::vector<int64_t>>> series;
  // Metric name -> growth per iteration after warm-up (tracer/leak_analysis.h);
  // empty when the run was too short or stopped early.
  std::vector<std::pair<std::string, double>> growth;
  std::vector<std::string> leaking;  // metrics the rule calls leaking
  std::vector<LeakSite> sites;       // largest first
  int64_t retained_bytes = 0;        // all tracked blocks still live (sites are the top)
  int64_t retained_blocks = 0;
  // How sites came about: "" (no attribution run), "second pass",
  // "--attribute", or why it was not possible.
  std::string attribution;
  double iterations_per_s = 0;  // completed iterations / time in the loop
  double loop_ms = 0;           // the loop: iterations, GC, sampling
  double sampling_ms = 0;       // of loop_ms: taking and sending the samples
  double snapshot_ms = 0;       // of loop_ms: the retained snapshots
  // The checkpoints (iterations) of the leak rule and the snapshots.
  std::vector<int> checkpoints;
  // The retainer paths that rose after warm-up, leaking ones first (at most
  // kMaxRetainers); empty in requests mode.
  std::vector<RetainedPath> retainers;
  bool snapshots_truncated = false;  // a snapshot hit the walker's budget
  // How the rule decided, in words: "growing", "bounded: stopped growing at
  // iteration 126", "flat", "undecided at the budget: ...".
  std::string decision;
  int extended_from = 0;         // the configured iterations, when the run was extended
  std::string extended_because;  // what was undecided
  int64_t own_bytes = 0;         // tracked blocks of phptrun's own loop, not in sites
  // worker: the requests also served by a fresh worker and compared, and the
  // first whose output differed (0: none).
  std::vector<int> fresh_checked;
  int fresh_differs = 0;
};

inline constexpr size_t kMaxRetainers = 10;

struct ResidentMetricInfo {
  const char* name;
  bool bytes;
  // The most entries the engine keeps (pcre_cache: 4096); 0 for none.
  int64_t limit = 0;
};

// The metrics of phptrun_resident_sample (runner/sapi/resident.h), in its
// order: heap, persistent (bytes); classes, functions, constants, objects,
// gc_roots, resources, interned_strings, pcre_cache (counts).
const std::vector<ResidentMetricInfo>& ResidentMetrics();

// Multi-line text for JUnit and --show-diff: the growth of every metric
// that leaks, the sites, and how they were found.
std::string ResidentDetails(const ResidentReport& report);

void EncodeResidentReport(const ResidentReport& report, WireWriter* w);
bool DecodeResidentReport(WireReader* r, ResidentReport* report);

}  // namespace phptrun
