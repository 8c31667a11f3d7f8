#include "reports/cumulative_reporter.h"

#include <algorithm>
#include <sstream>

#include "reports/atomic_file.h"

namespace phptrun {

CumulativeReporter::CumulativeReporter(std::string path) : path_(std::move(path)) {}

void CumulativeReporter::RunStarting(const RunInfo& info) {
  info_ = info;
  cases_.reserve(info.total_cases);
}

void CumulativeReporter::CaseFinished(const CaseResult& result) {
  cases_.push_back(result);
  // The span tree goes to the trace and profile reporters as cases finish;
  // keeping it for every case of a big suite would cost far more memory
  // than everything else here.
  cases_.back().spans = {};
}

bool CumulativeReporter::RunFinished(const RunEnd& end, std::string* err) {
  std::ostringstream text;
  Render(end, text);
  return WriteFileAtomically(path_, text.str(), err);
}

bool CumulativeReporter::WriteCollected(double duration_s, std::string* err) {
  RunEnd end;
  end.summary = CollectedSummary();
  end.duration_s = duration_s;
  end.interrupted = true;
  return RunFinished(end, err);
}

std::vector<const CaseResult*> CumulativeReporter::SortedCases() const {
  std::vector<const CaseResult*> sorted;
  sorted.reserve(cases_.size());
  for (const CaseResult& result : cases_) sorted.push_back(&result);
  // Stable, so repeated runs of one file (--repeat) keep completion order.
  std::stable_sort(sorted.begin(), sorted.end(), [](const CaseResult* a, const CaseResult* b) {
    if (a->file != b->file) return a->file < b->file;
    return a->name < b->name;
  });
  return sorted;
}

Summary CumulativeReporter::CollectedSummary() const {
  Summary summary;
  for (const CaseResult& result : cases_) summary.Add(result.verdict);
  return summary;
}

}  // namespace phptrun
