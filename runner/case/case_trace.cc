#include "runner/case/case_trace.h"

#include <algorithm>

#include "runner/result/wire.h"
#include "tracer/event_log.h"
#include "tracer/lifecycle_log.h"
#include "tracer/span_builder.h"

namespace phptrun {
namespace {

// The last phase called `name` in `phases`, or null.
Phase* LastPhase(std::vector<Phase>* phases, const std::string& name) {
  for (auto it = phases->rbegin(); it != phases->rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

}  // namespace

void AddRequestTrace(const RequestOutcome& out, const std::string& name, double run_start_ms,
                     bool keep_spans, CaseResult* result) {
  if (!phptrun_log_enabled()) return;
  std::vector<Span> local;
  std::vector<Span>* spans = keep_spans ? &result->spans : &local;
  Span request;
  request.name = name;
  request.kind = SpanKind::kRequest;
  request.start_us = (out.start_ms - run_start_ms) * 1000;
  request.dur_us = out.wall_ms * 1000;
  int32_t index = static_cast<int32_t>(spans->size());
  spans->push_back(std::move(request));

  EventLog log;
  if (out.lifecycle_log.empty() || !EventLog::Decode(out.lifecycle_log, &log)) return;
  size_t first = spans->size();
  AppendSpans(BuildSpans(log, run_start_ms, keep_spans ? SpanDetail::kFull : SpanDetail::kPhases),
              index, spans);

  // The request's memory: from its first phase to its last. A resident run
  // of mode=requests holds many requests: its JSON phases are left as the
  // engine gave them (its "resident" series has the memory per request).
  int requests = 0;
  for (size_t i = first; i < spans->size(); ++i) {
    const Span& s = (*spans)[i];
    if (s.parent == index && s.kind == SpanKind::kPhase && s.name == "RINIT") ++requests;
  }
  Span* first_phase = nullptr;
  Span* last_phase = nullptr;
  int64_t peak = -1;
  for (size_t i = first; i < spans->size(); ++i) {
    Span& s = (*spans)[i];
    if (s.parent != index || s.kind != SpanKind::kPhase) continue;
    if (!first_phase) first_phase = &s;
    last_phase = &s;
    peak = std::max(peak, s.heap_peak);
    const char* phase_name = s.name == "MINIT" ? "MINIT (restart for startup INI)" : s.name.c_str();
    if (name == "FILE" && requests <= 1) {
      if (Phase* p = LastPhase(&result->phases, phase_name)) {
        p->persistent_before = s.persistent_before;
        p->persistent_after = s.persistent_after;
      }
    }
  }
  Span& req = (*spans)[index];
  if (first_phase) {
    req.heap_before = first_phase->heap_before;
    req.persistent_before = first_phase->persistent_before;
    req.heap_after = last_phase->heap_after;
    req.persistent_after = last_phase->persistent_after;
    req.heap_peak = peak;
  }
  if (name != "FILE" && first_phase) {
    if (Phase* p = LastPhase(&result->phases, name)) {
      p->heap_before = req.heap_before;
      p->heap_after = req.heap_after;
      p->heap_peak = std::max<int64_t>(req.heap_peak, 0);
      p->persistent_before = req.persistent_before;
      p->persistent_after = req.persistent_after;
    }
  }
}

void AddRunnerPhase(CaseResult* result) {
  double other = 0;
  for (const Phase& p : result->phases) other += p.ms;
  Phase runner;
  runner.name = "runner";
  runner.ms = std::max(0.0, result->time_ms - other);
  result->phases.push_back(runner);
}

std::vector<Span> TakeEngineSpans(double run_start_ms) {
  if (!phptrun_log_enabled()) return {};
  std::vector<Span> spans = BuildSpans(EventLog::Capture(), run_start_ms);
  phptrun_log_clear();
  return spans;
}

}  // namespace phptrun
