#include "runner/phpt/judge.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <strings.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace phptrun {
namespace {

using namespace std::string_literals;
using Action = SkipifOutcome::Action;

// ---------------------------------------------------------------------------
// An oracle: run-tests.php 8.2.32's own code, with its regexes run by PCRE2
// as preg_match runs them.

// preg_match($pattern, $subject, $m) with PCRE2_CASELESS when `caseless`;
// *group1 = $m[1].
bool PregMatch(const std::string& pattern, bool caseless, std::string_view subject,
               std::string* group1 = nullptr) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                 caseless ? PCRE2_CASELESS : 0, &code, &offset, nullptr);
  REQUIRE(re != nullptr);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(re, nullptr);
  int rc = pcre2_match(re, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, md,
                       nullptr);
  if (rc >= 2 && group1) {
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    *group1 = std::string(subject.substr(ov[2], ov[3] - ov[2]));
  }
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  return rc >= 0;
}

// PHP's trim() with its default character list.
std::string PhpTrim(std::string_view s) {
  const std::string_view chars(" \t\n\r\0\x0B", 6);
  size_t b = s.find_first_not_of(chars);
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(chars) - b + 1));
}

bool StrNCaseEq(std::string_view a, const char* b, size_t n) {
  return a.size() >= n && strncasecmp(a.data(), b, n) == 0;
}

// run_test()'s reading of SKIPIF output (run-tests.php:2141-2177, SkipCache
// :3730), reduced to the fields of SkipifOutcome it decides.
SkipifOutcome RunTestsSkipif(std::string_view raw) {
  SkipifOutcome out;
  std::string output = PhpTrim(raw);
  if (output.rfind("nocache", 0) == 0) {
    output = "";
    out.cacheable = false;
  }
  std::string m;
  if (StrNCaseEq(output, "skip", 4)) {
    out.action = Action::kSkip;
    if (PregMatch("^skip\\s*(.+)", true, output, &m)) out.reason = m;
  } else if (StrNCaseEq(output, "info", 4) && PregMatch("^info\\s*(.+)", true, output, &m)) {
    out.info = m;
  } else if (StrNCaseEq(output, "warn", 4) && PregMatch("^warn\\s+(.+)", true, output, &m)) {
    out.warn = true;
    out.warn_text = m;
  } else if (StrNCaseEq(output, "xfail", 5)) {
    out.xfail = true;
    out.xfail_reason = PhpTrim(output.substr(5));  // ltrim; the right side is trimmed
  } else if (StrNCaseEq(output, "flaky", 5)) {
    out.flaky = true;
  } else if (!output.empty()) {
    out.action = Action::kBork;
    out.reason = "invalid output from SKIPIF";
  }
  return out;
}

void CheckSame(const SkipifOutcome& got, const SkipifOutcome& want) {
  CHECK(static_cast<int>(got.action) == static_cast<int>(want.action));
  CHECK(got.reason == want.reason);
  CHECK(got.info == want.info);
  CHECK(got.warn == want.warn);
  CHECK(got.warn_text == want.warn_text);
  CHECK(got.xfail == want.xfail);
  CHECK(got.xfail_reason == want.xfail_reason);
  CHECK(got.flaky == want.flaky);
  CHECK(got.cacheable == want.cacheable);
}

// ---------------------------------------------------------------------------
// InterpretSkipif

TEST_CASE("skipif: no output runs the test") {
  SkipifOutcome o = InterpretSkipif("");
  CHECK(o.action == Action::kRun);
  CHECK(o.reason.empty());
  CHECK(o.info.empty());
  CHECK_FALSE(o.warn);
  CHECK_FALSE(o.xfail);
  CHECK_FALSE(o.flaky);
  CHECK(o.cacheable);

  CHECK(InterpretSkipif(" \n\t\r\0\x0B"s).action == Action::kRun);
}

TEST_CASE("skipif: skip, with and without a reason") {
  SkipifOutcome o = InterpretSkipif("skip");
  CHECK(o.action == Action::kSkip);
  CHECK(o.reason.empty());
  CHECK(o.cacheable);

  o = InterpretSkipif("skip the zip extension is not loaded");
  CHECK(o.action == Action::kSkip);
  CHECK(o.reason == "the zip extension is not loaded");

  // /^skip\s*(.+)/: no space needed, and punctuation is part of the reason.
  CHECK(InterpretSkipif("skip: no zip").reason == ": no zip");
  CHECK(InterpretSkipif("skipped because").reason == "ped because");
  CHECK(InterpretSkipif("skip\t\treason").reason == "reason");
}

