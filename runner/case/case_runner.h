// Runs one case in a worker and returns its CaseResult, in the steps a
// reader of a phpt file expects:
//
//   1. prepare   load the file and plan the case from its sections
//                (case_plan.h): its kind, scripts, INI, environment,
//                extensions; a malformed or unsupported case stops here
//   2. SKIPIF    its request (the result cached per worker, as run-tests
//                does); skip, BORK, or facts for judging (xfail, warn, ...)
//   3. requests  what its kind needs: a REDIRECTTEST's evaluation, the test
//                request (plain or as php-cgi, a flaky one once more), or a
//                resident scenario (resident_runner.h)
//   4. CLEAN     its request, whose output run-tests judges too
//   5. judge     run-tests' rules (runner/phpt/judge.h), and the diff
//
// Every request runs in one of the worker's case processes
// (runner/process/sandbox.h). A case that got another verdict than PASS
// while any of its requests ran in a reused case process runs once more in
// fresh ones, and that verdict counts: a reused process must never change a
// verdict, so it can only cost time.
//
//   CaseRunner runner(config);
//   Redirect redirect;
//   CaseResult result = runner.RunCase("Zend/tests/foo.phpt", CaseContext(), &redirect);
//   if (!redirect.directory.empty()) ...   // a REDIRECTTEST named a directory to run
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runner/case/case_context.h"
#include "runner/case/case_plan.h"
#include "runner/case/engine_setup.h"
#include "runner/phpt/expect.h"
#include "runner/phpt/judge.h"
#include "runner/process/sandbox.h"
#include "runner/result/result.h"

namespace phptrun {

// The steps of a case a worker tells its supervisor's watchdog about
// (runner/pool/watchdog.h).
enum class CaseStep {
  kRequest,  // a request starts, with its timeout
  kJudging,  // its requests are over: judging the output and writing files starts
};

struct CaseRunnerConfig {
  int worker_id = 1;               // 1-based, for the report's tracks
  std::vector<int> worker_fds;     // the worker's own pipes: no case process holds them
  double run_start_ms = 0;         // CLOCK_MONOTONIC ms of the run's start
  const EngineSetup* setup = nullptr;
  // What the worker's engine printed as it started ("Module X is already
  // loaded", a failed extension load): the CLI prints it before every
  // script's output, so every test request's output starts with it.
  std::string startup_output;
};

// A REDIRECTTEST's outcome: the directory to run and what its cases inherit.
struct Redirect {
  std::string directory;
  CaseContext context;
};

class CaseRunner {
 public:
  explicit CaseRunner(const CaseRunnerConfig& config);
  CaseRunner(const CaseRunner&) = delete;
  CaseRunner& operator=(const CaseRunner&) = delete;

  // *redirect is filled when the case is a REDIRECTTEST that names a directory.
  CaseResult RunCase(const std::string& path, const CaseContext& context, Redirect* redirect);

  // `hook` runs while a request of a case is still running after `after_ms`.
  void OnSlowRequest(double after_ms, std::function<void()> hook) {
    sandbox_.OnSlowRequest(after_ms, std::move(hook));
  }

  // `hook` is told each step as it starts: a request (timeout_s: its
  // timeout) or judging (timeout_s: 0).
  void OnStep(std::function<void(CaseStep step, double timeout_s)> hook) {
    step_hook_ = std::move(hook);
  }

 private:
  class RealEngineFacts : public EngineFacts {
   public:
    RealEngineFacts();
    bool ExtensionLoaded(const std::string& name) const override;
    std::string ExtensionFile(const std::string& name) const override;
    bool IniAppliesAtRuntime(const std::string& key) const override;

   private:
    std::string extension_dir_;
  };

  // One run of the case, steps 1 to 5.
  CaseResult Run(const std::string& path, const CaseContext& context, Redirect* redirect);

  // Step 3 for each kind of case; they fill `result` (phases, diff, the
  // resident report) and return the verdict. Steps 4 and 5 happen inside.
  Judgement RunRedirect(const PhptFile& test, const CasePlan& plan, Redirect* redirect,
                        CaseResult* result);
  Judgement RunTest(const PhptFile& test, const CasePlan& plan, const SkipifOutcome& skipif,
                    const ExpectMatcher& matcher, const RequestSpec& spec, CaseResult* result);
  Judgement RunResidentScenario(const PhptFile& test, const CasePlan& plan,
                                const SkipifOutcome& skipif, const ExpectMatcher& matcher,
                                const RequestSpec& spec, CaseResult* result);

  // After judging: removes the script of a case whose output matched
  // (unless --keep-php), else leaves run-tests' files beside it (case_files.h).
  // `expectation_differs`: foo.diff is run-tests' diff of expected and
  // actual; else (a later resident iteration failed) `diff`.
  void LeaveCaseFiles(const PhptFile& test, const CasePlan& plan, const RequestSpec& spec,
                      const CaseFacts& facts, bool expectation_differs,
                      const std::string& expected, const std::string& actual,
                      const std::string& diff);

  // The auxiliary requests (case_requests.cc).
  // SKIPIF, or its cached result.
  SkipifOutcome RunSkipif(const PhptFile& test, const CasePlan& plan, CaseResult* result);
  // CLEAN (not with the test's INI); returns its trimmed output.
  std::string RunClean(const PhptFile& test, const CasePlan& plan, CaseResult* result);
  // The REDIRECTTEST code, as run-tests eval()s it; false (with *why) when
  // it gives no directory.
  bool EvaluateRedirect(const PhptFile& test, const CasePlan& plan, std::string* directory,
                        EnvList* redirect_env, std::string* why);

  // A request with the worker's defaults for `script`.
  RequestSpec BaseSpec(const std::string& script) const;
  // SKIPIF and CLEAN of a CGI test run as php-cgi -q.
  void UseCgi(RequestSpec* spec) const;
  RequestOutcome Execute(const RequestSpec& spec);
  void Step(CaseStep step, double timeout_s = 0) {
    if (step_hook_) step_hook_(step, timeout_s);
  }
  // Adds a request's CPU to the case's (cpu_ms_ becomes -1 once one is unknown).
  void CountCpu(const RequestOutcome& out) { CountCpu(out.cpu_ms); }
  void CountCpu(double request_cpu_ms) {
    cpu_ms_ = cpu_ms_ < 0 || request_cpu_ms < 0 ? -1 : cpu_ms_ + request_cpu_ms;
  }

  const CaseRunnerConfig config_;
  const EngineSetup& setup_;
  RealEngineFacts engine_facts_;
  bool debug_heap_ = false;  // a debug build: its leak report makes a LEAK
  phptrun_engine_options cgi_options_{};
  std::unordered_map<std::string, std::string> skipif_cache_;
  Sandbox sandbox_;
  bool fresh_ = false;   // this run of the case uses fresh processes only
  bool reused_ = false;  // a request of this run of the case ran in a reused process
  double cpu_ms_ = 0;    // CPU of this run's requests so far; -1: one is unknown
  std::function<void(CaseStep, double)> step_hook_;
};

// The output run-tests would have seen of a request: what the process
// printed, plus its markers for a timeout or a death by signal.
std::string OutputAsRunTestsSees(const RequestOutcome& out);

// Appends the engine phases of a request (a restart's MINIT, RINIT,
// compile, execute, RSHUTDOWN) to *phases, each name after `prefix`.
void AddPhases(const RequestOutcome& out, const char* prefix, std::vector<Phase>* phases);

}  // namespace phptrun
