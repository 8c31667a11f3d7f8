// The verdicts of run-tests.php 8.2 (phpt-reference.md §2.9) and their names.
// The phpt format's own vocabulary: everything that judges a case or reports
// one speaks in these.
#pragma once

#include <string_view>

namespace phptrun {

// In run-tests' order of precedence for combined labels: LEAK and WARN come
// before the failure kind.
enum class Verdict { kPass, kFail, kSkip, kBork, kXfail, kWarn, kLeak, kXleak };

// All verdicts, in the order reports list them.
inline constexpr Verdict kAllVerdicts[] = {Verdict::kPass,  Verdict::kFail, Verdict::kSkip,
                                           Verdict::kBork,  Verdict::kXfail, Verdict::kWarn,
                                           Verdict::kLeak,  Verdict::kXleak};

// "PASS", "FAIL", ... as printed on the console and in reports.
const char* VerdictName(Verdict v);
// Inverse of VerdictName; false for anything else.
bool ParseVerdict(std::string_view name, Verdict* out);
// True for the verdicts that make the run exit 1: FAIL, BORK, LEAK.
bool VerdictFailsRun(Verdict v);

}  // namespace phptrun
