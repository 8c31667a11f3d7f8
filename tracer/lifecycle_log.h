/* The lifecycle event log: what the engine hooks record while PHP starts,
 * runs a request and shuts down, in the process that runs the engine.
 *
 *   phptrun_log_record(PHPTRUN_EVENT_BEGIN, PHPTRUN_HOOK_RINIT, 0, name, heap, peak);
 *   ... the request runs ...
 *   size_t n;  const phptrun_event *events = phptrun_log_events(&n);
 *
 * runner/sapi/lifecycle_hooks.c records (it knows Zend); the worker reads the
 * log back (tracer/span_builder.h turns it into spans). An event is a point
 * in time: the begin or end of a phase or of an extension's hook, or a mark
 * between two steps the engine does not announce. Heap figures come from the
 * caller (only it can ask the Zend memory manager); the log samples the clock
 * and the malloc'd bytes in use itself.
 *
 * The log lives in static storage and never allocates, so recording does not
 * disturb the persistent (malloc) figures it samples, and a forked case
 * process inherits it as it is. When it is full, further events are counted
 * as dropped. Plain C: the engine code that calls it is C. */
#ifndef PHPTRUN_TRACER_LIFECYCLE_LOG_H
#define PHPTRUN_TRACER_LIFECYCLE_LOG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum phptrun_event_type {
  PHPTRUN_EVENT_BEGIN = 1,
  PHPTRUN_EVENT_END = 2,
  PHPTRUN_EVENT_MARK = 3,
};

/* What an event is about. Phases and hooks come as BEGIN/END pairs, marks
 * alone. Hooks carry a name: the extension's, or the compiled file's. */
enum phptrun_event_what {
  /* Lifecycle phases, as engine.c brackets them. EXECUTE is the whole
   * script run; the span builder splits it into compile and execute. */
  PHPTRUN_PHASE_SINIT = 1,
  PHPTRUN_PHASE_MINIT = 2,
  PHPTRUN_PHASE_RINIT = 3,
  PHPTRUN_PHASE_EXECUTE = 4,
  PHPTRUN_PHASE_RSHUTDOWN = 5,
  PHPTRUN_PHASE_MSHUTDOWN = 6,
  PHPTRUN_PHASE_SSHUTDOWN = 7,

  /* An extension's module hook (zend_module_entry function pointers). */
  PHPTRUN_HOOK_MINIT = 16,
  PHPTRUN_HOOK_RINIT = 17,
  PHPTRUN_HOOK_RSHUTDOWN = 18,
  PHPTRUN_HOOK_POST_DEACTIVATE = 19,
  PHPTRUN_HOOK_MSHUTDOWN = 20,
  /* A Zend extension's hook (zend_extension function pointers). */
  PHPTRUN_HOOK_ZEXT_STARTUP = 21,
  PHPTRUN_HOOK_ZEXT_ACTIVATE = 22,
  PHPTRUN_HOOK_ZEXT_DEACTIVATE = 23,
  PHPTRUN_HOOK_ZEXT_SHUTDOWN = 24,
  /* zend_compile_file / zend_compile_string; the name is the file (the END
   * event's, when it has one: an include's path is resolved while compiling). */
  PHPTRUN_HOOK_COMPILE = 25,

  /* Marks: boundaries observed through SAPI callbacks and probes. */
  PHPTRUN_MARK_INI = 32,                     /* php.ini parsing starts */
  PHPTRUN_MARK_REGISTER_BEGIN = 33,          /* static extensions get registered */
  PHPTRUN_MARK_REGISTER_END = 34,            /* ...done; php.ini extensions load next */
  PHPTRUN_MARK_SAPI_ACTIVATED = 35,          /* the SAPI's activate callback */
  PHPTRUN_MARK_SHUTDOWN_FUNCTIONS_DONE = 36, /* the last shutdown function returned */
  PHPTRUN_MARK_OUTPUT_NONE = 37,             /* no output buffer was active then */
  PHPTRUN_MARK_OUTPUT_ARMED = 38,            /* the top output buffer is watched */
  PHPTRUN_MARK_OUTPUT_UNOBSERVABLE = 39,     /* a user output handler is on top */
  PHPTRUN_MARK_OUTPUT_FLUSH_BEGIN = 40,      /* the watched buffer is being flushed */
  PHPTRUN_MARK_SAPI_DEACTIVATE_BEGIN = 41,   /* the SAPI's deactivate callback */
  PHPTRUN_MARK_SAPI_DEACTIVATE_END = 42,
};

/* Event flags. */
#define PHPTRUN_EVENT_BAILOUT 0x1u /* END: the hook was left by a zend_bailout */

typedef struct phptrun_event {
  uint8_t type; /* phptrun_event_type */
  uint8_t what; /* phptrun_event_what */
  uint16_t flags;
  uint32_t name;      /* 0 = none, else phptrun_log_name()'s id */
  int64_t time_ns;    /* CLOCK_MONOTONIC */
  int64_t heap;       /* Zend MM bytes in use, -1 = unknown */
  int64_t heap_peak;  /* Zend MM peak since the current phase began, -1 = unknown */
  int64_t persistent; /* malloc'd bytes in use (mallinfo2 uordblks + hblkhd), -1 = not sampled */
} phptrun_event;

/* Whether the lifecycle tracer is on in this process (off by default). The
 * engine hooks install themselves only when it is; readers use it to know
 * whether a log is to be expected. Recording itself does not check it. */
void phptrun_log_set_enabled(int on);
int phptrun_log_enabled(void);

/* What phptrun_log_record() does about the persistent bytes. Sampling them
 * (mallinfo2) costs well under a microsecond when malloc's state is in the
 * cache, but 10-20 us in a case process between two phases, where it is not:
 * the hooks ask for it sparingly (lifecycle_hooks.c says where). */
enum phptrun_persistent_sample {
  PHPTRUN_PERSISTENT_SKIP = 0,   /* record -1 */
  PHPTRUN_PERSISTENT_SAMPLE = 1, /* sample now */
  PHPTRUN_PERSISTENT_REUSE = 2,  /* the previous event's figure (sampled if it had none):
                                    for two edges with nothing that allocates between */
};

/* Appends an event stamped with the time and the persistent bytes as
 * `persistent` says (a phptrun_persistent_sample). */
void phptrun_log_record(uint8_t type, uint8_t what, uint16_t flags, uint32_t name, int64_t heap,
                        int64_t heap_peak, int persistent);

/* Copies a name into the log's name store and returns its id (never 0), or
 * 0 when the store is full. Ids are byte offsets + 1 into phptrun_log_names(). */
uint32_t phptrun_log_name(const char *name, size_t len);

/* Names stored so far survive phptrun_log_clear() (extension names, kept
 * from startup for every request). */
void phptrun_log_keep_names(void);

/* Drops the events, the dropped count and the names stored since the last
 * phptrun_log_keep_names(). */
void phptrun_log_clear(void);

/* The events recorded since the last clear, oldest first. */
const phptrun_event *phptrun_log_events(size_t *count);

/* The name store: NUL-terminated names back to back; an id is offset + 1. */
const char *phptrun_log_names(size_t *size);

/* Events that did not fit since the last clear. */
size_t phptrun_log_dropped(void);

/* Bytes malloc has handed out and not got back: the process's persistent
 * memory as PHP's pemalloc sees it (mallinfo2; in an ASan build, ASan's
 * allocator's count). The resident loop's "persistent" figure too. */
int64_t phptrun_log_persistent_bytes(void);

#ifdef __cplusplus
}
#endif

#endif /* PHPTRUN_TRACER_LIFECYCLE_LOG_H */
