#define _GNU_SOURCE /* memrchr, used by Zend headers */
#include "runner/sapi/cli_compat.h"

#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "ext/standard/dl.h"

/* ---- dl() and the process title ------------------------------------------ */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(phptrun_arginfo_dl, 0, 1, _IS_BOOL, 0)
  ZEND_ARG_TYPE_INFO(0, extension_filename, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(phptrun_arginfo_set_title, 0, 1, _IS_BOOL, 0)
  ZEND_ARG_TYPE_INFO(0, title, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(phptrun_arginfo_get_title, 0, 0, IS_STRING, 1)
ZEND_END_ARG_INFO()

/* The title lives in our own buffer; the kernel's comm name (15 bytes) gets
 * its start so `ps -o comm` shows it. The CLI rewrites argv memory instead,
 * which a fork of our worker cannot do safely. */
static char g_process_title[256];
static char g_original_comm[16]; /* before the first title, to put it back */

static PHP_FUNCTION(phptrun_cli_set_process_title) {
  char *title;
  size_t len;
  if (zend_parse_parameters(ZEND_NUM_ARGS(), "s", &title, &len) == FAILURE) RETURN_THROWS();
  if (len >= sizeof g_process_title) len = sizeof g_process_title - 1;
  memcpy(g_process_title, title, len);
  g_process_title[len] = '\0';
  if (!g_original_comm[0]) prctl(PR_GET_NAME, g_original_comm, 0, 0, 0);
  prctl(PR_SET_NAME, g_process_title, 0, 0, 0);
  RETURN_TRUE;
}

void phptrun_cli_forget_process_title(void) {
  if (!g_original_comm[0]) return;
  g_process_title[0] = '\0';
  prctl(PR_SET_NAME, g_original_comm, 0, 0, 0);
}

static PHP_FUNCTION(phptrun_cli_get_process_title) {
  if (zend_parse_parameters_none() == FAILURE) RETURN_THROWS();
  RETURN_STRING(g_process_title);
}

const zend_function_entry phptrun_cli_functions[] = {
    ZEND_RAW_FENTRY("dl", zif_dl, phptrun_arginfo_dl, 0)
    ZEND_RAW_FENTRY("cli_set_process_title", zif_phptrun_cli_set_process_title,
                    phptrun_arginfo_set_title, 0)
    ZEND_RAW_FENTRY("cli_get_process_title", zif_phptrun_cli_get_process_title,
                    phptrun_arginfo_get_title, 0)
    ZEND_FE_END};

/* ---- constants ------------------------------------------------------------ */

/* php://stdin and friends hand out the process's own FILE* the first time
 * they are opened and a dup() of the fd from then on. A fresh CLI process
 * gives the first opening to its constants, so a script's own
 * fopen('php://stdout') gets a dup. A process serving another request
 * builds its constants as that first opening did, keeping both true. */
static int g_stdio_opened;

void phptrun_cli_register_constants(int keep_open) {
  static const struct {
    const char *constant;
    const char *url;
    const char *mode;
  } kStreams[] = {
      {"STDIN", "php://stdin", "rb"},
      {"STDOUT", "php://stdout", "wb"},
      {"STDERR", "php://stderr", "wb"},
  };
  FILE *files[] = {stdin, stdout, stderr};
  for (size_t i = 0; i < sizeof kStreams / sizeof kStreams[0]; ++i) {
    php_stream *stream =
        g_stdio_opened
            ? php_stream_fopen_from_file(files[i], kStreams[i].mode)
            : php_stream_open_wrapper_ex(kStreams[i].url, kStreams[i].mode, 0, NULL, NULL);
    if (!stream) continue;
    /* Freeing the resource at shutdown leaves the fd open (extensions may
     * still write to stderr); only an explicit fclose() closes it. */
    stream->flags |= PHP_STREAM_FLAG_NO_RSCR_DTOR_CLOSE;
    if (keep_open) stream->flags |= PHP_STREAM_FLAG_NO_CLOSE;
    zend_constant constant;
    php_stream_to_zval(stream, &constant.value);
    ZEND_CONSTANT_SET_FLAGS(&constant, CONST_CS, 0);
    constant.name = zend_string_init_interned(kStreams[i].constant,
                                              strlen(kStreams[i].constant), 0);
    zend_register_constant(&constant);
  }
  g_stdio_opened = 1;
  zend_register_bool_constant(ZEND_STRL("PHP_CLI_PROCESS_TITLE"), 1, CONST_CS, 0);
}

/* ---- the primary script --------------------------------------------------- */

zend_result phptrun_cli_open_script(zend_file_handle *file, const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    fprintf(stderr, "Could not open input file: %s\n", path);
    fflush(stderr);
    return FAILURE;
  }
  zend_stream_init_fp(file, fp, path);
  file->primary_script = 1;
  return SUCCESS;
}
