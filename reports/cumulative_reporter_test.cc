#include "reports/cumulative_reporter.h"

#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <ostream>

#include "reports/report_test_support.h"

using namespace phptrun;
using namespace phptrun::testing;

namespace {

// Renders one line per case, "file verdict", plus the end's flags.
class ListReporter : public CumulativeReporter {
 public:
  using CumulativeReporter::CumulativeReporter;
  void Render(const RunEnd& end, std::ostream& out) const override {
    for (const CaseResult* r : SortedCases())
      out << r->file << ' ' << VerdictName(r->verdict) << '\n';
    out << "interrupted=" << end.interrupted << " duration=" << end.duration_s << '\n';
  }
};

}  // namespace

TEST_CASE("Cases come out sorted by file, ties in completion order", "[cumulative_reporter]") {
  ListReporter reporter("");
  reporter.RunStarting(SampleRunInfo(4));
  reporter.CaseFinished(MakeCase("b/2.phpt", "two", Verdict::kPass, "", 1));
  reporter.CaseFinished(MakeCase("a/1.phpt", "one", Verdict::kFail, "", 1));
  reporter.CaseFinished(MakeCase("b/2.phpt", "two", Verdict::kSkip, "", 1));
  reporter.CaseFinished(MakeCase("a/10.phpt", "ten", Verdict::kPass, "", 1));
  std::ostringstream out;
  reporter.Render(RunEnd{}, out);
  CHECK(out.str() ==
        "a/1.phpt FAIL\na/10.phpt PASS\nb/2.phpt PASS\nb/2.phpt SKIP\n"
        "interrupted=0 duration=0\n");
  Summary summary = reporter.CollectedSummary();
  CHECK(summary.Total() == 4);
  CHECK(summary.Count(Verdict::kPass) == 2);
  CHECK(summary.Count(Verdict::kBork) == 0);
}

TEST_CASE("WriteCollected writes what finished, marked interrupted", "[cumulative_reporter]") {
  char templ[] = "/tmp/phptrun_cumulative_XXXXXX";
  REQUIRE(mkdtemp(templ) != nullptr);
  std::string path = std::string(templ) + "/out.txt";
  ListReporter reporter(path);
  reporter.RunStarting(SampleRunInfo(3));
  reporter.CaseFinished(MakeCase("a.phpt", "a", Verdict::kPass, "", 1));
  std::string err;
  REQUIRE(reporter.WriteCollected(1.5, &err));
  CHECK(ReadFileOrEmpty(path) == "a.phpt PASS\ninterrupted=1 duration=1.5\n");
  reporter.CaseFinished(MakeCase("b.phpt", "b", Verdict::kFail, "", 1));
  REQUIRE(reporter.RunFinished(MakeRunEnd({}, 2.0), &err));
  CHECK(ReadFileOrEmpty(path) == "a.phpt PASS\nb.phpt FAIL\ninterrupted=0 duration=2\n");
  unlink(path.c_str());
  rmdir(templ);
}
