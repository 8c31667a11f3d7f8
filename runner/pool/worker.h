// A worker process: starts the engine once (SINIT + MINIT), then runs the
// cases the supervisor hands it, each in forks of that started engine
// (sandbox.h), and sends back one CaseResult per case.
//
// Protocol (wire.h messages, first field the kind):
//   supervisor -> worker   kRunCase {case id, path, CaseContext}  |  kQuit
//   worker -> supervisor   kReady {php version, SINIT ms, MINIT ms, startup output}
//                          kStartFailed {error}
//                          kRedirect {case id, directory, CaseContext for its cases}
//                          kCaseResult {case id, CaseResult}
//                          kGiveBack {case id}: a case queued behind one that
//                            runs long (kSlowCaseMs), never started; the
//                            supervisor hands it to another worker
//                          kWorkerSpans {spans}: the worker's own engine phases
//                            (SINIT, MINIT after kReady; MSHUTDOWN, SSHUTDOWN
//                            after kQuit), with the lifecycle tracer on
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/result/result.h"
#include "runner/sapi/engine.h"

namespace phptrun {

enum WorkerMessage : uint32_t {
  kRunCase = 1,
  kQuit = 2,
  kReady = 10,
  kStartFailed = 11,
  kCaseResult = 12,
  kRedirect = 13,
  kWorkerSpans = 14,
  kGiveBack = 15,
};

// A case still running after this long gives back the cases queued behind it.
constexpr double kSlowCaseMs = 50;

// What a REDIRECTTEST hands down to the cases of the directory it names
// (run-tests.php: they run with its ENV and REDIR_TEST_DIR, its EXTENSIONS,
// their scripts in its directory, their names prefixed with its name).
// Empty for ordinary cases.
struct CaseContext {
  std::string name_prefix;
  std::string script_dir;  // where the case's .php files go (absolute)
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<std::string> extensions;

  bool empty() const { return script_dir.empty(); }
};

void EncodeCaseContext(const CaseContext& context, class WireWriter* w);
bool DecodeCaseContext(class WireReader* r, CaseContext* context);

// How every worker starts its engine and runs cases; built once by the
// supervisor from the Options and inherited by the forked workers.
struct EngineSetup {
  std::string sapi_name = "cli";
  std::string php_binary;         // PHP_BINARY for tests
  std::string ini_path_override;  // -c, else the CLI's php.ini directory
  std::string ini_scan_dir;       // the CLI's conf.d
  std::string cgi_ini_path;       // php-cgi's php.ini directory (CGI-section tests)
  std::string cgi_ini_scan_dir;   // php-cgi's conf.d
  bool no_ini = false;
  std::string ini_entries;        // run-tests defaults + -d, as INI lines
  std::string extra_args;         // TEST_PHP_EXTRA_ARGS without the test's INI
  double timeout_s = 60;
  size_t output_limit = 64 << 20;
  bool tracer = false;            // the lifecycle tracer (runner/sapi/lifecycle_hooks.h)
  bool spans = false;             // its span trees in CaseResult (--trace, --profile)
  int repeat = 0;                 // --repeat N: cases without RESIDENT run N requests
  bool attribute = false;         // --attribute: resident runs attribute from the start
  int reuse = 100;                // --reuse N: requests one case process may serve
};

struct WorkerConfig {
  int id = 1;                     // 1-based
  int command_fd = -1;            // read end, from the supervisor
  int result_fd = -1;             // write end, to the supervisor
  std::vector<int> close_fds;     // other fds a case must not inherit
  double run_start_ms = 0;        // CLOCK_MONOTONIC ms of the run's start
  const EngineSetup* setup = nullptr;
};

// Runs the worker loop in the current (freshly forked) process; never returns.
[[noreturn]] void WorkerMain(const WorkerConfig& config);

}  // namespace phptrun
