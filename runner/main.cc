// phptrun: the command-line shell over the runner library.
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>

#include "reports/console_reporter.h"
#include "reports/html_reporter.h"
#include "reports/json_reporter.h"
#include "reports/junit_reporter.h"
#include "reports/list_file_reporter.h"
#include "reports/profile_reporter.h"
#include "reports/report_merge.h"
#include "reports/timings.h"
#include "reports/trace_reporter.h"
#include "runner/phpt/case_list.h"
#include "runner/phpt/ini.h"
#include "runner/options.h"
#include "runner/run_tests_compat.h"
#include "runner/sapi/engine.h"
#include "runner/pool/shard.h"
#include "runner/pool/supervisor.h"
#include "runner/pool/worker.h"

namespace phptrun {
namespace {

// The one fatal error type: caught once in main, printed as
// "phptrun: error: ...".
struct FatalError {
  std::string message;
  int status;
};

std::string IsoNow() {
  std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

// The CPUs this process may run on (taskset, cgroup cpusets), else the
// online ones.
int UsableCpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

// -j auto may run this many cases per CPU while they wait.
constexpr int kAutoJobsPerCpu = 4;

// The engine every worker starts: the system CLI's php.ini and conf.d (or
// -n / -c), run-tests.php's INI defaults, then -d.
EngineSetup MakeEngineSetup(const Options& o) {
  EngineSetup s;
  s.sapi_name = o.sapi_name;
  s.php_binary = PHPTRUN_PHP_CLI;
  s.no_ini = o.no_ini;
  // As the CLI: -n reads no php.ini unless -c names one (the engine searches
  // an override path even when told to ignore php.ini).
  s.ini_path_override = !o.ini_file.empty() ? o.ini_file : o.no_ini ? "" : PHPTRUN_PHP_INI_PATH;
  s.ini_scan_dir = PHPTRUN_PHP_INI_DIR;
  // php-cgi's configuration sits beside the CLI's (/etc/php/8.2/cgi); without
  // php8.2-cgi installed the CGI personality uses the CLI's.
  std::string ini_root = std::string(PHPTRUN_PHP_INI_PATH);
  ini_root = ini_root.substr(0, ini_root.find_last_of('/'));
  bool have_cgi_ini = access((ini_root + "/cgi/php.ini").c_str(), R_OK) == 0;
  s.cgi_ini_path = !o.ini_file.empty() ? o.ini_file
                   : o.no_ini          ? ""
                   : have_cgi_ini      ? ini_root + "/cgi"
                                       : s.ini_path_override;
  s.cgi_ini_scan_dir = have_cgi_ini ? ini_root + "/cgi/conf.d" : s.ini_scan_dir;
  s.timeout_s = o.timeout_s;
  s.reuse = o.reuse;
  s.repeat = o.repeat;
  ApplyRunTestsSetup(o, &s);
  s.attribute = o.attribute;
  s.resident_budget_s = o.resident_budget_s;
  // The lifecycle tracer costs more than the 3% of CPU and wall time on
  // php-src's Zend/tests that would let it run by default (docs/tracing.md):
  // it runs when something asks for what it records.
  s.spans = !o.trace_file.empty() || o.profile;
  s.tracer = o.tracer || s.spans;
  if (!o.ini_file.empty() && access(o.ini_file.c_str(), R_OK) != 0) {
    throw FatalError{"-c " + o.ini_file + ": cannot read this file", 2};
  }

  IniList ini = RunTestsIniDefaults();
  // A php-src tree that is not installed keeps its shared modules in
  // modules/, where `make test` points extension_dir too.
  if (*PHPTRUN_PHP_BUILD_TREE) MergeIni(&ini, {{"extension_dir", PHPTRUN_PHP_EXTENSION_DIR}});
  // run-tests adds this for every test when it runs as root (OPcache refuses
  // to preload as root otherwise); as startup INI it costs nothing per case.
  if (geteuid() == 0) MergeIni(&ini, {{"opcache.preload_user", "root"}});
  AddRunTestsIni(o, &ini);
  for (const std::string& define : o.defines) {
    size_t eq = define.find('=');
    MergeIni(&ini, {{define.substr(0, eq), eq == std::string::npos ? "1" : define.substr(eq + 1)}});
  }
  s.ini_entries = FormatIniLines(ini);

  // TEST_PHP_EXTRA_ARGS: what a test must pass to a php it spawns to get
  // the same settings.
  if (o.no_ini) s.extra_args += " -n";
  if (!o.ini_file.empty()) s.extra_args += " -c '" + o.ini_file + "'";
  s.extra_args += FormatDefineArgs(ini);
  return s;
}

// A TEST_PHP_EXECUTABLE the user set is what tests spawn; when it is another
// build than the one phptrun embeds, tests compare two PHPs. Says so on
// stderr (it asks the binary for its version, ZTS and debug flags).
void WarnAboutOtherReferenceCli() {
  const char* user = std::getenv("TEST_PHP_EXECUTABLE");
  if (!user || !*user) return;
  char* mine = realpath(PHPTRUN_PHP_CLI, nullptr);
  char* theirs = realpath(user, nullptr);
  bool same = mine && theirs && std::string(mine) == theirs;
  std::free(mine);
  std::free(theirs);
  if (same) return;
  std::string engine = std::string("PHP ") + phptrun_engine_php_version() +
                       (PHPTRUN_PHP_ZTS ? " ZTS" : " NTS") +
                       (PHPTRUN_PHP_DEBUG ? " debug" : " release");
  std::string said;
  if (access(user, X_OK) == 0) {
    std::string quoted;  // inside '...' for the shell: ' becomes '\''
    for (const char* c = user; *c; ++c)
      quoted += *c == '\'' ? std::string("'\\''") : std::string(1, *c);
    std::string command = "'" + quoted +
                          "' -n -r 'echo \"PHP \", PHP_VERSION, PHP_ZTS ? \" ZTS\" : \" NTS\", "
                          "PHP_DEBUG ? \" debug\" : \" release\";' 2>/dev/null";
    if (FILE* p = popen(command.c_str(), "r")) {
      char buf[128];
      while (std::fgets(buf, sizeof buf, p)) said += buf;
      pclose(p);
    }
    while (!said.empty() && std::isspace(static_cast<unsigned char>(said.back()))) said.pop_back();
  }
  if (said == engine) return;
  std::fprintf(stderr,
               "phptrun: warning: TEST_PHP_EXECUTABLE=%s is %s, but phptrun embeds %s (%s): "
               "tests that spawn it run another PHP than the one under test\n",
               user, said.empty() ? "not a PHP CLI that runs" : said.c_str(), engine.c_str(),
               PHPTRUN_PHP_CLI);
}

// The environment run-tests.php gives every test (phpt-reference.md §2.6).
void SetTestEnvironment(const Options& o) {
  WarnAboutOtherReferenceCli();
  setenv("TEST_PHP_EXECUTABLE", PHPTRUN_PHP_CLI, 0);
  // run-tests finds php-cgi beside php ("php8.2" -> "php-cgi8.2"); tests
  // that spawn it themselves look for this variable. phptrun serves the CGI
  // sections itself, without it.
  std::string cli = PHPTRUN_PHP_CLI;
  size_t slash = cli.find_last_of('/');
  std::string base = cli.substr(slash + 1);
  size_t php = base.find("php");
  if (php != std::string::npos) {
    std::string cgi = cli.substr(0, slash + 1) + base.replace(php, 3, "php-cgi");
    if (access(cgi.c_str(), X_OK) == 0) setenv("TEST_PHP_CGI_EXECUTABLE", cgi.c_str(), 0);
  }
  setenv("NO_INTERACTION", "1", 0);
  if (o.skip_slow) setenv("SKIP_SLOW_TESTS", "1", 1);
  if (o.offline) setenv("SKIP_ONLINE_TESTS", "1", 1);
  SetRunTestsEnvironment(o);  // --set-timeout, --repeat, --asan, --msan
  if (!std::getenv("TEMP")) setenv("TEMP", TempDirectory().c_str(), 1);
  for (const char* name : {"SSH_CLIENT", "SSH_AUTH_SOCK", "SSH_TTY", "SSH_CONNECTION"}) {
    setenv(name, "deleted", 1);
  }
}

// Recorded times of earlier reports; a file that cannot be used is a usage
// error naming it.
RecordedTimings LoadTimings(const std::vector<std::string>& files) {
  RecordedTimings timings;
  for (const std::string& file : files) {
    std::string err;
    if (!timings.Load(file, &err)) throw FatalError{err, 2};
  }
  return timings;
}

// Keeps the cases of shard K/N (shard.h) and says which part this is.
std::vector<std::string> SelectShard(const Options& o, std::vector<std::string> cases,
                                     ShardInfo* info) {
  const auto& files = o.shard_timings_files.empty() ? o.timings_files : o.shard_timings_files;
  RecordedTimings timings = LoadTimings(files);
  std::vector<double> weights(cases.size(), 1);
  std::vector<std::vector<std::string>> keys(cases.size());
  CaseHintReader hints;
  for (size_t i = 0; i < cases.size(); ++i) {
    keys[i] = hints.Read(cases[i]).conflict_keys;
    if (!timings.empty()) weights[i] = timings.Estimate(cases[i]);
  }
  info->index = o.shard_index;
  info->count = o.shard_count;
  info->collected = cases.size();
  info->digest = CaseListDigest(cases);
  std::vector<std::string> mine;
  // Every shard must split alike: each job's -j (or CPUs) should be the same.
  int jobs = o.jobs > 0 ? o.jobs : UsableCpus();
  for (size_t i : ShardCases(weights, keys, o.shard_index, o.shard_count, jobs)) {
    mine.push_back(std::move(cases[i]));
  }
  info->assigned = mine.size();
  return mine;
}

int Main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "merge") {
    MergeOutcome merged = MergeMain(argc - 1, argv + 1, std::cout, std::cerr);
    return merged.status;
  }
  Options options;
  std::string err;
  // TEST_PHP_ARGS: more options and paths, after the command line's (run-tests).
  std::vector<std::string> args = ArgsWithEnvironment(argc, argv, std::getenv("TEST_PHP_ARGS"));
  std::vector<const char*> arg_pointers;
  for (const std::string& a : args) arg_pointers.push_back(a.c_str());
  if (!ParseOptions(static_cast<int>(arg_pointers.size()), arg_pointers.data(), &options, &err)) {
    const char* test_php_args = std::getenv("TEST_PHP_ARGS");
    if (test_php_args && *test_php_args)
      err += " (TEST_PHP_ARGS=" + std::string(test_php_args) + ")";
    throw FatalError{err, 2};
  }
  ApplyEnvironmentDefaults(&options);
  for (const std::string& note : options.notes) std::fprintf(stderr, "phptrun: note: %s\n", note.c_str());
  if (options.help) {
    std::cout << UsageText();
    return 0;
  }
  if (options.version) {
    // What a run would embed, as the engine says once started with the
    // run's php.ini and -d (in a child process).
    EngineInfo engine;
    std::string probe_err;
    bool started = ProbeEngine(MakeEngineSetup(options), &engine, &probe_err);
    std::cout << "phptrun " << PHPTRUN_VERSION << " (" << engine.Build() << ", " << PHPTRUN_PHP_CLI
              << ")\n"
              << "libphp: " << engine.libphp << "\n"
              << "php.ini: " << (engine.php_ini.empty() ? "(none)" : engine.php_ini) << "\n"
              << "extension dir: " << engine.extension_dir << "\n"
              << "CLI (TEST_PHP_EXECUTABLE, PHP_BINARY): " << PHPTRUN_PHP_CLI << "\n";
    if (!started) throw FatalError{probe_err, 1};
    return 0;
  }

