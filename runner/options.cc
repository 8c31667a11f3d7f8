#include "runner/options.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace phptrun {
namespace {

bool ParseInt(const std::string& text, int min, int* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || v < min || v > 100000) return false;
  *out = static_cast<int>(v);
  return true;
}

bool ParseSeconds(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !(v > 0) || v > 86400) return false;
  *out = v;
  return true;
}

bool ParseCount(const std::string& text, long max, long* out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  if (text.size() > 12) return false;
  long v = std::strtol(text.c_str(), nullptr, 10);
  if (v > max) return false;
  *out = v;
  return true;
}

// run-tests.php options phptrun refuses, and why: each is a php binary or a
// way of starting one, and phptrun runs every case in its embedded engine.
const char* RefusedRunTestsOption(const std::string& flag) {
  if (flag == "-p") {
    return "phptrun runs cases in its embedded PHP (see --version), not in a php binary; the "
           "tests' TEST_PHP_EXECUTABLE is the matching php CLI";
  }
  if (flag == "-e") return "extended information for debuggers is not available in phptrun";
  if (flag == "--preload") return "preloading every case is not supported by phptrun";
  if (flag == "--temp-source" || flag == "--temp-target") {
    return "phptrun writes a case's scripts beside it, as run-tests does without this option";
  }
  return nullptr;
}

// "K/N" with 1 <= K <= N.
bool ParseShard(const std::string& text, int* index, int* count) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  return ParseInt(text.substr(0, slash), 1, index) && ParseInt(text.substr(slash + 1), 1, count) &&
         *index <= *count;
}

}  // namespace

bool IsShowGroup(const std::string& name) {
  for (const char* group :
       {"PASS", "FAIL", "XFAIL", "XLEAK", "SKIP", "BORK", "WARN", "LEAK", "REDIRECT"}) {
    if (name == group) return true;
  }
  return false;
}

std::vector<std::string> ArgsWithEnvironment(int argc, const char* const* argv,
                                             const char* test_php_args) {
  std::vector<std::string> args(argv, argv + argc);
  if (test_php_args == nullptr) return args;
  std::string extra = test_php_args;
  size_t start = 0;
  while (start <= extra.size()) {
    size_t space = extra.find(' ', start);
    if (space == std::string::npos) space = extra.size();
    if (space > start) args.push_back(extra.substr(start, space - start));
    start = space + 1;
  }
  return args;
}

