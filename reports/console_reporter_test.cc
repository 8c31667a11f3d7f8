#include "reports/console_reporter.h"

#include <catch2/catch.hpp>
#include <regex>
#include <sstream>
#include <string>

#include "reports/report_test_support.h"

using namespace phptrun;
using namespace phptrun::testing;

namespace {

ConsoleOptions Plain() {
  ConsoleOptions options;
  options.clock = [] { return 0.0; };  // no time passes: no timed progress lines
  return options;
}

std::string RunConsole(ConsoleOptions options, const std::vector<CaseResult>& cases,
                       double duration_s = 61.5, bool interrupted = false) {
  std::ostringstream out;
  ConsoleReporter console(out, options);
  REQUIRE(Replay(console, cases, duration_s, interrupted));
  return out.str();
}

std::string LastLine(const std::string& text) {
  size_t end = text.size() - 1;  // text ends with '\n'
  size_t start = text.rfind('\n', end - 1);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - start - 1);
}

}  // namespace

TEST_CASE("Console output matches the approved baseline", "[console_reporter][approved]") {
  ConsoleOptions options = Plain();
  options.verbose = true;
  options.show_diff = true;
  CheckApproved("approved.console.txt", RunConsole(options, SampleCases()));
}

TEST_CASE("Console: default shows non-passing cases except SKIP", "[console_reporter]") {
  std::string text = RunConsole(Plain(), SampleCases());
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK_THAT(text,
             Catch::Contains("\nFAIL Slow loop [tests/lang/slow.phpt] (timed out after 60 s)\n"));
  CHECK_THAT(text,
             Catch::Contains("\nFAIL Output \"differs\" <b> & 'x' [Zend/tests/basic/002.phpt]\n"));
  CHECK_THAT(text, Catch::Contains("\nBORK broken.phpt [ext/json/tests/broken.phpt] (missing"));
  CHECK_THAT(text, Catch::Contains("\nLEAK Leaky worker ["));
  CHECK_THAT(text, Catch::Contains("\nXFAIL Known bug ["));
  CHECK_THAT(text, Catch::Contains("\nWARN Warns about ini ["));
  CHECK_THAT(text, Catch::Contains("\nXLEAK Known leak ["));
  CHECK_THAT(text, !Catch::Contains("SKIP "));
  CHECK_THAT(text, !Catch::Contains("PASS "));
  CHECK_THAT(text, !Catch::Contains("001+"));  // no diff without --show-diff
  CHECK_THAT(text, Catch::EndsWith("\nRan 10 cases in 61.50s\n"
                                   "2 passed, 2 failed, 1 skipped, 1 borked, 1 xfailed, "
                                   "1 warned, 1 leaked, 1 xleaked\n"));
}

TEST_CASE("Console: the summary line lists only non-zero extra verdicts", "[console_reporter]") {
  std::vector<CaseResult> cases = {MakeCase("a.phpt", "a", Verdict::kPass, "", 1),
                                   MakeCase("b.phpt", "b", Verdict::kLeak, "grows", 1)};
  std::string text = RunConsole(Plain(), cases, 0.004);
  CHECK(LastLine(text) == "1 passed, 0 failed, 0 skipped, 1 leaked");
  CHECK_THAT(text, Catch::Contains("\nRan 2 cases in 0.00s\n"));
  // The format CI scripts rely on.
  std::regex ci(R"(^\d+ passed, \d+ failed, \d+ skipped(, \d+ [a-z]+)*$)");
  CHECK(std::regex_match(LastLine(RunConsole(Plain(), SampleCases())), ci));
  CHECK(std::regex_match(LastLine(RunConsole(Plain(), {})), ci));
}

TEST_CASE("Console: -q shows only run-failing cases; -v shows all", "[console_reporter]") {
  ConsoleOptions quiet = Plain();
  quiet.quiet = true;
  std::string text = RunConsole(quiet, SampleCases());
  CHECK_THAT(text, !Catch::Contains("phptrun "));
  CHECK_THAT(text, Catch::StartsWith("FAIL "));
  CHECK_THAT(text, !Catch::Contains("XFAIL"));
  CHECK_THAT(text, !Catch::Contains("WARN"));
  CHECK_THAT(text, Catch::Contains("\nLEAK "));
  CHECK_THAT(text, Catch::Contains("\nBORK "));

  ConsoleOptions verbose = Plain();
  verbose.verbose = true;
  text = RunConsole(verbose, SampleCases());
  CHECK_THAT(text, Catch::Contains("\nPASS Basic echo [Zend/tests/basic/001.phpt]\n"));
  CHECK_THAT(text, Catch::Contains("\nSKIP Needs ext/json [ext/json/tests/skip_me.phpt] "
                                   "(json extension not loaded)\n"));
}

