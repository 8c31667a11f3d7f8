#include "runner/phpt/expectf_pattern.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "runner/phpt/expect.h"

namespace phptrun {
namespace {

using namespace std::string_literals;
using Outcome = ExpectfPattern::Outcome;

// The regex path ExpectMatcher used for every EXPECTF: the reference answer.
bool RegexPath(std::string_view expectf, std::string_view output) {
  PregPattern p = PregPattern::Compile(ExpectfToRegex(expectf));
  INFO(p.error());
  REQUIRE(p.ok());
  return p.Matches(output);
}

// The direct answer, which must be decided (not handed over) and must agree
// with the regex path.
bool Direct(std::string_view expectf, std::string_view output) {
  REQUIRE(ExpectfPattern::Applies(expectf));
  Outcome outcome = ExpectfPattern(expectf).Match(output);
  REQUIRE(outcome != Outcome::kGaveUp);
  bool direct = outcome == Outcome::kMatch;
  CHECK(direct == RegexPath(expectf, output));
  return direct;
}

std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c > 0x7E || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

TEST_CASE("ExpectfPattern reads the body as ExpectfToRegex's strtr does") {
  auto tokens = [](std::string_view p) { return ExpectfPattern(p).DebugString(); };
  CHECK(tokens("") == "");
  CHECK(tokens("abc") == "lit(abc)");
  CHECK(tokens("a%db") == "lit(a) %d lit(b)");
  CHECK(tokens("%s%S%a%A%w%i%d%x%f%c") == "%s %S %a %A %w %i %d %x %f %c");
  // %e and %0 are single bytes, folded into the literal around them.
  CHECK(tokens("dir%efile%0!") == "lit(dir/file\\x00!)");
  // No %% escape: the first '%' is literal, the second starts a placeholder.
  CHECK(tokens("%%d") == "lit(%) %d");
  CHECK(tokens("%%") == "lit(%%)");
  // Unknown letters and a lone trailing '%' stay literal.
  CHECK(tokens("%H:%M %1 %q") == "lit(%H:%M %1 %q)");
  CHECK(tokens("50%") == "lit(50%)");
  CHECK(tokens("%") == "lit(%)");
  CHECK(tokens("%%%") == "lit(%%%)");
  // A replacement is never rescanned: "%e" gives '/', not a new placeholder.
  CHECK(tokens("%%e") == "lit(%/)");
  // Regex metacharacters are plain bytes here.
  CHECK(tokens(".*+?[](){}^$|\\/") == "lit(.*+?[](){}^$|\\/)");
}

TEST_CASE("ExpectfPattern applies to bodies without %r, up to kMaxSize") {
  CHECK(ExpectfPattern::Applies(""));
  CHECK(ExpectfPattern::Applies("int(%d)"));
  CHECK(ExpectfPattern::Applies("%R %%"));
  CHECK_FALSE(ExpectfPattern::Applies("a%r\\d+%rb"));
  CHECK_FALSE(ExpectfPattern::Applies("a%rb"));    // unpaired: ExpectfToRegex reads it too
  CHECK_FALSE(ExpectfPattern::Applies("100%%r"));  // "%%r" holds "%r" for ExpectfToRegex
  CHECK(ExpectfPattern::Applies(std::string(ExpectfPattern::kMaxSize, 'x')));
  CHECK_FALSE(ExpectfPattern::Applies(std::string(ExpectfPattern::kMaxSize + 1, 'x')));
}

TEST_CASE("ExpectfPattern placeholders, one by one") {
  SECTION("%e") {
    CHECK(Direct("%e", "/"));
    CHECK(Direct("dir%efile.php", "dir/file.php"));
    CHECK_FALSE(Direct("%e", "\\"));
  }
  SECTION("%s") {
    CHECK(Direct("<%s>", "<abc def>"));
    CHECK(Direct("<%s>", "<\t\0\xff>"s));
    CHECK_FALSE(Direct("<%s>", "<>"));
    CHECK_FALSE(Direct("<%s>", "<a\nb>"));
    CHECK_FALSE(Direct("<%s>", "<a\rb>"));
    CHECK(Direct("<%s>", "<a>b>"));  // the last '>' can end it
  }
  SECTION("%S") {
    CHECK(Direct("<%S>", "<>"));
    CHECK(Direct("<%S>", "<x y>"));
    CHECK_FALSE(Direct("<%S>", "<\n>"));
    CHECK_FALSE(Direct("<%S>", "<\r>"));
  }
  SECTION("%a") {
    CHECK(Direct("<%a>", "<a\nb\r\nc>"));
    CHECK(Direct("<%a>", "<\n>"));
    CHECK_FALSE(Direct("<%a>", "<>"));
  }
  SECTION("%A") {
    CHECK(Direct("<%A>", "<>"));
    CHECK(Direct("<%A>", "<\n\n>"));
    CHECK_FALSE(Direct("<%A>", "<x"));
  }
  SECTION("%w") {
    CHECK(Direct("<%w>", "<>"));
    CHECK(Direct("<%w>", "< \t\n\x0B\f\r>"));
    CHECK_FALSE(Direct("<%w>", "< x >"));
    CHECK_FALSE(Direct("<%w>", "<\xa0>"));  // no Unicode spaces in Latin-1 bytes
  }
  SECTION("%i") {
    CHECK(Direct("<%i>", "<42>"));
    CHECK(Direct("<%i>", "<-42>"));
    CHECK(Direct("<%i>", "<+42>"));
    CHECK_FALSE(Direct("<%i>", "<4.2>"));
    CHECK_FALSE(Direct("<%i>", "<->"));
    CHECK_FALSE(Direct("<%i>", "<+-1>"));
    CHECK(Direct("%i%i", "-1-2"));
    CHECK(Direct("%i%i", "12"));
    CHECK_FALSE(Direct("%i%i", "1"));
  }
  SECTION("%d") {
    CHECK(Direct("<%d>", "<0123456789>"));
    CHECK_FALSE(Direct("<%d>", "<-1>"));
    CHECK_FALSE(Direct("<%d>", "<>"));
    CHECK_FALSE(Direct("<%d>", "<\xd9>"));  // no Unicode digits
    CHECK(Direct("%d%d", "12"));
    CHECK_FALSE(Direct("%d%d", "1"));
  }
  SECTION("%x") {
    CHECK(Direct("<%x>", "<09afAF>"));
    CHECK_FALSE(Direct("<%x>", "<0x1f>"));
    CHECK_FALSE(Direct("<%x>", "<g>"));
    CHECK(Direct("0x%x", "0x1f"));
  }
  SECTION("%f") {
    for (const char* ok : {"1", "-1", "+1", "1.5", "-0.25", ".5", "-.5", "1e10", "1.5E-7", "2e+3",
                           ".5e1", "007", "1.000"}) {
      INFO(ok);
      CHECK(Direct("<%f>", "<"s + ok + ">"));
    }
    for (const char* bad :
         {"1.", ".", "e5", "1e", "1e+", "--1", "+-1", "1.2.3", "abc", "", "-", "1.e5", "1e5.5"}) {
      INFO(bad);
      CHECK_FALSE(Direct("<%f>", "<"s + bad + ">"));
    }
    // Where a float ends is up to what follows.
    CHECK(Direct("%f.5", "1.5.5"));
    CHECK(Direct("%fe5", "1e5"));
    CHECK(Direct("%fe5", "1e5e5"));
    CHECK(Direct("%f5", "1.55"));
    CHECK(Direct("%f%d", "1.55"));
    CHECK(Direct("%f%f", "1.5.5"));
    CHECK(Direct("%f%f", "1e55"));
    CHECK(Direct("%f%f", "-1+2"));
    CHECK_FALSE(Direct("%f%f", "1"));
    // run-tests' lookahead: %f matches nothing, or only the sign, where
    // ".<digit>" follows.
    CHECK(Direct("%f%f", ".5"));
    CHECK(Direct("%f.5", ".5"));
    CHECK(Direct("%f.5", "-.5"));
    CHECK(Direct("%f.5", "+.5"));
    CHECK(Direct("<%f.5>", "<-.5.5>"));
    CHECK(Direct("%f%s", "-.5"));
    CHECK_FALSE(Direct("%f.5", "--.5"));
    CHECK_FALSE(Direct("%f.", "."));
    CHECK_FALSE(Direct("%f.x", "-.x"));
  }
  SECTION("%c") {
    CHECK(Direct("<%c>", "<x>"));
    CHECK(Direct("<%c>", "<\n>"));
    CHECK(Direct("<%c>", "<\0>"s));
    CHECK_FALSE(Direct("<%c>", "<xy>"));
    CHECK_FALSE(Direct("<%c>", "<>"));
    CHECK_FALSE(Direct("<%c>", "<\xc3\xa9>"));  // bytes, not UTF-8 characters
    CHECK(Direct("<%c%c>", "<\xc3\xa9>"));
  }
  SECTION("%0") {
    CHECK(Direct("a%0b", "a\0b"s));
    CHECK_FALSE(Direct("a%0b", "a0b"));
    CHECK_FALSE(Direct("a%0b", "ab"));
  }
}

TEST_CASE("ExpectfPattern literals, %% and unknown %X") {
  const std::string meta = ".\\+*?[^]$(){}=!<>|:-#/";
  CHECK(Direct(meta, meta));
  CHECK_FALSE(Direct(meta, "x\\+*?[^]$(){}=!<>|:-#/"));
  CHECK_FALSE(Direct("a.b", "axb"));
  CHECK_FALSE(Direct("a*", "aaa"));
  CHECK(Direct("a*", "a*"));
  CHECK(Direct("%%d", "%12"));
  CHECK_FALSE(Direct("%%d", "%%d"));
  CHECK(Direct("%%", "%%"));
  CHECK(Direct("%H:%M", "%H:%M"));
  CHECK_FALSE(Direct("%H:%M", "12:30"));
  CHECK(Direct("50%", "50%"));
  CHECK(Direct("%", "%"));
  CHECK_FALSE(Direct("%", ""));
  CHECK(Direct("caf\xc3\xa9 \xff", "caf\xc3\xa9 \xff"));
}

TEST_CASE("ExpectfPattern anchoring: whole output, one final newline allowed") {
  CHECK(Direct("", ""));
  CHECK(Direct("", "\n"));
  CHECK_FALSE(Direct("", "\n\n"));
  CHECK_FALSE(Direct("", "x"));
  CHECK_FALSE(Direct("", "\r\n"));
  CHECK(Direct("abc", "abc"));
  CHECK(Direct("abc", "abc\n"));
  CHECK_FALSE(Direct("abc", "abc\n\n"));
  CHECK_FALSE(Direct("abc", "abc\r\n"));
  CHECK_FALSE(Direct("abc", "abcd"));
  CHECK_FALSE(Direct("abc", "xabc"));
  CHECK_FALSE(Direct("abc", "ab"));
  CHECK(Direct("abc\n", "abc\n"));
  CHECK_FALSE(Direct("abc\n", "abc"));
  CHECK(Direct("abc\n", "abc\n\n"));
  CHECK(Direct("%s", "x\n"));
  CHECK_FALSE(Direct("%s", "x\n\n"));
  CHECK(Direct("%a", "\n"));
  CHECK(Direct("%a", "x\n\n"));
  CHECK(Direct("%A", ""));
  CHECK(Direct("%A", "\n"));
  CHECK(Direct("%w", "\n\n\n"));
  CHECK(Direct("x%S", "x\n"));
  CHECK_FALSE(Direct("x%S", "x\n\n"));
  CHECK(Direct("%d", "1\n"));
  CHECK(Direct("%f", "1.5\n"));
  CHECK(Direct("%c", "\n"));
  CHECK(Direct("%c", "x\n"));
  CHECK_FALSE(Direct("%c", "\n\n\n"));
  CHECK(Direct("%c%c", "\n\n"));
  CHECK(Direct("%c%c", "\n\n\n"));
}

TEST_CASE("ExpectfPattern: CR, CRLF and NUL bytes") {
  // run-tests normalises CRLF to LF on both sides before matching; a lone CR
  // stays and is not matched by %s.
  CHECK(Direct("a\nb", NormalizeOutput("a\r\nb\r\n")));
  CHECK_FALSE(Direct("a\nb", "a\r\nb"));
  CHECK(Direct("a%wb", "a\r\nb"));
  CHECK(Direct("a%Sb", "ab"));
  CHECK_FALSE(Direct("a%Sb", "a\rb"));
  CHECK(Direct("a%ab", "a\rb"));
  CHECK(Direct("a\rb", "a\rb"));
  CHECK(Direct("a\0b"s, "a\0b"s));
  CHECK_FALSE(Direct("a\0b"s, "a"));
  CHECK(Direct("a%sb", "a\0b"s));
  CHECK(Direct("\0\0"s, "\0\0\n"s));
  ExpectMatcher m("EXPECTF", "\r\nint(%d)\r\nDone\r\n");
  REQUIRE(m.ok());
  CHECK(m.expected() == "int(%d)\nDone");
  CHECK(m.Matches(NormalizeOutput("int(3)\r\nDone\r\n")));
}

TEST_CASE("ExpectfPattern typical expectations") {
  CHECK(Direct("Warning: foo() expects %d arguments in %s on line %d\n",
               "Warning: foo() expects 2 arguments in /tmp/x.php on line 3\n"));
  CHECK(
      Direct("Fatal error: Uncaught Exception: x in %s:%d\nStack trace:\n#0 %s(%d): f()\n"
             "#1 {main}\n  thrown in %s on line %d",
             "Fatal error: Uncaught Exception: x in /a/b.php:3\nStack trace:\n"
             "#0 /a/b.php(7): f()\n#1 {main}\n  thrown in /a/b.php on line 3"));
  CHECK(Direct("array(2) {\n  [0]=>\n  int(%d)\n%A}",
               "array(2) {\n  [0]=>\n  int(1)\n  [1]=>\n  int(2)\n}"));
  CHECK(Direct("%AWarning: %s in %s on line %d%A", "x\ny\nWarning: a in b on line 4\nz"));
  CHECK_FALSE(Direct("%AWarning: %s in %s on line %d%A", "x\ny\nWarning: a in b on line \nz"));
  CHECK(Direct("object(stdClass)#%d (0) {\n}", "object(stdClass)#12 (0) {\n}"));
  CHECK(Direct("string(%d) \"%s\"\nfloat(%f)", "string(3) \"a b\"\nfloat(-1.5E-5)"));
  CHECK_FALSE(Direct("Hello %s", "Hello"));
  CHECK_FALSE(Direct("Hello %s", "Hello "));
}

TEST_CASE("ExpectfPattern gives up on its budget, and ExpectMatcher then asks RE2") {
  const std::string ones(100000, '1');
  // %i has no shortcut across positions: four of them over a long run of
  // digits would cost quadratic work.
  const std::string pattern = "%i%i%i%iZ";
  CHECK(ExpectfPattern(pattern).Match(ones) == Outcome::kGaveUp);
  CHECK(ExpectfPattern(pattern).Match(ones + "Z") == Outcome::kMatch);
  CHECK(ExpectfPattern(pattern).Decide(ones) == std::nullopt);
  CHECK(ExpectfPattern(pattern).Decide(ones + "Z") == std::optional<bool>(true));
  CHECK(ExpectfPattern("a%sb").Decide("axxc") == std::optional<bool>(false));
  ExpectMatcher m("EXPECTF", pattern);
  REQUIRE(m.ok());
  uint64_t before = PregPattern::compile_calls();
  CHECK(m.Matches(ones + "Z"));
  CHECK(PregPattern::compile_calls() == before);  // decided directly
  CHECK_FALSE(m.Matches(ones));
  CHECK(PregPattern::compile_calls() == before + 1);  // handed over
  CHECK_FALSE(m.Matches(ones + "Y"));
  CHECK(PregPattern::compile_calls() == before + 1);  // compiled once only

  // Tiny budgets give up rather than guess.
  CHECK(ExpectfPattern("a%sb").Match("axxb", 1) == Outcome::kGaveUp);
  CHECK(ExpectfPattern("a%sb").Match("axxb", 1000) == Outcome::kMatch);
}

TEST_CASE("ExpectfPattern: many %a or %A are decided in linear time") {
  const std::string as(100000, 'a');
  CHECK(ExpectfPattern("%a%a%a%a%a%aX").Match(as) == Outcome::kMismatch);
  CHECK(ExpectfPattern("%a%a%a%a%a%aX").Match(as + "X") == Outcome::kMatch);
  CHECK(ExpectfPattern("%A%s%A%s%A%s%A%s%AX").Match(as) == Outcome::kMismatch);
  CHECK(ExpectfPattern("%S%S%S%S%S%SX").Match(as) == Outcome::kMismatch);
  CHECK(ExpectfPattern("%s%s%s%s%s%sX").Match(as) == Outcome::kMismatch);
  CHECK(ExpectfPattern("%A\n%A\n%A\n%A\nX").Match(as + "\n" + as + "\n" + as + "\n" + as) ==
        Outcome::kMismatch);
  CHECK(ExpectfPattern("%d%d%d%d%dX").Match(std::string(100000, '7')) == Outcome::kMismatch);
}

TEST_CASE("ExpectMatcher compiles no regex for EXPECTF without %r") {
  uint64_t before = PregPattern::compile_calls();
  ExpectMatcher m("EXPECTF", "int(%d)\nstring(%d) \"%s\"\n%A");
  REQUIRE(m.ok());
  CHECK(m.Matches("int(1)\nstring(1) \"x\"\nrest"));
  CHECK_FALSE(m.Matches("int(x)"));
  CHECK(PregPattern::compile_calls() == before);
  // %r, EXPECTREGEX and bodies over kMaxSize compile at construction.
  ExpectMatcher r("EXPECTF", "%r\\d+%r");
  CHECK(PregPattern::compile_calls() == before + 1);
  ExpectMatcher x("EXPECTREGEX", "\\d+");
  CHECK(PregPattern::compile_calls() == before + 2);
  // (65 KiB of literal text would be too large for preg_match; "%c" is the
  // least dense placeholder.)
  std::string big_body;
  while (big_body.size() <= ExpectfPattern::kMaxSize) big_body += "%c";
  ExpectMatcher big("EXPECTF", big_body);
  CHECK(PregPattern::compile_calls() == before + 3);
  CHECK(big.Matches(std::string(big_body.size() / 2, 'x')));
}

// ---------------------------------------------------------------------------
// Differential test: random patterns and outputs, direct vs regex path.

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  size_t Below(size_t n) { return n == 0 ? 0 : rng_() % n; }
  bool OneIn(size_t n) { return Below(n) == 0; }