  if (!options.read_list.empty()) {
    if (!ReadCaseList(options, &options.paths, &err)) throw FatalError{err, 2};
    if (options.paths.empty()) {
      std::cout << options.read_list << " lists no cases and no PATH was given: nothing to run\n";
      return 0;
    }
  }
  std::vector<std::string> cases;
  if (!CollectCases(options.paths, &cases, &err)) throw FatalError{err, 2};
  FilterRunTestsCases(options, &cases);  // --file-cache-*, --shuffle
  if (cases.empty() && !options.list) {
    throw FatalError{"no .phpt files found in the given paths", 2};
  }
  RecordedTimings timings = LoadTimings(options.timings_files);
  ShardInfo shard;
  if (options.shard_count > 0) cases = SelectShard(options, std::move(cases), &shard);
  if (options.list) {
    for (const std::string& c : cases) std::cout << c << '\n';
    return 0;
  }

  if (!CheckValgrind(options, &err)) throw FatalError{err, 2};
  // -j auto (jobs 0): one case per CPU, more while cases wait; it never
  // keeps more computing cases than CPUs, so it costs nothing against
  // -j <CPUs> where cases compute and gains where they sleep or wait.
  int jobs = options.jobs > 0 ? options.jobs : UsableCpus();
  int max_jobs = options.jobs > 0 ? jobs : jobs * kAutoJobsPerCpu;
  EngineSetup setup = MakeEngineSetup(options);
  SetTestEnvironment(options);

