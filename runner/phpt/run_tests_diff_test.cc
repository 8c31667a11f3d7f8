#include "runner/phpt/run_tests_diff.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "runner/phpt/expect.h"

namespace phptrun {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// fixtures/run-tests-diff: NAME.exp.txt, NAME.out.txt and the NAME.diff.txt
// that php8.2 run-tests.php (8.2.32) wrote for them, for failing tests of
// php-src's ext/standard and this project's fixtures (index.tsv: kind, name).
TEST_CASE("run-tests diff: the .diff run-tests.php wrote, byte for byte", "[run_tests_diff]") {
  const std::string dir = std::string(PHPTRUN_SOURCE_DIR) + "/fixtures/run-tests-diff/";
  std::istringstream index(Read(dir + "index.tsv"));
  std::string line;
  int cases = 0;
  while (std::getline(index, line)) {
    if (line.empty()) continue;
    std::string kind = line.substr(0, line.find('\t'));
    std::string name = line.substr(line.find('\t') + 1);
    INFO(name << " (" << kind << ")");
    std::string diff;
    REQUIRE(
        RunTestsDiff(kind, Read(dir + name + ".exp.txt"), Read(dir + name + ".out.txt"), 3, &diff));
    CHECK(diff == Read(dir + name + ".diff.txt"));
    ++cases;
  }
  CHECK(cases >= 9);
}

TEST_CASE("run-tests diff: context lines", "[run_tests_diff]") {
  std::string diff;
  REQUIRE(RunTestsDiff("EXPECT", "one\n2\nthree\nfour\nfive\nsix",
                       "one\ntwo\nthree\nfour\nfive\nsix", 0, &diff));
  CHECK(diff == "002+ two\n002- 2");  // run-tests.php --context 0
  // What run-tests' generate_diff() gives for these (run by php8.2).
  REQUIRE(RunTestsDiff("EXPECT", "a", "a\nb", 3, &diff));
  CHECK(diff == "     a\n002+ b");
  REQUIRE(RunTestsDiff("EXPECT", "x\na\nb\nc\nd\ne\nf\ng", "a\nb\nc\nd\ne\nf\ny", 3, &diff));
  CHECK(diff == "001- x\n     a\n     b\n     c\n     d\n     e\n     f\n007+ y\n008- g");
}

TEST_CASE("run-tests diff: identical pattern lines are compiled once", "[run_tests_diff]") {
  // 300 identical long EXPECTF lines used to be compiled 300 times; on
  // 3000 of them against long output lines the diff took minutes.
  std::string expected, actual;
  for (int i = 0; i < 300; ++i) {
    expected += "%s" + std::string(2000, 'y') + "\n";
    actual += std::string(2000, 'y') + "x" + std::to_string(i) + "\n";
  }
  uint64_t before = PregPattern::compile_calls();
  std::string diff;
  // Whether the look-ahead finishes or gives up, its patterns are compiled once.
  RunTestsDiff("EXPECTF", expected + "end", actual + "end", 3, &diff);
  CHECK(PregPattern::compile_calls() - before <= 2);  // the line and "end"
  // Small diffs are still run-tests' own.
  REQUIRE(RunTestsDiff("EXPECTF", "a\n%d\nb", "a\nx\nb", 3, &diff));
  CHECK(diff == "     a\n002+ x\n002- %d\n     b");  // as run-tests.php 8.2 wrote it
}

}  // namespace
}  // namespace phptrun
