// Engine tests: real requests in forks of the real engine (tests/engine_main.cc
// starts it). Each test writes a PHP script to a temp directory and checks
// what RunRequest reports, or, below, what a Sandbox's warm case process
// does across requests.
#include "runner/process/sandbox.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "runner/process/engine_test_support.h"

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

// ---- Sandbox: a warm case process serves request after request ----------

// What a script can see of the process it runs in, on one line.
constexpr const char* kProbe =
    "<?php printf('%s|%s|%04o|[%s]|%s|%d', getcwd(), var_export(getenv('PHPTRUN_X'), true), "
    "umask(), cli_get_process_title(), ini_get('precision'), getmypid());";

std::string CurrentDirectoryOfTest() {
  char dir[PATH_MAX];
  return getcwd(dir, sizeof dir) ? dir : "";
}

// kProbe's line without its pid, and the pid.
std::string StateOf(const RequestOutcome& out) {
  return out.output.substr(0, out.output.rfind('|'));
}
std::string PidOf(const RequestOutcome& out) {
  return out.output.substr(out.output.rfind('|') + 1);
}

TEST_CASE("a warm process serves the next request: reused, same pid, right output") {
  EngineScript probe(kProbe);
  EngineScript echo("<?php echo 'hello ', $argv[1];");
  Sandbox sandbox(100, {});
  RequestOutcome first = sandbox.Run(probe.Spec());
  RequestSpec spec = echo.Spec();
  spec.argv.push_back("second");
  RequestOutcome second = sandbox.Run(spec);
  RequestOutcome third = sandbox.Run(probe.Spec());
  REQUIRE(first.completed);
  REQUIRE(second.completed);
  REQUIRE(third.completed);
  CHECK_FALSE(first.reused);
  CHECK(second.reused);
  CHECK(second.output == "hello second");
  CHECK(second.exit_code == 0);
  CHECK(third.reused);
  CHECK(PidOf(third) == PidOf(first));
  CHECK(StateOf(third) == StateOf(first));
}

TEST_CASE("a sandbox with max_reuse 1 forks every request afresh") {
  EngineScript probe(kProbe);
  Sandbox sandbox(1, {});
  RequestOutcome first = sandbox.Run(probe.Spec());
  RequestOutcome second = sandbox.Run(probe.Spec());
  RequestOutcome third = sandbox.Run(probe.Spec());
  CHECK_FALSE(first.reused);
  CHECK_FALSE(second.reused);
  CHECK_FALSE(third.reused);
  CHECK(PidOf(first) != PidOf(second));
  CHECK(PidOf(second) != PidOf(third));
  CHECK(StateOf(second) == StateOf(first));
}

TEST_CASE("a reused process shows the next request none of what the last one changed") {
  // Each change on its own, so that a failure names it; the probe before and
  // after must agree, in the same (reused) process.
  const char* changes[] = {
      "chdir(__DIR__);",
      "putenv('PHPTRUN_X=1');",
      "umask(077);",
      "cli_set_process_title('x');",
      "ini_set('precision', 5);",
      "exit(3);",
  };
  EngineScript probe(kProbe);
  for (const char* change : changes) {
    DYNAMIC_SECTION(change) {
      EngineScript dirty(std::string("<?php ") + change + " echo 'changed';");
      Sandbox sandbox(100, {});
      RequestOutcome before = sandbox.Run(probe.Spec());
      RequestOutcome changed = sandbox.Run(dirty.Spec());
      RequestOutcome after = sandbox.Run(probe.Spec());
      REQUIRE(before.completed);
      REQUIRE(changed.completed);
      REQUIRE(after.completed);
      CHECK(after.reused);
      CHECK(PidOf(after) == PidOf(before));
      CHECK(StateOf(after) == StateOf(before));
      CHECK(after.engine.exit_status == 0);
      CHECK(after.exit_code == 0);
    }
  }
}

