#include "runner/pool/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <strings.h>
#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <unordered_map>

#include "runner/case/case_trace.h"
#include "runner/phpt/cgi_request.h"
#include "runner/phpt/expect.h"
#include "runner/phpt/ini.h"
#include "runner/phpt/judge.h"
#include "runner/phpt/phpt_file.h"
#include "runner/case/resident_runner.h"
#include "runner/resident/resident_spec.h"
#include "runner/process/sandbox.h"
#include "runner/sapi/lifecycle_hooks.h"
#include "runner/phpt/shell_words.h"
#include "runner/phpt/text_util.h"
#include "runner/result/wire.h"

#include <nlohmann/json.hpp>

namespace phptrun {
namespace {

double NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

std::string Directory(const std::string& path) {
  std::string dir = CaseDirectory(path);
  char* real = realpath(dir.c_str(), nullptr);
  if (!real) return dir;
  std::string out = real;
  free(real);
  return out;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".phpt") == 0) name.resize(name.size() - 5);
  return name;
}

bool WriteFile(const std::string& path, const std::string& content, std::string* err) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    *err = path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) *err = path + ": write failed";
  return ok;
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

// The output run-tests would have seen: what the process printed, plus its
// markers for a timeout or a death by signal.
std::string OutputAsRunTestsSees(const RequestOutcome& out) {
  std::string text = out.output;
  if (out.timed_out) text += "\n ** ERROR: process timed out **\n";
  if (out.term_signal) text += "\nTermsig=" + std::to_string(out.term_signal);
  return text;
}

// The EXTENSIONS section: one name per line, trimmed, empty lines skipped.
std::vector<std::string> ExtensionNames(const PhptFile& test) {
  std::vector<std::string> names;
  if (const std::string* body = test.Section("EXTENSIONS")) {
    for (std::string_view line : SplitLines(*body, "\r\n")) {
      std::string name = TrimWhitespace(line);
      if (!name.empty()) names.push_back(std::move(name));
    }
  }
  return names;
}

using EnvList = std::vector<std::pair<std::string, std::string>>;

// A redirect: the directory to run and what its cases inherit.
struct Redirect {
  std::string directory;
  CaseContext context;
};

class CaseRunner {
 public:
  explicit CaseRunner(const WorkerConfig& config)
      : config_(config),
        setup_(*config.setup),
        sandbox_(config.setup->reuse, {config.command_fd, config.result_fd}) {
    const char* dir = phptrun_engine_ini_value("extension_dir");
    extension_dir_ = dir ? dir : "";
    cgi_options_.sapi_name = "cgi-fcgi";
    cgi_options_.php_binary = setup_.php_binary.c_str();
    cgi_options_.ini_path_override = setup_.cgi_ini_path.empty() ? nullptr : setup_.cgi_ini_path.c_str();
    cgi_options_.ini_scan_dir = setup_.cgi_ini_scan_dir.empty() ? nullptr : setup_.cgi_ini_scan_dir.c_str();
    cgi_options_.no_ini = setup_.no_ini;
    cgi_options_.ini_entries = setup_.ini_entries.c_str();
    cgi_options_.cgi = 1;
  }

  // *redirect is filled when the case is a REDIRECTTEST that names a directory.
  // A case that got another verdict than PASS with a reused case process
  // runs again in fresh ones, and that verdict counts: a reused process
  // must never change a verdict, so it can only cost time.
  CaseResult RunCase(const std::string& path, const CaseContext& context, Redirect* redirect);

  // `hook` runs while a case is still running after kSlowCaseMs.
  void OnSlowRequest(std::function<void()> hook) {
    sandbox_.OnSlowRequest(kSlowCaseMs, std::move(hook));
  }

