#include "runner/phpt/text_util.h"

#include <catch2/catch.hpp>

namespace phptrun {
namespace {

using Views = std::vector<std::string_view>;

TEST_CASE("text: TrimWhitespace trims C blanks at both ends only") {
  CHECK(TrimWhitespace(" \t\r\n\va b\n ") == "a b");
  CHECK(TrimWhitespace(" \n ").empty());
  CHECK(TrimWhitespace("\fx\f") == "\fx\f");  // form feed is not one of them
}

TEST_CASE("text: SplitLines keeps empty pieces, drops none after a final break") {
  CHECK(SplitLines("a\nb\n", "\n") == Views{"a", "b"});
  CHECK(SplitLines("a\n\nb", "\n") == Views{"a", "", "b"});
  CHECK(SplitLines("a\r\nb", "\r\n") == Views{"a", "", "b"});
  CHECK(SplitLines("a\r\nb", "\n") == Views{"a\r", "b"});
  CHECK(SplitLines("", "\n").empty());
}

}  // namespace
}  // namespace phptrun
