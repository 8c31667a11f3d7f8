/* Retained snapshots: see retained.h. */
#define _GNU_SOURCE /* memrchr, used by Zend headers */
#include "runner/sapi/retained.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "php.h"
#include "zend_closures.h"

enum {
  kNodes = 200000,    /* containers visited per snapshot */
  kDepth = 24,        /* levels below a root */
  kPaths = 16384,     /* distinct paths (a power of two) */
  kVisited = 1 << 20, /* visited-set slots (a power of two, > 4 * kNodes) */
  kPathMax = 480,     /* characters of a path */
  kArena = 4 << 20,   /* bytes of path text */
  kOut = 8 << 20,     /* bytes of the serialized snapshot */
  kSmallArray = 16,   /* arrays up to this size name their keys */
  kScratch = 1 << 20, /* zvals of get_gc tables being walked, all levels */
};

typedef struct PathSlot {
  uint64_t hash;
  uint32_t text; /* offset in the arena; 0 = empty slot */
  uint32_t length;
  uint32_t order; /* first seen: the snapshot lists paths in walk order */
  int64_t items;
  int64_t bytes;
} PathSlot;

typedef struct Walker {
  const void **visited;   /* open addressing on pointers */
  uint32_t *visited_used; /* the slots taken, to clear only those */
  uint32_t visited_count;
  PathSlot *paths;
  uint32_t *by_order; /* slot index of the n-th path */
  char *arena;
  size_t arena_used;
  unsigned char *out;
  /* get_gc() tables live in one engine buffer that the next get_gc() call
   * reuses: each level copies its table here (shallow) before walking it. */
  zval *scratch;
  size_t scratch_used;
  uint32_t path_count;
  uint32_t nodes;
  int truncated;
  char path[kPathMax + 64];
  size_t path_length;
} Walker;

static Walker g_walker;

