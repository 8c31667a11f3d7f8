#include "tracer/span_builder.h"

#include <string>

namespace phptrun {
namespace {

// One observed instant: an event's time and the memory figures it carried.
struct Point {
  double us = 0;
  int64_t heap = -1;
  int64_t heap_peak = -1;
  int64_t persistent = -1;
};

const char* PhaseName(uint8_t what) {
  switch (what) {
    case PHPTRUN_PHASE_SINIT:
      return "SINIT";
    case PHPTRUN_PHASE_MINIT:
      return "MINIT";
    case PHPTRUN_PHASE_RINIT:
      return "RINIT";
    case PHPTRUN_PHASE_EXECUTE:
      return "execute";
    case PHPTRUN_PHASE_RSHUTDOWN:
      return "RSHUTDOWN";
    case PHPTRUN_PHASE_MSHUTDOWN:
      return "MSHUTDOWN";
    case PHPTRUN_PHASE_SSHUTDOWN:
      return "SSHUTDOWN";
  }
  return nullptr;
}

// The prefix of a hook span's name; the extension or file follows.
const char* HookPrefix(uint8_t what) {
  switch (what) {
    case PHPTRUN_HOOK_MINIT:
      return "MINIT ";
    case PHPTRUN_HOOK_RINIT:
      return "RINIT ";
    case PHPTRUN_HOOK_RSHUTDOWN:
      return "RSHUTDOWN ";
    case PHPTRUN_HOOK_POST_DEACTIVATE:
      return "post_deactivate ";
    case PHPTRUN_HOOK_MSHUTDOWN:
      return "MSHUTDOWN ";
    case PHPTRUN_HOOK_ZEXT_STARTUP:
      return "startup ";
    case PHPTRUN_HOOK_ZEXT_ACTIVATE:
      return "activate ";
    case PHPTRUN_HOOK_ZEXT_DEACTIVATE:
      return "deactivate ";
    case PHPTRUN_HOOK_ZEXT_SHUTDOWN:
      return "shutdown ";
    case PHPTRUN_HOOK_COMPILE:
      return "compile ";
  }
  return nullptr;
}

class Builder {
 public:
  Builder(const EventLog& log, double origin_ms, SpanDetail detail)
      : log_(log), origin_us_(origin_ms * 1000), phases_only_(detail == SpanDetail::kPhases) {}

  std::vector<Span> Build() {
    Point last;
    for (const phptrun_event& e : log_.events) {
      Point at = PointOf(e);
      last = at;
      switch (e.type) {
        case PHPTRUN_EVENT_BEGIN:
          if (PhaseName(e.what)) {
            BeginPhase(e.what, at);
          } else if (HookPrefix(e.what)) {
            BeginHook(e, at);
          }
          break;
        case PHPTRUN_EVENT_END:
          if (PhaseName(e.what)) {
            EndPhase(e.what, at);
          } else if (HookPrefix(e.what)) {
            EndHook(e, at);
          }
          break;
        case PHPTRUN_EVENT_MARK:
          Mark(e.what, at);
          break;
      }
    }
    // A log cut short (events dropped, or taken mid-phase): close what is open.
    if (phase_.open) {
      for (const Open& o : stack_) spans_[o.span].flags |= kSpanInferred;
      EndPhase(phase_.what, last);
    }
    while (!stack_.empty()) {
      spans_[stack_.back().span].flags |= kSpanInferred;
      Close(stack_.back().span, last);
    }
    return std::move(spans_);
  }

 private:
  struct Open {
    int span;
    uint8_t what;  // the hook's event kind, 0 for phases and steps
  };

  // What the phase in progress has seen so far.
  struct PhaseState {
    bool open = false;
    uint8_t what = 0;
    int span = -1;  // the phase span (for EXECUTE: compile, then execute)
    Point begin;
    int segment = -1;      // the step currently open at phase level
    bool pending = false;  // a step starts at pending_at unless a hook of the same kind follows
    const char* pending_name = nullptr;
    Point pending_at;
    // EXECUTE
    bool first_compile_done = false;
    // RSHUTDOWN
    bool early_resolved = false;  // shutdown_functions/destructors/output_flush are cut
    uint8_t output = 0;           // the OUTPUT_* mark seen at the end of shutdown functions
    int post_group = -1;          // the post_deactivate group while it is open
    bool post_group_ended = false;
    Point post_group_end;  // where its last hook ended
  };

  Point PointOf(const phptrun_event& e) const {
    Point p;
    p.us = static_cast<double>(e.time_ns) / 1000.0 - origin_us_;
    p.heap = e.heap;
    p.heap_peak = e.heap_peak;
    p.persistent = e.persistent;
    return p;
  }

