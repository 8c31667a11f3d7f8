#include "tracer/leak_analysis.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <vector>

namespace phptrun {
namespace {

// A series of n values made by f(iteration), iteration 1-based.
template <typename F>
std::vector<int64_t> Make(int n, F f) {
  std::vector<int64_t> v;
  for (int i = 1; i <= n; ++i) v.push_back(static_cast<int64_t>(f(i)));
  return v;
}

MetricVerdict Judge(const std::vector<int64_t>& values, int warmup, bool bytes = true,
                    int64_t max_growth = 0) {
  LeakAnalysis a = AnalyzeLeaks({{bytes ? "heap" : "objects", bytes, values}}, warmup, max_growth);
  REQUIRE(a.judged);
  REQUIRE(a.metrics.size() == 1);
  return a.metrics[0];
}

TEST_CASE("leak rule: checkpoints cut the iterations after warm-up in 8 intervals") {
  CHECK(Checkpoints(20, 100) == std::vector<int>{20, 30, 40, 50, 60, 70, 80, 90, 100});
  CHECK(Checkpoints(1, 5) == std::vector<int>{1, 2, 3, 4, 5});  // --repeat 5: 4 intervals
  CHECK(Checkpoints(8, 10).empty());                            // too short
  CHECK(Checkpoints(0, 100).empty());                           // no warm-up
}

TEST_CASE("leak rule: a flat series is no leak") {
  MetricVerdict m = Judge(Make(100, [](int) { return 400000; }), 10);
  CHECK(m.trend == Trend::kFlat);
  CHECK_FALSE(m.leaking);
  CHECK(m.growth == 0);
  CHECK(m.last_rise == 0);
}

TEST_CASE("leak rule: a warm-up staircase that stops is no leak") {
  auto staircase = [](int i) {
    return 400000 + (i >= 2 ? 4096 : 0) + (i >= 4 ? 8192 : 0) + (i >= 8 ? 16384 : 0);
  };
  MetricVerdict m = Judge(Make(100, staircase), 10);
  CHECK(m.trend == Trend::kFlat);
  CHECK_FALSE(m.leaking);
}

TEST_CASE("leak rule: a staircase that keeps climbing is a leak") {
  // An arena taking a 64 KiB page every 20 iterations: a step in every interval.
  auto arena = [](int i) { return 400000 + 65536 * (i / 20); };
  MetricVerdict m = Judge(Make(1000, arena), 100);
  CHECK(m.trend == Trend::kGrowing);
  CHECK(m.leaking);
  CHECK(m.growth > 3000);  // 64 KiB / 20 iterations ~ 3.3 KiB
  CHECK(m.growth < 3500);
}

TEST_CASE("leak rule: a slow linear leak, with and without tolerance") {
  auto slow = [](int i) { return 400000 + 10 * i; };
  CHECK(Judge(Make(400, slow), 40).leaking);
  MetricVerdict tolerated = Judge(Make(400, slow), 40, true, 64);
  CHECK(tolerated.trend == Trend::kGrowing);
  CHECK_FALSE(tolerated.leaking);
  CHECK(tolerated.growth == Approx(10).margin(0.5));
}

TEST_CASE("leak rule: size-class steps of a clean handler are not evidence") {
  // The digit step: the strings cross a size class when $i gains a digit.
  auto digits = [](int i) { return 395664 + (i >= 100 ? 16 : 0) + (i >= 1000 ? 16 : 0); };
  // At 1000 iterations the second step lands in the last interval: undecided, never a leak.
  MetricVerdict at_1000 = Judge(Make(1000, digits), 50);
  CHECK(at_1000.trend == Trend::kUndecided);
  CHECK_FALSE(at_1000.leaking);
  // Twice as long, it has stopped: bounded at the exact iteration.
  MetricVerdict at_2000 = Judge(Make(2000, digits), 50);
  CHECK(at_2000.trend == Trend::kBounded);
  CHECK(at_2000.last_rise == 1000);
  CHECK_FALSE(at_2000.leaking);
}

TEST_CASE("leak rule: array doublings alone are not a leak at any length") {
  auto doubling = [](int i) {
    int64_t slots = 8;
    while (slots < i) slots *= 2;
    return 400000 + slots * 16;
  };
  for (int n : {500, 1000, 2000, 5000}) {
    MetricVerdict m = Judge(Make(n, doubling), n / 10);
    CHECK_FALSE(m.leaking);
    CHECK(m.trend != Trend::kGrowing);
  }
}

TEST_CASE("leak rule: a cache filling until 126 is undecided at 200 and bounded at 400") {
  auto cache = [](int i) { return 100 + (i < 126 ? i / 3 : 42); };
  MetricVerdict at_200 = Judge(Make(200, cache), 20, false);
  CHECK(at_200.trend == Trend::kUndecided);
  CHECK_FALSE(at_200.leaking);
  MetricVerdict at_400 = Judge(Make(400, cache), 20, false);
  CHECK(at_400.trend == Trend::kBounded);
  CHECK(at_400.last_rise == 126);
}

TEST_CASE("leak rule: a count that keeps rising leaks, however little") {
  MetricVerdict m = Judge(Make(500, [](int i) { return 10 + i / 10; }), 50, false);
  CHECK(m.trend == Trend::kGrowing);
  CHECK(m.leaking);
  CHECK(m.growth == Approx(0.1).margin(0.01));
}

TEST_CASE("leak rule: noisy flat series do not leak") {
  auto alternating = [](int i) { return 400000 + (i % 2) * 64; };
  CHECK(Judge(Make(300, alternating), 30).trend == Trend::kFlat);
  auto sawtooth = [](int i) { return 400000 + (i % 17) * 128; };
  CHECK(Judge(Make(300, sawtooth), 30).trend == Trend::kFlat);
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> noise(-200, 200);
  std::vector<int64_t> noisy;
  for (int i = 0; i < 300; ++i) noisy.push_back(400000 + (i < 30 ? 200 : noise(rng)));
  CHECK_FALSE(Judge(noisy, 30).leaking);
}

TEST_CASE("leak rule: too short a run is not judged") {
  LeakAnalysis a = AnalyzeLeaks({{"heap", true, {1, 2, 3, 4, 5}}}, 3, 0);
  CHECK_FALSE(a.judged);
  CHECK_FALSE(a.leaking());
}

TEST_CASE("leak rule: values known at the checkpoints only (retained snapshots)") {
  std::vector<int> at = Checkpoints(30, 300);
  std::vector<int64_t> appended, filled, late;
  for (int c : at) {
    appended.push_back(c);                // one element per iteration
    filled.push_back(c < 126 ? c : 126);  // a cache that is full at 126
    late.push_back(c >= 300 ? 1 : 0);     // one rise in the last interval
  }
  CHECK(JudgeCheckpoints(at, appended).trend == Trend::kGrowing);
  CHECK(JudgeCheckpoints(at, appended).growth == Approx(1));
  CHECK(JudgeCheckpoints(at, filled).trend == Trend::kBounded);
  CHECK(JudgeCheckpoints(at, late).trend == Trend::kUndecided);
}

// The PCRE cache as ext/pcre keeps it: one new regex per iteration up to its
// 4096 entries, then an eighth dropped whenever a new one finds it full.
int64_t PcreEntries(int i) { return i <= 4096 ? i : 3584 + (i - 4096 - 1) % 512 + 1; }

TEST_CASE("leak rule: an engine cache at its documented limit is bounded, memory judged after") {
  const int n = 6000;
  // Memory grows 100 B per entry while the cache fills, then stays.
  auto heap = Make(n, [](int i) { return 500000 + 100 * std::min<int64_t>(PcreEntries(i), i); });
  std::vector<MetricSeries> series = {{"heap", true, heap},
                                      {"pcre_cache", false, Make(n, PcreEntries), 4096}};
  LeakAnalysis a = AnalyzeLeaks(series, 600, 0);
  REQUIRE(a.judged);
  const MetricVerdict& pcre = a.metrics[1];
  CHECK(pcre.at_limit_since == 4096);
  CHECK(pcre.trend == Trend::kBounded);  // rose in 3 of the last 4 intervals, yet at its limit
  CHECK_FALSE(pcre.leaking);
  const MetricVerdict& memory = a.metrics[0];
  CHECK(memory.judged_from == 4096);
  CHECK(memory.trend == Trend::kBounded);
  CHECK_FALSE(memory.leaking);
  CHECK(a.AtLimit() == &pcre);
  CHECK_FALSE(a.leaking());
  CHECK_FALSE(a.undecided());

  // Without the limit the same series are undecided (they rose until 4096).
  series[1].limit = 0;
  LeakAnalysis unlimited = AnalyzeLeaks(series, 600, 0);
  CHECK(unlimited.metrics[1].trend == Trend::kUndecided);
  CHECK(unlimited.metrics[0].trend == Trend::kUndecided);
  CHECK(unlimited.AtLimit() == nullptr);
}

TEST_CASE("leak rule: memory that keeps growing after the cache filled still leaks") {
  const int n = 6000;
  auto heap = Make(n, [](int i) { return 500000 + 100 * std::min(i, 4096) + 48 * i; });
  LeakAnalysis a = AnalyzeLeaks(
      {{"heap", true, heap}, {"pcre_cache", false, Make(n, PcreEntries), 4096}}, 600, 0);
  CHECK(a.metrics[0].judged_from == 4096);
  CHECK(a.metrics[0].leaking);
  CHECK(a.metrics[0].growth == Approx(48));
  CHECK_FALSE(a.metrics[1].leaking);
}

TEST_CASE("leak rule: a cache filling below its limit is no leak; the memory it explains waits") {
  const int n = 1000;
  auto heap = Make(n, [](int i) { return 500000 + 100 * i; });  // 100 B per new entry
  LeakAnalysis a = AnalyzeLeaks(
      {{"heap", true, heap}, {"pcre_cache", false, Make(n, PcreEntries), 4096}}, 100, 0);
  REQUIRE(a.judged);
  const MetricVerdict& pcre = a.metrics[1];
  CHECK(pcre.at_limit_since == 0);
  CHECK(pcre.filling);
  CHECK(pcre.trend == Trend::kGrowing);  // what it does; never a leak
  CHECK(pcre.growth == Approx(1));
  CHECK_FALSE(pcre.leaking);
  const MetricVerdict& memory = a.metrics[0];
  CHECK(memory.explained_by == "pcre_cache");
  CHECK(memory.trend == Trend::kUndecided);
  CHECK_FALSE(memory.leaking);
  CHECK(a.Filling() == &pcre);
  CHECK_FALSE(a.leaking());
  CHECK_FALSE(a.undecided_apart_from_filling());

  // Without the limit the same series leak (the rule before the bound).
  LeakAnalysis unlimited =
      AnalyzeLeaks({{"heap", true, heap}, {"pcre_cache", false, Make(n, PcreEntries), 0}}, 100, 0);
  CHECK(unlimited.metrics[0].leaking);
  CHECK(unlimited.metrics[1].leaking);
  CHECK(unlimited.Filling() == nullptr);
}

TEST_CASE("leak rule: memory rising where a filling cache did not is not explained by it") {
  const int n = 1000;
  // The cache fills until 500 and stays below its limit; memory goes on.
  auto cache = Make(n, [](int i) { return std::min(i, 500); });
  auto heap = Make(n, [](int i) { return 500000 + 64 * i; });
  LeakAnalysis a = AnalyzeLeaks({{"heap", true, heap}, {"pcre_cache", false, cache, 4096}}, 100, 0);
  CHECK_FALSE(a.metrics[1].filling);  // it stopped: bounded
  CHECK(a.metrics[0].explained_by.empty());
  CHECK(a.metrics[0].leaking);

  // Still filling, but in steps: memory rising in an interval where the
  // cache did not is growth of its own.
  auto steps = Make(n, [](int i) { return i <= 550 ? i : (i <= 775 ? 550 : i - 225); });
  LeakAnalysis b = AnalyzeLeaks({{"heap", true, heap}, {"pcre_cache", false, steps, 4096}}, 100, 0);
  CHECK(b.metrics[1].filling);
  CHECK(b.metrics[0].explained_by.empty());
  CHECK(b.metrics[0].leaking);
}

TEST_CASE("leak rule: a cache full just before the end leaves memory undecided") {
  const int n = 4098;  // 2 iterations after the limit: too few to judge
  auto heap = Make(n, [](int i) { return 500000 + 100 * std::min(i, 4096); });
  LeakAnalysis a = AnalyzeLeaks(
      {{"heap", true, heap}, {"pcre_cache", false, Make(n, PcreEntries), 4096}}, 400, 0);
  CHECK(a.metrics[1].trend == Trend::kBounded);
  CHECK(a.metrics[0].trend == Trend::kUndecided);
  CHECK(a.undecided());
  CHECK(FirstAtLimit({1, 5, 4096, 3600}, 4096) == 3);
  CHECK(FirstAtLimit({1, 5}, 4096) == 0);
}

TEST_CASE("leak rule: the summary names leaking metrics, bytes first") {
  auto grows = Make(200, [](int i) { return 1000 + 100 * i; });
  auto counts = Make(200, [](int i) { return i; });
  LeakAnalysis a = AnalyzeLeaks({{"objects", false, counts}, {"heap", true, grows}}, 20, 0);
  CHECK(a.leaking());
  CHECK(a.Summary() == "heap +100 B/iteration, objects +1/iteration");
}

TEST_CASE("HumanBytes and FormatGrowth") {
  CHECK(HumanBytes(512) == "512 B");
  CHECK(HumanBytes(1536) == "1.5 KiB");
  CHECK(FormatGrowth(0.3333, false) == "+0.33");
  CHECK(FormatGrowth(2, false) == "+2");
}

}  // namespace
}  // namespace phptrun
