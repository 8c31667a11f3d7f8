// Translating the PCRE patterns of phpt expectations into RE2 patterns that
// mean exactly the same thing, so matching runs in linear time.
//
//   Re2Translation t;
//   if (TranslatePcreToRe2(body, &t)) use(t.pattern, t.top_level_bars);
//   else fall back to PCRE2;
//
// `body` is what preg_match sees between '/^' and '$/s'. The translation is
// exact or refuses: RE2 in Latin-1 mode with dot_nl must match the same byte
// strings as PCRE2 without UTF and with DOTALL. Anything RE2 cannot express
// (lookaround, backreferences, possessive or atomic groups, ...) or would
// read differently makes it return false.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace phptrun {

// run-tests.php's %f (which needs a lookahead; the translator knows an
// equivalent without one).
inline constexpr std::string_view kFloatPcre =
    "[+-]?(?:\\d+|(?=\\.\\d))(?:\\.\\d+)?(?:[Ee][+-]?\\d+)?";

struct Re2Translation {
  std::string pattern;                 // the RE2 pattern
  std::vector<size_t> top_level_bars;  // offsets of top-level '|' in pattern, for
                                       // anchoring each alternative as '/^a|b$/' does
  size_t nodes = 0;                    // an estimate of the size of RE2's parse tree
};

bool TranslatePcreToRe2(std::string_view pcre_body, Re2Translation* out);

}  // namespace phptrun
