#include "reports/cumulative_reporter.h"

#include <algorithm>
#include <ostream>

#include "reports/atomic_file.h"

namespace phptrun {

CumulativeReporter::CumulativeReporter(std::string path) : path_(std::move(path)) {}

void CumulativeReporter::RunStarting(const RunInfo& info) {
  info_ = info;
  entries_.reserve(info.total_cases);
}

void CumulativeReporter::CaseFinished(const CaseResult& result) {
  ResultSpool::Ref ref = spool_.Append(result);
  Entry entry;
  entry.offset = ref.offset;
  entry.length = ref.length;
  entry.time_ms = result.time_ms;
  entry.path_offset = static_cast<uint32_t>(paths_.size());
  entry.path_length = static_cast<uint32_t>(result.file.size());
  entry.verdict = static_cast<uint8_t>(result.verdict);
  entry.warn_failed = result.warn_failed;
  paths_ += result.file;
  entries_.push_back(entry);
  if (!loaded_.empty()) std::vector<CaseResult>().swap(loaded_);
}

bool CumulativeReporter::RunFinished(const RunEnd& end, std::string* err) {
  AtomicFile file(path_);
  if (!file.ok()) {
    if (err) *err = file.error();
    return false;
  }
  Render(end, file.stream());
  if (!spool_.error().empty()) {
    file.Abort();
    if (err) *err = path_ + ": " + spool_.error();
    return false;
  }
  return file.Commit(err);
}

bool CumulativeReporter::WriteCollected(double duration_s, std::string* err) {
  RunEnd end;
  end.summary = CollectedSummary();
  end.duration_s = duration_s;
  end.interrupted = true;
  return RunFinished(end, err);
}

CumulativeReporter::Brief CumulativeReporter::CaseBrief(uint32_t index) const {
  const Entry& e = entries_[index];
  return Brief{PathOf(e), static_cast<Verdict>(e.verdict), e.time_ms, e.warn_failed};
}

std::vector<uint32_t> CumulativeReporter::SortedOrder() const {
  std::vector<uint32_t> order(entries_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  // Stable, so repeated runs of one file (--repeat) keep completion order.
  std::stable_sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
    return PathOf(entries_[a]) < PathOf(entries_[b]);
  });
  // Ties on the file are ordered by name, which only the spool holds: read
  // names back for those few runs of equal files only.
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin + 1;
    while (end < order.size() && PathOf(entries_[order[end]]) == PathOf(entries_[order[begin]])) {
      ++end;
    }
    if (end - begin > 1) {
      std::vector<std::pair<std::string, uint32_t>> named;
      for (size_t k = begin; k < end; ++k) {
        CaseResult result;
        LoadCase(order[k], &result);
        named.emplace_back(std::move(result.name), order[k]);
      }
      std::stable_sort(named.begin(), named.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t k = begin; k < end; ++k) order[k] = named[k - begin].second;
    }
    begin = end;
  }
  return order;
}

void CumulativeReporter::LoadCase(uint32_t index, CaseResult* out) const {
  const Entry& e = entries_[index];
  ResultSpool::Ref ref;
  ref.offset = e.offset;
  ref.length = e.length;
  if (spool_.Read(ref, out)) return;
  // RunFinished sees spool_.error() and keeps the old file; this only keeps
  // the renderer going.
  *out = CaseResult();
  out->file = std::string(PathOf(e));
  out->name = out->file;
  out->verdict = static_cast<Verdict>(e.verdict);
  out->warn_failed = e.warn_failed;
  out->time_ms = e.time_ms;
}

std::vector<const CaseResult*> CumulativeReporter::SortedCases() const {
  std::vector<uint32_t> order = SortedOrder();
  loaded_.assign(order.size(), CaseResult());
  std::vector<const CaseResult*> sorted;
  sorted.reserve(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    LoadCase(order[k], &loaded_[k]);
    sorted.push_back(&loaded_[k]);
  }
  return sorted;
}

Summary CumulativeReporter::CollectedSummary() const {
  Summary summary;
  for (const Entry& e : entries_) summary.Add(static_cast<Verdict>(e.verdict));
  return summary;
}

size_t CumulativeReporter::MemoryBytes() const {
  return entries_.capacity() * sizeof(Entry) + paths_.capacity() + spool_.memory_bytes();
}

}  // namespace phptrun