TEST_CASE("skipif: the skip reason is the first line") {
  CHECK(InterpretSkipif("skip first line\nsecond line").reason == "first line");
  CHECK(InterpretSkipif("skip first\r\nsecond").reason == "first\r");  // '.' matches CR
  // \s* crosses newlines, so a bare "skip" line takes the next one.
  CHECK(InterpretSkipif("skip\nreason on the next line\nmore").reason == "reason on the next line");
  CHECK(InterpretSkipif("skip \n \n reason").reason == "reason");
}

TEST_CASE("skipif: a trailing form feed is text, as the regexes backtrack") {
  // trim() keeps \f, and /^skip\s*(.+)/ gives it back to (.+).
  CHECK(InterpretSkipif("skip \f").reason == "\f");
  SkipifOutcome o = InterpretSkipif("info\f");
  CHECK(o.action == Action::kRun);
  CHECK(o.info == "\f");
  o = InterpretSkipif("warn \f");
  CHECK(o.warn);
  CHECK(o.warn_text == "\f");
  // \s+ needs the form feed itself: nothing left for the text.
  CHECK(InterpretSkipif("warn\f").action == Action::kBork);
}

TEST_CASE("skipif: keywords are case-insensitive") {
  CHECK(InterpretSkipif("SKIP no").action == Action::kSkip);
  CHECK(InterpretSkipif("Skip No").reason == "No");
  CHECK(InterpretSkipif("INFO note").info == "note");
  CHECK(InterpretSkipif("Warn text").warn);
  CHECK(InterpretSkipif("XFail reason").xfail);
  CHECK(InterpretSkipif("FLAKY").flaky);
}

TEST_CASE("skipif: leading and trailing whitespace and NUL are trimmed") {
  SkipifOutcome o = InterpretSkipif("\n\n  \t\0skip reason \n\0\x0B"s);
  CHECK(o.action == Action::kSkip);
  CHECK(o.reason == "reason");
  // Form feed is not in trim()'s list: this is not "skip".
  o = InterpretSkipif("\fskip");
  CHECK(o.action == Action::kBork);
}

TEST_CASE("skipif: info adds a note and runs") {
  SkipifOutcome o = InterpretSkipif("info uses the slow path");
  CHECK(o.action == Action::kRun);
  CHECK(o.info == "uses the slow path");
  CHECK_FALSE(o.warn);
  CHECK(InterpretSkipif("info\nnext line").info == "next line");
  CHECK(InterpretSkipif("info: x\ny").info == ": x");
  // Without text the regex fails and the output is just invalid.
  o = InterpretSkipif("info");
  CHECK(o.action == Action::kBork);
  CHECK(o.reason == "invalid output from SKIPIF");
}

TEST_CASE("skipif: warn needs a space and a text") {
  SkipifOutcome o = InterpretSkipif("warn might be slow");
  CHECK(o.action == Action::kRun);
  CHECK(o.warn);
  CHECK(o.warn_text == "might be slow");
  CHECK(InterpretSkipif("warn\ttabbed\nsecond").warn_text == "tabbed");
  CHECK(InterpretSkipif("warn\nnext line").warn_text == "next line");

  for (const char* bad : {"warn", "warnx", "warning"}) {
    INFO(bad);
    o = InterpretSkipif(bad);
    CHECK(o.action == Action::kBork);
    CHECK(o.reason == "invalid output from SKIPIF");
    CHECK_FALSE(o.warn);
  }
  // A PHP warning from a failed include borks, it is no "warn".
  o = InterpretSkipif("\nWarning: include(skipif.inc): Failed to open stream in x.php on line 2\n");
  CHECK(o.action == Action::kBork);
  CHECK_FALSE(o.warn);
}

TEST_CASE("skipif: xfail acts as an XFAIL section") {
  SkipifOutcome o = InterpretSkipif("xfail known bug #123");
  CHECK(o.action == Action::kRun);
  CHECK(o.xfail);
  CHECK(o.xfail_reason == "known bug #123");

  o = InterpretSkipif("xfail");
  CHECK(o.action == Action::kRun);
  CHECK(o.xfail);
  CHECK(o.xfail_reason.empty());

  // The whole rest of the output, not just a line.
  CHECK(InterpretSkipif("xfail\n  line one\nline two\n").xfail_reason == "line one\nline two");
  CHECK(InterpretSkipif("xfailing").xfail_reason == "ing");
  // ltrim() with PHP's list: NUL goes, form feed stays.
  CHECK(InterpretSkipif("xfail\0 reason"s).xfail_reason == "reason");
  CHECK(InterpretSkipif("xfail\freason").xfail_reason == "\freason");
}

