// Tests of MakeDiff (runner/diff.cc, declared in runner/expect.h). The
// expected texts for the simple cases are what run-tests.php 8.2 prints.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "runner/phpt/expect.h"

namespace phptrun {
namespace {

std::string Lines(int from, int to) {
  std::string s;
  for (int i = from; i <= to; ++i) {
    if (!s.empty()) s += "\n";
    s += std::to_string(i);
  }
  return s;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) s += "\n";
    s += lines[i];
  }
  return s;
}

// Lines 1..n with some replaced.
std::string Replace(int n, const std::vector<std::pair<int, std::string>>& changes) {
  std::vector<std::string> lines;
  for (int i = 1; i <= n; ++i) lines.push_back(std::to_string(i));
  for (const auto& [line, text] : changes) lines[line - 1] = text;
  return Join(lines);
}

TEST_CASE("no difference, no diff") {
  CHECK(MakeDiff("EXPECT", "a\nb", "a\nb") == "");
  CHECK(MakeDiff("EXPECT", "", "") == "");
  CHECK(MakeDiff("EXPECTF", "int(%d)", "int(5)") == "");
}

TEST_CASE("one changed line in the middle") {
  CHECK(MakeDiff("EXPECT", Lines(1, 20), Replace(20, {{10, "X"}})) ==
        Join({"--", "     7", "     8", "     9", "010+ X", "010- 10", "     11", "     12",
              "     13", "--"}));
}

TEST_CASE("changes near both ends") {
  CHECK(MakeDiff("EXPECT", Lines(1, 20), Replace(20, {{2, "X"}, {18, "Y"}})) ==
        Join({"     1", "002+ X", "002- 2", "     3", "     4", "     5", "--", "     15",
              "     16", "     17", "018+ Y", "018- 18", "     19", "     20"}));
}

TEST_CASE("close changes share their context") {
  CHECK(MakeDiff("EXPECT", Lines(1, 20), Replace(20, {{5, "X"}, {8, "Y"}})) ==
        Join({"--", "     2", "     3", "     4", "005+ X", "005- 5", "     6", "     7", "008+ Y",
              "008- 8", "     9", "     10", "     11", "--"}));
}

TEST_CASE("a missing line") {
  std::string actual = Join({"1", "2", "3", "4", "5", "7", "8", "9", "10", "11", "12", "13", "14",
                             "15", "16", "17", "18", "19", "20"});
  CHECK(MakeDiff("EXPECT", Lines(1, 20), actual) ==
        Join({"--", "     3", "     4", "     5", "006- 6", "     7", "     8", "     9", "--"}));
}

TEST_CASE("an extra line") {
  std::string actual = Join({"1", "2", "3", "4", "5", "new", "6", "7", "8", "9", "10"});
  CHECK(MakeDiff("EXPECT", Lines(1, 10), actual) ==
        Join({"--", "     3", "     4", "     5", "006+ new", "     6", "     7", "     8", "--"}));
  CHECK(MakeDiff("EXPECT", "a\nb", "a\nb\nc") == Join({"     a", "     b", "003+ c"}));
}

TEST_CASE("whole-text replacements and empty sides") {
  CHECK(MakeDiff("EXPECT", "a", "b") == Join({"001+ b", "001- a"}));
  CHECK(MakeDiff("EXPECT", "", "a") == Join({"001+ a", "001- "}));
  CHECK(MakeDiff("EXPECT", "a", "") == Join({"001+ ", "001- a"}));
}

TEST_CASE("a block of changes lists actual lines, then expected ones") {
  CHECK(MakeDiff("EXPECT", Lines(1, 7), Replace(7, {{3, "X"}, {4, "Y"}, {5, "Z"}})) ==
        Join({"     1", "     2", "003+ X", "004+ Y", "005+ Z", "003- 3", "004- 4", "005- 5",
              "     6", "     7"}));
}

