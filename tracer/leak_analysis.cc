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

std::string Growth(const MetricVerdict& m) {
  return FormatGrowth(m.growth, m.bytes) + "/iteration";
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

std::string LeakAnalysis::Summary() const {
  std::string out;
  for (bool bytes : {true, false}) {
    for (const MetricVerdict& m : metrics) {
      if (!m.leaking || m.bytes != bytes) continue;
      out += (out.empty() ? "" : ", ") + m.name + " " + Growth(m);
    }
  }
  return out;
}

LeakAnalysis AnalyzeLeaks(const std::vector<MetricSeries>& series, int warmup, int64_t max_growth) {
  LeakAnalysis analysis;
  size_t n = series.empty() ? 0 : series.front().values.size();
  for (const MetricSeries& s : series) n = std::min(n, s.values.size());
  size_t w = warmup > 0 ? static_cast<size_t>(warmup) : 0;
  analysis.judged = w >= 1 && n >= w + kMinJudged;
  for (const MetricSeries& s : series) {
    MetricVerdict m;
    m.name = s.name;
    m.bytes = s.bytes;
    if (analysis.judged) {
      size_t middle = w + (n - w) / 2;
      m.warmup_high = HighestIn(s.values, 0, w);
      m.first_half_high = HighestIn(s.values, w, middle);
      m.second_half_high = HighestIn(s.values, middle, n);
      m.growth =
          static_cast<double>(m.second_half_high - m.warmup_high) / static_cast<double>(n - w);
      m.climbing = m.first_half_high > m.warmup_high && m.second_half_high > m.first_half_high;
      m.leaking = m.climbing && (!m.bytes || m.growth > static_cast<double>(max_growth));
    }
    analysis.metrics.push_back(std::move(m));
  }
  return analysis;
}

}  // namespace phptrun