TEST_CASE("skipif: flaky marks the test for a retry") {
  SkipifOutcome o = InterpretSkipif("flaky");
  CHECK(o.action == Action::kRun);
  CHECK(o.flaky);
  CHECK(InterpretSkipif("flaky on busy machines").flaky);
  CHECK_FALSE(o.xfail);
  CHECK_FALSE(o.warn);
}

TEST_CASE("skipif: nocache ignores the rest and is not cacheable") {
  for (const char* out : {"nocache", "nocache\nskip not today", "nocacheskip",
                          "\n  nocache\nwarn x", "nocache\nxfail y", "nocache garbage"}) {
    INFO(out);
    SkipifOutcome o = InterpretSkipif(out);
    CHECK(o.action == Action::kRun);
    CHECK_FALSE(o.cacheable);
    CHECK(o.reason.empty());
    CHECK_FALSE(o.warn);
    CHECK_FALSE(o.xfail);
  }
  // Unlike the keywords, "nocache" is matched case-sensitively (strpos).
  SkipifOutcome o = InterpretSkipif("NOCACHE");
  CHECK(o.action == Action::kBork);
  CHECK(o.cacheable);
  // Only at the start.
  o = InterpretSkipif("skip nocache");
  CHECK(o.action == Action::kSkip);
  CHECK(o.cacheable);
}

TEST_CASE("skipif: any other output borks") {
  for (const char* out :
       {"1", "ok", "sk", "x skip", "Fatal error: Uncaught Error", "<br />", "please skip"}) {
    INFO(out);
    SkipifOutcome o = InterpretSkipif(out);
    CHECK(o.action == Action::kBork);
    CHECK(o.reason == "invalid output from SKIPIF");
    CHECK(o.cacheable);
  }
}

TEST_CASE("skipif: agrees with run-tests' code on generated output") {
  const std::vector<std::string> keywords = {
      "skip",  "SKIP",  "Skipped", "info",    "INFO",    "warn",  "Warn", "warning",
      "xfail", "XFAIL", "flaky",   "nocache", "NOCACHE", "other", "",     "sk"};
  const std::vector<std::string> separators = {"",  " ",    "\t", "\n",   " \n ",
                                               ":", "\r\n", "\f", "\x0B", "\0"s};
  const std::vector<std::string> texts = {
      "", "reason", "two words\nsecond line", "a\rb", "x \n", " \0y"s, "\n\nlast"};
  const std::vector<std::string> wraps = {"", " \n", "\0\t"s, "\f"};
  int n = 0;
  for (const std::string& k : keywords) {
    for (const std::string& s : separators) {
      for (const std::string& t : texts) {
        for (const std::string& w : wraps) {
          std::string output = w + k + s + t + w;
          INFO("output: \"" << output << "\"");
          CheckSame(InterpretSkipif(output), RunTestsSkipif(output));
          ++n;
        }
      }
    }
  }
  CHECK(n == 4480);
}

// ---------------------------------------------------------------------------
// Judge

TEST_CASE("judge: a matching output passes") {
  CaseFacts f;
  f.output_matches = true;
  Judgement j = Judge(f);
  CHECK(j.verdict == Verdict::kPass);
  CHECK(j.reason.empty());
}

TEST_CASE("judge: CLEAN output on a pass borks") {
  CaseFacts f;
  f.output_matches = true;
  f.clean_output = "Warning: unlink(x): No such file";
  Judgement j = Judge(f);
  CHECK(j.verdict == Verdict::kBork);
  CHECK(j.reason == "invalid output from CLEAN");

  // Before XFAIL, XLEAK and retry are looked at.
  f.xfail = f.xleak = f.retried = true;
  CHECK(Judge(f).verdict == Verdict::kBork);

  // On a failure it does not matter.
  f = CaseFacts{};
  f.clean_output = "noise";
  CHECK(Judge(f).verdict == Verdict::kFail);
}

