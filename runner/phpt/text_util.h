// Small text helpers shared by the runner.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace phptrun {

// `text` without leading and trailing " \t\r\n\v" (the C locale's blanks
// that phpt sections and headers are trimmed of).
std::string TrimWhitespace(std::string_view text);

// The pieces of `text` between any of the characters in `breaks` ("\n", or
// "\r\n" for either). Consecutive breaks give empty pieces; a final break
// gives none after it. The views point into `text`.
std::vector<std::string_view> SplitLines(std::string_view text, std::string_view breaks);

}  // namespace phptrun
