#include "reports/trace_reporter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "reports/text_escape.h"

namespace phptrun {
namespace {

// A JSON string literal: valid UTF-8 (invalid bytes become visible "\xNN"
// text), quotes, backslashes and control characters escaped.
std::string Quote(const std::string& raw) {
  std::string text = EscapeReportText(raw, TextSink::kJson);
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// Whole microseconds, rounded half away from zero; 0 for NaN and infinities.
long long WholeMicros(double us) {
  if (!std::isfinite(us) || std::fabs(us) > 9e15) return 0;
  return std::llround(us);
}

void AddArg(std::string* args, const char* key, const std::string& json_value) {
  *args += args->empty() ? "{" : ",";
  *args += '"';
  *args += key;
  *args += "\":";
  *args += json_value;
}

void AddBytes(std::string* args, const char* key, int64_t value) {
  if (value >= 0) AddArg(args, key, std::to_string(value));
}

void AddDelta(std::string* args, const char* key, int64_t before, int64_t after) {
  if (before >= 0 && after >= 0 && after != before)
    AddArg(args, key, std::to_string(after - before));
}

std::string Event(const std::string& name, const char* cat, long long ts, long long dur, int pid,
                  const std::string& args) {
  std::string e = "{\"name\":" + Quote(name) + ",\"cat\":\"" + cat +
                  "\",\"ph\":\"X\",\"ts\":" + std::to_string(ts) + ",\"dur\":" + std::to_string(dur) +
                  ",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(pid);
  if (!args.empty()) e += ",\"args\":" + args;
  e += "}";
  return e;
}

std::string SpanArgs(const Span& s) {
  std::string args;
  if (s.kind == SpanKind::kPhase || s.kind == SpanKind::kRequest) {
    AddBytes(&args, "heap_before", s.heap_before);
    AddBytes(&args, "heap_after", s.heap_after);
    AddBytes(&args, "heap_peak", s.heap_peak);
    AddBytes(&args, "persistent_before", s.persistent_before);
    AddBytes(&args, "persistent_after", s.persistent_after);
  } else {
    AddDelta(&args, "heap_delta", s.heap_before, s.heap_after);
    AddDelta(&args, "persistent_delta", s.persistent_before, s.persistent_after);
  }
  if (s.flags & kSpanInferred) AddArg(&args, "inferred", "true");
  if (s.flags & kSpanBailout) AddArg(&args, "bailout", "true");
  if (!args.empty()) args += "}";
  return args;
}

}  // namespace

TraceReporter::TraceReporter(std::string path) : path_(std::move(path)) {}

TraceReporter::TraceReporter(std::ostream* out) : stream_(out) {}

void TraceReporter::Emit(const std::string& text) {
  std::string line = (first_event_ ? "\n" : ",\n") + text;
  first_event_ = false;
  if (stream_) {
    *stream_ << line;
  } else if (file_ && file_->ok()) {
    file_->stream() << line;
  }
}

void TraceReporter::RunStarting(const RunInfo& info) {
  info_ = info;
  if (!stream_) {
    file_ = std::make_unique<AtomicFile>(path_);
    if (!file_->ok()) return;
  }
  std::ostream& out = stream_ ? *stream_ : file_->stream();
  out << "{\"traceEvents\":[";
}

void TraceReporter::NameWorker(int worker) {
  if (!named_workers_.insert(worker).second) return;
  std::string pid = std::to_string(worker);
  Emit("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":" + pid + ",\"tid\":" + pid +
       ",\"args\":{\"name\":\"worker " + pid + "\"}}");
  Emit("{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":" + pid + ",\"tid\":" + pid +
       ",\"args\":{\"sort_index\":" + pid + "}}");
  Emit("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" + pid + ",\"tid\":" + pid +
       ",\"args\":{\"name\":\"engine\"}}");
}

void TraceReporter::EmitSpans(const std::vector<Span>& spans, int worker, const long long* outer) {
  // Integer edges, parents before children (span.h), so a parent's edges
  // are final when its children are clamped into them.
  std::vector<long long> start(spans.size()), end(spans.size());
  std::map<int32_t, long long> sibling_end;  // parent index (-1: top) -> last child's end
  for (size_t i = 0; i < spans.size(); ++i) {
    const Span& s = spans[i];
    long long lo = WholeMicros(s.start_us), hi = WholeMicros(s.end_us());
    bool has_parent = s.parent >= 0 && static_cast<size_t>(s.parent) < i;
    int32_t parent = has_parent ? s.parent : -1;
    if (has_parent || outer) {
      long long first = has_parent ? start[parent] : outer[0];
      long long last = has_parent ? end[parent] : outer[1];
      lo = std::min(std::max(lo, first), last);
      hi = std::min(hi, last);
    }
    auto prev = sibling_end.find(parent);
    if (prev != sibling_end.end() && lo < prev->second) lo = prev->second;
    if (hi < lo) hi = lo;
    start[i] = lo;
    end[i] = hi;
    sibling_end[parent] = hi;
    Emit(Event(s.name, SpanKindName(s.kind), lo, hi - lo, worker, SpanArgs(s)));
  }
}

void TraceReporter::CaseFinished(const CaseResult& result) {
  // Results the supervisor made up for a worker that died have no timing.
  if (result.start_ms <= 0 && result.time_ms <= 0) return;
  NameWorker(result.worker);
  std::string args;
  AddArg(&args, "test", Quote(result.name));
  AddArg(&args, "verdict", Quote(VerdictName(result.verdict)));
  if (!result.reason.empty()) AddArg(&args, "reason", Quote(result.reason));
  args += "}";
  long long bounds[2] = {WholeMicros(result.start_ms * 1000),
                         WholeMicros((result.start_ms + result.time_ms) * 1000)};
  Emit(Event(result.file, "case", bounds[0], bounds[1] - bounds[0], result.worker, args));
  EmitSpans(result.spans, result.worker, bounds);
}

void TraceReporter::WorkerSpans(int worker, const std::vector<Span>& spans) {
  NameWorker(worker);
  EmitSpans(spans, worker, nullptr);
}

bool TraceReporter::RunFinished(const RunEnd& end, std::string* err) {
  if (!stream_ && (!file_ || !file_->ok())) {
    if (err) *err = file_ ? file_->error() : path_ + ": not written";
    return false;
  }
  std::string tail = "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"phptrun\":" +
                     Quote(info_.phptrun_version) + ",\"php\":" + Quote(info_.php_version) +
                     ",\"started\":" + Quote(info_.started) +
                     ",\"interrupted\":" + (end.interrupted ? "true" : "false") + "}}\n";
  if (stream_) {
    *stream_ << tail;
    stream_->flush();
    return true;
  }
  file_->stream() << tail;
  return file_->Commit(err);
}

}  // namespace phptrun