TEST_CASE("what the last request changed is really gone, not just equal by chance") {
  // The values the change sets are not the ones the probe expects.
  mode_t mask = umask(022);
  umask(mask);
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mask));
  const std::string clean = CurrentDirectoryOfTest() + "|false|" + octal + "|[]|14";
  EngineScript probe(kProbe);
  EngineScript dirty(
      "<?php chdir(__DIR__); putenv('PHPTRUN_X=1'); umask(0); cli_set_process_title('x'); "
      "ini_set('precision', 5); echo getcwd() === __DIR__ ? 'moved' : 'stayed'; exit(3);");
  Sandbox sandbox(100, {});
  RequestOutcome before = sandbox.Run(probe.Spec());
  RequestOutcome changed = sandbox.Run(dirty.Spec());
  RequestOutcome after = sandbox.Run(probe.Spec());
  CHECK(StateOf(before) == clean);
  CHECK(changed.output == "moved");
  CHECK(changed.engine.exit_status == 3);
  CHECK(changed.exit_code == 3);
  REQUIRE(after.completed);
  CHECK(after.reused);
  CHECK(StateOf(after) == clean);
  CHECK(after.engine.exit_status == 0);
}

TEST_CASE("STDIN, STDOUT and STDERR work in a reused process") {
  EngineScript warm_up("<?php echo 'first';");
  EngineScript io(
      "<?php fwrite(STDOUT, 'out|'); fwrite(STDERR, 'err|'); var_dump(fgets(STDIN)); "
      "echo 'echo';");
  Sandbox sandbox(100, {});
  RequestOutcome first = sandbox.Run(warm_up.Spec());
  RequestSpec spec = io.Spec();
  spec.has_stdin = true;
  spec.stdin_data = "line 1\nline 2\n";
  RequestOutcome second = sandbox.Run(spec);
  // Without stdin data the next request reads EOF, not what is left of the
  // last one's.
  RequestOutcome third = sandbox.Run(io.Spec());
  CHECK(first.output == "first");
  CHECK(second.reused);
  CHECK(second.output == "out|err|string(7) \"line 1\n\"\necho");
  CHECK(third.reused);
  CHECK(third.output == "out|err|bool(false)\necho");
}

TEST_CASE("a request that closes STDIN, STDOUT or STDERR retires the warm process") {
  for (const char* stream : {"STDIN", "STDOUT", "STDERR"}) {
    DYNAMIC_SECTION(stream) {
      EngineScript closer(std::string("<?php echo 'closing '; fclose(") + stream + ");");
      EngineScript io(
          "<?php fwrite(STDOUT, 'out|'); fwrite(STDERR, 'err|'); var_dump(fgets(STDIN));");
      Sandbox sandbox(100, {});
      RequestOutcome first = sandbox.Run(io.Spec());
      RequestOutcome closing = sandbox.Run(closer.Spec());
      RequestSpec spec = io.Spec();
      spec.has_stdin = true;
      spec.stdin_data = "in\n";
      RequestOutcome after = sandbox.Run(spec);
      CHECK(first.output == "out|err|bool(false)\n");
      CHECK(closing.reused);
      CHECK(closing.completed);
      CHECK_FALSE(after.reused);
      CHECK(after.completed);
      CHECK(after.output == "out|err|string(3) \"in\n\"\n");
    }
  }
}

