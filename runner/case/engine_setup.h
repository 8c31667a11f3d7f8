// How every worker starts its engine and runs cases: built once by the
// supervisor from the Options (runner/main.cc) and inherited by the forked
// workers, which hand it to their CaseRunner.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace phptrun {

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
  int resident_budget_s = 30;     // --resident-budget: extensions of undecided resident runs
  int reuse = 100;                // --reuse N: requests one case process may serve
  // run-tests.php's files and options for a case (runner/case/case_files.h).
  std::string log_format = "LEODS";  // TEST_PHP_LOG_FORMAT: files beside a case that did not pass
  bool keep_php = false;          // --keep-php: keep foo.php of a passing case
  bool keep_skip = false;         // --keep-skip: keep foo.skip.php
  bool keep_clean = false;        // --keep-clean: keep foo.clean.php
  bool no_clean = false;          // --no-clean: do not run CLEAN
  std::vector<std::string> show_blocks;  // --show-php/skip/clean/exp/out
  int context_lines = 3;          // --context N
  std::string valgrind_tool;      // -m (memcheck), -M TOOL: the test request runs as
                                  // "valgrind ... php -f foo.php", run-tests' way
};

}  // namespace phptrun
