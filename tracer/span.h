// Spans: where the time and memory of PHP's lifecycle went, as a tree.
//
// A span is one timed piece of work: a phase of the engine ("RINIT"), one
// extension's hook in it ("RINIT date"), a step the engine does not announce
// but that we see the edges of ("destructors"), the compile of one file
// ("compile /abs/t.php"), a whole request ("SKIPIF", "FILE", "CLEAN").
// Spans travel in flat vectors, each naming its parent by index; a parent
// always comes before its children, and a child's time lies within its
// parent's. Times are microseconds from the start of the run, on the
// CLOCK_MONOTONIC clock every process of a run shares.
//
//   for (const Span& s : result.spans)
//     if (s.kind == SpanKind::kExtension) ...   // s.name == "RINIT date"
//
// Names (also docs/tracing.md):
//   phases      SINIT MINIT RINIT compile execute RSHUTDOWN MSHUTDOWN SSHUTDOWN
//   requests    SKIPIF FILE CLEAN (children: the phases of that request)
//   extensions  "MINIT x" "RINIT x" "RSHUTDOWN x" "post_deactivate x" "MSHUTDOWN x",
//               and for Zend extensions "startup x" "activate x" "deactivate x" "shutdown x"
//   steps       MINIT: zend_startup INI register_modules load_extensions post_startup
//               RINIT: sapi_activate superglobals
//               compile: script_setup
//               RSHUTDOWN: shutdown_functions destructors output_flush zend_deactivate
//                          post_deactivate sapi_deactivate memory_shutdown
//               MSHUTDOWN: engine_shutdown
//   compiles    "compile <file>"
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace phptrun {

enum class SpanKind : uint8_t {
  kRequest = 1,    // one request in a case process: SKIPIF, FILE, CLEAN
  kPhase = 2,      // SINIT MINIT RINIT compile execute RSHUTDOWN MSHUTDOWN SSHUTDOWN
  kStep = 3,       // a step inside a phase, bounded by observed edges
  kExtension = 4,  // an extension's (or Zend extension's) hook
  kCompile = 5,    // compiling one file
};

// "request", "phase", ... (the trace's "cat").
const char* SpanKindName(SpanKind kind);

enum SpanFlags : uint32_t {
  // An edge of this span was not observed but inferred from its neighbours
  // (docs/tracing.md says which and when); its duration may include
  // neighbouring work.
  kSpanInferred = 1u << 0,
  // The hook was left by a zend_bailout (fatal error, exit()).
  kSpanBailout = 1u << 1,
};

// Memory figures are -1 when not measured.
struct Span {
  std::string name;
  SpanKind kind = SpanKind::kPhase;
  int32_t parent = -1;  // index of the parent in the same vector, -1 for none
  double start_us = 0;  // from the start of the run
  double dur_us = 0;
  int64_t heap_before = -1;  // Zend MM bytes in use (zend_memory_usage)
  int64_t heap_after = -1;
  int64_t heap_peak = -1;          // Zend MM peak while the span ran (phases only)
  int64_t persistent_before = -1;  // malloc'd bytes in use (mallinfo2)
  int64_t persistent_after = -1;
  uint32_t flags = 0;  // SpanFlags

  double end_us() const { return start_us + dur_us; }
};

// Moves `spans` to the end of `out` with their parent indices moved along;
// spans that had no parent get `parent`.
void AppendSpans(std::vector<Span>&& spans, int32_t parent, std::vector<Span>* out);

}  // namespace phptrun
