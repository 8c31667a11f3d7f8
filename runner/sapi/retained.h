/* Retained snapshots: what PHP code keeps between requests, by who holds it.
 *
 * Between two iterations of a worker or reload loop no user frame is live,
 * so everything a request left behind is reachable from the roots a request
 * cannot clear: the global symbol table, static properties of user classes,
 * static variables of user functions and methods (closures' `use` variables
 * are those of the closure), the worker's handler, and objects the engine
 * keeps for itself (autoloaders, error handlers: "(unreached) Class").
 * phptrun_retained_snapshot() walks that graph and sums, per retainer path,
 * how many elements or properties its containers hold ("items") and about
 * how many bytes they take with what they reach first ("bytes"):
 *
 *   $em->unitOfWork->identityMap['Visit']          items 120  bytes 61440
 *   Illuminate\Container\Container::$instance->abstractAliases['request']
 *   (handler){use $logger}->handlers[0]->records
 *
 * Path segments: `$name` (global), `Class::$name` (static property),
 * `f()::static $x`, `->prop`, `['key']` / `[3]` for arrays of at most 16
 * elements and `[*]` for the elements of larger ones (so that a growing
 * cache is one path, not one per entry), `{use $x}` and `{$this}` for a
 * closure's bound variables, `{*}` for what an internal object holds.
 *
 * Bounded: at most kNodes containers, kDepth levels, kPaths paths; the
 * walk allocates nothing from PHP's heap or malloc (its tables are mmap()ed
 * once and reused), changes nothing, and never bails out. Each container is
 * counted once, at the first path that reaches it.
 *
 * The snapshot is serialized into the walker's own buffer, ready to send:
 *   i64 iteration, u32 paths, u32 truncated (budget hit), u32 nodes,
 *   then per path: u32 length, path bytes, i64 items, i64 bytes
 * (little-endian, as the host writes them: both ends are this program). */
#ifndef PHPTRUN_RUNNER_SAPI_RETAINED_H
#define PHPTRUN_RUNNER_SAPI_RETAINED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Walks from the roots; `handler` is the worker's callable (a zval *), or
 * NULL. Returns 0 and sets *data/ *size to the serialized snapshot (valid
 * until the next call), or -1 when the walker's memory could not be mapped. */
int phptrun_retained_snapshot(int64_t iteration, const void *handler, const void **data,
                              size_t *size);

/* Unmaps the walker's tables. */
void phptrun_retained_release(void);

#ifdef __cplusplus
}
#endif

#endif /* PHPTRUN_RUNNER_SAPI_RETAINED_H */
