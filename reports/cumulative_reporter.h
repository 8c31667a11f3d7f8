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
//
// Memory stays flat as runs grow: each result goes to a ResultSpool (an
// unlinked temporary file) as it arrives, and only a small index stays in
// memory per case (about 32 bytes plus its path: what sorting and counting
// need). Render() should read the cases back one at a time in report order,
//
//   for (uint32_t i : SortedOrder()) { CaseResult r; LoadCase(i, &r); ...write r... }
//
// and write as it goes, which keeps the whole report out of memory too:
// RunFinished streams Render()'s output into the temporary file that is then
// renamed over path().
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "reports/reporter.h"
#include "reports/result_spool.h"

namespace phptrun {

class CumulativeReporter : public Reporter {
 public:
  // `path` is the file RunFinished writes; tests that only Render() may pass "".
  explicit CumulativeReporter(std::string path);

  void RunStarting(const RunInfo& info) override;
  void CaseFinished(const CaseResult& result) override;
  // Renders everything collected and writes it to path(); counts come from the
  // collected cases (so they always match the cases written), while the
  // duration and the interrupted flag come from `end`. False, with *err
  // naming the file, when the file could not be written or a collected case
  // could not be read back (the file then keeps its previous content).
  bool RunFinished(const RunEnd& end, std::string* err) override;

  // Writes what has been collected so far, marked interrupted, with the
  // given wall-clock duration. Same result as RunFinished({.., duration_s,
  // interrupted = true}).
  bool WriteCollected(double duration_s, std::string* err);

  // Writes the whole report for the collected cases to `out`.
  virtual void Render(const RunEnd& end, std::ostream& out) const = 0;

  const std::string& path() const { return path_; }
  const RunInfo& info() const { return info_; }

  // What the index keeps of a collected case, enough to sort and count
  // without reading the case back. `file` stays valid until the next
  // CaseFinished.
  struct Brief {
    std::string_view file;
    Verdict verdict;
    double time_ms;
    bool warn_failed = false;  // CaseResult::warn_failed
  };
  // Collected cases are numbered 0..case_count()-1 in completion order.
  size_t case_count() const { return entries_.size(); }
  Brief CaseBrief(uint32_t index) const;
  // The numbers of the collected cases in the order every whole-run format
  // lists them: by file, then name, then completion order.
  std::vector<uint32_t> SortedOrder() const;
  // Reads collected case `index` back in full into *out. If it cannot be
  // (an I/O error on the temporary file), *out gets what the index holds and
  // the next RunFinished fails, so no incomplete report replaces the file.
  void LoadCase(uint32_t index, CaseResult* out) const;

  // Every collected case read back into memory, in SortedOrder(). Handy for
  // small runs and tests; renderers use SortedOrder() and LoadCase() so that
  // memory does not grow with the run. Pointers stay valid until the next
  // CaseFinished or SortedCases call.
  std::vector<const CaseResult*> SortedCases() const;
  // Counts per verdict over the collected cases.
  Summary CollectedSummary() const;

  // Bytes this reporter holds in memory for the collected cases (index,
  // paths, the spool's write buffer; not what SortedCases() loaded). Grows
  // with the number of cases and their path lengths, not with the size of
  // their results; if the spool fell back to memory, results count too.
  size_t MemoryBytes() const;
  // The spool, for tests: on_disk() says whether results went to a file.
  const ResultSpool& spool() const { return spool_; }

 private:
  // 32 bytes: a ResultSpool::Ref unpacked, so that no padding is wasted.
  struct Entry {
    uint64_t offset;
    double time_ms;
    uint32_t length;
    uint32_t path_offset;  // into paths_ (4 GiB of paths: far beyond any suite)
    uint32_t path_length;
    uint8_t verdict;      // a Verdict
    bool warn_failed;
  };
  static_assert(sizeof(Entry) == 32, "keep the per-case index small");
  std::string_view PathOf(const Entry& e) const {
    return std::string_view(paths_).substr(e.path_offset, e.path_length);
  }

  std::string path_;
  RunInfo info_;
  ResultSpool spool_;
  std::vector<Entry> entries_;
  std::string paths_;                       // every case's file, back to back
  mutable std::vector<CaseResult> loaded_;  // SortedCases()
};

}  // namespace phptrun
