// The diff on arbitrary expected and actual text (split at the first NUL;
// the first byte picks the kind): never crashes; equal texts give no diff,
// different EXPECT texts give one.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_target.h"
#include "runner/phpt/expect.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kKinds[] = {"EXPECT", "EXPECTF", "EXPECTREGEX"};
  const char* kind = kKinds[data[0] % 3];
  auto [expected, actual] = SplitAtNul(data + 1, size - 1);
  std::string diff = phptrun::MakeDiff(kind, expected, actual);
  if (kind == kKinds[0]) {
    if (expected == actual && !diff.empty()) std::abort();
    if (phptrun::MakeDiff(kind, expected, expected) != "") std::abort();
  }
  return 0;
}
