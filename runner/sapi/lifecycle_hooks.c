/* The lifecycle tracer's engine hooks. See lifecycle_hooks.h for what is
 * hooked and why; docs/tracing.md for what the spans built from it mean. */
#define _GNU_SOURCE /* memrchr, used by Zend headers */
#include "runner/sapi/lifecycle_hooks.h"

#include <stddef.h>
#include <string.h>

#include "SAPI.h"
#include "ext/standard/basic_functions.h"
#include "php.h"
#include "php_main.h"
#include "php_output.h"
#include "zend_extensions.h"
#include "zend_observer.h"

static int g_heap_ready; /* the Zend MM heap exists: zend_startup ran, MSHUTDOWN did not end */

/* ---- recording ------------------------------------------------------------ */

static int64_t Heap(void) { return g_heap_ready ? (int64_t)zend_memory_usage(0) : -1; }
static int64_t HeapPeak(void) { return g_heap_ready ? (int64_t)zend_memory_peak_usage(0) : -1; }

/* Where persistent (malloc) bytes are sampled. mallinfo2() is cheap with
 * malloc's state in the cache, but costs 10-50 us in a freshly forked case
 * process, where it walks the worker's free chunks cold; sampled at every
 * hook it was most of the tracer's cost. So:
 *   - the first engine's startup (the worker's MINIT): every extension's
 *     MINIT, the INI and registration edges;
 *   - every phase edge of a request (two adjacent edges share one sample)
 *     and the end of its first compile, which ends the compile phase;
 *   - restarts' SINIT/MINIT/MSHUTDOWN/SSHUTDOWN edges (rare);
 *   - never the per-request hooks of extensions. */
static int g_first_engine = 1; /* no engine of this process has shut down yet */
static int g_compile_sampled;  /* the first compile of this script run has its figure */

static int WantsPersistent(uint8_t type, uint8_t what) {
  switch (what) {
    case PHPTRUN_HOOK_MINIT:
    case PHPTRUN_HOOK_ZEXT_STARTUP:
    case PHPTRUN_MARK_INI:
    case PHPTRUN_MARK_REGISTER_BEGIN:
    case PHPTRUN_MARK_REGISTER_END:
      return g_first_engine ? PHPTRUN_PERSISTENT_SAMPLE : PHPTRUN_PERSISTENT_SKIP;
    case PHPTRUN_HOOK_COMPILE:
      if (type != PHPTRUN_EVENT_END || g_compile_sampled) return PHPTRUN_PERSISTENT_SKIP;
      g_compile_sampled = 1;
      return PHPTRUN_PERSISTENT_SAMPLE;
    default:
      return PHPTRUN_PERSISTENT_SKIP;
  }
}

static int PhasePersistent(int type, int phase) {
  /* execute begins where RINIT ended, RSHUTDOWN where execute ended. */
  if (type == PHPTRUN_EVENT_BEGIN &&
      (phase == PHPTRUN_PHASE_EXECUTE || phase == PHPTRUN_PHASE_RSHUTDOWN)) {
    return PHPTRUN_PERSISTENT_REUSE;
  }
  return PHPTRUN_PERSISTENT_SAMPLE;
}

static void Record(uint8_t type, uint8_t what, uint16_t flags, uint32_t name) {
  phptrun_log_record(type, what, flags, name, Heap(), HeapPeak(), WantsPersistent(type, what));
}

static void Mark(uint8_t what) { Record(PHPTRUN_EVENT_MARK, what, 0, 0); }

static uint32_t Name(const char *name) { return name ? phptrun_log_name(name, strlen(name)) : 0; }

/* ---- modules -------------------------------------------------------------- */

typedef zend_result (*StartupFunc)(int type, int module_number);
typedef zend_result (*PostDeactivateFunc)(void);

enum { kMaxModules = 512, kMaxPostDeactivate = 16, kMaxZendExtensions = 8 };

/* A wrapped module: its entry and the functions it had. Indexed by
 * module_number; records from an earlier engine in this process (a case
 * that restarted its engine) stay until their number is reused. */
