/* The embedded PHP engine, as phptrun drives it: our own SAPI over libphp.
 *
 * Lifecycle, one engine per process (Debian's libphp is NTS):
 *
 *   phptrun_engine_startup(&options, &startup, err, sizeof err);   SINIT + MINIT
 *   ... fork() a case process, and in it:
 *       phptrun_engine_run_request(&request, &result);              RINIT..RSHUTDOWN
 *       _exit(0);
 *   phptrun_engine_shutdown(&shutdown);                             MSHUTDOWN + SSHUTDOWN
 *
 * A case whose INI holds entries that only take effect at startup calls
 * phptrun_engine_restart() in its own process first. Everything Zend lives
 * behind this C interface: zend_try/zend_bailout (a longjmp) never crosses
 * into C++ frames, and timings come back as plain structs.
 *
 * The SAPI behaves like the CLI SAPI where tests can see it: name "cli" by
 * default, STDIN/STDOUT/STDERR constants, $argv/$argc, PHP_BINARY, exit
 * status, errors displayed on stdout, output written unbuffered to fd 1.
 */
#ifndef PHPTRUN_RUNNER_SAPI_ENGINE_H
#define PHPTRUN_RUNNER_SAPI_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct phptrun_engine_options {
  const char *sapi_name;         /* PHP_SAPI, "cli" for phpt suites */
  const char *php_binary;        /* PHP_BINARY: a real php CLI tests can spawn */
  const char *ini_path_override; /* php.ini file or directory (-c, or the CLI's) */
  const char *ini_scan_dir;      /* conf.d used unless PHP_INI_SCAN_DIR is set */
  int no_ini;                    /* -n: no php.ini, no conf.d */
  const char *ini_entries;       /* "key=value\n" lines applied after php.ini */
  int cgi;                       /* behave as php-cgi: headers first, the request line
                                    from the environment, the body from stdin, no CLI
                                    extras */
} phptrun_engine_options;

/* Wall time and Zend heap of one phase. */
typedef struct phptrun_phase_sample {
  double ms;
  int64_t heap_before;
  int64_t heap_after;
  int64_t heap_peak;
} phptrun_phase_sample;

typedef struct phptrun_startup_timing {
  phptrun_phase_sample sinit;
  phptrun_phase_sample minit;
} phptrun_startup_timing;

typedef struct phptrun_shutdown_timing {
  phptrun_phase_sample mshutdown;
  phptrun_phase_sample sshutdown;
} phptrun_shutdown_timing;

/* One request: run `script_path` as `php -f script_path -- argv[1..]`. */
typedef struct phptrun_request {
  const char *script_path; /* absolute path of the script to execute */
  int argc;                /* argv[0] is the script path */
  char **argv;
  const char *runtime_ini; /* "key=value\n" lines applied before RINIT, or NULL */
  size_t output_limit;     /* stop the request after this many output bytes; 0 = none */
  int keep_stdio_open;     /* fclose(STDOUT) etc. leave fds 0-2 open (repeated requests) */
  /* CGI engines only (see phptrun_engine_options.cgi); the request line
   * comes from the environment (REQUEST_METHOD, QUERY_STRING, CONTENT_TYPE,
   * CONTENT_LENGTH, HTTP_COOKIE, SCRIPT_NAME), the body from stdin. */
  int quiet;                  /* php-cgi -q: no headers (SKIPIF and CLEAN run so) */
  /* When set, called after RINIT instead of executing script_path once (the
   * worker and reload loops of resident.c). It must return normally, so it
   * catches its own bailouts. */
  void (*run_script)(void *arg);
  void *run_script_arg;
} phptrun_request;

typedef struct phptrun_request_result {
  int started;            /* RINIT succeeded */
  int exit_status;        /* EG(exit_status): exit(N), 255 after a fatal error */
  int output_limit_hit;   /* the request was stopped by output_limit */
  int runtime_ini_failed; /* runtime_ini could not be applied in the started engine, so
                             the engine was restarted with it as startup INI */
  int64_t output_bytes;   /* bytes written through the SAPI */
  phptrun_phase_sample rinit;
  phptrun_phase_sample compile; /* all compiles of the request, summed */
  phptrun_phase_sample execute; /* script execution, compiles excluded */
  phptrun_phase_sample rshutdown;
} phptrun_request_result;

