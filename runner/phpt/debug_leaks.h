// The request-heap leak report of a debug PHP build (--enable-debug), taken
// out of a test's output.
//
// At request shutdown the Zend memory manager of a debug build lists every
// block the request allocated and never freed; php_message_handler_for_zend
// (main/main.c) writes it with fprintf(stderr), so it lands in the case's
// output after everything the script printed, as it does in the CLI:
//
//   [Mon Dec  7 16:45:37 2026]  Script:  '/path/test.php'
//   /src/ext/zend_test/test.c(155) :  Freeing 0x00007f02e9a01050 (7 bytes), script=/path/test.php
//   /src/Zend/zend_alloc.c(2707) : Actual location (location was relayed)
//   Last leak repeated 1 time
//   === Total 2 memory leaks detected ===
//
// run-tests.php compares that text with EXPECT and FAILs the test;
// phptrun removes it and makes the case a LEAK (XLEAK with --XLEAK--):
//
//   DebugLeakReport report = TakeDebugLeakReport(&output);
//   if (report.found()) ... report.Summary() ... report.Details() ...
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace phptrun {

// One "Freeing" line and the lines that qualify it.
struct DebugLeak {
  std::string file;  // the C source that allocated, as the build recorded it
  uint32_t line = 0;
  uint64_t bytes = 0;       // of one block
  uint64_t repeated = 0;    // "Last leak repeated N times": N more blocks like it
  std::string actual_file;  // "Actual location (location was relayed)", or ""
  uint32_t actual_line = 0;
  uint64_t Blocks() const { return repeated + 1; }
  uint64_t TotalBytes() const { return bytes * Blocks(); }
};

struct DebugLeakReport {
  std::vector<DebugLeak> leaks;
  uint64_t total = 0;  // "=== Total N memory leaks detected ===", 0 when absent
  std::string text;    // the report as it was removed from the output

  bool found() const { return !leaks.empty(); }
  uint64_t Blocks() const;
  uint64_t Bytes() const;
  // One line for the verdict's reason: "debug heap: 3 leaked blocks, 66 bytes:
  // ext/zend_test/test.c:155 (2 x 7 B), Zend/zend_hash.c:281 (56 B)".
  std::string Summary() const;
  // One line per site (file:line, blocks, bytes, relayed location), then the
  // report as the engine printed it.
  std::string Details() const;
};

// Finds the report at the end of *output (it may follow output that does not
// end in a newline) and removes it; output that is not a report is left as it
// is, and then found() is false. Only call it for a debug build's output: a
// release build never prints such lines, and a test might.
DebugLeakReport TakeDebugLeakReport(std::string* output);

// A source path of the build's tree as php-src names it: the part from its
// top-level folder on ("/work/php-src/Zend/zend_hash.c" -> "Zend/zend_hash.c").
std::string ShortSourcePath(const std::string& path);

}  // namespace phptrun
