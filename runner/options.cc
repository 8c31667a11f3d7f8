#include "runner/options.h"

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

}  // namespace

std::string UsageText() {
  return "Usage: phptrun [options] PATH...\n"
         "Runs .phpt tests (files, or directories searched recursively) in an embedded\n"
         "PHP engine and reports run-tests.php verdicts.\n"
         "\n"
         "  -j N            run N cases at once (default: online CPUs)\n"
         "  --timeout S     kill a case after S seconds (default 60)\n"
         "  -n              no php.ini\n"
         "  -c FILE         php.ini file or directory to use\n"
         "  -d KEY=VALUE    INI entry for every case (repeatable)\n"
         "  --sapi-name N   PHP_SAPI seen by tests (default cli)\n"
         "  --junit FILE    write JUnit XML (default: $TEST_PHP_JUNIT)\n"
         "  --json FILE     write a JSON report\n"
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
         "  --reuse N       let one case process serve up to N requests (default 100),\n"
         "                  each checked to leave the process as it found it; a\n"
         "                  verdict other than PASS from a reused process is\n"
         "                  confirmed in a fresh one. 1: a fresh fork for every request\n"
         "  -q              quiet: no progress line\n"
         "  -v              verbose: a line for every case\n"
         "  --list          list the cases that would run, run nothing\n"
         "  --version       print versions and exit\n"
         "  -h, --help      this text\n"
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
      if (!ParseInt(v, 1, &o->jobs)) {
        *err = "-j: expected a number of jobs >= 1, got '" + v + "'";
        return false;
      }
    } else if (flag == "--timeout") {
      if (!value(&v)) return false;
      if (!ParseSeconds(v, &o->timeout_s)) {
        *err = "--timeout: expected seconds > 0, got '" + v + "'";
        return false;
      }
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
    } else if (flag == "--attribute") {
      if (!no_value()) return false;
      o->attribute = true;
    } else if (flag == "--list") {
      if (!no_value()) return false;
      o->list = true;
    } else if (flag == "--version") {
      if (!no_value()) return false;
      o->version = true;
    } else if (flag == "-h" || flag == "--help") {
      if (!no_value()) return false;
      o->help = true;
    } else {
      *err = "unknown option " + flag + " (see phptrun -h)";
      return false;
    }
  }
  if (o->paths.empty() && !o->help && !o->version) {
    *err = "no PATH given: name .phpt files or directories (see phptrun -h)";
    return false;
  }
  return true;
}

std::vector<std::string> WithTestPhpArgs(int argc, const char* const* argv,
                                         const char* test_php_args) {
  std::vector<std::string> args(argv, argv + argc);
  std::string words = test_php_args ? test_php_args : "";
  for (size_t pos = 0; pos <= words.size();) {
    size_t space = words.find(' ', pos);
    if (space == std::string::npos) space = words.size();
    if (space > pos) args.push_back(words.substr(pos, space - pos));
    pos = space + 1;
  }
  return args;
}

void ApplyEnvironmentDefaults(Options* o) {
  if (o->junit_file.empty()) {
    const char* junit = std::getenv("TEST_PHP_JUNIT");
    if (junit && *junit) o->junit_file = junit;
  }
}

}  // namespace phptrun
