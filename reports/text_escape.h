// Making arbitrary bytes safe for a report, visibly.
//
// Test names, reasons and diffs come from the code under test and may hold any
// byte: NUL, terminal escapes, Latin-1, truncated UTF-8. XML 1.0 cannot hold
// most C0 control characters at all, JSON and XML both need valid UTF-8, and a
// terminal obeys escape sequences. run-tests.php turns control characters in
// JUnit diffs into "[[0xNN]]" but silently loses a whole diff that is not valid
// UTF-8; we keep every byte, escaped where the target cannot hold it:
//
//   std::string safe = EscapeReportText(result.diff, TextSink::kXml);
//
// Escapes (hex digits lower case, two per byte):
//   C0 control other than \t \n \r  ->  "[[0x1b]]"            (kXml, kTerminal, kHtml)
//   CR, DEL                         ->  "[[0x0d]]", "[[0x7f]]"  (kHtml)
//   byte not part of valid UTF-8    ->  "\xff" (4 characters)  (all sinks)
//   U+FFFE, U+FFFF (not XML chars)  ->  "\xef\xbf\xbe"         (kXml)
// Valid UTF-8 and \t \n \r pass unchanged. JSON keeps control characters:
// its "\u0000" escapes hold them exactly, so only invalid UTF-8 is rewritten.
//
// The escapes are not themselves escaped, so a literal "[[0x00]]" or "\xff"
// already in the input reads the same as an escaped byte. That keeps every
// backslash of PHP code and namespaces readable, which matters more.
#pragma once

#include <string>
#include <string_view>

namespace phptrun {

// Where the text is going; decides which bytes need escaping.
enum class TextSink {
  kXml,       // XML 1.0 attribute or text: controls, invalid UTF-8, U+FFFE/U+FFFF
  kJson,      // JSON string: invalid UTF-8 only
  kTerminal,  // console: controls and invalid UTF-8, so output cannot drive the terminal
  // Text a web page shows (the HTML report, via JSON): controls including CR
  // and DEL, and invalid UTF-8, so that every byte a test printed is visible;
  // a browser would silently drop or fold them. Markup characters stay: see
  // EscapeJsonForHtmlScript.
  kHtml,
};

// Returns `text` with every byte `sink` cannot hold replaced by visible escape
// text (see above). Never drops a byte; returns the input unchanged when
// nothing needs escaping.
std::string EscapeReportText(std::string_view text, TextSink sink);

// Makes JSON text safe inside an HTML <script type="application/json">
// element: '<', '>' and '&' become \u003c, \u003e, \u0026, so no
// "</script>" or "<!--" can end or change the element, and U+2028/U+2029
// become \u2028/\u2029 (line terminators to older JavaScript). The result is
// the same JSON value: these characters only occur inside strings.
//
//   out << "<script type=\"application/json\">" << EscapeJsonForHtmlScript(json.dump())
//       << "</script>";
std::string EscapeJsonForHtmlScript(std::string_view json);

}  // namespace phptrun
