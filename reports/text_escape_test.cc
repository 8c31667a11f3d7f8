#include "reports/text_escape.h"

#include <catch2/catch.hpp>
#include <string>

using namespace std::string_literals;
using phptrun::EscapeReportText;
using phptrun::TextSink;

TEST_CASE("Plain text and valid UTF-8 pass unchanged", "[text_escape]") {
  for (TextSink sink : {TextSink::kXml, TextSink::kJson, TextSink::kTerminal}) {
    CHECK(EscapeReportText("", sink) == "");
    CHECK(EscapeReportText("Hello \\Foo\\Bar <&> \"q\" 'a'", sink) ==
          "Hello \\Foo\\Bar <&> \"q\" 'a'");
    CHECK(EscapeReportText("tab\tnl\ncr\r", sink) == "tab\tnl\ncr\r");
    // 2-, 3- and 4-byte sequences: é € 𝄞, and the highest code point.
    CHECK(EscapeReportText("\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xf4\x8f\xbf\xbf", sink) ==
          "\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xf4\x8f\xbf\xbf");
    CHECK(EscapeReportText("\x7f", sink) == "\x7f");
  }
}

TEST_CASE("Control characters become [[0xNN]] for XML and the terminal", "[text_escape]") {
  std::string text = "a\x00"s + "b\x1b[31mc\x08\x0b\x0c\x1f";
  CHECK(EscapeReportText(text, TextSink::kXml) ==
        "a[[0x00]]b[[0x1b]][31mc[[0x08]][[0x0b]][[0x0c]][[0x1f]]");
  CHECK(EscapeReportText(text, TextSink::kTerminal) ==
        "a[[0x00]]b[[0x1b]][31mc[[0x08]][[0x0b]][[0x0c]][[0x1f]]");
}

TEST_CASE("JSON keeps control characters, which it can hold exactly", "[text_escape]") {
  std::string text = "a\x00"s + "b\x1b";
  CHECK(EscapeReportText(text, TextSink::kJson) == text);
}

TEST_CASE("Bytes that are not UTF-8 become \\xNN, one per byte", "[text_escape]") {
  for (TextSink sink : {TextSink::kXml, TextSink::kJson, TextSink::kTerminal}) {
    CHECK(EscapeReportText("\xff", sink) == "\\xff");
    CHECK(EscapeReportText("caf\xe9!", sink) == "caf\\xe9!");  // Latin-1
    // Truncated sequence followed by ASCII: the ASCII survives.
    CHECK(EscapeReportText("\xe2\x82x", sink) == "\\xe2\\x82x");
    CHECK(EscapeReportText("end\xe2\x82", sink) == "end\\xe2\\x82");
    // Overlong "/", a UTF-16 surrogate, above U+10FFFF, lone continuation.
    CHECK(EscapeReportText("\xc0\xaf", sink) == "\\xc0\\xaf");
    CHECK(EscapeReportText("\xed\xa0\x80", sink) == "\\xed\\xa0\\x80");
    CHECK(EscapeReportText("\xf4\x90\x80\x80", sink) == "\\xf4\\x90\\x80\\x80");
    CHECK(EscapeReportText("\x80", sink) == "\\x80");
    // A valid character right after an invalid byte is kept whole.
    CHECK(EscapeReportText("\xff\xc3\xa9", sink) == "\\xff\xc3\xa9");
  }
}

TEST_CASE("U+FFFE and U+FFFF, valid UTF-8 but not XML characters", "[text_escape]") {
  CHECK(EscapeReportText("a\xef\xbf\xbe\xef\xbf\xbf", TextSink::kXml) ==
        "a\\xef\\xbf\\xbe\\xef\\xbf\\xbf");
  CHECK(EscapeReportText("\xef\xbf\xbd", TextSink::kXml) == "\xef\xbf\xbd");  // U+FFFD is fine
  CHECK(EscapeReportText("a\xef\xbf\xbe", TextSink::kJson) == "a\xef\xbf\xbe");
}

TEST_CASE("Every byte value survives in some visible form", "[text_escape]") {
  for (int byte = 0; byte < 256; ++byte) {
    std::string in(1, static_cast<char>(byte));
    std::string out = EscapeReportText(in, TextSink::kXml);
    INFO("byte " << byte);
    CHECK(!out.empty());
    for (char c : out) {
      unsigned char u = static_cast<unsigned char>(c);
      CHECK((u >= 0x20 || c == '\t' || c == '\n' || c == '\r'));
    }
  }
}

TEST_CASE("HTML text shows every control, CR and DEL included", "[text_escape]") {
  CHECK(EscapeReportText("a\x00"s + "b\r\n\x7f\t\x1b", TextSink::kHtml) ==
        "a[[0x00]]b[[0x0d]]\n[[0x7f]]\t[[0x1b]]");
  CHECK(EscapeReportText("caf\xe9 \xc3\xa9 <b>&amp;", TextSink::kHtml) ==
        "caf\\xe9 \xc3\xa9 <b>&amp;");
}

TEST_CASE("JSON in an HTML script element cannot end it", "[text_escape]") {
  using phptrun::EscapeJsonForHtmlScript;
  CHECK(EscapeJsonForHtmlScript(R"({"a":"</script><!-- & -->"})") ==
        R"({"a":"\u003c/script\u003e\u003c!-- \u0026 --\u003e"})");
  // U+2028 and U+2029 as escapes; other multi-byte characters unchanged.
  CHECK(EscapeJsonForHtmlScript("[\"\xe2\x80\xa8\xe2\x80\xa9\xe2\x82\xac\"]") ==
        "[\"\\u2028\\u2029\xe2\x82\xac\"]");
  CHECK(EscapeJsonForHtmlScript("{\"n\":1}") == "{\"n\":1}");
  // A truncated sequence at the end is left alone, not read past.
  CHECK(EscapeJsonForHtmlScript("\xe2\x80") == "\xe2\x80");
}
