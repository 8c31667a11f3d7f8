#include "runner/phpt/expect.h"

#include "runner/phpt/expectf_pattern.h"
#include "runner/phpt/pcre_to_re2.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace phptrun {
namespace {

bool IsPhpTrimChar(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0' || c == '\x0B';
}

// preg_quote($s, '/'): the PCRE metacharacters, the delimiter and NUL.
void PregQuote(std::string_view s, std::string* out) {
  constexpr std::string_view kQuoted = ".\\+*?[^]$(){}=!<>|:-#/";
  for (char c : s) {
    if (c == '\0') {
      out->append("\\000");
      continue;
    }
    if (kQuoted.find(c) != std::string_view::npos) out->push_back('\\');
    out->push_back(c);
  }
}

// PHP finds the end of '/^...$/s' at the first '/' not preceded by a
// backslash; an unescaped '/' in the body breaks the pattern.
bool FindUnescapedSlash(std::string_view p, size_t* at) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == '/') {
      *at = i;
      return true;
    }
  }
  return false;
}

// Beyond about a million nodes RE2's tree walkers give up, print one line to
// stderr per remaining node, and the pattern fails anyway; PCRE2 (with PHP's
// 64 KiB compiled-pattern limit) then decides, as preg_match would.
constexpr size_t kMaxRe2Nodes = 700'000;

// preg_match's compile of '/^' . pattern . '$/s': PCRE2 with DOTALL, no UTF,
// and the extra option PHP 8.2 sets. Every pattern is compiled this way,
// also those RE2 then runs, so that phptrun refuses exactly what preg_match
// refuses (a pattern too large for PCRE2, a quantifier RE2 would take).
pcre2_code* CompileLikePhp(std::string_view pattern, std::string* error) {
  static pcre2_compile_context* const context = [] {
    pcre2_compile_context* c = pcre2_compile_context_create(nullptr);
#ifdef PCRE2_EXTRA_ALLOW_LOOKAROUND_BSK
    pcre2_set_compile_extra_options(c, PCRE2_EXTRA_ALLOW_LOOKAROUND_BSK);
#endif
    return c;
  }();
  std::string full;
  full.reserve(pattern.size() + 2);
  full.append("^").append(pattern).append("$");
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* compiled = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(full.data()), full.size(),
                                       PCRE2_DOTALL, &code, &offset, context);
  if (compiled == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(code, message, sizeof message);
    // Offsets in the message refer to the body, not to our added '^'.
    size_t body_offset = offset > 0 ? offset - 1 : 0;
    if (body_offset > pattern.size()) body_offset = pattern.size();
    *error =
        std::string(reinterpret_cast<char*>(message)) + " at offset " + std::to_string(body_offset);
  }
  return compiled;
}

// Below this size no EXPECTF body (without %r) can be too large for PCRE2:
// the densest, "%f" over and over, compiles to 55 bytes per byte of body and
// PCRE2 stops at 64 KiB (preg_match refuses 596 %f, 1192 bytes).
constexpr size_t kExpectfAlwaysCompiles = 1024;

// Backtracking budget of the PCRE2 fallback: a pattern that needs more than
// this (seconds of work) counts as not matching.
constexpr uint32_t kPcreMatchLimit = 10'000'000;
constexpr uint32_t kPcreHeapLimitKib = 256 * 1024;

}  // namespace

struct PregPattern::Rep {
  std::unique_ptr<RE2> re2;
  RE2::Anchor anchor = RE2::ANCHOR_BOTH;
  pcre2_code* pcre = nullptr;
  pcre2_match_context* match_context = nullptr;

  ~Rep() {
    if (match_context) pcre2_match_context_free(match_context);
    if (pcre) pcre2_code_free(pcre);
  }
};

PregPattern::PregPattern() = default;
PregPattern::~PregPattern() = default;
PregPattern::PregPattern(PregPattern&&) noexcept = default;
PregPattern& PregPattern::operator=(PregPattern&&) noexcept = default;

