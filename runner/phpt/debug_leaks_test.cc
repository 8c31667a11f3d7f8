#include "runner/phpt/debug_leaks.h"

#include <catch2/catch.hpp>
#include <string>

namespace phptrun {
namespace {

// Printed by a debug php-src 8.2.32 CLI (bench/build-php debug) for
// `zend_leak_bytes(7); zend_leak_bytes(7); zend_leak_variable(new stdClass);`
// with -d report_memleaks=1, copied from its stderr.
const char kReport[] =
    "[Mon Dec  7 16:45:37 2026]  Script:  '/t/leak.php'\n"
    "/work/cache/build-php-debug/ext/zend_test/test.c(155) :  Freeing 0x00007f02e9a01050 (7 "
    "bytes), "
    "script=/t/leak.php\n"
    "Last leak repeated 1 time\n"
    "[Mon Dec  7 16:45:37 2026]  Script:  '/t/leak.php'\n"
    "/work/cache/build-php-debug/Zend/zend_objects.c(186) :  Freeing 0x00007f02e9a5df00 (40 "
    "bytes), "
    "script=/t/leak.php\n"
    "=== Total 3 memory leaks detected ===\n";

TEST_CASE("The debug heap's report is taken off the end of the output", "[debug_leaks]") {
  std::string output = std::string("done\n") + kReport;
  DebugLeakReport report = TakeDebugLeakReport(&output);
  CHECK(output == "done\n");
  REQUIRE(report.found());
  REQUIRE(report.leaks.size() == 2);
  CHECK(report.leaks[0].file == "/work/cache/build-php-debug/ext/zend_test/test.c");
  CHECK(report.leaks[0].line == 155);
  CHECK(report.leaks[0].bytes == 7);
  CHECK(report.leaks[0].repeated == 1);
  CHECK(report.leaks[0].TotalBytes() == 14);
  CHECK(report.leaks[1].file == "/work/cache/build-php-debug/Zend/zend_objects.c");
  CHECK(report.leaks[1].bytes == 40);
  CHECK(report.total == 3);
  CHECK(report.Blocks() == 3);
  CHECK(report.Bytes() == 54);
  CHECK(report.text == kReport);
}

TEST_CASE("A report after output without a final newline leaves that output whole",
          "[debug_leaks]") {
  std::string output = std::string("no newline") + kReport;
  CHECK(TakeDebugLeakReport(&output).found());
  CHECK(output == "no newline");
}

TEST_CASE("Reason and details name the C locations and bytes", "[debug_leaks]") {
  std::string output = kReport;
  DebugLeakReport report = TakeDebugLeakReport(&output);
  CHECK(output.empty());
  CHECK(report.Summary() ==
        "debug heap: 3 leaked blocks, 54 bytes: ext/zend_test/test.c:155 (2 x 7 B), "
        "Zend/zend_objects.c:186 (40 B)");
  CHECK(report.Details().find(
            "  2 x 7 B = 14 B  /work/cache/build-php-debug/ext/zend_test/test.c:155\n") !=
        std::string::npos);
  CHECK(report.Details().find("As printed:\n[Mon Dec  7") != std::string::npos);
}

TEST_CASE("A relayed location is kept with its leak", "[debug_leaks]") {
  std::string output =
      "ok\n[null]  Script:  '/t/x.php'\n"
      "/src/Zend/zend_string.h(174) :  Freeing 0x0000000000abcdef (32 bytes), script=/t/x.php\n"
      "/src/Zend/zend_operators.c(2040) : Actual location (location was relayed)\n"
      "Last leak repeated 3 times\n"
      "=== Total 4 memory leaks detected ===\n";
  DebugLeakReport report = TakeDebugLeakReport(&output);
  CHECK(output == "ok\n");
  REQUIRE(report.leaks.size() == 1);
  CHECK(report.leaks[0].actual_file == "/src/Zend/zend_operators.c");
  CHECK(report.leaks[0].actual_line == 2040);
  CHECK(report.leaks[0].repeated == 3);
  CHECK(report.Bytes() == 128);
  CHECK(report.Details().find("(relayed from /src/Zend/zend_operators.c:2040)") !=
        std::string::npos);
}

TEST_CASE("Output that only looks like a report stays as it is", "[debug_leaks]") {
  // A report line followed by other output: not at the end, not the engine's.
  std::string printed = std::string(kReport) + "more output\n";
  std::string output = printed;
  CHECK_FALSE(TakeDebugLeakReport(&output).found());
  CHECK(output == printed);
  // A Script line alone, and a Total line alone, are no leaks.
  for (std::string alone : {"[Mon Dec  7 16:45:37 2026]  Script:  '/t/x.php'\n",
                            "=== Total 2 memory leaks detected ===\n", "", "plain\n"}) {
    output = alone;
    CHECK_FALSE(TakeDebugLeakReport(&output).found());
    CHECK(output == alone);
  }
  // Cut short (no final newline): not a complete report.
  output = std::string(kReport, sizeof kReport - 2);
  CHECK_FALSE(TakeDebugLeakReport(&output).found());
}

TEST_CASE("Source paths are shortened to php-src's own layout", "[debug_leaks]") {
  CHECK(ShortSourcePath("/work/php-src/Zend/zend_hash.c") == "Zend/zend_hash.c");
  CHECK(ShortSourcePath("/b/ext/zend_test/test.c") == "ext/zend_test/test.c");
  CHECK(ShortSourcePath("/opt/ext/mine/Zend/x.c") == "Zend/x.c");
  CHECK(ShortSourcePath("relative.c") == "relative.c");
}

}  // namespace
}  // namespace phptrun
