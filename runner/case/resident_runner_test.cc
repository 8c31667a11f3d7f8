// Engine tests of resident runs: the real loops of runner/sapi/resident.c in
// forks of the real engine (tests/engine_main.cc starts it), judged by
// resident_case. Each test writes a PHP script to a temp directory.
#include "runner/case/resident_runner.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

#include "runner/process/engine_test_support.h"

namespace phptrun {
namespace {

// Resident runs loop many times: a longer timeout than the sandbox tests'.
struct Script : EngineScript {
  explicit Script(const std::string& code) : EngineScript(code, 20) {}
};

ResidentSpec Mode(ResidentSpec::Mode mode, int iterations, int warmup = 0) {
  ResidentSpec spec;
  spec.mode = mode;
  spec.iterations = iterations;
  spec.warmup = warmup ? warmup : DefaultWarmup(iterations);
  return spec;
}

const std::vector<int64_t>& Series(const ResidentReport& r, const std::string& name) {
  for (const auto& [metric, values] : r.series) {
    if (metric == name) return values;
  }
  FAIL("no series " << name);
  static std::vector<int64_t> none;
  return none;
}

// The leak rule's verdict on one metric.
bool Leaks(const ResidentReport& r, const std::string& name) {
  return std::find(r.leaking.begin(), r.leaking.end(), name) != r.leaking.end();
}

TEST_CASE("worker: boot once, then the callable per iteration; output cut per iteration") {
  Script s(
      "<?php\n"
      "echo \"boot\\n\";\n"
      "return function (int $i) { $data = str_repeat('x', 1000); echo \"request\\n\"; };\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 50), false);
  REQUIRE(run.outcome.completed);
  const ResidentOutcome& o = run.outcome.resident;
  REQUIRE(o.finished);
  CHECK(o.result.stop == PHPTRUN_RESIDENT_RAN_ALL);
  REQUIRE(o.samples.size() == 50);
  CHECK(o.samples[0].output_start == 5);  // after "boot\n"
  for (size_t i = 0; i < o.samples.size(); ++i) {
    CHECK(o.samples[i].iteration == static_cast<int64_t>(i + 1));
    CHECK(o.samples[i].output_end - o.samples[i].output_start == 8);
  }
  const ResidentEvaluation& ev = run.evaluation;
  CHECK(ev.first_output == "boot\nrequest\n");
  CHECK(ev.failure_reason.empty());
  CHECK_FALSE(ev.leaked);
  // Flat after warm-up: the sampling itself leaves no trace.
  const std::vector<int64_t>& heap = Series(ev.report, "heap");
  CHECK(std::all_of(heap.begin() + 5, heap.end(), [&](int64_t v) { return v == heap[5]; }));
  const std::vector<int64_t>& persistent = Series(ev.report, "persistent");
  CHECK(std::all_of(persistent.begin() + 5, persistent.end(),
                    [&](int64_t v) { return v == persistent[5]; }));
  CHECK(ev.report.iterations_per_s > 0);
  CHECK(run.attribution_ms == 0);  // no leak, no second pass
}

TEST_CASE("worker: an unbounded static array leaks; the second pass finds the line") {
  Script s(
      "<?php\n"
      "final class Registry {\n"
      "    public static array $seen = [];\n"
      "    public static function remember(int $i): void {\n"
      "        self::$seen[] = str_repeat('u', 200);\n"
      "    }\n"
      "}\n"
      "return function (int $i) { Registry::remember($i); };\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 200), false);
  const ResidentEvaluation& ev = run.evaluation;
  REQUIRE(ev.leaked);
  CHECK(Leaks(ev.report, "heap"));
  CHECK_FALSE(Leaks(ev.report, "classes"));
  CHECK(run.attribution_ms > 0);
  CHECK(ev.report.attribution == "second pass");
  REQUIRE_FALSE(ev.report.sites.empty());
  const LeakSite& top = ev.report.sites[0];
  CHECK(top.file == s.path());
  CHECK(top.line == 5);
  CHECK(top.function == "Registry::remember");
  CHECK(top.count >= 180);  // one string per iteration after warm-up, and the array's growth
  CHECK(top.count <= 182);
  CHECK(ev.leak_reason.find("top site: Registry::remember at t.php:5") != std::string::npos);
}

TEST_CASE("worker: --attribute attributes in the judged run, same verdict") {
  Script s(
      "<?php $keep = []; return function (int $i) use (&$keep) { $keep[] = new stdClass; };\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 100), true);
  CHECK(run.evaluation.leaked);
  CHECK(Leaks(run.evaluation.report, "objects"));
  CHECK(run.evaluation.report.attribution == "--attribute");
  CHECK(run.attribution_ms == 0);
  REQUIRE_FALSE(run.evaluation.report.sites.empty());
  CHECK(run.evaluation.report.sites[0].line == 1);
  CHECK(run.evaluation.report.sites[0].function == "{closure}");
}

TEST_CASE("worker: exit(), fatal errors and uncaught exceptions end the loop in their iteration") {
  SECTION("exit") {
    Script s("<?php return function (int $i) { echo \"$i\\n\"; if ($i === 3) exit(0); };\n");
    ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 20), false);
    CHECK(run.outcome.resident.result.stop == PHPTRUN_RESIDENT_STOP_EXIT);
    CHECK(run.outcome.resident.result.stopped_in == 3);
    CHECK(run.outcome.resident.samples.size() == 2);
    CHECK(run.evaluation.failure_reason.find("exit() in iteration 3 of 20 ended the worker") !=
          std::string::npos);
  }
  SECTION("fatal error") {
    Script s(
        "<?php return function (int $i) { if ($i === 2) trigger_error('gone', E_USER_ERROR); };\n");
    ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 20), false);
    CHECK(run.outcome.resident.result.stop == PHPTRUN_RESIDENT_STOP_FATAL);
    CHECK(run.evaluation.failure_reason == "a fatal error in iteration 2 of 20 ended the worker");
    CHECK(run.outcome.output.find("Fatal error: gone") != std::string::npos);
    CHECK(run.outcome.engine.exit_status == 255);
  }
  SECTION("uncaught exception") {
    Script s(
        "<?php return function (int $i) { if ($i === 4) throw new RuntimeException('bad request'); "
        "};\n");
    ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 20), false);
    CHECK(run.outcome.resident.result.stop == PHPTRUN_RESIDENT_STOP_EXCEPTION);
    CHECK(run.outcome.resident.result.stopped_in == 4);
    CHECK(run.outcome.output.find("Uncaught RuntimeException: bad request") != std::string::npos);
  }
  SECTION("an exception handler takes it: the loop goes on") {
    Script s(
        "<?php set_exception_handler(function ($e) { echo 'handled ', $e->getMessage(), \"\\n\"; "
        "});\n"
        "return function (int $i) { if ($i === 4) throw new RuntimeException('bad'); echo "
        "\"ok\\n\"; };\n");
    ResidentSpec spec = Mode(ResidentSpec::Mode::kWorker, 20);
    spec.same_output = false;
    ResidentRun run = RunResident(s.Spec(), spec, false);
    CHECK(run.outcome.resident.result.stop == PHPTRUN_RESIDENT_RAN_ALL);
    CHECK(run.outcome.resident.samples.size() == 20);
    CHECK(run.outcome.output.find("handled bad") != std::string::npos);
  }
}

