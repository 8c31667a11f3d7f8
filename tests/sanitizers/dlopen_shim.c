/* The sanitizer build's dlopen (make asan, docs/sanitizers.md): linked into
 * the executables that start the engine (phptrun, engine_tests) only when
 * PHPTRUN_SANITIZE is on.
 *
 * Debian's libphp loads extensions with dlopen(..., RTLD_DEEPBIND) (php-src
 * turns DEEPBIND off only when libphp itself is built with ASan). ASan
 * refuses that flag and stops the process: a library bound deeply resolves
 * malloc and free to libc's instead of ASan's, and memory would change hands
 * between the two allocators. This dlopen drops the flag and passes the call
 * on: an extension then binds to the global symbols like any other library,
 * ASan's allocator included.
 *
 * Why a definition in the executable works: the executable comes first in
 * the global lookup scope, before the ASan runtime (which must come first
 * among the shared libraries), so libphp's call lands here. RTLD_NEXT from
 * the executable is the ASan runtime's own dlopen, which then calls glibc's.
 * The executable exports the symbol (-Wl,--export-dynamic-symbol=dlopen). */
#define _GNU_SOURCE
#include <dlfcn.h>

typedef void *(*DlopenFunction)(const char *, int);

void *dlopen(const char *file, int mode) {
  static DlopenFunction next;
  DlopenFunction call = __atomic_load_n(&next, __ATOMIC_ACQUIRE);
  if (call == 0) {
    call = (DlopenFunction)dlsym(RTLD_NEXT, "dlopen");
    if (call == 0) return 0;
    __atomic_store_n(&next, call, __ATOMIC_RELEASE);
  }
  return call(file, mode & ~RTLD_DEEPBIND);
}