  std::string Pattern() {
    static const std::vector<std::string> kPieces = {
        "a",  "b",  "ab", "x",  "1",  "0",  ".",    "-",  "+",   "e",   "E",    "\n",
        " ",  "\t", "\r", "/",  "\\", "%",  "(",    "*",  "$",   "\0"s, "\x0B", "\xff",
        "%%", "%H", "%q", "%e", "%s", "%S", "%a",   "%A", "%w",  "%i",  "%d",   "%x",
        "%f", "%c", "%0", "%s", "%d", "%A", "a\nb", ".5", "1.5", "e+",  "ff",   "%a\n"};
    std::string p;
    size_t pieces = Below(12);
    for (size_t i = 0; i < pieces; ++i) p += kPieces[Below(kPieces.size())];
    return p;
  }

  std::string RandomOutput() {
    static const std::string kBytes =
        "ab x10.9-+eE\n\n\r \t/%\0\x0B"
        "fF5\xff"s;
    std::string s;
    size_t n = Below(14);
    for (size_t i = 0; i < n; ++i) s.push_back(kBytes[Below(kBytes.size())]);
    return s;
  }

  // An output in the pattern's language (most of the time: a trailing %w or
  // %0 may be what NormalizeOutput would strip, which does not matter here).
  std::string Render(std::string_view p) {
    std::string s;
    for (size_t i = 0; i < p.size(); ++i) {
      if (p[i] != '%' || i + 1 >= p.size()) {
        s.push_back(p[i]);
        continue;
      }
      char c = p[i + 1];
      std::string piece = Placeholder(c);
      if (piece == "?") {
        s.push_back('%');
        continue;
      }
      s += piece;
      ++i;
    }
    if (OneIn(4)) s.push_back('\n');
    return s;
  }