TEST_CASE("worker: boot problems") {
  SECTION("no callable") {
    Script s("<?php echo 'booted';\n");
    ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 20), false);
    CHECK(run.evaluation.bork);
    CHECK(run.evaluation.bork_reason ==
          "worker mode: FILE must return a callable; it returned int (no return statement?)");
  }
  SECTION("a string that names no function") {
    Script s("<?php return 'no_such_handler';\n");
    ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 20), false);
    CHECK(run.evaluation.bork_reason ==
          "worker mode: FILE must return a callable; it returned the string \"no_such_handler\", "
          "which names no function");
  }
  SECTION("a parse error") {
    Script s("<?php return function ( {;\n");
    ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 20), false);
    CHECK(run.outcome.resident.result.stop == PHPTRUN_RESIDENT_STOP_BOOT);
    CHECK_FALSE(run.evaluation.bork);
    CHECK(run.evaluation.failure_reason.find("boot script did not complete") != std::string::npos);
    CHECK(run.outcome.output.find("Parse error") != std::string::npos);
  }
}

TEST_CASE("reload: FILE compiled afresh each time; anonymous classes pile up") {
  Script s(
      "<?php\n"
      "$handler = new class {\n"
      "    public function handle(string $m): string { return strtoupper($m); }\n"
      "};\n"
      "echo $handler->handle('ping'), \"\\n\";\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kReload, 100), false);
  const ResidentEvaluation& ev = run.evaluation;
  CHECK(ev.first_output == "PING\n");
  CHECK(ev.failure_reason.empty());
  REQUIRE(ev.leaked);
  CHECK(Leaks(ev.report, "classes"));
  CHECK(Leaks(ev.report, "heap"));
  const std::vector<int64_t>& classes = Series(ev.report, "classes");
  CHECK(classes.back() - classes.front() == 99);
  REQUIRE_FALSE(ev.report.sites.empty());
  CHECK(ev.report.sites[0].function == "(compile)");
  CHECK(ev.report.sites[0].line == 2);
}

TEST_CASE("reload: a named class cannot be declared twice") {
  Script s("<?php\nclass EchoHandler {}\necho \"ok\\n\";\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kReload, 10), false);
  CHECK(run.outcome.resident.result.stop == PHPTRUN_RESIDENT_STOP_FATAL);
  CHECK(run.outcome.resident.result.stopped_in == 2);
  CHECK(run.outcome.output.find("Cannot declare class EchoHandler") != std::string::npos);
  CHECK(run.evaluation.failure_reason ==
        "a fatal error in iteration 2 of 10 ended the reload loop");
}

TEST_CASE("requests: full requests; the heap is empty after each, exit() ends only its request") {
  Script s("<?php class Page {} $html = str_repeat('<p>', 5000); echo \"page\\n\"; exit(0);\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kRequests, 30), false);
  const ResidentOutcome& o = run.outcome.resident;
  REQUIRE(o.finished);
  CHECK(o.result.stop == PHPTRUN_RESIDENT_RAN_ALL);
  REQUIRE(o.samples.size() == 30);
  const std::vector<int64_t>& heap = Series(run.evaluation.report, "heap");
  CHECK(std::all_of(heap.begin(), heap.end(), [](int64_t v) { return v == 0; }));
  const std::vector<int64_t>& classes = Series(run.evaluation.report, "classes");
  CHECK(std::all_of(classes.begin(), classes.end(), [](int64_t v) { return v == 0; }));
  CHECK_FALSE(run.evaluation.leaked);
  CHECK(run.evaluation.failure_reason.empty());
  std::string all;
  for (int i = 0; i < 30; ++i) all += "page\n";
  CHECK(run.outcome.output == all);
}

TEST_CASE("pcre_cache counts ext/pcre's compiled regexes: per worker, none after RSHUTDOWN") {
  Script s(
      "<?php\n"
      "preg_match('/boot/', 'boot');\n"
      "return function (int $i) { preg_match('/r' . $i . '/', 'r1'); preg_match('/same/', 'x'); };\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 40), false);
  REQUIRE(run.outcome.resident.finished);
  const std::vector<int64_t>& cache = Series(run.evaluation.report, "pcre_cache");
  // boot's regex and '/same/' stay, one '/rN/' is added per request
  for (size_t i = 0; i < cache.size(); ++i) CHECK(cache[i] == static_cast<int64_t>(i) + 3);
  // Below its documented limit and still filling: no leak; the run is
  // extended toward the limit (8 x 40), and ends as bounded by it.
  CHECK_FALSE(run.evaluation.leaked);
  CHECK_FALSE(Leaks(run.evaluation.report, "pcre_cache"));
  CHECK(run.evaluation.report.extended_from == 40);
  CHECK(cache.size() == 320);
  CHECK(run.evaluation.report.extended_because ==
        "pcre_cache had 162 of its 4096 entries at 160 iterations, still filling");
  CHECK(run.evaluation.report.decision ==
        "bounded: pcre_cache growing toward its documented 4096-entry limit (322 entries at "
        "iteration 320); memory that grew with it is judged only once it is full "
        "(max_iterations=320 reached)");

  // Under the "cli" SAPI name ext/pcre keeps its cache per request.
  Script page("<?php preg_match('/page' . mt_rand() . '/', 'x'); echo \"page\\n\";\n");
  ResidentRun requests = RunResident(page.Spec(), Mode(ResidentSpec::Mode::kRequests, 20), false);
  REQUIRE(requests.outcome.resident.finished);
  const std::vector<int64_t>& after = Series(requests.evaluation.report, "pcre_cache");
  CHECK(std::all_of(after.begin(), after.end(), [](int64_t v) { return v == 0; }));
}

TEST_CASE("requests: a fatal error in request 3 fails same_output, naming it") {
  Script s(
      "<?php\n"
      "$n = (int)@file_get_contents(__FILE__ . '.count') + 1;\n"
      "file_put_contents(__FILE__ . '.count', $n);\n"
      "if ($n === 3) undefined_function();\n"
      "echo \"ok\\n\";\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kRequests, 10), false);
  unlink((s.path() + ".count").c_str());
  CHECK(run.outcome.resident.samples.size() == 10);  // the loop goes on
  CHECK(run.evaluation.failure_reason ==
        "output of iteration 3 differs from iteration 1 (state kept between iterations?)");
  CHECK(run.evaluation.failure_diff.find("Call to undefined function") != std::string::npos);
}

TEST_CASE("worker: fclose(STDOUT) does not close fd 1 for later iterations") {
  Script s("<?php return function (int $i) { echo \"a\\n\"; if ($i === 1) fclose(STDOUT); };\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 10), false);
  CHECK(run.outcome.resident.samples.size() == 10);
  CHECK(run.evaluation.failure_reason.empty());
}

TEST_CASE("worker: memory_limit while the tracking heap runs is an ordinary fatal error") {
  Script s(
      "<?php ini_set('memory_limit', '8M'); $all = [];\n"
      "return function (int $i) use (&$all) { $all[] = str_repeat('m', 100000); };\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 500, 5), true);
  REQUIRE(run.outcome.completed);
  CHECK(run.outcome.resident.result.stop == PHPTRUN_RESIDENT_STOP_FATAL);
  CHECK(run.outcome.output.find("Allowed memory size") != std::string::npos);
  CHECK(run.outcome.resident.have_sites);  // reported after the fatal error, before RSHUTDOWN
}

TEST_CASE("a timeout names the iteration; samples taken before it arrive") {
  Script s("<?php return function (int $i) { if ($i === 30) { while (true) {} } };\n");
  RequestSpec spec = s.Spec();
  spec.timeout_s = 1;
  ResidentRun run = RunResident(spec, Mode(ResidentSpec::Mode::kWorker, 100), false);
  CHECK(run.outcome.timed_out);
  CHECK(run.outcome.resident.samples.size() == 29);
  CHECK(run.evaluation.failure_reason == "timed out after 1 s in iteration 30 of 100");
}

}  // namespace
}  // namespace phptrun

namespace phptrun {
namespace {

TEST_CASE("reload: exit() and uncaught exceptions end the reload loop in their iteration") {
  SECTION("exit") {
    Script s(
        "<?php $GLOBALS['n'] = ($GLOBALS['n'] ?? 0) + 1; if ($GLOBALS['n'] === 5) exit(3); echo "
        "\"ok\\n\";\n");
    ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kReload, 20), false);
    CHECK(run.outcome.resident.result.stop == PHPTRUN_RESIDENT_STOP_EXIT);
    CHECK(run.evaluation.failure_reason == "exit() in iteration 5 of 20 ended the reload loop");
    CHECK(run.outcome.engine.exit_status == 3);
  }
  SECTION("exception") {
    Script s(
        "<?php $GLOBALS['n'] = ($GLOBALS['n'] ?? 0) + 1; if ($GLOBALS['n'] === 2) throw new "
        "LogicException('stale');\n");
    ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kReload, 20), false);
    CHECK(run.outcome.resident.result.stop == PHPTRUN_RESIDENT_STOP_EXCEPTION);
    CHECK(run.outcome.resident.result.stopped_in == 2);
    CHECK(run.outcome.output.find("Uncaught LogicException: stale") != std::string::npos);
  }
  SECTION("parse error") {
    Script s("<?php echo 'x' 'y';\n");
    ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kReload, 20), false);
    CHECK(run.outcome.resident.result.stop == PHPTRUN_RESIDENT_STOP_EXCEPTION);
    CHECK(run.outcome.resident.result.stopped_in == 1);
    CHECK(run.outcome.output.find("Parse error") != std::string::npos);
  }
}

TEST_CASE("worker: an exception's trace ends at the worker loop, as under a worker runtime") {
  Script s(
      "<?php return function (int $i) { echo (new Exception('x'))->getTraceAsString(), \"\\n\"; "
      "};\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 10), false);
  CHECK(run.evaluation.first_output == "#0 [internal function]: {closure}(1)\n#1 {main}\n");
  CHECK(run.evaluation.failure_reason ==
        "output of iteration 2 differs from iteration 1 (state kept between iterations?)");
}

}  // namespace
}  // namespace phptrun

namespace phptrun {
namespace {

TEST_CASE("worker: max_execution_time still stops a runaway iteration (signals stay PHP's)") {
  Script s(
      "<?php set_time_limit(1); return function (int $i) { if ($i === 3) { while (true) {} } };\n");
  ResidentRun run = RunResident(s.Spec(), Mode(ResidentSpec::Mode::kWorker, 20), false);
  CHECK_FALSE(run.outcome.timed_out);
  CHECK(run.outcome.resident.result.stop == PHPTRUN_RESIDENT_STOP_FATAL);
  CHECK(run.outcome.resident.result.stopped_in == 3);
  CHECK(run.outcome.output.find("Maximum execution time of 1 second exceeded") !=
        std::string::npos);
}

}  // namespace
}  // namespace phptrun