TEST_CASE("context size") {
  CHECK(MakeDiff("EXPECT", Lines(1, 20), Replace(20, {{10, "X"}}), 1) ==
        Join({"--", "     9", "010+ X", "010- 10", "     11", "--"}));
  // No context: only the changed lines, no separators (as run-tests --context 0).
  CHECK(MakeDiff("EXPECT", Lines(1, 20), Replace(20, {{5, "X"}, {15, "Y"}}), 0) ==
        Join({"005+ X", "005- 5", "015+ Y", "015- 15"}));
  // Gaps of exactly 2 * context are printed whole, longer ones split by "--".
  CHECK(
      MakeDiff("EXPECT", Lines(1, 9), Replace(9, {{2, "X"}, {5, "Y"}}), 1) ==
      Join({"     1", "002+ X", "002- 2", "     3", "     4", "005+ Y", "005- 5", "     6", "--"}));
  CHECK(MakeDiff("EXPECT", Lines(1, 9), Replace(9, {{2, "X"}, {6, "Y"}}), 1) ==
        Join({"     1", "002+ X", "002- 2", "     3", "--", "     5", "006+ Y", "006- 6", "     7",
              "--"}));
}

TEST_CASE("line numbers widen past 999") {
  std::string diff = MakeDiff("EXPECT", Lines(1, 1200), Replace(1200, {{1100, "X"}}), 0);
  CHECK(diff == Join({"1100+ X", "1100- 1100"}));
  diff = MakeDiff("EXPECT", Lines(1, 1200), Replace(1200, {{1100, "X"}}), 1);
  CHECK(diff == Join({"--", "      1099", "1100+ X", "1100- 1100", "      1101", "--"}));
}

TEST_CASE("EXPECTF lines match as their own patterns") {
  std::string expected = "int(%d)\nstring(%d) \"%s\"\nfloat(%f)\nDone";
  std::string actual = "int(5)\nstring(3) \"abc\"\nfloat(x)\nDone";
  CHECK(MakeDiff("EXPECTF", expected, actual) ==
        Join({"     int(%d)", "     string(%d) \"%s\"", "003+ float(x)", "003- float(%f)",
              "     Done"}));
  // Literal lines (no '%') compare as text, regex metacharacters included.
  CHECK(MakeDiff("EXPECTF", "a.b\n[x]", "a.b\n[x]") == "");
  CHECK(MakeDiff("EXPECTF", "a.b", "axb") == Join({"001+ axb", "001- a.b"}));
  // A multi-line %a cannot match line by line: the diff says so, as run-tests' does.
  CHECK(MakeDiff("EXPECTF", "start\n%a\nend", "start\nx\ny\nend") ==
        Join({"     start", "     %a", "003+ y", "     end"}));
}

TEST_CASE("EXPECTREGEX lines match as their own patterns") {
  CHECK(MakeDiff("EXPECTREGEX", "\\d+\nfoo|bar\nx", "12\nfoo\ny") ==
        Join({"     \\d+", "     foo|bar", "003+ y", "003- x"}));
  // An invalid line pattern equals nothing.
  CHECK(MakeDiff("EXPECTREGEX", "(", "(") == Join({"001+ (", "001- ("}));
}

TEST_CASE("the diff is minimal where run-tests' heuristic is not") {
  // Three lines inserted before a long common run: one block of insertions.
  std::string expected = Lines(1, 30);
  std::string actual = "a\nb\nc\n" + expected;
  CHECK(MakeDiff("EXPECT", expected, actual) ==
        Join({"001+ a", "002+ b", "003+ c", "     1", "     2", "     3", "--"}));
}

// Bounded time is CTest's timeout to enforce (tests/CMakeLists.txt): no
// wall-time assertion here, the machine may be loaded.
TEST_CASE("huge, totally different outputs finish quickly") {
  std::string expected, actual;
  for (int i = 0; i < 100000; ++i) {
    expected += "expected line " + std::to_string(i) + "\n";
    actual += "actual line " + std::to_string(i) + "\n";
  }
  expected += "end";
  actual += "end";
  std::string diff = MakeDiff("EXPECT", expected, actual);
  CHECK(diff.rfind("000001+ actual line 0\n", 0) == 0);
  CHECK(diff.find("100000- expected line 99999\n") != std::string::npos);
  CHECK(diff.size() > 4'000'000);

  // The same with patterns: the comparison budget runs out, the diff still comes.
  std::string expectf;
  for (int i = 0; i < 20000; ++i) expectf += "line %d of " + std::to_string(i) + "\n";
  diff = MakeDiff("EXPECTF", expectf + "end", actual);
  CHECK(diff.find("+ actual line 5") != std::string::npos);
  CHECK(diff.find("- line %d of 5") != std::string::npos);
}

