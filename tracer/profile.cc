#include "tracer/profile.h"

#include <algorithm>

namespace phptrun {
namespace {

// Slower first; ties by name, so listings do not depend on arrival order.
bool Faster(const Profile::Slow& a, const Profile::Slow& b) {
  if (a.us != b.us) return a.us > b.us;
  if (a.what != b.what) return a.what < b.what;
  return a.where < b.where;
}

// The order phases run in, for listing them that way.
const std::vector<std::string>& PhaseOrder() {
  static const std::vector<std::string> order = {"MSHUTDOWN",   "SSHUTDOWN", "SINIT",   "MINIT",
                                                 "RINIT",       "compile",   "execute", "RSHUTDOWN",
                                                 "fork + exit", "runner"};
  return order;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

Profile::Profile(size_t top_n) : top_n_(top_n) {}

void Profile::Add(StatMap* map, const std::string& name, double us) {
  Stat& s = (*map)[name];
  if (s.name.empty()) s.name = name;
  ++s.count;
  s.total_us += us;
  s.max_us = std::max(s.max_us, us);
}

void Profile::Keep(std::vector<Slow>* top, Slow entry) const {
  if (top_n_ == 0) return;
  if (top->size() < top_n_) {
    top->push_back(std::move(entry));
    std::push_heap(top->begin(), top->end(), Faster);
  } else if (entry.us > top->front().us) {
    std::pop_heap(top->begin(), top->end(), Faster);
    top->back() = std::move(entry);
    std::push_heap(top->begin(), top->end(), Faster);
  }
}

std::vector<Profile::Slow> Profile::Sorted(std::vector<Slow> top) {
  std::sort(top.begin(), top.end(), Faster);
  return top;
}

void Profile::AddCase(const std::string& file, double time_ms, const std::vector<Span>& spans) {
  ++cases_;
  double case_us = time_ms * 1000;
  case_time_us_ += case_us;
  Keep(&slow_cases_, {file, "", case_us});
  if (spans.empty()) return;
  ++traced_cases_;
  traced_time_us_ += case_us;

  // Direct children's time per span, for the remainders.
  std::vector<double> child_us(spans.size(), 0);
  double requests_us = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    const Span& s = spans[i];
    if (s.parent >= 0 && static_cast<size_t>(s.parent) < spans.size()) {
      child_us[s.parent] += s.dur_us;
    } else if (s.kind == SpanKind::kRequest) {
      requests_us += s.dur_us;
    }
  }
  for (size_t i = 0; i < spans.size(); ++i) {
    const Span& s = spans[i];
    const Span* parent =
        s.parent >= 0 && static_cast<size_t>(s.parent) < spans.size() ? &spans[s.parent] : nullptr;
    switch (s.kind) {
      case SpanKind::kRequest:
        ++requests_;
        Add(&requests_by_kind_, s.name, s.dur_us);
        Add(&phases_, "fork + exit", std::max(0.0, s.dur_us - child_us[i]));
        break;
      case SpanKind::kPhase:
        Add(&phases_, s.name, s.dur_us);
        break;
      case SpanKind::kStep:
        if (parent && parent->kind == SpanKind::kPhase) {
          std::string key = parent->name + "/" + s.name;
          if (!steps_.count(key)) step_order_.push_back(key);
          Add(&steps_, key, s.dur_us);
        }
        break;
      case SpanKind::kExtension:
        Add(&hooks_, s.name, s.dur_us);
        break;
      case SpanKind::kCompile:
        Add(&hooks_, "compile", s.dur_us);
        Keep(&slow_compiles_, {s.name.substr(s.name.find(' ') + 1), file, s.dur_us});
        break;
    }
  }
  Add(&phases_, "runner", std::max(0.0, case_us - requests_us));
}

void Profile::AddWorker(const std::vector<Span>& spans) {
  for (const Span& s : spans) {
    const Span* parent =
        s.parent >= 0 && static_cast<size_t>(s.parent) < spans.size() ? &spans[s.parent] : nullptr;
    switch (s.kind) {
      case SpanKind::kPhase:
        Add(&worker_phases_, s.name, s.dur_us);
        break;
      case SpanKind::kStep:
        if (parent) {
          std::string key = parent->name + "/" + s.name;
          if (!worker_steps_.count(key)) worker_step_order_.push_back(key);
          Add(&worker_steps_, key, s.dur_us);
        }
        break;
      case SpanKind::kExtension:
        Add(&worker_hooks_, s.name, s.dur_us);
        break;
      default:
        break;
    }
  }
}

std::vector<Profile::Stat> Profile::ByMean(const StatMap& map, const std::string& prefix) {
  std::vector<Stat> out;
  for (const auto& [name, stat] : map) {
    if (StartsWith(name, prefix)) out.push_back(stat);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Stat& a, const Stat& b) { return a.mean_us() > b.mean_us(); });
  return out;
}

std::vector<Profile::Stat> Profile::InOrder(const StatMap& map,
                                            const std::vector<std::string>& order) const {
  std::vector<Stat> out;
  for (const std::string& name : order) {
    auto it = map.find(name);
    if (it != map.end()) out.push_back(it->second);
  }
  return out;
}

std::vector<Profile::Stat> Profile::RequestPhases() const { return InOrder(phases_, PhaseOrder()); }

std::vector<Profile::Stat> Profile::Requests() const {
  return InOrder(requests_by_kind_, {"SKIPIF", "FILE", "CLEAN"});
}

std::vector<Profile::Stat> Profile::Hooks(const std::string& prefix) const {
  return ByMean(hooks_, prefix);
}

std::vector<Profile::Stat> Profile::Steps(const std::string& phase) const {
  std::vector<Stat> out;
  for (const std::string& key : step_order_) {
    if (!StartsWith(key, phase + "/")) continue;
    Stat s = steps_.at(key);
    s.name = key.substr(phase.size() + 1);
    out.push_back(s);
  }
  return out;
}

std::vector<Profile::Stat> Profile::WorkerPhases() const {
  return InOrder(worker_phases_, {"SINIT", "MINIT", "MSHUTDOWN", "SSHUTDOWN"});
}

std::vector<Profile::Stat> Profile::WorkerHooks(const std::string& prefix) const {
  return ByMean(worker_hooks_, prefix);
}

std::vector<Profile::Stat> Profile::WorkerSteps(const std::string& phase) const {
  std::vector<Stat> out;
  for (const std::string& key : worker_step_order_) {
    if (!StartsWith(key, phase + "/")) continue;
    Stat s = worker_steps_.at(key);
    s.name = key.substr(phase.size() + 1);
    out.push_back(s);
  }
  return out;
}

}  // namespace phptrun