std::string UsageText() {
  return "Usage: phptrun [options] PATH...\n"
         "Runs .phpt tests (files, or directories searched recursively) in an embedded\n"
         "PHP engine and reports run-tests.php verdicts.\n"
         "\n"
         "  -j N|auto       run at most N cases at once; auto (the default): one per\n"
         "                  CPU, and up to 4 per CPU while running cases leave CPUs idle\n"
         "  --timeout S     kill a case after S seconds (default 60)\n"
         "  -n              no php.ini\n"
         "  -c FILE         php.ini file or directory to use\n"
         "  -d KEY=VALUE    INI entry for every case (repeatable)\n"
         "  --sapi-name N   PHP_SAPI seen by tests (default cli)\n"
         "  --junit FILE    write JUnit XML (default: $TEST_PHP_JUNIT)\n"
         "  --json FILE     write a JSON report\n"
         "  --html FILE     write an HTML report: summary, cases, resident plots,\n"
         "                  where the time went (one file, opens offline)\n"
         "  --trace FILE    write a Chrome trace of every case's lifecycle phases\n"
         "                  (open it in ui.perfetto.dev or chrome://tracing)\n"
         "  --profile       after the summary, where the time went: phases,\n"
         "                  extensions' RINIT/RSHUTDOWN, slowest cases and compiles\n"
         "  --tracer        trace the lifecycle without --trace or --profile: the\n"
         "                  JSON report's phases get malloc'd (persistent) bytes\n"
         "  --show-diff     print the diff of each failing case\n"
         "  -x              set SKIP_SLOW_TESTS=1 for tests\n"
         "  --offline       set SKIP_ONLINE_TESTS=1 for tests\n"
         "  --repeat N      run each case without --RESIDENT-- as N requests in one\n"
         "                  process, like run-tests.php --repeat; also judges leaks\n"
         "  --attribute     in resident runs, find the PHP code that allocated what\n"
         "                  stays from the first run on (else only for a LEAK)\n"
         "  --resident-budget S  seconds a resident case whose leak verdict is\n"
         "                  undecided may spend on longer runs (default 30; 0: none)\n"
         "  --reuse N       let one case process serve up to N requests (default 100),\n"
         "                  each checked to leave the process as it found it; a\n"
         "                  verdict other than PASS from a reused process is\n"
         "                  confirmed in a fresh one. 1: a fresh fork for every request\n"
         "  --timings FILE  start the cases that took longest in an earlier JSON or\n"
         "                  JUnit report first (repeatable; new cases: the median)\n"
         "  --shard K/N     run only the K-th of N disjoint parts of the cases\n"
         "                  (CI jobs in parallel; merge reports: phptrun merge -h)\n"
         "  --shard-timings FILE  balance the shards by the times of earlier\n"
         "                  reports (repeatable; default: the --timings files)\n"
         "  -q              quiet: no progress line\n"
         "  -v              verbose: a line for every case\n"
         "  --list          list the cases that would run, run nothing\n"
         "  --version       print versions and exit\n"
         "  -h, --help      this text\n"
         "\n"
         "run-tests.php's options, under the same names (docs/run-tests-options.md):\n"
         "  -r FILE         run the cases listed in FILE (one path a line)\n"
         "  -w FILE         write the cases that did not pass (FAIL, XFAIL, WARN,\n"
         "                  LEAK, XLEAK) to FILE; -a FILE appends\n"
         "  -l FILE         -r FILE then -w FILE: rerun what failed until it passes\n"
         "  -W FILE         write \"RESULT<tab>case\" for every case to FILE\n"
         "  -s FILE         write the summary to FILE as well\n"
         "  -g A,B          print only the lines of these verdicts (PASS FAIL SKIP\n"
         "                  BORK XFAIL WARN LEAK XLEAK REDIRECT); also $SHOW_ONLY_GROUPS\n"
         "  --set-timeout S as --timeout, and TEST_TIMEOUT=S for tests\n"
         "  --show-slow MS  after the run, list cases that took at least MS ms\n"
         "  --[no-]progress the progress line (default: on a terminal; else a line\n"
         "                  every 30 s)\n"
         "  --[no-]color    colour the verdicts (default: on a terminal)\n"
         "  --context N     lines of context in diffs (default 3)\n"
         "  --show-[php|skip|clean|exp|out|mem|all]  print those parts of each case\n"
         "  --keep-[php|skip|clean|all]  keep the scripts written beside a case\n"
         "  --no-clean      do not run CLEAN sections\n"
         "  --shuffle       run the cases in random order\n"
         "  --bless         give failing tests' EXPECT/EXPECTF the output they printed\n"
         "  --repeat N      (above) also sets SKIP_REPEAT=1 for tests, as run-tests\n"
         "  --file-cache-prime, --file-cache-use   OPcache's file cache in /tmp\n"
         "  --asan, --msan  USE_ZEND_ALLOC=0, SKIP_ASAN=1, SKIP_PERF_SENSITIVE=1, ...\n"
         "  -m, -M TOOL     run each test as run-tests does, under valgrind (memcheck,\n"
         "                  or TOOL) with the php CLI: errors in its log are a LEAK\n"
         "  -P, -q          accepted: the embedded engine is the PHP tested; -q is quiet\n"
         "Beside a case that did not pass, as run-tests: foo.diff foo.exp foo.out\n"
         "foo.log foo.sh (a reproducer with php: sh foo.sh [gdb|valgrind]) and foo.php.\n"
         "Environment: TEST_PHP_ARGS (more options), TEST_PHP_JUNIT, TEST_TIMEOUT,\n"
         "TEST_PHP_LOG_FORMAT (default LEODS), REPORT_EXIT_STATUS=0|no (exit 0),\n"
         "NO_INTERACTION (phptrun never asks), NO_COLOR.\n"
         "\n"
         "Exit status: 0 all passed, 1 a case FAILed, BORKed or LEAKed, 2 usage error.\n";
}

