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
  int jobs = 0;                    // -j N; 0 = -j auto (runner/pool/concurrency.h)
  double timeout_s = 60;           // --timeout S, per case
  bool no_ini = false;             // -n
  std::string ini_file;            // -c FILE
  std::vector<std::string> defines;  // -d KEY=VALUE, in order
  std::string sapi_name = "cli";   // --sapi-name NAME
  std::string junit_file;          // --junit FILE (default: $TEST_PHP_JUNIT)
  std::string json_file;           // --json FILE
  std::string html_file;           // --html FILE: the HTML report
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
  int resident_budget_s = 30;      // --resident-budget: seconds an undecided run may extend
  int reuse = 100;                 // --reuse N: requests one case process may serve

  // run-tests.php 8.2's own options (docs/run-tests-options.md).
  bool timeout_given = false;      // --timeout / --set-timeout: else $TEST_TIMEOUT, else 60
  bool set_timeout = false;        // --set-timeout S: also TEST_TIMEOUT=S for tests
  std::vector<std::string> show_groups;  // -g A,B: the verdicts whose lines are printed
  int progress = -1;               // --progress 1, --no-progress 0; -1: on a terminal
  int color = -1;                  // --color 1, --no-color 0; -1: on a terminal
  long show_slow_ms = -1;          // --show-slow MS: list cases that took at least MS
  std::string file_cache;          // --file-cache-prime "prime", --file-cache-use "use"
  std::string sanitizer;           // --asan "asan", --msan "msan"
  bool skip_repeat = false;        // --repeat given: SKIP_REPEAT=1 for tests
  std::string read_list;           // -r FILE, -l FILE: the cases to run, one per line
  std::string write_list;          // -w FILE, -l FILE: the cases that did not pass
  bool append_list = false;        // -a FILE: as -w, appending
  std::string result_list;         // -W FILE: "RESULT\tcase" for every case
  std::string summary_file;        // -s FILE: the summary, also to FILE
  bool keep_php = false;           // --keep-php / --keep-all: keep foo.php of a passing case
  bool keep_skip = false;          // --keep-skip: keep foo.skip.php
  bool keep_clean = false;         // --keep-clean: keep foo.clean.php
  bool no_clean = false;           // --no-clean: do not run CLEAN
  std::vector<std::string> show_blocks;  // --show-php/skip/clean/exp/out: print those blocks
  int context_lines = 3;           // --context N: lines of context in diffs
  bool shuffle = false;            // --shuffle: run the cases in random order
  bool bless = false;              // --bless: failing EXPECT/EXPECTF sections get the output
  std::string valgrind_tool;       // -m "memcheck", -M TOOL: tests run under valgrind
  // Accepted options that have nothing to do in phptrun, each with the note
  // the console prints once ("-P: ...").
  std::vector<std::string> notes;
  std::vector<std::string> timings_files;        // --timings FILE: longest recorded first
  int shard_index = 0;                           // --shard K/N: K (1-based); 0 = no sharding
  int shard_count = 0;                           //   N
  std::vector<std::string> shard_timings_files;  // --shard-timings FILE: balance shards by time
};

// run-tests' verdict groups for -g (PASS FAIL XFAIL XLEAK SKIP BORK WARN
// LEAK REDIRECT); false for another name.
bool IsShowGroup(const std::string& name);

// TEST_PHP_ARGS appended to argv as run-tests does (split on spaces, empty
// pieces dropped).
std::vector<std::string> ArgsWithEnvironment(int argc, const char* const* argv,
                                             const char* test_php_args);

// Parses argv[1..]. Environment defaults (TEST_PHP_JUNIT) are applied by the
// caller through ApplyEnvironmentDefaults, so this stays a pure function.
bool ParseOptions(int argc, const char* const* argv, Options* options, std::string* err);

// Fills what the command line left unset from the environment.
void ApplyEnvironmentDefaults(Options* options);

// The -h text.
std::string UsageText();

}  // namespace phptrun
