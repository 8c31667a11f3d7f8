#include "runner/phpt/shell_words.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace phptrun {
namespace {

using Words = std::vector<std::string>;

// The expectations below are what dash prints for `printf '[%s]' <line>`.

TEST_CASE("shell words: empty and blank input give no words") {
  CHECK(SplitShellWords("").empty());
  CHECK(SplitShellWords("   ").empty());
  CHECK(SplitShellWords(" \t \t").empty());
  CHECK(SplitShellWords("\n").empty());
  CHECK(SplitShellWords("\nfoo").empty());
}

TEST_CASE("shell words: blanks and tabs separate words") {
  CHECK(SplitShellWords("a") == Words{"a"});
  CHECK(SplitShellWords("a b  c") == Words{"a", "b", "c"});
  CHECK(SplitShellWords("\ta\t\tb\t") == Words{"a", "b"});
  CHECK(SplitShellWords("  --opt=1 -x file.php ") == Words{"--opt=1", "-x", "file.php"});
}

TEST_CASE("shell words: single quotes keep everything") {
  CHECK(SplitShellWords("'a b' c") == Words{"a b", "c"});
  CHECK(SplitShellWords("'a\\b'") == Words{"a\\b"});
  CHECK(SplitShellWords("'\"$x`'") == Words{"\"$x`"});
  CHECK(SplitShellWords("'multi\nline' x") == Words{"multi\nline", "x"});
}

TEST_CASE("shell words: double quotes keep all but escaped \\ \" $ `") {
  CHECK(SplitShellWords("\"a b\"") == Words{"a b"});
  CHECK(SplitShellWords("\"a\\\"b\"") == Words{"a\"b"});
  CHECK(SplitShellWords("\"\\$x \\` \\\\ \\n\"") == Words{"$x ` \\ \\n"});
  CHECK(SplitShellWords("\"it's\"") == Words{"it's"});
  CHECK(SplitShellWords("\"tab\there\"") == Words{"tab\there"});
}

TEST_CASE("shell words: empty quotes make an empty word, adjacent parts join") {
  CHECK(SplitShellWords("''") == Words{""});
  CHECK(SplitShellWords("\"\" x") == Words{"", "x"});
  CHECK(SplitShellWords("a''b") == Words{"ab"});
  CHECK(SplitShellWords("x\"\"") == Words{"x"});
  CHECK(SplitShellWords("'a'\"b\"c") == Words{"abc"});
  CHECK(SplitShellWords("--name='John Doe'") == Words{"--name=John Doe"});
}

TEST_CASE("shell words: a backslash outside quotes escapes the next character") {
  CHECK(SplitShellWords("a\\ b") == Words{"a b"});
  CHECK(SplitShellWords("\\'") == Words{"'"});
  CHECK(SplitShellWords("\\\"x") == Words{"\"x"});
  CHECK(SplitShellWords("\\\\") == Words{"\\"});
  CHECK(SplitShellWords("\\n") == Words{"n"});
  // A backslash at the very end stays.
  CHECK(SplitShellWords("a\\") == Words{"a\\"});
}

TEST_CASE("shell words: backslash-newline continues the line") {
  CHECK(SplitShellWords("a\\\nb c") == Words{"ab", "c"});
  CHECK(SplitShellWords("\"a\\\nb\"") == Words{"ab"});
}

TEST_CASE("shell words: no expansion") {
  CHECK(SplitShellWords("$HOME *.php ~ $(id) `id`") ==
        Words{"$HOME", "*.php", "~", "$(id)", "`id`"});
}

TEST_CASE("shell words: only the first line counts") {
  CHECK(SplitShellWords("a b\nc d") == Words{"a", "b"});
  CHECK(SplitShellWords("a\r\nb") == Words{"a"});
  CHECK(SplitShellWords("a\rb") == Words{"a"});
  CHECK(SplitShellWords("one\n") == Words{"one"});
}

TEST_CASE("shell words: an unterminated quote runs to the end") {
  CHECK(SplitShellWords("'abc") == Words{"abc"});
  CHECK(SplitShellWords("x \"a b") == Words{"x", "a b"});
}

}  // namespace
}  // namespace phptrun