typedef struct HookedModule {
  zend_module_entry *entry;
  int live;       /* wrapped in the engine running now */
  int was_static; /* no dl handle: the entry outlives the engine */
  uint32_t name;  /* in the event log's kept names */
  StartupFunc minit, mshutdown, rinit, rshutdown;
  PostDeactivateFunc post_deactivate;
  int post_slot; /* trampoline index, -1 for none */
} HookedModule;

static HookedModule g_modules[kMaxModules];
static int g_post_slots[kMaxPostDeactivate]; /* module number + 1, 0 = free */
static int g_swept;                          /* the php.ini extensions are wrapped */
static int (*g_register_next)(void);

static zend_result MinitWrapper(int type, int module_number);
static zend_result MshutdownWrapper(int type, int module_number);
static zend_result RinitWrapper(int type, int module_number);
static zend_result RshutdownWrapper(int type, int module_number);
static PostDeactivateFunc PostDeactivateTrampoline(int slot);
static void WrapZendExtensions(void);

static HookedModule *Lookup(int module_number) {
  if (module_number < 0 || module_number >= kMaxModules) return NULL;
  HookedModule *h = &g_modules[module_number];
  return h->entry ? h : NULL;
}

/* The functions a module had before any of our wrappers: its current ones,
 * unless a wrapper from an earlier engine is still in place. */
static int FindOriginals(zend_module_entry *m, HookedModule *out) {
  out->minit = m->module_startup_func;
  out->mshutdown = m->module_shutdown_func;
  out->rinit = m->request_startup_func;
  out->rshutdown = m->request_shutdown_func;
  out->post_deactivate = m->post_deactivate_func;
  if (out->mshutdown != MshutdownWrapper) return 1; /* every wrapped module has it */
  for (int i = 0; i < kMaxModules; ++i) {
    if (g_modules[i].entry == m && !g_modules[i].live) {
      out->minit = g_modules[i].minit;
      out->mshutdown = g_modules[i].mshutdown;
      out->rinit = g_modules[i].rinit;
      out->rshutdown = g_modules[i].rshutdown;
      out->post_deactivate = g_modules[i].post_deactivate;
      return 1;
    }
  }
  return 0; /* wrapped, originals lost: leave the module alone */
}

static void WrapModule(zend_module_entry *m) {
  HookedModule *h =
      m->module_number >= 0 && m->module_number < kMaxModules ? &g_modules[m->module_number] : NULL;
  if (!h || (h->live && h->entry == m)) return;
  HookedModule fresh;
  memset(&fresh, 0, sizeof fresh);
  if (!FindOriginals(m, &fresh)) return;
  fresh.entry = m;
  fresh.live = 1;
  fresh.was_static = m->handle == NULL;
  fresh.name = Name(m->name);
  fresh.post_slot = -1;
  if (fresh.post_deactivate) {
    for (int i = 0; i < kMaxPostDeactivate; ++i) {
      if (!g_post_slots[i]) {
        g_post_slots[i] = m->module_number + 1;
        fresh.post_slot = i;
        break;
      }
    }
  }
  *h = fresh;
  /* MINIT and MSHUTDOWN get a wrapper even when the module has none, so
   * every loaded extension shows in both phases; request hooks only when
   * there is one, so the engine calls nothing more per request. A module
   * that has already started keeps its MINIT (there is nothing to time). */
  if (!m->module_started) m->module_startup_func = MinitWrapper;
  m->module_shutdown_func = MshutdownWrapper;
  if (h->rinit) m->request_startup_func = RinitWrapper;
  if (h->rshutdown) m->request_shutdown_func = RshutdownWrapper;
  if (h->post_slot >= 0) m->post_deactivate_func = PostDeactivateTrampoline(h->post_slot);
}

static void Unwrap(HookedModule *h) {
  zend_module_entry *m = h->entry;
  if (m->module_startup_func == MinitWrapper) m->module_startup_func = h->minit;
  if (m->module_shutdown_func == MshutdownWrapper) m->module_shutdown_func = h->mshutdown;
  if (m->request_startup_func == RinitWrapper) m->request_startup_func = h->rinit;
  if (m->request_shutdown_func == RshutdownWrapper) m->request_shutdown_func = h->rshutdown;
  if (h->post_slot >= 0 && m->post_deactivate_func == PostDeactivateTrampoline(h->post_slot)) {
    m->post_deactivate_func = h->post_deactivate;
  }
  if (h->post_slot >= 0) g_post_slots[h->post_slot] = 0;
  h->live = 0;
}

