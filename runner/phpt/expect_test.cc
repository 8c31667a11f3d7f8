#include "runner/phpt/expect.h"

#include "runner/phpt/expectf_pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

namespace phptrun {
namespace {

using namespace std::string_literals;

bool MatchesF(std::string_view expectf, std::string_view output) {
  ExpectMatcher m("EXPECTF", expectf);
  INFO(m.error());
  REQUIRE(m.ok());
  return m.Matches(NormalizeOutput(output));
}

bool MatchesRegex(std::string_view regex, std::string_view output) {
  ExpectMatcher m("EXPECTREGEX", regex);
  INFO(m.error());
  REQUIRE(m.ok());
  return m.Matches(NormalizeOutput(output));
}

// What preg_match('/^' . $pattern . '$/s', $subject) says, straight from PCRE2.
bool PcreMatches(std::string_view pattern, std::string_view subject) {
  std::string full = "^" + std::string(pattern) + "$";
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(full.data()), full.size(),
                                 PCRE2_DOTALL, &code, &offset, nullptr);
  REQUIRE(re != nullptr);
  pcre2_match_data* md = pcre2_match_data_create(1, nullptr);
  int rc = pcre2_match(re, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, md,
                       nullptr);
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  return rc >= 0;
}

TEST_CASE("NormalizeOutput trims PHP's set and folds CRLF") {
  CHECK(NormalizeOutput("") == "");
  CHECK(NormalizeOutput(" \t\n\r\0\x0B"s) == "");
  CHECK(NormalizeOutput("\n\n  a b  \r\n\0"s) == "a b");
  CHECK(NormalizeOutput("a\r\nb\r\n") == "a\nb");
  // Lone CR stays; CR CR LF keeps one CR.
  CHECK(NormalizeOutput("a\rb") == "a\rb");
  CHECK(NormalizeOutput("a\r\r\nb") == "a\r\nb");
  // Form feed is not in trim()'s set; inner trailing spaces are significant.
  CHECK(NormalizeOutput("\fa\f") == "\fa\f");
  CHECK(NormalizeOutput("a  \nb") == "a  \nb");
  CHECK(NormalizeOutput("\0x\0"s) == "x");
}

TEST_CASE("ExpectfToRegex: placeholder table") {
  CHECK(ExpectfToRegex("%e") == "\\/");
  CHECK(ExpectfToRegex("%s") == "[^\\r\\n]+");
  CHECK(ExpectfToRegex("%S") == "[^\\r\\n]*");
  CHECK(ExpectfToRegex("%a") == ".+");
  CHECK(ExpectfToRegex("%A") == ".*");
  CHECK(ExpectfToRegex("%w") == "\\s*");
  CHECK(ExpectfToRegex("%i") == "[+-]?\\d+");
  CHECK(ExpectfToRegex("%d") == "\\d+");
  CHECK(ExpectfToRegex("%x") == "[0-9a-fA-F]+");
  CHECK(ExpectfToRegex("%f") == "[+-]?(?:\\d+|(?=\\.\\d))(?:\\.\\d+)?(?:[Ee][+-]?\\d+)?");
  CHECK(ExpectfToRegex("%c") == ".");
  CHECK(ExpectfToRegex("%0") == "\\x00");
}

TEST_CASE("ExpectfToRegex: preg_quote with '/' outside %r") {
  CHECK(ExpectfToRegex(".\\+*?[^]$(){}=!<>|:-#/") ==
        "\\.\\\\\\+\\*\\?\\[\\^\\]\\$\\(\\)\\{\\}\\=\\!\\<\\>\\|\\:\\-\\#\\/");
  CHECK(ExpectfToRegex("a\0b"s) == "a\\000b");
  CHECK(ExpectfToRegex("plain text, \"quotes\" & 'more' ~@;") ==
        "plain text, \"quotes\" & 'more' ~@;");
}

TEST_CASE("ExpectfToRegex: %r pairs") {
  CHECK(ExpectfToRegex("a%r[0-9]+%rb") == "a([0-9]+)b");
  CHECK(ExpectfToRegex("%r%r") == "()");
  CHECK(ExpectfToRegex("x.%ra|b%r.%r\\d%r") == "x\\.(a|b)\\.(\\d)");
  // Placeholders are replaced inside %r groups as well.
  CHECK(ExpectfToRegex("%r%d|x%r") == "(\\d+|x)");
  // An unpaired %r makes the rest literal.
  CHECK(ExpectfToRegex("a%rb.c") == "a%rb\\.c");
  CHECK(ExpectfToRegex("%r(a)%r%r.") == "((a))%r\\.");
  // The way to write a literal '%' before a placeholder letter.
  CHECK(ExpectfToRegex("100%r%%r done") == "100(%) done");
}

TEST_CASE("ExpectfToRegex: unknown %X stays, no %% escape") {
  CHECK(ExpectfToRegex("%H:%M %1 %q %%") == "%H\\:%M %1 %q %%");
  CHECK(ExpectfToRegex("%%d") == "%\\d+");
  CHECK(ExpectfToRegex("50%") == "50%");
  CHECK(ExpectfToRegex("%") == "%");
  CHECK(ExpectfToRegex("%r") == "%r");
}

TEST_CASE("EXPECT is byte exact after normalisation") {
  ExpectMatcher m("EXPECT", "\r\nHello\r\nWorld  \r\n\r\n");
  REQUIRE(m.ok());
  CHECK(m.kind() == "EXPECT");
  CHECK(m.expected() == "Hello\nWorld");
  CHECK(m.Matches("Hello\nWorld"));
  CHECK_FALSE(m.Matches("Hello\nWorld\n"));
  CHECK_FALSE(m.Matches("hello\nWorld"));
  CHECK_FALSE(m.Matches("Hello\rWorld"));
  ExpectMatcher bin("EXPECT", "a\0b\xff"s);
  CHECK(bin.Matches("a\0b\xff"s));
  CHECK_FALSE(bin.Matches("a"));
  // Regex metacharacters mean nothing in EXPECT.
  ExpectMatcher meta("EXPECT", "%d .* %s");
  CHECK(meta.Matches("%d .* %s"));
  CHECK_FALSE(meta.Matches("1 x y"));
}

// Each placeholder, on the direct path and the regex path alike:
// runner/expectf_pattern_test.cc. Here only that ExpectMatcher uses them.
TEST_CASE("EXPECTF placeholders reach ExpectMatcher") {
  CHECK(MatchesF("<%s> %d %A", "<abc def> 42 rest\nof it"));
  CHECK_FALSE(MatchesF("<%s> %d", "<abc> x"));
}

TEST_CASE("EXPECTF typical expectations") {
  CHECK(MatchesF("Warning: foo() expects %d arguments in %s on line %d\n",
                 "Warning: foo() expects 2 arguments in /tmp/x.php on line 3\n"));
  CHECK(MatchesF("object(stdClass)#%d (0) {\n}", "object(stdClass)#1 (0) {\n}"));
  CHECK(MatchesF("array(2) {\n  [0]=>\n  int(%d)\n%A}",
                 "array(2) {\n  [0]=>\n  int(1)\n  [1]=>\n  int(2)\n}"));
  CHECK(MatchesF("float(%f)\nstring(%d) \"%s\"", "float(1.5)\nstring(3) \"abc\""));
  CHECK(MatchesF("Done\r\n", "Done"));
  CHECK_FALSE(MatchesF("Hello %s", "Hello"));
  // A literal dot, question mark and slash stay literal.
  CHECK(MatchesF("a.b? /c", "a.b? /c"));
  CHECK_FALSE(MatchesF("a.b", "axb"));
}

TEST_CASE("EXPECTF literal %H and friends") {
  CHECK(MatchesF("%H:%M:%S %Y", "%H:%M:  %Y"));
  CHECK(MatchesF("%1$s %2$s %b %G %E %q %%", "%1$s %2$s %b %G %E %q %%"));
  CHECK_FALSE(MatchesF("%H", "12"));
  // "%S" is a placeholder even in date formats: it matches the rest of a line.
  CHECK(MatchesF("%S", "anything"));
}

TEST_CASE("EXPECTF %r sections") {
  CHECK(MatchesF("100%r%%r done", "100% done"));
  CHECK(MatchesF("%r%d|x%r", "42"));
  CHECK(MatchesF("%r%d|x%r", "x"));
  CHECK_FALSE(MatchesF("%r%d|x%r", "y"));
  CHECK(MatchesF("int(%r(1|2)%r)", "int(2)"));
  CHECK_FALSE(MatchesF("int(%r(1|2)%r)", "int(3)"));
  CHECK(MatchesF("%rstring\\(\\d+\\) \"[a-z]+\"%r", "string(3) \"abc\""));
  CHECK(MatchesF("a%r\\/%rb", "a/b"));
  // Unpaired %r: literal.
  CHECK(MatchesF("a%rb", "a%rb"));
  CHECK(MatchesF("%r(a)%r%r.", "a%r."));
  CHECK(MatchesF("%r(A|B){2}%r.", "AB."));
}

TEST_CASE("EXPECTREGEX basics and anchoring") {
  CHECK(MatchesRegex("\\d+ apples?", "3 apples"));
  CHECK(MatchesRegex("\\d+ apples?", "1 apple"));
  CHECK_FALSE(MatchesRegex("\\d+ apples?", "x 3 apples"));
  CHECK_FALSE(MatchesRegex("\\d+", "12 x"));
  CHECK(MatchesRegex(".*", "a\nb"));  // DOTALL
  // '$' without D also matches before a final newline.
  ExpectMatcher m("EXPECTREGEX", "abc");
  CHECK(m.Matches("abc"));
  CHECK(m.Matches("abc\n"));
  CHECK_FALSE(m.Matches("abc\n\n"));
  CHECK_FALSE(m.Matches("abc\r\n"));
  // Top-level alternation binds ^ to the first and $ to the last alternative.
  CHECK(MatchesRegex("foo|bar", "foo and more"));
  CHECK(MatchesRegex("foo|bar", "more and bar"));
  CHECK_FALSE(MatchesRegex("foo|bar", "x foo x"));
  // Explicit anchors, as in ext/date/tests/timezone_version_get_basic1.phpt.
  CHECK(MatchesRegex("^[12][0-9]{3}.[0-9]+$", "2024.1"));
  CHECK_FALSE(MatchesRegex("^[12][0-9]{3}.[0-9]+$", "2024.1x"));
  CHECK_FALSE(PregPattern::Compile("^[12][0-9]{3}.[0-9]+$").uses_pcre());
  CHECK(PregPattern::Compile("a$").Matches("a\n"));
  CHECK_FALSE(PregPattern::Compile("a$|b").Matches("a\nc"));
  CHECK(PregPattern::Compile("a$|b").Matches("a\nb"));
  CHECK(PregPattern::Compile("a$|b").Matches("a\n"));
  CHECK(PregPattern::Compile("x|a$|b").Matches("za\n"));
  CHECK(MatchesRegex("a|mid|z", "x mid x"));
  CHECK(MatchesRegex("(foo|bar)", "bar"));
  CHECK_FALSE(MatchesRegex("(foo|bar)", "bar!"));
}

TEST_CASE("PCRE leniency: literal {") {
  // ext/standard/tests/array/shuffle_variation5.phpt style.
  CHECK(MatchesRegex("array\\(6\\) {\n  \\[0\\]=>\n  int\\(\\d\\)\n}",
                     "array(6) {\n  [0]=>\n  int(1)\n}"));
  CHECK(MatchesRegex("{}", "{}"));
  CHECK(MatchesRegex("a{,2}", "a{,2}"));
  CHECK(MatchesRegex("a{x}", "a{x}"));
  CHECK(MatchesRegex("a{1", "a{1"));
  // Real quantifiers still work.
  CHECK(MatchesRegex("a{2}", "aa"));
  CHECK_FALSE(MatchesRegex("a{2}", "a{2}"));
  CHECK(MatchesRegex("a{2,}", "aaaa"));
  CHECK(MatchesRegex("a{1,2}b", "aab"));
  CHECK(MatchesF("%r[0-9]{4}%r-{", "2024-{"));
}

TEST_CASE("PCRE escapes RE2 spells differently") {
  CHECK(MatchesRegex("a\\/b", "a/b"));
  CHECK(MatchesRegex("say \\\"hi\\\"", "say \"hi\""));
  CHECK(MatchesRegex("a\\0b", "a\0b"s));
  CHECK(MatchesRegex("a\\000b", "a\0b"s));
  CHECK(MatchesRegex("a\\012b", "a\nb"));
  CHECK(MatchesRegex("\\x41\\x{42}\\x4", "AB\x04"));
  CHECK(MatchesRegex("\\e\\a\\cA\\cz", "\x1b\x07\x01\x1a"));
  CHECK(MatchesRegex("a\\_b\\%c\\#d", "a_b%c#d"));
  CHECK(MatchesRegex("x\\Q.*+?\\Ey", "x.*+?y"));
  CHECK(MatchesRegex("\\Ea\\E", "a"));
  CHECK(MatchesRegex("\\Aa\\z", "a"));
  CHECK(MatchesRegex("\\bword\\b \\Bx", "word ax") == false);
  CHECK(MatchesRegex("\\w+ \\W \\D", "ab_1 ! x"));
  // \s includes VT (PCRE2 10.x); \S excludes it.
  CHECK(MatchesRegex("a\\sb",
                     "a\x0B"
                     "b"));
  CHECK_FALSE(MatchesRegex("a\\Sb",
                           "a\x0B"
                           "b"));
  CHECK(MatchesRegex("a[\\s]b",
                     "a\x0B"
                     "b"));
  CHECK(MatchesRegex("a[^\\s]b", "a-b"));
  CHECK_FALSE(MatchesRegex("a[\\S]b",
                           "a\x0B"
                           "b"));
  // \v is vertical space in PCRE, \h horizontal space, \N not-newline.
  CHECK(MatchesRegex("a\\vb", "a\fb"));
  CHECK(MatchesRegex("a\\hb", "a\tb"));
  CHECK_FALSE(MatchesRegex("a\\Nb", "a\nb"));
  CHECK(MatchesRegex("a\\N{2}b", "axyb"));
  // Bytes above 0x7F are Latin-1 code points, matched byte for byte.
  CHECK(MatchesRegex("caf\xc3\xa9 .", "caf\xc3\xa9 \xff"));
  CHECK(MatchesRegex("\\xe9", "\xe9"));
  CHECK(MatchesRegex("[\\x80-\\xff]+", "\xc3\xa9"));
}

TEST_CASE("character classes") {
  CHECK(MatchesRegex("[]a]+", "]a]"));
  CHECK(MatchesRegex("[^]a]", "b"));
  CHECK_FALSE(MatchesRegex("[^]a]", "]"));
  CHECK(MatchesRegex("[a-]+", "a-a"));
  CHECK(MatchesRegex("[-a]+", "-a"));
  CHECK(MatchesRegex("[a-c-e]+", "ab-e"));
  CHECK_FALSE(MatchesRegex("[a-c-e]", "d"));
  CHECK(MatchesRegex("[\\d-]+", "1-2"));
  CHECK(MatchesRegex("[[:alpha:][:digit:]]+", "ab12"));
  CHECK(MatchesRegex("a[[:space:]]b",
                     "a\x0B"
                     "b"));
  CHECK(MatchesRegex("[[:^space:]]", "x"));
  CHECK(MatchesRegex("[a[]+", "[a"));
  CHECK(MatchesRegex("[\\]\\[\\\\\\/]+", "][\\/"));
  CHECK(MatchesRegex("[\\0-\\7]", "\x05"));
  CHECK(MatchesRegex("[\\b]", "\b"));
  CHECK(MatchesRegex("[.|()*+?{}$^]+", ".|()*+?{}$^"));
  CHECK(MatchesRegex("[\\x00-\\x1f]", "\x1f"));
}

TEST_CASE("RE2 takes what it can, PCRE2 the rest") {
  for (const char* re2_ok : {"abc", "a\\/b", "array\\(6\\) {", "\\d+", "(?:a|b)", "(?<n>a)",
                             "(?P<n>a)", "a*?b", "[[:alpha:]]", "a\\0b", "\\x{41}"}) {
    INFO(re2_ok);
    PregPattern p = PregPattern::Compile(re2_ok);
    REQUIRE(p.ok());
    CHECK_FALSE(p.uses_pcre());
  }
  for (const char* pcre_only :
       {"foo(?=bar)bar", "(?<!x)y", "(a)\\1", "a++", "(?>a+)b", "(?i)abc", "a$\\n", "(a$)", "a\\Z",
        "\\Rx", "(?#c)a", "a(*ACCEPT)", "\\p{L}", "a{1001}", "(?x) a b", "\\Qabc"}) {
    INFO(pcre_only);
    PregPattern p = PregPattern::Compile(pcre_only);
    INFO(p.error());
    REQUIRE(p.ok());
    CHECK(p.uses_pcre());
  }
}

TEST_CASE("PCRE2 fallback for lookaround and back references") {
  CHECK(MatchesRegex("foo(?=bar)bar", "foobar"));
  CHECK_FALSE(MatchesRegex("foo(?=bar)baz", "foobaz"));
  CHECK(MatchesRegex("Resource id #(\\d+)(?!\\d) and #\\1", "Resource id #5 and #5"));
  CHECK_FALSE(MatchesRegex("Resource id #(\\d+) and #\\1", "Resource id #5 and #6"));
  CHECK(MatchesRegex("(?i)hello", "HeLLo"));
  // Inside the pattern, $ before the final newline (PCRE semantics).
  CHECK(PregPattern::Compile("a$\\n").Matches("a\n"));
  CHECK_FALSE(PregPattern::Compile("a$\\n").Matches("a\n\n"));
  // \Q without \E swallows the closing '$': the end is no longer anchored.
  CHECK(MatchesRegex("ab\\Q.", "ab.$"));
  // EXPECTF's %r may need it too.
  CHECK(MatchesF("%r(?<=x)%ry%d", "y1") == false);
  CHECK(MatchesF("x%r(?<=x)%ry%d", "xy1"));
}

TEST_CASE("EXPECTREGEX counts past RE2's limit are PCRE2's: repeated, or an error past 65535") {
  // RE2 reads x{2147483648} as literal text; PCRE2 refuses it.
  ExpectMatcher huge("EXPECTREGEX", "x{2147483648}");
  CHECK_FALSE(huge.ok());
  CHECK_FALSE(huge.Matches("x{2147483648}"));
  ExpectMatcher big("EXPECTREGEX", "x{65536}");
  CHECK_FALSE(big.ok());
  CHECK(MatchesRegex("x{1001}", std::string(1001, 'x')));
  CHECK_FALSE(MatchesRegex("x{1001}", std::string(1000, 'x')));
  CHECK(MatchesRegex("ab{2,1500}c", "a" + std::string(1400, 'b') + "c"));
  CHECK(PcreMatches("ab{2,1500}c", "a" + std::string(1400, 'b') + "c"));
}

TEST_CASE("invalid patterns") {
  ExpectMatcher a("EXPECTREGEX", "(abc");
  CHECK_FALSE(a.ok());
  CHECK(a.error() == "invalid EXPECTREGEX: missing closing parenthesis at offset 4");
  CHECK_FALSE(a.Matches("abc"));

  ExpectMatcher b("EXPECTF", "int(%d)\n%r[a%r");
  CHECK_FALSE(b.ok());
  CHECK(b.error().rfind("invalid EXPECTF: missing terminating ] for character class", 0) == 0);

  // An unescaped '/' ends PHP's delimiters early; run-tests could never match.
  ExpectMatcher d("EXPECTREGEX", "a/b");
  CHECK_FALSE(d.ok());
  CHECK(d.error() == "invalid EXPECTREGEX: unescaped delimiter '/' at offset 1");
  ExpectMatcher e("EXPECTREGEX", "[/]");
  CHECK_FALSE(e.ok());
  CHECK(ExpectMatcher("EXPECTREGEX", "\\\\/").ok() == false);
  CHECK(ExpectMatcher("EXPECTREGEX", "\\\\\\/").ok());

  ExpectMatcher f("EXPECTREGEX", "a**");
  CHECK_FALSE(f.ok());
  ExpectMatcher g("EXPECTREGEX", "\\i");
  CHECK_FALSE(g.ok());
  CHECK(g.error().rfind("invalid EXPECTREGEX: ", 0) == 0);

  ExpectMatcher h("EXPECTHEADERS", "x");
  CHECK_FALSE(h.ok());
}

TEST_CASE("a trailing backslash escapes the closing $") {
  // preg_match('/^a\$/s'): a literal '$', and no end anchor.
  PregPattern p = PregPattern::Compile("a\\");
  REQUIRE(p.ok());
  CHECK(p.uses_pcre());
  CHECK(p.Matches("a$ and more"));
  CHECK_FALSE(p.Matches("a"));
}

// Finishing at all is what these check; bounded time is CTest's timeout to
// enforce (tests/CMakeLists.txt), never a wall-time assertion on a loaded
// machine.
TEST_CASE("catastrophic patterns finish fast") {
  const std::string as(100000, 'a');
  CHECK_FALSE(MatchesF("%a%a%a%a%a%aX", as));
  CHECK(MatchesF("%a%a%a%a%a%aX", as + "X"));
  CHECK_FALSE(MatchesF("%A%s%A%s%A%s%A%s%AX", as));

  // On the PCRE2 path the match limit stops runaway backtracking.
  ExpectMatcher m("EXPECTREGEX", "(?=a)(a|aa)+b");
  REQUIRE(m.ok());
  CHECK_FALSE(m.Matches(std::string(40, 'a') + "!b"));
  CHECK(m.Matches(std::string(40, 'a') + "b"));
}

TEST_CASE("large outputs") {
  // 1000 lines: about as many of these as preg_match can compile (64 KiB).
  std::string expectf, output;
  for (int i = 0; i < 1000; ++i) {
    expectf += "line %d: %s\n";
    output += "line " + std::to_string(i) + ": text " + std::to_string(i * 7) + "\n";
  }
  CHECK(MatchesF(expectf, output));
  CHECK_FALSE(MatchesF(expectf, output + "extra"));
  std::string large_output;
  for (int i = 0; i < 20000; ++i) large_output += "line " + std::to_string(i) + ": text\n";
  CHECK(MatchesF("%a", large_output));
  CHECK(MatchesF("line 0: %s\n%A\nline 19999: text", large_output));
  CHECK(MatchesF("%r(line \\d+: text\n?)+%r", large_output));
}

TEST_CASE("patterns too big for RE2 fail quietly, as in preg_match") {
  std::string expectf;
  for (int i = 0; i < 150000; ++i) expectf += "line %d: %s\n";
  // RE2 prints to stderr when its parse tree gets too big; we must not let it.
  std::fflush(stderr);
  FILE* capture = std::tmpfile();
  REQUIRE(capture != nullptr);
  int saved = dup(2);
  dup2(fileno(capture), 2);
  ExpectMatcher m("EXPECTF", expectf);
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  long written = std::ftell(capture) >= 0 ? lseek(fileno(capture), 0, SEEK_END) : -1;
  std::fclose(capture);
  CHECK(written == 0);
  CHECK_FALSE(m.ok());
  CHECK(m.error().rfind("invalid EXPECTF: regular expression is too large", 0) == 0);
}

TEST_CASE("EXPECTF and EXPECTREGEX bodies are refused exactly when preg_match refuses them") {
  // PCRE2 stops at 64 KiB of compiled code: preg_match refuses 33000 literal
  // bytes, or 596 %f (1192 bytes of EXPECTF). RE2 and the direct EXPECTF
  // search would take them, and phptrun used to PASS what run-tests FAILs
  // (found by the re2_pcre2_differential fuzz target).
  CHECK_FALSE(ExpectMatcher("EXPECTF", std::string(33000, 'a')).ok());
  CHECK_FALSE(ExpectMatcher("EXPECTREGEX", std::string(33000, 'a')).ok());
  CHECK(ExpectMatcher("EXPECTF", std::string(32000, 'a')).ok());
  std::string floats;
  for (int i = 0; i < 596; ++i) floats += "%f ";
  ExpectMatcher too_large("EXPECTF", floats);
  CHECK_FALSE(too_large.ok());
  CHECK(too_large.error().rfind("invalid EXPECTF: regular expression is too large", 0) == 0);
  // Counted groups RE2 takes and PCRE2 copies out.
  std::string groups;
  for (int i = 0; i < 11; ++i) groups += "(?:ab){1000}";
  CHECK_FALSE(PregPattern::Compile(groups).ok());
  CHECK(PregPattern::Compile(groups.substr(0, 12 * 5)).ok());

  // ExpectMatcher judges EXPECTF bodies without %r of up to
  // ExpectfPattern::kMaxSize bytes directly and compiles their regex only if
  // the search gives up; whether preg_match would refuse them must be known
  // when the matcher is built.
  auto php_compiles = [](const std::string& pattern) {
    std::string full = "^" + pattern + "$";
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(full.data()), full.size(),
                                   PCRE2_DOTALL, &code, &offset, nullptr);
    pcre2_code_free(re);
    return re != nullptr;
  };
  for (std::string unit :
       {"%f"s, "%i"s, "%x"s, "%s"s, "%w"s, "%c"s, "%0"s, "%e"s, "\\"s, "\0"s, "%f,"s, "%d%f"s}) {
    for (size_t size : {size_t{1000}, size_t{1200}, size_t{4000}, ExpectfPattern::kMaxSize}) {
      std::string body;
      while (body.size() + unit.size() <= size) body += unit;
      INFO(unit << " x " << body.size() / unit.size());
      body = NormalizeOutput(body);
      REQUIRE(ExpectfPattern::Applies(body));
      ExpectMatcher m("EXPECTF", body);
      CHECK(m.ok() == php_compiles(ExpectfToRegex(body)));
      if (m.ok()) {
        // The regex a search that gives up falls back to compiles, on RE2
        // (but for "%f%f", whose lookahead RE2 cannot spell).
        PregPattern p = PregPattern::Compile(ExpectfToRegex(body));
        INFO(p.error());
        REQUIRE(p.ok());
        CHECK(p.uses_pcre() == (unit == "%f"));
      }
    }
  }
}

