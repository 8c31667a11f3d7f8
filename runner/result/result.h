// The result model: what one case's run produced, as every reporter sees it.
//
// A CaseResult is built in a worker, sent to the supervisor over a pipe
// (runner/result/wire.h) and handed to each Reporter (reports/reporter.h). It holds
// plain values only, so it can be copied and serialised freely.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runner/phpt/verdict.h"
#include "runner/result/resident_report.h"
#include "tracer/span.h"

namespace phptrun {

// One timed step of the engine while running a case: a request phase
// ("RINIT", "compile", "execute", "RSHUTDOWN") or a whole auxiliary request
// ("SKIPIF", "CLEAN"), or "runner": the rest of the case's time (reading
// the phpt, forking, collecting output, judging), so phases add up to
// time_ms. Heap figures are Zend MM bytes (zend_memory_usage); persistent
// figures are malloc'd bytes in use, -1 when the lifecycle tracer was off.
struct Phase {
  std::string name;
  double ms = 0;
  int64_t heap_before = 0;
  int64_t heap_after = 0;
  int64_t heap_peak = 0;
  int64_t persistent_before = -1;
  int64_t persistent_after = -1;
};

struct CaseResult {
  std::string file;      // path as reached from the command-line argument
  std::string name;      // trimmed TEST section; the file name when unparseable
  Verdict verdict = Verdict::kPass;
  std::string reason;    // skip/bork/xfail/warn reason, "timed out after 60 s", ...
  double time_ms = 0;    // wall time of the case: SKIPIF + test + CLEAN
  // CPU of its case processes (user + sys, with the children they waited
  // for) over all its requests; -1 when unknown (a request's figure was
  // lost, or no worker reported the case).
  double cpu_ms = -1;
  std::string diff;      // for FAIL, XFAIL and WARN on a failing test
  std::vector<Phase> phases;
  int worker = 0;        // 1-based worker id (trace track)
  double start_ms = 0;   // start relative to the run's start
  ResidentReport resident;  // resident runs only (RESIDENT section, --repeat)
  // The lifecycle tracer's span tree of this case (tracer/span.h): one
  // kRequest span per request (SKIPIF, FILE, CLEAN) with parent -1, the
  // phases, steps, extensions' hooks and compiles under them. Empty when
  // the tracer was off. Whole-run reports drop it once they have used it.
  std::vector<Span> spans;
  // The case ran first in a reused case process, got another verdict than
  // PASS there and was run again in a fresh one, which gave `verdict`.
  // reused_verdict != verdict means an earlier request left state behind.
  bool confirmed_fresh = false;
  Verdict reused_verdict = Verdict::kPass;
  // --show-php/skip/clean/exp/out: those parts of the case as run-tests
  // prints them ("\n========TEST========\n...\n========DONE========\n").
  std::string blocks;
  // A WARN whose output failed with nothing expecting it (run-tests'
  // WARN&FAIL): JUnit reports it as a failure, as run-tests' JUnit does.
  bool warn_failed = false;
  // Not empty when the case ran twice because the worker running it died:
  // why ("its worker died (killed by SIGKILL) while it ran; it ran again in
  // a new worker"). Set by the supervisor.
  std::string rerun_reason;
};

// Counts per verdict, for summaries.
struct Summary {
  std::map<Verdict, int> counts;
  int Count(Verdict v) const {
    auto it = counts.find(v);
    return it == counts.end() ? 0 : it->second;
  }
  int Total() const;
  void Add(Verdict v) { ++counts[v]; }
};

// The PHP engine a run embeds, as its workers found it at run time
// (phptrun_engine_describe), and the CLI of the same build that tests spawn.
struct EngineInfo {
  std::string version;        // PHP_VERSION, "8.2.32"
  bool zts = false;
  bool debug = false;
  std::string libphp;         // the library file the workers loaded
  std::string php_ini;        // the php.ini read at startup, "" for none
  std::string extension_dir;  // the extension_dir INI value
  std::string php_binary;     // TEST_PHP_EXECUTABLE and PHP_BINARY of the tests
  // "PHP 8.2.32 NTS debug", "PHP 8.2.36 ZTS release"; "" before the engine
  // described itself.
  std::string Build() const;
};

// What a report keeps of one case's diff and reason: a 64 MiB diff per
// flooding case made JUnit files of hundreds of MB, a 1 MB section header
// a 1 MB reason.
constexpr size_t kMaxReportDiffBytes = 256 << 10;
constexpr size_t kMaxReportReasonBytes = 4 << 10;

// Cuts result->diff and result->reason to the caps above (a diff at a line
// end where one is near), with a line saying how much was cut, within the
// caps. Workers apply it before they send a result (a 64 MiB diff need not
// cross the pipe), the supervisor to every result before the reporters see
// it; a second application changes nothing.
void CapForReports(CaseResult* result);

// The directory part of a case path ("a/b/c.phpt" -> "a/b", "c.phpt" -> ".").
std::string CaseDirectory(const std::string& file);

}  // namespace phptrun
