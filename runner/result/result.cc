#include "runner/result/result.h"

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

int Summary::Total() const {
  int total = 0;
  for (const auto& [verdict, n] : counts) total += n;
  return total;
}

std::string CaseDirectory(const std::string& file) {
  size_t slash = file.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return file.substr(0, slash);
}

}  // namespace phptrun