TEST_CASE("Console: --show-diff prints the diff after FAIL and LEAK", "[console_reporter]") {
  ConsoleOptions options = Plain();
  options.show_diff = true;
  std::string text = RunConsole(options, SampleCases());
  CHECK_THAT(text, Catch::Contains("[Zend/tests/basic/002.phpt]\n001+ Hello <world> & \"all\"\n"
                                   "001- Hallo <world> & \"all\"\n"));
  CHECK_THAT(text, Catch::Contains("after warm-up)\nheap: 1000000 -> 1184320"));
  CHECK_THAT(text, !Catch::Contains("001+ 2\n"));  // XFAIL's diff only with -v
}

TEST_CASE("Console: progress line on a terminal, wiped before other lines", "[console_reporter]") {
  ConsoleOptions options = Plain();
  options.is_tty = true;
  options.width = 60;
  double now = 100;
  options.clock = [&now] { return now; };
  std::ostringstream out;
  ConsoleReporter console(out, options);
  console.RunStarting(SampleRunInfo(12));
  CHECK(out.str() == "phptrun " PHPTRUN_VERSION ", PHP 8.2.36 NTS release: 12 cases, 2 jobs\n"
                     "engine /usr/lib/libphp8.2.so, php.ini /etc/php/8.2/cli/php.ini, extension dir "
                     "/usr/lib/php/20220829, CLI /usr/bin/php8.2\n");
  out.str("");

  console.CaseStarting("a/one.phpt");
  CHECK(out.str() == "[ 0/12]   0% 0 failed  a/one.phpt");
  out.str("");
  console.CaseStarting("a/two.phpt");
  CHECK(out.str() ==
        "\r                                 \r"
        "[ 0/12]   0% 0 failed  a/two.phpt");
  out.str("");
  console.CaseFinished(MakeCase("a/two.phpt", "Two", Verdict::kFail, "", 1));
  CHECK(out.str() ==
        "\r                                 \r"
        "FAIL Two [a/two.phpt]\n"
        "[ 1/12]   8% 1 failed  a/one.phpt");
  out.str("");
  // Once a second has passed: the elapsed time and an estimate of the rest.
  now = 104;
  console.CaseFinished(MakeCase("a/one.phpt", "One", Verdict::kPass, "", 1));
  CHECK(out.str() == "\r                                 \r[ 2/12]  16% 1 failed, 0:04 elapsed, ~0:20 left");
  out.str("");

  // A long path is clipped from the front to stay within the width.
  console.CaseStarting("very/long/directory/name/that/does/not/fit/in/sixty/columns.phpt");
  std::string line = out.str().substr(out.str().rfind('\r') + 1);
  CHECK(line.size() == 59);
  CHECK_THAT(line, Catch::StartsWith("[ 2/12]  16% 1 failed, 0:04 elapsed, ~0:20 left  ..."));
  CHECK_THAT(line, Catch::EndsWith("...ns.phpt"));
  out.str("");

  std::string err;
  REQUIRE(console.RunFinished(MakeRunEnd({}, 1, true), &err));
  CHECK(out.str() == "\r" + std::string(59, ' ') +
                         "\rInterrupted after 0 of 12 cases in 1.00s\n"
                         "0 passed, 0 failed, 0 skipped\n");
}

TEST_CASE("Console: off a terminal, a progress line every 30 s; none with --no-progress",
          "[console_reporter]") {
  for (int progress : {-1, 0}) {
    ConsoleOptions options = Plain();
    options.progress = progress;
    double now = 0;
    options.clock = [&now] { return now; };
    std::ostringstream out;
    ConsoleReporter console(out, options);
    console.RunStarting(SampleRunInfo(4));
    console.CaseFinished(MakeCase("a.phpt", "A", Verdict::kPass, "", 1));
    now = 31;
    console.CaseFinished(MakeCase("b.phpt", "B", Verdict::kFail, "", 1));
    now = 40;  // within 30 s of the last line: none
    console.CaseFinished(MakeCase("c.phpt", "C", Verdict::kPass, "", 1));
    std::string text = out.str();
    INFO(text);
    CHECK(text.find('\r') == std::string::npos);
    if (progress == -1) {
      CHECK_THAT(text, Catch::EndsWith("FAIL B [b.phpt]\n[2/4]  50% 1 failed, 0:31 elapsed, ~0:31 left\n"));
    } else {
      CHECK(text.find("elapsed") == std::string::npos);
    }
  }
}

TEST_CASE("Console: -g prints exactly the lines of the groups named", "[console_reporter]") {
  ConsoleOptions options = Plain();
  options.filter_groups = true;
  options.groups = {Verdict::kPass, Verdict::kXleak};
  options.show_diff = true;
  std::string text = RunConsole(options, SampleCases());
  CHECK_THAT(text, Catch::Contains("\nPASS Basic echo [Zend/tests/basic/001.phpt]\n"));
  CHECK_THAT(text, Catch::Contains("\nXLEAK Known leak ["));
  // Not named: no line, no diff, though FAIL is always shown otherwise.
  CHECK_THAT(text, !Catch::Contains("FAIL "));
  CHECK_THAT(text, !Catch::Contains("001+ Hello"));
  CHECK_THAT(text, !Catch::Contains("XFAIL "));

  // -g REDIRECT alone: no case line at all.
  options.groups.clear();
  text = RunConsole(options, SampleCases());
  for (const char* word : {"PASS ", "FAIL ", "SKIP ", "BORK ", "LEAK "}) {
    CHECK_THAT(text, !Catch::Contains(std::string("\n") + word));
  }
}

