#include "runner/result/result.h"

#include <string>

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

namespace {

// Room for the line that says what was cut: with it, a cut text stays
// within its cap, so cutting again (worker, then supervisor) changes nothing.
constexpr size_t kCutNoteBytes = 128;

// Keeps the first bytes of *text (back to the last line end in its final
// quarter, if any) and says what was cut, in `cap` bytes in all.
void Cut(std::string* text, size_t cap, const char* what) {
  if (text->size() <= cap) return;
  size_t total = text->size();
  cap -= kCutNoteBytes;
  size_t keep = cap;
  size_t line_end = text->rfind('\n', cap - 1);
  if (line_end != std::string::npos && line_end + 1 >= cap - cap / 4) keep = line_end + 1;
  text->resize(keep);
  if (!text->empty() && text->back() != '\n') text->push_back(' ');
  *text += "[phptrun: " + std::string(what) + " cut: " + std::to_string(total) +
           " bytes, the first " + std::to_string(keep) + " shown]";
  if (std::string(what) == "diff") text->push_back('\n');
}

}  // namespace

void CapForReports(CaseResult* result) {
  Cut(&result->diff, kMaxReportDiffBytes, "diff");
  Cut(&result->reason, kMaxReportReasonBytes, "reason");
}

std::string CaseDirectory(const std::string& file) {
  size_t slash = file.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return file.substr(0, slash);
}

}  // namespace phptrun