TEST_CASE("a request that leaves a child running retires the process without waiting for it") {
  EngineScript probe(kProbe);
  // proc_open's resource only polls its child at request end (no
  // proc_close): the sleep is still a child of the case process. Its output
  // goes elsewhere, so nothing waits for it.
  EngineScript spawner(
      "<?php $null = ['file', '/dev/null', 'w'];"
      "$p = proc_open(['sleep', '3'], [1 => $null, 2 => $null], $pipes);"
      "echo proc_get_status($p)['pid'];");
  Sandbox sandbox(100, {});
  RequestOutcome first = sandbox.Run(probe.Spec());
  RequestOutcome spawning = sandbox.Run(spawner.Spec());
  RequestOutcome after = sandbox.Run(probe.Spec());
  pid_t child = std::atoi(spawning.output.c_str());
  bool child_alive_after_both = child > 0 && kill(child, 0) == 0;
  if (child > 0) kill(child, SIGKILL);
  REQUIRE(first.completed);
  CHECK(spawning.reused);
  CHECK(spawning.completed);
  REQUIRE(child > 0);
  CHECK(child_alive_after_both);  // neither request waited for it to end
  REQUIRE(after.completed);
  CHECK_FALSE(after.reused);
  CHECK(PidOf(after) != PidOf(first));
  CHECK(StateOf(after) == StateOf(first));
}

TEST_CASE("a child the request waited for does not retire the process") {
  EngineScript probe(kProbe);
  EngineScript spawner(
      "<?php $p = proc_open(['true'], [], $pipes); echo proc_close($p), '|', "
      "exec('echo done');");
  Sandbox sandbox(100, {});
  RequestOutcome first = sandbox.Run(probe.Spec());
  RequestOutcome spawning = sandbox.Run(spawner.Spec());
  RequestOutcome after = sandbox.Run(probe.Spec());
  CHECK(spawning.output == "0|done");
  REQUIRE(after.completed);
  CHECK(after.reused);
  CHECK(PidOf(after) == PidOf(first));
}

// Alive and not a zombie waiting for init to reap it.
bool Running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