/* Wraps every registered module not wrapped yet. */
static void SweepModules(void) {
  zend_module_entry *m;
  ZEND_HASH_MAP_FOREACH_PTR(&module_registry, m) { WrapModule(m); }
  ZEND_HASH_FOREACH_END();
}

/* Calls a hook between BEGIN and END events. A bailout out of the hook is
 * recorded and passed on. */
#define TIMED_HOOK(what, name, call)                                    \
  do {                                                                  \
    Record(PHPTRUN_EVENT_BEGIN, (what), 0, (name));                     \
    zend_try { call; }                                                  \
    zend_catch {                                                        \
      Record(PHPTRUN_EVENT_END, (what), PHPTRUN_EVENT_BAILOUT, (name)); \
      zend_bailout();                                                   \
    }                                                                   \
    zend_end_try();                                                     \
    Record(PHPTRUN_EVENT_END, (what), 0, (name));                       \
  } while (0)

static zend_result MinitWrapper(int type, int module_number) {
  if (!g_swept) {
    /* zend_startup_modules() runs after php.ini's extensions were loaded
     * and registered: wrap them before their MINIT, and the Zend
     * extensions before zend_startup_extensions(). */
    g_swept = 1;
    SweepModules();
    WrapZendExtensions();
  }
  HookedModule *h = Lookup(module_number);
  if (!h) return SUCCESS;
  volatile zend_result result = SUCCESS;
  StartupFunc original = h->minit;
  TIMED_HOOK(PHPTRUN_HOOK_MINIT, h->name, if (original) result = original(type, module_number));
  return result;
}

static zend_result MshutdownWrapper(int type, int module_number) {
  HookedModule *h = Lookup(module_number);
  if (!h) return SUCCESS;
  volatile zend_result result = SUCCESS;
  StartupFunc original = h->mshutdown;
  TIMED_HOOK(PHPTRUN_HOOK_MSHUTDOWN, h->name, if (original) result = original(type, module_number));
  /* The module is on its way out (a shared one is unloaded next): give it
   * its own functions back while its entry is still there. */
  Unwrap(h);
  return result;
}

static zend_result RinitWrapper(int type, int module_number) {
  HookedModule *h = Lookup(module_number);
  if (!h || !h->rinit) return SUCCESS;
  volatile zend_result result = SUCCESS;
  StartupFunc original = h->rinit;
  TIMED_HOOK(PHPTRUN_HOOK_RINIT, h->name, result = original(type, module_number));
  return result;
}

static zend_result RshutdownWrapper(int type, int module_number) {
  HookedModule *h = Lookup(module_number);
  if (!h || !h->rshutdown) return SUCCESS;
  volatile zend_result result = SUCCESS;
  StartupFunc original = h->rshutdown;
  TIMED_HOOK(PHPTRUN_HOOK_RSHUTDOWN, h->name, result = original(type, module_number));
  return result;
}

static zend_result PostDeactivateAt(int slot) {
  HookedModule *h = Lookup(g_post_slots[slot] - 1);
  if (!h || !h->post_deactivate) return SUCCESS;
  volatile zend_result result = SUCCESS;
  PostDeactivateFunc original = h->post_deactivate;
  TIMED_HOOK(PHPTRUN_HOOK_POST_DEACTIVATE, h->name, result = original());
  return result;
}

#define POST_DEACTIVATE_TRAMPOLINE(i) \
  static zend_result PostDeactivate##i(void) { return PostDeactivateAt(i); }
