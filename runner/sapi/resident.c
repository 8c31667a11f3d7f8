/* The resident loops and their sampling: see resident.h. */
#define _GNU_SOURCE /* memrchr, used by Zend headers */
#include "runner/sapi/resident.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "php.h"
#include "php_main.h"
#include "fopen_wrappers.h"
#include "zend_exceptions.h"
#include "zend_gc.h"
#include "runner/sapi/alloc_tracker.h"
#include "runner/sapi/cli_compat.h"
#include "runner/sapi/retained.h"
#include "tracer/lifecycle_log.h"

/* ---- samples ---------------------------------------------------------------- */

/* Samples reach the sink in batches: few writes while PHP runs. A flusher
 * thread sends what a batch holds every kFlushMs, so that a case that hangs
 * in an iteration and is killed at its timeout still reports how far it got;
 * it touches nothing of PHP's, only the batch (under a mutex) and the sink.
 * Static storage: sampling allocates nothing. */
enum { kBatch = 32 };
static const long kFlushMs = 100;

typedef struct Loop {
  const phptrun_request *request;
  const phptrun_resident_config *config;
  const phptrun_resident_sink *sink;
  phptrun_resident_result *result;
  phptrun_resident_sample batch[kBatch];
  size_t batch_used;
  pthread_mutex_t batch_lock;
  pthread_cond_t flusher_wake;
  pthread_t flusher;
  int flusher_running;
  int flusher_stop;
  int tracking;
  int tracking_failed;
  zval callable; /* worker: what boot returned */
  const HashTable *pcre_cache; /* ext/pcre's regex cache, or NULL */
} Loop;

static Loop g_loop;

static double NowMs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int64_t OutputOffset(void) {
  off_t offset = lseek(STDOUT_FILENO, 0, SEEK_CUR);
  return offset < 0 ? -1 : (int64_t)offset;
}

/* Slots below `top` minus the free ones. The free slots are chained through
 * their buckets; a steady loop frees and reuses few, and a leaking one frees
 * none, so walking the chain costs far less than walking every object. */
static int64_t LiveObjects(void) {
  const zend_objects_store *store = &EG(objects_store);
  if (!store->object_buckets || store->top <= 1) return 0;
  int64_t free_slots = 0;
  for (int h = store->free_list_head; h > 0 && (uint32_t)h < store->top &&
                                      free_slots < (int64_t)store->top;
       h = (int)GET_OBJ_BUCKET_NUMBER(store->object_buckets[h])) {
    free_slots++;
  }
  return (int64_t)(store->top - 1) - free_slots;
}

static int64_t UserEntries(const HashTable *table, uint32_t at_startup) {
  uint32_t n = zend_hash_num_elements(table);
  return n > at_startup ? (int64_t)(n - at_startup) : 0;
}

/* ext/pcre's regex cache, PCRE_G(pcre_cache): the first member of the pcre
 * module's globals, reached through its module entry so that no PCRE header
 * is needed. NULL when the engine has no pcre module. */
static const HashTable *FindPcreCache(void) {
  const zend_module_entry *pcre = zend_hash_str_find_ptr(&module_registry, "pcre", strlen("pcre"));
  if (!pcre) return NULL;
#ifdef ZTS
  if (!pcre->globals_id_ptr) return NULL;
  return TSRMG_BULK(*pcre->globals_id_ptr, const HashTable *);
#else
  return pcre->globals_ptr;
#endif
}

/* Entries of the pcre cache. Under the "cli" SAPI name (phptrun's) the cache
 * lives in the request and RSHUTDOWN destroys it (its count is left stale):
 * after RSHUTDOWN it holds nothing. A persistent cache (other SAPI names)
 * outlives requests. */
static int64_t PcreCacheEntries(const HashTable *cache, int in_request) {
  if (!cache) return 0;
  if (!in_request && !(GC_FLAGS(cache) & GC_PERSISTENT)) return 0;
  return zend_hash_num_elements(cache);
}

/* The same reads in the same order after every iteration. `in_request`:
 * the request's own tables exist (worker, reload); after RSHUTDOWN
 * (requests) only module-lifetime state is left to read. */