TEST_CASE("RE2 translation agrees with PCRE2") {
  // Patterns as they appear in EXPECTREGEX bodies and %r sections, checked
  // against PCRE2 itself on subjects chosen to tell meanings apart.
  const std::vector<std::string> patterns = {
      "abc",
      "a.c",
      "a\\.c",
      "a|b",
      "ab|cd|ef",
      "(a|b)c",
      "a*b+c?",
      "a{2,3}",
      "a{,2}",
      "{",
      "a{1}{",
      "\\d+\\s\\w+",
      "[^a-z]+",
      "[]-]",
      "[a\\-z]",
      "\\S+",
      "\\s*",
      "[\\s\\d]+",
      "\\/+",
      "x\\0y",
      "\\x41",
      "[\\x41-\\x43]+",
      "\\bfoo\\b",
      "\\Bo\\B",
      "[[:punct:]]+",
      "[[:^digit:]]",
      "(?:x|y)*",
      "a.*?b",
      ".+",
      "\\n",
      "\\r?\\n",
      "\\t",
      "\\v",
      "\\h+",
      "\\N+",
      "\\x{e9}",
      "\\xe9+",
      "[\\xe0-\\xff]",
      "caf\xe9",
      "(?<q>a)b",
      "\\Qa.b\\E+",
      "a\\E+",
      "\\cJ",
      "\\e",
      "[\\cJ]",
      "[\\b]",
      "\\$\\^",
      "[$^]",
      "^a",
      "a^",
      "\\Aa",
      "a\\z",
      "(a)(b)",
      "()",
      "a||b",
      "|a",
      "a|",
      "\\}",
      "}",
      "\\{",
      ExpectfToRegex("float(%f)"),
      ExpectfToRegex("%f,%f"),
      ExpectfToRegex("%s %S %a %A %w %i %d %x %c %0 %e"),
      ExpectfToRegex("100%r%%r done"),
      ExpectfToRegex("%r(a|b)+%r%d"),
      ExpectfToRegex("x.y*z?[a]{b}"),
  };
  const std::vector<std::string> subjects = {
      "",
      "a",
      "b",
      "c",
      "abc",
      "a.c",
      "axc",
      "ac",
      "ab",
      "cd",
      "ef",
      "bc",
      "aa",
      "aaa",
      "aaaa",
      "a{,2}",
      "{",
      "a{1}{",
      "aa{",
      "12 ab_",
      "XYZ",
      "]",
      "-",
      "a-z",
      "z",
      " \t\x0B",
      "\x0B",
      "\f",
      "//",
      "x\0y"s,
      "A",
      "ABC",
      "foo",
      "xoox",
      "!?",
      "5",
      "x",
      "xyxy",
      "aab",
      "acb",
      "\n",
      "\r\n",
      "\t",
      "\xa0",
      "\xe9",
      "\xe9\xe9",
      "caf\xe9",
      "a.ba.b",
      "a",
      "\x1b",
      "$^",
      "$",
      "^",
      "a^",
      "ab",
      "}",
      "{",
      "1.5",
      "-1",
      ".5",
      "1e5",
      "1.5.5",
      "+1-1",
      "x y\tz w 1 -2 f0 q \0 /"s,
      "100% done",
      "ab12",
      "x.y*z?[a]{b}",
      "abc\n",
      "a\n",
      "a|b",
      "1.5\n",
  };
  for (const std::string& pattern : patterns) {
    PregPattern p = PregPattern::Compile(pattern);
    INFO("pattern: " << pattern);
    REQUIRE(p.ok());
    for (const std::string& subject : subjects) {
      INFO("subject: " << subject);
      CHECK(p.Matches(subject) == PcreMatches(pattern, subject));
    }
  }
}