POST_DEACTIVATE_TRAMPOLINE(0)
POST_DEACTIVATE_TRAMPOLINE(1)
POST_DEACTIVATE_TRAMPOLINE(2)
POST_DEACTIVATE_TRAMPOLINE(3)
POST_DEACTIVATE_TRAMPOLINE(4)
POST_DEACTIVATE_TRAMPOLINE(5)
POST_DEACTIVATE_TRAMPOLINE(6)
POST_DEACTIVATE_TRAMPOLINE(7)
POST_DEACTIVATE_TRAMPOLINE(8)
POST_DEACTIVATE_TRAMPOLINE(9)
POST_DEACTIVATE_TRAMPOLINE(10)
POST_DEACTIVATE_TRAMPOLINE(11)
POST_DEACTIVATE_TRAMPOLINE(12)
POST_DEACTIVATE_TRAMPOLINE(13)
POST_DEACTIVATE_TRAMPOLINE(14)
POST_DEACTIVATE_TRAMPOLINE(15)

static PostDeactivateFunc PostDeactivateTrampoline(int slot) {
  static const PostDeactivateFunc kTrampolines[kMaxPostDeactivate] = {
      PostDeactivate0,  PostDeactivate1,  PostDeactivate2,  PostDeactivate3,
      PostDeactivate4,  PostDeactivate5,  PostDeactivate6,  PostDeactivate7,
      PostDeactivate8,  PostDeactivate9,  PostDeactivate10, PostDeactivate11,
      PostDeactivate12, PostDeactivate13, PostDeactivate14, PostDeactivate15};
  return kTrampolines[slot];
}

/* The registration of static extensions: runs after zend_startup() and
 * php.ini parsing, before php.ini's extensions are loaded. */
static int RegisterInternalExtensionsHook(void) {
  g_heap_ready = 1;
  Mark(PHPTRUN_MARK_REGISTER_BEGIN);
  int result = g_register_next();
  SweepModules();
  Mark(PHPTRUN_MARK_REGISTER_END);
  return result;
}

/* ---- Zend extensions ------------------------------------------------------ */

typedef struct HookedZendExtension {
  zend_extension *ext; /* the engine's copy, in the zend_extensions list */
  uint32_t name;
  startup_func_t startup;
  shutdown_func_t shutdown;
  activate_func_t activate;
  deactivate_func_t deactivate;
} HookedZendExtension;

static HookedZendExtension g_zexts[kMaxZendExtensions];
static int g_zext_count;

static HookedZendExtension *LookupZendExtension(zend_extension *ext) {
  for (int i = 0; i < g_zext_count; ++i) {
    if (g_zexts[i].ext == ext) return &g_zexts[i];
  }
  return NULL;
}

static int ZextStartupWrapper(zend_extension *ext) {
  HookedZendExtension *h = LookupZendExtension(ext);
  if (!h || !h->startup) return SUCCESS;
  volatile int result = SUCCESS;
  startup_func_t original = h->startup;
  TIMED_HOOK(PHPTRUN_HOOK_ZEXT_STARTUP, h->name, result = original(ext));
  return result;
}

static void ZextShutdownWrapper(zend_extension *ext) {
  HookedZendExtension *h = LookupZendExtension(ext);
  if (!h || !h->shutdown) return;
  shutdown_func_t original = h->shutdown;
  TIMED_HOOK(PHPTRUN_HOOK_ZEXT_SHUTDOWN, h->name, original(ext));
}

static void ZextActivateAt(int i) {
  activate_func_t original = g_zexts[i].activate;
  if (original) TIMED_HOOK(PHPTRUN_HOOK_ZEXT_ACTIVATE, g_zexts[i].name, original());
}

static void ZextDeactivateAt(int i) {
  deactivate_func_t original = g_zexts[i].deactivate;
  if (original) TIMED_HOOK(PHPTRUN_HOOK_ZEXT_DEACTIVATE, g_zexts[i].name, original());
}

#define ZEXT_TRAMPOLINES(i)                                \
  static void ZextActivate##i(void) { ZextActivateAt(i); } \
  static void ZextDeactivate##i(void) { ZextDeactivateAt(i); }
ZEXT_TRAMPOLINES(0)
ZEXT_TRAMPOLINES(1)
ZEXT_TRAMPOLINES(2)
ZEXT_TRAMPOLINES(3)
ZEXT_TRAMPOLINES(4)
ZEXT_TRAMPOLINES(5)
ZEXT_TRAMPOLINES(6)
ZEXT_TRAMPOLINES(7)