// Whether |pid| has stopped running (exited, or a zombie) within |limit|.
bool GoneWithin(pid_t pid, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (Running(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

TEST_CASE("output a background process writes after the script ended is the request's, as run-tests reads to EOF") {
  // The subshell is not a child of the case process; its stderr is the
  // request's output pipe, which run-tests reads until EOF.
  EngineScript probe(kProbe);
  EngineScript spawner(
      "<?php exec('(sleep 0.3; echo late >&2) > /dev/null &'); echo 'script done';");
  Sandbox sandbox(100, {});
  RequestOutcome first = sandbox.Run(probe.Spec());
  RequestOutcome spawning = sandbox.Run(spawner.Spec());
  RequestOutcome after = sandbox.Run(probe.Spec());
  CHECK(spawning.completed);
  CHECK(spawning.output == "script donelate\n");
  REQUIRE(after.completed);
  CHECK(StateOf(after) == StateOf(first));
}

TEST_CASE("a background process that holds the output past the deadline is killed with a timeout") {
  EngineScript spawner("<?php echo exec('sleep 30 > /dev/null & echo $!');");
  Sandbox sandbox(100, {});
  RequestSpec spec = spawner.Spec();
  spec.timeout_s = 1;
  RequestOutcome out = sandbox.Run(spec);
  pid_t sleeper = std::atoi(out.output.c_str());
  // SIGKILL is delivered asynchronously: on a loaded machine the killed
  // process may still be scheduled for a moment after the request returns.
  bool sleeper_gone = sleeper > 0 && GoneWithin(sleeper, std::chrono::seconds(10));
  if (sleeper > 0 && !sleeper_gone) kill(sleeper, SIGKILL);
  CHECK(out.timed_out);
  CHECK_FALSE(out.completed);
  REQUIRE(sleeper > 0);
  CHECK(sleeper_gone);
}

TEST_CASE("in a reused process, SIGTERM kills a pcntl_fork() child as in a fresh one") {
  // The engine keeps its signal handlers installed between requests and
  // would forward SIGTERM to the handler it found in the worker at MINIT.
  EngineScript probe(kProbe);
  EngineScript killer(
      "<?php $pid = pcntl_fork(); if ($pid === 0) { while (true); }"
      "exec(\"kill -TERM $pid\"); pcntl_waitpid($pid, $status);"
      "echo pcntl_wifsignaled($status) ? pcntl_wtermsig($status) : 'not signaled';");
  Sandbox sandbox(100, {});
  RequestSpec spec = killer.Spec();
  spec.timeout_s = 10;
  RequestOutcome first = sandbox.Run(probe.Spec());
  RequestOutcome out = sandbox.Run(spec);
  REQUIRE(first.completed);
  CHECK(out.reused);
  CHECK_FALSE(out.timed_out);
  CHECK(out.output == std::to_string(SIGTERM));
}

TEST_CASE("a crash in a reused process is reported; the next request gets a new process") {
  EngineScript warm_up(kProbe);
  EngineScript crasher(
      "<?php echo 'before'; function_exists('posix_kill') ? posix_kill(getmypid(), 11) "
      ": exec('kill -SEGV ' . getmypid());");
  Sandbox sandbox(100, {});
  RequestOutcome first = sandbox.Run(warm_up.Spec());
  RequestOutcome crash = sandbox.Run(crasher.Spec());
  RequestOutcome after = sandbox.Run(warm_up.Spec());
  CHECK(crash.reused);
  CHECK_FALSE(crash.completed);
  CHECK(crash.term_signal == SIGSEGV);
  CHECK(crash.output.rfind("before", 0) == 0);
  REQUIRE(after.completed);
  CHECK_FALSE(after.reused);
  CHECK(after.term_signal == 0);
  CHECK(PidOf(after) != PidOf(first));
  CHECK(StateOf(after) == StateOf(first));
}

TEST_CASE("a timeout in a reused process is reported; the next request gets a new process") {
  EngineScript warm_up(kProbe);
  EngineScript endless("<?php echo 'started'; while (true) {}", 0.5);
  Sandbox sandbox(100, {});
  RequestOutcome first = sandbox.Run(warm_up.Spec());
  RequestOutcome timeout = sandbox.Run(endless.Spec());
  RequestOutcome after = sandbox.Run(warm_up.Spec());
  CHECK(timeout.reused);
  CHECK(timeout.timed_out);
  CHECK_FALSE(timeout.completed);
  CHECK(timeout.term_signal == SIGKILL);
  CHECK(timeout.output == "started");
  REQUIRE(after.completed);
  CHECK_FALSE(after.reused);
  CHECK_FALSE(after.timed_out);
  CHECK(PidOf(after) != PidOf(first));
}

TEST_CASE("a warm process serves max_reuse requests, then a new one takes over") {
  EngineScript probe(kProbe);
  Sandbox sandbox(3, {});
  std::vector<RequestOutcome> outs;
  for (int i = 0; i < 5; ++i) outs.push_back(sandbox.Run(probe.Spec()));
  CHECK_FALSE(outs[0].reused);
  CHECK(outs[1].reused);
  CHECK(outs[2].reused);
  CHECK_FALSE(outs[3].reused);
  CHECK(outs[4].reused);
  CHECK(PidOf(outs[1]) == PidOf(outs[0]));
  CHECK(PidOf(outs[2]) == PidOf(outs[0]));
  CHECK(PidOf(outs[3]) != PidOf(outs[0]));
  CHECK(PidOf(outs[4]) == PidOf(outs[3]));
}

TEST_CASE("requests that need their own process do not use the warm one") {
  EngineScript probe(kProbe);
  Sandbox sandbox(100, {});
  RequestOutcome first = sandbox.Run(probe.Spec());
  RequestSpec fresh = probe.Spec();
  fresh.fresh = true;
  RequestOutcome own = sandbox.Run(fresh);
  RequestSpec with_ini = probe.Spec();
  with_ini.runtime_ini = "precision=5\n";
  RequestOutcome ini = sandbox.Run(with_ini);
  RequestOutcome after = sandbox.Run(probe.Spec());
  CHECK_FALSE(own.reused);
  CHECK(PidOf(own) != PidOf(first));
  CHECK_FALSE(ini.reused);
  CHECK(StateOf(ini).substr(StateOf(ini).rfind('|') + 1) == "5");
  CHECK(PidOf(ini) != PidOf(first));
  // The warm process waited for them and serves the next request.
  CHECK(after.reused);
  CHECK(PidOf(after) == PidOf(first));
  CHECK(StateOf(after) == StateOf(first));
}

TEST_CASE("requests with the same startup INI share a warm process restarted with it") {
  REQUIRE_FALSE(phptrun_engine_ini_applies_at_runtime("disable_functions"));
  EngineScript probe(kProbe);
  EngineScript strrev(
      "<?php echo function_exists('strrev') ? 'there' : 'disabled', '|', getmypid();");
  Sandbox sandbox(100, {});
  RequestOutcome plain = sandbox.Run(probe.Spec());
  RequestSpec disabled = strrev.Spec();
  disabled.startup_ini = "disable_functions=strrev\n";
  RequestOutcome first = sandbox.Run(disabled);
  RequestOutcome second = sandbox.Run(disabled);
  RequestSpec other = strrev.Spec();
  other.startup_ini = "disable_functions=strlen\n";
  RequestOutcome third = sandbox.Run(other);
  RequestOutcome after = sandbox.Run(probe.Spec());
  REQUIRE(first.completed);
  REQUIRE(second.completed);
  // The first request pays the restart, as a one-shot process would; the
  // second runs in the same process, in the restarted engine.
  CHECK(StateOf(first) == "disabled");
  CHECK(first.restart.minit.ms > 0);
  CHECK_FALSE(first.reused);
  CHECK(StateOf(second) == "disabled");
  CHECK(second.reused);
  CHECK(second.restarted_earlier);
  CHECK(second.restart.minit.ms == 0);
  CHECK(PidOf(second) == PidOf(first));
  CHECK(PidOf(first) != PidOf(plain));
  // Other startup INI: another process; the plain one is still there.
  CHECK(StateOf(third) == "there");
  CHECK(PidOf(third) != PidOf(first));
  CHECK(after.reused);
  CHECK_FALSE(after.restarted_earlier);
  CHECK(PidOf(after) == PidOf(plain));
  CHECK(StateOf(after) == StateOf(plain));
}

TEST_CASE("a warm process restarted for INI: the environment is each request's own") {
  EngineScript s("<?php echo var_export(getenv('PHPTRUN_X'), true), '|', getmypid();");
  Sandbox sandbox(100, {});
  RequestSpec first = s.Spec();
  first.startup_ini = "disable_functions=strrev\n";
  first.env = {{"PHPTRUN_X", "one"}};
  RequestSpec second = s.Spec();
  second.startup_ini = first.startup_ini;
  RequestSpec with_section = second;
  with_section.env = {{"PHPTRUN_X", "three"}};
  with_section.env_section = true;
  RequestOutcome a = sandbox.Run(first);
  RequestOutcome b = sandbox.Run(second);
  RequestOutcome c = sandbox.Run(with_section);
  CHECK(StateOf(a) == "'one'");
  CHECK(StateOf(b) == "false");
  CHECK(b.reused);
  CHECK(PidOf(b) == PidOf(a));
  // An ENV section must be there when the engine starts: its own restart.
  CHECK(StateOf(c) == "'three'");
  CHECK_FALSE(c.reused);
  CHECK(c.restart.minit.ms > 0);
  CHECK(PidOf(c) != PidOf(a));
}

TEST_CASE("a warm process restarted with OPcache on serves one request: the next would find its cache") {
  EngineScript s("<?php echo is_array(opcache_get_status(false)) ? 'cached' : 'off', '|', getmypid();");
  Sandbox sandbox(100, {});
  RequestSpec spec = s.Spec();
  // The engine tests start without php.ini: the restart loads OPcache too.
  spec.startup_ini = "zend_extension=opcache.so\nopcache.enable=1\nopcache.enable_cli=1\n";
  RequestOutcome first = sandbox.Run(spec);
  RequestOutcome second = sandbox.Run(spec);
  REQUIRE(first.completed);
  REQUIRE(second.completed);
  CHECK(StateOf(first) == "cached");
  CHECK(StateOf(second) == "cached");
  CHECK_FALSE(second.reused);
  CHECK(second.restart.minit.ms > 0);
  CHECK(PidOf(second) != PidOf(first));
}

TEST_CASE("warm processes for startup INI: the least recently used one makes room") {
  EngineScript s("<?php echo ini_get('disable_functions'), '|', getmypid();");
  EngineScript probe(kProbe);
  Sandbox sandbox(100, {});
  auto with = [&](const char* ini) {
    RequestSpec spec = s.Spec();
    spec.startup_ini = std::string("disable_functions=") + ini + "\n";
    return sandbox.Run(spec);
  };
  RequestOutcome plain = sandbox.Run(probe.Spec());
  RequestOutcome a1 = with("strrev");
  RequestOutcome b1 = with("strlen");
  RequestOutcome a2 = with("strrev");  // a is now the most recently used
  RequestOutcome c1 = with("strtr");   // makes room: b goes
  RequestOutcome a3 = with("strrev");
  RequestOutcome b2 = with("strlen");
  RequestOutcome plain2 = sandbox.Run(probe.Spec());
  CHECK(StateOf(a1) == "strrev");
  CHECK(StateOf(c1) == "strtr");
  CHECK(PidOf(a2) == PidOf(a1));
  CHECK(PidOf(a3) == PidOf(a1));
  CHECK(a3.reused);
  CHECK(StateOf(b2) == "strlen");
  CHECK_FALSE(b2.reused);
  CHECK(PidOf(b2) != PidOf(b1));
  CHECK(PidOf(plain2) == PidOf(plain));
}

TEST_CASE("a warm process whose restart printed something serves only its first request") {
  // An unknown value for an INI entry with a startup handler: PHP warns at
  // startup, and a fresh process would warn again before every request.
  EngineScript s("<?php echo 'ran|', getmypid();");
  Sandbox sandbox(100, {});
  RequestSpec spec = s.Spec();
  spec.startup_ini = "error_reporting=E_ALL\ndisable_functions=strrev\nmemory_limit=1X\n";
  RequestOutcome first = sandbox.Run(spec);
  RequestOutcome second = sandbox.Run(spec);
  REQUIRE(first.completed);
  REQUIRE(second.completed);
  INFO(first.output);
  REQUIRE(first.output.find("ran|") != std::string::npos);
  const std::string printed = first.output.substr(0, first.output.find("ran|"));
  REQUIRE_FALSE(printed.empty());
  CHECK(second.output.substr(0, second.output.find("ran|")) == printed);
  CHECK_FALSE(second.reused);
  CHECK(second.restart.minit.ms > 0);
  CHECK(PidOf(second) != PidOf(first));
}

TEST_CASE("a request that retires the warm process still reports the script's exit status") {
  // The process answers "retiring" and exits at once; the worker may see
  // the exit before the answer. Either way exit_code is the script's, not
  // the retiring process's 0. Many rounds, as which comes first is a race.
  EngineScript warm_up("<?php echo 'first';");
  EngineScript closer("<?php fclose(STDOUT); exit(3);");
  int wrong = 0;
  for (int i = 0; i < 100; ++i) {
    Sandbox sandbox(100, {});
    sandbox.Run(warm_up.Spec());
    RequestOutcome out = sandbox.Run(closer.Spec());
    if (!out.reused || !out.completed || out.engine.exit_status != 3 || out.exit_code != 3) {
      ++wrong;
    }
  }
  CHECK(wrong == 0);
}

}  // namespace

namespace {

// Records what the sandbox tells its observer.
struct RecordingObserver : RequestObserver {
  struct Event {
    char kind;  // 'S'tarted, 'E'nded, 'O'ther
    pid_t pid;
    uint64_t us;
  };
  std::vector<Event> events;
  void RequestStarted(pid_t pid, uint64_t base_us) override { events.push_back({'S', pid, base_us}); }
  void RequestEnded(uint64_t cpu_us) override { events.push_back({'E', 0, cpu_us}); }
  void OtherCpu(uint64_t cpu_us) override { events.push_back({'O', 0, cpu_us}); }
};

// A script that computes for `ms` of its own CPU and prints what it used,
// by its own getrusage().
std::string SpinScript(int ms) {
  return "<?php function c() { $u = getrusage(); return ($u['ru_utime.tv_sec'] + "
         "$u['ru_stime.tv_sec']) * 1e3 + ($u['ru_utime.tv_usec'] + $u['ru_stime.tv_usec']) / 1e3; }"
         "$s = c(); while (c() - $s < " +
         std::to_string(ms) + ") { for ($i = 0; $i < 1000; $i++); } echo c() - $s;";
}

}  // namespace

TEST_CASE("cpu_ms: a one-shot and a warm request count what the script measured of itself") {
  RecordingObserver observer;
  ObserveRequests(&observer);
  EngineScript spin(SpinScript(80));

  RequestOutcome fresh = RunRequest(spin.Spec());
  REQUIRE(fresh.completed);
  double own = std::atof(fresh.output.c_str());
  CHECK(own >= 80);
  CHECK(fresh.cpu_ms >= own);
  CHECK(fresh.cpu_ms < own + 50);
  REQUIRE(observer.events.size() == 2);
  CHECK(observer.events[0].kind == 'S');
  CHECK(observer.events[0].us == 0);  // a fresh fork starts from nothing
  CHECK(observer.events[1].kind == 'E');
  // CPU plus the time it waited for one.
  CHECK(observer.events[1].us + 1 >= static_cast<uint64_t>(fresh.cpu_ms * 1000));

  // Warm: each request's figure is its own, not the process's total, and
  // the next request starts from what the process had used before.
  observer.events.clear();
  {
    Sandbox sandbox(100, {});
    RequestOutcome first = sandbox.Run(spin.Spec());
    RequestOutcome second = sandbox.Run(spin.Spec());
    REQUIRE(first.completed);
    REQUIRE(second.completed);
    CHECK(second.reused);
    double own_second = std::atof(second.output.c_str());
    CHECK(second.cpu_ms >= own_second);
    CHECK(second.cpu_ms < own_second + 50);
    REQUIRE(observer.events.size() >= 4);
    CHECK(observer.events[0].kind == 'S');
    CHECK(observer.events[2].kind == 'S');
    CHECK(observer.events[0].pid == observer.events[2].pid);  // the same warm process
    CHECK(observer.events[2].us == observer.events[1].us);    // its CPU after the first
    CHECK(observer.events[3].kind == 'E');
  }
  // The warm process's exit, reaped when the sandbox went away.
  CHECK(observer.events.back().kind == 'O');
  ObserveRequests(nullptr);
}

TEST_CASE("cpu_ms: a sleeping request uses little CPU; a timed-out one still has a figure") {
  EngineScript sleeper("<?php usleep(300000); echo 'ok';");
  RequestOutcome out = RunRequest(sleeper.Spec());
  REQUIRE(out.completed);
  CHECK(out.cpu_ms >= 0);
  CHECK(out.cpu_ms < out.wall_ms / 3);

  EngineScript hang("<?php while (true) { usleep(1000); }", 0.5);
  Sandbox sandbox(100, {});
  RequestOutcome timed_out = sandbox.Run(hang.Spec());
  CHECK(timed_out.timed_out);
  CHECK(timed_out.cpu_ms >= 0);  // from wait4's rusage of the killed process
}

}  // namespace phptrun