 private:
  CaseResult Run(const std::string& path, const CaseContext& context, Redirect* redirect);
  RequestOutcome Execute(const RequestSpec& spec) {
    RequestOutcome out = sandbox_.Run(spec);
    reused_ = reused_ || out.reused;
    return out;
  }
  // Extensions named by EXTENSIONS that are not loaded: the INI lines that
  // load them, or the names that cannot be loaded.
  void ResolveExtensions(const std::vector<std::string>& names, IniList* load,
                         std::vector<std::string>* missing);
  // Runs the REDIRECTTEST code as run-tests eval()s it; false (with *why)
  // when it gives no directory.
  bool EvaluateRedirect(const PhptFile& test, const std::string& script, const EnvList& env,
                        std::string* directory, EnvList* redirect_env, std::string* why);
  RequestSpec BaseSpec(const std::string& script) const;
  // Runs SKIPIF (or takes its cached result).
  // `cgi`: run as php-cgi -q, as run-tests does for a CGI test's SKIPIF/CLEAN.
  SkipifOutcome RunSkipif(const PhptFile& test, const std::string& skip_file,
                          const std::string& startup_ini, const EnvList& env, bool cgi,
                          CaseResult* result);
  // Runs CLEAN (not with the test's INI); returns its trimmed output.
  std::string RunClean(const PhptFile& test, const std::string& clean_file,
                       const std::string& startup_ini, const EnvList& env, bool cgi,
                       CaseResult* result);
  void UseCgi(RequestSpec* spec) {
    spec->restart_as = &cgi_options_;
    spec->quiet = true;
    spec->argv.resize(1);
  }

  const WorkerConfig& config_;
  const EngineSetup& setup_;
  std::string extension_dir_;
  phptrun_engine_options cgi_options_{};
  std::unordered_map<std::string, std::string> skipif_cache_;
  Sandbox sandbox_;
  bool fresh_ = false;   // this run of the case uses fresh processes only
  bool reused_ = false;  // a request of this run of the case ran in a reused process
};

