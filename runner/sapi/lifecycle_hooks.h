/* The lifecycle tracer's hooks into the engine: they record every phase,
 * every extension's MINIT/RINIT/RSHUTDOWN/post-deactivate/MSHUTDOWN, every
 * compile and the edges of request shutdown's steps in the lifecycle event
 * log (tracer/lifecycle_log.h), without patching the engine.
 *
 *   phptrun_lifecycle_enable(1);                 worker, before the engine starts
 *   phptrun_engine_startup(...);                 engine.c calls the rest
 *
 * engine.c calls phptrun_lifecycle_attach_sapi() with its SAPI table before MINIT and
 * brackets each phase with phptrun_lifecycle_phase_begin/end(); everything
 * else is installed from there:
 *
 *   - php_register_internal_extensions_func (a global function pointer) is
 *     replaced for the duration of php_module_startup(): ours calls the
 *     original, then wraps the function pointers of every module registered
 *     so far (Core and the static extensions). The first wrapped MINIT to run
 *     (inside zend_startup_modules, after php.ini's extension= lines were
 *     loaded) wraps the rest and the Zend extensions (zend_extension=).
 *     Modules are told apart by module_number, which the engine passes to
 *     MINIT/RINIT/RSHUTDOWN/MSHUTDOWN; post_deactivate and the Zend
 *     extensions' activate/deactivate take no argument and get one
 *     trampoline per module.
 *   - the SAPI's ini_defaults, activate and deactivate callbacks mark the
 *     start of php.ini parsing and the ends of SAPI activation/deactivation;
 *   - zend_compile_file and zend_compile_string, wrapped after MINIT;
 *   - request shutdown: an internal function appended after the user's
 *     shutdown functions marks their end, and the top output buffer's handler
 *     is watched to see its final flush begin.
 *
 * What cannot be seen: modules loaded by dl() during a request, and a Zend
 * extension's module part registered inside its startup (OPcache's MINIT is
 * inside "startup Zend OPcache"). docs/tracing.md has the details.
 *
 * Every wrapper catches a zend_bailout only to record the hook's end, then
 * bails out again; hooks never change what the engine does. */
#ifndef PHPTRUN_RUNNER_SAPI_LIFECYCLE_HOOKS_H
#define PHPTRUN_RUNNER_SAPI_LIFECYCLE_HOOKS_H

#include <stdint.h>

#include "tracer/lifecycle_log.h"

#ifdef __cplusplus
extern "C" {
#endif

struct _sapi_module_struct;

/* Turns the tracer on or off for engines started from now on. Off (the
 * default), every call below returns at once and nothing is wrapped. */
void phptrun_lifecycle_enable(int on);
int phptrun_lifecycle_enabled(void);

/* Wraps the SAPI callbacks the tracer watches (ini_defaults, activate,
 * deactivate). Call before every php_module_startup() with the table passed
 * to it, after setting its callbacks: slots set again are wrapped again. */
void phptrun_lifecycle_attach_sapi(struct _sapi_module_struct *sapi);

/* Brackets a phase (PHPTRUN_PHASE_*); heap figures as engine.c measured
 * them (it knows when the heap exists). Beginning MINIT installs the
 * registration hook, ending it wraps what registered late and the compile
 * hooks; beginning RSHUTDOWN places the shutdown-function marker; ending
 * MSHUTDOWN restores the static extensions' function pointers. */
void phptrun_lifecycle_phase_begin(int phase, int64_t heap);
void phptrun_lifecycle_phase_end(int phase, int64_t heap, int64_t heap_peak);

#ifdef __cplusplus
}
#endif

#endif /* PHPTRUN_RUNNER_SAPI_LIFECYCLE_HOOKS_H */
