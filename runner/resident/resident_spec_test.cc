#include "runner/resident/resident_spec.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

namespace phptrun {
namespace {

ResidentSpec Parse(const std::string& body) {
  ResidentSpec spec;
  std::string err;
  INFO(body);
  REQUIRE(ParseResidentSection(body, &spec, &err));
  CHECK(err.empty());
  return spec;
}

std::string Error(const std::string& body) {
  ResidentSpec spec;
  spec.iterations = 12345;
  std::string err;
  INFO(body);
  CHECK_FALSE(ParseResidentSection(body, &spec, &err));
  CHECK(spec.iterations == 12345);  // untouched on error
  return err;
}

TEST_CASE("RESIDENT: defaults as DESIGN.md states them") {
  ResidentSpec spec = Parse("");
  CHECK(spec.mode == ResidentSpec::Mode::kRequests);
  CHECK(spec.iterations == 100);
  CHECK(spec.warmup == 10);
  CHECK(spec.max_growth == 0);
  CHECK(spec.same_output);
  CHECK(spec.judge_leaks);
  CHECK_FALSE(spec.from_repeat);
  CHECK(Parse("iterations=30").warmup == 5);  // max(5, 30/10)
  CHECK(Parse("iterations=1000").warmup == 100);
}

TEST_CASE("RESIDENT: every key, comments, blanks and spaces") {
  ResidentSpec spec = Parse(
      "mode=worker        ; requests | worker | reload\n"
      "\n"
      "  iterations = 200 # how many\n"
      "warmup=20\r\n"
      "max_growth=64\n"
      "same_output=0\n");
  CHECK(spec.mode == ResidentSpec::Mode::kWorker);
  CHECK(spec.iterations == 200);
  CHECK(spec.warmup == 20);
  CHECK(spec.max_growth == 64);
  CHECK_FALSE(spec.same_output);
  CHECK(Parse("mode=reload").mode == ResidentSpec::Mode::kReload);
  CHECK(Parse("same_output=off").same_output == false);
  CHECK(Parse("same_output=yes").same_output == true);
}

TEST_CASE("RESIDENT: errors name the key and what was expected") {
  CHECK(Error("colour=blue") ==
        "RESIDENT: unknown key 'colour' (known: mode, iterations, warmup, max_growth, same_output, "
        "max_iterations, fresh)");
  CHECK(Error("mode=fork") ==
        "RESIDENT: mode=fork is invalid; expected requests, worker or reload");
  CHECK(Error("iterations=0") ==
        "RESIDENT: iterations=0 is invalid; expected a number from 1 to 1000000");
  CHECK(Error("iterations=ten") ==
        "RESIDENT: iterations=ten is invalid; expected a number from 1 to 1000000");
  CHECK(Error("iterations=10x") ==
        "RESIDENT: iterations=10x is invalid; expected a number from 1 to 1000000");
  CHECK(Error("warmup=0") == "RESIDENT: warmup=0 is invalid; expected a number of iterations >= 1");
  CHECK(Error("max_growth=-1") ==
        "RESIDENT: max_growth=-1 is invalid; expected bytes per iteration >= 0");
  CHECK(Error("same_output=maybe") == "RESIDENT: same_output=maybe is invalid; expected 1 or 0");
  CHECK(Error("mode=worker\nmode=reload") == "RESIDENT: mode is given twice");
  CHECK(Error("mode worker") == "RESIDENT line 1: expected key=value, got 'mode worker'");
}

TEST_CASE("RESIDENT: the warm-up must leave iterations to judge") {
  CHECK(Error("iterations=100\nwarmup=97") ==
        "RESIDENT: warmup=97 leaves 3 of iterations=100 to judge; at least 4 are needed");
  CHECK(Error("iterations=8") ==
        "RESIDENT: warmup=5 leaves 3 of iterations=8 to judge; at least 4 are needed");
  CHECK(Error("iterations=3\nwarmup=5").find("leaves 0 of iterations=3") != std::string::npos);
  CHECK(Parse("iterations=100\nwarmup=96").warmup == 96);
  CHECK(Parse("iterations=9").warmup == 5);
}

TEST_CASE("--repeat N: requests mode, warm-up shortened, leaks judged only when possible") {
  ResidentSpec spec = RepeatSpec(100);
  CHECK(spec.from_repeat);
  CHECK(spec.mode == ResidentSpec::Mode::kRequests);
  CHECK(spec.iterations == 100);
  CHECK(spec.warmup == 10);
  CHECK(spec.same_output);
  CHECK(spec.judge_leaks);
  CHECK(RepeatSpec(7).warmup == 3);
  CHECK(RepeatSpec(5).warmup == 1);
  CHECK(RepeatSpec(5).judge_leaks);
  CHECK_FALSE(RepeatSpec(4).judge_leaks);
  CHECK_FALSE(RepeatSpec(2).judge_leaks);
  CHECK(RepeatSpec(2).iterations == 2);
}

TEST_CASE("--repeat skips what run-tests.php skips, with its words") {
  auto reason = [](std::set<std::string> sections, std::string ini = "") {
    return RepeatSkipReason([&](const char* s) { return sections.count(s) > 0; }, ini);
  };
  CHECK(reason({"FILE", "EXPECT"}) == "");
  CHECK(reason({"FILE_EXTERNAL"}) == "Test with FILE_EXTERNAL might not be repeatable");
  CHECK(reason({"CLEAN"}) == "Test with CLEAN might not be repeatable");
  CHECK(reason({"STDIN"}) == "Test with STDIN might not be repeatable");
  CHECK(reason({"CAPTURE_STDIO"}) == "Test with CAPTURE_STDIO might not be repeatable");
  CHECK(reason({"INI"}, "opcache.opt_debug_level=0x20000") ==
        "opt_debug_level tests are not repeatable");
}

TEST_CASE("resident mode names") {
  CHECK(std::string(ResidentModeName(ResidentSpec::Mode::kRequests)) == "requests");
  CHECK(std::string(ResidentModeName(ResidentSpec::Mode::kWorker)) == "worker");
  CHECK(std::string(ResidentModeName(ResidentSpec::Mode::kReload)) == "reload");
}

}  // namespace
}  // namespace phptrun
