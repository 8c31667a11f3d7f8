/* Attribution of Zend heap memory to the PHP code that allocated it, on a
 * release build (no ZEND_DEBUG file:line footers): a tracking heap installed
 * with zend_mm_set_custom_handlers() on the request heap. Its handlers
 * forward to the same heap (_zend_mm_alloc & co., which ignore the custom
 * flag), so memory_get_usage(), memory_limit and blocks allocated before the
 * switch all keep working; each block allocated while it runs is recorded as
 * ptr -> (size, PHP location, iteration) in a table of our own.
 *
 *   phptrun_alloc_tracker_start();          after RINIT, inside the request
 *   phptrun_alloc_tracker_set_iteration(k); as the resident loop advances
 *   ... PHP code runs ...
 *   phptrun_alloc_tracker_stop();           before php_request_shutdown()
 *   n = phptrun_alloc_tracker_sites(...);   still before RSHUTDOWN (names
 *                                           point into interned strings)
 *   phptrun_alloc_tracker_reset();          frees the tables
 *
 * The location of an allocation is the innermost frame of user code
 * (EG(current_execute_data) walked past internal functions): its file, the
 * line of the opline the VM last saved (calls, assignments, `new` save it;
 * a few fast paths such as string concatenation do not, and then the line is
 * that of the previous saved opline in the same function), and the function
 * as "Class::method", "function", "{closure}" or "{main}". While the
 * compiler runs, the location is the line being compiled, function
 * "(compile)": that is where reloads that declare classes and closures leak.
 *
 * Names (file, function, class) are copied into the tracker's own table the
 * first time they are seen, and sites are told apart by name, not address:
 * each reload compiles FILE under a fresh file-name string.
 *
 * The tables live in mmap()ed memory, not malloc, so that attribution does
 * not show up in the persistent-memory metric it runs next to. Internal to
 * runner/sapi; not thread-safe (NTS engine, one request at a time). */
#ifndef PHPTRUN_RUNNER_SAPI_ALLOC_TRACKER_H
#define PHPTRUN_RUNNER_SAPI_ALLOC_TRACKER_H

#include <stddef.h>
#include <stdint.h>

#include "runner/sapi/resident.h"

/* Installs the tracking handlers on the current request heap. Returns 0, or
 * -1 when the heap cannot be tracked (no request is active). A heap that
 * already has custom handlers (USE_ZEND_ALLOC=0) is chained to them. */
int phptrun_alloc_tracker_start(void);

/* Tags the allocations from now on with iteration `iteration`. */
void phptrun_alloc_tracker_set_iteration(int iteration);

/* Names allocations made while no PHP code runs (the resident loop itself,
 * the GC between iterations): "(reload)" in FILE rather than "(engine)".
 * Call after start(). */
void phptrun_alloc_tracker_set_context(const char *file, const char *label);

/* Restores the handlers the heap had before start(). The recorded blocks
 * stay available to phptrun_alloc_tracker_sites(). */
void phptrun_alloc_tracker_stop(void);

/* Aggregates the recorded blocks still allocated whose iteration is >=
 * from_iteration by location, largest total first, and calls `emit` once
 * with at most `max_sites` of them (their strings are valid during the call
 * only), plus the totals over all such blocks. Must run before RSHUTDOWN. */
void phptrun_alloc_tracker_sites(int from_iteration, size_t max_sites,
                                 void (*emit)(void *ctx, const phptrun_resident_site *sites,
                                              size_t count, int64_t total_bytes,
                                              int64_t total_blocks),
                                 void *ctx);

/* Frees the tracker's tables. */
void phptrun_alloc_tracker_reset(void);

/* Blocks recorded right now (for tests and statistics). */
size_t phptrun_alloc_tracker_live_blocks(void);

#endif