bool PregPattern::uses_pcre() const { return rep_ && rep_->pcre != nullptr; }

namespace {
std::atomic<uint64_t> compile_count{0};
}  // namespace

uint64_t PregPattern::compile_calls() { return compile_count.load(); }

PregPattern PregPattern::Compile(std::string_view pattern) {
  ++compile_count;
  PregPattern result;
  size_t slash = 0;
  if (FindUnescapedSlash(pattern, &slash)) {
    result.error_ = "unescaped delimiter '/' at offset " + std::to_string(slash);
    return result;
  }
  auto rep = std::make_unique<Rep>();
  rep->pcre = CompileLikePhp(pattern, &result.error_);
  if (rep->pcre == nullptr) return result;

  Re2Translation conv;
  if (TranslatePcreToRe2(pattern, &conv) && conv.nodes <= kMaxRe2Nodes) {
    // preg_match('/^X$/s'): '^' binds to the first top-level alternative of X
    // and '$' (end, or before a final newline) to the last one.
    std::string re;
    const std::string& body = conv.pattern;
    const std::vector<size_t>& bars = conv.top_level_bars;
    if (bars.empty()) {
      re.reserve(body.size() + 8);
      re.append("(?:").append(body).append(")\\n?");
      rep->anchor = RE2::ANCHOR_BOTH;
    } else {
      size_t begin = 0;
      for (size_t k = 0; k <= bars.size(); ++k) {
        size_t end = k < bars.size() ? bars[k] : body.size();
        if (k == 0) re.append("^");
        re.append("(?:").append(body, begin, end - begin).append(")");
        if (k == bars.size()) {
          re.append("\\n?\\z");
        } else {
          re.append("|");
        }
        begin = end + 1;
      }
      rep->anchor = RE2::UNANCHORED;
    }
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingLatin1);
    options.set_dot_nl(true);
    options.set_never_capture(true);
    options.set_log_errors(false);
    options.set_max_mem(int64_t{64} << 20);
    rep->re2 = std::make_unique<RE2>(re, options);
    if (rep->re2->ok()) {
      pcre2_code_free(rep->pcre);
      rep->pcre = nullptr;
      result.rep_ = std::move(rep);
      result.error_.clear();
      return result;
    }
    rep->re2.reset();
  }

  rep->match_context = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(rep->match_context, kPcreMatchLimit);
  pcre2_set_heap_limit(rep->match_context, kPcreHeapLimitKib);
  result.rep_ = std::move(rep);
  result.error_.clear();
  return result;
}

bool PregPattern::Matches(std::string_view text) const {
  if (!rep_) return false;
  if (rep_->re2) {
    return rep_->re2->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                            rep_->anchor, nullptr, 0);
  }
  pcre2_match_data* md = pcre2_match_data_create(1, nullptr);
  int rc = pcre2_match(rep_->pcre, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0, md,
                       rep_->match_context);
  pcre2_match_data_free(md);
  return rc >= 0;  // no match, match limit and heap limit all count as a mismatch
}

