// The leak verdict of a resident run, from the per-iteration series alone.
// Pure arithmetic, no engine: unit-tested with synthetic series.
//
//   std::vector<MetricSeries> series = {{"heap", true, {...}}, {"classes", false, {...}}};
//   LeakAnalysis a = AnalyzeLeaks(series, /*warmup=*/10, /*max_growth=*/0);
//   if (a.leaking()) ... a.Summary() ...      // "heap +1.2 KiB/iteration, classes +1/iteration"
//
// The rule. Memory rarely grows smoothly: arenas take pages, hash tables
// double, strings cross the allocator's size classes, so growth comes as a
// staircase whose steps can be far apart. A leak is growth that keeps
// going; a cache that fills up and stops is not one. With w warm-up
// iterations out of n, the iterations after warm-up are cut into
// kIntervals equal intervals at the checkpoints b_0 = w < b_1 < ... < b_K = n
// (Checkpoints()). An interval "rises" when its highest value is above
// every value before it (warm-up included). Then a series is
//
//   * growing   when each of the last K/2 intervals rises: growth that
//               kept going through the second half of the run;
//   * undecided when some but not all of the last K/2 intervals rise: it
//               grew recently, but not steadily (a cache still filling, a
//               single size-class step late in the run, a staircase with
//               steps further apart than an interval): run longer;
//   * bounded   when it rose after warm-up but not in the last K/2
//               intervals: it stopped growing (at last_rise);
//   * flat      when it never rose after warm-up.
//
// Its growth per iteration is the rise over the second half: (highest of the
// last interval - highest up to b_{K/2}) / (n - b_{K/2}).
//
// A count leaks when it is growing; a byte metric when it is growing by
// more than max_growth per iteration. One step of an allocator size class
// or one doubling of a hash table rises in one interval, never in all of
// the last K/2: steps are not evidence by themselves.
//
// A bound the engine documents. A count with a limit (the PCRE cache keeps
// at most 4096 regexes) that reaches it is bounded, whatever its intervals
// say: the engine drops entries to stay there. Its entries take memory, so
// while it fills, memory grows with it: once it reached its limit at
// iteration L after warm-up, the memory series (bytes) that look growing or
// undecided are judged again on the iterations after L alone (the
// checkpoints of Checkpoints(L, n)), and too few of those is undecided.
// Below its limit such a count never leaks: while it is still filling
// (growing or undecided), the memory series that rose only in intervals
// where it rose too are explained by it and undecided, not leaking, so
// that the run is extended toward the limit (runner/case/resident_runner.h).
// Evidence that does not come from the cache (counts such as objects, the
// retained snapshots' user paths) is judged as usual.
//
// The same classification applies to values known only at the checkpoints
// (the retained snapshots, runner/sapi/retained.h): JudgeCheckpoints().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace phptrun {

struct MetricSeries {
  std::string name;             // "heap", "classes", ...
  bool bytes = false;           // memory (max_growth applies) or a count
  std::vector<int64_t> values;  // one per iteration, iteration 1 first
  int64_t limit = 0;            // the engine's documented bound on a count; 0: none
};

inline constexpr int kIntervals = 8;

enum class Trend { kFlat, kBounded, kUndecided, kGrowing };

// "flat", "bounded", "undecided", "growing".
const char* TrendName(Trend trend);

// The checkpoints of a run: b_0 = warmup, b_j = warmup + j * (n - warmup) / K
// with K = min(kIntervals, n - warmup). Empty when the run is too short
// (fewer than 4 iterations after warm-up, or no warm-up).
std::vector<int> Checkpoints(int warmup, int iterations);

struct TrendVerdict {
  Trend trend = Trend::kFlat;
  int rising_tail = 0;      // how many of the last K/2 intervals rose
  int last_rise = 0;        // the iteration of the last new high after warm-up (0: none)
  double growth = 0;        // per iteration over the second half
  std::vector<bool> rose;   // per interval j = 0..K (0, the warm-up, never rises)
  int64_t middle_high = 0;  // the highest up to b_{K/2}: where the growth is measured from
};

// `values[j]` is the value at checkpoint `at[j]` (at.size() == values.size()
// == K + 1): rising means above every earlier checkpoint's value.
TrendVerdict JudgeCheckpoints(const std::vector<int>& at, const std::vector<int64_t>& values);

struct MetricVerdict {
  std::string name;
  bool bytes = false;
  Trend trend = Trend::kFlat;
  int last_rise = 0;
  double growth = 0;  // per iteration over the second half
  bool leaking = false;
  // What the trend was read from, for reports that draw it (the HTML plots):
  // highs[0] the warm-up's highest value, highs[j] interval j's (iterations
  // b_{j-1}+1 .. b_j); rose[j] it was above every value before; rising_tail
  // of the last K/2 intervals rose; middle_high the highest up to b_{K/2}.
  // Empty when not judged.
  std::vector<int64_t> highs;
  std::vector<bool> rose;
  int rising_tail = 0;
  int64_t middle_high = 0;
  int64_t limit = 0;  // as MetricSeries::limit
  // A count with a limit: the first iteration it was at its limit (0: never).
  int at_limit_since = 0;
  // Memory judged again from this iteration on, where a limited count
  // reached its limit (0: judged on the whole run).
  int judged_from = 0;
  // A count with a limit, still growing below it: never leaking.
  bool filling = false;
  // Memory that rose only where a filling count rose: that count's name
  // (the memory is undecided, not leaking); "" otherwise.
  std::string explained_by;
};

struct LeakAnalysis {
  // False when the series are too short for the rule (fewer than warmup +
  // kIntervals values, or no warm-up): nothing is said to leak.
  bool judged = false;
  std::vector<int> checkpoints;
  std::vector<MetricVerdict> metrics;  // in the order of the input

  bool leaking() const;
  bool undecided() const;  // some metric is undecided
  // The limited count that reached its limit last after warm-up (nullptr:
  // none did).
  const MetricVerdict* AtLimit() const;
  // The limited count still filling below its limit (nullptr: none).
  const MetricVerdict* Filling() const;
  // Some metric is undecided for a reason other than a filling count (the
  // count itself, or memory it explains).
  bool undecided_apart_from_filling() const;
  // The leaking metrics with their growth, most important first (bytes,
  // then counts): "heap +1.2 KiB/iteration, classes +1/iteration".
  std::string Summary() const;
};

LeakAnalysis AnalyzeLeaks(const std::vector<MetricSeries>& series, int warmup, int64_t max_growth);

// The first iteration (1-based) whose value is at `limit` or above; 0 when
// none is.
int FirstAtLimit(const std::vector<int64_t>& values, int64_t limit);

// "512 B", "1.2 KiB", "3.4 MiB" (binary units, one decimal above bytes).
std::string HumanBytes(double bytes);

// A growth per iteration as the summary writes it: "+1.2 KiB" for bytes,
// "+1" or "+0.33" for counts.
std::string FormatGrowth(double growth, bool bytes);

}  // namespace phptrun
