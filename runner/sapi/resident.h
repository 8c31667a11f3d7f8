/* Resident scenarios (DESIGN.md, "Resident scenarios"): FILE runs many times
 * inside ONE case process, and the engine is sampled after every iteration,
 * the same way each time, so that a program that keeps nothing gives a flat
 * series.
 *
 *   phptrun_resident_config config = {.mode = PHPTRUN_RESIDENT_WORKER,
 *                                     .iterations = 200, .track_from = 21,
 *                                     .max_sites = 20};
 *   phptrun_resident_sink sink = {.ctx = me, .samples = OnSamples, .sites = OnSites};
 *   phptrun_resident_result result;
 *   phptrun_resident_run(&request, &config, &sink, &result);
 *
 * Modes:
 *   requests  FILE runs as `iterations` full requests (RINIT..RSHUTDOWN each,
 *             as FPM or `php --repeat` would); sampled after each RSHUTDOWN.
 *             fds 0-2 stay open between requests even if a script fclose()s
 *             them. exit() and fatal errors end one request, not the loop.
 *   worker    one request: FILE runs once as boot and must return a callable,
 *             which is then called `iterations` times with the 1-based
 *             iteration number (a Swoole/RoadRunner/FrankenPHP worker loop);
 *             gc_collect_cycles() and a sample after each call.
 *   reload    one request: FILE is compiled afresh with compile_file() (no
 *             OPcache, no include_once bookkeeping) and executed `iterations`
 *             times, as a hot-reloading server does; gc_collect_cycles() and
 *             a sample after each execution.
 * In worker and reload modes, exit(), a fatal error or an uncaught exception
 * (one no set_exception_handler() handler took) ends the loop, as it would
 * end a real worker; the result says which and in which iteration.
 *
 * Output: every sample carries the offsets of fd 1 around its iteration (fds 1
 * and 2 are one memory file in a case process), so the caller cuts the
 * output it reads afterwards into boot and per-iteration parts without
 * anything being copied while PHP runs; direct writes to STDOUT/STDERR and
 * child processes land in the right iteration too.
 *
 * Attribution: with track_from > 0 (worker, reload), the tracking heap of
 * alloc_tracker.h runs from that iteration on, and before RSHUTDOWN the
 * sink's `sites` callback gets the PHP locations that allocated the blocks
 * still live at the end, largest first. */
#ifndef PHPTRUN_RUNNER_SAPI_RESIDENT_H
#define PHPTRUN_RUNNER_SAPI_RESIDENT_H

#include <stddef.h>
#include <stdint.h>

#include "runner/sapi/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum phptrun_resident_mode {
  PHPTRUN_RESIDENT_OFF = 0,
  PHPTRUN_RESIDENT_REQUESTS = 1,
  PHPTRUN_RESIDENT_WORKER = 2,
  PHPTRUN_RESIDENT_RELOAD = 3,
} phptrun_resident_mode;

/* The metrics of a sample, in report order. Names and units live with the
 * report (runner/resident_report.h). */
typedef enum phptrun_resident_metric {
  PHPTRUN_METRIC_HEAP = 0,         /* bytes: zend_memory_usage(0) */
  PHPTRUN_METRIC_PERSISTENT,       /* bytes: malloc in use (mallinfo2 uordblks + hblkhd) */
  PHPTRUN_METRIC_CLASSES,          /* class table entries beyond those of MINIT */
  PHPTRUN_METRIC_FUNCTIONS,        /* function table entries beyond those of MINIT */
  PHPTRUN_METRIC_CONSTANTS,        /* constant table entries beyond those of MINIT */
  PHPTRUN_METRIC_OBJECTS,          /* live objects in the object store */
  PHPTRUN_METRIC_GC_ROOTS,         /* possible roots in the GC buffer */
  PHPTRUN_METRIC_RESOURCES,        /* live regular + persistent resources */
  PHPTRUN_METRIC_INTERNED_STRINGS, /* request-interned strings */
  PHPTRUN_METRIC_PCRE_CACHE,       /* compiled regexes in ext/pcre's cache (at most
                                      PHPTRUN_PCRE_CACHE_LIMIT) */
  PHPTRUN_METRIC_COUNT
} phptrun_resident_metric;

/* ext/pcre keeps at most this many compiled regexes (PCRE_CACHE_SIZE in
 * php-src's ext/pcre/php_pcre.c, 4096 since PHP 5); adding one to a full
 * cache first drops the oldest unused eighth. */
enum { PHPTRUN_PCRE_CACHE_LIMIT = 4096 };