bool ParseOptions(int argc, const char* const* argv, Options* o, std::string* err) {
  bool only_paths = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (only_paths || arg.empty() || arg[0] != '-' || arg == "-") {
      o->paths.push_back(arg);
      continue;
    }
    // The value of a flag: the next argument, or glued (-j4, --json=FILE).
    std::string flag = arg, glued;
    bool has_glued = false;
    if (arg.rfind("--", 0) == 0) {
      size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        flag = arg.substr(0, eq);
        glued = arg.substr(eq + 1);
        has_glued = true;
      }
    } else if (arg.size() > 2 && (arg[1] == 'j' || arg[1] == 'c' || arg[1] == 'd')) {
      flag = arg.substr(0, 2);
      glued = arg.substr(2);
      has_glued = true;
    }
    auto value = [&](std::string* out) {
      if (has_glued) {
        *out = glued;
        return true;
      }
      if (i + 1 >= argc) {
        *err = flag + " needs a value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    auto no_value = [&]() {
      if (has_glued) *err = flag + " takes no value";
      return !has_glued;
    };
    std::string v;
    if (flag == "--") {
      only_paths = true;
    } else if (flag == "-j") {
      if (!value(&v)) return false;
      if (v == "auto") {
        o->jobs = 0;
      } else if (!ParseInt(v, 1, &o->jobs)) {
        *err = "-j: expected a number of jobs >= 1 or 'auto', got '" + v + "'";
        return false;
      }
    } else if (flag == "--timeout" || flag == "--set-timeout") {
      if (!value(&v)) return false;
      if (!ParseSeconds(v, &o->timeout_s)) {
        *err = flag + ": expected seconds > 0, got '" + v + "'";
        return false;
      }
      o->timeout_given = true;
      if (flag == "--set-timeout") o->set_timeout = true;
    } else if (flag == "-n") {
      if (!no_value()) return false;
      o->no_ini = true;
    } else if (flag == "-c") {
      if (!value(&o->ini_file)) return false;
    } else if (flag == "-d") {
      if (!value(&v)) return false;
      if (v.empty() || v[0] == '=') {
        *err = "-d: expected KEY=VALUE, got '" + v + "'";
        return false;
      }
      o->defines.push_back(v);
    } else if (flag == "--sapi-name") {
      if (!value(&o->sapi_name)) return false;
      if (o->sapi_name.empty()) {
        *err = "--sapi-name: the name is empty";
        return false;
      }
    } else if (flag == "--junit") {
      if (!value(&o->junit_file)) return false;
    } else if (flag == "--json") {
      if (!value(&o->json_file)) return false;
    } else if (flag == "--html") {
      if (!value(&o->html_file)) return false;
      if (o->html_file.empty()) {
        *err = "--html: the file name is empty";
        return false;
      }
    } else if (flag == "--trace") {
      if (!value(&o->trace_file)) return false;
      if (o->trace_file.empty()) {
        *err = "--trace: the file name is empty";
        return false;
      }
    } else if (flag == "--profile") {
      if (!no_value()) return false;
      o->profile = true;
    } else if (flag == "--tracer") {
      if (!no_value()) return false;
      o->tracer = true;
    } else if (flag == "--show-diff") {
      if (!no_value()) return false;
      o->show_diff = true;
    } else if (flag == "-q") {
      o->quiet = true;
    } else if (flag == "-v" || flag == "--verbose") {
      if (!no_value()) return false;
      o->verbose = true;
    } else if (flag == "-x") {
      o->skip_slow = true;
    } else if (flag == "--offline") {
      if (!no_value()) return false;
      o->offline = true;
    } else if (flag == "--reuse") {
      if (!value(&v)) return false;
      if (!ParseInt(v, 1, &o->reuse)) {
        *err = "--reuse: expected a number of requests >= 1, got '" + v + "'";
        return false;
      }
    } else if (flag == "--repeat") {
      if (!value(&v)) return false;
      if (!ParseInt(v, 1, &o->repeat)) {
        *err = "--repeat: expected a number of runs >= 1, got '" + v + "'";
        return false;
      }
      o->skip_repeat = true;
    } else if (flag == "--resident-budget") {
      if (!value(&v)) return false;
      if (!ParseInt(v, 0, &o->resident_budget_s)) {
        *err = "--resident-budget: expected seconds >= 0, got '" + v + "'";
        return false;
      }
    } else if (flag == "--attribute") {
      if (!no_value()) return false;
      o->attribute = true;
    } else if (flag == "--timings" || flag == "--shard-timings") {
      if (!value(&v)) return false;
      if (v.empty()) {
        *err = flag + ": the file name is empty";
        return false;
      }
      (flag == "--timings" ? o->timings_files : o->shard_timings_files).push_back(v);
    } else if (flag == "--shard") {
      if (!value(&v)) return false;
      if (!ParseShard(v, &o->shard_index, &o->shard_count)) {
        *err = "--shard: expected K/N with 1 <= K <= N (e.g. 2/4), got '" + v + "'";
        return false;
      }
    } else if (flag == "--list") {
      if (!no_value()) return false;
      o->list = true;
    } else if (flag == "--version") {
      if (!no_value()) return false;
      o->version = true;
    } else if (flag == "-h" || flag == "--help") {
      if (!no_value()) return false;
      o->help = true;
    } else if (flag == "-g") {
      if (!value(&v)) return false;
      o->show_groups.clear();
      size_t start = 0;
      while (start <= v.size()) {
        size_t comma = v.find(',', start);
        if (comma == std::string::npos) comma = v.size();
        std::string group = v.substr(start, comma - start);
        if (!IsShowGroup(group)) {
          *err = "-g: unknown group '" + group +
                 "' (known: PASS FAIL SKIP BORK XFAIL WARN LEAK XLEAK REDIRECT)";
          return false;
        }
        o->show_groups.push_back(group);
        start = comma + 1;
      }
    } else if (flag == "--progress" || flag == "--no-progress") {
      if (!no_value()) return false;
      o->progress = flag == "--progress" ? 1 : 0;
    } else if (flag == "--color" || flag == "--no-color") {
      if (!no_value()) return false;
      o->color = flag == "--color" ? 1 : 0;
    } else if (flag == "--show-slow") {
      if (!value(&v)) return false;
      if (!ParseCount(v, 86400000L, &o->show_slow_ms)) {
        *err = "--show-slow: expected a number of milliseconds, got '" + v + "'";
        return false;
      }
    } else if (flag == "--context") {
      if (!value(&v)) return false;
      long lines = 0;
      if (!ParseCount(v, 100000, &lines)) {
        *err = "--context: expected a number of lines, got '" + v + "'";
        return false;
      }
      o->context_lines = static_cast<int>(lines);
    } else if (flag == "--file-cache-prime" || flag == "--file-cache-use") {
      if (!no_value()) return false;
      o->file_cache = flag == "--file-cache-prime" ? "prime" : "use";
    } else if (flag == "--asan" || flag == "--msan") {
      if (!no_value()) return false;
      o->sanitizer = flag.substr(2);
    } else if (flag == "-r" || flag == "-l") {
      if (!value(&o->read_list)) return false;
      if (flag == "-l") {
        o->write_list = o->read_list;
        o->append_list = false;
      }
    } else if (flag == "-w" || flag == "-a") {
      if (!value(&o->write_list)) return false;
      o->append_list = flag == "-a";
    } else if (flag == "-W") {
      if (!value(&o->result_list)) return false;
    } else if (flag == "-s") {
      if (!value(&o->summary_file)) return false;
    } else if (flag.rfind("--keep-", 0) == 0) {
      if (!no_value()) return false;
      std::string what = flag.substr(7);
      if (what == "all" || what == "php") o->keep_php = true;
      if (what == "all" || what == "skip") o->keep_skip = true;
      if (what == "all" || what == "clean") o->keep_clean = true;
      // run-tests also takes --keep-out/diff/exp/mem, which change nothing.
      if (what != "all" && what != "php" && what != "skip" && what != "clean" && what != "out" &&
          what != "diff" && what != "exp" && what != "mem") {
        *err = "unknown option " + flag + " (--keep-all, --keep-php, --keep-skip, --keep-clean)";
        return false;
      }
    } else if (flag.rfind("--show-", 0) == 0 && flag != "--show-diff") {
      if (!no_value()) return false;
      std::string what = flag.substr(7);
      if (what == "all") {
        o->show_blocks = {"skip", "php", "clean", "exp", "out", "mem"};
        o->show_diff = true;
      } else if (what == "php" || what == "skip" || what == "clean" || what == "exp" ||
                 what == "out") {
        o->show_blocks.push_back(what);
      } else if (what == "mem") {
        o->show_blocks.push_back(what);
      } else {
        *err = "unknown option " + flag +
               " (--show-diff, --show-php, --show-skip, --show-clean, --show-exp, --show-out, "
               "--show-all, --show-slow MS)";
        return false;
      }
    } else if (flag == "--no-clean") {
      if (!no_value()) return false;
      o->no_clean = true;
    } else if (flag == "--shuffle") {
      if (!no_value()) return false;
      o->shuffle = true;
    } else if (flag == "--bless") {
      if (!no_value()) return false;
      o->bless = true;
    } else if (flag == "-m") {
      o->valgrind_tool = "memcheck";
    } else if (flag == "-M") {
      if (!value(&o->valgrind_tool)) return false;
      if (o->valgrind_tool.empty() ||
          o->valgrind_tool.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") !=
              std::string::npos) {
        *err = "-M: expected a valgrind tool name (memcheck, helgrind, ...), got '" +
               o->valgrind_tool + "'";
        return false;
      }
    } else if (flag == "-P") {
      o->notes.push_back("-P: the PHP tested is phptrun's embedded engine; tests that start php "
                         "themselves get the matching CLI as TEST_PHP_EXECUTABLE");
    } else if (const char* why = RefusedRunTestsOption(flag)) {
      *err = flag + ": " + why;
      return false;
    } else {
      *err = "unknown option " + flag + " (see phptrun -h)";
      return false;
    }
  }
  if (std::find(o->show_blocks.begin(), o->show_blocks.end(), "mem") != o->show_blocks.end() &&
      o->valgrind_tool.empty()) {
    o->notes.push_back("--show-mem: there is no valgrind log without -m (phptrun's own LEAK "
                       "lines name what grows and where)");
  }
  if (!o->shard_timings_files.empty() && o->shard_count == 0) {
    *err = "--shard-timings: only with --shard K/N";
    return false;
  }
  if (o->paths.empty() && o->read_list.empty() && !o->help && !o->version) {
    *err = "no PATH given: name .phpt files or directories (see phptrun -h)";
    return false;
  }
  return true;
}

void ApplyEnvironmentDefaults(Options* o) {
  if (o->junit_file.empty()) {
    const char* junit = std::getenv("TEST_PHP_JUNIT");
    if (junit && *junit) o->junit_file = junit;
  }
  // run-tests takes a case's timeout from TEST_TIMEOUT when --set-timeout
  // did not set it; a value that is no number is ignored.
  const char* timeout = std::getenv("TEST_TIMEOUT");
  if (!o->timeout_given && !o->valgrind_tool.empty()) {
    o->timeout_s = 300;  // run-tests' timeout under valgrind
  } else if (!o->timeout_given && timeout && *timeout) {
    double seconds = 0;
    if (ParseSeconds(timeout, &seconds)) o->timeout_s = seconds;
  }
  const char* groups = std::getenv("SHOW_ONLY_GROUPS");
  if (o->show_groups.empty() && groups && *groups) {
    std::string list = groups;
    size_t start = 0;
    while (start <= list.size()) {
      size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      std::string group = list.substr(start, comma - start);
      if (IsShowGroup(group)) o->show_groups.push_back(group);
      start = comma + 1;
    }
  }
}

}  // namespace phptrun