static const activate_func_t kZextActivate[kMaxZendExtensions] = {
    ZextActivate0, ZextActivate1, ZextActivate2, ZextActivate3,
    ZextActivate4, ZextActivate5, ZextActivate6, ZextActivate7};
static const deactivate_func_t kZextDeactivate[kMaxZendExtensions] = {
    ZextDeactivate0, ZextDeactivate1, ZextDeactivate2, ZextDeactivate3,
    ZextDeactivate4, ZextDeactivate5, ZextDeactivate6, ZextDeactivate7};

/* The list holds the engine's own copies of the zend_extension structs (a
 * new copy for every engine started), so a wrapper never outlives them. */
static void WrapZendExtensions(void) {
  g_zext_count = 0;
  for (zend_llist_element *el = zend_extensions.head; el; el = el->next) {
    if (g_zext_count == kMaxZendExtensions) break;
    zend_extension *ext = (zend_extension *)el->data;
    int i = g_zext_count++;
    HookedZendExtension *h = &g_zexts[i];
    h->ext = ext;
    h->name = Name(ext->name);
    h->startup = ext->startup;
    h->shutdown = ext->shutdown;
    h->activate = ext->activate;
    h->deactivate = ext->deactivate;
    if (ext->startup) ext->startup = ZextStartupWrapper;
    if (ext->shutdown) ext->shutdown = ZextShutdownWrapper;
    if (ext->activate) ext->activate = kZextActivate[i];
    if (ext->deactivate) ext->deactivate = kZextDeactivate[i];
  }
}

/* ---- compiles ------------------------------------------------------------- */

static zend_op_array *(*g_compile_file_next)(zend_file_handle *, int);
static zend_op_array *(*g_compile_string_next)(zend_string *, const char *, zend_compile_position);

static uint32_t FileName(zend_file_handle *file) {
  zend_string *path = file->opened_path ? file->opened_path : file->filename;
  return path ? phptrun_log_name(ZSTR_VAL(path), ZSTR_LEN(path)) : 0;
}

static zend_op_array *CompileFileWrapper(zend_file_handle *file, int type) {
  /* An include's handle may get its resolved path only as it is opened,
   * inside the compile: the END event names the file again if so. */
  int had_path = file->opened_path != NULL;
  uint32_t name = FileName(file);
  zend_op_array *volatile op_array = NULL;
  Record(PHPTRUN_EVENT_BEGIN, PHPTRUN_HOOK_COMPILE, 0, name);
  zend_try { op_array = g_compile_file_next(file, type); }
  zend_catch {
    Record(PHPTRUN_EVENT_END, PHPTRUN_HOOK_COMPILE, PHPTRUN_EVENT_BAILOUT, name);
    zend_bailout();
  }
  zend_end_try();
  if (!had_path && file->opened_path) name = FileName(file);
  Record(PHPTRUN_EVENT_END, PHPTRUN_HOOK_COMPILE, 0, name);
  return op_array;
}

static zend_op_array *CompileStringWrapper(zend_string *source, const char *filename,
                                           zend_compile_position position) {
  uint32_t name = Name(filename);
  zend_op_array *volatile op_array = NULL;
  TIMED_HOOK(PHPTRUN_HOOK_COMPILE, name,
             op_array = g_compile_string_next(source, filename, position));
  return op_array;
}

/* ---- SAPI callbacks ------------------------------------------------------- */

static void (*g_sapi_ini_defaults)(HashTable *);
static int (*g_sapi_activate)(void);
static int (*g_sapi_deactivate)(void);

static void IniDefaultsWrapper(HashTable *configuration) {
  g_heap_ready = 1; /* php_init_config() runs after zend_startup() */
  Mark(PHPTRUN_MARK_INI);
  if (g_sapi_ini_defaults) g_sapi_ini_defaults(configuration);
}

static int ActivateWrapper(void) {
  int result = g_sapi_activate ? g_sapi_activate() : SUCCESS;
  if (g_heap_ready) Mark(PHPTRUN_MARK_SAPI_ACTIVATED);
  return result;
}

