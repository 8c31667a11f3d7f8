#include "runner/case/case_runner.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "runner/case/case_files.h"
#include "runner/case/case_trace.h"
#include "runner/process/external_command.h"
#include "runner/case/resident_runner.h"
#include "runner/phpt/cgi_request.h"
#include "runner/phpt/debug_leaks.h"
#include "runner/phpt/phpt_file.h"
#include "runner/phpt/run_tests_diff.h"
#include "runner/phpt/text_util.h"
#include "runner/result/resident_report.h"

namespace phptrun {
namespace {

// The facts for judging that come from sections and SKIPIF, whatever ran.
CaseFacts SectionFacts(const PhptFile& test, const SkipifOutcome& skipif) {
  CaseFacts facts;
  facts.xfail = test.Has("XFAIL") || skipif.xfail;
  facts.xfail_reason = test.Has("XFAIL") ? TrimWhitespace(*test.Section("XFAIL")) : skipif.xfail_reason;
  facts.warn = skipif.warn;
  facts.warn_text = skipif.warn_text;
  facts.xleak = test.Has("XLEAK");
  facts.info = skipif.info;
  return facts;
}

bool Shows(const EngineSetup& setup, const char* block) {
  return std::find(setup.show_blocks.begin(), setup.show_blocks.end(), block) !=
         setup.show_blocks.end();
}

// The php command line run-tests would run for the test: php-cgi -C with
// the body from foo.post for a CGI case (when php-cgi is installed).
std::string PhpCommand(const EngineSetup& setup, const PhptFile& test, const CasePlan& plan) {
  const char* cgi = std::getenv("TEST_PHP_CGI_EXECUTABLE");
  if (plan.cgi && cgi && *cgi) {
    std::string command = std::string(cgi) + " -C" + plan.extra_args + " -f " + ShellQuote(plan.script);
    if (plan.cgi_request.has_body) command += " < " + ShellQuote(CaseFilesBase(plan.script) + "post");
    return command + " 2>&1";
  }
  std::string command = setup.php_binary + plan.extra_args + " -f " + ShellQuote(plan.script);
  if (const std::string* args = test.Section("ARGS")) command += " -- " + TrimWhitespace(*args);
  return command + " 2>&1";
}

// foo.sh's text: the worker's environment and the request's, then the
// php command line.
std::string Reproducer(const EngineSetup& setup, const PhptFile& test, const CasePlan& plan,
                       const RequestSpec& spec) {
  std::vector<std::pair<std::string, std::string>> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env.push_back({entry.substr(0, eq), entry.substr(eq + 1)});
  }
  env.insert(env.end(), spec.env.begin(), spec.env.end());
  return ReproducerScript(env, PhpCommand(setup, test, plan));
}

// -m / -M TOOL: the test request as run-tests runs it under valgrind, with
// the php CLI; valgrind's log goes to foo.mem.
RequestOutcome RunUnderValgrind(const EngineSetup& setup, const std::vector<int>& worker_fds,
                                const PhptFile& test, const CasePlan& plan,
                                const RequestSpec& spec) {
  ExternalCommand cmd;
  cmd.command = "valgrind -q --tool=" + setup.valgrind_tool + " --trace-children=yes";
  if (plan.script.find("pcre") != std::string::npos) cmd.command += " --smc-check=all";
  cmd.command += " --vex-iropt-register-updates=allregs-at-mem-access --log-file=" +
                 ShellQuote(CaseFilesBase(plan.script) + "mem") + " " +
                 PhpCommand(setup, test, plan);
  cmd.env = spec.env;
  cmd.env.push_back({"USE_ZEND_ALLOC", "0"});
  cmd.env.push_back({"ZEND_DONT_UNLOAD_MODULES", "1"});
  if (spec.has_stdin) cmd.stdin_data = spec.stdin_data;
  cmd.timeout_s = spec.timeout_s;
  cmd.output_limit = spec.output_limit;
  cmd.close_fds = worker_fds;
  return RunExternalCommand(cmd);
}

// -m: a non-empty valgrind log is run-tests' LEAK; an empty one goes.
void JudgeValgrindLog(const CasePlan& plan, CaseFacts* facts, std::string* log) {
  std::string path = CaseFilesBase(plan.script) + "mem";
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  *log = text.str();
  if (log->empty()) {
    unlink(path.c_str());
    return;
  }
  facts->leaked = true;
  facts->leak_reason = "valgrind reported errors (" + path + ")";
}

}  // namespace

