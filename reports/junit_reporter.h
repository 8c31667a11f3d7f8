// JUnit XML for CI servers (Jenkins, GitLab, GitHub annotators), via pugixml.
//
//   JunitReporter junit(options.junit_path);      // --junit FILE / TEST_PHP_JUNIT
//   reporters.push_back(&junit);
//   ... RunStarting / CaseFinished ...
//   if (!junit.RunFinished(end, &err)) ...        // writes FILE atomically
//
// Layout (DESIGN.md "Reports"), fixing run-tests.php's (phpt-reference.md
// §2.10): a flat list of suites, one per directory, every case present,
// standard `skipped` counts, valid against Jenkins' junit-10.xsd (the
// attributes that schema lacks are not written: no `skipped` or `timestamp`
// on the root, no `file` on a testcase):
//
//   <testsuites name="phptrun" tests failures errors time>
//     <testsuite name=DIR tests failures errors skipped time timestamp>  sorted by DIR
//       <properties>   only in shards (--shard) and interrupted runs: phptrun.shard
//                      K/N, .collected, .digest, .assigned, .duration_s, .unfinished FILE
//       <testcase name="TITLE [PATH]" classname=DIR time=S.SSS>   sorted by PATH
//
// The name holds the path because GitLab and GitHub tell tests apart by
// suite + classname + name, and titles repeat (php-src's Zend/tests: by title
// alone its 4,051 cases have 3,902 distinct suite + name pairs).
//
//   PASS   empty testcase
//   FAIL   <failure type="fail" message=REASON|"output differs">diff</failure>
//   LEAK   <failure type="leak" message=REASON|"memory leaked">reason, diff</failure>
//   BORK   <error type="bork" message=REASON/>
//   SKIP   <skipped type="skip" message=REASON/>
//   XFAIL  <skipped type="xfail" message=REASON/>
//   XLEAK  <skipped type="xleak" message=REASON/>
//   WARN   passing testcase with <system-out>WARN: reason, diff</system-out>
//          (a warning must not fail a CI job, but must stay readable), except
//          WARN&FAIL (CaseResult::warn_failed): <failure type="warn"
//          message="WARN: reason">diff</failure>, as run-tests' JUnit has it
//
// failures = FAIL + LEAK + WARN&FAIL, errors = BORK, skipped = SKIP + XFAIL + XLEAK.
// Suite times are sums of their cases' times; the root's time is the run's
// wall-clock duration (run-tests.php sums all cases there, so -j2 reported
// twice the real time). All times are seconds with three decimals. Every
// string goes through EscapeReportText(.., TextSink::kXml). The file is
// written one testcase at a time, so its size does not cost memory.
#pragma once

#include <pugixml.hpp>
#include <string>

#include "reports/cumulative_reporter.h"

namespace phptrun {

class JunitReporter : public CumulativeReporter {
 public:
  explicit JunitReporter(std::string path);

  // Writes the report one testcase at a time: the same bytes as saving
  // ToDocument() with two-space indentation, without the document in memory.
  void Render(const RunEnd& end, std::ostream& out) const override;

  // The whole report as a pugixml document, every case in memory: for tests
  // and small runs.
  void ToDocument(const RunEnd& end, pugi::xml_document* doc) const;
};

// A testcase's name: "TITLE [PATH]", or PATH when the title is empty or the
// path itself.
std::string JunitTestName(const std::string& title, const std::string& file);

// A time in milliseconds as JUnit writes it: seconds with three decimals,
// rounded half away from zero on whole milliseconds (15.5 ms -> "0.016"; via
// printf("%.3f", 0.0155) it would be "0.015"). Negative or non-finite input
// gives "0.000".
std::string FormatJunitTime(double ms);

}  // namespace phptrun
