#include "runner/phpt/verdict.h"

namespace phptrun {

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "PASS";
    case Verdict::kFail: return "FAIL";
    case Verdict::kSkip: return "SKIP";
    case Verdict::kBork: return "BORK";
    case Verdict::kXfail: return "XFAIL";
    case Verdict::kWarn: return "WARN";
    case Verdict::kLeak: return "LEAK";
    case Verdict::kXleak: return "XLEAK";
  }
  return "?";
}

bool ParseVerdict(std::string_view name, Verdict* out) {
  for (Verdict v : kAllVerdicts) {
    if (name == VerdictName(v)) {
      *out = v;
      return true;
    }
  }
  return false;
}

bool VerdictFailsRun(Verdict v) {
  return v == Verdict::kFail || v == Verdict::kBork || v == Verdict::kLeak;
}

}  // namespace phptrun
