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

TEST_CASE("Ties on the file are ordered by name, then completion order", "[cumulative_reporter]") {
  ListReporter reporter("");
  reporter.RunStarting(SampleRunInfo(5));
  reporter.CaseFinished(MakeCase("b/2.phpt", "zz", Verdict::kPass, "", 1));
  reporter.CaseFinished(MakeCase("b/2.phpt", "aa", Verdict::kFail, "", 1));
  reporter.CaseFinished(MakeCase("a/1.phpt", "one", Verdict::kBork, "", 1));
  reporter.CaseFinished(MakeCase("b/2.phpt", "zz", Verdict::kSkip, "", 1));
  reporter.CaseFinished(MakeCase("b/2.phpt", "aa", Verdict::kXfail, "", 1));
  std::ostringstream out;
  reporter.Render(RunEnd{}, out);
  CHECK(out.str() ==
        "a/1.phpt BORK\nb/2.phpt FAIL\nb/2.phpt XFAIL\nb/2.phpt PASS\nb/2.phpt SKIP\n"
        "interrupted=0 duration=0\n");
  CHECK(reporter.SortedOrder() == std::vector<uint32_t>{2, 1, 4, 0, 3});
  CumulativeReporter::Brief brief = reporter.CaseBrief(2);
  CHECK(brief.file == "a/1.phpt");
  CHECK(brief.verdict == Verdict::kBork);
  CHECK(brief.time_ms == 1);
}

TEST_CASE("Memory grows with the number of cases and not with their results",
          "[cumulative_reporter]") {
  // 50,000 cases: once with no diff, once with 2 KiB diffs and long reasons
  // (about 110 MB of results). The in-memory part must be the same for both
  // and a few dozen bytes per case.
  constexpr int kCases = 50000;
  auto feed = [](ListReporter& reporter, size_t payload) {
    reporter.RunStarting(SampleRunInfo(kCases));
    std::string diff(payload, 'd'), reason(payload / 8, 'r');
    for (int i = 0; i < kCases; ++i) {
      CaseResult r = MakeCase("ext/standard/tests/" + std::to_string(i) + ".phpt", "a case",
                              Verdict::kFail, reason, 1.5, diff);
      r.phases = SamplePhases();
      reporter.CaseFinished(r);
    }
  };
  ListReporter light(""), heavy("");
  feed(light, 0);
  feed(heavy, 2048);
  REQUIRE(heavy.spool().on_disk());
  CHECK(heavy.MemoryBytes() == light.MemoryBytes());
  // A 32-byte index entry and a ~27-byte path (in a buffer that grows by
  // doubling) per case, plus the spool's write buffer.
  CHECK(heavy.MemoryBytes() < kCases * 96 + 256 * 1024);
  CHECK(heavy.case_count() == kCases);
  CHECK(heavy.CollectedSummary().Count(Verdict::kFail) == kCases);

  // A case read back from the middle is whole.
  CaseResult back;
  heavy.LoadCase(31337, &back);
  CHECK(back.file == "ext/standard/tests/31337.phpt");
  CHECK(back.diff.size() == 2048);
  CHECK(back.reason.size() == 256);
  CHECK(back.phases.size() == 4);
}

TEST_CASE("Without a temporary directory, results are kept in memory", "[cumulative_reporter]") {
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  setenv("TMPDIR", "/nonexistent/phptrun/tmp", 1);
  ListReporter reporter("");
  reporter.RunStarting(SampleRunInfo(2));
  reporter.CaseFinished(MakeCase("b.phpt", "b", Verdict::kPass, "", 1));
  reporter.CaseFinished(MakeCase("a.phpt", "a", Verdict::kFail, "", 1, "diff"));
  if (old) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  CHECK_FALSE(reporter.spool().on_disk());
  std::ostringstream out;
  reporter.Render(RunEnd{}, out);
  CHECK(out.str() == "a.phpt FAIL\nb.phpt PASS\ninterrupted=0 duration=0\n");
  CHECK(reporter.SortedCases()[0]->diff == "diff");
}