  std::vector<std::unique_ptr<Reporter>> owned;
  ConsoleOptions console =
      DetectConsoleOptions(STDOUT_FILENO, options.quiet, options.verbose, options.show_diff);
  ApplyRunTestsConsole(options, &console);
  owned.push_back(std::make_unique<ConsoleReporter>(std::cout, console));
  // -s FILE: the same report, without progress or colour, into FILE.
  std::ofstream summary_stream;
  if (!options.summary_file.empty()) {
    summary_stream.open(options.summary_file, std::ios::trunc);
    if (!summary_stream) throw FatalError{"-s " + options.summary_file + ": cannot write this file", 2};
    ConsoleOptions to_file = console;
    to_file.is_tty = false;
    to_file.color = false;
    to_file.progress = 0;
    owned.push_back(std::make_unique<ConsoleReporter>(summary_stream, to_file));
  }
  auto lists = std::make_unique<ListFileReporter>();
  if (!lists->Open(options.write_list, options.append_list, options.result_list, &err)) {
    throw FatalError{err, 2};
  }
  ListFileReporter* list_reporter = lists.get();
  owned.push_back(std::move(lists));
  if (!options.junit_file.empty()) owned.push_back(std::make_unique<JunitReporter>(options.junit_file));
  if (!options.json_file.empty()) owned.push_back(std::make_unique<JsonReporter>(options.json_file));
  if (!options.html_file.empty()) owned.push_back(std::make_unique<HtmlReporter>(options.html_file));
  if (!options.trace_file.empty()) {
    owned.push_back(std::make_unique<TraceReporter>(options.trace_file));
  }
  // After the console reporter, so the profile follows the summary.
  if (options.profile) owned.push_back(std::make_unique<ProfileReporter>(std::cout));
  std::vector<Reporter*> reporters;
  for (auto& r : owned) reporters.push_back(r.get());

