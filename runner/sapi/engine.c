/* phptrun's SAPI over libphp: the SAPI table, the lifecycle phases and the
 * pieces of CLI behaviour that phpt tests can observe. See engine.h.
 *
 * One file of more than 600 lines on purpose: the SAPI callbacks, the phases
 * and the INI a request applies and undoes all work on the static state of
 * this process's engine below; split, that state would have to be extern
 * and every part could change it. */
#define _GNU_SOURCE /* memrchr, used by Zend headers */
#include "runner/sapi/engine.h"
#include "runner/sapi/cli_compat.h"
#include "runner/sapi/lifecycle_hooks.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "php.h"
#include "php_ini.h"
#include "php_main.h"
#include "php_variables.h"
#include "SAPI.h"
#include "zend_ini.h"
#include "zend_ini_scanner.h"
#include "zend_extensions.h"
#include "zend_signal.h"

/* What the CLI SAPI forces over php.ini (sapi/cli's hard-coded INI): the
 * same settings make tests see the same engine. */
static const char kCliForcedIni[] =
    "html_errors=0\n"
    "register_argc_argv=1\n"
    "implicit_flush=1\n"
    "output_buffering=0\n"
    "max_execution_time=0\n"
    "max_input_time=-1\n";

/* ---- state of this process's engine -------------------------------------- */

static phptrun_engine_options g_options;
static char *g_ini_entries;       /* kCliForcedIni + options + restart extras */
static char *g_extra_ini;         /* the restart extras of the running engine */
static int g_started;             /* MINIT reached */
static int g_sapi_started;        /* SINIT reached */

/* Per request. */
static const phptrun_request *g_request;
static int64_t g_output_bytes;
static int g_output_limit_hit;
static double g_compile_ms;
static double g_compile_started_ms; /* non-zero while a compile runs */
static zend_op_array *(*g_previous_compile_file)(zend_file_handle *, int);

static double NowMs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int64_t HeapBytes(void) { return g_started ? (int64_t)zend_memory_usage(0) : 0; }

static void PhaseBegin(phptrun_phase_sample *s, double *t0, int phase) {
  s->heap_before = HeapBytes();
  if (g_started) zend_memory_reset_peak_usage();
  phptrun_lifecycle_phase_begin(phase, s->heap_before);
  *t0 = NowMs();
}

static void PhaseEnd(phptrun_phase_sample *s, double t0, int phase) {
  s->ms = NowMs() - t0;
  s->heap_after = HeapBytes();
  s->heap_peak = g_started ? (int64_t)zend_memory_peak_usage(0) : 0;
  if (s->heap_peak < s->heap_after) s->heap_peak = s->heap_after;
  phptrun_lifecycle_phase_end(phase, s->heap_after, s->heap_peak);
}

/* ---- SAPI callbacks ------------------------------------------------------- */

