#include "runner/resident/resident_case.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "tracer/leak_analysis.h"

namespace phptrun {
namespace {

// A made-up run: `outputs[i]` is what iteration i+1 printed, after `boot`;
// heap(i) the heap after iteration i (1-based); everything else flat.
struct FakeRun {
  std::string boot;
  std::vector<std::string> outputs;
  std::function<int64_t(int)> heap = [](int) { return 400000; };
  std::function<int64_t(int)> classes = [](int) { return 2; };
  int stop = PHPTRUN_RESIDENT_RAN_ALL;
  std::string tail;  // printed after the last sample (stop message, shutdown)
  bool finished = true;

  ResidentOutcome Outcome() const {
    ResidentOutcome o;
    o.finished = finished;
    o.result.stop = stop;
    o.result.loop_ms = 10;
    int64_t at = static_cast<int64_t>(boot.size());
    o.result.boot_output_end = at;
    for (size_t i = 0; i < outputs.size(); ++i) {
      phptrun_resident_sample s{};
      s.iteration = static_cast<int64_t>(i + 1);
      s.output_start = at;
      at += static_cast<int64_t>(outputs[i].size());
      s.output_end = at;
      s.metrics[PHPTRUN_METRIC_HEAP] = heap(static_cast<int>(i + 1));
      s.metrics[PHPTRUN_METRIC_PERSISTENT] = 2 << 20;
      s.metrics[PHPTRUN_METRIC_CLASSES] = classes(static_cast<int>(i + 1));
      o.samples.push_back(s);
    }
    o.result.completed = static_cast<int>(outputs.size());
    return o;
  }
  std::string Output() const {
    std::string all = boot;
    for (const std::string& o : outputs) all += o;
    return all + tail;
  }
};

ResidentSpec Spec(int iterations, ResidentSpec::Mode mode = ResidentSpec::Mode::kWorker) {
  ResidentSpec spec;
  spec.mode = mode;
  spec.iterations = iterations;
  spec.warmup = DefaultWarmup(iterations);
  return spec;
}

FakeRun Same(int n, const std::string& line = "ok\n") {
  FakeRun run;
  run.boot = "boot\n";
  run.outputs.assign(static_cast<size_t>(n), line);
  return run;
}

ResidentEvaluation Evaluate(const ResidentSpec& spec, const FakeRun& run,
                            const std::string& crash = "") {
  return EvaluateResident(spec, run.Outcome(), run.Output(), crash);
}

TEST_CASE("resident: a clean run, EXPECT sees boot and iteration 1, series filled") {
  ResidentEvaluation ev = Evaluate(Spec(20), Same(20));
  CHECK(ev.first_output == "boot\nok\n");
  CHECK(ev.failure_reason.empty());
  CHECK_FALSE(ev.leaked);
  CHECK_FALSE(ev.bork);
  const ResidentReport& r = ev.report;
  CHECK(r.present);
  CHECK(r.mode == "worker");
  CHECK(r.iterations == 20);
  CHECK(r.completed == 20);
  CHECK(r.warmup == 5);
  REQUIRE(r.series.size() == 10);
  CHECK(r.series[0].first == "heap");
  CHECK(r.series[8].first == "interned_strings");
  CHECK(r.series[9].first == "pcre_cache");
  for (const auto& [name, values] : r.series) CHECK(values.size() == 20);
  REQUIRE(r.growth.size() == 10);
  for (const auto& [name, g] : r.growth) CHECK(g == 0);
  CHECK(r.leaking.empty());
  CHECK(r.iterations_per_s == Approx(2000));  // 20 in 10 ms
}

TEST_CASE("resident: the PCRE cache at its 4096 entries is bounded, and the decision says so") {
  FakeRun run = Same(6000);
  auto entries = [](int i) -> int64_t { return i <= 4096 ? i : 3584 + (i - 4097) % 512 + 1; };
  run.heap = [&](int i) { return 400000 + 100 * entries(i); };
  ResidentOutcome o = run.Outcome();
  for (phptrun_resident_sample& s : o.samples) {
    s.metrics[PHPTRUN_METRIC_PCRE_CACHE] = entries(static_cast<int>(s.iteration));
  }
  ResidentEvaluation ev = EvaluateResident(Spec(6000), o, run.Output(), "");
  CHECK_FALSE(ev.leaked);
  CHECK_FALSE(ev.undecided);
  CHECK(ev.report.decision == "bounded: pcre_cache at its 4096-entry limit since iteration 4096");
}

TEST_CASE("resident: a PCRE cache still filling below its limit is no leak: undecided, extended") {
  FakeRun run = Same(1000);
  run.heap = [](int i) { return 400000 + 100 * i; };  // memory grows with the cache
  ResidentOutcome o = run.Outcome();
  for (phptrun_resident_sample& s : o.samples) s.metrics[PHPTRUN_METRIC_PCRE_CACHE] = s.iteration;
  ResidentEvaluation ev = EvaluateResident(Spec(1000), o, run.Output(), "");
  CHECK_FALSE(ev.leaked);
  CHECK(ev.undecided);  // the runner extends it toward the limit
  CHECK(ev.undecided_what == "pcre_cache");
  CHECK(ev.filling == "pcre_cache had 1000 of its 4096 entries");
  CHECK(ev.report.decision ==
        "bounded: pcre_cache growing toward its documented 4096-entry limit (1000 entries at "
        "iteration 1000); memory that grew with it is judged only once it is full");
  CHECK(ev.report.leaking.empty());
}

TEST_CASE("resident: the first iteration whose output differs is named, with a diff") {
  FakeRun run = Same(20);
  run.outputs[6] = "ok\nflash: saved!\n";
  run.outputs[9] = "other\n";
  ResidentEvaluation ev = Evaluate(Spec(20), run);
  CHECK(ev.failure_reason ==
        "output of iteration 7 differs from iteration 1 (state kept between iterations?)");
  CHECK(ev.failure_diff.find("+ flash: saved!") != std::string::npos);
  CHECK(ev.first_output == "boot\nok\n");

  ResidentSpec lax = Spec(20);
  lax.same_output = false;
  CHECK(Evaluate(lax, run).failure_reason.empty());
}

TEST_CASE("resident: outputs are compared as run-tests compares them") {
  FakeRun run = Same(10, "ok\n");
  run.outputs[3] = "ok\r\n";  // CRLF and trailing whitespace do not count
  run.outputs[4] = "ok  \n";
  CHECK(Evaluate(Spec(10), run).failure_reason.empty());
}

TEST_CASE("resident: what ended the loop, in which iteration") {
  FakeRun run = Same(3);
  run.stop = PHPTRUN_RESIDENT_STOP_EXIT;
  run.tail = "bye\n";
  ResidentEvaluation ev = Evaluate(Spec(20), run);
  CHECK(ev.failure_reason == "exit() in iteration 4 of 20 ended the worker");
  CHECK(ev.failure_diff.find("+ bye") != std::string::npos);
  CHECK_FALSE(ev.leaked);
  CHECK(ev.report.completed == 3);
  CHECK(ev.report.growth.empty());

  run.stop = PHPTRUN_RESIDENT_STOP_FATAL;
  CHECK(Evaluate(Spec(20, ResidentSpec::Mode::kReload), run).failure_reason ==
        "a fatal error in iteration 4 of 20 ended the reload loop");
  run.stop = PHPTRUN_RESIDENT_STOP_EXCEPTION;
  CHECK(Evaluate(Spec(20), run).failure_reason ==
        "an uncaught exception in iteration 4 of 20 ended the worker");
}

TEST_CASE("resident: a fatal error in iteration 1 leaves EXPECT everything") {
  FakeRun run;
  run.boot = "boot\n";
  run.stop = PHPTRUN_RESIDENT_STOP_FATAL;
  run.tail = "Fatal error: nope\n";
  ResidentEvaluation ev = Evaluate(Spec(20), run);
  CHECK(ev.first_output == "boot\nFatal error: nope\n");
  CHECK(ev.failure_reason == "a fatal error in iteration 1 of 20 ended the worker");
  CHECK(ev.failure_diff.empty());
}

TEST_CASE("resident: a crash or timeout names the iteration it happened in") {
  FakeRun run = Same(7);
  run.finished = false;
  ResidentEvaluation ev = Evaluate(Spec(20), run, "timed out after 2 s");
  CHECK(ev.failure_reason == "timed out after 2 s in iteration 8 of 20");
  CHECK(ev.report.completed == 7);
  run.finished = true;  // output limit: the engine returned
  run.stop = PHPTRUN_RESIDENT_STOP_FATAL;
  CHECK(Evaluate(Spec(20), run, "output exceeded 64 MiB").failure_reason ==
        "output exceeded 64 MiB in iteration 8 of 20");
}

TEST_CASE("resident: boot failures and a worker that returns no callable") {
  FakeRun run;
  run.boot = "Fatal error: boom\n";
  run.stop = PHPTRUN_RESIDENT_STOP_BOOT;
  ResidentOutcome o = run.Outcome();
  std::strcpy(o.result.message, "worker mode: the boot script did not complete");
  ResidentEvaluation ev = EvaluateResident(Spec(20), o, run.Output(), "");
  CHECK(ev.failure_reason == "worker mode: the boot script did not complete");
  CHECK(ev.first_output == "Fatal error: boom\n");

  o.result.stop = PHPTRUN_RESIDENT_STOP_NOT_CALLABLE;
  std::strcpy(o.result.message, "worker mode: FILE must return a callable; it returned int");
  ev = EvaluateResident(Spec(20), o, run.Output(), "");
  CHECK(ev.bork);
  CHECK(ev.bork_reason == "worker mode: FILE must return a callable; it returned int");
}

TEST_CASE("resident: a climbing heap and class count leak; the reason says by how much") {
  FakeRun run = Same(100);
  run.heap = [](int i) { return 400000 + 1024 * i; };
  run.classes = [](int i) { return i; };
  ResidentEvaluation ev = Evaluate(Spec(100, ResidentSpec::Mode::kReload), run);
  CHECK(ev.leaked);
  CHECK(
      ev.leak_reason ==
      "heap +1.0 KiB/iteration, classes +1/iteration after warm-up (10 of 100 reload iterations)");
  CHECK(ev.report.leaking == std::vector<std::string>{"heap", "classes"});
  CHECK(ev.report.growth[0].second == Approx(1024));

  ResidentSpec tolerant = Spec(100, ResidentSpec::Mode::kReload);
  tolerant.max_growth = 2048;
  ev = Evaluate(tolerant, run);
  CHECK(ev.report.leaking == std::vector<std::string>{"classes"});
}

TEST_CASE("resident: --repeat too short to judge compares outputs only") {
  FakeRun run = Same(3);
  run.heap = [](int i) { return 1000 * i; };
  ResidentSpec spec = RepeatSpec(3);
  ResidentEvaluation ev = Evaluate(spec, run);
  CHECK_FALSE(ev.leaked);
  CHECK(ev.report.growth.empty());
  CHECK(ev.report.mode == "requests");
}

TEST_CASE("resident: sites name the top one in the leak reason") {
  FakeRun run = Same(100);
  run.heap = [](int i) { return 400000 + 100 * i; };
  ResidentEvaluation ev = Evaluate(Spec(100), run);
  REQUIRE(ev.leaked);
  ResidentOutcome attributed;
  attributed.finished = true;
  attributed.have_sites = true;
  attributed.sites = {{"/srv/app/cache.php", 12, "Cache::put", 9000, 90},
                      {"/srv/app/a.php", 3, "{main}", 40, 1}};
  attributed.retained_bytes = 9040;
  attributed.retained_blocks = 91;
  AttachSites(attributed, "second pass", &ev);
  CHECK(
      ev.leak_reason ==
      "heap +100 B/iteration after warm-up (10 of 100 worker iterations); top site: Cache::put at "
      "cache.php:12 (8.8 KiB in 90 blocks)");
  CHECK(ev.report.sites.size() == 2);
  CHECK(ev.report.attribution == "second pass");
  CHECK(ev.report.retained_bytes == 9040);
  std::string details = ResidentDetails(ev.report);
  CHECK(details.find("heap grows +100 B per iteration") != std::string::npos);
  CHECK(details.find("Cache::put  /srv/app/cache.php:12") != std::string::npos);

  ResidentOutcome unfinished;
  AttachSites(unfinished, "second pass", &ev);
  CHECK(ev.report.attribution == "second pass: the attribution run did not finish");
}

TEST_CASE("resident: without offsets (stdout not captured) EXPECT sees everything") {
  FakeRun run = Same(10);
  ResidentOutcome o = run.Outcome();
  for (auto& s : o.samples) s.output_start = s.output_end = -1;
  ResidentEvaluation ev = EvaluateResident(Spec(10), o, "all of it", "");
  CHECK(ev.first_output == "all of it");
  CHECK(ev.failure_reason.empty());
}

}  // namespace
}  // namespace phptrun

