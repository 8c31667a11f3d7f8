// Engine tests: real requests in forks of the real engine (tests/engine_main.cc
// starts it). Each test writes a PHP script to a temp directory and checks
// what RunRequest reports.
#include "runner/sandbox.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "runner/engine_test_support.h"

namespace phptrun {
namespace {

RequestOutcome Run(const std::string& code) { return RunRequest(EngineScript(code).Spec()); }

TEST_CASE("a request behaves like php -f for the script") {
  EngineScript s("<?php echo PHP_SAPI, '|', PHP_BINARY, '|', $argc, '|', $argv[1], '|', __FILE__;");
  RequestSpec spec = s.Spec();
  spec.argv.push_back("one arg");
  RequestOutcome out = RunRequest(spec);
  REQUIRE(out.completed);
  CHECK(out.output == "cli|" PHPTRUN_PHP_CLI "|2|one arg|" + s.path());
  CHECK(out.exit_code == 0);
  CHECK(out.engine.exit_status == 0);
  CHECK(out.engine.rinit.ms >= 0);
  CHECK(out.engine.execute.heap_peak > 0);
}

TEST_CASE("echo, STDOUT and STDERR interleave in the order written") {
  RequestOutcome out = Run("<?php echo 'a'; fwrite(STDERR, 'b'); fwrite(STDOUT, 'c'); echo 'd';");
  CHECK(out.output == "abcd");
}

TEST_CASE("exit status, fatal errors and shutdown output") {
  RequestOutcome out =
      Run("<?php register_shutdown_function(function () { echo 'bye'; }); exit(3);");
  CHECK(out.completed);
  CHECK(out.engine.exit_status == 3);
  CHECK(out.output == "bye");

  out = Run("<?php register_shutdown_function(function () { exit(7); }); echo 'x';");
  CHECK(out.engine.exit_status == 7);
  CHECK(out.exit_code == 7);

  out = Run("<?php undefined_function();");
  CHECK(out.completed);
  CHECK(out.engine.exit_status == 255);
  CHECK(out.output.find("Fatal error: Uncaught Error: Call to undefined function") !=
        std::string::npos);
}

TEST_CASE("a case that never ends is killed at the timeout") {
  EngineScript s("<?php echo 'started'; while (true) {}");
  RequestSpec spec = s.Spec();
  spec.timeout_s = 0.5;
  RequestOutcome out = RunRequest(spec);
  CHECK(out.timed_out);
  CHECK_FALSE(out.completed);
  CHECK(out.term_signal == SIGKILL);
  CHECK(out.output == "started");  // what it printed before is kept
  CHECK(out.wall_ms < 5000);
}

TEST_CASE("a case that dies of a signal reports it, with its output") {
  RequestOutcome out = Run("<?php echo 'before'; exec('kill -SEGV ' . getmypid());");
  CHECK_FALSE(out.completed);
  CHECK(out.term_signal == SIGSEGV);
  CHECK(SignalName(out.term_signal) == "SIGSEGV");
  CHECK(out.output.rfind("before", 0) == 0);
}

TEST_CASE("a flood of output stops at the output limit") {
  EngineScript s("<?php while (true) echo str_repeat('x', 1000);");
  RequestSpec spec = s.Spec();
  spec.output_limit = 100000;
  RequestOutcome out = RunRequest(spec);
  CHECK(out.completed);
  CHECK(out.engine.output_limit_hit);
  CHECK(out.output.size() == 100000);
}

TEST_CASE("runtime INI looks like startup INI to the script") {
  EngineScript s(
      "<?php $all = ini_get_all(null, true); echo ini_get('precision'), '|', "
      "$all['precision']['global_value'], '|', get_cfg_var('precision'), '|', 1/3;");
  RequestSpec spec = s.Spec();
  spec.runtime_ini = "precision=5\n";
  RequestOutcome out = RunRequest(spec);
  REQUIRE(out.completed);
  CHECK_FALSE(out.engine.runtime_ini_failed);
  CHECK(out.output == "5|5|5|0.33333");
}

TEST_CASE("runtime INI values are parsed as php -d parses them") {
  EngineScript s("<?php echo error_reporting(), '|', ini_get('display_errors');");
  RequestSpec spec = s.Spec();
  spec.runtime_ini = "error_reporting=E_ALL & ~E_DEPRECATED\ndisplay_errors=Off\n";
  RequestOutcome out = RunRequest(spec);
  CHECK(out.output == std::to_string(32767 & ~8192) + "|");
}

TEST_CASE("startup-only INI restarts the engine in the case process") {
  REQUIRE_FALSE(phptrun_engine_ini_applies_at_runtime("disable_functions"));
  REQUIRE(phptrun_engine_ini_applies_at_runtime("precision"));
  EngineScript s("<?php echo function_exists('strrev') ? 'there' : 'disabled';");
  RequestSpec spec = s.Spec();
  spec.startup_ini = "disable_functions=strrev\n";
  RequestOutcome out = RunRequest(spec);
  CHECK(out.completed);
  CHECK(out.output == "disabled");
  CHECK(out.restart.minit.ms > 0);
  // The worker's own engine is untouched.
  CHECK(Run("<?php echo function_exists('strrev') ? 'there' : 'disabled';").output == "there");
}

TEST_CASE("STDIN, environment and cwd") {
  EngineScript s(
      "<?php echo stream_get_contents(STDIN), '|', getenv('PHPTRUN_X'), '|', "
      "var_export(getenv('PHPTRUN_GONE'), true), '|', $_ENV['PHPTRUN_X'] ?? 'no-env';");
  setenv("PHPTRUN_GONE", "still here", 1);
  RequestSpec spec = s.Spec();
  spec.has_stdin = true;
  spec.stdin_data = "line 1\nline 2\n";
  spec.env = {{"PHPTRUN_X", "x value"}, {"PHPTRUN_GONE", ""}};
  RequestOutcome out = RunRequest(spec);
  unsetenv("PHPTRUN_GONE");
  CHECK(out.output.rfind("line 1\nline 2\n|x value|false|", 0) == 0);

  // Without STDIN the script reads EOF at once.
  CHECK(Run("<?php var_dump(fgets(STDIN));").output == "bool(false)\n");
}

TEST_CASE("cases are isolated from each other") {
  EngineScript s(
      "<?php echo class_exists('Leftover') ? 'leaked' : 'clean'; eval('class Leftover {}'); "
      "ini_set('precision', 3); putenv('PHPTRUN_SET_BY_CASE=1');");
  CHECK(RunRequest(s.Spec()).output == "clean");
  CHECK(RunRequest(s.Spec()).output == "clean");
  CHECK(
      Run("<?php echo ini_get('precision'), '|', var_export(getenv('PHPTRUN_SET_BY_CASE'), true);")
          .output == "14|false");
}

}  // namespace
}  // namespace phptrun
