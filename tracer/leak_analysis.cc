#include "tracer/leak_analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace phptrun {
namespace {

constexpr int kMinJudged = 4;  // as runner/resident_spec.h kMinJudgedIterations

int64_t HighestIn(const std::vector<int64_t>& v, size_t begin, size_t end) {
  return *std::max_element(v.begin() + static_cast<std::ptrdiff_t>(begin),
                           v.begin() + static_cast<std::ptrdiff_t>(end));
}

}  // namespace

std::string HumanBytes(double bytes) {
  char buf[64];
  double a = std::fabs(bytes);
  if (a < 1024) {
    std::snprintf(buf, sizeof buf, "%.0f B", bytes);
  } else if (a < 1024.0 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024);
  } else if (a < 1024.0 * 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / (1024.0 * 1024));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }
  return buf;
}

std::string FormatGrowth(double growth, bool bytes) {
  std::string sign = growth >= 0 ? "+" : "";
  if (bytes) return sign + HumanBytes(growth);
  char buf[64];
  if (std::fabs(growth) >= 10 || std::fabs(growth - std::round(growth)) < 0.005) {
    std::snprintf(buf, sizeof buf, "%.0f", growth);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", growth);
  }
  return sign + buf;
}

bool LeakAnalysis::leaking() const {
  return std::any_of(metrics.begin(), metrics.end(),
                     [](const MetricVerdict& m) { return m.leaking; });
}

bool LeakAnalysis::undecided() const {
  return std::any_of(metrics.begin(), metrics.end(),
                     [](const MetricVerdict& m) { return m.trend == Trend::kUndecided; });
}

std::string LeakAnalysis::Summary() const {
  std::string out;
  for (bool bytes : {true, false}) {
    for (const MetricVerdict& m : metrics) {
      if (!m.leaking || m.bytes != bytes) continue;
      out +=
          (out.empty() ? "" : ", ") + m.name + " " + FormatGrowth(m.growth, m.bytes) + "/iteration";
    }
  }
  return out;
}

const MetricVerdict* LeakAnalysis::AtLimit() const {
  const MetricVerdict* last = nullptr;
  for (const MetricVerdict& m : metrics) {
    if (m.at_limit_since > 0 && (!last || m.at_limit_since > last->at_limit_since)) last = &m;
  }
  return last;
}

const MetricVerdict* LeakAnalysis::Filling() const {
  for (const MetricVerdict& m : metrics) {
    if (m.filling) return &m;
  }
  return nullptr;
}

bool LeakAnalysis::undecided_apart_from_filling() const {
  return std::any_of(metrics.begin(), metrics.end(), [](const MetricVerdict& m) {
    return m.trend == Trend::kUndecided && !m.filling && m.explained_by.empty();
  });
}

const char* TrendName(Trend trend) {
  switch (trend) {
    case Trend::kFlat:
      return "flat";
    case Trend::kBounded:
      return "bounded";
    case Trend::kUndecided:
      return "undecided";
    case Trend::kGrowing:
      return "growing";
  }
  return "flat";
}

std::vector<int> Checkpoints(int warmup, int iterations) {
  std::vector<int> at;
  if (warmup < 1 || iterations - warmup < kMinJudged) return at;
  int k = std::min(kIntervals, iterations - warmup);
  for (int j = 0; j <= k; ++j) {
    at.push_back(warmup + static_cast<int>(static_cast<int64_t>(j) * (iterations - warmup) / k));
  }
  return at;
}

namespace {

// `highs[j]`: the highest value of interval j (j = 0: warm-up, or the value
// at the first checkpoint); `at[j]` its last iteration.
TrendVerdict Classify(const std::vector<int>& at, const std::vector<int64_t>& highs) {
  TrendVerdict v;
  size_t k = highs.size() - 1;
  size_t tail_from = k - k / 2 + 1;  // the last k/2 intervals
  int64_t before = highs[0];
  int rose_total = 0;
  v.rose.assign(k + 1, false);
  for (size_t j = 1; j <= k; ++j) {
    bool rose = highs[j] > before;
    v.rose[j] = rose;
    before = std::max(before, highs[j]);
    if (rose) {
      ++rose_total;
      v.last_rise = at[j];
      if (j >= tail_from) ++v.rising_tail;
    }
  }
  int tail = static_cast<int>(k / 2);
  if (v.rising_tail == tail && tail > 0) {
    v.trend = Trend::kGrowing;
  } else if (v.rising_tail > 0) {
    v.trend = Trend::kUndecided;
  } else {
    v.trend = rose_total ? Trend::kBounded : Trend::kFlat;
  }
  size_t middle = k - k / 2;
  int64_t high_to_middle = *std::max_element(highs.begin(), highs.begin() + middle + 1);
  v.middle_high = high_to_middle;
  int span = at[k] - at[middle];
  if (span > 0) v.growth = static_cast<double>(highs[k] - high_to_middle) / span;
  if (v.growth < 0) v.growth = 0;
  return v;
}

// The highest value before at[0] and of each interval after it.
std::vector<int64_t> IntervalHighs(const std::vector<int64_t>& values, const std::vector<int>& at) {
  std::vector<int64_t> highs;
  highs.push_back(HighestIn(values, 0, static_cast<size_t>(at[0])));
  for (size_t j = 1; j < at.size(); ++j) {
    highs.push_back(HighestIn(values, static_cast<size_t>(at[j - 1]), static_cast<size_t>(at[j])));
  }
  return highs;
}

// The exact iteration of the last new high after iteration `from`, above
// `high` (0: none).
int LastRise(const std::vector<int64_t>& values, size_t from, size_t n, int64_t high) {
  int last = 0;
  for (size_t i = from; i < n; ++i) {
    if (values[i] > high) {
      high = values[i];
      last = static_cast<int>(i) + 1;
    }
  }
  return last;
}

bool Leaks(const MetricVerdict& m, int64_t max_growth) {
  return m.trend == Trend::kGrowing && (!m.bytes || m.growth > static_cast<double>(max_growth)) &&
         m.growth > 0;
}

}  // namespace

