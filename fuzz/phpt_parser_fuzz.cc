// The phpt parser on arbitrary bytes: never crashes, and a parsed file's
// sections are consistent with what it says it has.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_target.h"
#include "runner/phpt/phpt_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // A path in a directory that does not exist: _EXTERNAL sections fail to
  // load instead of reading the machine's files.
  phptrun::PhptFile file = phptrun::PhptFile::Parse("/nonexistent-fuzz-dir/t.phpt", text);
  if (!file.ok()) {
    if (file.error().empty()) std::abort();  // a BORK always says why
  } else if (!file.Has("REDIRECTTEST")) {    // a redirect needs no EXPECT (run-tests)
    std::string kind = file.ExpectKind();
    if (kind.empty() || !file.Section(kind)) std::abort();
  }
  (void)phptrun::ParseConflictKeys(text);
  return 0;
}