/* SINIT + MINIT. Returns 0, or -1 with a message in err. Call once per
 * process; the options' strings must outlive the engine. */
int phptrun_engine_startup(const phptrun_engine_options *options,
                           phptrun_startup_timing *timing, char *err, size_t err_size);

/* MSHUTDOWN + SSHUTDOWN. */
void phptrun_engine_shutdown(phptrun_shutdown_timing *timing);

/* Shuts the engine down and starts it again with extra_ini appended to the
 * startup INI entries (startup-only settings, extension= lines). For case
 * processes only. Returns 0, or -1 with a message in err. */
int phptrun_engine_restart(const char *extra_ini, phptrun_startup_timing *timing, char *err,
                           size_t err_size);

/* As phptrun_engine_restart(), but the engine comes back with other options
 * (e.g. the CGI personality). The options' strings must outlive the engine. */
int phptrun_engine_restart_as(const phptrun_engine_options *options, const char *extra_ini,
                              phptrun_startup_timing *timing, char *err, size_t err_size);

/* RINIT, execute, RSHUTDOWN. Returns 0 when the request ran (whatever the
 * script did), -1 when RINIT failed or the engine could not be restarted for
 * INI that needs startup. */
int phptrun_engine_run_request(const phptrun_request *request, phptrun_request_result *result);

/* What a request should leave as it found it in the engine's process-wide
 * tables: a reused case process compares these before and after each
 * request (dl(), persistent resources, and engine bugs change them). */
typedef struct phptrun_engine_tables {
  uint32_t modules;
  uint32_t persistent_resources;
  uint32_t functions;
  uint32_t classes;
  uint32_t constants;
  uint32_t ini_entries;
  uint64_t ini_values; /* a hash of every entry and its value (by address) */
  uint32_t gc_threshold; /* adapts to a request's garbage and stays */
} phptrun_engine_tables;

void phptrun_engine_count_tables(phptrun_engine_tables *tables);

/* Puts back the entries the last request's runtime_ini set (as they were at
 * startup). 0 on success; -1 when an entry refused its old value. A
 * request whose runtime_ini_failed restarted the engine: there is nothing
 * to undo, the process is another engine now. */
int phptrun_engine_undo_runtime_ini(void);

/* Between two requests of one process: forgets what the engine and our CLI
 * emulation keep for the process's lifetime but a fresh `php` would not
 * have (the realpath cache, the process title). */
void phptrun_engine_forget_process_caches(void);

/* 1 when an INI entry `key` can be set in a started engine with the same
 * effect as at startup (a registered directive, not startup-only). */
int phptrun_engine_ini_applies_at_runtime(const char *key);

/* 1 when the started engine's OPcache caches scripts (loaded, with
 * opcache.enable and opcache.enable_cli on): what it compiled stays in its
 * shared memory for every later request of this process and its forks. */
int phptrun_engine_opcache_caches_scripts(void);

/* 1 when the extension (case-insensitive; "opcache" means Zend OPcache) is
 * loaded. */
int phptrun_engine_extension_loaded(const char *name);

/* Current value of an INI entry, or NULL. Valid until the next request. */
const char *phptrun_engine_ini_value(const char *key);

/* PHP_VERSION of the engine. */
const char *phptrun_engine_php_version(void);

/* What the started engine is, as it says at run time (its own constants, the
 * file the loader mapped), not what the headers phptrun was compiled with. */
typedef struct phptrun_engine_info {
  char version[64];          /* PHP_VERSION */
  int zts;                   /* PHP_ZTS */
  int debug;                 /* PHP_DEBUG */
  char library[1024];        /* the libphp this process loaded */
  char php_ini[1024];        /* the php.ini it read, "" for none */
  char extension_dir[1024];  /* the extension_dir INI value */
} phptrun_engine_info;

/* Fills *info; the version, ZTS and debug need a started engine (else the
 * headers' values are given). */
void phptrun_engine_describe(phptrun_engine_info *info);

#ifdef __cplusplus
}
#endif

#endif /* PHPTRUN_RUNNER_SAPI_ENGINE_H */
