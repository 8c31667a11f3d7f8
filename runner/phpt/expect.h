// Comparing a case's output with its EXPECT, EXPECTF or EXPECTREGEX section
// exactly as run-tests.php 8.2 does (phpt-reference.md §2.3, §2.4).
//
//   ExpectMatcher m("EXPECTF", *test.Section("EXPECTF"));
//   if (!m.ok()) { /* BORK: m.error() */ }
//   bool passed = m.Matches(NormalizeOutput(raw_output));
//
// EXPECTF and EXPECTREGEX are matched with RE2 in Latin-1 mode (bytes, not
// UTF-8), with '.' matching newline and the whole output anchored, so no
// pattern can backtrack for minutes. The few EXPECTREGEX/%r patterns RE2
// cannot compile (lookaround, backreferences) fall back to PCRE2 without UTF
// and with DOTALL, as preg_match('/^...$/s') would run them.
//
// Most EXPECTF sections have no %r, and for them compiling a one-off RE2
// costs far more than the match: those are judged by ExpectfPattern
// (runner/expectf_pattern.h), which gives the same answers with a bounded
// search, and the regex is only compiled if that search runs out of budget.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace phptrun {

// trim() of " \t\n\r\0\x0B" at both ends, then CRLF -> LF: what run-tests.php
// does to both the output and the expectation.
std::string NormalizeOutput(std::string_view text);

// The regex run-tests.php builds from an EXPECTF body (after normalisation),
// without the surrounding /^...$/s: preg_quote outside %r..%r pairs, raw inside,
// then the placeholder table over the whole string.
std::string ExpectfToRegex(std::string_view normalized_expectf);

// A PCRE pattern run as preg_match('/^' . pattern . '$/s', subject) runs it in
// run-tests.php: '^' and '$' bind to the outer alternatives, '$' also matches
// before a final newline, '.' matches newline, bytes not UTF-8. PCRE2 compiles
// every pattern first, as preg_match would, so that exactly the patterns it
// refuses are refused (among them any too large for PCRE2). Executed by RE2
// (linear time) whenever the pattern means the same there, else by PCRE2 with
// a backtracking limit (a pattern that exceeds it does not match).
//
//   PregPattern p = PregPattern::Compile("foo\\d+");
//   if (p.ok() && p.Matches("foo42")) ...
class PregPattern {
 public:
  PregPattern();
  ~PregPattern();
  PregPattern(PregPattern&&) noexcept;
  PregPattern& operator=(PregPattern&&) noexcept;

  // Never fails loudly: a pattern PCRE2 rejects (or one with an unescaped
  // '/', which ends PHP's delimiters early) gives ok() == false.
  static PregPattern Compile(std::string_view pattern);

  bool ok() const { return error_.empty(); }
  // PCRE2's message with the offset in `pattern`, e.g. "missing closing
  // parenthesis at offset 3".
  const std::string& error() const { return error_; }
  // True when RE2 could not take the pattern and PCRE2 runs it.
  bool uses_pcre() const;

  bool Matches(std::string_view subject) const;

  // How many times Compile() has run in this process (for tests that check
  // a path compiles no regex).
  static uint64_t compile_calls();

 private:
  struct Rep;
  std::string error_ = "not compiled";
  std::unique_ptr<Rep> rep_;
};

class ExpectMatcher {
 public:
  // kind: "EXPECT", "EXPECTF" or "EXPECTREGEX"; body: the raw section.
  ExpectMatcher(std::string_view kind, std::string_view body);
  ~ExpectMatcher();
  ExpectMatcher(ExpectMatcher&&) noexcept;
  ExpectMatcher& operator=(ExpectMatcher&&) noexcept;

  bool ok() const { return error_.empty(); }
  // Why the pattern is unusable, e.g. "invalid EXPECTREGEX: missing closing
  // parenthesis at offset 4" (PCRE2's words) or "invalid EXPECTREGEX:
  // unescaped delimiter '/' at offset 1" (run-tests' preg_match fails there).
  const std::string& error() const { return error_; }

  // `output` must already be NormalizeOutput()ed. Safe to call from several
  // threads at once (a regex compiled on first need is built once).
  bool Matches(std::string_view output) const;

  // The normalised expectation (for diffs and reports).
  const std::string& expected() const { return expected_; }
  const std::string& kind() const { return kind_; }

 private:
  struct Impl;
  std::string kind_;
  std::string expected_;
  std::string error_;
  std::unique_ptr<Impl> impl_;
};

// A run-tests-style line diff of expected vs actual (both normalised):
// "NNN+ actual line", "NNN- expected line" (numbers zero-padded to at least 3
// digits), unchanged context lines indented by the same width, "--" where
// unchanged lines were left out; within a change, actual lines come first.
// Lines are aligned by a minimal (Myers) diff instead of run-tests' heuristic.
// For EXPECTF/EXPECTREGEX an expected line equals an actual one when the
// line, translated on its own, matches it. Huge or very different inputs fall
// back to "common head and tail, everything between replaced" so that the
// diff costs bounded time. Empty when nothing differs. (runner/diff.cc)
std::string MakeDiff(std::string_view kind, std::string_view expected, std::string_view actual,
                     int context_lines = 3);

}  // namespace phptrun