TEST_CASE("long pattern lines: each distinct line is compiled once, EXPECTF lines not at all") {
  // 300 long lines of one pattern against 300 different long lines: the diff
  // used to compile one regex per expected line (and, for 3000 such lines,
  // took minutes and 14 GB). Identical lines share a matcher, and EXPECTF
  // lines are matched by the direct search without a regex.
  std::string regex_lines, expectf_lines, actual;
  for (int i = 0; i < 300; ++i) {
    regex_lines += "[^\\n]+" + std::string(2000, 'y') + "\n";
    expectf_lines += "%s" + std::string(2000, 'y') + "\n";
    actual += std::string(2000, 'y') + "x" + std::to_string(i) + "\n";
  }
  uint64_t before = PregPattern::compile_calls();
  std::string diff = MakeDiff("EXPECTREGEX", regex_lines + "end", actual + "end");
  CHECK(PregPattern::compile_calls() - before == 1);
  CHECK(diff.find("001+ " + std::string(2000, 'y') + "x0\n") != std::string::npos);
  CHECK(diff.find("300- [^\\n]+" + std::string(2000, 'y') + "\n") != std::string::npos);

  before = PregPattern::compile_calls();
  diff = MakeDiff("EXPECTF", expectf_lines + "end", actual + "end");
  CHECK(PregPattern::compile_calls() == before);
  CHECK(diff.find("001+ " + std::string(2000, 'y') + "x0\n") != std::string::npos);
  // A line that does match is still found equal.
  CHECK(MakeDiff("EXPECTF", "%s" + std::string(2000, 'y') + "\nend",
                 std::string(2001, 'y') + "\nEND") ==
        "     %s" + std::string(2000, 'y') + "\n002+ END\n002- end");
}

TEST_CASE("large outputs with a few changes stay precise") {
  std::string expected = Lines(1, 50000);
  std::vector<std::pair<int, std::string>> changes = {{100, "X"}, {25000, "Y"}, {49999, "Z"}};
  std::string diff = MakeDiff("EXPECT", expected, Replace(50000, changes), 0);
  CHECK(diff ==
        Join({"00100+ X", "00100- 100", "25000+ Y", "25000- 25000", "49999+ Z", "49999- 49999"}));
}

TEST_CASE("random inputs: the diff rebuilds both sides and is minimal") {
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> e, a;
    int n = 1 + static_cast<int>(rng() % 12), m = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) e.push_back(std::string(1, static_cast<char>('a' + rng() % 3)));
    for (int i = 0; i < m; ++i) a.push_back(std::string(1, static_cast<char>('a' + rng() % 3)));
    // Longest common subsequence by dynamic programming.
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (int i = n - 1; i >= 0; --i) {
      for (int j = m - 1; j >= 0; --j) {
        lcs[i][j] = e[i] == a[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    std::string diff = MakeDiff("EXPECT", Join(e), Join(a), 1000);
    INFO("expected: " << Join(e) << "\nactual: " << Join(a) << "\ndiff:\n" << diff);
    if (e == a) {
      CHECK(diff.empty());
      continue;
    }
    std::vector<std::string> rebuilt_e, rebuilt_a;
    int changes = 0;
    size_t pos = 0;
    while (pos <= diff.size()) {
      size_t nl = diff.find('\n', pos);
      if (nl == std::string::npos) nl = diff.size();
      std::string line = diff.substr(pos, nl - pos);
      pos = nl + 1;
      if (line.rfind("     ", 0) == 0) {
        rebuilt_e.push_back(line.substr(5));
        rebuilt_a.push_back(line.substr(5));
      } else if (line.size() >= 5 && line[3] == '-') {
        rebuilt_e.push_back(line.substr(5));
        ++changes;
      } else if (line.size() >= 5 && line[3] == '+') {
        rebuilt_a.push_back(line.substr(5));
        ++changes;
      } else {
        FAIL("unexpected diff line: " << line);
      }
    }
    CHECK(rebuilt_e == e);
    CHECK(rebuilt_a == a);
    CHECK(changes == n + m - 2 * lcs[0][0]);
  }
}

}  // namespace
}  // namespace phptrun
