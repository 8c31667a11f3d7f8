#include "reports/profile_reporter.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "reports/report_test_support.h"

using namespace phptrun;
using namespace phptrun::testing;

namespace {

std::string RenderProfile(const std::vector<CaseResult>& cases) {
  std::ostringstream out;
  ProfileReporter profile(out, 5);
  profile.RunStarting(SampleRunInfo(cases.size()));
  profile.WorkerSpans(1, SampleWorkerSpans());
  for (const CaseResult& r : cases) profile.CaseFinished(r);
  std::string err;
  REQUIRE(profile.RunFinished(MakeRunEnd(cases, 61.5), &err));
  return out.str();
}

}  // namespace

TEST_CASE("profile table matches the approved baseline", "[profile_reporter][approved]") {
  CheckApproved("approved.profile.txt", RenderProfile(SampleCases()));
}

TEST_CASE("profile: answers which RINIT costs most and what compiles slowest",
          "[profile_reporter]") {
  std::string text = RenderProfile(SampleCases());
  size_t rinit = text.find("RINIT by extension");
  REQUIRE(rinit != std::string::npos);
  // standard's RINIT (7.5 us) is listed before date's (4 us).
  size_t standard = text.find("standard", rinit);
  size_t date = text.find("date", rinit);
  CHECK(standard < date);
  size_t compiles = text.find("Slowest compiles");
  REQUIRE(compiles != std::string::npos);
  CHECK(text.find("/src/Zend/tests/basic/", compiles) < text.find("/src/lib/helper.inc", compiles));
  CHECK_THAT(text, Catch::Contains("Slowest cases"));
  CHECK_THAT(text, Catch::Contains("tests/lang/slow.phpt"));
  CHECK_THAT(text, Catch::Contains("RSHUTDOWN steps"));
  CHECK_THAT(text, Catch::Contains("MINIT by extension"));
}

TEST_CASE("profile: says so when no case carried spans", "[profile_reporter]") {
  std::vector<CaseResult> cases = SampleCases();
  for (CaseResult& c : cases) c.spans.clear();
  std::ostringstream out;
  ProfileReporter profile(out);
  for (const CaseResult& r : cases) profile.CaseFinished(r);
  std::string err;
  CHECK(profile.RunFinished(MakeRunEnd(cases, 1), &err));
  CHECK_THAT(out.str(), Catch::Contains("no lifecycle spans"));
}