std::string OutputAsRunTestsSees(const RequestOutcome& out) {
  std::string text = out.output;
  if (out.timed_out) text += "\n ** ERROR: process timed out **\n";
  if (out.term_signal) text += "\nTermsig=" + std::to_string(out.term_signal);
  return text;
}

void AddPhases(const RequestOutcome& out, const char* prefix, std::vector<Phase>* phases) {
  auto add = [&](const char* name, const phptrun_phase_sample& s) {
    Phase p;
    p.name = std::string(prefix) + name;
    p.ms = s.ms;
    p.heap_before = s.heap_before;
    p.heap_after = s.heap_after;
    p.heap_peak = s.heap_peak;
    phases->push_back(std::move(p));
  };
  if (out.restart.minit.ms > 0) add("MINIT (restart for startup INI)", out.restart.minit);
  if (!out.completed && !out.engine.started) return;
  add("RINIT", out.engine.rinit);
  add("compile", out.engine.compile);
  add("execute", out.engine.execute);
  add("RSHUTDOWN", out.engine.rshutdown);
}

CaseRunner::CaseRunner(const CaseRunnerConfig& config)
    : config_(config), setup_(*config.setup), sandbox_(config.setup->reuse, config.worker_fds) {
  cgi_options_.sapi_name = "cgi-fcgi";
  cgi_options_.php_binary = setup_.php_binary.c_str();
  cgi_options_.ini_path_override = setup_.cgi_ini_path.empty() ? nullptr : setup_.cgi_ini_path.c_str();
  cgi_options_.ini_scan_dir = setup_.cgi_ini_scan_dir.empty() ? nullptr : setup_.cgi_ini_scan_dir.c_str();
  cgi_options_.no_ini = setup_.no_ini;
  cgi_options_.ini_entries = setup_.ini_entries.c_str();
  cgi_options_.cgi = 1;
  phptrun_engine_info engine;
  phptrun_engine_describe(&engine);
  debug_heap_ = engine.debug != 0;
}

CaseResult CaseRunner::RunCase(const std::string& path, const CaseContext& context,
                               Redirect* redirect) {
  fresh_ = false;
  reused_ = false;
  CaseResult result = Run(path, context, redirect);
  // What the case started and left running ends with it.
  sandbox_.KillLeftovers();
  if (!reused_ || result.verdict == Verdict::kPass) return result;
  fresh_ = true;
  *redirect = Redirect();
  CaseResult fresh = Run(path, context, redirect);
  sandbox_.KillLeftovers();
  fresh_ = false;
  fresh.confirmed_fresh = true;
  fresh.reused_verdict = result.verdict;
  // The time of both runs is the case's; the first (with the hand-over to
  // the second) shows as a phase, and the case starts where the first run
  // did, so that its span in a trace covers both runs and ends before the
  // next case on the worker starts.
  Phase first;
  first.name = "first run (reused process)";
  first.ms = std::max(result.time_ms, fresh.start_ms - result.start_ms);
  fresh.phases.insert(fresh.phases.begin(), first);
  fresh.time_ms += first.ms;
  fresh.start_ms = result.start_ms;
  fresh.cpu_ms = fresh.cpu_ms < 0 || result.cpu_ms < 0 ? -1 : fresh.cpu_ms + result.cpu_ms;
  // The warm process made a difference: it carries state our checks did not
  // see, and would pass it on to the cases after this one.
  if (fresh.verdict != result.verdict) sandbox_.RetireWarm();
  return fresh;
}