  std::string Mutate(std::string s) {
    static const std::string kBytes = "a1.-e\n \r%/\0x"s;
    size_t edits = 1 + Below(2);
    for (size_t k = 0; k < edits; ++k) {
      size_t at = Below(s.size() + 1);
      switch (Below(5)) {
        case 0:
          if (at < s.size()) s.erase(at, 1);
          break;
        case 1:
          s.insert(s.begin() + at, kBytes[Below(kBytes.size())]);
          break;
        case 2:
          if (at < s.size()) s[at] = kBytes[Below(kBytes.size())];
          break;
        case 3:
          s.push_back('\n');
          break;
        default:
          if (at < s.size()) s.insert(at, s.substr(at, 1 + Below(3)));
      }
    }
    return s;
  }

 private:
  std::string Chars(std::string_view set, size_t min, size_t max) {
    std::string s;
    size_t n = min + Below(max - min + 1);
    for (size_t i = 0; i < n; ++i) s.push_back(set[Below(set.size())]);
    return s;
  }

  std::string Placeholder(char c) {
    const std::string line = "ab x1.-%/\t\0e"s;
    const std::string any = line + "\n\r";
    switch (c) {
      case 'e':
        return "/";
      case 's':
        return Chars(line, 1, 3);
      case 'S':
        return Chars(line, 0, 3);
      case 'a':
        return Chars(any, 1, 3);
      case 'A':
        return Chars(any, 0, 3);
      case 'w':
        return Chars(" \t\n\x0B\f\r", 0, 2);
      case 'i':
        return Chars("+-", 0, 1).substr(0, 1) + Chars("0123456789", 1, 3);
      case 'd':
        return Chars("0123456789", 1, 3);
      case 'x':
        return Chars("0123456789abcdefABCDEF", 1, 3);
      case 'f': {
        static const char* kFloats[] = {"1",    "-1",      "+2.5",  ".5",  "-.25", "1e5",
                                        "1E-5", "0.5e+10", "12.34", "007", "3.0"};
        return kFloats[Below(sizeof kFloats / sizeof *kFloats)];
      }
      case 'c':
        return Chars(any, 1, 1);
      case '0':
        return "\0"s;
      default:
        return "?";
    }
  }

