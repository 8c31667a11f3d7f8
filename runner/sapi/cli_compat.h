/* The parts of the CLI SAPI that phpt tests can observe, rebuilt for
 * phptrun's SAPI (engine.c): its extra functions, the STDIN/STDOUT/STDERR
 * constants, PHP_CLI_PROCESS_TITLE and how the primary script is opened.
 * Internal to runner/sapi. */
#ifndef PHPTRUN_RUNNER_SAPI_CLI_COMPAT_H
#define PHPTRUN_RUNNER_SAPI_CLI_COMPAT_H

#include "php.h"

/* dl(), cli_set_process_title(), cli_get_process_title(). */
extern const zend_function_entry phptrun_cli_functions[];

/* A fresh process has no title; a reused one forgets the last request's. */
void phptrun_cli_forget_process_title(void);

/* After RINIT: the constants the CLI registers for `php -f`. keep_open makes
 * even fclose(STDOUT) leave fd 1 open (repeated requests need it). */
void phptrun_cli_register_constants(int keep_open);

/* Opens the script with a plain FILE*, as the CLI does (so it uses no stream
 * resource and resource numbers match). On failure prints the CLI's
 * "Could not open input file" to stderr and returns FAILURE. */
zend_result phptrun_cli_open_script(zend_file_handle *file, const char *path);

#endif