  int Parent() const { return stack_.empty() ? -1 : stack_.back().span; }

  int OpenSpan(std::string name, SpanKind kind, const Point& at, uint8_t what = 0) {
    Span s;
    s.name = std::move(name);
    s.kind = kind;
    s.parent = Parent();
    s.start_us = at.us;
    s.heap_before = at.heap;
    s.persistent_before = at.persistent;
    spans_.push_back(std::move(s));
    int index = static_cast<int>(spans_.size()) - 1;
    stack_.push_back({index, what});
    return index;
  }

  // Closes `index` and everything opened after it that is still open.
  void Close(int index, const Point& at) {
    while (!stack_.empty()) {
      int top = stack_.back().span;
      Span& s = spans_[top];
      s.dur_us = at.us > s.start_us ? at.us - s.start_us : 0;
      s.heap_after = at.heap;
      s.persistent_after = at.persistent;
      stack_.pop_back();
      if (top == index) break;
    }
  }

  bool IsOpen(int index) const {
    for (const Open& o : stack_) {
      if (o.span == index) return true;
    }
    return false;
  }

  // True when nothing but the phase and its current step is open: events
  // at this level move the phase from step to step.
  bool AtPhaseLevel() const {
    if (!phase_.open || stack_.empty()) return false;
    int top = stack_.back().span;
    return top == phase_.span || top == phase_.segment || top == phase_.post_group;
  }

  // ---- steps --------------------------------------------------------------

  void CloseSegment(const Point& at) {
    if (phase_.segment >= 0 && IsOpen(phase_.segment)) Close(phase_.segment, at);
    phase_.segment = -1;
  }

  int OpenSegment(const char* name, const Point& at, uint32_t flags = 0) {
    CloseSegment(at);
    if (phases_only_) return -1;
    phase_.segment = OpenSpan(name, SpanKind::kStep, at);
    spans_[phase_.segment].flags |= flags;
    return phase_.segment;
  }

  void ZeroSegment(const char* name, const Point& at, uint32_t flags) {
    int index = OpenSegment(name, at, flags);
    if (index < 0) return;
    Close(index, at);
    phase_.segment = -1;
  }

  void SetPending(const char* name, const Point& at) {
    phase_.pending = true;
    phase_.pending_name = name;
    phase_.pending_at = at;
  }

  // The pending step becomes an open step that began when it was set.
  void MaterializePending() {
    if (!phase_.pending) return;
    phase_.pending = false;
    OpenSegment(phase_.pending_name, phase_.pending_at);
  }

  const char* SegmentName() const {
    return phase_.segment >= 0 ? spans_[phase_.segment].name.c_str() : "";
  }

  // ---- phases ---------------------------------------------------------------

  void BeginPhase(uint8_t what, const Point& at) {
    if (phase_.open) EndPhase(phase_.what, at);
    phase_ = PhaseState();
    phase_.open = true;
    phase_.what = what;
    phase_.begin = at;
    const char* name = what == PHPTRUN_PHASE_EXECUTE ? "compile" : PhaseName(what);
    phase_.span = OpenSpan(name, SpanKind::kPhase, at);
    switch (what) {
      case PHPTRUN_PHASE_MINIT:
        OpenSegment("zend_startup", at);
        break;
      case PHPTRUN_PHASE_RINIT:
        OpenSegment("sapi_activate", at);
        break;
      case PHPTRUN_PHASE_RSHUTDOWN:
        OpenSegment("shutdown_functions", at);
        break;
      case PHPTRUN_PHASE_EXECUTE:
        OpenSegment("script_setup", at);
        break;
      default:
        break;
    }
  }

  void EndPhase(uint8_t what, const Point& at) {
    if (!phase_.open || what != phase_.what) return;
    switch (what) {
      case PHPTRUN_PHASE_MINIT:
      case PHPTRUN_PHASE_MSHUTDOWN:
        if (phase_.pending && AtPhaseLevel()) {
          MaterializePending();
        }
        break;
      case PHPTRUN_PHASE_RSHUTDOWN:
        if (AtPhaseLevel()) {
          ResolveEarlySteps(at);
          if (phase_.pending) MaterializePending();
        }
        break;
      case PHPTRUN_PHASE_EXECUTE:
        if (!phase_.first_compile_done) {
          // Nothing was compiled (the script could not be opened): the
          // compile phase is its script_setup step and execute is empty.
          Span& compile = spans_[phase_.span];
          Close(phase_.span, at);
          compile.heap_peak = at.heap_peak;
          phase_.segment = -1;
          phase_.span = OpenSpan("execute", SpanKind::kPhase, at);
        }
        break;
      default:
        break;
    }
    int span = phase_.span;
    if (IsOpen(span)) Close(span, at);
    spans_[span].heap_peak = at.heap_peak;
    phase_ = PhaseState();
  }

