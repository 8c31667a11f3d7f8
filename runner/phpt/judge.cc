#include "runner/phpt/judge.h"

#include <strings.h>

namespace phptrun {
namespace {

const char kSpace[] = " \t\n\r\v\f";
const std::string_view kPhpTrim(" \t\n\r\0\x0B", 6);

std::string_view Trim(std::string_view s, std::string_view chars = kSpace) {
  size_t b = s.find_first_not_of(chars);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(chars) - b + 1);
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

// /^KEYWORD\s*(.+)/i (or \s+ when need_space): the rest of the line after the
// keyword and any whitespace, which may cross newlines before the text. When
// nothing but whitespace follows, \s* backtracks and (.+) takes the last
// character that is not '\n' (a form feed, which trim() keeps).
bool KeywordText(std::string_view s, size_t keyword_len, bool need_space, std::string* text) {
  size_t min = keyword_len + (need_space ? 1 : 0);
  size_t after = s.find_first_not_of(kSpace, keyword_len);
  if (after == std::string_view::npos) after = s.size();
  while (after >= min && (after == s.size() || s[after] == '\n')) --after;
  if (after < min) return false;
  size_t eol = s.find('\n', after);
  *text = std::string(s.substr(after, eol == std::string_view::npos ? eol : eol - after));
  return true;
}

}  // namespace

SkipifOutcome InterpretSkipif(std::string_view raw_output) {
  SkipifOutcome out;
  // PHP's trim(): " \t\n\r\0\x0B" at both ends.
  std::string_view s = Trim(raw_output, kPhpTrim);
  if (s.rfind("nocache", 0) == 0) {
    out.cacheable = false;
    return out;
  }
  std::string text;
  if (StartsWithNoCase(s, "skip")) {
    out.action = SkipifOutcome::Action::kSkip;
    if (KeywordText(s, 4, false, &text)) out.reason = text;
  } else if (StartsWithNoCase(s, "info") && KeywordText(s, 4, false, &text)) {
    out.info = text;
  } else if (StartsWithNoCase(s, "warn") && KeywordText(s, 4, true, &text)) {
    out.warn = true;
    out.warn_text = text;
  } else if (StartsWithNoCase(s, "xfail")) {
    out.xfail = true;
    out.xfail_reason = std::string(Trim(s.substr(5), kPhpTrim));  // ltrim(), PHP's list
  } else if (StartsWithNoCase(s, "flaky")) {
    out.flaky = true;
  } else if (!s.empty()) {
    out.action = SkipifOutcome::Action::kBork;
    out.reason = "invalid output from SKIPIF";
  }
  return out;
}

Judgement Judge(const CaseFacts& f) {
  auto with_info = [&](std::string reason) {
    if (!f.info.empty()) reason += (reason.empty() ? "info: " : " (info: ") + f.info +
                                   (reason.empty() ? "" : ")");
    return reason;
  };
  if (f.leaked) {
    // run-tests: a leak comes first in the combined label (LEAK&FAIL counts
    // as LEAKED), and XLEAK turns it into an expected leak.
    std::string reason = f.leak_reason;
    if (!f.output_matches) {
      reason += "; and " + (f.failure_reason.empty() ? std::string("the output differs") : f.failure_reason);
    }
    return {f.xleak ? Verdict::kXleak : Verdict::kLeak, with_info(reason)};
  }
  if (f.output_matches) {
    if (!f.clean_output.empty()) return {Verdict::kBork, "invalid output from CLEAN"};
    if (f.xfail) return {Verdict::kWarn, with_info("XFAIL section but test passes")};
    if (f.xleak) return {Verdict::kWarn, with_info("XLEAK section but test passes")};
    if (f.retried) return {Verdict::kWarn, with_info("Test passed on retry attempt")};
    return {Verdict::kPass, with_info("")};
  }
  std::string reason = f.failure_reason;
  if (f.warn) {
    return {Verdict::kWarn, with_info(reason.empty() ? f.warn_text : reason + "; " + f.warn_text),
            !f.xfail && !f.xleak};
  }
  if (f.xfail) {
    return {Verdict::kXfail, with_info(reason.empty() ? f.xfail_reason : reason + "; " + f.xfail_reason)};
  }
  if (f.xleak) return {Verdict::kXleak, with_info(reason)};
  return {Verdict::kFail, with_info(reason)};
}

namespace {

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Case-insensitive search for `word` with a word boundary before it and
// `tail` right after it (run-tests' (\b(word)\b) and (\b(word)\()).
// `word` is lower case. The first byte is compared inline (a letter of
// either case, or a digit, has the 0x20 bit set as in lower case), so a
// 64 MiB output costs one pass per word instead of a strncasecmp() call at
// every byte.
bool ContainsWord(std::string_view text, std::string_view word, bool call) {
  const char first = word.front();
  for (size_t i = 0; i + word.size() <= text.size(); ++i) {
    if ((text[i] | 0x20) != first) continue;
    if (strncasecmp(text.data() + i, word.data(), word.size()) != 0) continue;
    if (i > 0 && IsWordChar(text[i - 1]) && IsWordChar(word.front())) continue;
    size_t end = i + word.size();
    if (call) {
      if (end < text.size() && text[end] == '(') return true;
    } else if (end == text.size() || !IsWordChar(text[end]) || !IsWordChar(word.back())) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool MayBeRetried(bool flaky_marked, std::string_view skipif_code, std::string_view file_code,
                  std::string_view output) {
  static const char* const kTransient[] = {"404: page not found", "address already in use",
                                           "connection refused",  "deadlock",
                                           "mailbox already exists", "timed out"};
  for (const char* message : kTransient) {
    if (ContainsWord(output, message, false)) return true;
  }
  if (flaky_marked) return true;
  if (skipif_code.find("SKIP_PERF_SENSITIVE") != std::string_view::npos) return true;
  for (const char* fn : {"disk_free_space", "hrtime", "microtime", "sleep", "usleep"}) {
    if (ContainsWord(file_code, fn, true)) return true;
  }
  return false;
}

}  // namespace phptrun