// The supervisor's commands, read ahead while a case runs.
class Inbox {
 public:
  explicit Inbox(int fd) : fd_(fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

  // Waits for the next command; false once the supervisor closed the pipe.
  bool Next(std::string* message) {
    for (;;) {
      if (!queue_.empty()) {
        *message = std::move(queue_.front());
        queue_.pop_front();
        return true;
      }
      if (closed_) return false;
      pollfd p = {fd_, POLLIN, 0};
      if (poll(&p, 1, -1) < 0 && errno != EINTR) return false;
      Read();
    }
  }

  // Sends kGiveBack for every case waiting here; other commands (kQuit) stay.
  void GiveBackQueued(int result_fd) {
    Read();
    std::deque<std::string> keep;
    for (std::string& message : queue_) {
      WireReader r(message);
      uint32_t kind = 0, id = 0;
      if (r.U32(&kind) && kind == kRunCase && r.U32(&id)) {
        WireWriter w;
        w.U32(kGiveBack);
        w.U32(id);
        WriteMessage(result_fd, w.data());
      } else {
        keep.push_back(std::move(message));
      }
    }
    queue_ = std::move(keep);
  }

 private:
  void Read() {
    if (!buffer_.Fill(fd_)) closed_ = true;
    std::string message;
    while (buffer_.Next(&message)) queue_.push_back(std::move(message));
  }

  int fd_;
  MessageBuffer buffer_;
  std::deque<std::string> queue_;
  bool closed_ = false;
};

CaseResult CaseRunner::RunCase(const std::string& path, const CaseContext& context,
                               Redirect* redirect) {
  fresh_ = false;
  reused_ = false;
  CaseResult result = Run(path, context, redirect);
  if (!reused_ || result.verdict == Verdict::kPass) return result;
  fresh_ = true;
  *redirect = Redirect();
  CaseResult fresh = Run(path, context, redirect);
  fresh_ = false;
  fresh.confirmed_fresh = true;
  fresh.reused_verdict = result.verdict;
  // The time of both runs is the case's; the first shows as a phase.
  Phase first;
  first.name = "first run (reused process)";
  first.ms = result.time_ms;
  fresh.phases.insert(fresh.phases.begin(), first);
  fresh.time_ms += result.time_ms;
  // The warm process made a difference: it carries state our checks did not
  // see, and would pass it on to the cases after this one.
  if (fresh.verdict != result.verdict) sandbox_.RetireWarm();
  return fresh;
}

void CaseRunner::ResolveExtensions(const std::vector<std::string>& names, IniList* load,
                                   std::vector<std::string>* missing) {
  for (const std::string& name : names) {
    if (phptrun_engine_extension_loaded(name.c_str())) continue;
    std::string so = extension_dir_ + "/" + name + ".so";
    if (access(so.c_str(), R_OK) == 0) {
      bool zend = name == "opcache" || name == "xdebug";
      load->push_back({zend ? "zend_extension" : "extension", so});
    } else {
      missing->push_back(name);
    }
  }
}

RequestSpec CaseRunner::BaseSpec(const std::string& script) const {
  RequestSpec spec;
  spec.script_path = script;
  spec.argv = {script};
  spec.timeout_s = setup_.timeout_s;
  spec.output_limit = setup_.output_limit;
  // config_.close_fds were closed when the worker started (their numbers
  // may since belong to other files); only the worker's own pipes remain.
  spec.close_fds = {config_.command_fd, config_.result_fd};
  spec.fresh = fresh_;
  return spec;
}

SkipifOutcome CaseRunner::RunSkipif(const PhptFile& test, const std::string& skip_file,
                                    const std::string& startup_ini, const EnvList& env, bool cgi,
                                    CaseResult* result) {
  const std::string& code = *test.Section("SKIPIF");
  // run-tests' key: the command line (our startup INI) and the directory,
  // then the code; the environment is not part of it.
  std::string key = (cgi ? "cgi\n" : "") + startup_ini + '\0' + CaseDirectory(skip_file) + '\0' + code;
  bool use_cache = !std::getenv("DISABLE_SKIP_CACHE");
  if (use_cache && !fresh_) {  // a fresh run checks what a reused process said
    auto hit = skipif_cache_.find(key);
    if (hit != skipif_cache_.end()) return InterpretSkipif(hit->second);
  }
  std::string err;
  if (!WriteFile(skip_file, code, &err)) {
    SkipifOutcome bork;
    bork.action = SkipifOutcome::Action::kBork;
    bork.reason = "cannot write SKIPIF file: " + err;
    return bork;
  }
  RequestSpec spec = BaseSpec(skip_file);
  spec.startup_ini = startup_ini;
  spec.runtime_ini = "display_errors=1\ndisplay_startup_errors=0\n";
  spec.runtime_ini_undoable = true;
  spec.env = env;
  // run-tests runs SKIPIF and CLEAN without 2>&1 and reads only stdout.
  spec.discard_stderr = true;
  if (cgi) UseCgi(&spec);
  for (const char* name : {"REQUEST_METHOD", "QUERY_STRING", "PATH_TRANSLATED", "SCRIPT_FILENAME"}) {
    spec.env.push_back({name, ""});
  }
  RequestOutcome out = Execute(spec);
  unlink(skip_file.c_str());
  Phase phase;
  phase.name = "SKIPIF";
  phase.ms = out.wall_ms;
  phase.heap_peak = out.engine.execute.heap_peak;
  result->phases.push_back(phase);
  AddRequestTrace(out, "SKIPIF", config_.run_start_ms, setup_.spans, result);

  std::string output = OutputAsRunTestsSees(out);
  SkipifOutcome outcome = InterpretSkipif(output);
  if (outcome.action == SkipifOutcome::Action::kBork) {
    // Say what it printed, as run-tests does: usually a PHP warning.
    std::string shown = TrimWhitespace(output);
    if (shown.size() > 300) shown = shown.substr(0, 300) + "...";
    for (char& c : shown) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    outcome.reason += ": " + shown;
  }
  if (use_cache && outcome.cacheable && out.completed) skipif_cache_[key] = output;
  return outcome;
}

bool CaseRunner::EvaluateRedirect(const PhptFile& test, const std::string& script,
                                  const EnvList& env, std::string* directory,
                                  EnvList* redirect_env, std::string* why) {
  // run-tests eval()s the section and reads the array it returns.
  std::string code = "<?php echo json_encode((function () {\n" + *test.Section("REDIRECTTEST") +
                     "\n})(), JSON_INVALID_UTF8_SUBSTITUTE);";
  std::string err;
  if (!WriteFile(script, code, &err)) {
    *why = "cannot write the REDIRECTTEST script: " + err;
    return false;
  }
  RequestSpec spec = BaseSpec(script);
  spec.env = env;
  RequestOutcome out = Execute(spec);
  unlink(script.c_str());
  nlohmann::json info = nlohmann::json::parse(out.output, nullptr, false);
  const std::string kNoDirectory =
      "Redirect info must contain exactly one TEST string to be used as redirect directory.";
  if (info.is_discarded() || !info.is_object()) {
    *why = kNoDirectory + " (the section printed: " + TrimWhitespace(out.output).substr(0, 200) + ")";
    return false;
  }
  auto tests = info.find("TESTS");
  if (tests == info.end() || !tests->is_string() || tests->get<std::string>().empty()) {
    *why = kNoDirectory;
    return false;
  }
  *directory = tests->get<std::string>();
  auto vars = info.find("ENV");
  if (vars != info.end() && vars->is_object()) {
    for (auto it = vars->begin(); it != vars->end(); ++it) {
      std::string value = it->is_string() ? it->get<std::string>() : it->dump();
      redirect_env->push_back({it.key(), value});
    }
  }
  return true;
}

CaseResult CaseRunner::Run(const std::string& path, const CaseContext& context,
                           Redirect* redirect) {
  double start = NowMs();
  CaseResult result;
  result.file = path;
  result.worker = config_.id;
  result.start_ms = start - config_.run_start_ms;
  auto finish = [&](Verdict verdict, std::string reason) {
    result.verdict = verdict;
    result.reason = std::move(reason);
    result.time_ms = NowMs() - start;
    AddRunnerPhase(&result);
    return result;
  };

  PhptFile test = PhptFile::Load(path);
  result.name = test.name().empty() ? path : test.name();
  if (!context.empty()) result.name = context.name_prefix + " " + result.name;
  if (!test.ok()) return finish(Verdict::kBork, test.error());
  const bool redirects = test.Has("REDIRECTTEST");
  if (redirects && !context.empty()) {
    return finish(Verdict::kBork, "a REDIRECTTEST cannot be run through another REDIRECTTEST");
  }
  const bool cgi = IsCgiTest(test);
  CgiRequest cgi_request;
  if (cgi) {
    for (const char* name : {"GZIP_POST", "DEFLATE_POST"}) {
      const std::string* body = test.Section(name);
      if (body && !body->empty()) return finish(Verdict::kSkip, std::string(name) + " is not supported yet");
    }
    std::string bork;
    if (!BuildCgiRequest(test, &cgi_request, &bork)) return finish(Verdict::kBork, bork);
  }
  if (test.Has("PHPDBG")) return finish(Verdict::kSkip, "phpdbg not available");


  // Resident scenarios: a RESIDENT section, or --repeat for the other cases.
  ResidentSpec resident;
  bool is_resident = false;
  if (const std::string* body = test.Section("RESIDENT")) {
    std::string err;
    if (!ParseResidentSection(*body, &resident, &err)) return finish(Verdict::kBork, err);
    is_resident = true;
  } else if (setup_.repeat > 1) {
    const std::string* ini = test.Section("INI");
    std::string skip = RepeatSkipReason([&](const char* name) { return test.Has(name); },
                                        ini ? *ini : std::string());
    if (!skip.empty()) return finish(Verdict::kSkip, skip);
    resident = RepeatSpec(setup_.repeat);
    is_resident = true;
  }

  IniList extension_ini;
  std::vector<std::string> missing;
  const std::vector<std::string> extension_names = ExtensionNames(test);
  std::vector<std::string> wanted_extensions = context.extensions;
  wanted_extensions.insert(wanted_extensions.end(), extension_names.begin(),
                           extension_names.end());
  ResolveExtensions(wanted_extensions, &extension_ini, &missing);
  if (!missing.empty()) {
    std::string names;
    for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
    return finish(Verdict::kSkip, "Required extension(s) missing: " + names);
  }

  const std::string dir = context.empty() ? Directory(path) : context.script_dir;
  const std::string base = dir + "/" + BaseName(path);
  const std::string script = base + ".php";
  const std::string skip_file = base + ".skip.php";
  const std::string clean_file = base + ".clean.php";

  // The test's INI: applied in the started engine when every entry can be,
  // else the case process restarts its engine with them.
  IniList test_ini;
  if (const std::string* ini = test.Section("INI")) test_ini = ParseIniSection(*ini, dir);
  bool needs_restart = !extension_ini.empty();
  for (const IniEntry& e : test_ini) {
    if (!phptrun_engine_ini_applies_at_runtime(e.first.c_str())) needs_restart = true;
  }
  const std::string extension_lines = FormatIniLines(extension_ini);
  std::string extra_args = setup_.extra_args;
  extra_args += FormatDefineArgs(extension_ini) + FormatDefineArgs(test_ini);

  EnvList env = context.env;
  env.insert(env.end(), {{"REDIRECT_STATUS", ""}, {"QUERY_STRING", ""}, {"PATH_TRANSLATED", ""},
                         {"SCRIPT_FILENAME", ""}, {"REQUEST_METHOD", ""}, {"CONTENT_TYPE", ""},
                         {"CONTENT_LENGTH", ""}, {"TZ", ""}});
  EnvList env_section;
  if (const std::string* body = test.Section("ENV")) {
    std::string text = *body;
    for (size_t p; (p = text.find("{PWD}")) != std::string::npos;) text.replace(p, 5, dir);
    for (std::string_view raw : SplitLines(text, "\n")) {
      std::string line = TrimWhitespace(raw);
      size_t eq = line.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      env_section.push_back({line.substr(0, eq), line.substr(eq + 1)});
    }
  }
  EnvList skipif_env = env;
  skipif_env.insert(skipif_env.end(), env_section.begin(), env_section.end());

  // SKIPIF
  SkipifOutcome skipif;
  const std::string* skip_code = test.Section("SKIPIF");
  if (skip_code && !TrimWhitespace(*skip_code).empty()) {
    skipif = RunSkipif(test, skip_file, extension_lines, skipif_env, cgi, &result);
    if (skipif.action == SkipifOutcome::Action::kSkip) return finish(Verdict::kSkip, skipif.reason);
    if (skipif.action == SkipifOutcome::Action::kBork) return finish(Verdict::kBork, skipif.reason);
  }

  if (redirects) {
    std::string why;
    if (!EvaluateRedirect(test, script, skipif_env, &redirect->directory, &redirect->context.env,
                          &why)) {
      return finish(Verdict::kBork, why);
    }
    redirect->context.name_prefix = result.name;
    redirect->context.script_dir = dir;
    redirect->context.extensions = extension_names;
    return finish(Verdict::kPass, "redirects to " + redirect->directory);
  }

  // Compiled only now: a case that SKIPs never needs it (run-tests, too, only
  // meets an unusable pattern when it compares output).
  ExpectMatcher matcher(test.ExpectKind(), *test.Section(test.ExpectKind()));
  if (!matcher.ok()) return finish(Verdict::kBork, matcher.error());

  RequestSpec spec = BaseSpec(script);
  if (needs_restart) {
    IniList startup = extension_ini;
    MergeIni(&startup, test_ini);
    spec.startup_ini = FormatIniLines(startup);
  } else {
    spec.runtime_ini = FormatIniLines(test_ini);
  }
  spec.env = env;
  spec.env.insert(spec.env.end(), {{"REDIRECT_STATUS", "1"}, {"PATH_TRANSLATED", script},
                                   {"SCRIPT_FILENAME", script}, {"REQUEST_METHOD", "GET"},
                                   {"TEST_PHP_EXTRA_ARGS", extra_args}});
  if (cgi) {
    spec.env.insert(spec.env.end(),
                    {{"QUERY_STRING", cgi_request.query_string},
                     {"HTTP_COOKIE", cgi_request.cookie},
                     {"REQUEST_METHOD", cgi_request.method},
                     {"CONTENT_TYPE", cgi_request.content_type},
                     {"CONTENT_LENGTH", cgi_request.has_body ? std::to_string(cgi_request.body.size()) : ""}});
  }
  spec.env.insert(spec.env.end(), env_section.begin(), env_section.end());
  if (const std::string* args = test.Section("ARGS")) {
    for (std::string& word : SplitShellWords(*args)) spec.argv.push_back(std::move(word));
    // run-tests' command ends at the section's newline, so its " 2>&1"
    // becomes a separate command: stderr of ARGS tests is not captured.
    spec.discard_stderr = args->find('\n') != std::string::npos;
  }
  if (const std::string* capture = test.Section("CAPTURE_STDIO")) {
    auto names = [&](const char* stream) { return strcasestr(capture->c_str(), stream) != nullptr; };
    spec.capture_stdin = names("STDIN");
    spec.capture_stdout = names("STDOUT");
    spec.capture_stderr = names("STDERR");
  }
  if (const std::string* in = test.Section("STDIN")) {
    spec.has_stdin = true;
    spec.stdin_data = *in;
  }
  if (cgi) {
    // php-cgi -C: the CGI personality, the request line from the sections,
    // the body on stdin, and the CGI environment run-tests sets.
    spec.restart_as = &cgi_options_;
    if (spec.startup_ini.empty() && !spec.runtime_ini.empty()) {
      spec.startup_ini = spec.runtime_ini;  // a restart happens anyway
      spec.runtime_ini.clear();
    }
    spec.argv.resize(1);
    spec.discard_stderr = false;
    if (cgi_request.has_body) {
      spec.has_stdin = true;
      spec.stdin_data = cgi_request.body;
    }
  }
  // The facts that come from sections and SKIPIF, whatever ran.
  auto section_facts = [&](CaseFacts* facts) {
    facts->xfail = test.Has("XFAIL") || skipif.xfail;
    facts->xfail_reason =
        test.Has("XFAIL") ? TrimWhitespace(*test.Section("XFAIL")) : skipif.xfail_reason;
    facts->warn = skipif.warn;
    facts->warn_text = skipif.warn_text;
    facts->xleak = test.Has("XLEAK");
    facts->info = skipif.info;
  };

  if (is_resident) {
    std::string err;
    if (!WriteFile(script, *test.Section("FILE"), &err)) {
      return finish(Verdict::kBork, "cannot write the test script: " + err);
    }
    ResidentRun run = RunResident(spec, resident, setup_.attribute);
    unlink(script.c_str());
    AddPhases(run.outcome, "", &result.phases);
    AddRequestTrace(run.outcome, "FILE", config_.run_start_ms, setup_.spans, &result);
    if (run.attribution_ms > 0) {
      Phase phase;
      phase.name = "attribution (second pass)";
      phase.ms = run.attribution_ms;
      result.phases.push_back(phase);
    }
    result.resident = run.evaluation.report;
    if (!run.outcome.error.empty()) return finish(Verdict::kFail, run.outcome.error);
    if (run.evaluation.bork) return finish(Verdict::kBork, run.evaluation.bork_reason);
    std::string clean_output = RunClean(test, clean_file, extension_lines, skipif_env, cgi, &result);

    std::string actual = NormalizeOutput(run.evaluation.first_output);
    bool expect_matches = matcher.Matches(actual);
    CaseFacts facts;
    section_facts(&facts);
    facts.output_matches = expect_matches && run.evaluation.failure_reason.empty();
    facts.failure_reason = run.evaluation.failure_reason;
    facts.clean_output = clean_output;
    facts.leaked = run.evaluation.leaked;
    facts.leak_reason = run.evaluation.leak_reason;
    Judgement judgement = Judge(facts);
    if (!expect_matches) {
      result.diff = MakeDiff(matcher.kind(), matcher.expected(), actual);
    } else {
      result.diff = run.evaluation.failure_diff;
    }
    // A leak's "diff" is its evidence: the growth and the sites (JUnit's
    // <failure type="leak"> body, --show-diff), then any output diff.
    if (facts.leaked) result.diff = ResidentDetails(result.resident) + result.diff;
    return finish(judgement.verdict, judgement.reason);
  }

  // The test itself, then CLEAN; a failing flaky test runs once more.
  for (bool retried = false;; retried = true) {
    std::string err;
    if (!WriteFile(script, *test.Section("FILE"), &err)) {
      return finish(Verdict::kBork, "cannot write the test script: " + err);
    }
    RequestOutcome out = Execute(spec);
    unlink(script.c_str());
    AddPhases(out, "", &result.phases);
    AddRequestTrace(out, "FILE", config_.run_start_ms, setup_.spans, &result);
    if (!out.error.empty()) return finish(Verdict::kFail, out.error);
    std::string clean_output = RunClean(test, clean_file, extension_lines, skipif_env, cgi, &result);

    std::string raw_output = OutputAsRunTestsSees(out);
    std::string headers_diff;
    bool headers_ok = true;
    if (cgi) {
      std::map<std::string, std::string> headers;
      std::string body;
      SplitCgiOutput(raw_output, &headers, &body);
      raw_output = body;
      headers_ok = CheckExpectedHeaders(test, headers, &headers_diff);
    }
    std::string actual = NormalizeOutput(raw_output);
    CaseFacts facts;
    facts.output_matches = matcher.Matches(actual) && headers_ok;
    if (!facts.output_matches && !retried &&
        MayBeRetried(test.Has("FLAKY") || skipif.flaky, skip_code ? *skip_code : "",
                     *test.Section("FILE"), actual)) {
      continue;
    }
    facts.retried = retried;
    facts.xfail = test.Has("XFAIL") || skipif.xfail;
    facts.xfail_reason = test.Has("XFAIL") ? TrimWhitespace(*test.Section("XFAIL")) : skipif.xfail_reason;
    facts.warn = skipif.warn;
    facts.warn_text = skipif.warn_text;
    facts.xleak = test.Has("XLEAK");
    facts.clean_output = clean_output;
    facts.info = skipif.info;
    if (out.timed_out) {
      facts.failure_reason =
          "timed out after " + std::to_string(static_cast<int>(setup_.timeout_s)) + " s";
    } else if (out.term_signal) {
      facts.failure_reason = "crashed: " + SignalName(out.term_signal);
    } else if (out.engine.output_limit_hit) {
      facts.failure_reason =
          "output exceeded " + std::to_string(setup_.output_limit >> 20) + " MiB";
    }
    Judgement judgement = Judge(facts);
    if (!facts.output_matches) result.diff = headers_diff + MakeDiff(matcher.kind(), matcher.expected(), actual);
    return finish(judgement.verdict, judgement.reason);
  }
}

std::string CaseRunner::RunClean(const PhptFile& test, const std::string& clean_file,
                                 const std::string& startup_ini, const EnvList& env, bool cgi,
                                 CaseResult* result) {
  const std::string* code = test.Section("CLEAN");
  std::string err;
  if (!code || TrimWhitespace(*code).empty() || !WriteFile(clean_file, TrimWhitespace(*code), &err)) return {};
  RequestSpec clean = BaseSpec(clean_file);
  clean.startup_ini = startup_ini;
  clean.env = env;
  clean.discard_stderr = true;
  if (cgi) UseCgi(&clean);
  RequestOutcome out = Execute(clean);
  unlink(clean_file.c_str());
  Phase phase;
  phase.name = "CLEAN";
  phase.ms = out.wall_ms;
  result->phases.push_back(phase);
  AddRequestTrace(out, "CLEAN", config_.run_start_ms, setup_.spans, result);
  return TrimWhitespace(OutputAsRunTestsSees(out));
}

void SendReady(int fd, const phptrun_startup_timing& timing, const std::string& startup_output) {
  WireWriter w;
  w.U32(kReady);
  w.Str(phptrun_engine_php_version());
  w.F64(timing.sinit.ms);
  w.F64(timing.minit.ms);
  w.Str(startup_output);
  WriteMessage(fd, w.data());
}

// Runs `start` with fds 1 and 2 on a memory file and returns what it wrote.
template <typename F>
std::string CaptureStdio(F start) {
  int capture = memfd_create("phptrun-startup", MFD_CLOEXEC);
  int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
  std::fflush(stdout);
  dup2(capture, STDOUT_FILENO);
  dup2(capture, STDERR_FILENO);
  start();
  std::fflush(stdout);
  std::fflush(stderr);
  dup2(saved_out, STDOUT_FILENO);
  dup2(saved_err, STDERR_FILENO);
  close(saved_out);
  close(saved_err);
  std::string text;
  char buf[4096];
  ssize_t n;
  off_t off = 0;
  while ((n = pread(capture, buf, sizeof buf, off)) > 0) {
    text.append(buf, static_cast<size_t>(n));
    off += n;
  }
  close(capture);
  return text;
}

}  // namespace