CaseResult CaseRunner::Run(const std::string& path, const CaseContext& context,
                           Redirect* redirect) {
  const double start = MonotonicMs();
  cpu_ms_ = 0;
  CaseResult result;
  result.file = path;
  result.worker = config_.worker_id;
  result.start_ms = start - config_.run_start_ms;
  auto finish = [&](Judgement judgement) {
    result.verdict = judgement.verdict;
    result.reason = std::move(judgement.reason);
    result.warn_failed = judgement.warn_failed;
    result.time_ms = MonotonicMs() - start;
    result.cpu_ms = cpu_ms_;
    AddRunnerPhase(&result);
    return result;
  };

  // 1. prepare
  PhptFile test = PhptFile::Load(path);
  result.name = test.name().empty() ? path : test.name();
  if (!context.empty()) result.name = context.name_prefix + " " + result.name;
  if (!test.ok()) return finish({Verdict::kBork, test.error()});
  CasePlan plan;
  Judgement stop;
  if (!PlanCase(test, context, setup_, engine_facts_, &plan, &stop)) return finish(stop);
  // What an earlier run left beside the test goes first, as in run-tests.
  RemoveCaseFiles(CaseFilesBase(plan.script));

  // 2. SKIPIF
  SkipifOutcome skipif;
  const std::string* skip_code = test.Section("SKIPIF");
  if (skip_code && !TrimWhitespace(*skip_code).empty()) {
    if (Shows(setup_, "skip")) result.blocks += ShowBlock("SKIP", *skip_code);
    skipif = RunSkipif(test, plan, &result);
    if (skipif.action == SkipifOutcome::Action::kSkip) return finish({Verdict::kSkip, skipif.reason});
    if (skipif.action == SkipifOutcome::Action::kBork) return finish({Verdict::kBork, skipif.reason});
  }

  // 3 to 5, for each kind.
  if (plan.redirects) return finish(RunRedirect(test, plan, redirect, &result));
  // Compiled only now: a case that SKIPs never needs it (run-tests, too, only
  // meets an unusable pattern when it compares output).
  ExpectMatcher matcher(test.ExpectKind(), *test.Section(test.ExpectKind()));
  if (!matcher.ok()) return finish({Verdict::kBork, matcher.error()});
  RequestSpec spec = BaseSpec(plan.script);
  FillTestRequest(test, plan, &cgi_options_, &spec);
  if (plan.resident) return finish(RunResidentScenario(test, plan, skipif, matcher, spec, &result));
  return finish(RunTest(test, plan, skipif, matcher, spec, &result));
}

Judgement CaseRunner::RunRedirect(const PhptFile& test, const CasePlan& plan, Redirect* redirect,
                                  CaseResult* result) {
  std::string why;
  if (!EvaluateRedirect(test, plan, &redirect->directory, &redirect->context.env, &why)) {
    return {Verdict::kBork, why};
  }
  redirect->context.name_prefix = result->name;
  redirect->context.script_dir = plan.dir;
  redirect->context.extensions = plan.extension_names;
  return {Verdict::kPass, "redirects to " + redirect->directory};
}

