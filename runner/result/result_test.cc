#include "runner/result/result.h"

#include <catch2/catch.hpp>
#include <string>

namespace phptrun {
namespace {

TEST_CASE("result: diffs and reasons past their caps are cut, and say so") {
  CaseResult r;
  std::string line = std::string(99, 'x') + "\n";
  for (size_t i = 0; i < 10000; ++i) r.diff += line;  // 1,000,000 bytes
  r.reason = std::string(1 << 20, 'h');               // a 1 MiB section header
  CapForReports(&r);
  CHECK(r.diff.size() <= kMaxReportDiffBytes);
  CHECK(r.diff.rfind("[phptrun: diff cut: 1000000 bytes, the first ", 0) != 0);
  CHECK(r.diff.find("\n[phptrun: diff cut: 1000000 bytes, the first 262000 shown]\n") !=
        std::string::npos);  // cut at the line end before the cap
  CHECK(r.reason.size() <= kMaxReportReasonBytes);
  CHECK(r.reason.find("[phptrun: reason cut: 1048576 bytes, the first 3968 shown]") !=
        std::string::npos);
  // Cut again (a worker cuts, then the supervisor): nothing changes.
  CaseResult again = r;
  CapForReports(&again);
  CHECK(again.diff == r.diff);
  CHECK(again.reason == r.reason);

  CaseResult small;
  small.diff = "001+ a\n001- b\n";
  small.reason = "timed out after 60 s";
  CaseResult copy = small;
  CapForReports(&copy);
  CHECK(copy.diff == small.diff);
  CHECK(copy.reason == small.reason);
}

}  // namespace
}  // namespace phptrun