TEST_CASE("%f matches nothing, or a lone sign, before \".<digit>\", as run-tests' lookahead does") {
  // run-tests' %f is [+-]?(?:\d+|(?=\.\d))(?:\.\d+)?(?:[Ee][+-]?\d+)?: its
  // lookahead branch may stop before ".5". RE2 has no lookahead, so a %f
  // that something beginning with '.' may follow is PCRE2's (found by the
  // re2_pcre2_differential fuzz target; phptrun used to FAIL these).
  CHECK(PcreMatches(ExpectfToRegex("%f%f"), ".5"));
  CHECK(MatchesF("%f%f", ".5"));
  CHECK(MatchesF("%f.5", ".5"));
  CHECK(MatchesF("%f.5", "-.5"));
  CHECK(MatchesF("x%r%f%r.5", "x+.5"));
  const std::vector<std::string> bodies = {
      "%f%f", "%f.5", "<%f>", "%f.%d", "%f%s", "%f%w.5", "%r%f\\.?%r5", "%r(%f)%r.5", "%r%f|x%r.5"};
  const std::vector<std::string> outputs = {
      "",      ".5", "-.5",   "+.5",  "--.5",  "-",   ".", "1.5", "1.5.5", ".5.5",
      "-.5.5", "<>", "<-.5>", "<.5>", ".5 .5", "x.5", "1", ".55", "-.5 .5"};
  for (const std::string& body : bodies) {
    PregPattern p = PregPattern::Compile(ExpectfToRegex(body));
    REQUIRE(p.ok());
    for (const std::string& output : outputs) {
      INFO(body << " vs " << output);
      const bool want = PcreMatches(ExpectfToRegex(body), output);
      CHECK(p.Matches(output) == want);
      CHECK(MatchesF(body, output) == want);
    }
  }
  // Where nothing after %f can begin with '.', RE2 still runs it.
  for (const char* body : {"float(%f)", "%f", "%f\n%f", "%f %f", "%f,%d", "%f|x", "%f%d", "%fe"}) {
    INFO(body);
    CHECK_FALSE(PregPattern::Compile(ExpectfToRegex(body)).uses_pcre());
  }
  for (const char* body : {"%f.5", "%f%f", "%f%s", "%f%w", "%f%c", "%r%f?%r", "%r(%f)%r"}) {
    INFO(body);
    CHECK(PregPattern::Compile(ExpectfToRegex(body)).uses_pcre());
  }
}