  RunInfo info;
  info.phptrun_version = PHPTRUN_VERSION;
  info.php_version = phptrun_engine_php_version();
  info.started = IsoNow();
  info.jobs = jobs;
  info.max_jobs = std::min<size_t>(max_jobs, std::max<size_t>(cases.size(), jobs));
  info.total_cases = cases.size();
  info.cores = UsableCpus();
  info.arguments.assign(argv + 1, argv + argc);
  info.shard = shard;
  info.engine.php_binary = setup.php_binary;

  Supervisor supervisor(setup, jobs, std::move(cases), reporters);
  supervisor.SetRunInfo(info);
  if (!timings.empty()) supervisor.SetTimings(&timings);
  if (max_jobs > jobs) supervisor.SetAutoJobs(max_jobs);
  int status = supervisor.Run(&err);
  if (status == 2) throw FatalError{err, 2};
  if (options.bless) BlessFailedCases(list_reporter->failed_cases(), std::cout);
  return RunTestsExitStatus(status);
}

}  // namespace
}  // namespace phptrun

int main(int argc, char** argv) {
  try {
    return phptrun::Main(argc, argv);
  } catch (const phptrun::FatalError& e) {
    std::fprintf(stderr, "phptrun: error: %s\n", e.message.c_str());
    return e.status;
  }
}
