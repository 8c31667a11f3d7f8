// run-tests.php's list files, written as cases finish:
//
//   -w FILE / -a FILE   the cases that did not pass, one path a line
//                       (FAIL, XFAIL, WARN, LEAK, XLEAK: run-tests' list;
//                       BORK and SKIP are not in it), truncated / appended
//   -W FILE             "RESULT\tpath" for every case, RESULT being
//                       run-tests' word (PASSED, FAILED, SKIPPED, BORKED,
//                       WARNED, LEAKED, XFAILED, XLEAKED)
//
// Paths are absolute, as run-tests writes them, so `phptrun -r FILE` reads
// them back from any directory. Lines are flushed as they are written: an
// interrupted run leaves the cases that finished.
//
//   ListFileReporter lists;
//   if (!lists.Open(failed_path, /*append=*/false, results_path, &err)) ...
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "reports/reporter.h"

namespace phptrun {

// run-tests' name of a verdict as its lists and summary count it ("FAILED").
std::string RunTestsResultWord(Verdict v);
// True for the verdicts -w writes: XFAIL, XLEAK, FAIL, WARN, LEAK.
bool RunTestsListsAsFailed(Verdict v);

class ListFileReporter : public Reporter {
 public:
  // Either path may be empty. False (with *err naming the file) when one
  // cannot be opened.
  bool Open(const std::string& failed_path, bool append, const std::string& results_path,
            std::string* err);

  void CaseFinished(const CaseResult& result) override;
  bool RunFinished(const RunEnd& end, std::string* err) override;

  // The cases that FAILed, as reached from the command line (for --bless).
  const std::vector<std::string>& failed_cases() const { return failed_cases_; }

 private:
  std::vector<std::string> failed_cases_;
  std::ofstream failed_;
  std::ofstream results_;
  std::string failed_path_, results_path_;
};

// `file` made absolute against the working directory (realpath when it exists).
std::string AbsoluteCasePath(const std::string& file);

}  // namespace phptrun
