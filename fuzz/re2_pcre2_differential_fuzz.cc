// Differential: phptrun's regex path (PregPattern: the PCRE-to-RE2
// translation, or PCRE2 where the translation refuses) against what
// run-tests.php 8.2 does, preg_match('/^' . $re . '$/s', $subject), rebuilt
// here from PHP's own steps: the delimiter scan of pcre_get_compiled_regex,
// then pcre2_compile with PCRE2_DOTALL (no UTF) and PHP's extra option.
//
// Input: the first byte picks what the pattern is (even: an EXPECTREGEX body,
// used as is; odd: an EXPECTF body, turned into its regex as run-tests does),
// then pattern NUL subject. Checked, for the subject and three neighbours of
// it (with a final newline added, without its last byte, empty):
//   - phptrun accepts the pattern exactly when PHP compiles it;
//   - when the translation is refused, PCRE2 runs it (the fallback);
//   - the verdict is PCRE2's, unless PCRE2 hit its match limit.
#include <cstdio>
#include <cstdlib>
#include <string>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "fuzz/fuzz_target.h"
#include "runner/phpt/expect.h"
#include "runner/phpt/pcre_to_re2.h"

namespace {

// PHP's compile of '/^' . re . '$/s': the pattern runs from after the first
// '/' to the next '/' not escaped by a backslash; anything after it but "s"
// is an unknown modifier (and '$' always is), so preg_match fails.
pcre2_code* PhpCompile(const std::string& re) {
  std::string regex = "/^" + re + "$/s";
  size_t end = 1;
  while (end < regex.size()) {
    if (regex[end] == '\\' && end + 1 < regex.size()) {
      ++end;
    } else if (regex[end] == '/') {
      break;
    }
    ++end;
  }
  if (end != regex.size() - 2) return nullptr;
  static pcre2_compile_context* context = [] {
    pcre2_compile_context* c = pcre2_compile_context_create(nullptr);
#ifdef PCRE2_EXTRA_ALLOW_LOOKAROUND_BSK
    pcre2_set_compile_extra_options(c, PCRE2_EXTRA_ALLOW_LOOKAROUND_BSK);
#endif
    return c;
  }();
  int code = 0;
  PCRE2_SIZE offset = 0;
  return pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data() + 1), end - 1, PCRE2_DOTALL, &code,
                       &offset, context);
}

// 1 match, 0 no match, -1 undecided (PCRE2's match or heap limit).
int PhpMatch(pcre2_code* code, std::string_view subject) {
  static pcre2_match_context* context = [] {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(c, 1'000'000);
    pcre2_set_heap_limit(c, 64 * 1024);
    return c;
  }();
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code, nullptr);
  int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, md,
                       context);
  pcre2_match_data_free(md);
  if (rc >= 0) return 1;
  return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

[[noreturn]] void Disagree(const char* what, const std::string& re, std::string_view subject) {
  std::fprintf(stderr, "%s\nregex (%zu bytes): %s\nsubject (%zu bytes): %.*s\n", what, re.size(),
               re.c_str(), subject.size(), static_cast<int>(subject.size()), subject.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool expectf = data[0] & 1;
  auto [body, subject] = SplitAtNul(data + 1, size - 1);
  std::string re =
      expectf ? phptrun::ExpectfToRegex(phptrun::NormalizeOutput(body)) : std::string(body);

  pcre2_code* php = PhpCompile(re);
  phptrun::PregPattern ours = phptrun::PregPattern::Compile(re);
  if ((php != nullptr) != ours.ok()) {
    pcre2_code_free(php);
    Disagree(ours.ok() ? "phptrun accepts a pattern PHP rejects"
                       : ("phptrun rejects a pattern PHP accepts: " + ours.error()).c_str(),
             re, subject);
  }
  if (php == nullptr) return 0;

  phptrun::Re2Translation translation;
  const bool translated = phptrun::TranslatePcreToRe2(re, &translation);
  if (!translated && !ours.uses_pcre()) {
    pcre2_code_free(php);
    Disagree("the translation was refused but PCRE2 does not run the pattern", re, subject);
  }

  std::string with_newline = std::string(subject) + "\n";
  const std::string_view subjects[] = {subject, with_newline,
                                       subject.substr(0, subject.empty() ? 0 : subject.size() - 1),
                                       std::string_view()};
  for (std::string_view s : subjects) {
    int expected = PhpMatch(php, s);
    if (expected < 0) continue;
    if (ours.Matches(s) != (expected == 1)) {
      pcre2_code_free(php);
      Disagree(expected == 1 ? (ours.uses_pcre() ? "PCRE2 fallback: no match, PHP: match"
                                                 : "RE2: no match, PHP: match")
                             : (ours.uses_pcre() ? "PCRE2 fallback: match, PHP: no match"
                                                 : "RE2: match, PHP: no match"),
               re, s);
    }
  }
  pcre2_code_free(php);
  return 0;
}