TEST_CASE("Console: --show-slow lists the slow cases, slowest first, before the summary",
          "[console_reporter]") {
  ConsoleOptions options = Plain();
  options.slow_ms = 1000;
  CaseResult fast = MakeCase("fast.phpt", "Fast", Verdict::kPass, "", 1);
  fast.time_ms = 999;
  CaseResult slow = MakeCase("slow.phpt", "Slow", Verdict::kPass, "", 1);
  slow.time_ms = 1000;
  CaseResult slower = MakeCase("slower.phpt", "Slower", Verdict::kFail, "", 1);
  slower.time_ms = 2500;
  std::string text = RunConsole(options, {fast, slow, slower});
  CHECK_THAT(text, Catch::Contains("Slow cases (at least 1000 ms):\n"
                                   "(2.500 s) Slower [slower.phpt]\n"
                                   "(1.000 s) Slow [slow.phpt]\n"
                                   "Ran 3 cases"));
  CHECK_THAT(text, !Catch::Contains("Fast ["));
}

TEST_CASE("Console: no progress line when quiet", "[console_reporter]") {
  ConsoleOptions options = Plain();
  options.is_tty = true;
  options.quiet = true;
  std::string text = RunConsole(options, SampleCases());
  CHECK(text.find('\r') == std::string::npos);
}

TEST_CASE("Console: colours only when asked", "[console_reporter]") {
  ConsoleOptions options = Plain();
  options.color = true;
  options.verbose = true;
  std::string text = RunConsole(options, SampleCases());
  CHECK_THAT(text, Catch::Contains("\x1b[1;31mFAIL\x1b[0m Slow loop"));
  CHECK_THAT(text, Catch::Contains("\x1b[32mPASS\x1b[0m Basic echo"));
  CHECK_THAT(text, Catch::Contains("\x1b[33mSKIP\x1b[0m"));
  // The summary line stays plain for parsers.
  CHECK(LastLine(text) ==
        "2 passed, 2 failed, 1 skipped, 1 borked, 1 xfailed, 1 warned, 1 leaked, 1 xleaked");
}

TEST_CASE("Console: a test cannot send escape sequences to the terminal", "[console_reporter]") {
  ConsoleOptions options = Plain();
  options.show_diff = true;
  std::string text = RunConsole(options, {HostileCase()});
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\0') == std::string::npos);
  CHECK_THAT(text,
             Catch::Contains("FAIL Nul[[0x00]]Esc[[0x1b]][31mBad\\xff]]><x> "
                             "[tests/hostile/\\xffname.phpt] (reason [[0x00]][[0x1b]]\\xff ]]>)\n"
                             "001+ [[0x00]][[0x1b]][2J\\xff]]></failure>\n"));
  // Line breaks in a reason do not break the one-line-per-case format.
  text = RunConsole(Plain(), {MakeCase("x.phpt", "X", Verdict::kBork, "bad\nsection", 1)});
  CHECK_THAT(text, Catch::Contains("\nBORK X [x.phpt] (bad section)\n"));
}

TEST_CASE("Colour decision: terminal only, NO_COLOR, TERM=dumb", "[console_reporter]") {
  CHECK(ColorWanted(true, nullptr, "xterm-256color"));
  CHECK(ColorWanted(true, nullptr, nullptr));
  CHECK(ColorWanted(true, "", "xterm"));  // set but empty: no-color.org says ignore it
  CHECK_FALSE(ColorWanted(false, nullptr, "xterm"));
  CHECK_FALSE(ColorWanted(true, "1", "xterm"));
  CHECK_FALSE(ColorWanted(true, nullptr, "dumb"));
}

TEST_CASE("Console: the header says when -j auto may run more cases than CPUs",
          "[console_reporter]") {
  std::ostringstream out;
  ConsoleReporter console(out, Plain());
  RunInfo info = SampleRunInfo(12);
  info.max_jobs = 8;
  console.RunStarting(info);
  CHECK(out.str() ==
        "phptrun " PHPTRUN_VERSION ", PHP 8.2.36 NTS release: 12 cases, 2 jobs (auto: up to 8 while "
        "some wait)\n"
        "engine /usr/lib/libphp8.2.so, php.ini /etc/php/8.2/cli/php.ini, extension dir "
        "/usr/lib/php/20220829, CLI /usr/bin/php8.2\n");
}
