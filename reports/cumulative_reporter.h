// Base for whole-run report files (JUnit, JSON): collect, then write once.
//
// A derived reporter only renders; this base collects every CaseResult, sorts
// them by file, and writes the rendered text atomically (atomic_file.h) to the
// path it was given. Usage by the supervisor:
//
//   JunitReporter junit("out/junit.xml");        // any CumulativeReporter
//   junit.RunStarting(info);
//   ... junit.CaseFinished(result) per case ...
//   std::string err;
//   if (!junit.RunFinished(end, &err)) Warn(err);  // err names the file
//
// On SIGINT/SIGTERM the supervisor calls RunFinished with end.interrupted =
// true from its main loop (not from the signal handler): the file then holds
// every case that finished. WriteCollected() writes the same thing mid-run,
// e.g. for a periodic checkpoint; RunFinished may still follow.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "reports/reporter.h"

namespace phptrun {

class CumulativeReporter : public Reporter {
 public:
  // `path` is the file RunFinished writes; tests that only Render() may pass "".
  explicit CumulativeReporter(std::string path);

  void RunStarting(const RunInfo& info) override;
  void CaseFinished(const CaseResult& result) override;
  // Renders everything collected and writes it to path(); counts come from the
  // collected cases (so they always match the cases written), while the
  // duration and the interrupted flag come from `end`.
  bool RunFinished(const RunEnd& end, std::string* err) override;

  // Writes what has been collected so far, marked interrupted, with the
  // given wall-clock duration. Same result as RunFinished({.., duration_s,
  // interrupted = true}).
  bool WriteCollected(double duration_s, std::string* err);

  // Writes the whole report for the collected cases to `out`.
  virtual void Render(const RunEnd& end, std::ostream& out) const = 0;

  const std::string& path() const { return path_; }
  const RunInfo& info() const { return info_; }
  // Collected cases sorted by file (then name, then completion order), the
  // order every whole-run format lists them in.
  std::vector<const CaseResult*> SortedCases() const;
  // Counts per verdict over the collected cases.
  Summary CollectedSummary() const;

 private:
  std::string path_;
  RunInfo info_;
  std::vector<CaseResult> cases_;
};

}  // namespace phptrun