namespace phptrun {
namespace {

// Snapshots at the rule's checkpoints: `items(path, iteration)` for each path.
template <typename F>
std::vector<RetainedSnapshot> Snapshots(int warmup, int n, const std::vector<std::string>& paths,
                                        F items) {
  std::vector<RetainedSnapshot> out;
  for (int c : Checkpoints(warmup, n)) {
    RetainedSnapshot s;
    s.iteration = c;
    for (const std::string& p : paths) s.entries.push_back({p, items(p, c), 100 * items(p, c)});
    out.push_back(std::move(s));
  }
  return out;
}

TEST_CASE("resident: a retainer whose items keep growing leaks and is named, not its holders") {
  FakeRun run = Same(200);  // every metric flat: the packed-list case
  ResidentOutcome o = run.Outcome();
  o.snapshots = Snapshots(20, 200, {"$c->aliases['request']", "$c->aliases", "$c", "$c->bound"},
                          [](const std::string& p, int c) -> int64_t {
                            if (p == "$c->aliases['request']") return c;
                            if (p == "$c->bound") return 3;
                            return 1;
                          });
  ResidentEvaluation ev = EvaluateResident(Spec(200), o, run.Output(), "");
  REQUIRE(ev.leaked);
  CHECK(ev.leak_reason ==
        "retained by $c->aliases['request']: items +1/iteration, bytes +100 B/iteration after "
        "warm-up (20 of 200 worker iterations)");
  REQUIRE(ev.report.retainers.size() == 1);
  CHECK(ev.report.retainers[0].items.size() == 9);
  CHECK(ev.report.decision == "growing");
}

TEST_CASE(
    "resident: a retainer that fills up and stops is bounded; one still rising is undecided") {
  FakeRun run = Same(200);
  ResidentOutcome o = run.Outcome();
  o.snapshots = Snapshots(20, 200, {"$cache"},
                          [](const std::string&, int c) -> int64_t { return c < 80 ? c : 80; });
  ResidentEvaluation ev = EvaluateResident(Spec(200), o, run.Output(), "");
  CHECK_FALSE(ev.leaked);
  CHECK_FALSE(ev.undecided);
  CHECK(ev.report.decision == "bounded: stopped growing at iteration 87");

  o.snapshots = Snapshots(20, 200, {"$cache"}, [](const std::string&, int c) -> int64_t {
    return c < 150 ? c / 10 : 15;  // rose up to 150: in the tail, not steadily
  });
  ev = EvaluateResident(Spec(200), o, run.Output(), "");
  CHECK_FALSE(ev.leaked);
  CHECK(ev.undecided);
  CHECK(ev.undecided_what == "retained $cache");
}

TEST_CASE("resident: the elements of an array that fills are its row, not rows of their own;"
          " a bounded holder is its lowest rising path's row") {
  // As resident-extended's Filling::$items: a small array's elements are
  // named by key while it has at most 16, then `[*]`; each key appears in a
  // snapshot or two as the array grows.
  FakeRun run = Same(72);
  ResidentOutcome o = run.Outcome();
  std::vector<int> at = Checkpoints(4, 72);
  for (int c : at) {
    RetainedSnapshot snap;
    snap.iteration = c;
    int items = std::min(c, 30);
    snap.entries.push_back({"Filling::$items", items, 40 * items});
    if (items <= 16) {
      for (int k = 1; k <= items; ++k) {
        snap.entries.push_back({"Filling::$items[" + std::to_string(k) + "]", 0, 56});
      }
    } else {
      snap.entries.push_back({"Filling::$items[*]", 0, 56 * items});
    }
    snap.entries.push_back({"$app->lastPath", 0, c < 25 ? 32 : 40});  // not an element: kept
    snap.entries.push_back({"$app", 1, c < 25 ? 132 : 140});  // rose only by what it holds
    o.snapshots.push_back(std::move(snap));
  }
  ResidentSpec spec = Spec(72);
  spec.warmup = 4;
  ResidentEvaluation ev = EvaluateResident(spec, o, run.Output(), "");
  CHECK_FALSE(ev.leaked);
  std::vector<std::string> paths;
  for (const RetainedPath& p : ev.report.retainers) paths.push_back(p.path);
  CHECK(paths == std::vector<std::string>{"Filling::$items", "$app->lastPath"});
  CHECK(ev.report.decision == "bounded: stopped growing at iteration 38");  // the checkpoint after 30
}

TEST_CASE("resident: phptrun's own loop allocations are not reported as the user's sites") {
  FakeRun run = Same(100);
  run.heap = [](int i) { return 400000 + 100 * i; };
  ResidentEvaluation ev = Evaluate(Spec(100), run);
  REQUIRE(ev.leaked);
  ResidentOutcome attributed;
  attributed.finished = true;
  attributed.have_sites = true;
  attributed.sites = {{"/srv/app/w.php", 0, "(worker loop)", 9000, 90},
                      {"/srv/app/w.php", 7, "{closure}", 400, 4}};
  AttachSites(attributed, "second pass", &ev);
  REQUIRE(ev.report.sites.size() == 1);
  CHECK(ev.report.sites[0].function == "{closure}");
  CHECK(ev.report.own_bytes == 9000);
  CHECK(ev.leak_reason.find("(worker loop)") == std::string::npos);
}

TEST_CASE("resident: fresh workers serve requests 2, the middle one and the last") {
  CHECK(FreshSamples(50) == std::vector<int>{2, 25, 50});
  CHECK(FreshSamples(3) == std::vector<int>{2, 3});
  CHECK(FreshSamples(2) == std::vector<int>{2});
  CHECK(FreshSamples(1).empty());
}

TEST_CASE("resident: a request that a fresh worker answers differently FAILs, naming it") {
  // Every request of the long-lived worker prints the flash message ...
  FakeRun served = Same(50, "<h1>Home</h1><p>Welcome back!</p>\n");
  ResidentEvaluation ev = Evaluate(Spec(50), served);
  REQUIRE(ev.failure_reason.empty());  // same_output sees nothing
  // ... a fresh worker serving request 2 alone does not.
  FakeRun alone = Same(1, "<h1>Home</h1>\n");
  CHECK(CompareFresh(served.Outcome(), served.Output(), 2, alone.Outcome(), alone.Output(), &ev));
  CHECK(ev.failure_reason ==
        "output of request 2 differs from a fresh worker serving request 2 (state kept from "
        "earlier requests?)");
  CHECK(ev.report.fresh_differs == 2);
  CHECK(ev.failure_diff.find("Welcome back!") != std::string::npos);

  // The same output: nothing to say. A fresh run that did not finish: neither.
  ResidentEvaluation same = Evaluate(Spec(50), served);
  FakeRun same_alone = Same(1, "<h1>Home</h1><p>Welcome back!</p>\n");
  CHECK_FALSE(CompareFresh(served.Outcome(), served.Output(), 25, same_alone.Outcome(),
                           same_alone.Output(), &same));
  CHECK(same.report.fresh_checked == std::vector<int>{25});
  alone.finished = false;
  CHECK_FALSE(
      CompareFresh(served.Outcome(), served.Output(), 2, alone.Outcome(), alone.Output(), &same));
  CHECK(same.failure_reason.empty());
}

TEST_CASE("resident: below its limit, a filling PCRE cache and a growing user retainer: a leak") {
  FakeRun run = Same(1000);
  run.heap = [](int i) { return 400000 + 148 * i; };
  ResidentOutcome o = run.Outcome();
  for (phptrun_resident_sample& s : o.samples) s.metrics[PHPTRUN_METRIC_PCRE_CACHE] = s.iteration;
  o.snapshots = Snapshots(100, 1000, {"Handler::$seen"},
                          [](const std::string&, int c) -> int64_t { return c; });
  ResidentEvaluation ev = EvaluateResident(Spec(1000), o, run.Output(), "");
  REQUIRE(ev.leaked);
  CHECK(ev.leak_reason ==
        "retained by Handler::$seen: items +1/iteration, bytes +100 B/iteration after warm-up "
        "(100 of 1000 worker iterations)");
  CHECK(ev.report.decision == "growing");
  CHECK(ev.filling.empty());
}

}  // namespace
}  // namespace phptrun
