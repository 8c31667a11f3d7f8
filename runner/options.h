// The command line, parsed into a plain struct before anything runs.
//
//   Options options;
//   std::string err;
//   if (!ParseOptions(argc, argv, &options, &err)) { print err; exit 2; }
//
// Every error names the flag it is about.
#pragma once

#include <string>
#include <vector>

namespace phptrun {

struct Options {
  std::vector<std::string> paths;  // .phpt files or directories
  int jobs = 0;                    // -j N; 0 = online CPUs
  double timeout_s = 60;           // --timeout S, per case
  bool no_ini = false;             // -n
  std::string ini_file;            // -c FILE
  std::vector<std::string> defines;  // -d KEY=VALUE, in order
  std::string sapi_name = "cli";   // --sapi-name NAME
  std::string junit_file;          // --junit FILE (default: $TEST_PHP_JUNIT)
  std::string json_file;           // --json FILE
  std::string trace_file;          // --trace FILE: Chrome trace of the lifecycle tracer
  bool profile = false;            // --profile: where the time went, after the summary
  bool tracer = false;             // --tracer: the lifecycle tracer without --trace/--profile
  bool show_diff = false;          // --show-diff
  bool quiet = false;              // -q
  bool verbose = false;            // -v
  bool list = false;               // --list: print the cases, run nothing
  bool version = false;            // --version
  bool help = false;               // -h, --help
  bool skip_slow = false;          // -x: SKIP_SLOW_TESTS=1
  bool offline = false;            // --offline: SKIP_ONLINE_TESTS=1
  int repeat = 0;                  // --repeat N: run cases without RESIDENT as N requests
  bool attribute = false;          // --attribute: find leak sites in every resident run
  int reuse = 100;                 // --reuse N: requests one case process may serve
};

// Parses argv[1..]. Environment defaults (TEST_PHP_JUNIT) are applied by the
// caller through ApplyEnvironmentDefaults, so this stays a pure function.
bool ParseOptions(int argc, const char* const* argv, Options* options, std::string* err);

// The command line as run-tests.php sees it: argv followed by the words of
// $TEST_PHP_ARGS (split at spaces; empty words dropped), which php-src's and
// phpize's `make test` use to pass -d extension=..., -m and the like.
// test_php_args may be null.
std::vector<std::string> WithTestPhpArgs(int argc, const char* const* argv,
                                         const char* test_php_args);

// Fills what the command line left unset from the environment.
void ApplyEnvironmentDefaults(Options* options);

// The -h text.
std::string UsageText();

}  // namespace phptrun