static void *Map(size_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static int Prepare(Walker *w) {
  if (!w->visited) {
    w->visited = Map(sizeof(void *) * kVisited);
    w->visited_used = Map(sizeof(uint32_t) * kVisited);
    w->paths = Map(sizeof(PathSlot) * kPaths);
    w->by_order = Map(sizeof(uint32_t) * kPaths);
    w->arena = Map(kArena);
    w->out = Map(kOut);
    w->scratch = Map(sizeof(zval) * kScratch);
    if (!w->visited || !w->visited_used || !w->paths || !w->by_order || !w->arena || !w->out ||
        !w->scratch)
      return -1;
  } else {
    /* Clear only what the last snapshot used: a flat program's snapshot
     * costs what it walks, not the tables' size. */
    for (uint32_t i = 0; i < w->visited_count; i++) w->visited[w->visited_used[i]] = NULL;
    for (uint32_t i = 0; i < w->path_count; i++) w->paths[w->by_order[i]].text = 0;
  }
  w->visited_count = 0;
  w->scratch_used = 0;
  w->arena_used = 1; /* offset 0 means "empty" */
  w->path_count = 0;
  w->nodes = 0;
  w->truncated = 0;
  w->path_length = 0;
  w->path[0] = '\0';
  return 0;
}

/* 1 when `p` was not seen before (and is now). */
static int FirstVisit(Walker *w, const void *p) {
  size_t mask = kVisited - 1;
  size_t h = ((uintptr_t)p >> 3) * 0x9E3779B97F4A7C15ull;
  for (size_t i = (h >> 20) & mask;; i = (i + 1) & mask) {
    if (w->visited[i] == p) return 0;
    if (!w->visited[i]) {
      if (w->visited_count >= kVisited / 2) return 0; /* full: treat as seen, stop */
      w->visited[i] = p;
      w->visited_used[w->visited_count++] = (uint32_t)i;
      return 1;
    }
  }
}

static uint64_t Hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

/* Adds items and bytes to the current path. */
static void Record(Walker *w, int64_t items, int64_t bytes) {
  uint64_t h = Hash(w->path, w->path_length);
  size_t mask = kPaths - 1;
  for (size_t i = h & mask, probes = 0; probes < kPaths; i = (i + 1) & mask, probes++) {
    PathSlot *s = &w->paths[i];
    if (s->text && s->hash == h && s->length == w->path_length &&
        memcmp(w->arena + s->text, w->path, w->path_length) == 0) {
      s->items += items;
      s->bytes += bytes;
      return;
    }
    if (!s->text) {
      /* Keep a quarter of the slots free: probing stays short. */
      if (w->path_count >= kPaths - kPaths / 4 || w->arena_used + w->path_length > kArena) {
        w->truncated = 1;
        return;
      }
      memcpy(w->arena + w->arena_used, w->path, w->path_length);
      s->hash = h;
      s->text = (uint32_t)w->arena_used;
      s->length = (uint32_t)w->path_length;
      s->order = w->path_count;
      s->items = items;
      s->bytes = bytes;
      w->by_order[w->path_count++] = (uint32_t)i;
      w->arena_used += w->path_length;
      return;
    }
  }
  w->truncated = 1;
}

/* Appends a segment to the path; returns the length to restore. */
static size_t Push(Walker *w, const char *format, const char *text, size_t text_length) {
  size_t before = w->path_length;
  if (before >= kPathMax) return before; /* deeper segments are dropped: paths merge */
  int n = snprintf(w->path + before, sizeof w->path - before, format, (int)text_length, text);
  if (n > 0) w->path_length = before + (size_t)n < kPathMax ? before + (size_t)n : kPathMax;
  w->path[w->path_length] = '\0';
  return before;
}

static size_t PushLong(Walker *w, zend_long key) {
  char digits[32];
  int n = snprintf(digits, sizeof digits, ZEND_LONG_FMT, key);
  return Push(w, "[%.*s]", digits, (size_t)n);
}

static void Pop(Walker *w, size_t length) {
  w->path_length = length;
  w->path[length] = '\0';
}

/* A string shared by several holders counts at the first, as containers do. */
static int64_t StringBytes(Walker *w, const zend_string *s) {
  if (ZSTR_IS_INTERNED(s) || !FirstVisit(w, s)) return 0;
  return (int64_t)(_ZSTR_HEADER_SIZE + ZSTR_LEN(s) + 1);
}

static int64_t WalkValue(Walker *w, zval *value, int depth);

static int64_t WalkArray(Walker *w, HashTable *ht, int depth) {
  if (!FirstVisit(w, ht)) return 0;
  if (++w->nodes > kNodes) {
    w->truncated = 1;
    return 0;
  }
  uint32_t count = zend_hash_num_elements(ht);
  int64_t bytes = sizeof(HashTable);
  if (HT_FLAGS(ht) & HASH_FLAG_UNINITIALIZED) {
    /* no storage yet */
  } else if (HT_IS_PACKED(ht)) {
    bytes += (int64_t)ht->nTableSize * sizeof(zval);
  } else {
    bytes += (int64_t)ht->nTableSize * (sizeof(Bucket) + 2 * sizeof(uint32_t));
  }
  if (depth < kDepth) {
    int named = count <= kSmallArray;
    zend_ulong index;
    zend_string *key;
    zval *child;
    ZEND_HASH_FOREACH_KEY_VAL(ht, index, key, child) {
      zval *v = child;
      ZVAL_DEREF(v);
      if (Z_TYPE_P(v) == IS_INDIRECT) v = Z_INDIRECT_P(v);
      ZVAL_DEREF(v);
      if (key) bytes += StringBytes(w, key);
      if (Z_TYPE_P(v) != IS_ARRAY && Z_TYPE_P(v) != IS_OBJECT) {
        bytes += WalkValue(w, v, depth + 1);
        continue;
      }
      size_t back;
      if (!named) {
        back = Push(w, "%.*s", "[*]", 3);
      } else if (key) {
        back = Push(w, "['%.*s']", ZSTR_VAL(key), ZSTR_LEN(key) > 60 ? 60 : ZSTR_LEN(key));
      } else {
        back = PushLong(w, (zend_long)index);
      }
      bytes += WalkValue(w, v, depth + 1);
      Pop(w, back);
    }
    ZEND_HASH_FOREACH_END();
  }
  Record(w, count, bytes);
  return bytes;
}

/* A property's or bound variable's value under `->name` (or the format). */
static int64_t WalkMember(Walker *w, const char *format, const char *name, size_t length,
                          zval *value, int depth) {
  ZVAL_DEREF(value);
  if (Z_TYPE_P(value) == IS_INDIRECT) value = Z_INDIRECT_P(value);
  ZVAL_DEREF(value);
  if (Z_TYPE_P(value) != IS_ARRAY && Z_TYPE_P(value) != IS_OBJECT) {
    return WalkValue(w, value, depth);
  }
  size_t back = Push(w, format, name, length);
  int64_t bytes = WalkValue(w, value, depth);
  Pop(w, back);
  return bytes;
}

static int64_t WalkObject(Walker *w, zend_object *obj, int depth) {
  if (!FirstVisit(w, obj)) return 0;
  if (++w->nodes > kNodes) {
    w->truncated = 1;
    return 0;
  }
  zend_class_entry *ce = obj->ce;
  int64_t bytes = sizeof(zend_object) + (int64_t)sizeof(zval) * ce->default_properties_count;
  int64_t items = 0;
  if (depth >= kDepth) {
    Record(w, 0, bytes);
    return bytes;
  }
  if (obj->handlers->get_properties == zend_std_get_properties &&
      obj->handlers->get_gc == zend_std_get_gc) {
    /* Declared properties by slot, then dynamic ones: no table is built. */
    for (int i = 0; i < ce->default_properties_count; i++) {
      zval *slot = OBJ_PROP_NUM(obj, i);
      if (Z_TYPE_P(slot) == IS_UNDEF) continue;
      items++;
      zend_property_info *info = ce->properties_info_table ? ce->properties_info_table[i] : NULL;
      const char *name = "#";
      size_t length = 1;
      if (info && info->name) {
        const char *class_name, *prop_name;
        zend_unmangle_property_name_ex(info->name, &class_name, &prop_name, &length);
        name = prop_name;
      }
      bytes += WalkMember(w, "->%.*s", name, length, slot, depth + 1);
    }
    if (obj->properties) {
      zend_string *key;
      zval *child;
      ZEND_HASH_FOREACH_STR_KEY_VAL(obj->properties, key, child) {
        if (Z_TYPE_P(child) == IS_INDIRECT) continue; /* a declared slot, walked above */
        items++;
        if (key) {
          bytes += StringBytes(w, key);
          bytes += WalkMember(w, "->%.*s", ZSTR_VAL(key), ZSTR_LEN(key) > 60 ? 60 : ZSTR_LEN(key),
                              child, depth + 1);
        } else {
          bytes += WalkMember(w, "->%.*s", "#", 1, child, depth + 1);
        }
      }
      ZEND_HASH_FOREACH_END();
    }
  } else {
    /* What the garbage collector walks (after every iteration anyway). A
     * closure gives $this as its table and its static variables (the
     * `use` variables among them) as the hash. */
    int closure = ce == zend_ce_closure;
    zval *table = NULL;
    int n = 0;
    HashTable *ht = obj->handlers->get_gc(obj, &table, &n);
    if (n < 0) n = 0;
    if (w->scratch_used + (size_t)n > kScratch) {
      n = (int)(kScratch - w->scratch_used);
      w->truncated = 1;
    }
    zval *mine = w->scratch + w->scratch_used;
    if (n > 0) memcpy(mine, table, sizeof(zval) * (size_t)n);
    w->scratch_used += (size_t)n;
    for (int i = 0; i < n; i++) {
      if (Z_TYPE(mine[i]) == IS_UNDEF) continue;
      items++;
      bytes += closure ? WalkMember(w, "%.*s", "{$this}", 7, &mine[i], depth + 1)
                       : WalkMember(w, "%.*s", "{*}", 3, &mine[i], depth + 1);
    }
    w->scratch_used -= (size_t)n;
    if (ht) {
      zend_string *key;
      zval *child;
      ZEND_HASH_FOREACH_STR_KEY_VAL(ht, key, child) {
        items++;
        if (closure && key) {
          bytes += WalkMember(w, "{use $%.*s}", ZSTR_VAL(key), ZSTR_LEN(key), child, depth + 1);
        } else {
          bytes += WalkMember(w, "%.*s", "{*}", 3, child, depth + 1);
        }
      }
      ZEND_HASH_FOREACH_END();
    }
  }
  Record(w, items, bytes);
  return bytes;
}

static int64_t WalkValue(Walker *w, zval *value, int depth) {
  ZVAL_DEREF(value);
  if (Z_TYPE_P(value) == IS_INDIRECT) value = Z_INDIRECT_P(value);
  ZVAL_DEREF(value);
  switch (Z_TYPE_P(value)) {
    case IS_STRING:
      return StringBytes(w, Z_STR_P(value));
    case IS_ARRAY:
      return WalkArray(w, Z_ARRVAL_P(value), depth);
    case IS_OBJECT:
      return WalkObject(w, Z_OBJ_P(value), depth);
    default:
      return 0;
  }
}

/* A root: its path is `format` with `name`; recorded even when it holds a
 * plain value (a string that keeps growing is a leak too). */
static void WalkRoot(Walker *w, const char *format, const char *a, size_t a_length, const char *b,
                     size_t b_length, zval *value) {
  ZVAL_DEREF(value);
  if (Z_TYPE_P(value) == IS_INDIRECT) value = Z_INDIRECT_P(value);
  ZVAL_DEREF(value);
  if (Z_TYPE_P(value) == IS_UNDEF || Z_TYPE_P(value) == IS_NULL) return;
  int n = snprintf(w->path, kPathMax, format, (int)a_length, a, (int)b_length, b);
  w->path_length = n < 0 ? 0 : (size_t)n < kPathMax ? (size_t)n : kPathMax - 1;
  w->path[w->path_length] = '\0';
  if (Z_TYPE_P(value) == IS_ARRAY || Z_TYPE_P(value) == IS_OBJECT) {
    WalkValue(w, value, 0);
  } else {
    Record(w, 0, WalkValue(w, value, 0));
  }
}

static void WalkStatics(Walker *w, const char *scope, size_t scope_length, zend_op_array *op) {
  if (op->type != ZEND_USER_FUNCTION || !op->function_name) return;
  if (!ZEND_MAP_PTR(op->static_variables_ptr)) return;
  HashTable *statics = ZEND_MAP_PTR_GET(op->static_variables_ptr);
  if (!statics) return;
  char where[256];
  int n = snprintf(where, sizeof where, "%.*s%s%s()::static $", (int)scope_length, scope,
                   scope_length ? "::" : "", ZSTR_VAL(op->function_name));
  size_t where_length = n < 0 ? 0 : (size_t)n < sizeof where ? (size_t)n : sizeof where - 1;
  zend_string *key;
  zval *value;
  ZEND_HASH_FOREACH_STR_KEY_VAL(statics, key, value) {
    if (!key) continue;
    WalkRoot(w, "%.*s%.*s", where, where_length, ZSTR_VAL(key), ZSTR_LEN(key), value);
  }
  ZEND_HASH_FOREACH_END();
}

static void WalkClass(Walker *w, zend_class_entry *ce) {
  const char *name = ZSTR_VAL(ce->name);
  size_t length = ZSTR_LEN(ce->name);
  if (ce->default_static_members_count > 0 && ZEND_MAP_PTR(ce->static_members_table)) {
    zval *statics = CE_STATIC_MEMBERS(ce);
    if (statics) {
      zend_property_info *info;
      ZEND_HASH_FOREACH_PTR(&ce->properties_info, info) {
        if (!(info->flags & ZEND_ACC_STATIC) || info->ce != ce) continue;
        const char *class_name, *prop_name;
        size_t prop_length;
        zend_unmangle_property_name_ex(info->name, &class_name, &prop_name, &prop_length);
        WalkRoot(w, "%.*s::$%.*s", name, length, prop_name, prop_length, &statics[info->offset]);
      }
      ZEND_HASH_FOREACH_END();
    }
  }
  zend_function *fn;
  ZEND_HASH_FOREACH_PTR(&ce->function_table, fn) {
    if (fn->common.scope == ce) WalkStatics(w, name, length, &fn->op_array);
  }
  ZEND_HASH_FOREACH_END();
}

/* Objects alive that no root above reached: held by the engine for the
 * program (autoloaders, error and shutdown handlers) or by internal
 * classes' state. Grouped by class. */
static void WalkUnreached(Walker *w) {
  zend_objects_store *store = &EG(objects_store);
  if (!store->object_buckets) return;
  for (uint32_t i = 1; i < store->top; i++) {
    zend_object *obj = store->object_buckets[i];
    if (!IS_OBJ_VALID(obj)) continue;
    if (w->nodes > kNodes) {
      w->truncated = 1;
      return;
    }
    zval value;
    ZVAL_OBJ(&value, obj);
    /* Already reached objects are skipped by WalkObject's visited check,
     * but the root must not be recorded for them either. */
    size_t mask = kVisited - 1;
    size_t h = ((uintptr_t)obj >> 3) * 0x9E3779B97F4A7C15ull;
    int seen = 0;
    for (size_t k = (h >> 20) & mask; w->visited[k]; k = (k + 1) & mask) {
      if (w->visited[k] == obj) {
        seen = 1;
        break;
      }
    }
    if (seen) continue;
    WalkRoot(w, "(unreached) %.*s%.*s", ZSTR_VAL(obj->ce->name), ZSTR_LEN(obj->ce->name), "", 0,
             &value);
  }
}

static void Put(Walker *w, size_t *at, const void *p, size_t n) {
  if (*at + n > kOut) {
    w->truncated = 1;
    return;
  }
  memcpy(w->out + *at, p, n);
  *at += n;
}

int phptrun_retained_snapshot(int64_t iteration, const void *handler, const void **data,
                              size_t *size) {
  Walker *w = &g_walker;
  if (Prepare(w) != 0) return -1;

  zend_string *key;
  zval *value;
  ZEND_HASH_FOREACH_STR_KEY_VAL(&EG(symbol_table), key, value) {
    if (!key || zend_string_equals_literal(key, "GLOBALS")) continue;
    WalkRoot(w, "$%.*s%.*s", ZSTR_VAL(key), ZSTR_LEN(key), "", 0, value);
  }
  ZEND_HASH_FOREACH_END();

  zend_class_entry *ce;
  ZEND_HASH_FOREACH_STR_KEY_PTR(EG(class_table), key, ce) {
    /* Skip class_alias() entries and runtime-definition keys ("\0..."). */
    if (ce->type != ZEND_USER_CLASS || !key || ZSTR_LEN(key) == 0 || ZSTR_VAL(key)[0] == '\0') {
      continue;
    }
    if (!zend_string_equals_ci(key, ce->name)) continue;
    WalkClass(w, ce);
  }
  ZEND_HASH_FOREACH_END();

  zend_function *fn;
  ZEND_HASH_FOREACH_STR_KEY_PTR(EG(function_table), key, fn) {
    if (!key || ZSTR_LEN(key) == 0 || ZSTR_VAL(key)[0] == '\0') continue;
    WalkStatics(w, "", 0, &fn->op_array);
  }
  ZEND_HASH_FOREACH_END();

  if (handler) WalkRoot(w, "(handler)%.*s%.*s", "", 0, "", 0, (zval *)handler);
  WalkUnreached(w);

  size_t at = 0;
  uint32_t count = w->path_count;
  uint32_t truncated = (uint32_t)w->truncated;
  uint32_t nodes = w->nodes;
  Put(w, &at, &iteration, sizeof iteration);
  size_t count_at = at;
  Put(w, &at, &count, sizeof count);
  size_t truncated_at = at;
  Put(w, &at, &truncated, sizeof truncated);
  Put(w, &at, &nodes, sizeof nodes);
  uint32_t written = 0;
  for (uint32_t i = 0; i < count; i++) {
    const PathSlot *s = &w->paths[w->by_order[i]];
    size_t need = sizeof(uint32_t) + s->length + 2 * sizeof(int64_t);
    if (at + need > kOut) {
      w->truncated = 1;
      break;
    }
    Put(w, &at, &s->length, sizeof s->length);
    Put(w, &at, w->arena + s->text, s->length);
    Put(w, &at, &s->items, sizeof s->items);
    Put(w, &at, &s->bytes, sizeof s->bytes);
    written++;
  }
  truncated = (uint32_t)w->truncated;
  memcpy(w->out + count_at, &written, sizeof written);
  memcpy(w->out + truncated_at, &truncated, sizeof truncated);
  *data = w->out;
  *size = at;
  return 0;
}

void phptrun_retained_release(void) {
  Walker *w = &g_walker;
  if (w->visited) munmap((void *)w->visited, sizeof(void *) * kVisited);
  if (w->visited_used) munmap(w->visited_used, sizeof(uint32_t) * kVisited);
  if (w->paths) munmap(w->paths, sizeof(PathSlot) * kPaths);
  if (w->by_order) munmap(w->by_order, sizeof(uint32_t) * kPaths);
  if (w->arena) munmap(w->arena, kArena);
  if (w->out) munmap(w->out, kOut);
  if (w->scratch) munmap(w->scratch, sizeof(zval) * kScratch);
  memset(w, 0, sizeof *w);
}