typedef struct phptrun_resident_sample {
  int64_t iteration;    /* 1-based */
  int64_t output_start; /* offset of fd 1 when the iteration began; -1 if fd 1 is no file */
  int64_t output_end;   /* offset of fd 1 after the iteration; -1 if fd 1 is no file */
  double ms;            /* wall time of the iteration (requests: the whole request) */
  int64_t metrics[PHPTRUN_METRIC_COUNT];
} phptrun_resident_sample;

/* Where retained memory was allocated. */
typedef struct phptrun_resident_site {
  const char *file;     /* "" when no PHP code was running */
  const char *function; /* "Cache::put", "render", "{closure}", "{main}", "(compile)", "(engine)" */
  int64_t line;
  int64_t bytes; /* requested bytes of the blocks still live */
  int64_t count; /* how many blocks */
} phptrun_resident_site;

typedef enum phptrun_resident_stop {
  PHPTRUN_RESIDENT_RAN_ALL = 0,
  PHPTRUN_RESIDENT_STOP_EXIT = 1,         /* exit() in an iteration */
  PHPTRUN_RESIDENT_STOP_FATAL = 2,        /* a fatal error (bailout) in an iteration */
  PHPTRUN_RESIDENT_STOP_EXCEPTION = 3,    /* an uncaught exception in an iteration */
  PHPTRUN_RESIDENT_STOP_BOOT = 4,         /* worker boot ended by exit, fatal error or exception */
  PHPTRUN_RESIDENT_STOP_NOT_CALLABLE = 5, /* worker boot returned no callable */
  PHPTRUN_RESIDENT_STOP_RINIT = 6,        /* a request could not start */
} phptrun_resident_stop;

enum { PHPTRUN_MAX_CHECKPOINTS = 17 };

typedef struct phptrun_resident_config {
  int mode;       /* phptrun_resident_mode */
  int iterations; /* >= 1 */
  int track_from; /* attribute allocations from this iteration on; 0 = no attribution */
  int max_sites;  /* at most this many sites reach the sink */
  /* Retained snapshots (retained.h) after these iterations (worker, reload),
   * ascending; the sink's `retained` gets each. */
  int checkpoints[PHPTRUN_MAX_CHECKPOINTS];
  int checkpoint_count;
  /* worker: the request number the first call gets (0 = 1); a fresh worker
   * serving request k alone runs with iterations = 1, first_request = k. */
  int first_request;
} phptrun_resident_config;

/* Callbacks into the caller. They run inside the engine's request, between
 * iterations: they must return normally (no exception, no longjmp) and
 * `samples` should not allocate memory that outlives the call, or the
 * persistent-memory metric would see it. */
typedef struct phptrun_resident_sink {
  void *ctx;
  /* Consecutive samples in order, in batches, as the loop runs. */
  void (*samples)(void *ctx, const phptrun_resident_sample *samples, size_t count);
  /* Once, after the last iteration, when attribution ran. */
  void (*sites)(void *ctx, const phptrun_resident_site *sites, size_t count, int64_t total_bytes,
                int64_t total_blocks);
  /* At each checkpoint: a serialized retained snapshot (retained.h). */
  void (*retained)(void *ctx, const void *data, size_t size);
  /* From a signal handler, when a crash signal (SIGSEGV, SIGABRT, ...) hits
   * iteration `iteration`, just before the process dies of it; must be
   * async-signal-safe. Optional. */
  void (*crashed)(void *ctx, int iteration);
} phptrun_resident_sink;

typedef struct phptrun_resident_result {
  phptrun_request_result request; /* requests: phase times summed over the requests */
  int completed;                  /* iterations that ran to their end */
  int stop;                       /* phptrun_resident_stop */
  int stopped_in;                 /* the iteration that ended the loop; 0 for none or boot */
  int attribution;                /* 1 ran, 0 not asked, -1 not possible (see message) */
  int64_t boot_output_end;        /* offset of fd 1 before the first iteration */
  double boot_ms;                 /* worker: the boot script */
  double loop_ms;                 /* all iterations, sampling included */
  double sampling_ms;             /* of loop_ms: taking and sending the samples */
  double snapshot_ms;             /* of loop_ms: the retained snapshots */
  char message[512];              /* details: what boot returned, why no attribution */
} phptrun_resident_result;

/* Runs the scenario. `request` is as for phptrun_engine_run_request();
 * keep_stdio_open is forced on. Returns 0 when the loop ran (whatever PHP
 * did), -1 when the first request could not start. */
int phptrun_resident_run(const phptrun_request *request, const phptrun_resident_config *config,
                         const phptrun_resident_sink *sink, phptrun_resident_result *result);

#ifdef __cplusplus
}
#endif

#endif /* PHPTRUN_RUNNER_SAPI_RESIDENT_H */
