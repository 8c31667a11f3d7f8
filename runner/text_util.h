// Small text helpers shared by the runner.
#pragma once

#include <string>
#include <string_view>

namespace phptrun {

// `text` without leading and trailing " \t\r\n\v" (the C locale's blanks
// that phpt sections and headers are trimmed of).
std::string TrimWhitespace(std::string_view text);

}  // namespace phptrun