// The test itself, then CLEAN; a failing flaky test runs once more.
Judgement CaseRunner::RunTest(const PhptFile& test, const CasePlan& plan,
                              const SkipifOutcome& skipif, const ExpectMatcher& matcher,
                              const RequestSpec& spec, CaseResult* result) {
  const std::string& code = *test.Section("FILE");
  if (Shows(setup_, "php")) result->blocks += ShowBlock("TEST", code);
  // Only the attempt whose verdict counts decides whether a reused process
  // was involved: a retry after a timeout runs in a new process, and its
  // verdict needs no confirmation (else a timeout cost four timeouts).
  const bool skipif_reused = reused_;
  for (bool retried = false;; retried = true) {
    reused_ = skipif_reused;
    std::string err;
    if (!WriteCaseScript(plan.script, code, &err)) return {Verdict::kBork, "cannot write the test script: " + err};
    const bool valgrind = !setup_.valgrind_tool.empty() && !plan.cgi;
    if (valgrind) Step(CaseStep::kRequest, spec.timeout_s);
    RequestOutcome out = valgrind ? RunUnderValgrind(setup_, config_.worker_fds, test, plan, spec)
                                  : Execute(spec);
    AddPhases(out, "", &result->phases);
    AddRequestTrace(out, "FILE", config_.run_start_ms, setup_.spans, result);
    if (!out.error.empty()) return {Verdict::kFail, out.error};
    std::string clean_output = RunClean(test, plan, result);
    Step(CaseStep::kJudging);
    if (OutputExceeded(out, setup_.output_limit)) {
      // Not compared: matching and diffing 64 MiB could take longer than
      // the supervisor waits for the worker, and says nothing more.
      CaseFacts facts = SectionFacts(test, skipif);
      facts.output_matches = false;
      facts.clean_output = clean_output;
      facts.failure_reason = CrashReason(out, setup_.timeout_s, setup_.output_limit);
      constexpr size_t kShown = 4096;
      result->diff = "(the output was not compared: it exceeded " +
                     std::to_string(setup_.output_limit >> 20) + " MiB; its first " +
                     std::to_string(kShown) + " bytes:)\n" + out.output.substr(0, kShown) + "\n";
      return Judge(facts);
    }

    std::string raw_output = OutputAsRunTestsSees(out);
    // An engine started again in the case process (or the php CLI under
    // valgrind) printed its own startup output into the request's.
    const bool restarted = out.restart.minit.ms > 0 || out.restarted_earlier ||
                           out.engine.runtime_ini_failed || valgrind;
    if (!restarted) raw_output = config_.startup_output + raw_output;
    // A debug build's memory manager reports the request's leaks after the
    // output: a verdict of its own, not part of what is compared.
    DebugLeakReport heap_leaks;
    if (debug_heap_) heap_leaks = TakeDebugLeakReport(&raw_output);
    std::string headers_diff;
    bool headers_ok = true;
    if (plan.cgi) {
      std::map<std::string, std::string> headers;
      std::string body;
      SplitCgiOutput(raw_output, &headers, &body);
      raw_output = body;
      headers_ok = CheckExpectedHeaders(test, headers, &headers_diff);
    }
    std::string actual = NormalizeOutput(raw_output);
    CaseFacts facts = SectionFacts(test, skipif);
    const bool expect_matches = matcher.Matches(actual);
    facts.output_matches = expect_matches && headers_ok;
    const std::string* skip_code = test.Section("SKIPIF");
    if (!facts.output_matches && !retried &&
        MayBeRetried(test.Has("FLAKY") || skipif.flaky, skip_code ? *skip_code : "", code, actual)) {
      continue;
    }
    facts.retried = retried;
    facts.clean_output = clean_output;
    facts.failure_reason = CrashReason(out, setup_.timeout_s, setup_.output_limit);
    if (Shows(setup_, "out")) result->blocks += ShowBlock("OUT", actual);
    if (Shows(setup_, "exp")) result->blocks += ShowBlock("EXP", matcher.expected());
    if (!facts.output_matches) {
      result->diff =
          headers_diff + MakeDiff(matcher.kind(), matcher.expected(), actual, setup_.context_lines);
    }
    if (heap_leaks.found()) {
      facts.leaked = true;
      facts.leak_reason = heap_leaks.Summary();
      result->diff = heap_leaks.Details() + result->diff;
    }
    if (valgrind) {
      std::string log;
      JudgeValgrindLog(plan, &facts, &log);
      if (Shows(setup_, "mem") && !log.empty()) result->blocks += ShowBlock("MEM", log);
      // The log is a LEAK's evidence, as a resident LEAK's growth is.
      if (!log.empty()) result->diff = log + result->diff;
    }
    LeaveCaseFiles(test, plan, spec, facts, !expect_matches, matcher.expected(), actual,
                   result->diff);
    return Judge(facts);
  }
}

