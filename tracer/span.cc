#include "tracer/span.h"

namespace phptrun {

const char* SpanKindName(SpanKind kind) {
  switch (kind) {
    case SpanKind::kRequest: return "request";
    case SpanKind::kPhase: return "phase";
    case SpanKind::kStep: return "step";
    case SpanKind::kExtension: return "extension";
    case SpanKind::kCompile: return "compile";
  }
  return "span";
}

void AppendSpans(const std::vector<Span>& spans, int32_t parent, std::vector<Span>* out) {
  int32_t base = static_cast<int32_t>(out->size());
  for (const Span& s : spans) {
    out->push_back(s);
    Span& copy = out->back();
    copy.parent = s.parent < 0 ? parent : s.parent + base;
  }
}

}  // namespace phptrun