  // ---- hooks ----------------------------------------------------------------

  void BeginHook(const phptrun_event& e, const Point& at) {
    uint8_t what = e.what;
    if (AtPhaseLevel()) {
      switch (phase_.what) {
        case PHPTRUN_PHASE_MINIT:
          if (what == PHPTRUN_HOOK_MINIT || what == PHPTRUN_HOOK_ZEXT_STARTUP) {
            phase_.pending = false;
            CloseSegment(at);
          }
          break;
        case PHPTRUN_PHASE_MSHUTDOWN:
          if (what == PHPTRUN_HOOK_MSHUTDOWN || what == PHPTRUN_HOOK_ZEXT_SHUTDOWN) {
            phase_.pending = false;
            CloseSegment(at);
          }
          break;
        case PHPTRUN_PHASE_RINIT:
          if (what == PHPTRUN_HOOK_RINIT) CloseSegment(at);
          break;
        case PHPTRUN_PHASE_RSHUTDOWN:
          BeginShutdownHook(what, at);
          break;
        case PHPTRUN_PHASE_EXECUTE:
          // The script is set up; the first compile starts.
          if (what == PHPTRUN_HOOK_COMPILE && !phase_.first_compile_done) CloseSegment(at);
          break;
        default:
          break;
      }
    }
    if (phases_only_ && what != PHPTRUN_HOOK_COMPILE) return;
    std::string name = HookPrefix(what);
    std::string_view target = log_.Name(e.name);
    name.append(target.empty() ? "?" : target);
    OpenSpan(std::move(name),
             what == PHPTRUN_HOOK_COMPILE ? SpanKind::kCompile : SpanKind::kExtension, at, what);
  }

  void BeginShutdownHook(uint8_t what, const Point& at) {
    switch (what) {
      case PHPTRUN_HOOK_RSHUTDOWN:
        ResolveEarlySteps(at);
        phase_.pending = false;
        CloseSegment(at);
        break;
      case PHPTRUN_HOOK_ZEXT_DEACTIVATE:
        EnsureZendDeactivate(at);
        break;
      case PHPTRUN_HOOK_POST_DEACTIVATE:
        if (phase_.post_group < 0 && !phases_only_) {
          EnsureZendDeactivate(at);
          CloseSegment(at);
          phase_.post_group = OpenSpan("post_deactivate", SpanKind::kStep, at);
        }
        break;
      default:
        break;
    }
  }

  void EndHook(const phptrun_event& e, const Point& at) {
    // The matching hook: the innermost open one of the same kind.
    int match = -1;
    for (size_t i = stack_.size(); i-- > 0;) {
      if (stack_[i].what == e.what) {
        match = stack_[i].span;
        break;
      }
    }
    if (match < 0) return;
    if (e.flags & PHPTRUN_EVENT_BAILOUT) spans_[match].flags |= kSpanBailout;
    if (e.what == PHPTRUN_HOOK_COMPILE && e.name != 0) {
      // The file's resolved path, known once it was opened.
      std::string_view target = log_.Name(e.name);
      if (!target.empty()) spans_[match].name = std::string(HookPrefix(e.what)).append(target);
    }
    Close(match, at);
    if (!AtPhaseLevel()) return;
    switch (phase_.what) {
      case PHPTRUN_PHASE_MINIT:
        if (e.what == PHPTRUN_HOOK_MINIT || e.what == PHPTRUN_HOOK_ZEXT_STARTUP) {
          SetPending("post_startup", at);
        }
        break;
      case PHPTRUN_PHASE_MSHUTDOWN:
        if (e.what == PHPTRUN_HOOK_MSHUTDOWN || e.what == PHPTRUN_HOOK_ZEXT_SHUTDOWN) {
          SetPending("engine_shutdown", at);
        }
        break;
      case PHPTRUN_PHASE_RSHUTDOWN:
        if (e.what == PHPTRUN_HOOK_RSHUTDOWN) SetPending("zend_deactivate", at);
        if (e.what == PHPTRUN_HOOK_POST_DEACTIVATE) {
          phase_.post_group_ended = true;
          phase_.post_group_end = at;
        }
        break;
      case PHPTRUN_PHASE_EXECUTE:
        if (e.what == PHPTRUN_HOOK_COMPILE && !phase_.first_compile_done &&
            spans_[match].parent == phase_.span) {
          CloseSegment(at);
          // The first file compiled ends the compile phase; execute follows.
          phase_.first_compile_done = true;
          spans_[phase_.span].heap_peak = at.heap_peak;
          Close(phase_.span, at);
          phase_.span = OpenSpan("execute", SpanKind::kPhase, at);
        }
        break;
      default:
        break;
    }
  }

