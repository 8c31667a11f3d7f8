// --bless: what run-tests.php 8.2 does with php-src's
// scripts/dev/bless_tests.php for each test that FAILed: the test's
// EXPECT or EXPECTF section gets the output the test printed (its foo.out).
//
//   EXPECT    the output, with the parts that change between machines made
//             placeholders ("in /path/x.php on line 3" -> "in %s on line %d",
//             resource ids, string(N) "...%d", NUL -> %0); a placeholder in
//             the result makes the section EXPECTF.
//   EXPECTF   the lines of the old expectation that still match an output
//             line (a line with '%' as its own pattern) stay as they were;
//             the other output lines come in, made placeholders as above.
//
// Tests with an XFAIL section, EXPECTREGEX tests and tests without a foo.out
// are left alone. Everything from the expectation's header to a CLEAN
// section (or the end) is replaced, as bless_tests.php does.
#pragma once

#include <string>

namespace phptrun {

// Rewrites `phpt_path` from the .out beside it. True when it was rewritten;
// false with *why saying why not (empty *why: nothing to do).
bool BlessCase(const std::string& phpt_path, std::string* why);

// The pure steps, for tests.
std::string BlessPlaceholders(const std::string& output);
std::string BlessExpectf(const std::string& output, const std::string& old_expectf);
// Replaces the EXPECT/EXPECTF section of `phpt` with `expectation`; "" when
// there is none.
std::string BlessInsert(const std::string& phpt, const std::string& expectation);

}  // namespace phptrun
