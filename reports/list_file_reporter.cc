#include "reports/list_file_reporter.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

namespace phptrun {

std::string RunTestsResultWord(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "PASSED";
    case Verdict::kFail:
      return "FAILED";
    case Verdict::kSkip:
      return "SKIPPED";
    case Verdict::kBork:
      return "BORKED";
    case Verdict::kXfail:
      return "XFAILED";
    case Verdict::kWarn:
      return "WARNED";
    case Verdict::kLeak:
      return "LEAKED";
    case Verdict::kXleak:
      return "XLEAKED";
  }
  return "?";
}

bool RunTestsListsAsFailed(Verdict v) {
  return v == Verdict::kFail || v == Verdict::kXfail || v == Verdict::kWarn ||
         v == Verdict::kLeak || v == Verdict::kXleak;
}

std::string AbsoluteCasePath(const std::string& file) {
  char resolved[PATH_MAX];
  if (realpath(file.c_str(), resolved) != nullptr) return resolved;
  if (!file.empty() && file[0] == '/') return file;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == nullptr) return file;
  return std::string(cwd) + "/" + file;
}

bool ListFileReporter::Open(const std::string& failed_path, bool append,
                            const std::string& results_path, std::string* err) {
  failed_path_ = failed_path;
  results_path_ = results_path;
  if (!failed_path.empty()) {
    failed_.open(failed_path, append ? std::ios::app : std::ios::trunc);
    if (!failed_) {
      *err = (append ? "-a " : "-w ") + failed_path + ": cannot write this file";
      return false;
    }
  }
  if (!results_path.empty()) {
    results_.open(results_path, std::ios::trunc);
    if (!results_) {
      *err = "-W " + results_path + ": cannot write this file";
      return false;
    }
  }
  return true;
}

void ListFileReporter::CaseFinished(const CaseResult& result) {
  if (result.verdict == Verdict::kFail) failed_cases_.push_back(result.file);
  if (failed_.is_open() && RunTestsListsAsFailed(result.verdict)) {
    failed_ << AbsoluteCasePath(result.file) << '\n' << std::flush;
  }
  if (results_.is_open()) {
    results_ << RunTestsResultWord(result.verdict) << '\t' << AbsoluteCasePath(result.file) << '\n'
             << std::flush;
  }
}

bool ListFileReporter::RunFinished(const RunEnd&, std::string* err) {
  if (failed_.is_open()) failed_.close();
  if (results_.is_open()) results_.close();
  if (failed_.fail() || results_.fail()) {
    if (err) *err = "cannot write the list file " + (failed_.fail() ? failed_path_ : results_path_);
    return false;
  }
  return true;
}

}  // namespace phptrun