void EncodeCaseContext(const CaseContext& context, WireWriter* w) {
  w->Str(context.name_prefix);
  w->Str(context.script_dir);
  w->U32(static_cast<uint32_t>(context.env.size()));
  for (const auto& [name, value] : context.env) {
    w->Str(name);
    w->Str(value);
  }
  w->U32(static_cast<uint32_t>(context.extensions.size()));
  for (const std::string& e : context.extensions) w->Str(e);
}

bool DecodeCaseContext(WireReader* r, CaseContext* context) {
  uint32_t n = 0;
  r->Str(&context->name_prefix);
  r->Str(&context->script_dir);
  r->U32(&n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) {
    std::pair<std::string, std::string> var;
    r->Str(&var.first);
    r->Str(&var.second);
    context->env.push_back(std::move(var));
  }
  r->U32(&n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) {
    std::string e;
    r->Str(&e);
    context->extensions.push_back(std::move(e));
  }
  return r->ok();
}

void WorkerMain(const WorkerConfig& config) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  signal(SIGINT, SIG_IGN);  // the supervisor decides when workers stop
  for (int fd : config.close_fds) close(fd);
  const EngineSetup& setup = *config.setup;

  phptrun_engine_options options{};
  options.sapi_name = setup.sapi_name.c_str();
  options.php_binary = setup.php_binary.c_str();
  options.ini_path_override = setup.ini_path_override.empty() ? nullptr : setup.ini_path_override.c_str();
  options.ini_scan_dir = setup.ini_scan_dir.empty() ? nullptr : setup.ini_scan_dir.c_str();
  options.no_ini = setup.no_ini;
  options.ini_entries = setup.ini_entries.c_str();

  // Startup messages (a broken php.ini, a missing extension) go to the
  // supervisor, which shows them once instead of once per worker.
  phptrun_lifecycle_enable(setup.tracer);
  phptrun_startup_timing timing;
  char err[512] = "";
  int started = -1;
  std::string startup_output = CaptureStdio(
      [&] { started = phptrun_engine_startup(&options, &timing, err, sizeof err); });
  if (started != 0) {
    WireWriter w;
    w.U32(kStartFailed);
    w.Str(std::string(err) + (startup_output.empty() ? "" : "\n" + startup_output));
    WriteMessage(config.result_fd, w.data());
    _exit(1);
  }
  SendReady(config.result_fd, timing, startup_output);
  SendWorkerSpans(config.result_fd, TakeEngineSpans(config.run_start_ms));

  Inbox inbox(config.command_fd);
  CaseRunner runner(config);
  // While a case runs long, the cases queued behind it go back to the
  // supervisor, which gives them to a worker that is free.
  runner.OnSlowRequest([&] { inbox.GiveBackQueued(config.result_fd); });
  std::string message;
  while (inbox.Next(&message)) {
    WireReader r(message);
    uint32_t kind = 0, id = 0;
    std::string path;
    CaseContext context;
    if (!r.U32(&kind) || kind == kQuit) break;
    if (kind != kRunCase || !r.U32(&id) || !r.Str(&path) || !DecodeCaseContext(&r, &context)) break;
    Redirect redirect;
    CaseResult result = runner.RunCase(path, context, &redirect);
    if (!redirect.directory.empty()) {
      WireWriter rw;
      rw.U32(kRedirect);
      rw.U32(id);
      rw.Str(redirect.directory);
      EncodeCaseContext(redirect.context, &rw);
      if (!WriteMessage(config.result_fd, rw.data())) break;
    }
    WireWriter w;
    w.U32(kCaseResult);
    w.U32(id);
    EncodeCaseResult(result, &w);
    if (!WriteMessage(config.result_fd, w.data())) break;
  }
  phptrun_engine_shutdown(nullptr);
  SendWorkerSpans(config.result_fd, TakeEngineSpans(config.run_start_ms));
  _exit(0);
}

}  // namespace phptrun
