// The diff run-tests.php 8.2 writes to foo.diff (its generate_diff), line
// for line: where a line of the expectation and one of the output differ,
// it looks ahead a bounded number of lines (10 steps) on each side and
// drops the line whose removal lets more lines match after it; then it
// prints the removed ("NNN- ") and added ("NNN+ ") lines with context lines
// and "--" marks, in its own order. phptrun's console and reports use
// MakeDiff (expect.h), a minimal diff in the same format; foo.diff uses this
// one, so files that CI scripts `cat` are run-tests' own.
//
//   std::string diff;
//   if (!RunTestsDiff("EXPECTF", expected, actual, 3, &diff)) diff = MakeDiff(...);
#pragma once

#include <string>
#include <string_view>

namespace phptrun {

// kind: "EXPECT", "EXPECTF" or "EXPECTREGEX"; expected and actual as
// compared (normalised). False when the look-ahead would cost more than a
// bounded number of line comparisons (*out is then unchanged).
bool RunTestsDiff(std::string_view kind, std::string_view expected, std::string_view actual,
                  int context_lines, std::string* out);

}  // namespace phptrun
