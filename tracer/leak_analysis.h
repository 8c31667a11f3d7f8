// The leak verdict of a resident run, from the per-iteration series alone.
// Pure arithmetic, no engine: unit-tested with synthetic series.
//
//   std::vector<MetricSeries> series = {{"heap", true, {...}}, {"classes", false, {...}}};
//   LeakAnalysis a = AnalyzeLeaks(series, /*warmup=*/10, /*max_growth=*/0);
//   if (a.leaking()) ... a.Summary() ...      // "heap +1.2 KiB/iteration, classes +1/iteration"
//
// The rule. Memory rarely grows smoothly: arenas take pages, hash tables
// double, so growth comes as a staircase. Steps that end during warm-up are
// not a leak; a staircase that keeps climbing is. With w warm-up iterations
// out of n, let B be the highest value during warm-up, H1 the highest value
// in the first half of the rest (iterations w+1 .. w+floor((n-w)/2)) and H2
// the highest in the second half (the remaining iterations):
//
//   * a metric keeps climbing when H1 > B and H2 > H1: each half sets a new
//     high, so one late step (a cache filling up once) is not enough, and a
//     series that goes up and down (a cache that is flushed) never does;
//   * its growth per iteration is (H2 - B) / (n - w);
//   * a byte metric leaks when it keeps climbing and its growth is more than
//     max_growth; a count leaks whenever it keeps climbing.
//
// So the README's two sentences hold exactly: ignore the warm-up, split the
// rest in two halves, and it is a LEAK when each half reaches a new highest
// value above everything before it; for memory, the rise from the warm-up's
// highest value to the second half's, divided by the iterations after
// warm-up, must also exceed max_growth bytes.
//
// A staircase whose steps are further apart than half of the iterations
// after warm-up shows at most one step there and is not called a leak: run
// more iterations to see it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace phptrun {

struct MetricSeries {
  std::string name;             // "heap", "classes", ...
  bool bytes = false;           // memory (max_growth applies) or a count
  std::vector<int64_t> values;  // one per iteration, iteration 1 first
};

struct MetricVerdict {
  std::string name;
  bool bytes = false;
  int64_t warmup_high = 0;       // B
  int64_t first_half_high = 0;   // H1
  int64_t second_half_high = 0;  // H2
  double growth = 0;             // (H2 - B) / (n - w), per iteration
  bool climbing = false;         // H1 > B and H2 > H1
  bool leaking = false;
};

struct LeakAnalysis {
  // False when the series are too short for the rule (fewer than warmup +
  // kMinJudgedIterations values, or no warm-up): nothing is said to leak.
  bool judged = false;
  std::vector<MetricVerdict> metrics;  // in the order of the input

  bool leaking() const;
  // The leaking metrics with their growth, most important first (bytes,
  // then counts): "heap +1.2 KiB/iteration, classes +1/iteration".
  std::string Summary() const;
};

LeakAnalysis AnalyzeLeaks(const std::vector<MetricSeries>& series, int warmup, int64_t max_growth);

// "512 B", "1.2 KiB", "3.4 MiB" (binary units, one decimal above bytes).
std::string HumanBytes(double bytes);

// A growth per iteration as the summary writes it: "+1.2 KiB" for bytes,
// "+1" or "+0.33" for counts.
std::string FormatGrowth(double growth, bool bytes);

}  // namespace phptrun