TrendVerdict JudgeCheckpoints(const std::vector<int>& at, const std::vector<int64_t>& values) {
  if (at.size() < 2 || values.size() != at.size()) return TrendVerdict{};
  return Classify(at, values);
}

LeakAnalysis AnalyzeLeaks(const std::vector<MetricSeries>& series, int warmup, int64_t max_growth) {
  LeakAnalysis analysis;
  size_t n = series.empty() ? 0 : series.front().values.size();
  for (const MetricSeries& s : series) n = std::min(n, s.values.size());
  analysis.checkpoints = Checkpoints(warmup, static_cast<int>(n));
  analysis.judged = !analysis.checkpoints.empty();
  const std::vector<int>& at = analysis.checkpoints;
  for (const MetricSeries& s : series) {
    MetricVerdict m;
    m.name = s.name;
    m.bytes = s.bytes;
    m.limit = s.limit;
    if (analysis.judged) {
      std::vector<int64_t> highs = IntervalHighs(s.values, at);
      TrendVerdict v = Classify(at, highs);
      m.highs = highs;
      m.trend = v.trend;
      m.growth = v.growth;
      m.rose = v.rose;
      m.rising_tail = v.rising_tail;
      m.middle_high = v.middle_high;
      m.last_rise = LastRise(s.values, static_cast<size_t>(at[0]), n, highs[0]);
      m.leaking = Leaks(m, max_growth);
      if (s.limit > 0) {
        m.at_limit_since = FirstAtLimit(s.values, s.limit);
        if (m.at_limit_since > static_cast<int>(n)) m.at_limit_since = 0;
        bool rising = m.trend == Trend::kGrowing || m.trend == Trend::kUndecided;
        m.leaking = false;  // a documented bound: its own growth is never a leak
        if (m.at_limit_since > 0) {
          if (rising) m.trend = Trend::kBounded;
        } else {
          m.filling = rising;
        }
      }
    }
    analysis.metrics.push_back(std::move(m));
  }
  // Memory that grows while a limited count is still filling is explained
  // by it when it rose in no interval where the count did not: undecided
  // until the count reaches its limit or the run its budget.
  if (const MetricVerdict* filling = analysis.Filling()) {
    for (MetricVerdict& m : analysis.metrics) {
      if (!m.bytes || (m.trend != Trend::kGrowing && m.trend != Trend::kUndecided)) continue;
      bool explained = true;
      for (size_t j = 1; j < m.rose.size(); ++j) {
        if (m.rose[j] && !filling->rose[j]) explained = false;
      }
      if (!explained) continue;
      m.trend = Trend::kUndecided;
      m.leaking = false;
      m.explained_by = filling->name;
    }
  }
  // Memory that grew while a limited count filled is judged on what came
  // after it was full.
  const MetricVerdict* full = analysis.AtLimit();
  if (full && full->at_limit_since > at[0]) {
    int from = full->at_limit_since;
    std::vector<int> after = Checkpoints(from, static_cast<int>(n));
    for (size_t i = 0; i < series.size(); ++i) {
      MetricVerdict& m = analysis.metrics[i];
      if (!m.bytes || (m.trend != Trend::kGrowing && m.trend != Trend::kUndecided)) continue;
      m.judged_from = from;
      if (after.empty()) {  // too few iterations after it filled to say
        m.trend = Trend::kUndecided;
        m.leaking = false;
        continue;
      }
      std::vector<int64_t> highs = IntervalHighs(series[i].values, after);
      TrendVerdict v = Classify(after, highs);
      m.trend = v.trend == Trend::kFlat ? Trend::kBounded : v.trend;
      m.growth = v.growth;
      int later = LastRise(series[i].values, static_cast<size_t>(from), n, highs[0]);
      if (later > 0) m.last_rise = later;
      m.leaking = Leaks(m, max_growth);
    }
  }
  return analysis;
}

int FirstAtLimit(const std::vector<int64_t>& values, int64_t limit) {
  auto at = std::find_if(values.begin(), values.end(), [&](int64_t v) { return v >= limit; });
  return at == values.end() ? 0 : static_cast<int>(at - values.begin()) + 1;
}

}  // namespace phptrun
