#include "tracer/span.h"

namespace phptrun {

const char* SpanKindName(SpanKind kind) {
  switch (kind) {
    case SpanKind::kRequest:
      return "request";
    case SpanKind::kPhase:
      return "phase";
    case SpanKind::kStep:
      return "step";
    case SpanKind::kExtension:
      return "extension";
    case SpanKind::kCompile:
      return "compile";
  }
  return "span";
}

void AppendSpans(std::vector<Span>&& spans, int32_t parent, std::vector<Span>* out) {
  int32_t base = static_cast<int32_t>(out->size());
  out->reserve(out->size() + spans.size());
  for (Span& s : spans) {
    s.parent = s.parent < 0 ? parent : s.parent + base;
    out->push_back(std::move(s));
  }
}

}  // namespace phptrun