TEST_CASE("a quantifier with nothing to repeat is PCRE2's error, also behind \\E") {
  // RE2 read "(\E?:x|y)" as the group "(?:x|y)" (found by the
  // re2_pcre2_differential fuzz target); preg_match refuses to compile it.
  for (const char* pattern :
       {"(\\E?:x|y)", "a(\\E*b)", "(\\Q\\E+a)", "a|\\E?b", "\\E?a", "(\\E{2}a)"}) {
    INFO(pattern);
    ExpectMatcher m("EXPECTREGEX", pattern);
    CHECK_FALSE(m.ok());
    CHECK(m.error().find("quantifier does not follow a repeatable item") != std::string::npos);
  }
  CHECK(MatchesRegex("a\\E{2}", "aa"));
}

TEST_CASE("counts with leading zeros repeat, as in PCRE2") {
  // RE2 reads a{2,03} as literal text (found by the re2_pcre2_differential
  // fuzz target).
  CHECK(MatchesRegex("a{2,03}", "aaa"));
  CHECK(MatchesRegex("a{02}b{0,01}c{003,}", "aabccc"));
  CHECK_FALSE(MatchesRegex("a{2,03}", "a{2,03}"));
  CHECK(PcreMatches("a{2,03}", "aaa"));
  CHECK(MatchesRegex("(a\\E?)b", "b"));
}

TEST_CASE("ExpectMatcher is movable") {
  ExpectMatcher a("EXPECTF", "%d");
  ExpectMatcher b = std::move(a);
  CHECK(b.Matches("12"));
  ExpectMatcher c("EXPECT", "x");
  c = std::move(b);
  CHECK(c.kind() == "EXPECTF");
  CHECK(c.Matches("3"));
  CHECK_FALSE(c.Matches("x"));
}

}  // namespace
}  // namespace phptrun
