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
    CHECK(EscapeReportText("tab\tnl\n", sink) == "tab\tnl\n");
    // 2-, 3- and 4-byte sequences: é € 𝄞, and the highest code point.
    CHECK(EscapeReportText("\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xf4\x8f\xbf\xbf", sink) ==
          "\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xf4\x8f\xbf\xbf");
  }
  for (TextSink sink : {TextSink::kXml, TextSink::kJson}) {
    CHECK(EscapeReportText("cr\r", sink) == "cr\r");
    CHECK(EscapeReportText("\x7f", sink) == "\x7f");
  }
}

TEST_CASE("The terminal gets CR, DEL and C1 controls escaped: no overwritten lines",
          "[text_escape]") {
  CHECK(EscapeReportText("PASS\rFAIL", TextSink::kTerminal) == "PASS[[0x0d]]FAIL");
  CHECK(EscapeReportText("a\x7f", TextSink::kTerminal) == "a[[0x7f]]");
  // U+009B is an 8-bit CSI; U+00A0 (no-break space) is ordinary text.
  CHECK(EscapeReportText("\xc2\x9b"
                         "2J\xc2\xa0",
                         TextSink::kTerminal) == "[[0x9b]]2J\xc2\xa0");
  CHECK(EscapeReportText("\xc2\x9b", TextSink::kJson) == "\xc2\x9b");
}

TEST_CASE("JSON tells a byte 0xff from the text \\xff", "[text_escape]") {
  CHECK(EscapeReportText("\xff", TextSink::kJson) == "\\xff");
  CHECK(EscapeReportText("\\xff", TextSink::kJson) == "\\\\xff");
  CHECK(EscapeReportText("\\xFF and \\x4", TextSink::kJson) == "\\\\xFF and \\x4");
  // Other backslashes stay single: namespaces, \n in PHP strings.
  CHECK(EscapeReportText("Foo\\Bar \\n \\xz", TextSink::kJson) == "Foo\\Bar \\n \\xz");
  CHECK(EscapeReportText("\\xff", TextSink::kXml) == "\\xff");
}

TEST_CASE("JUnit: a raw CR in printed XML becomes &#13;", "[text_escape]") {
  CHECK(phptrun::JunitCarriageReturns("<a b=\"x\ry\">1\r\n2</a>\n") ==
        "<a b=\"x&#13;y\">1&#13;\n2</a>\n");
  CHECK(phptrun::JunitCarriageReturns("plain\n") == "plain\n");
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
