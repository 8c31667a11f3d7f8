// A copy of the lifecycle event log (lifecycle_log.h) that can travel: taken
// in the process that ran the engine, encoded, sent over a pipe, decoded in
// the worker, where span_builder.h turns it into spans.
//
//   std::string bytes = EventLog::EncodeCurrent();         // case process
//                                                          // (or CurrentParts() and writev)
//   ... control pipe ...
//   EventLog log;
//   if (EventLog::Decode(bytes, &log)) spans = BuildSpans(log, run_start_ms);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tracer/lifecycle_log.h"

namespace phptrun {

struct EventLog {
  std::vector<phptrun_event> events;
  std::string names;   // the name store: ids are offsets + 1
  size_t dropped = 0;  // events the recorder had no room for

  // This process's log as it is now.
  static EventLog Capture();

  // The name an event carries ("" for none or an id out of range).
  std::string_view Name(uint32_t id) const;

  std::string Encode() const;
  // Capture().Encode() without the copy in between.
  static std::string EncodeCurrent();

  // EncodeCurrent() as three pieces to write one after the other (writev),
  // without allocating: a forked case process that allocates touches, and
  // so copies, pages it shares with its worker.
  struct Parts {
    char header[20];
    const void* events;
    size_t event_bytes;
    const char* names;
    size_t name_bytes;
    size_t size() const { return sizeof header + event_bytes + name_bytes; }
  };
  static Parts CurrentParts();
  // False (and *out unspecified) when `bytes` is not a whole encoded log.
  static bool Decode(std::string_view bytes, EventLog* out);
};

}  // namespace phptrun
