// The words /bin/sh makes of an --ARGS-- line, which run-tests.php appends to
// the php command line unquoted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace phptrun {

// Splits the first line of `text` into words: blanks separate words; single
// quotes keep everything literally; double quotes keep everything but
// backslash-escaped \ " $ `; a backslash outside quotes escapes the next
// character. No variable, glob or command expansion.
std::vector<std::string> SplitShellWords(std::string_view text);

}  // namespace phptrun