void CaseRunner::LeaveCaseFiles(const PhptFile& test, const CasePlan& plan,
                                const RequestSpec& spec, const CaseFacts& facts,
                                bool expectation_differs, const std::string& expected,
                                const std::string& actual, const std::string& diff) {
  // run-tests removes the script of a test whose output matched.
  if (facts.output_matches && !facts.leaked) {
    if (!setup_.keep_php) unlink(plan.script.c_str());
    return;
  }
  FailureFiles files;
  files.log_format = setup_.log_format;
  files.reproducer = Reproducer(setup_, test, plan, spec);
  if (plan.cgi && plan.cgi_request.has_body) {  // foo.sh reads the body from foo.post
    std::string post_err;
    WriteCaseScript(CaseFilesBase(plan.script) + "post", plan.cgi_request.body, &post_err);
  }
  std::string err;
  if (!facts.output_matches) {
    files.expected = expected;
    files.actual = actual;
    // foo.diff is run-tests' own diff of the expectation (run_tests_diff.h);
    // the reports keep ours. A resident run whose first output matched
    // failed on a later iteration: its diff says how.
    files.diff = diff;
    if (expectation_differs) {
      RunTestsDiff(test.ExpectKind(), expected, actual, setup_.context_lines, &files.diff);
    }
    WriteFailureFiles(CaseFilesBase(plan.script), files, true, &err);
  } else {
    FailureFiles sh_only = files;
    sh_only.log_format = setup_.log_format.find('S') != std::string::npos ? "S" : "";
    WriteFailureFiles(CaseFilesBase(plan.script), sh_only, true, &err);
  }
}

// The whole scenario in one case process (resident_runner.h), then CLEAN.
Judgement CaseRunner::RunResidentScenario(const PhptFile& test, const CasePlan& plan,
                                          const SkipifOutcome& skipif,
                                          const ExpectMatcher& matcher, const RequestSpec& spec,
                                          CaseResult* result) {
  std::string err;
  if (!WriteCaseScript(plan.script, *test.Section("FILE"), &err)) {
    return {Verdict::kBork, "cannot write the test script: " + err};
  }
  Step(CaseStep::kRequest, spec.timeout_s);  // the whole scenario shares the case's timeout
  ResidentRun run =
      RunResident(spec, plan.resident_spec, setup_.attribute, setup_.resident_budget_s);
  CountCpu(run.outcome);
  if (run.attribution_ms > 0) CountCpu(run.attribution_cpu_ms);
  AddPhases(run.outcome, "", &result->phases);
  AddRequestTrace(run.outcome, "FILE", config_.run_start_ms, setup_.spans, result);
  if (run.attribution_ms > 0) {
    Phase phase;
    phase.name = "attribution (second pass)";
    phase.ms = run.attribution_ms;
    result->phases.push_back(phase);
  }
  result->resident = run.evaluation.report;
  if (!run.outcome.error.empty() || run.evaluation.bork) unlink(plan.script.c_str());
  if (!run.outcome.error.empty()) return {Verdict::kFail, run.outcome.error};
  if (run.evaluation.bork) return {Verdict::kBork, run.evaluation.bork_reason};
  std::string clean_output = RunClean(test, plan, result);
  Step(CaseStep::kJudging);

  std::string actual = NormalizeOutput(run.evaluation.first_output);
  bool expect_matches = matcher.Matches(actual);
  CaseFacts facts = SectionFacts(test, skipif);
  facts.output_matches = expect_matches && run.evaluation.failure_reason.empty();
  facts.failure_reason = run.evaluation.failure_reason;
  facts.clean_output = clean_output;
  facts.leaked = run.evaluation.leaked;
  facts.leak_reason = run.evaluation.leak_reason;
  result->diff = expect_matches ? run.evaluation.failure_diff
                                : MakeDiff(matcher.kind(), matcher.expected(), actual,
                                           setup_.context_lines);
  LeaveCaseFiles(test, plan, spec, facts, !expect_matches, matcher.expected(), actual,
                 result->diff);
  // A leak's "diff" is its evidence: the growth and the sites (JUnit's
  // <failure type="leak"> body, --show-diff), then any output diff.
  if (facts.leaked) result->diff = ResidentDetails(result->resident) + result->diff;
  return Judge(facts);
}

}  // namespace phptrun