static int WriteAll(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Unbuffered, like the CLI: output interleaves with direct writes to fd 1
 * (fwrite(STDOUT)) and with child processes in the order they happen. */
static size_t UbWrite(const char *str, size_t len) {
  if (g_output_limit_hit) return len;
  size_t limit = g_request ? g_request->output_limit : 0;
  if (limit && (size_t)g_output_bytes + len > limit) {
    size_t room = limit - (size_t)g_output_bytes;
    WriteAll(STDOUT_FILENO, str, room);
    g_output_bytes += room;
    g_output_limit_hit = 1;
    /* Stop the script; output during shutdown is discarded from here on. */
    zend_bailout();
  }
  g_output_bytes += len;
  if (WriteAll(STDOUT_FILENO, str, len) != 0) {
    /* As the CLI: stdout is gone (closed by fclose(STDOUT), a dead reader),
     * so the "connection" is aborted and the script stops. */
    EG(exit_status) = 255;
    php_handle_aborted_connection();
  }
  return len;
}

static void Flush(void *server_context) {}

static int HeaderHandler(sapi_header_struct *header, sapi_header_op_enum op,
                         sapi_headers_struct *headers) {
  return 0; /* like the CLI: headers are not kept, headers_list() is empty */
}

static int SendHeaders(sapi_headers_struct *headers) { return SAPI_HEADER_SENT_SUCCESSFULLY; }

static void SendHeader(sapi_header_struct *header, void *server_context) {}

static char *ReadCookies(void) { return NULL; }

/* ---- the CGI personality: php-cgi's view of a request --------------------- */

#include "http_status_codes.h"

static void WriteHeaderLine(const char *text, size_t len) {
  WriteAll(STDOUT_FILENO, text, len);
  WriteAll(STDOUT_FILENO, "\r\n", 2);
}

static int HasPrefixNoCase(const char *s, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  return len > n && strncasecmp(s, prefix, n) == 0;
}

/* Headers as php-cgi writes them: a Status line when the response code is
 * not 200 (unless a Status header was set), each header, a blank line. */
static int CgiSendHeaders(sapi_headers_struct *headers) {
  if (SG(request_info).no_headers) return SAPI_HEADER_SENT_SUCCESSFULLY; /* php-cgi -q */
  int code = headers->http_response_code;
  int status_written = 0;
  if (code != 200) {
    const char *line = headers->http_status_line;
    const char *space = line ? strchr(line, ' ') : NULL;
    int has_status_header = 0;
    zend_llist_position pos;
    for (sapi_header_struct *h = zend_llist_get_first_ex(&headers->headers, &pos); h;
         h = zend_llist_get_next_ex(&headers->headers, &pos)) {
      if (HasPrefixNoCase(h->header, h->header_len, "Status:")) has_status_header = 1;
    }
    char buf[256];
    int len = -1;
    if (space && space - line >= 5 && strncasecmp(line, "HTTP/", 5) == 0) {
      len = snprintf(buf, sizeof buf, "Status:%s", space);
      code = atoi(space + 1);
    } else if (!has_status_header) {
      const http_response_status_code_pair *pair = http_status_map;
      while (pair->code != 0 && pair->code != code) pair++;
      len = pair->str ? snprintf(buf, sizeof buf, "Status: %d %s", code, pair->str)
                      : snprintf(buf, sizeof buf, "Status: %d", code);
    }
    if (len >= 0) {
      WriteHeaderLine(buf, (size_t)len < sizeof buf ? (size_t)len : sizeof buf - 1);
      status_written = 1;
    }
  }
  zend_llist_position pos;
  for (sapi_header_struct *h = zend_llist_get_first_ex(&headers->headers, &pos); h;
       h = zend_llist_get_next_ex(&headers->headers, &pos)) {
    if (!h->header_len) continue;
    if (HasPrefixNoCase(h->header, h->header_len, "Status:")) {
      if (!status_written) WriteHeaderLine(h->header, h->header_len);
      status_written = 1;
    } else if (!(code == 304 && HasPrefixNoCase(h->header, h->header_len, "Content-Type:"))) {
      WriteHeaderLine(h->header, h->header_len);
    }
  }
  WriteAll(STDOUT_FILENO, "\r\n", 2);
  return SAPI_HEADER_SENT_SUCCESSFULLY;
}

static size_t CgiReadPost(char *buffer, size_t count) {
  size_t remaining = (size_t)(SG(request_info).content_length - SG(read_post_bytes));
  if (count > remaining) count = remaining;
  size_t done = 0;
  while (done < count) {
    ssize_t n = read(STDIN_FILENO, buffer + done, count - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += (size_t)n;
  }
  return done;
}

static char *CgiReadCookies(void) { return getenv("HTTP_COOKIE"); }

/* While a request's INI is tried in the started engine, what handlers log
 * through the SAPI is held back: if an entry fails, the engine starts again
 * with it and its handler logs the same again, so the held copy is dropped
 * (the CLI would have logged it once, at startup). */
static int g_hold_log;
static char *g_held_log;
static size_t g_held_log_len;

static void LogMessage(const char *message, int syslog_type) {
  if (g_hold_log) {
    size_t len = strlen(message);
    char *grown = realloc(g_held_log, g_held_log_len + len + 2);
    if (grown) {
      g_held_log = grown;
      memcpy(g_held_log + g_held_log_len, message, len);
      g_held_log[g_held_log_len + len] = '\n';
      g_held_log_len += len + 1;
      g_held_log[g_held_log_len] = '\0';
    }
    return;
  }
  fprintf(stderr, "%s\n", message);
  fflush(stderr);
}

/* Ends holding back; writes what was held when `emit`, else drops it. */
static void ReleaseHeldLog(int emit) {
  g_hold_log = 0;
  if (emit && g_held_log_len) {
    fwrite(g_held_log, 1, g_held_log_len, stderr);
    fflush(stderr);
  }
  free(g_held_log);
  g_held_log = NULL;
  g_held_log_len = 0;
}

static int Deactivate(void) {
  fflush(stdout);
  return SUCCESS;
}

static void RegisterServerVariable(const char *name, const char *value, zval *track_vars) {
  char *filtered = estrdup(value);
  size_t len = strlen(filtered);
  if (sapi_module.input_filter(PARSE_SERVER, (char *)name, &filtered, len, &len)) {
    php_register_variable((char *)name, filtered, track_vars);
  }
  efree(filtered);
}

/* $_SERVER as the CLI fills it for `php -f FILE`, or as php-cgi does: the
 * environment, and PHP_SELF made of SCRIPT_NAME and PATH_INFO. */
static void RegisterServerVariables(zval *track_vars) {
  php_import_environment_variables(track_vars);
  if (g_options.cgi) {
    const char *script_name = SG(request_info).request_uri;
    const char *path_info = getenv("PATH_INFO");
    char *self = NULL;
    if (script_name) {
      size_t len = strlen(script_name) + (path_info ? strlen(path_info) : 0) + 1;
      self = emalloc(len);
      snprintf(self, len, "%s%s", script_name, path_info ? path_info : "");
    }
    RegisterServerVariable("PHP_SELF", self ? self : "", track_vars);
    if (self) efree(self);
    return;
  }
  const char *script = g_request && g_request->script_path ? g_request->script_path : "";
  RegisterServerVariable("PHP_SELF", script, track_vars);
  RegisterServerVariable("SCRIPT_NAME", script, track_vars);
  RegisterServerVariable("SCRIPT_FILENAME", script, track_vars);
  RegisterServerVariable("PATH_TRANSLATED", script, track_vars);
  RegisterServerVariable("DOCUMENT_ROOT", "", track_vars);
}

static void IniDefaults(HashTable *configuration) {
  zval value;
  ZVAL_NEW_STR(&value, zend_string_init("1", 1, 1));
  zend_hash_str_update(configuration, "display_errors", sizeof("display_errors") - 1, &value);
}

static int Startup(sapi_module_struct *module) {
  return php_module_startup(module, NULL) == SUCCESS ? SUCCESS : FAILURE;
}

static sapi_module_struct g_sapi = {
    .name = "cli",
    .pretty_name = "Command Line Interface",
    .startup = Startup,
    .shutdown = NULL,
    .activate = NULL,
    .deactivate = Deactivate,
    .ub_write = UbWrite,
    .flush = Flush,
    .get_stat = NULL,
    .getenv = NULL,
    .sapi_error = php_error,
    .header_handler = HeaderHandler,
    .send_headers = SendHeaders,
    .send_header = SendHeader,
    .read_post = NULL,
    .read_cookies = ReadCookies,
    .register_server_variables = RegisterServerVariables,
    .log_message = LogMessage,
    .get_request_time = NULL,
    .terminate_process = NULL,
    .php_ini_path_override = NULL,
    .default_post_reader = NULL,
    .treat_data = NULL,
    .executable_location = NULL,
    .php_ini_ignore = 0,
    .php_ini_ignore_cwd = 1,
    .get_fd = NULL,
    .force_http_10 = NULL,
    .get_target_uid = NULL,
    .get_target_gid = NULL,
    .input_filter = NULL,
    .ini_defaults = IniDefaults,
    .phpinfo_as_text = 1,
    .ini_entries = NULL,
    .additional_functions = phptrun_cli_functions,
    .input_filter_init = NULL,
};

/* ---- compile timing ------------------------------------------------------- */

static zend_op_array *TimedCompileFile(zend_file_handle *file, int type) {
  double t0 = NowMs();
  g_compile_started_ms = t0;
  zend_op_array *op_array = g_previous_compile_file(file, type);
  g_compile_started_ms = 0;
  g_compile_ms += NowMs() - t0;
  return op_array;
}

/* ---- lifecycle ------------------------------------------------------------ */

static void SetError(char *err, size_t err_size, const char *message) {
  if (err && err_size) snprintf(err, err_size, "%s", message);
}

static char *JoinIni(const char *a, const char *b, const char *c) {
  size_t la = a ? strlen(a) : 0, lb = b ? strlen(b) : 0, lc = c ? strlen(c) : 0;
  char *out = malloc(la + lb + lc + 3);
  if (!out) return NULL;
  char *p = out;
  memcpy(p, a ? a : "", la), p += la;
  if (lb) memcpy(p, b, lb), p += lb, *p++ = '\n';
  if (lc) memcpy(p, c, lc), p += lc, *p++ = '\n';
  *p = '\0';
  return out;
}

#ifdef ZTS
/* A thread-safe build keeps its globals per thread in TSRM, which every SAPI
 * starts first (the signal globals are among them). php_module_startup()
 * allocates its globals in TSRM again each time, so a restart of the engine
 * stops TSRM too (StopEngine) and starts it afresh, as a new process would. */
static int g_tsrm_started;

static void StartTsrm(void) {
  if (g_tsrm_started) return;
  php_tsrm_startup();
  zend_signal_startup();
  g_tsrm_started = 1;
}
#endif

static int StartEngine(const char *extra_ini, phptrun_startup_timing *timing, char *err,
                       size_t err_size) {
#ifdef ZTS
  StartTsrm();
#endif
  phptrun_startup_timing unused;
  if (!timing) timing = &unused;
  memset(timing, 0, sizeof *timing);

  if (extra_ini != g_extra_ini) {
    free(g_extra_ini);
    g_extra_ini = extra_ini && *extra_ini ? strdup(extra_ini) : NULL;
  }
  free(g_ini_entries);
  g_ini_entries = JoinIni(g_options.cgi ? "" : kCliForcedIni, g_options.ini_entries, g_extra_ini);
  if (!g_ini_entries) {
    SetError(err, err_size, "out of memory");
    return -1;
  }

  double t0;
  PhaseBegin(&timing->sinit, &t0, PHPTRUN_PHASE_SINIT);
  sapi_startup(&g_sapi);
  g_sapi_started = 1;
  PhaseEnd(&timing->sinit, t0, PHPTRUN_PHASE_SINIT);

  /* php_module_startup() copies g_sapi into sapi_module again, so these
   * settings take effect although sapi_startup() has already run. */
  g_sapi.name = (char *)(g_options.sapi_name ? g_options.sapi_name : "cli");
  /* What phpinfo() calls "Server API": the pretty names of php-src's CLI
   * and CGI SAPIs. */
  g_sapi.pretty_name = (char *)(g_options.cgi ? "CGI/FastCGI" : "Command Line Interface");
  g_sapi.executable_location = (char *)g_options.php_binary;
  g_sapi.php_ini_path_override = (char *)g_options.ini_path_override;
  g_sapi.php_ini_ignore = g_options.no_ini;
  g_sapi.ini_entries = g_ini_entries;
  /* The personality: the CLI's callbacks and extras, or php-cgi's. */
  g_sapi.header_handler = g_options.cgi ? NULL : HeaderHandler;
  g_sapi.send_headers = g_options.cgi ? CgiSendHeaders : SendHeaders;
  g_sapi.send_header = g_options.cgi ? NULL : SendHeader;
  g_sapi.read_post = g_options.cgi ? CgiReadPost : NULL;
  g_sapi.read_cookies = g_options.cgi ? CgiReadCookies : ReadCookies;
  g_sapi.additional_functions = g_options.cgi ? NULL : phptrun_cli_functions;
  g_sapi.ini_defaults = g_options.cgi ? NULL : IniDefaults;
  g_sapi.phpinfo_as_text = !g_options.cgi;

  /* The embed library's compiled-in conf.d is the embed SAPI's; use the
   * CLI's unless the user chose one, and only while php.ini is read. */
  int set_scan_dir = g_options.ini_scan_dir && !getenv("PHP_INI_SCAN_DIR");
  if (set_scan_dir) setenv("PHP_INI_SCAN_DIR", g_options.ini_scan_dir, 1);

  phptrun_lifecycle_attach_sapi(&g_sapi); /* after the personality's callbacks */
  PhaseBegin(&timing->minit, &t0, PHPTRUN_PHASE_MINIT);
  int ok = g_sapi.startup(&g_sapi) == SUCCESS;
  if (set_scan_dir) unsetenv("PHP_INI_SCAN_DIR");
  if (!ok) {
    SetError(err, err_size, "php_module_startup() failed");
    return -1;
  }
  g_started = 1;
  PhaseEnd(&timing->minit, t0, PHPTRUN_PHASE_MINIT);

  /* Installed after MINIT so that we wrap whatever extensions (OPcache)
   * installed. */
  g_previous_compile_file = zend_compile_file;
  zend_compile_file = TimedCompileFile;
  return 0;
}

int phptrun_engine_startup(const phptrun_engine_options *options,
                           phptrun_startup_timing *timing, char *err, size_t err_size) {
  g_options = *options;
  /* As the CLI: a closed reader must not kill the process. */
  signal(SIGPIPE, SIG_IGN);
#ifdef ZTS
  StartTsrm();
#else
  zend_signal_startup();
#endif
  return StartEngine(NULL, timing, err, err_size);
}

static void ForgetIniUndo(void);

static void StopEngine(phptrun_shutdown_timing *timing) {
  ForgetIniUndo();  /* the entries it would restore go with this engine */
  phptrun_shutdown_timing unused;
  if (!timing) timing = &unused;
  memset(timing, 0, sizeof *timing);
  double t0;
  if (g_started) {
    zend_compile_file = g_previous_compile_file;
    PhaseBegin(&timing->mshutdown, &t0, PHPTRUN_PHASE_MSHUTDOWN);
    php_module_shutdown();
    g_started = 0;
    PhaseEnd(&timing->mshutdown, t0, PHPTRUN_PHASE_MSHUTDOWN);
  }
  if (g_sapi_started) {
    PhaseBegin(&timing->sshutdown, &t0, PHPTRUN_PHASE_SSHUTDOWN);
    sapi_shutdown();
    g_sapi_started = 0;
    PhaseEnd(&timing->sshutdown, t0, PHPTRUN_PHASE_SSHUTDOWN);
  }
#ifdef ZTS
  if (g_tsrm_started) {
    tsrm_shutdown();
    g_tsrm_started = 0;
  }
#endif
}

void phptrun_engine_shutdown(phptrun_shutdown_timing *timing) {
  StopEngine(timing);
  free(g_ini_entries);
  g_ini_entries = NULL;
  free(g_extra_ini);
  g_extra_ini = NULL;
}

int phptrun_engine_restart(const char *extra_ini, phptrun_startup_timing *timing, char *err,
                           size_t err_size) {
  StopEngine(NULL);
  return StartEngine(extra_ini, timing, err, err_size);
}

int phptrun_engine_restart_as(const phptrun_engine_options *options, const char *extra_ini,
                              phptrun_startup_timing *timing, char *err, size_t err_size) {
  StopEngine(NULL);
  g_options = *options;
  return StartEngine(extra_ini, timing, err, err_size);
}

/* ---- INI entries applied in a started engine ------------------------------ */

static int IsStartupOnlyKey(const char *key) {
  return strcmp(key, "extension") == 0 || strcmp(key, "zend_extension") == 0 ||
         strncmp(key, "opcache.", 8) == 0;
}

int phptrun_engine_ini_applies_at_runtime(const char *key) {
  if (!g_started || IsStartupOnlyKey(key)) return 0;
  zend_ini_entry *entry = zend_hash_str_find_ptr(EG(ini_directives), key, strlen(key));
  if (!entry) return 0;
  return (entry->modifiable & (ZEND_INI_USER | ZEND_INI_PERDIR)) != 0;
}

static int IniIsOn(const char *key) {
  zend_ini_entry *entry = zend_hash_str_find_ptr(EG(ini_directives), key, strlen(key));
  return entry && entry->value && zend_ini_parse_bool(entry->value);
}

int phptrun_engine_opcache_caches_scripts(void) {
  return g_started && zend_get_extension("Zend OPcache") && IniIsOn("opcache.enable") &&
         IniIsOn("opcache.enable_cli");
}

/* What ApplyIniAsStartupValue replaced, newest last, so that a process
 * serving another request can put it back (phptrun_engine_undo_runtime_ini).
 * The old strings are owned here until then. */
typedef struct IniUndo {
  zend_string *key;
  zend_string *value;  /* the entry's value before, may be NULL */
  zend_string *config; /* its configuration-hash value before, or NULL */
} IniUndo;
static IniUndo *g_ini_undo;
static size_t g_ini_undo_count, g_ini_undo_capacity;

static void RememberIni(zend_string *key, zend_string *value, zend_string *config) {
  if (g_ini_undo_count == g_ini_undo_capacity) {
    size_t capacity = g_ini_undo_capacity ? 2 * g_ini_undo_capacity : 16;
    g_ini_undo = realloc(g_ini_undo, capacity * sizeof *g_ini_undo);
    g_ini_undo_capacity = capacity;
  }
  IniUndo *undo = &g_ini_undo[g_ini_undo_count++];
  undo->key = zend_string_init(ZSTR_VAL(key), ZSTR_LEN(key), 1);
  undo->value = value;
  undo->config = config;
}

/* Sets an entry as php.ini would have: its on_modify handler runs at the
 * startup stage and the value becomes the entry's own (not a "modified"
 * local value), so ini_get_all() shows it as global and local value, and
 * get_cfg_var() sees it as -d would make it. */
static int ApplyIniAsStartupValue(zend_string *key, zend_string *value) {
  zend_ini_entry *entry = zend_hash_find_ptr(EG(ini_directives), key);
  if (!entry) return FAILURE;
  zend_string *stored = zend_string_init(ZSTR_VAL(value), ZSTR_LEN(value), 1);
  if (entry->on_modify &&
      entry->on_modify(entry, stored, entry->mh_arg1, entry->mh_arg2, entry->mh_arg3,
                       ZEND_INI_STAGE_STARTUP) != SUCCESS) {
    zend_string_release_ex(stored, 1);
    return FAILURE;
  }
  zval *old_config = zend_hash_find(php_ini_get_configuration_hash(), key);
  zend_string *config_before =
      old_config && Z_TYPE_P(old_config) == IS_STRING
          ? zend_string_init(Z_STRVAL_P(old_config), Z_STRLEN_P(old_config), 1)
          : NULL;
  RememberIni(key, entry->value, config_before);
  entry->value = stored;

  zval config;
  ZVAL_NEW_STR(&config, zend_string_init(ZSTR_VAL(value), ZSTR_LEN(value), 1));
  zend_hash_update(php_ini_get_configuration_hash(), key, &config);
  return SUCCESS;
}

static void ForgetIniUndo(void) {
  while (g_ini_undo_count > 0) {
    IniUndo *undo = &g_ini_undo[--g_ini_undo_count];
    if (undo->value && !ZSTR_IS_INTERNED(undo->value)) zend_string_release_ex(undo->value, 1);
    if (undo->config) zend_string_release_ex(undo->config, 1);
    zend_string_release_ex(undo->key, 1);
  }
}

int phptrun_engine_undo_runtime_ini(void) {
  int failed = 0;
  while (g_ini_undo_count > 0) {
    IniUndo *undo = &g_ini_undo[--g_ini_undo_count];
    zend_ini_entry *entry = zend_hash_find_ptr(EG(ini_directives), undo->key);
    if (!entry || (entry->on_modify &&
                   entry->on_modify(entry, undo->value, entry->mh_arg1, entry->mh_arg2,
                                    entry->mh_arg3, ZEND_INI_STAGE_STARTUP) != SUCCESS)) {
      failed = 1;
    } else {
      zend_string *current = entry->value;
      entry->value = undo->value;
      undo->value = NULL;
      if (current && !ZSTR_IS_INTERNED(current)) zend_string_release_ex(current, 1);
    }
    if (undo->config) {
      zval config;
      ZVAL_NEW_STR(&config, undo->config);
      zend_hash_update(php_ini_get_configuration_hash(), undo->key, &config);
    } else {
      zend_hash_del(php_ini_get_configuration_hash(), undo->key);
    }
    if (undo->value && !ZSTR_IS_INTERNED(undo->value)) zend_string_release_ex(undo->value, 1);
    zend_string_release_ex(undo->key, 1);
  }
  return failed ? -1 : 0;
}

static void RuntimeIniCallback(zval *key, zval *value, zval *index, int callback_type,
                               void *arg) {
  int *failed = arg;
  if (callback_type != ZEND_INI_PARSER_ENTRY || !key || !value) {
    *failed = 1; /* sections, arrays: only startup can take them */
    return;
  }
  if (Z_TYPE_P(key) != IS_STRING || Z_TYPE_P(value) != IS_STRING ||
      ApplyIniAsStartupValue(Z_STR_P(key), Z_STR_P(value)) != SUCCESS) {
    *failed = 1;
  }
}

/* Set while runtime INI is applied: any diagnostic an entry raises (an
 * invalid value, a deprecation) would be reported differently than at
 * startup ("Unknown:" instead of "PHP Startup:", after the script's output
 * instead of before), so it makes the entry a startup entry after all. */
static int g_ini_diagnostics;
static void (*g_previous_error_cb)(int, zend_string *, const uint32_t, zend_string *);

static void CountIniDiagnostic(int type, zend_string *file, const uint32_t line,
                               zend_string *message) {
  g_ini_diagnostics++;
}

/* 0 when every entry took effect as it would have at startup. */
static int ApplyRuntimeIni(const char *ini) {
  if (!ini || !*ini) return 0;
  int failed = 0;
  char *copy = strdup(ini);
  g_ini_diagnostics = 0;
  g_previous_error_cb = zend_error_cb;
  zend_error_cb = CountIniDiagnostic;
  g_hold_log = 1;
  if (zend_parse_ini_string(copy, 1, ZEND_INI_SCANNER_NORMAL, RuntimeIniCallback, &failed) !=
      SUCCESS) {
    failed = 1;
  }
  zend_error_cb = g_previous_error_cb;
  free(copy);
  int restart = failed || g_ini_diagnostics;
  ReleaseHeldLog(!restart);
  return restart ? -1 : 0;
}

/* The runtime INI could not be applied as if at startup: start the engine
 * again with it among the startup entries instead. */
static int RestartWithIni(const char *ini) {
  size_t old_len = g_extra_ini ? strlen(g_extra_ini) : 0;
  char *extra = malloc(old_len + strlen(ini) + 2);
  if (!extra) return -1;
  sprintf(extra, "%s%s%s", g_extra_ini ? g_extra_ini : "", old_len ? "\n" : "", ini);
  StopEngine(NULL);
  int rc = StartEngine(extra, NULL, NULL, 0);
  free(extra);
  return rc;
}

/* ---- one request ---------------------------------------------------------- */

int phptrun_engine_run_request(const phptrun_request *request, phptrun_request_result *result) {
  memset(result, 0, sizeof *result);
  g_request = request;
  /* The engine sets it to 0 only at startup; a process that ran a request
   * before would otherwise start this one with that request's status. */
  EG(exit_status) = 0;
  g_output_bytes = 0;
  g_output_limit_hit = 0;
  g_compile_ms = 0;
  g_compile_started_ms = 0;

  if (ApplyRuntimeIni(request->runtime_ini) != 0) {
    result->runtime_ini_failed = 1;
    if (RestartWithIni(request->runtime_ini) != 0) return -1;
  }

  SG(request_info).argc = g_options.cgi ? 0 : request->argc;
  SG(request_info).argv = g_options.cgi ? NULL : request->argv;
  SG(request_info).path_translated = (char *)request->script_path;
  if (g_options.cgi) {
    /* SAPI reads POST data and cookies only for a request with a server
     * context; php-cgi has none either and sets a dummy one. The request
     * line comes from the environment, as php-cgi reads it. */
    SG(server_context) = (void *)1;
    const char *length = getenv("CONTENT_LENGTH");
    SG(request_info).request_method = getenv("REQUEST_METHOD");
    SG(request_info).query_string = getenv("QUERY_STRING");
    SG(request_info).content_type = getenv("CONTENT_TYPE");
    SG(request_info).content_length = length ? atoll(length) : 0;
    SG(request_info).request_uri = getenv("SCRIPT_NAME");
    SG(sapi_headers).http_response_code = 200; /* as php-cgi sets up a request */
  }
  SG(options) |= SAPI_OPTION_NO_CHDIR;

  double t0;
  PhaseBegin(&result->rinit, &t0, PHPTRUN_PHASE_RINIT);
  int rinit_ok = php_request_startup() == SUCCESS;
  PhaseEnd(&result->rinit, t0, PHPTRUN_PHASE_RINIT);
  if (!rinit_ok) {
    g_request = NULL;
    return -1;
  }
  result->started = 1;

  PhaseBegin(&result->execute, &t0, PHPTRUN_PHASE_EXECUTE);
  if (g_options.cgi && request->quiet) { /* php-cgi -q, applied after RINIT as it does */
    SG(headers_sent) = 1;
    SG(request_info).no_headers = 1;
  }
  zend_try {
    CG(skip_shebang) = 1;
    zend_is_auto_global_str(ZEND_STRL("_SERVER"));
    PG(during_request_startup) = 0;
    if (!g_options.cgi) phptrun_cli_register_constants(request->keep_stdio_open);

    zend_file_handle file;
    if (request->run_script) {
      request->run_script(request->run_script_arg);
    } else if (phptrun_cli_open_script(&file, request->script_path) == SUCCESS) {
      php_execute_script(&file);
      zend_destroy_file_handle(&file);
    } else {
      EG(exit_status) = 1;
    }
  }
  zend_end_try();
  if (g_compile_started_ms) { /* a bailout ended a compile (parse error) */
    g_compile_ms += NowMs() - g_compile_started_ms;
    g_compile_started_ms = 0;
  }
  PhaseEnd(&result->execute, t0, PHPTRUN_PHASE_EXECUTE);
  result->compile.ms = g_compile_ms;
  result->execute.ms -= g_compile_ms;
  if (result->execute.ms < 0) result->execute.ms = 0;

  PhaseBegin(&result->rshutdown, &t0, PHPTRUN_PHASE_RSHUTDOWN);
  php_request_shutdown(NULL);
  PhaseEnd(&result->rshutdown, t0, PHPTRUN_PHASE_RSHUTDOWN);
  SG(server_context) = NULL;
  /* As the CLI, after shutdown: exit(N) in a shutdown function counts. */
  result->exit_status = EG(exit_status);

  result->output_bytes = g_output_bytes;
  result->output_limit_hit = g_output_limit_hit;
  g_request = NULL;
  return 0;
}

void phptrun_engine_count_tables(phptrun_engine_tables *tables) {
  memset(tables, 0, sizeof *tables);
  if (!g_started) return;
  /* Every entry's value pointer, mixed: a value a request replaced for good
   * shows even when the counts agree. Values are immutable strings that
   * ini_restore and our undo put back as the very same pointer. */
  uint64_t hash = 1469598103934665603ull;
  zend_ini_entry *entry;
  ZEND_HASH_FOREACH_PTR(EG(ini_directives), entry) {
    hash = (hash ^ (uint64_t)(uintptr_t)entry->value) * 1099511628211ull;
    hash = (hash ^ (uint64_t)(uintptr_t)entry) * 1099511628211ull;
  } ZEND_HASH_FOREACH_END();
  tables->ini_values = hash;
  zend_gc_status gc;
  zend_gc_get_status(&gc);
  tables->gc_threshold = gc.threshold;
  tables->modules = zend_hash_num_elements(&module_registry);
  tables->persistent_resources = zend_hash_num_elements(&EG(persistent_list));
  tables->functions = zend_hash_num_elements(CG(function_table));
  tables->classes = zend_hash_num_elements(CG(class_table));
  tables->constants = zend_hash_num_elements(EG(zend_constants));
  tables->ini_entries = zend_hash_num_elements(EG(ini_directives));
}

void phptrun_engine_forget_process_caches(void) {
  realpath_cache_clean();
  phptrun_cli_forget_process_title();
}

/* ---- queries -------------------------------------------------------------- */

int phptrun_engine_extension_loaded(const char *name) {
  if (!g_started) return 0;
  size_t len = strlen(name);
  char *lower = zend_str_tolower_dup(name, len);
  int found = zend_hash_str_exists(&module_registry, lower, len);
  if (!found && (strcmp(lower, "opcache") == 0 || strcmp(lower, "zend opcache") == 0)) {
    found = zend_get_extension("Zend OPcache") != NULL;
  } else if (!found) {
    found = zend_get_extension(name) != NULL;
  }
  efree(lower);
  return found;
}

const char *phptrun_engine_ini_value(const char *key) {
  if (!g_started) return NULL;
  zend_ini_entry *entry = zend_hash_str_find_ptr(EG(ini_directives), key, strlen(key));
  return entry && entry->value ? ZSTR_VAL(entry->value) : NULL;
}

const char *phptrun_engine_php_version(void) { return PHP_VERSION; }

/* Defined in main/php_ini.c (PHPAPI) but declared in no installed header. */
extern PHPAPI char *php_ini_opened_path;

static void CopyText(char *to, size_t size, const char *from) {
  snprintf(to, size, "%s", from ? from : "");
}

static long ConstantLong(const char *name, long fallback) {
  zval *value = g_started ? zend_get_constant_str(name, strlen(name)) : NULL;
  return value && Z_TYPE_P(value) == IS_LONG ? (long)Z_LVAL_P(value) : fallback;
}

void phptrun_engine_describe(phptrun_engine_info *info) {
  memset(info, 0, sizeof *info);
  zval *version = g_started ? zend_get_constant_str(ZEND_STRL("PHP_VERSION")) : NULL;
  CopyText(info->version, sizeof info->version,
           version && Z_TYPE_P(version) == IS_STRING ? Z_STRVAL_P(version) : PHP_VERSION);
#ifdef ZTS
  info->zts = (int)ConstantLong("PHP_ZTS", 1);
#else
  info->zts = (int)ConstantLong("PHP_ZTS", 0);
#endif
  info->debug = (int)ConstantLong("PHP_DEBUG", ZEND_DEBUG);
  Dl_info where;
  if (dladdr((void *)php_module_startup, &where) && where.dli_fname) {
    char *resolved = realpath(where.dli_fname, NULL);
    CopyText(info->library, sizeof info->library, resolved ? resolved : where.dli_fname);
    free(resolved);
  }
  if (g_started) {
    CopyText(info->php_ini, sizeof info->php_ini, php_ini_opened_path);
    CopyText(info->extension_dir, sizeof info->extension_dir,
             phptrun_engine_ini_value("extension_dir"));
  }
}
