/* See lifecycle_log.h. */
#define _GNU_SOURCE
#include "tracer/lifecycle_log.h"

#include <malloc.h>
#include <string.h>
#include <time.h>

/* A request of a big suite logs a few hundred events; resident scenarios
 * that run many requests in one process log more, and drop what does not
 * fit rather than allocate. */
enum { kMaxEvents = 32768, kNameBytes = 512 * 1024 };

static phptrun_event g_events[kMaxEvents];
static size_t g_count;
static size_t g_dropped;
static char g_names[kNameBytes];
static size_t g_names_used;
static size_t g_names_kept;
static int g_enabled;

void phptrun_log_set_enabled(int on) { g_enabled = on; }

int phptrun_log_enabled(void) { return g_enabled; }

static int64_t NowNs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#if defined(__SANITIZE_ADDRESS__)
/* The ASan runtime's (sanitizer/allocator_interface.h, which g++ does not ship). */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

int64_t phptrun_log_persistent_bytes(void) {
#if defined(__SANITIZE_ADDRESS__)
  /* Under ASan (make asan) its allocator serves malloc, and glibc's
   * mallinfo2() would say 0: ask ASan's for the bytes in use. */
  return (int64_t)__sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 info = mallinfo2();
  return (int64_t)(info.uordblks + info.hblkhd);
#endif
}

void phptrun_log_record(uint8_t type, uint8_t what, uint16_t flags, uint32_t name, int64_t heap,
                        int64_t heap_peak, int persistent) {
  if (g_count >= kMaxEvents) {
    ++g_dropped;
    return;
  }
  phptrun_event *e = &g_events[g_count++];
  e->type = type;
  e->what = what;
  e->flags = flags;
  e->name = name;
  e->heap = heap;
  e->heap_peak = heap_peak;
  if (persistent == PHPTRUN_PERSISTENT_REUSE && g_count >= 2 &&
      g_events[g_count - 2].persistent >= 0) {
    e->persistent = g_events[g_count - 2].persistent;
  } else if (persistent != PHPTRUN_PERSISTENT_SKIP) {
    e->persistent = phptrun_log_persistent_bytes();
  } else {
    e->persistent = -1;
  }
  e->time_ns = NowNs();
}

uint32_t phptrun_log_name(const char *name, size_t len) {
  if (len > kNameBytes - 1 - g_names_used) return 0;
  uint32_t id = (uint32_t)g_names_used + 1;
  memcpy(g_names + g_names_used, name, len);
  g_names[g_names_used + len] = '\0';
  g_names_used += len + 1;
  return id;
}

void phptrun_log_keep_names(void) { g_names_kept = g_names_used; }

void phptrun_log_clear(void) {
  g_count = 0;
  g_dropped = 0;
  g_names_used = g_names_kept;
}

const phptrun_event *phptrun_log_events(size_t *count) {
  *count = g_count;
  return g_events;
}

const char *phptrun_log_names(size_t *size) {
  *size = g_names_used;
  return g_names;
}

size_t phptrun_log_dropped(void) { return g_dropped; }
