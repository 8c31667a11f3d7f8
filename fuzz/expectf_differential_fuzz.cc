// Differential: an EXPECTF body without %r judged by the direct search
// (ExpectfPattern) and by the regex path (ExpectfToRegex, as run-tests
// builds it) must agree on every output, unless the search gave up (then
// ExpectMatcher asks the regex). Pattern and output split at the first NUL.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_target.h"
#include "runner/phpt/expect.h"
#include "runner/phpt/expectf_pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [raw_pattern, raw_output] = SplitAtNul(data, size);
  std::string pattern = phptrun::NormalizeOutput(raw_pattern);
  if (!phptrun::ExpectfPattern::Applies(pattern)) return 0;
  std::string output = phptrun::NormalizeOutput(raw_output);
  phptrun::PregPattern regex = phptrun::PregPattern::Compile(phptrun::ExpectfToRegex(pattern));
  if (!regex.ok()) return 0;
  auto outcome = phptrun::ExpectfPattern(pattern).Match(output);
  if (outcome == phptrun::ExpectfPattern::Outcome::kGaveUp) return 0;
  bool direct = outcome == phptrun::ExpectfPattern::Outcome::kMatch;
  if (direct != regex.Matches(output)) {
    std::fprintf(stderr, "direct %d, regex %d\n", direct, !direct);
    std::abort();
  }
  return 0;
}