static int DeactivateWrapper(void) {
  if (g_heap_ready) Mark(PHPTRUN_MARK_SAPI_DEACTIVATE_BEGIN);
  int result = g_sapi_deactivate ? g_sapi_deactivate() : SUCCESS;
  if (g_heap_ready) Mark(PHPTRUN_MARK_SAPI_DEACTIVATE_END);
  return result;
}

/* ---- request shutdown ----------------------------------------------------- */

/* The final flush of output buffers (php_output_end_all) has no hook of its
 * own. When the top buffer's handler is internal (ob_start() without a
 * callback, output_buffering), its function is swapped for one that marks
 * the first final operation, then calls it. A user callback cannot be
 * swapped without showing in backtraces, so the edge is then inferred. */
static php_output_handler *g_probe_handler;
static php_output_handler_context_func_t g_probe_original;
static int g_probe_fired;

static zend_result OutputProbe(void **handler_context, php_output_context *context) {
  php_output_handler *handler =
      (php_output_handler *)((char *)handler_context - offsetof(php_output_handler, opaq));
  if (handler == g_probe_handler && !g_probe_fired && (context->op & PHP_OUTPUT_HANDLER_FINAL)) {
    g_probe_fired = 1;
    Mark(PHPTRUN_MARK_OUTPUT_FLUSH_BEGIN);
  }
  return g_probe_original(handler_context, context);
}

static void ArmOutputProbe(void) {
  php_output_handler *top = OG(active);
  g_probe_handler = NULL;
  g_probe_fired = 0;
  if (!top) {
    Mark(PHPTRUN_MARK_OUTPUT_NONE);
  } else if (!(top->flags & PHP_OUTPUT_HANDLER_USER) && top->func.internal &&
             top->func.internal != OutputProbe) {
    g_probe_handler = top;
    g_probe_original = top->func.internal;
    top->func.internal = OutputProbe;
    Mark(PHPTRUN_MARK_OUTPUT_ARMED);
  } else {
    Mark(PHPTRUN_MARK_OUTPUT_UNOBSERVABLE);
  }
}

/* The end of the user's shutdown functions: an internal function appended
 * after them. php_call_shutdown_functions() also runs functions registered
 * while it runs, so when more were added after the marker it appends itself
 * again; it marks the end only when it is the last. It is never in the
 * function table, so scripts cannot see or call it. */
static zend_function g_marker;
static uint32_t g_marker_position; /* nNumUsed right after the marker was appended */

static void AppendMarker(void) {
  php_shutdown_function_entry entry;
  memset(&entry, 0, sizeof entry);
  entry.fci.size = sizeof(zend_fcall_info);
  ZVAL_UNDEF(&entry.fci.function_name);
  entry.fci_cache.function_handler = &g_marker;
  append_user_shutdown_function(&entry);
  g_marker_position = BG(user_shutdown_function_names)->nNumUsed;
}

static ZEND_NAMED_FUNCTION(ShutdownMarker) {
  HashTable *functions = BG(user_shutdown_function_names);
  if (functions && functions->nNumUsed > g_marker_position) {
    AppendMarker();
    return;
  }
  Mark(PHPTRUN_MARK_SHUTDOWN_FUNCTIONS_DONE);
  ArmOutputProbe();
}

static void PlaceShutdownMarker(void) {
  if (!BG(user_shutdown_function_names) ||
      zend_hash_num_elements(BG(user_shutdown_function_names)) == 0) {
    /* No shutdown functions: that step is empty. Not creating the list
     * keeps the request exactly as it was. */
    Mark(PHPTRUN_MARK_SHUTDOWN_FUNCTIONS_DONE);
    ArmOutputProbe();
    return;
  }
  if (ZEND_OBSERVER_ENABLED || !g_marker.internal_function.function_name) {
    /* Observers expect run-time caches an ad-hoc function lacks: leave the
     * edge unobserved (the span builder infers it). */
    return;
  }
  AppendMarker();
}