TEST_CASE("judge: passing despite XFAIL, XLEAK or a retry warns") {
  CaseFacts f;
  f.output_matches = true;
  f.xfail = true;
  f.xfail_reason = "bug #1";
  Judgement j = Judge(f);
  CHECK(j.verdict == Verdict::kWarn);
  CHECK(j.reason == "XFAIL section but test passes");

  f.xleak = true;  // XFAIL is checked first
  CHECK(Judge(f).reason == "XFAIL section but test passes");

  f.xfail = false;
  j = Judge(f);
  CHECK(j.verdict == Verdict::kWarn);
  CHECK(j.reason == "XLEAK section but test passes");

  f.retried = true;  // XLEAK before retry
  CHECK(Judge(f).reason == "XLEAK section but test passes");

  f.xleak = false;
  j = Judge(f);
  CHECK(j.verdict == Verdict::kWarn);
  CHECK(j.reason == "Test passed on retry attempt");
}

TEST_CASE("judge: SKIPIF warn does not touch a pass") {
  CaseFacts f;
  f.output_matches = true;
  f.warn = true;
  f.warn_text = "slow";
  CHECK(Judge(f).verdict == Verdict::kPass);
}

TEST_CASE("judge: a plain failure keeps its reason") {
  CaseFacts f;
  Judgement j = Judge(f);
  CHECK(j.verdict == Verdict::kFail);
  CHECK(j.reason.empty());

  f.failure_reason = "timed out after 60 s";
  j = Judge(f);
  CHECK(j.verdict == Verdict::kFail);
  CHECK(j.reason == "timed out after 60 s");

  // A retry that fails again is a plain failure.
  f.retried = true;
  CHECK(Judge(f).verdict == Verdict::kFail);
}

TEST_CASE("judge: failing with SKIPIF warn is WARN, before XFAIL and XLEAK") {
  CaseFacts f;
  f.warn = true;
  f.warn_text = "needs a quiet machine";
  Judgement j = Judge(f);
  CHECK(j.verdict == Verdict::kWarn);
  CHECK(j.reason == "needs a quiet machine");

  f.failure_reason = "crashed: SIGSEGV";
  j = Judge(f);
  CHECK(j.verdict == Verdict::kWarn);
  CHECK(j.reason.find("crashed: SIGSEGV") != std::string::npos);
  CHECK(j.reason.find("needs a quiet machine") != std::string::npos);

  f.xfail = true;
  f.xleak = true;
  CHECK(Judge(f).verdict == Verdict::kWarn);
}

TEST_CASE("judge: failing with XFAIL is XFAIL, with XLEAK is XLEAK") {
  CaseFacts f;
  f.xfail = true;
  f.xfail_reason = "bug #42";
  Judgement j = Judge(f);
  CHECK(j.verdict == Verdict::kXfail);
  CHECK(j.reason == "bug #42");

  f.failure_reason = "timed out after 5 s";
  j = Judge(f);
  CHECK(j.verdict == Verdict::kXfail);
  CHECK(j.reason.find("bug #42") != std::string::npos);
  CHECK(j.reason.find("timed out after 5 s") != std::string::npos);

  f.xleak = true;  // XFAIL wins
  CHECK(Judge(f).verdict == Verdict::kXfail);

  f = CaseFacts{};
  f.xleak = true;
  f.failure_reason = "exit 1";
  j = Judge(f);
  CHECK(j.verdict == Verdict::kXleak);
  CHECK(j.reason == "exit 1");
}

TEST_CASE("judge: the info note travels with the verdict") {
  CaseFacts f;
  f.info = "uses the fallback";
  f.output_matches = true;
  Judgement j = Judge(f);
  CHECK(j.verdict == Verdict::kPass);
  CHECK(j.reason == "info: uses the fallback");

  f.output_matches = false;
  f.failure_reason = "timed out after 60 s";
  j = Judge(f);
  CHECK(j.verdict == Verdict::kFail);
  CHECK(j.reason == "timed out after 60 s (info: uses the fallback)");

  f.output_matches = true;
  f.retried = true;
  j = Judge(f);
  CHECK(j.verdict == Verdict::kWarn);
  CHECK(j.reason == "Test passed on retry attempt (info: uses the fallback)");

  // A CLEAN bork says only why it borked.
  f.clean_output = "x";
  CHECK(Judge(f).reason == "invalid output from CLEAN");
}

// ---------------------------------------------------------------------------
// MayBeRetried

