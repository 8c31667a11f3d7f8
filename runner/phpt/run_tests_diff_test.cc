#include "runner/phpt/run_tests_diff.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

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
    REQUIRE(RunTestsDiff(kind, Read(dir + name + ".exp.txt"), Read(dir + name + ".out.txt"), 3, &diff));
    CHECK(diff == Read(dir + name + ".diff.txt"));
    ++cases;
  }
  CHECK(cases >= 9);
}

TEST_CASE("run-tests diff: context lines", "[run_tests_diff]") {
  std::string diff;
  REQUIRE(RunTestsDiff("EXPECT", "one\n2\nthree\nfour\nfive\nsix", "one\ntwo\nthree\nfour\nfive\nsix",
                       0, &diff));
  CHECK(diff == "002+ two\n002- 2");  // run-tests.php --context 0
  // What run-tests' generate_diff() gives for these (run by php8.2).
  REQUIRE(RunTestsDiff("EXPECT", "a", "a\nb", 3, &diff));
  CHECK(diff == "     a\n002+ b");
  REQUIRE(RunTestsDiff("EXPECT", "x\na\nb\nc\nd\ne\nf\ng", "a\nb\nc\nd\ne\nf\ny", 3, &diff));
  CHECK(diff == "001- x\n     a\n     b\n     c\n     d\n     e\n     f\n007+ y\n008- g");
}

}  // namespace
}  // namespace phptrun
