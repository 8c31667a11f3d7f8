#include "runner/result/resident_report.h"

#include <cstdio>

#include "runner/sapi/resident.h"
#include "runner/result/wire.h"
#include "tracer/leak_analysis.h"

namespace phptrun {

const std::vector<ResidentMetricInfo>& ResidentMetrics() {
  static const std::vector<ResidentMetricInfo> metrics = {
      {"heap", true},       {"persistent", true}, {"classes", false},
      {"functions", false}, {"constants", false}, {"objects", false},
      {"gc_roots", false},  {"resources", false}, {"interned_strings", false},
  };
  static_assert(PHPTRUN_METRIC_COUNT == 9, "ResidentMetrics() follows phptrun_resident_metric");
  return metrics;
}

std::string ResidentDetails(const ResidentReport& r) {
  if (!r.present) return "";
  std::string out = "resident " + r.mode + ": " + std::to_string(r.completed) + " of " +
                    std::to_string(r.iterations) + " iterations, warm-up " +
                    std::to_string(r.warmup) + ", max_growth " + std::to_string(r.max_growth) +
                    " B\n";
  for (const std::string& metric : r.leaking) {
    for (const auto& [name, values] : r.series) {
      if (name != metric || values.empty() || r.warmup < 1 ||
          static_cast<size_t>(r.warmup) > values.size()) {
        continue;
      }
      double growth = 0;
      for (const auto& [growth_name, g] : r.growth) {
        if (growth_name == name) growth = g;
      }
      bool bytes = false;
      for (const ResidentMetricInfo& m : ResidentMetrics()) {
        if (name == m.name) bytes = m.bytes;
      }
      out += "  " + name + " grows " + FormatGrowth(growth, bytes) +
             " per iteration: " + std::to_string(values[static_cast<size_t>(r.warmup) - 1]) +
             " after warm-up (iteration " + std::to_string(r.warmup) + "), " +
             std::to_string(values.back()) + " at iteration " + std::to_string(values.size()) +
             "\n";
    }
  }
  if (!r.sites.empty()) {
    out += "retained after warm-up: " + HumanBytes(static_cast<double>(r.retained_bytes)) + " in " +
           std::to_string(r.retained_blocks) + " blocks, allocated at:\n";
    for (const LeakSite& s : r.sites) {
      out += "  " + HumanBytes(static_cast<double>(s.bytes)) + " in " + std::to_string(s.count) +
             (s.count == 1 ? " block" : " blocks") + "  " + s.function;
      if (!s.file.empty()) out += "  " + s.file + (s.line > 0 ? ":" + std::to_string(s.line) : "");
      out += "\n";
    }
  }
  if (!r.attribution.empty()) out += "attribution: " + r.attribution + "\n";
  return out;
}

void EncodeResidentReport(const ResidentReport& r, WireWriter* w) {
  w->U32(r.present ? 1 : 0);
  if (!r.present) return;
  w->Str(r.mode);
  w->U32(static_cast<uint32_t>(r.iterations));
  w->U32(static_cast<uint32_t>(r.completed));
  w->U32(static_cast<uint32_t>(r.warmup));
  w->I64(r.max_growth);
  w->U32(static_cast<uint32_t>(r.series.size()));
  for (const auto& [name, values] : r.series) {
    w->Str(name);
    w->U32(static_cast<uint32_t>(values.size()));
    for (int64_t v : values) w->I64(v);
  }
  w->U32(static_cast<uint32_t>(r.growth.size()));
  for (const auto& [name, g] : r.growth) {
    w->Str(name);
    w->F64(g);
  }
  w->U32(static_cast<uint32_t>(r.leaking.size()));
  for (const std::string& name : r.leaking) w->Str(name);
  w->U32(static_cast<uint32_t>(r.sites.size()));
  for (const LeakSite& s : r.sites) {
    w->Str(s.file);
    w->I64(s.line);
    w->Str(s.function);
    w->I64(s.bytes);
    w->I64(s.count);
  }
  w->I64(r.retained_bytes);
  w->I64(r.retained_blocks);
  w->Str(r.attribution);
  w->F64(r.iterations_per_s);
  w->F64(r.loop_ms);
  w->F64(r.sampling_ms);
}

bool DecodeResidentReport(WireReader* r, ResidentReport* out) {
  *out = ResidentReport();
  uint32_t present = 0;
  if (!r->U32(&present)) return false;
  if (!present) return true;
  out->present = true;
  uint32_t iterations = 0, completed = 0, warmup = 0, n = 0;
  r->Str(&out->mode);
  r->U32(&iterations);
  r->U32(&completed);
  r->U32(&warmup);
  r->I64(&out->max_growth);
  out->iterations = static_cast<int>(iterations);
  out->completed = static_cast<int>(completed);
  out->warmup = static_cast<int>(warmup);
  // Counts are checked against what is left as they are read, so a corrupt
  // count ends the loop at the first failed read.
  r->U32(&n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) {
    std::string name;
    uint32_t count = 0;
    r->Str(&name);
    r->U32(&count);
    std::vector<int64_t> values;
    for (uint32_t j = 0; j < count && r->ok(); ++j) {
      int64_t v = 0;
      r->I64(&v);
      values.push_back(v);
    }
    out->series.emplace_back(std::move(name), std::move(values));
  }
  r->U32(&n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) {
    std::string name;
    double g = 0;
    r->Str(&name);
    r->F64(&g);
    out->growth.emplace_back(std::move(name), g);
  }
  r->U32(&n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) {
    std::string name;
    r->Str(&name);
    out->leaking.push_back(std::move(name));
  }
  r->U32(&n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) {
    LeakSite s;
    r->Str(&s.file);
    r->I64(&s.line);
    r->Str(&s.function);
    r->I64(&s.bytes);
    r->I64(&s.count);
    out->sites.push_back(std::move(s));
  }
  r->I64(&out->retained_bytes);
  r->I64(&out->retained_blocks);
  r->Str(&out->attribution);
  r->F64(&out->iterations_per_s);
  r->F64(&out->loop_ms);
  r->F64(&out->sampling_ms);
  return r->ok();
}

}  // namespace phptrun