static void TakeSample(phptrun_resident_sample *s, int iteration, int64_t output_start, double ms,
                       int in_request) {
  memset(s, 0, sizeof *s);
  s->iteration = iteration;
  s->ms = ms;
  s->output_start = output_start;
  s->output_end = OutputOffset();
  s->metrics[PHPTRUN_METRIC_HEAP] = (int64_t)zend_memory_usage(0);
  s->metrics[PHPTRUN_METRIC_PERSISTENT] = phptrun_log_persistent_bytes();
  s->metrics[PHPTRUN_METRIC_CLASSES] = UserEntries(EG(class_table), EG(persistent_classes_count));
  s->metrics[PHPTRUN_METRIC_FUNCTIONS] =
      UserEntries(EG(function_table), EG(persistent_functions_count));
  s->metrics[PHPTRUN_METRIC_CONSTANTS] =
      UserEntries(EG(zend_constants), EG(persistent_constants_count));
  s->metrics[PHPTRUN_METRIC_RESOURCES] = zend_hash_num_elements(&EG(persistent_list));
  if (in_request) {
    s->metrics[PHPTRUN_METRIC_OBJECTS] = LiveObjects();
    zend_gc_status gc;
    zend_gc_get_status(&gc);
    s->metrics[PHPTRUN_METRIC_GC_ROOTS] = gc.num_roots;
    s->metrics[PHPTRUN_METRIC_RESOURCES] += zend_hash_num_elements(&EG(regular_list));
    s->metrics[PHPTRUN_METRIC_INTERNED_STRINGS] = zend_hash_num_elements(&CG(interned_strings));
  }
  s->metrics[PHPTRUN_METRIC_PCRE_CACHE] = PcreCacheEntries(g_loop.pcre_cache, in_request);
}

static void FlushLocked(Loop *l) {
  if (l->batch_used && l->sink && l->sink->samples) {
    l->sink->samples(l->sink->ctx, l->batch, l->batch_used);
  }
  l->batch_used = 0;
}

static void *FlusherMain(void *arg) {
  Loop *l = arg;
  pthread_mutex_lock(&l->batch_lock);
  while (!l->flusher_stop) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += kFlushMs * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
      deadline.tv_sec += 1;
      deadline.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&l->flusher_wake, &l->batch_lock, &deadline);
    FlushLocked(l);
  }
  pthread_mutex_unlock(&l->batch_lock);
  return NULL;
}

static void CatchCrashes(void);

/* Before the first iteration. Without the thread, samples still go out
 * whenever a batch is full, and at the end. */
static void StartFlusher(Loop *l) {
  CatchCrashes();
  pthread_mutex_init(&l->batch_lock, NULL);
  pthread_cond_init(&l->flusher_wake, NULL);
  l->flusher_stop = 0;
  /* The thread blocks every signal: SIGPROF (max_execution_time), SIGALRM
   * (pcntl_alarm) and the others are PHP's, handled on PHP's thread. */
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  l->flusher_running = pthread_create(&l->flusher, NULL, FlusherMain, l) == 0;
  pthread_sigmask(SIG_SETMASK, &previous, NULL);
}

/* After the last iteration: every sample is out when this returns, so the
 * sites and the result, sent after it, arrive last. */
static void StopFlusher(Loop *l) {
  pthread_mutex_lock(&l->batch_lock);
  l->flusher_stop = 1;
  pthread_cond_signal(&l->flusher_wake);
  pthread_mutex_unlock(&l->batch_lock);
  if (l->flusher_running) pthread_join(l->flusher, NULL);
  l->flusher_running = 0;
  FlushLocked(l);
}

/* ---- a crash names its iteration -------------------------------------------- */

/* Samples of a crashed process's last batch never arrive, so the worker
 * cannot count to the iteration that crashed: the iteration is recorded as
 * it starts, and a crash signal reports it (sink->crashed, async-signal-safe)
 * before the process dies of it. A timeout's SIGKILL needs no handler: the
 * flusher has sent every sample by then. */
static volatile sig_atomic_t g_running_iteration;
static const int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
static char g_crash_stack[64 * 1024]; /* a stack overflow leaves none to run on */

static void OnCrashSignal(int sig) {
  const phptrun_resident_sink *sink = g_loop.sink;
  if (sink && sink->crashed && g_running_iteration > 0) {
    sink->crashed(sink->ctx, (int)g_running_iteration);
  }
  /* SA_RESETHAND put the default action back: die of the same signal. */
  raise(sig);
}