std::string NormalizeOutput(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && IsPhpTrimChar(text[b])) ++b;
  while (e > b && IsPhpTrimChar(text[e - 1])) --e;
  std::string out;
  out.reserve(e - b);
  for (size_t i = b; i < e; ++i) {
    if (text[i] == '\r' && i + 1 < e && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  return out;
}

namespace {

// run-tests.php's EXPECTF table; %e is DIRECTORY_SEPARATOR, preg_quote'd.
constexpr std::pair<char, std::string_view> kPlaceholders[] = {
    {'e', "\\/"},          {'s', "[^\\r\\n]+"}, {'S', "[^\\r\\n]*"}, {'a', ".+"},
    {'A', ".*"},           {'w', "\\s*"},       {'i', "[+-]?\\d+"},  {'d', "\\d+"},
    {'x', "[0-9a-fA-F]+"}, {'f', kFloatPcre},   {'c', "."},          {'0', "\\x00"},
};

}  // namespace

std::string ExpectfToRegex(std::string_view wanted) {
  // 1. preg_quote outside %r..%r pairs, the raw inside as a group; an
  //    unpaired %r leaves the rest literal.
  std::string quoted;
  quoted.reserve(wanted.size() * 2);
  size_t offset = 0;
  while (offset < wanted.size()) {
    size_t start = wanted.find("%r", offset);
    size_t end = std::string_view::npos;
    if (start != std::string_view::npos) end = wanted.find("%r", start + 2);
    if (start == std::string_view::npos || end == std::string_view::npos) {
      start = end = wanted.size();
    }
    PregQuote(wanted.substr(offset, start - offset), &quoted);
    if (end > start) {
      quoted.push_back('(');
      quoted.append(wanted.substr(start + 2, end - start - 2));
      quoted.push_back(')');
    }
    offset = end + 2;
  }

  // 2. strtr() with the placeholder table over the whole string, left to
  //    right, never rescanning a replacement. Unknown %X stays as it is.
  std::string re;
  re.reserve(quoted.size() + quoted.size() / 4);
  for (size_t i = 0; i < quoted.size(); ++i) {
    if (quoted[i] != '%' || i + 1 >= quoted.size()) {
      re.push_back(quoted[i]);
      continue;
    }
    std::string_view repl;
    for (const auto& [letter, regex] : kPlaceholders) {
      if (letter == quoted[i + 1]) repl = regex;
    }
    if (repl.empty()) {
      re.push_back('%');
    } else {
      re.append(repl);
      ++i;
    }
  }
  return re;
}

struct ExpectMatcher::Impl {
  // EXPECTF without %r; the regex below is then only compiled when a match
  // exceeds the direct search's budget.
  std::optional<ExpectfPattern> direct;
  std::once_flag compiled;
  PregPattern regex;

  // Thread-safe, so that Matches() stays callable concurrently.
  const PregPattern& Regex(std::string_view kind, const std::string& expected) {
    std::call_once(compiled, [&] {
      regex = PregPattern::Compile(kind == "EXPECTF" ? ExpectfToRegex(expected) : expected);
    });
    return regex;
  }
};

ExpectMatcher::ExpectMatcher(std::string_view kind, std::string_view body)
    : kind_(kind), expected_(NormalizeOutput(body)) {
  if (kind == "EXPECT") return;
  if (kind != "EXPECTF" && kind != "EXPECTREGEX") {
    error_ = "unknown expectation section " + std::string(kind);
    return;
  }
  impl_ = std::make_unique<Impl>();
  if (kind == "EXPECTF" && ExpectfPattern::Applies(expected_)) {
    // A large body may be too large for preg_match: refuse it as it would.
    if (expected_.size() >= kExpectfAlwaysCompiles) {
      std::string error;
      pcre2_code* code = CompileLikePhp(ExpectfToRegex(expected_), &error);
      if (code == nullptr) {
        error_ = "invalid EXPECTF: " + error;
        return;
      }
      pcre2_code_free(code);
    }
    impl_->direct.emplace(expected_);
    return;
  }
  const PregPattern& regex = impl_->Regex(kind_, expected_);
  if (!regex.ok()) error_ = "invalid " + kind_ + ": " + regex.error();
}

ExpectMatcher::~ExpectMatcher() = default;
ExpectMatcher::ExpectMatcher(ExpectMatcher&&) noexcept = default;
ExpectMatcher& ExpectMatcher::operator=(ExpectMatcher&&) noexcept = default;

bool ExpectMatcher::Matches(std::string_view output) const {
  if (!ok()) return false;
  if (!impl_) return output == expected_;
  if (impl_->direct) {
    if (std::optional<bool> decided = impl_->direct->Decide(output)) return *decided;
  }
  return impl_->Regex(kind_, expected_).Matches(output);
}

}  // namespace phptrun
