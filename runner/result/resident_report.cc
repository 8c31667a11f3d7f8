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
      {"pcre_cache", false, PHPTRUN_PCRE_CACHE_LIMIT},
  };
  static_assert(PHPTRUN_METRIC_COUNT == 10, "ResidentMetrics() follows phptrun_resident_metric");
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
  for (const RetainedPath& p : r.retainers) {
    if (!p.leaking) continue;
    out += "  retained by " + p.path + ": items " + FormatGrowth(p.items_growth, false) +
           " per iteration, " + FormatGrowth(p.bytes_growth, true) +
           " per iteration; items at the checkpoints";
    for (size_t j = 0; j < p.items.size() && j < r.checkpoints.size(); ++j) {
      out +=
          (j ? ", " : " ") + std::to_string(p.items[j]) + " @" + std::to_string(r.checkpoints[j]);
    }
    out += "\n";
  }
  if (r.extended_from > 0) {
    out += "extended from " + std::to_string(r.extended_from) + " to " +
           std::to_string(r.iterations) + " iterations: " + r.extended_because + "\n";
  }
  if (!r.decision.empty()) out += "decision: " + r.decision + "\n";
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
  w->F64(r.snapshot_ms);
  w->U32(static_cast<uint32_t>(r.checkpoints.size()));
  for (int c : r.checkpoints) w->U32(static_cast<uint32_t>(c));
  w->U32(static_cast<uint32_t>(r.retainers.size()));
  for (const RetainedPath& p : r.retainers) {
    w->Str(p.path);
    w->U32(static_cast<uint32_t>(p.items.size()));
    for (size_t j = 0; j < p.items.size(); ++j) {
      w->I64(p.items[j]);
      w->I64(j < p.bytes.size() ? p.bytes[j] : 0);
    }
    w->Str(p.trend);
    w->F64(p.items_growth);
    w->F64(p.bytes_growth);
    w->U32(static_cast<uint32_t>(p.last_rise));
    w->U32(p.leaking ? 1 : 0);
  }
  w->U32(r.snapshots_truncated ? 1 : 0);
  w->Str(r.decision);
  w->U32(static_cast<uint32_t>(r.extended_from));
  w->Str(r.extended_because);
  w->I64(r.own_bytes);
  w->U32(static_cast<uint32_t>(r.fresh_checked.size()));
  for (int k : r.fresh_checked) w->U32(static_cast<uint32_t>(k));
  w->U32(static_cast<uint32_t>(r.fresh_differs));
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
  r->F64(&out->snapshot_ms);
  r->U32(&n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) {
    uint32_t c = 0;
    r->U32(&c);
    out->checkpoints.push_back(static_cast<int>(c));
  }
  r->U32(&n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) {
    RetainedPath p;
    uint32_t count = 0, last_rise = 0, leaking = 0;
    r->Str(&p.path);
    r->U32(&count);
    for (uint32_t j = 0; j < count && r->ok(); ++j) {
      int64_t items = 0, bytes = 0;
      r->I64(&items);
      r->I64(&bytes);
      p.items.push_back(items);
      p.bytes.push_back(bytes);
    }
    r->Str(&p.trend);
    r->F64(&p.items_growth);
    r->F64(&p.bytes_growth);
    r->U32(&last_rise);
    r->U32(&leaking);
    p.last_rise = static_cast<int>(last_rise);
    p.leaking = leaking != 0;
    out->retainers.push_back(std::move(p));
  }
  uint32_t truncated = 0, extended_from = 0;
  r->U32(&truncated);
  out->snapshots_truncated = truncated != 0;
  r->Str(&out->decision);
  r->U32(&extended_from);
  out->extended_from = static_cast<int>(extended_from);
  r->Str(&out->extended_because);
  r->I64(&out->own_bytes);
  r->U32(&n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) {
    uint32_t k = 0;
    r->U32(&k);
    out->fresh_checked.push_back(static_cast<int>(k));
  }
  uint32_t differs = 0;
  r->U32(&differs);
  out->fresh_differs = static_cast<int>(differs);
  return r->ok();
}

}  // namespace phptrun
