// Turns a lifecycle event log into the span tree of span.h.
//
//   EventLog log = ...;                         // from a case process or this one
//   std::vector<Span> spans = BuildSpans(log, run_start_ms);
//
// Phases and hooks become spans directly (BEGIN..END). Steps the engine does
// not announce are cut out of the gaps between what was observed, following
// the order in which php-src runs them (main/main.c php_module_startup,
// php_request_startup, php_request_shutdown):
//
//   MINIT      zend_startup [INI mark] INI [register mark] register_modules
//              [mark] load_extensions, MINIT <ext>..., startup <zend ext>...,
//              post_startup (after the last hook)
//   RINIT      sapi_activate (to the SAPI's activate callback; Zend
//              extensions' activate nest here), superglobals, RINIT <ext>...
//   EXECUTE    becomes two phases: compile (script_setup: $_SERVER, the CLI
//              constants, opening the script; then the first file compiled)
//              and execute (the rest; later compiles nest in it)
//   RSHUTDOWN  shutdown_functions [marker] destructors [flush probe]
//              output_flush, RSHUTDOWN <ext>..., zend_deactivate (Zend
//              extensions' deactivate nest here), post_deactivate (group of
//              post_deactivate <ext>), sapi_deactivate (to the end of the SAPI's
//              deactivate callback), memory_shutdown
//   MSHUTDOWN  MSHUTDOWN <ext>..., shutdown <zend ext>, engine_shutdown
//
// A step whose edge was not seen (no marker ran, a user output handler hid
// the flush) is cut at the next edge that was, and flagged kSpanInferred;
// steps that did not happen at all (no output buffer to flush) are zero
// long. Work between two hooks of the same kind stays in the parent's self
// time. Spans still open when the log ends are closed at its last event.
#pragma once

#include <vector>

#include "tracer/event_log.h"
#include "tracer/span.h"

namespace phptrun {

enum class SpanDetail {
  kFull,    // everything above
  kPhases,  // phases and compiles only: what the JSON report's phases need,
            // at a fraction of the cost (no step or extension spans)
};

// `origin_ms` is the run's start on CLOCK_MONOTONIC, in milliseconds; span
// times come out in microseconds from it. Top-level spans have parent -1.
std::vector<Span> BuildSpans(const EventLog& log, double origin_ms,
                             SpanDetail detail = SpanDetail::kFull);

}  // namespace phptrun