  std::mt19937 rng_;
};

TEST_CASE("ExpectfPattern agrees with the regex path on generated pairs") {
  Generator gen(20240607);
  size_t pairs = 0, matches = 0, gave_up = 0;
  for (int round = 0; round < 10000; ++round) {
    std::string pattern = gen.Pattern();
    if (!ExpectfPattern::Applies(pattern)) continue;
    PregPattern regex = PregPattern::Compile(ExpectfToRegex(pattern));
    INFO("pattern: " << Printable(pattern));
    REQUIRE(regex.ok());
    ExpectfPattern direct(pattern);

    std::vector<std::string> outputs;
    std::string rendered = gen.Render(pattern);
    outputs.push_back(rendered);
    outputs.push_back(gen.Render(pattern));
    for (int i = 0; i < 4; ++i) outputs.push_back(gen.Mutate(rendered));
    for (int i = 0; i < 3; ++i) outputs.push_back(gen.RandomOutput());
    for (const std::string& output : outputs) {
      Outcome outcome = direct.Match(output);
      ++pairs;
      if (outcome == Outcome::kGaveUp) {
        ++gave_up;
        continue;
      }
      bool want = regex.Matches(output);
      matches += want;
      if ((outcome == Outcome::kMatch) != want) {
        FAIL_CHECK("output: " << Printable(output) << " regex path: " << want);
      }
    }
  }
  INFO(pairs << " pairs, " << matches << " matching, " << gave_up << " handed over");
  CHECK(pairs > 80000);
  CHECK(gave_up == 0);
  // Both answers occur often enough for the comparison to mean something.
  CHECK(matches > pairs / 5);
  CHECK(matches < pairs * 4 / 5);
}

TEST_CASE("ExpectfPattern agrees with the regex path on hand-picked pairs") {
  const std::vector<std::string> patterns = {
      "",       "%s",      "%S",     "%a",   "%A",    "%w",    "%i",    "%d",     "%x",
      "%f",     "%c",      "%0",     "%e",   "%s%s",  "%S%S",  "%a%A",  "%A%a",   "%i%d",
      "%d%i",   "%x%d",    "%f%f",   "%f%i", "%i%f",  "%f.%d", "%d.%d", "%w%s",   "%s%w",
      "%c%c%c", "a%Sb%sc", "%A\n%A", "%a\n", "\n%a",  "%%%d",  "%%%%",  "%H%d",   "%",
      "%d%",    "-%i",     "+%f",    "%fe",  "%fE%d", "%x%x",  "0x%x",  "%s\n%s", "%S\n",
      "%w\n",   "\n%w",    "%0%0",   "%s%0", "%e%e",  "[%s]",  "(%d)",  "%d+",
  };
  const std::vector<std::string> outputs = {
      "",      "\n",    "\n\n", "a",   "a\n",  "ab",   "a b",       " ",      "\t\n", "\r",
      "\r\n",  "1",     "12",   "-1",  "+1",   "1.5",  ".5",        "-.5",    "1e5",  "1E+5",
      "1.5.5", "1e5e5", "0x1f", "ff",  "FF\n", "1-2",  "%1",        "+.5",    ".5.5", "-.5.5",
      ".5\n",  "-.5-",  ".5.",  "%%",  "%%1",  "%H1",  "%",         "1%",     "/",    "//",
      "\0"s,   "\0\0"s, "a\0"s, "[x]", "(1)",  "1+",   "a\nb",      "a\n\nb", "\nx",  "x\n",
      "1e",    "1.",    "-",    "+",   "e5",   "1.5e", "-1.5E-5\n",
  };
  for (const std::string& p : patterns) {
    ExpectfPattern direct(p);
    PregPattern regex = PregPattern::Compile(ExpectfToRegex(p));
    REQUIRE(regex.ok());
    for (const std::string& o : outputs) {
      INFO("pattern: " << Printable(p) << " output: " << Printable(o));
      Outcome outcome = direct.Match(o);
      REQUIRE(outcome != Outcome::kGaveUp);
      CHECK((outcome == Outcome::kMatch) == regex.Matches(o));
    }
  }
}

}  // namespace
}  // namespace phptrun
