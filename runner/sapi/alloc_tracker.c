/* The tracking heap: see alloc_tracker.h. */
#define _GNU_SOURCE /* memrchr (Zend headers), mremap */
#include "runner/sapi/alloc_tracker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "php.h"
#include "zend_alloc.h"

/* ---- memory of our own ----------------------------------------------------- */

/* Zeroed pages straight from the kernel: neither the Zend heap (which we are
 * measuring) nor malloc (the persistent-memory metric) sees them. */
static void *MapZeroed(size_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static void Unmap(void *p, size_t bytes) {
  if (p) munmap(p, bytes);
}

/* One live block allocated while tracking. Names are ids into the name
 * table below: a file name string may be freed and its address reused
 * while the block lives, so nothing here points into PHP's memory. */
typedef struct Block {
  void *ptr; /* NULL: empty slot */
  size_t size;
  uint32_t file;     /* name ids; 0 = none */
  uint32_t function;
  uint32_t scope;
  uint32_t line;
  uint32_t iteration;
  uint32_t kind; /* SiteKind */
} Block;

enum SiteKind { kSiteCode = 0, kSiteCompile = 1, kSiteEngine = 2 };

/* ---- names: file, function and class names, copied once ------------------ */

typedef struct Name {
  zend_ulong hash;
  size_t len;
  size_t offset; /* into g_chars; NUL-terminated there */
} Name;

static Name *g_names;        /* by id - 1 */
static size_t g_names_capacity, g_names_used;
static uint32_t *g_name_slots; /* open addressing by hash: ids, 0 = empty */
static size_t g_name_slots_capacity;
static char *g_chars;
static size_t g_chars_capacity, g_chars_used;
/* A small cache by address in front of the content lookup; an entry only
 * hits when the string there still has the same hash. */
enum { kNameCache = 1024 };
static struct {
  const zend_string *ptr;
  zend_ulong hash;
  uint32_t id;
} g_name_cache[kNameCache];

/* Reallocates an mmap()ed array to `bytes` (larger), keeping its content. */
static void *Regrow(void *old, size_t old_bytes, size_t bytes) {
  void *p = MapZeroed(bytes);
  if (!p) return NULL;
  if (old) {
    memcpy(p, old, old_bytes);
    Unmap(old, old_bytes);
  }
  return p;
}

static uint32_t NameSlotsInsert(uint32_t *slots, size_t capacity, uint32_t id) {
  size_t s = (size_t)(g_names[id - 1].hash * UINT64_C(0x9E3779B97F4A7C15) >> 17) & (capacity - 1);
  while (slots[s]) s = (s + 1) & (capacity - 1);
  slots[s] = id;
  return id;
}

/* The id of a name, added on first sight. */
static uint32_t InternName(const char *val, size_t len, zend_ulong hash) {
  if (g_name_slots_capacity) {
    size_t mask = g_name_slots_capacity - 1;
    for (size_t s = (size_t)(hash * UINT64_C(0x9E3779B97F4A7C15) >> 17) & mask; g_name_slots[s];
         s = (s + 1) & mask) {
      const Name *n = &g_names[g_name_slots[s] - 1];
      if (n->hash == hash && n->len == len && memcmp(g_chars + n->offset, val, len) == 0) {
        return g_name_slots[s];
      }
    }
  }
  if ((g_names_used + 1) * 2 > g_name_slots_capacity) {
    size_t capacity = g_name_slots_capacity ? g_name_slots_capacity * 2 : 256;
    uint32_t *slots = MapZeroed(capacity * sizeof *slots);
    if (!slots) return 0;
    for (size_t i = 1; i <= g_names_used; i++) NameSlotsInsert(slots, capacity, (uint32_t)i);
    Unmap(g_name_slots, g_name_slots_capacity * sizeof *g_name_slots);
    g_name_slots = slots;
    g_name_slots_capacity = capacity;
  }
  if (g_names_used == g_names_capacity) {
    size_t capacity = g_names_capacity ? g_names_capacity * 2 : 128;
    Name *names = Regrow(g_names, g_names_capacity * sizeof *names, capacity * sizeof *names);
    if (!names) return 0;
    g_names = names;
    g_names_capacity = capacity;
  }
  size_t need = g_chars_used + len + 1;
  if (need > g_chars_capacity) {
    size_t capacity = g_chars_capacity ? g_chars_capacity : 16384;
    while (capacity < need) capacity *= 2;
    char *chars = Regrow(g_chars, g_chars_capacity, capacity);
    if (!chars) return 0;
    g_chars = chars;
    g_chars_capacity = capacity;
  }
  Name *n = &g_names[g_names_used++];
  n->hash = hash;
  n->len = len;
  n->offset = g_chars_used;
  memcpy(g_chars + g_chars_used, val, len);
  g_chars[g_chars_used + len] = '\0';
  g_chars_used += len + 1;
  return NameSlotsInsert(g_name_slots, g_name_slots_capacity, (uint32_t)g_names_used);
}

static uint32_t NameId(zend_string *str) {
  if (!str) return 0;
  zend_ulong hash = ZSTR_H(str) ? ZSTR_H(str) : zend_string_hash_val(str);
  size_t c = ((uintptr_t)str >> 4) & (kNameCache - 1);
  if (g_name_cache[c].ptr == str && g_name_cache[c].hash == hash) return g_name_cache[c].id;
  uint32_t id = InternName(ZSTR_VAL(str), ZSTR_LEN(str), hash);
  g_name_cache[c].ptr = str;
  g_name_cache[c].hash = hash;
  g_name_cache[c].id = id;
  return id;
}

/* The name's text; "" for none. Class names of anonymous classes hold a NUL
 * after "class@anonymous", so they read as PHP prints them. */
static const char *NameText(uint32_t id) { return id ? g_chars + g_names[id - 1].offset : ""; }

static void ResetNames(void) {
  Unmap(g_names, g_names_capacity * sizeof *g_names);
  Unmap(g_name_slots, g_name_slots_capacity * sizeof *g_name_slots);
  Unmap(g_chars, g_chars_capacity);
  g_names = NULL;
  g_name_slots = NULL;
  g_chars = NULL;
  g_names_capacity = g_names_used = g_name_slots_capacity = g_chars_capacity = g_chars_used = 0;
  memset(g_name_cache, 0, sizeof g_name_cache);
}

/* ---- the block table: open addressing, linear probing --------------------- */

static Block *g_blocks;
static size_t g_capacity; /* a power of two, or 0 */
static size_t g_used;
static int g_active;
static int g_out_of_memory; /* a table could not grow: later blocks go unrecorded */
static uint32_t g_iteration;
static uint32_t g_context_file;     /* name ids for allocations outside PHP code */
static uint32_t g_context_function;
static zend_mm_heap *g_heap;
static void *(*g_prev_malloc)(size_t);
static void (*g_prev_free)(void *);
static void *(*g_prev_realloc)(void *, size_t);

static size_t Slot(const void *ptr, size_t capacity) {
  uint64_t h = (uint64_t)(uintptr_t)ptr >> 3;
  h *= UINT64_C(0x9E3779B97F4A7C15);
  return (size_t)(h >> 17) & (capacity - 1);
}

static int Grow(void) {
  size_t capacity = g_capacity ? g_capacity * 2 : 4096;
  Block *blocks = MapZeroed(capacity * sizeof(Block));
  if (!blocks) return -1;
  for (size_t i = 0; i < g_capacity; i++) {
    if (!g_blocks[i].ptr) continue;
    size_t s = Slot(g_blocks[i].ptr, capacity);
    while (blocks[s].ptr) s = (s + 1) & (capacity - 1);
    blocks[s] = g_blocks[i];
  }
  Unmap(g_blocks, g_capacity * sizeof(Block));
  g_blocks = blocks;
  g_capacity = capacity;
  return 0;
}

static Block *Find(const void *ptr) {
  if (!g_capacity || !ptr) return NULL;
  for (size_t s = Slot(ptr, g_capacity);; s = (s + 1) & (g_capacity - 1)) {
    if (g_blocks[s].ptr == ptr) return &g_blocks[s];
    if (!g_blocks[s].ptr) return NULL;
  }
}

/* Removes a slot and shifts the probe chain behind it back, so lookups never
 * need tombstones. */
static void Remove(Block *b) {
  size_t hole = (size_t)(b - g_blocks);
  size_t mask = g_capacity - 1;
  g_blocks[hole].ptr = NULL;
  g_used--;
  for (size_t s = (hole + 1) & mask; g_blocks[s].ptr; s = (s + 1) & mask) {
    size_t home = Slot(g_blocks[s].ptr, g_capacity);
    /* Move s into the hole when its home does not lie in (hole, s]. */
    int between = hole <= s ? (home > hole && home <= s) : (home > hole || home <= s);
    if (between) continue;
    g_blocks[hole] = g_blocks[s];
    g_blocks[s].ptr = NULL;
    hole = s;
  }
}

/* Where PHP is right now. */
static void CurrentSite(Block *b) {
  b->function = b->scope = 0;
  b->line = 0;
  if (CG(in_compilation)) {
    b->kind = kSiteCompile;
    b->file = NameId(CG(compiled_filename));
    b->line = (uint32_t)CG(zend_lineno);
    return;
  }
  zend_execute_data *ex = EG(current_execute_data);
  while (ex && (!ex->func || !ZEND_USER_CODE(ex->func->type))) ex = ex->prev_execute_data;
  if (!ex) {
    b->kind = kSiteEngine;
    b->file = g_context_file;
    b->function = g_context_function;
    return;
  }
  const zend_op_array *op_array = &ex->func->op_array;
  b->kind = kSiteCode;
  b->file = NameId(op_array->filename);
  b->line = ex->opline ? ex->opline->lineno : op_array->line_start;
  b->function = NameId(op_array->function_name);
  b->scope = op_array->scope ? NameId(op_array->scope->name) : 0;
}

static void Record(void *ptr, size_t size) {
  if (!ptr || g_out_of_memory) return;
  if ((g_used + 1) * 2 > g_capacity && Grow() != 0) {
    g_out_of_memory = 1;
    return;
  }
  size_t s = Slot(ptr, g_capacity);
  while (g_blocks[s].ptr && g_blocks[s].ptr != ptr) s = (s + 1) & (g_capacity - 1);
  if (!g_blocks[s].ptr) g_used++;
  Block *b = &g_blocks[s];
  b->ptr = ptr;
  b->size = size;
  b->iteration = g_iteration;
  CurrentSite(b);
}

/* ---- the handlers ----------------------------------------------------------- */

/* Forward first, record after: a failing allocation bails out (memory_limit)
 * from inside the heap and must leave the table as it was. */
static void *TrackMalloc(size_t size) {
  void *ptr = g_prev_malloc ? g_prev_malloc(size) : zend_mm_alloc(g_heap, size);
  Record(ptr, size);
  return ptr;
}

static void TrackFree(void *ptr) {
  Block *b = Find(ptr);
  if (b) Remove(b);
  if (g_prev_free) {
    g_prev_free(ptr);
  } else {
    zend_mm_free(g_heap, ptr);
  }
}

static void *TrackRealloc(void *ptr, size_t size) {
  void *moved = g_prev_realloc ? g_prev_realloc(ptr, size) : zend_mm_realloc(g_heap, ptr, size);
  /* The block now holds what the code growing it asked for: charge the
   * whole new size to the current location (a hash table doubling is
   * charged to the statement that added the element). */
  Block *old = Find(ptr);
  if (old) Remove(old);
  Record(moved, size);
  return moved;
}

/* ---- public interface --------------------------------------------------------- */

int phptrun_alloc_tracker_start(void) {
  if (g_active) return 0;
  zend_mm_heap *heap = zend_mm_get_heap();
  if (!heap) return -1;
  g_heap = heap;
  g_prev_malloc = NULL;
  g_prev_free = NULL;
  g_prev_realloc = NULL;
  if (zend_mm_is_custom_heap(heap)) {
    zend_mm_get_custom_handlers(heap, &g_prev_malloc, &g_prev_free, &g_prev_realloc);
  }
  g_out_of_memory = 0;
  zend_mm_set_custom_handlers(heap, TrackMalloc, TrackFree, TrackRealloc);
  g_active = 1;
  return 0;
}

void phptrun_alloc_tracker_set_iteration(int iteration) { g_iteration = (uint32_t)iteration; }

void phptrun_alloc_tracker_stop(void) {
  if (!g_active) return;
  /* NULLs make the heap a plain Zend heap again, as it must be for
   * php_request_shutdown() to free its chunks (research §2b). */
  zend_mm_set_custom_handlers(g_heap, g_prev_malloc, g_prev_free, g_prev_realloc);
  g_active = 0;
}

size_t phptrun_alloc_tracker_live_blocks(void) { return g_used; }

void phptrun_alloc_tracker_set_context(const char *file, const char *label) {
  g_context_file = file ? InternName(file, strlen(file), zend_hash_func(file, strlen(file))) : 0;
  g_context_function =
      label ? InternName(label, strlen(label), zend_hash_func(label, strlen(label))) : 0;
}

void phptrun_alloc_tracker_reset(void) {
  phptrun_alloc_tracker_stop();
  ResetNames();
  g_context_file = g_context_function = 0;
  Unmap(g_blocks, g_capacity * sizeof(Block));
  g_blocks = NULL;
  g_capacity = g_used = 0;
}

/* ---- aggregation by site -------------------------------------------------------- */

typedef struct Site {
  int used;
  uint32_t kind;
  uint32_t line;
  uint32_t file;
  uint32_t function;
  uint32_t scope;
  int64_t bytes;
  int64_t count;
} Site;

static size_t SiteSlot(const Block *b, size_t capacity) {
  uint64_t h = (uint64_t)b->file * 31u + (uint64_t)b->function * 17u + (uint64_t)b->scope * 7u +
               (uint64_t)b->line * 3u + b->kind;
  h *= UINT64_C(0x9E3779B97F4A7C15);
  return (size_t)(h >> 17) & (capacity - 1);
}

static int SameSite(const Site *s, const Block *b) {
  return s->kind == b->kind && s->line == b->line && s->file == b->file &&
         s->function == b->function && s->scope == b->scope;
}

static int ByBytesDescending(const void *a, const void *b) {
  const Site *x = a, *y = b;
  if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

void phptrun_alloc_tracker_sites(int from_iteration, size_t max_sites,
                                 void (*emit)(void *, const phptrun_resident_site *, size_t,
                                              int64_t, int64_t),
                                 void *ctx) {
  size_t capacity = 256;
  while (capacity < g_used * 2) capacity *= 2;
  Site *sites = MapZeroed(capacity * sizeof(Site));
  if (!sites) {
    emit(ctx, NULL, 0, 0, 0);
    return;
  }
  int64_t total_bytes = 0, total_blocks = 0;
  for (size_t i = 0; i < g_capacity; i++) {
    const Block *b = &g_blocks[i];
    if (!b->ptr || b->iteration < (uint32_t)from_iteration) continue;
    size_t s = SiteSlot(b, capacity);
    while (sites[s].used && !SameSite(&sites[s], b)) s = (s + 1) & (capacity - 1);
    if (!sites[s].used) {
      sites[s].used = 1;
      sites[s].kind = b->kind;
      sites[s].line = b->line;
      sites[s].file = b->file;
      sites[s].function = b->function;
      sites[s].scope = b->scope;
    }
    sites[s].bytes += (int64_t)b->size;
    sites[s].count++;
    total_bytes += (int64_t)b->size;
    total_blocks++;
  }
  /* Compact the used slots to the front, then sort them. */
  size_t n = 0;
  for (size_t i = 0; i < capacity; i++) {
    if (sites[i].used) sites[n++] = sites[i];
  }
  qsort(sites, n, sizeof(Site), ByBytesDescending);
  if (n > max_sites) n = max_sites;

  enum { kNameMax = 256 };
  size_t out_bytes = n * (sizeof(phptrun_resident_site) + kNameMax) + 1;
  char *mem = MapZeroed(out_bytes);
  if (!mem) {
    Unmap(sites, capacity * sizeof(Site));
    emit(ctx, NULL, 0, total_bytes, total_blocks);
    return;
  }
  phptrun_resident_site *out = (phptrun_resident_site *)mem;
  char *names = mem + n * sizeof(phptrun_resident_site);
  for (size_t i = 0; i < n; i++) {
    const Site *s = &sites[i];
    char *name = names + i * kNameMax;
    if (s->kind == kSiteCompile) {
      snprintf(name, kNameMax, "(compile)");
    } else if (s->kind == kSiteEngine) {
      snprintf(name, kNameMax, "%s", s->function ? NameText(s->function) : "(engine)");
    } else if (!s->function) {
      snprintf(name, kNameMax, "{main}");
    } else if (s->scope) {
      snprintf(name, kNameMax, "%s::%s", NameText(s->scope), NameText(s->function));
    } else {
      snprintf(name, kNameMax, "%s", NameText(s->function));
    }
    out[i].file = NameText(s->file);
    out[i].function = name;
    out[i].line = s->line;
    out[i].bytes = s->bytes;
    out[i].count = s->count;
  }
  emit(ctx, out, n, total_bytes, total_blocks);
  Unmap(mem, out_bytes);
  Unmap(sites, capacity * sizeof(Site));
}