// is_flaky_output() and is_flaky() of run-tests.php 8.2.32, through PCRE2.
bool RunTestsMayBeRetried(bool flaky_marked, const std::string& skipif, const std::string& file,
                          const std::string& output) {
  if (PregMatch("(\\b(404: page not found|address already in use|connection refused|deadlock|"
                "mailbox already exists|timed out)\\b)",
                true, output)) {
    return true;
  }
  if (flaky_marked) return true;
  if (skipif.find("SKIP_PERF_SENSITIVE") != std::string::npos) return true;
  return PregMatch("(\\b(disk_free_space|hrtime|microtime|sleep|usleep)\\()", true, file);
}

TEST_CASE("retry: nothing flaky, no retry") {
  CHECK_FALSE(MayBeRetried(false, "", "", ""));
  CHECK_FALSE(MayBeRetried(false, "<?php if (1) die('skip');", "<?php echo 1;", "1\n"));
}

TEST_CASE("retry: transient messages in the output, on word boundaries") {
  const char* messages[] = {"404: page not found",    "address already in use",
                            "connection refused",     "deadlock",
                            "mailbox already exists", "timed out"};
  for (const char* m : messages) {
    std::string msg = m;
    INFO(msg);
    CHECK(MayBeRetried(false, "", "", msg));
    CHECK(MayBeRetried(false, "", "", "Warning: fsockopen(): " + msg + " in x.php\n"));
    CHECK(MayBeRetried(false, "", "", "(" + msg + ")"));
    CHECK(MayBeRetried(false, "", "", "error:" + msg + "."));
    // Case-insensitive.
    std::string upper;
    for (char c : msg) upper += static_cast<char>(toupper(static_cast<unsigned char>(c)));
    CHECK(MayBeRetried(false, "", "", "x " + upper + " y"));
    // Glued to a word character on either side: no boundary.
    CHECK_FALSE(MayBeRetried(false, "", "", msg + "s"));
    CHECK_FALSE(MayBeRetried(false, "", "", "x" + msg));
    CHECK_FALSE(MayBeRetried(false, "", "", "_" + msg));
    CHECK_FALSE(MayBeRetried(false, "", "", msg + "_"));
    CHECK_FALSE(MayBeRetried(false, "", "", msg + "9"));
    // Only the output counts.
    CHECK_FALSE(MayBeRetried(false, msg, msg, ""));
  }
  CHECK(MayBeRetried(false, "", "", "Connection timed out"));
  CHECK_FALSE(MayBeRetried(false, "", "", "the connection timed outside"));
  CHECK_FALSE(MayBeRetried(false, "", "", "timed outs"));
  CHECK(MayBeRetried(false, "", "", "HTTP/1.1 404: Page Not Found"));
  CHECK_FALSE(MayBeRetried(false, "", "", "1404: page not found"));
  CHECK_FALSE(MayBeRetried(false, "", "", "timed  out"));
}

TEST_CASE("retry: a FLAKY section or SKIPIF flaky") {
  CHECK(MayBeRetried(true, "", "", ""));
  CHECK(MayBeRetried(true, "", "<?php echo 1;", "1"));
}

TEST_CASE("retry: SKIPIF code mentioning SKIP_PERF_SENSITIVE") {
  CHECK(MayBeRetried(false, "<?php if (getenv('SKIP_PERF_SENSITIVE')) die('skip');", "", ""));
  CHECK(MayBeRetried(false, "XSKIP_PERF_SENSITIVEX", "", ""));
  // strpos: case-sensitive.
  CHECK_FALSE(MayBeRetried(false, "skip_perf_sensitive", "", ""));
  // In the FILE code it does not count.
  CHECK_FALSE(MayBeRetried(false, "", "SKIP_PERF_SENSITIVE", ""));
}

TEST_CASE("retry: FILE code calling a timing function") {
  for (const char* fn : {"disk_free_space", "hrtime", "microtime", "sleep", "usleep"}) {
    std::string name = fn;
    INFO(name);
    CHECK(MayBeRetried(false, "", "<?php $t = " + name + "(true);", ""));
    CHECK(MayBeRetried(false, "", "\\" + name + "(1)", ""));
    CHECK(MayBeRetried(false, "", "$x=" + name + "()", ""));
    // Only a call: the name must be followed by '(' at once.
    CHECK_FALSE(MayBeRetried(false, "", name, ""));
    CHECK_FALSE(MayBeRetried(false, "", name + " (1)", ""));
    CHECK_FALSE(MayBeRetried(false, "", "'" + name + "'", ""));
    // Part of a longer name.
    CHECK_FALSE(MayBeRetried(false, "", "my_" + name + "(1)", ""));
    CHECK_FALSE(MayBeRetried(false, "", name + "r(1)", ""));
    // Only the FILE code counts.
    CHECK_FALSE(MayBeRetried(false, name + "(1)", "", name + "(1)"));
  }
  CHECK(MayBeRetried(false, "", "MicroTime(true)", ""));
  CHECK(MayBeRetried(false, "", "USLEEP(5)", ""));
  CHECK_FALSE(MayBeRetried(false, "", "microtimer()", ""));
  CHECK_FALSE(MayBeRetried(false, "", "$obj->hrtimer(1)", ""));
  // A method of that name still matches, as in run-tests.
  CHECK(MayBeRetried(false, "", "$clock->microtime()", ""));
}