  // ---- request shutdown -------------------------------------------------------

  // Cuts shutdown_functions, destructors and output_flush at `at`, where the
  // first hook after them (an extension's RSHUTDOWN, usually) begins.
  void ResolveEarlySteps(const Point& at) {
    if (phase_.early_resolved) return;
    phase_.early_resolved = true;
    std::string current = SegmentName();
    if (current == "shutdown_functions") {
      // The marker placed after the last shutdown function never ran (exit()
      // or a fatal error in one): where the others begin is unknown.
      spans_[phase_.segment].flags |= kSpanInferred;
      CloseSegment(at);
      ZeroSegment("destructors", at, kSpanInferred);
      ZeroSegment("output_flush", at, kSpanInferred);
    } else if (current == "destructors") {
      uint32_t flush_flags =
          phase_.output == PHPTRUN_MARK_OUTPUT_NONE ? 0u : uint32_t{kSpanInferred};
      if (phase_.output == PHPTRUN_MARK_OUTPUT_UNOBSERVABLE || phase_.output == 0) {
        spans_[phase_.segment].flags |= kSpanInferred;
      }
      CloseSegment(at);
      ZeroSegment("output_flush", at, flush_flags);
    } else {
      CloseSegment(at);
    }
  }

  // Makes sure zend_deactivate is the open step: it began where the last
  // RSHUTDOWN hook ended (or now, if none was seen).
  void EnsureZendDeactivate(const Point& at) {
    ResolveEarlySteps(at);
    if (phase_.pending) {
      MaterializePending();
    } else if (phase_.segment < 0 && phase_.post_group < 0) {
      OpenSegment("zend_deactivate", at, kSpanInferred);
    }
  }

  // ---- marks --------------------------------------------------------------------

  void Mark(uint8_t what, const Point& at) {
    if (!phase_.open) return;
    switch (phase_.what) {
      case PHPTRUN_PHASE_MINIT:
        if (!AtPhaseLevel()) return;
        if (what == PHPTRUN_MARK_INI) OpenSegment("INI", at);
        if (what == PHPTRUN_MARK_REGISTER_BEGIN) OpenSegment("register_modules", at);
        if (what == PHPTRUN_MARK_REGISTER_END) OpenSegment("load_extensions", at);
        break;
      case PHPTRUN_PHASE_RINIT:
        if (what == PHPTRUN_MARK_SAPI_ACTIVATED && AtPhaseLevel() &&
            std::string(SegmentName()) == "sapi_activate") {
          OpenSegment("superglobals", at);
        }
        break;
      case PHPTRUN_PHASE_RSHUTDOWN:
        ShutdownMark(what, at);
        break;
      default:
        break;
    }
  }

  void ShutdownMark(uint8_t what, const Point& at) {
    switch (what) {
      case PHPTRUN_MARK_SHUTDOWN_FUNCTIONS_DONE:
        if (AtPhaseLevel() && std::string(SegmentName()) == "shutdown_functions") {
          OpenSegment("destructors", at);
        }
        break;
      case PHPTRUN_MARK_OUTPUT_NONE:
      case PHPTRUN_MARK_OUTPUT_ARMED:
      case PHPTRUN_MARK_OUTPUT_UNOBSERVABLE:
        phase_.output = what;
        break;
      case PHPTRUN_MARK_OUTPUT_FLUSH_BEGIN:
        if (AtPhaseLevel() && std::string(SegmentName()) == "destructors") {
          OpenSegment("output_flush", at);
        }
        break;
      case PHPTRUN_MARK_SAPI_DEACTIVATE_BEGIN:
        if (!AtPhaseLevel()) return;
        if (phase_.post_group >= 0) {
          Point end = phase_.post_group_ended ? phase_.post_group_end : at;
          Close(phase_.post_group, end);
          phase_.post_group = -1;
          OpenSegment("sapi_deactivate", end);
        } else {
          EnsureZendDeactivate(at);
          OpenSegment("sapi_deactivate", at);
        }
        break;
      case PHPTRUN_MARK_SAPI_DEACTIVATE_END:
        if (AtPhaseLevel() && std::string(SegmentName()) == "sapi_deactivate") {
          OpenSegment("memory_shutdown", at);
        }
        break;
      default:
        break;
    }
  }

  const EventLog& log_;
  double origin_us_;
  bool phases_only_;
  std::vector<Span> spans_;
  std::vector<Open> stack_;
  PhaseState phase_;
};

}  // namespace

std::vector<Span> BuildSpans(const EventLog& log, double origin_ms, SpanDetail detail) {
  return Builder(log, origin_ms, detail).Build();
}

}  // namespace phptrun