static void InitMarker(void) {
  if (g_marker.internal_function.function_name) return;
  static const char kName[] = "phptrun\\shutdown_marker";
  g_marker.internal_function.type = ZEND_INTERNAL_FUNCTION;
  g_marker.internal_function.fn_flags = ZEND_ACC_PUBLIC;
  g_marker.internal_function.function_name = zend_string_init(kName, sizeof kName - 1, 1);
  g_marker.internal_function.handler = ShutdownMarker;
}

/* ---- the interface -------------------------------------------------------- */

void phptrun_lifecycle_enable(int on) { phptrun_log_set_enabled(on); }

int phptrun_lifecycle_enabled(void) { return phptrun_log_enabled(); }

void phptrun_lifecycle_attach_sapi(struct _sapi_module_struct *sapi) {
  if (!phptrun_log_enabled()) return;
  /* Called before every MINIT: a slot the engine set again since (its
   * personality, a restart) gets wrapped again, a wrapped one stays. */
  if (sapi->ini_defaults != IniDefaultsWrapper) {
    g_sapi_ini_defaults = sapi->ini_defaults;
    sapi->ini_defaults = IniDefaultsWrapper;
  }
  if (sapi->activate != ActivateWrapper) {
    g_sapi_activate = sapi->activate;
    sapi->activate = ActivateWrapper;
  }
  if (sapi->deactivate != DeactivateWrapper) {
    g_sapi_deactivate = sapi->deactivate;
    sapi->deactivate = DeactivateWrapper;
  }
}

void phptrun_lifecycle_phase_begin(int phase, int64_t heap) {
  if (!phptrun_log_enabled()) return;
  if (phase == PHPTRUN_PHASE_MINIT) {
    g_swept = 0;
    for (int i = 0; i < kMaxModules; ++i) g_modules[i].live = 0;
    if (php_register_internal_extensions_func != RegisterInternalExtensionsHook) {
      g_register_next = php_register_internal_extensions_func;
      php_register_internal_extensions_func = RegisterInternalExtensionsHook;
    }
  }
  if (phase == PHPTRUN_PHASE_EXECUTE) g_compile_sampled = 0;
  phptrun_log_record(PHPTRUN_EVENT_BEGIN, (uint8_t)phase, 0, 0, g_heap_ready ? heap : -1, -1,
                     PhasePersistent(PHPTRUN_EVENT_BEGIN, phase));
  if (phase == PHPTRUN_PHASE_RSHUTDOWN) PlaceShutdownMarker();
}

void phptrun_lifecycle_phase_end(int phase, int64_t heap, int64_t heap_peak) {
  if (!phptrun_log_enabled()) return;
  if (phase == PHPTRUN_PHASE_MINIT) {
    php_register_internal_extensions_func = g_register_next;
    /* What registered during zend_startup_extensions() (OPcache's module)
     * gets its request and shutdown hooks wrapped; its MINIT has run. */
    SweepModules();
    if (!g_swept) WrapZendExtensions();
    g_swept = 1;
    g_compile_file_next = zend_compile_file;
    zend_compile_file = CompileFileWrapper;
    g_compile_string_next = zend_compile_string;
    zend_compile_string = CompileStringWrapper;
    InitMarker();
    phptrun_log_keep_names();
  }
  /* After MSHUTDOWN the memory manager is gone; engine.c's figures are 0. */
  int heap_known =
      g_heap_ready && phase != PHPTRUN_PHASE_MSHUTDOWN && phase != PHPTRUN_PHASE_SSHUTDOWN;
  phptrun_log_record(PHPTRUN_EVENT_END, (uint8_t)phase, 0, 0, heap_known ? heap : -1,
                     heap_known ? heap_peak : -1, PhasePersistent(PHPTRUN_EVENT_END, phase));
  if (phase == PHPTRUN_PHASE_MSHUTDOWN) {
    /* The heap is gone, and the next engine (a restart) re-registers the
     * static modules from the same entries: hand them back their own
     * functions where MSHUTDOWN did not already. */
    g_heap_ready = 0;
    g_first_engine = 0;
    for (int i = 0; i < kMaxModules; ++i) {
      if (g_modules[i].live && g_modules[i].was_static) Unwrap(&g_modules[i]);
    }
  }
}