TEST_CASE("retry: agrees with run-tests' regexes on generated input") {
  const std::vector<std::string> words = {"timed out",
                                          "Timed Out",
                                          "deadlock",
                                          "deadlocks",
                                          "connection refused",
                                          "404: page not found",
                                          "sleep(",
                                          "usleep(",
                                          "microtime(",
                                          "microtimer(",
                                          "hrtime (",
                                          "disk_free_space(",
                                          "SKIP_PERF_SENSITIVE",
                                          "nothing"};
  const std::vector<std::string> before = {"", " ", "x", "_", "(", "\n", "-", "9", "\\", "$"};
  const std::vector<std::string> after = {"", " ", "s", "_", ")", "\n", ".", "1", "("};
  for (const std::string& w : words) {
    for (const std::string& b : before) {
      for (const std::string& a : after) {
        std::string text = b + w + a;
        INFO("text: \"" << text << "\"");
        CHECK(MayBeRetried(false, "", "", text) == RunTestsMayBeRetried(false, "", "", text));
        CHECK(MayBeRetried(false, "", text, "") == RunTestsMayBeRetried(false, "", text, ""));
        CHECK(MayBeRetried(false, text, "", "") == RunTestsMayBeRetried(false, text, "", ""));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Leaks of resident runs (run-tests' LEAK and XLEAK labels)

TEST_CASE("judge: a leak is LEAK, before XFAIL, WARN and a failing output") {
  CaseFacts f;
  f.output_matches = true;
  f.leaked = true;
  f.leak_reason = "heap +1.0 KiB/iteration";
  Judgement j = Judge(f);
  CHECK(j.verdict == Verdict::kLeak);
  CHECK(j.reason == "heap +1.0 KiB/iteration");

  f.clean_output = "CLEAN printed";  // run-tests checks CLEAN only without a leak
  f.xfail = true;
  f.warn = true;
  CHECK(Judge(f).verdict == Verdict::kLeak);

  f.output_matches = false;  // LEAK&FAIL counts as LEAKED
  f.failure_reason = "output of iteration 3 differs from iteration 1";
  j = Judge(f);
  CHECK(j.verdict == Verdict::kLeak);
  CHECK(j.reason == "heap +1.0 KiB/iteration; and output of iteration 3 differs from iteration 1");
  f.failure_reason.clear();
  CHECK(Judge(f).reason == "heap +1.0 KiB/iteration; and the output differs");
}

TEST_CASE("judge: XLEAK turns a leak into XLEAK; without a leak it is WARN when passing") {
  CaseFacts f;
  f.output_matches = true;
  f.leaked = true;
  f.xleak = true;
  f.leak_reason = "classes +1/iteration";
  Judgement j = Judge(f);
  CHECK(j.verdict == Verdict::kXleak);
  CHECK(j.reason == "classes +1/iteration");
  f.leaked = false;
  j = Judge(f);
  CHECK(j.verdict == Verdict::kWarn);
  CHECK(j.reason == "XLEAK section but test passes");
}

TEST_CASE("judge: a WARN says whether it carries a FAIL (WARN&FAIL, not WARN&XFAIL)") {
  CaseFacts f;
  f.warn = true;
  f.warn_text = "flaky on this box";
  f.output_matches = false;
  Judgement j = Judge(f);
  CHECK(j.verdict == Verdict::kWarn);
  CHECK(j.warn_failed);  // run-tests: WARN&FAIL, a failure in its JUnit
  f.xfail = true;
  j = Judge(f);
  CHECK(j.verdict == Verdict::kWarn);
  CHECK_FALSE(j.warn_failed);  // WARN&XFAIL: a pass in run-tests' JUnit
  f.xfail = false;
  f.output_matches = true;
  f.retried = true;
  CHECK_FALSE(Judge(f).warn_failed);  // passed on retry: WARN alone
}

}  // namespace
}  // namespace phptrun
