// Matching an EXPECTF body that has no %r..%r without building a regex.
//
//   if (ExpectfPattern::Applies(normalized_expectf)) {
//     ExpectfPattern p(normalized_expectf);
//     switch (p.Match(normalized_output)) {
//       case ExpectfPattern::Outcome::kMatch: ...
//       case ExpectfPattern::Outcome::kMismatch: ...
//       case ExpectfPattern::Outcome::kGaveUp: /* ask the regex path */
//     }
//   }
//
// The answer is the one the regex path gives,
// PregPattern::Compile(ExpectfToRegex(body)).Matches(output): the whole output
// must match, optionally followed by one final "\n" (preg_match's '/^X$/s').
// The body is read as ExpectfToRegex's strtr() reads it: left to right, "%"
// and a letter of run-tests' table is a placeholder, any other "%" is a
// literal '%' (so "%%d" is '%' then digits, "%H" is "%H", a final "%" is
// '%'). The placeholders are RE2's reading of run-tests' table (RE2 runs
// EXPECTF bodies without %r): %e '/', %s [^\r\n]+, %S [^\r\n]*, %a .+, %A .*, %w
// [\t\n\v\f\r ]*, %i [+-]?[0-9]+, %d [0-9]+, %x [0-9a-fA-F]+, %c any byte, %0
// NUL, and %f run-tests' "[+-]?(?:\d+|(?=\.\d))(?:\.\d+)?(?:[Ee][+-]?\d+)?"
// (which matches an empty string, or a lone sign, where ".<digit>" follows).
// Bytes, not UTF-8 characters.
//
// The search backtracks over the ends of the variable-length placeholders,
// remembering which (placeholder, position) pairs failed, and stops with
// kGaveUp after a budget of work proportional to the sizes of the output and
// the pattern, so a pathological pattern (many %a) costs bounded time and the
// caller decides with RE2 instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phptrun {

class ExpectfPattern {
 public:
  enum class Outcome { kMatch, kMismatch, kGaveUp };

  // Bodies larger than this are left to the regex path. Up to here even the
  // densest body ("%f" over and over) translates into an RE2 program well
  // below PregPattern's node limit and RE2's 64 MiB. But from about 1 KiB on
  // (596 %f) a body can be too large for PCRE2, and preg_match refuses it:
  // ExpectMatcher checks those with PCRE2 when it is built. A %f followed by
  // %f, %s, %S, %a, %A, %c or '.' is PCRE2's to run (RE2 cannot spell its
  // lookahead); the other bodies are RE2's, should the search give up.
  static constexpr size_t kMaxSize = 64 * 1024;

  // True when `normalized_expectf` contains no "%r" (ExpectfToRegex would
  // find no %r..%r pair to pass through raw) and is at most kMaxSize bytes,
  // so this class can judge it.
  static bool Applies(std::string_view normalized_expectf);

  // `normalized_expectf` must satisfy Applies(). Parsing cannot fail.
  explicit ExpectfPattern(std::string_view normalized_expectf);

  // Default budget: kWorkPerByte units per byte of output and pattern, plus
  // kBaseWork. A unit is about one byte compared or scanned, or one step of
  // the search.
  static constexpr uint64_t kWorkPerByte = 32;
  static constexpr uint64_t kBaseWork = 100'000;

  Outcome Match(std::string_view output) const;
  // As above with an explicit budget (tests use tiny ones).
  Outcome Match(std::string_view output, uint64_t max_work) const;
  // Match() as the callers with a regex fallback want it: the answer, or
  // nothing when the search gave up and the regex path must decide.
  std::optional<bool> Decide(std::string_view output) const;

  // Parsed tokens, for tests: "lit(...)" for literal runs (bytes below 0x20
  // and above 0x7E as \xHH), "%s", "%d", ... for placeholders; %e and %0 are
  // folded into literals.
  std::string DebugString() const;

 private:
  enum class Kind : uint8_t { kLiteral, kAnyByte, kRun, kInt, kFloat };
  // Byte classes of the repetition placeholders.
  enum class Class : uint8_t { kAny, kNotNewline, kSpace, kDigit, kHex };
  struct Token {
    Kind kind;
    Class byte_class = Class::kAny;  // kRun only
    uint8_t min = 0;     // fewest bytes a kRun (0 for '*', 1 for '+'), kInt or kFloat matches
    char letter = 0;     // the placeholder letter, for DebugString()
    uint32_t begin = 0;  // kLiteral: the run in literals_
    uint32_t size = 0;
  };
  class Search;

  void AddLiteral(char c);
  void AddPlaceholder(char letter);

  std::string literals_;
  std::vector<Token> tokens_;
  // min_rest_[k]: the fewest bytes tokens k.. can match; min_rest_[size] = 0.
  std::vector<size_t> min_rest_;
  size_t pattern_size_ = 0;
};

}  // namespace phptrun
