// --profile: after the summary, where the time of the run went, from the
// lifecycle tracer's spans (tracer/profile.h):
//
//   Profile of 120 cases, 203 requests (lifecycle tracer; times summed over all workers)
//   (shares are of the time of the cases that ran a request)
//
//   Where the time went            total ms    share   per request
//     RINIT                          41.200     3.1%      0.203 ms
//     ...
//   RINIT by extension (mean per request, costliest first)
//     session                         21.4 us   total 4.344 ms   max 88.1 us
//   RSHUTDOWN by extension ...
//   Request shutdown steps ...
//   Worker startup (per worker) ...  MINIT by extension ...
//   Slowest cases ...
//   Slowest compiles ...
//
// Sections without data are left out; tables list at most `rows` entries.
// It prints nothing when no case carried spans (the tracer was off).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "reports/reporter.h"
#include "tracer/profile.h"

namespace phptrun {

class ProfileReporter : public Reporter {
 public:
  // `out` must outlive the reporter.
  explicit ProfileReporter(std::ostream& out, size_t rows = 10);

  void CaseFinished(const CaseResult& result) override;
  void WorkerSpans(int worker, const std::vector<Span>& spans) override;
  bool RunFinished(const RunEnd& end, std::string* err) override;

  const Profile& profile() const { return profile_; }

 private:
  std::ostream& out_;
  size_t rows_;
  Profile profile_;
  int worker_starts_ = 0;
};

}  // namespace phptrun
