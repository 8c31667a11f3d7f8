// EXPECT/EXPECTF/EXPECTREGEX matchers on arbitrary pattern and output (split
// at the first NUL; the first byte picks the kind): never crash, never hang
// (RE2, PCRE2's match limit, the direct search's budget), and an EXPECT
// matches its own text.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_target.h"
#include "runner/phpt/expect.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kKinds[] = {"EXPECT", "EXPECTF", "EXPECTREGEX"};
  const char* kind = kKinds[data[0] % 3];
  auto [expected, output] = SplitAtNul(data + 1, size - 1);
  phptrun::ExpectMatcher m(kind, expected);
  if (!m.ok()) {
    if (m.error().empty()) std::abort();
    return 0;
  }
  std::string normalized = phptrun::NormalizeOutput(output);
  (void)m.Matches(normalized);
  if (kind == kKinds[0] && !m.Matches(phptrun::NormalizeOutput(expected))) std::abort();
  return 0;
}
