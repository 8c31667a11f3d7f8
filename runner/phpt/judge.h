// run-tests.php 8.2's rules for turning what happened into a verdict
// (phpt-reference.md §2.5 and §2.9), as pure functions.
#pragma once

#include <string>
#include <string_view>

#include "runner/phpt/verdict.h"

namespace phptrun {

// What a SKIPIF section's output asks for, checked in run-tests' order:
// "skip..." skips; "info TEXT" adds a note; "warn TEXT" marks the case so a
// failure counts as WARN; "xfail TEXT" acts as an XFAIL section; anything
// else non-empty borks. Output starting with "nocache" is ignored (the test
// runs) and not cached, as in run-tests (php/php-src#8076 included).
struct SkipifOutcome {
  enum class Action { kRun, kSkip, kBork };
  Action action = Action::kRun;
  std::string reason;   // SKIP reason, or BORK reason
  std::string info;     // from "info ..."
  bool warn = false;    // from "warn ..."
  std::string warn_text;
  bool xfail = false;   // from "xfail ..."
  std::string xfail_reason;
  bool flaky = false;   // from "flaky ...": as a FLAKY section (run-tests 8.2.32)
  bool cacheable = true;
};

SkipifOutcome InterpretSkipif(std::string_view raw_output);

// Everything the verdict depends on once the test has run.
struct CaseFacts {
  bool output_matches = false;
  bool xfail = false;           // XFAIL section, or SKIPIF "xfail"
  std::string xfail_reason;
  bool warn = false;            // SKIPIF "warn"
  std::string warn_text;
  bool xleak = false;           // XLEAK section
  std::string clean_output;     // trimmed output of CLEAN
  std::string info;             // SKIPIF "info" note
  std::string failure_reason;   // "timed out after 60 s", "crashed: SIGSEGV", ...
  bool retried = false;         // this is the second run of a flaky test
  bool leaked = false;          // a resident run's series keeps growing
  std::string leak_reason;      // what grows, by how much, where
};

// run-tests.php 8.2.32 runs a failing test once more when it looks flaky:
// a FLAKY section (or SKIPIF "flaky"), SKIPIF code mentioning
// SKIP_PERF_SENSITIVE, FILE code calling a timing function (disk_free_space,
// hrtime, microtime, sleep, usleep), or output naming a transient error
// ("timed out", "connection refused", "address already in use", ...).
// A pass on that retry is a WARN.
bool MayBeRetried(bool flaky_marked, std::string_view skipif_code, std::string_view file_code,
                  std::string_view output);

struct Judgement {
  Verdict verdict;
  std::string reason;
  // WARN carrying a FAIL (run-tests' label WARN&FAIL; not WARN&XFAIL).
  bool warn_failed = false;
};

Judgement Judge(const CaseFacts& facts);

}  // namespace phptrun