static void CatchCrashes(void) {
  stack_t alt = {.ss_sp = g_crash_stack, .ss_size = sizeof g_crash_stack, .ss_flags = 0};
  sigaltstack(&alt, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnCrashSignal;
  sa.sa_flags = SA_RESETHAND | SA_NODEFER | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (size_t k = 0; k < sizeof kCrashSignals / sizeof kCrashSignals[0]; k++) {
    sigaction(kCrashSignals[k], &sa, NULL);
  }
}

/* Iteration `iteration` began: where its output starts. */
static double Begin(int iteration, int64_t *output_start) {
  g_running_iteration = iteration;
  *output_start = OutputOffset();
  return NowMs();
}

static void Sample(Loop *l, int iteration, double started_ms, int64_t output_start,
                   int in_request) {
  double ended = NowMs();
  phptrun_resident_sample sample;
  TakeSample(&sample, iteration, output_start, ended - started_ms, in_request);
  l->result->completed = iteration;
  pthread_mutex_lock(&l->batch_lock);
  l->batch[l->batch_used++] = sample;
  if (l->batch_used == kBatch) FlushLocked(l);
  pthread_mutex_unlock(&l->batch_lock);
  l->result->sampling_ms += NowMs() - ended;
}

/* After iteration `iteration`'s sample: a retained snapshot when it is a
 * checkpoint. The samples before it go out first. */
static void Checkpoint(Loop *l, int iteration) {
  const phptrun_resident_config *c = l->config;
  int due = 0;
  for (int k = 0; k < c->checkpoint_count && k < PHPTRUN_MAX_CHECKPOINTS; k++) {
    if (c->checkpoints[k] == iteration) due = 1;
  }
  if (!due || !l->sink || !l->sink->retained) return;
  double started = NowMs();
  const void *data;
  size_t size;
  const zval *handler = Z_TYPE(l->callable) == IS_UNDEF ? NULL : &l->callable;
  if (phptrun_retained_snapshot(iteration, handler, &data, &size) == 0) {
    pthread_mutex_lock(&l->batch_lock);
    FlushLocked(l);
    l->sink->retained(l->sink->ctx, data, size);
    pthread_mutex_unlock(&l->batch_lock);
  }
  l->result->snapshot_ms += NowMs() - started;
}

static void Stop(Loop *l, int stop, int iteration) {
  l->result->stop = stop;
  l->result->stopped_in = iteration;
}

/* ---- attribution -------------------------------------------------------------- */

static void TrackIteration(Loop *l, int iteration) {
  int from = l->config->track_from;
  if (from <= 0 || iteration < from || l->tracking_failed) return;
  if (!l->tracking) {
    if (phptrun_alloc_tracker_start() != 0) {
      l->tracking_failed = 1;
      l->result->attribution = -1;
      snprintf(l->result->message, sizeof l->result->message,
               "attribution: no request heap to track");
      return;
    }
    l->tracking = 1;
    l->result->attribution = 1;
    phptrun_alloc_tracker_set_context(
        l->request->script_path,
        l->config->mode == PHPTRUN_RESIDENT_RELOAD ? "(reload)" : "(worker loop)");
  }
  phptrun_alloc_tracker_set_iteration(iteration);
}

static void EmitSites(void *ctx, const phptrun_resident_site *sites, size_t count,
                      int64_t total_bytes, int64_t total_blocks) {
  const Loop *l = ctx;
  if (l->sink && l->sink->sites) {
    l->sink->sites(l->sink->ctx, sites, count, total_bytes, total_blocks);
  }
}

/* Ends tracking and reports the sites; before RSHUTDOWN, while the names
 * (interned strings) exist. */
static void FinishTracking(Loop *l) {
  if (!l->tracking) return;
  phptrun_alloc_tracker_stop();
  int max_sites = l->config->max_sites > 0 ? l->config->max_sites : 20;
  phptrun_alloc_tracker_sites(l->config->track_from, (size_t)max_sites, EmitSites, l);
  phptrun_alloc_tracker_reset();
  l->tracking = 0;
}

/* ---- what ends an iteration ------------------------------------------------------ */

enum Outcome { kGoOn = 0, kExited, kUncaught, kFatal };

/* The last error PHP reported when an iteration began: a fatal error that
 * unwinds instead of bailing out shows as a new one. */
static const zend_string *g_last_error_at_start;

static void NoteLastError(void) { g_last_error_at_start = PG(last_error_message); }

static int FatalErrorSinceStart(void) {
  return PG(last_error_message) && PG(last_error_message) != g_last_error_at_start &&
         (PG(last_error_type) & E_FATAL_ERRORS);
}

/* After PHP code returned to us: exit() unwinds as an exception since PHP 8,
 * and so does a fatal error the engine reports at a safe point (Debian's
 * 8.2.36 does this for "Allowed memory size exhausted"). Other exceptions go
 * to set_exception_handler()'s handler if there is one, else they are
 * reported as the engine reports uncaught exceptions ("PHP Fatal error:
 * Uncaught ..."), without bailing out. */
static enum Outcome HandleException(void) {
  if (!EG(exception)) return kGoOn;
  if (zend_is_unwind_exit(EG(exception)) || zend_is_graceful_exit(EG(exception))) {
    zend_exception_error(EG(exception), E_ERROR); /* releases it, prints nothing */
    return FatalErrorSinceStart() ? kFatal : kExited;
  }
  if (Z_TYPE(EG(user_exception_handler)) != IS_UNDEF) {
    zend_user_exception_handler();
    if (!EG(exception)) return kGoOn;
  }
  zend_exception_error(EG(exception), E_ERROR);
  return kUncaught;
}

static int StopFor(enum Outcome outcome) {
  switch (outcome) {
    case kExited:
      return PHPTRUN_RESIDENT_STOP_EXIT;
    case kFatal:
      return PHPTRUN_RESIDENT_STOP_FATAL;
    default:
      return PHPTRUN_RESIDENT_STOP_EXCEPTION;
  }
}

/* ---- worker ------------------------------------------------------------------------ */

/* FILE as the boot script: like php_execute_script() (the real path goes
 * into included_files, so include_once of FILE does not run it again), but
 * keeping what the script returns. 0 when it ran to its end. */
static int Boot(Loop *l, zval *returned) {
  static zend_file_handle file; /* static: a bailout leaves it registered */
  const char *path = l->request->script_path;
  if (phptrun_cli_open_script(&file, path) != SUCCESS) {
    EG(exit_status) = 1;
    return -1;
  }
  char real[MAXPATHLEN];
  if (expand_filepath(path, real)) {
    file.opened_path = zend_string_init(real, strlen(real), 0);
    zend_hash_add_empty_element(&EG(included_files), file.opened_path);
  }
  int ok = zend_execute_scripts(ZEND_REQUIRE, returned, 1, &file) == SUCCESS;
  zend_destroy_file_handle(&file);
  if (EG(exception)) { /* a parse error of FILE itself */
    zend_exception_error(EG(exception), E_ERROR);
    ok = 0;
  }
  return ok ? 0 : -1;
}

/* zend_call_function() from C, with no PHP frame below it, turns an
 * exception (exit() is one) into "Fatal error: Uncaught ..." and a bailout.
 * The handler of a worker runs on top of this internal frame instead, as it
 * would under frankenphp_handle_request(), so exceptions come back to us.
 * Backtraces stop at it: it is neither user code nor a top-level call. */
static zend_internal_function g_loop_function;
static zend_execute_data g_loop_frame;

static void EnterLoopFrame(void) {
  if (!g_loop_function.function_name) {
    g_loop_function.type = ZEND_INTERNAL_FUNCTION;
    g_loop_function.function_name =
        zend_string_init_interned("phptrun_worker_loop", sizeof "phptrun_worker_loop" - 1, 0);
    g_loop_frame.func = (zend_function *)&g_loop_function;
  }
  EG(current_execute_data) = &g_loop_frame;
}

static void LeaveLoopFrame(void) { EG(current_execute_data) = NULL; }

static void DescribeNotCallable(const zval *value, char *out, size_t size) {
  const char *hint = "";
  if (Z_TYPE_P(value) == IS_LONG && Z_LVAL_P(value) == 1) hint = " (no return statement?)";
  if (Z_TYPE_P(value) == IS_STRING) {
    snprintf(out, size,
             "worker mode: FILE must return a callable; it returned the string \"%.100s\", "
             "which names no function",
             Z_STRVAL_P(value));
  } else {
    snprintf(out, size, "worker mode: FILE must return a callable; it returned %s%s",
             zend_zval_type_name(value), hint);
  }
}

static void WorkerLoop(void *arg) {
  Loop *l = arg;
  phptrun_resident_result *r = l->result;
  ZVAL_UNDEF(&l->callable);

  double t0 = NowMs();
  volatile int booted = 0;
  zend_try {
    booted = Boot(l, &l->callable) == 0;
  } zend_end_try();
  r->boot_ms = NowMs() - t0;
  r->boot_output_end = OutputOffset();
  if (!booted) {
    Stop(l, PHPTRUN_RESIDENT_STOP_BOOT, 0);
    snprintf(r->message, sizeof r->message,
             "worker mode: the boot script did not complete (exit(), a fatal error or an "
             "uncaught exception)");
    return;
  }
  zend_fcall_info fci;
  zend_fcall_info_cache fcc;
  if (zend_fcall_info_init(&l->callable, 0, &fci, &fcc, NULL, NULL) != SUCCESS) {
    Stop(l, PHPTRUN_RESIDENT_STOP_NOT_CALLABLE, 0);
    DescribeNotCallable(&l->callable, r->message, sizeof r->message);
    zval_ptr_dtor(&l->callable);
    return;
  }

  double loop_start = NowMs();
  StartFlusher(l);
  volatile int fatal = 0;
  for (volatile int i = 1; i <= l->config->iterations; i++) {
    TrackIteration(l, i);
    NoteLastError();
    int64_t output_start;
    double started = Begin(i, &output_start);
    volatile enum Outcome outcome = kGoOn;
    zend_try {
      zval arg, returned;
      ZVAL_LONG(&arg, l->config->first_request > 0 ? l->config->first_request + i - 1 : i);
      ZVAL_UNDEF(&returned);
      fci.retval = &returned;
      fci.params = &arg;
      fci.param_count = 1;
      EnterLoopFrame();
      zend_call_function(&fci, &fcc);
      zval_ptr_dtor(&returned);
      outcome = HandleException();
      if (outcome == kGoOn) gc_collect_cycles();
    } zend_catch {
      fatal = 1;
    } zend_end_try();
    LeaveLoopFrame();
    if (fatal) {
      Stop(l, PHPTRUN_RESIDENT_STOP_FATAL, i);
      break;
    }
    if (outcome != kGoOn) {
      Stop(l, StopFor(outcome), i);
      break;
    }
    Sample(l, i, started, output_start, 1);
    Checkpoint(l, i);
  }
  r->loop_ms = NowMs() - loop_start;
  StopFlusher(l);
  FinishTracking(l);
  phptrun_retained_release();
  /* After a fatal error no more PHP code may run; RSHUTDOWN frees it all. */
  if (!fatal) zval_ptr_dtor(&l->callable);
}

/* ---- reload -------------------------------------------------------------------------- */

/* Compiles and runs FILE once more. compile_file() is the compiler itself,
 * under any OPcache hook: a reloading server wants new code, not a cache. */
static enum Outcome ReloadOnce(const char *path, int *compiled) {
  zend_file_handle file;
  zend_stream_init_filename(&file, path);
  zend_op_array *op_array = compile_file(&file, ZEND_INCLUDE);
  zend_destroy_file_handle(&file);
  *compiled = op_array != NULL;
  if (!op_array) return EG(exception) ? HandleException() : kUncaught;
  zval returned;
  ZVAL_UNDEF(&returned);
  zend_execute(op_array, &returned);
  zend_exception_restore();
  enum Outcome outcome = HandleException();
  zend_destroy_static_vars(op_array);
  destroy_op_array(op_array);
  efree_size(op_array, sizeof(zend_op_array));
  zval_ptr_dtor(&returned);
  return outcome;
}

static void ReloadLoop(void *arg) {
  Loop *l = arg;
  phptrun_resident_result *r = l->result;
  r->boot_output_end = OutputOffset();
  double loop_start = NowMs();
  StartFlusher(l);
  volatile int fatal = 0;
  for (volatile int i = 1; i <= l->config->iterations; i++) {
    TrackIteration(l, i);
    NoteLastError();
    int64_t output_start;
    double started = Begin(i, &output_start);
    volatile enum Outcome outcome = kGoOn;
    zend_try {
      int compiled = 0;
      outcome = ReloadOnce(l->request->script_path, &compiled);
      if (outcome == kGoOn) gc_collect_cycles();
    } zend_catch {
      fatal = 1;
    } zend_end_try();
    if (fatal) {
      Stop(l, PHPTRUN_RESIDENT_STOP_FATAL, i);
      break;
    }
    if (outcome != kGoOn) {
      Stop(l, StopFor(outcome), i);
      break;
    }
    Sample(l, i, started, output_start, 1);
    Checkpoint(l, i);
  }
  r->loop_ms = NowMs() - loop_start;
  StopFlusher(l);
  FinishTracking(l);
  phptrun_retained_release();
}

/* ---- requests -------------------------------------------------------------------------- */

static void AddPhase(phptrun_phase_sample *sum, const phptrun_phase_sample *one, int first) {
  sum->ms += one->ms;
  if (first) sum->heap_before = one->heap_before;
  sum->heap_after = one->heap_after;
  if (one->heap_peak > sum->heap_peak) sum->heap_peak = one->heap_peak;
}

static int RequestsLoop(Loop *l) {
  phptrun_resident_result *r = l->result;
  phptrun_request_result *sum = &r->request;
  if (l->config->track_from > 0) {
    r->attribution = -1;
    snprintf(r->message, sizeof r->message,
             "attribution: not in requests mode (every RSHUTDOWN frees the request heap; what "
             "stays is persistent memory)");
  }
  r->boot_output_end = OutputOffset();
  double loop_start = NowMs();
  StartFlusher(l);
  int64_t written = 0;
  for (int i = 1; i <= l->config->iterations; i++) {
    phptrun_request one = *l->request;
    one.keep_stdio_open = 1;
    /* The test's INI is applied once: it stays the engine's value. */
    if (i > 1) one.runtime_ini = NULL;
    if (l->request->output_limit) {
      one.output_limit = l->request->output_limit > (size_t)written
                             ? l->request->output_limit - (size_t)written
                             : 1;
    }
    phptrun_request_result result;
    int64_t output_start;
    double started = Begin(i, &output_start);
    if (phptrun_engine_run_request(&one, &result) != 0) {
      Stop(l, PHPTRUN_RESIDENT_STOP_RINIT, i);
      break;
    }
    written += result.output_bytes;
    sum->started = 1;
    sum->exit_status = result.exit_status;
    sum->runtime_ini_failed |= result.runtime_ini_failed;
    sum->output_bytes += result.output_bytes;
    AddPhase(&sum->rinit, &result.rinit, i == 1);
    AddPhase(&sum->compile, &result.compile, i == 1);
    AddPhase(&sum->execute, &result.execute, i == 1);
    AddPhase(&sum->rshutdown, &result.rshutdown, i == 1);
    if (result.output_limit_hit) {
      sum->output_limit_hit = 1;
      Stop(l, PHPTRUN_RESIDENT_STOP_FATAL, i);
      break;
    }
    Sample(l, i, started, output_start, 0);
  }
  r->loop_ms = NowMs() - loop_start;
  StopFlusher(l);
  return r->stop == PHPTRUN_RESIDENT_STOP_RINIT && r->stopped_in == 1 ? -1 : 0;
}

/* ---- entry ---------------------------------------------------------------------------------- */

int phptrun_resident_run(const phptrun_request *request, const phptrun_resident_config *config,
                         const phptrun_resident_sink *sink, phptrun_resident_result *result) {
  memset(result, 0, sizeof *result);
  memset(&g_loop, 0, sizeof g_loop);
  g_loop.request = request;
  g_loop.config = config;
  g_loop.sink = sink;
  g_loop.result = result;
  g_loop.pcre_cache = FindPcreCache();

  if (config->mode == PHPTRUN_RESIDENT_REQUESTS) return RequestsLoop(&g_loop);

  phptrun_request one = *request;
  one.keep_stdio_open = 1;
  one.run_script = config->mode == PHPTRUN_RESIDENT_WORKER ? WorkerLoop : ReloadLoop;
  one.run_script_arg = &g_loop;
  int rc = phptrun_engine_run_request(&one, &result->request);
  if (rc != 0) Stop(&g_loop, PHPTRUN_RESIDENT_STOP_RINIT, 1);
  return rc;
}
