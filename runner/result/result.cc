#include "runner/result/result.h"

namespace phptrun {

std::string EngineInfo::Build() const {
  if (version.empty()) return "";
  return "PHP " + version + (zts ? " ZTS" : " NTS") + (debug ? " debug" : " release");
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
