#include "tracer/leak_analysis.h"

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

MetricVerdict Heap(const std::vector<int64_t>& values, int warmup, int64_t max_growth = 0) {
  LeakAnalysis a = AnalyzeLeaks({{"heap", true, values}}, warmup, max_growth);
  REQUIRE(a.judged);
  REQUIRE(a.metrics.size() == 1);
  return a.metrics[0];
}

TEST_CASE("leak rule: a flat series is no leak") {
  MetricVerdict m = Heap(Make(100, [](int) { return 400000; }), 10);
  CHECK_FALSE(m.climbing);
  CHECK_FALSE(m.leaking);
  CHECK(m.growth == 0);
}

TEST_CASE("leak rule: a warm-up staircase that stops is no leak") {
  // Runtime caches and hash tables doubling during the first iterations.
  auto staircase = [](int i) {
    return 400000 + (i >= 2 ? 4096 : 0) + (i >= 4 ? 8192 : 0) + (i >= 8 ? 16384 : 0);
  };
  MetricVerdict m = Heap(Make(100, staircase), 10);
  CHECK(m.warmup_high == 400000 + 4096 + 8192 + 16384);
  CHECK_FALSE(m.leaking);
  CHECK(m.growth == 0);
}

TEST_CASE("leak rule: a staircase that keeps climbing is a leak") {
  // An arena taking a 64 KiB page every 25 iterations.
  auto arena = [](int i) { return 400000 + 65536 * (i / 25); };
  MetricVerdict m = Heap(Make(200, arena), 20);
  CHECK(m.climbing);
  CHECK(m.leaking);
  CHECK(m.growth > 2000);  // 64 KiB / 25 iterations ~ 2.6 KiB
  CHECK(m.growth < 3000);
}

TEST_CASE("leak rule: a hash table doubling without bound is a leak") {
  // An int-only packed array appended to once per iteration: 8, 16, 32, ...
  auto doubling = [](int i) {
    int64_t slots = 8;
    while (slots < i) slots *= 2;
    return 400000 + slots * 16;
  };
  MetricVerdict m = Heap(Make(100, doubling), 10);
  CHECK(m.leaking);
}

TEST_CASE("leak rule: a slow linear leak is a leak unless max_growth tolerates it") {
  auto linear = [](int i) { return 400000 + 16 * i; };
  MetricVerdict m = Heap(Make(100, linear), 10);
  CHECK(m.leaking);
  CHECK(m.growth == Approx(16));
  CHECK_FALSE(Heap(Make(100, linear), 10, 16).leaking);  // "more than max_growth"
  CHECK(Heap(Make(100, linear), 10, 15).leaking);
}

TEST_CASE("leak rule: a noisy flat series is no leak") {
  SECTION("alternating up and down") {
    MetricVerdict m = Heap(Make(100, [](int i) { return 400000 + (i % 2 ? 512 : -512); }), 10);
    CHECK_FALSE(m.climbing);
  }
  SECTION("a cache flushed every 7 iterations (sawtooth)") {
    MetricVerdict m = Heap(Make(100, [](int i) { return 400000 + 1024 * (i % 7); }), 10);
    CHECK_FALSE(m.climbing);
    CHECK_FALSE(m.leaking);
  }
  SECTION("random noise within max_growth's tolerance") {
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> noise(-2048, 2048);
    for (int run = 0; run < 50; ++run) {
      std::vector<int64_t> v = Make(200, [&](int) { return 400000 + noise(rng); });
      // The rise from the warm-up high is at most 4 KiB over 180 iterations.
      CHECK_FALSE(Heap(v, 20, 24).leaking);
    }
  }
}

TEST_CASE("leak rule: one late step is not a staircase") {
  // A cache that fills up once, after warm-up, then stays.
  MetricVerdict m = Heap(Make(100, [](int i) { return 400000 + (i >= 30 ? 65536 : 0); }), 10);
  CHECK(m.first_half_high > m.warmup_high);
  CHECK(m.second_half_high == m.first_half_high);
  CHECK_FALSE(m.leaking);
}

TEST_CASE("leak rule: counts leak when they keep climbing, whatever max_growth") {
  LeakAnalysis a = AnalyzeLeaks({{"classes", false, Make(100, [](int i) { return i; })},
                                 {"objects", false, Make(100, [](int) { return 3; })}},
                                10, 1 << 20);
  REQUIRE(a.judged);
  CHECK(a.metrics[0].leaking);
  CHECK(a.metrics[0].growth == Approx(1.0));
  CHECK_FALSE(a.metrics[1].leaking);
  CHECK(a.Summary() == "classes +1/iteration");
}

TEST_CASE("leak rule: the summary lists bytes first, with units") {
  LeakAnalysis a = AnalyzeLeaks({{"classes", false, Make(100, [](int i) { return i / 3; })},
                                 {"heap", true, Make(100, [](int i) { return 1000 + 2048 * i; })}},
                                10, 0);
  CHECK(a.leaking());
  CHECK(a.Summary() == "heap +2.0 KiB/iteration, classes +0.33/iteration");
}

TEST_CASE("leak rule: too few iterations after warm-up are not judged") {
  LeakAnalysis a = AnalyzeLeaks({{"heap", true, Make(13, [](int i) { return i * 1000; })}}, 10, 0);
  CHECK_FALSE(a.judged);
  CHECK_FALSE(a.leaking());
  a = AnalyzeLeaks({{"heap", true, Make(14, [](int i) { return i * 1000; })}}, 10, 0);
  CHECK(a.judged);
  CHECK(a.leaking());
  CHECK_FALSE(AnalyzeLeaks({{"heap", true, Make(50, [](int i) { return i; })}}, 0, 0).judged);
}

TEST_CASE("leak rule: halves as the README states them, checked by hand") {
  // n=10, w=2: first half = iterations 3..6, second half = 7..10.
  std::vector<int64_t> v = {5, 9, 9, 9, 9, 10, 10, 10, 10, 11};
  MetricVerdict m = Heap(v, 2);
  CHECK(m.warmup_high == 9);
  CHECK(m.first_half_high == 10);
  CHECK(m.second_half_high == 11);
  CHECK(m.growth == Approx(2.0 / 8));
  CHECK(m.leaking);
  v[9] = 10;  // the second half sets no new high
  CHECK_FALSE(Heap(v, 2).leaking);
}

TEST_CASE("FormatGrowth") {
  CHECK(FormatGrowth(1, false) == "+1");
  CHECK(FormatGrowth(1.0 / 3, false) == "+0.33");
  CHECK(FormatGrowth(12.4, false) == "+12");
  CHECK(FormatGrowth(0, false) == "+0");
  CHECK(FormatGrowth(-2, false) == "-2");
  CHECK(FormatGrowth(253.2, true) == "+253 B");
  CHECK(FormatGrowth(1480, true) == "+1.4 KiB");
}

TEST_CASE("HumanBytes") {
  CHECK(HumanBytes(0) == "0 B");
  CHECK(HumanBytes(1023) == "1023 B");
  CHECK(HumanBytes(1536) == "1.5 KiB");
  CHECK(HumanBytes(3 * 1024 * 1024) == "3.0 MiB");
  CHECK(HumanBytes(-2048) == "-2.0 KiB");
}

}  // namespace
}  // namespace phptrun
