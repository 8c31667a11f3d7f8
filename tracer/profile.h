// Where the time of a run went, aggregated from the cases' span trees: the
// numbers behind `phptrun --profile`.
//
//   Profile profile;
//   profile.AddCase(result.file, result.time_ms, result.spans);   // per case
//   profile.AddWorker(spans);                                      // worker phases
//   for (const Profile::Stat& s : profile.Hooks("RINIT ")) ...     // costliest RINIT
//
// Memory is bounded by the number of distinct span names (phases, steps,
// extensions) plus the top-N lists, not by the number of cases.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tracer/span.h"

namespace phptrun {

class Profile {
 public:
  // One kind of span summed over the run.
  struct Stat {
    std::string name;    // the span name ("RINIT", "RINIT date", "destructors", ...)
    uint64_t count = 0;  // spans seen
    double total_us = 0;
    double max_us = 0;
    double mean_us() const { return count ? total_us / count : 0; }
  };
  // One entry of a top-N list.
  struct Slow {
    std::string what;   // the case file, or the compiled file
    std::string where;  // for a compile: the case that compiled it
    double us = 0;
  };

  explicit Profile(size_t top_n = 10);

  // A case: its file, wall time and spans (CaseResult::spans).
  void AddCase(const std::string& file, double time_ms, const std::vector<Span>& spans);
  // A worker's own engine phases (Reporter::WorkerSpans).
  void AddWorker(const std::vector<Span>& spans);

  size_t cases() const { return cases_; }
  size_t traced_cases() const { return traced_cases_; }  // cases that had spans
  uint64_t requests() const { return requests_; }
  double case_time_us() const { return case_time_us_; }
  double traced_time_us() const { return traced_time_us_; }  // of the cases with spans

  // Per-request phases, in lifecycle order (restart phases first), then two
  // remainders: "fork + exit" (a request's time outside its phases: fork,
  // process exit, collecting output) and "runner" (a case's time outside its
  // requests: reading the phpt, judging, SKIPIF cache hits).
  std::vector<Stat> RequestPhases() const;
  // Requests by kind: SKIPIF, FILE, CLEAN.
  std::vector<Stat> Requests() const;
  // Extension hooks inside requests whose name starts with `prefix`
  // ("RINIT ", "RSHUTDOWN ", "post_deactivate ", "activate ", ...), costliest
  // first by mean, with the prefix kept in the name.
  std::vector<Stat> Hooks(const std::string& prefix) const;
  // The steps inside request phase `phase` ("RINIT", "RSHUTDOWN"), in the
  // order they run.
  std::vector<Stat> Steps(const std::string& phase) const;
  // Worker-level phases (SINIT, MINIT, MSHUTDOWN, SSHUTDOWN), per worker start.
  std::vector<Stat> WorkerPhases() const;
  // Worker-level hooks ("MINIT date", "MSHUTDOWN date", ...), costliest first.
  std::vector<Stat> WorkerHooks(const std::string& prefix) const;
  // Worker-level steps inside `phase` ("MINIT"), in the order they run.
  std::vector<Stat> WorkerSteps(const std::string& phase) const;

  std::vector<Slow> SlowestCases() const { return Sorted(slow_cases_); }
  std::vector<Slow> SlowestCompiles() const { return Sorted(slow_compiles_); }

 private:
  using StatMap = std::map<std::string, Stat>;
  static void Add(StatMap* map, const std::string& name, double us);
  static std::vector<Stat> ByMean(const StatMap& map, const std::string& prefix);
  std::vector<Stat> InOrder(const StatMap& map, const std::vector<std::string>& order) const;
  void Keep(std::vector<Slow>* top, Slow entry) const;
  static std::vector<Slow> Sorted(std::vector<Slow> top);

  size_t top_n_;
  size_t cases_ = 0;
  size_t traced_cases_ = 0;
  uint64_t requests_ = 0;
  double case_time_us_ = 0;
  double traced_time_us_ = 0;
  StatMap phases_;  // request-level phases, plus "fork + exit" and "runner"
  StatMap requests_by_kind_;
  StatMap hooks_;  // request-level hooks
  StatMap steps_;  // "RSHUTDOWN/destructors"
  StatMap worker_phases_;
  StatMap worker_hooks_;
  StatMap worker_steps_;
  std::vector<std::string> step_order_;  // "phase/step", first-seen order
  std::vector<std::string> worker_step_order_;
  std::vector<Slow> slow_cases_;  // a min-heap of the top_n_ slowest
  std::vector<Slow> slow_compiles_;
};

}  // namespace phptrun
