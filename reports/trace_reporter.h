// The Chrome trace (--trace FILE): every case's lifecycle span tree on a
// timeline, for Perfetto (ui.perfetto.dev) or chrome://tracing.
//
//   {"traceEvents":[
//   {"name":"process_name","ph":"M","pid":1,"tid":1,"args":{"name":"worker 1"}},
//   {"name":"MINIT","cat":"phase","ph":"X","ts":812,"dur":14210,"pid":1,"tid":1,"args":{..}},
//   {"name":"tests/a.phpt","cat":"case","ph":"X",...,"args":{"test":"..","verdict":"PASS"}},
//   {"name":"FILE","cat":"request",...},  {"name":"RINIT date","cat":"extension",...},
//   ...],
//   "displayTimeUnit":"ms","otherData":{"phptrun":"0.1.0","php":"8.2.36","started":".."}}
//
// One process track per worker (pid = tid = worker id): the worker's own
// SINIT/MINIT/MSHUTDOWN, then its cases one after the other, each case a
// span with its requests (SKIPIF, FILE, CLEAN) under it, their phases under
// those, and extensions' hooks, steps and compiles under the phases. "ts"
// and "dur" are whole microseconds from the start of the run, computed so
// that nesting is exact, as strict readers (speedscope) require: each span's
// edges are rounded on their own (rounding keeps their order), then a child
// is clamped into its parent and a span starts no earlier than the end of
// the sibling before it. (Cases on a track follow each other: a case's time
// covers all its runs, CaseRunner::RunCase.) Args: phases and
// requests carry heap_before/heap_after/heap_peak and persistent_before/
// persistent_after (bytes); steps, hooks and compiles carry heap_delta and
// persistent_delta when non-zero; "inferred":true marks a span with an
// inferred edge, "bailout":true a hook left by a zend_bailout.
//
// Events are written as cases finish, through a temporary file renamed
// into place by RunFinished (also after SIGINT), so memory stays flat for
// any number of cases and readers never see half a file.
#pragma once

#include <iosfwd>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "reports/atomic_file.h"
#include "reports/reporter.h"

namespace phptrun {

class TraceReporter : public Reporter {
 public:
  // Writes `path` (atomically, see above).
  explicit TraceReporter(std::string path);
  // Writes to `out` instead (tests); `out` must outlive the reporter.
  explicit TraceReporter(std::ostream* out);

  void RunStarting(const RunInfo& info) override;
  void CaseFinished(const CaseResult& result) override;
  void WorkerSpans(int worker, const std::vector<Span>& spans) override;
  bool RunFinished(const RunEnd& end, std::string* err) override;

 private:
  void Emit(const std::string& text);
  void NameWorker(int worker);
  // `outer`: the span all top-level spans lie in (a case's [start, end]),
  // or null (a worker's own spans).
  void EmitSpans(const std::vector<Span>& spans, int worker, const long long* outer);

  std::string path_;
  std::ostream* stream_ = nullptr;
  std::unique_ptr<AtomicFile> file_;
  RunInfo info_;
  std::set<int> named_workers_;
  bool first_event_ = true;
};

}  // namespace phptrun
