#include "runner/phpt/phpt_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

namespace phptrun {
namespace {

using namespace std::string_literals;

const std::string kFixtures = std::string(PHPTRUN_SOURCE_DIR) + "/fixtures/parser";

PhptFile ParseText(std::string_view text) { return PhptFile::Parse("/nowhere/t.phpt", text); }

std::string SectionOr(const PhptFile& f, std::string_view name,
                      const std::string& fallback = "<none>") {
  const std::string* s = f.Section(name);
  return s ? *s : fallback;
}

TEST_CASE("minimal test parses") {
  PhptFile f = ParseText("--TEST--\nHello\n--FILE--\n<?php echo 1;\n--EXPECT--\n1\n");
  REQUIRE(f.ok());
  CHECK(f.error().empty());
  CHECK(f.path() == "/nowhere/t.phpt");
  CHECK(f.name() == "Hello");
  CHECK(SectionOr(f, "TEST") == "Hello\n");
  CHECK(SectionOr(f, "FILE") == "<?php echo 1;\n");
  CHECK(SectionOr(f, "EXPECT") == "1\n");
  CHECK(f.Has("FILE"));
  CHECK_FALSE(f.Has("SKIPIF"));
  CHECK(f.Section("SKIPIF") == nullptr);
  CHECK(f.ExpectKind() == "EXPECT");
  CHECK(f.sections().size() == 3);
}

TEST_CASE("BORK: empty test") {
  CHECK(ParseText("").error() == "empty test");
  PhptFile f = PhptFile::Load(kFixtures + "/empty.phpt");
  CHECK_FALSE(f.ok());
  CHECK(f.error() == "empty test");
}

TEST_CASE("BORK: tests must start with --TEST--") {
  for (std::string text : {"\n--TEST--\nx\n--FILE--\n--EXPECT--\n"s, " --TEST--\n"s, "--TEST-\n"s,
                           "--test--\n"s, "<?php\n"s, "\n"s}) {
    INFO(text);
    CHECK(ParseText(text).error() == "tests must start with --TEST--");
  }
  PhptFile bom = PhptFile::Load(kFixtures + "/plain/bom.phpt");
  CHECK(bom.error() == "tests must start with --TEST--");
}

TEST_CASE("the rest of the --TEST-- line is ignored") {
  PhptFile f = ParseText("--TEST-- not the name\nreal name\n--FILE--\nx\n--EXPECT--\n");
  REQUIRE(f.ok());
  CHECK(f.name() == "real name");
  // Only "--TEST--" as the first 8 bytes matters: no newline at all is fine too.
  CHECK(ParseText("--TEST--").error() == "missing section --FILE--");
}

TEST_CASE("BORK: unknown sections") {
  CHECK(ParseText("--TEST--\nx\n--HEADERS--\n").error() == "Unknown section \"HEADERS\"");
  CHECK(ParseText("--TEST--\nx\n--REQUEST--\n").error() == "Unknown section \"REQUEST\"");
  CHECK(ParseText("--TEST--\nx\n--_--\n").error() == "Unknown section \"_\"");
  // Detected inside a FILE body too: there is no escaping.
  CHECK(ParseText("--TEST--\nx\n--FILE--\n<?php\n--NOPE-- in a string\n").error() ==
        "Unknown section \"NOPE\"");
}

TEST_CASE("header detection follows /^--([_A-Z]+)--/") {
  // Not headers: they stay in the FILE body.
  const std::string not_headers =
      "--file--\n---FILE--\n--FILE-\n-- FILE--\n--A1--\n--FILE 2--\n --FILE--\n----\n";
  PhptFile f = ParseText("--TEST--\nx\n--FILE--\n" + not_headers + "--EXPECT--\n");
  REQUIRE(f.ok());
  CHECK(SectionOr(f, "FILE") == not_headers);
  // Anything after the closing "--" is ignored, CRLF included.
  PhptFile g = ParseText("--TEST--\nx\n--FILE-- trailing junk --\r\ncode\n--EXPECT---\n1\n");
  REQUIRE(g.ok());
  CHECK(SectionOr(g, "FILE") == "code\n");
  CHECK(SectionOr(g, "EXPECT") == "1\n");
  // A header may be the last line without a newline.
  PhptFile h = ParseText("--TEST--\nx\n--FILE--\ncode\n--EXPECT--");
  REQUIRE(h.ok());
  CHECK(SectionOr(h, "EXPECT") == "");
}

TEST_CASE("BORK: duplicated sections, unless the first one was empty") {
  CHECK(ParseText("--TEST--\nx\n--FILE--\na\n--FILE--\nb\n--EXPECT--\n").error() ==
        "duplicated FILE section");
  CHECK(ParseText("--TEST--\nx\n--INI--\na=1\n--FILE--\n--INI--\n").error() ==
        "duplicated INI section");
  PhptFile f = ParseText("--TEST--\nx\n--INI--\n--FILE--\nf\n--INI--\nb=2\n--EXPECT--\n");
  REQUIRE(f.ok());
  CHECK(SectionOr(f, "INI") == "b=2\n");
  // A repeated --TEST-- is "duplicated" when TEST had text, else unknown (run-tests'
  // allowed list does not contain TEST).
  CHECK(ParseText("--TEST--\nname\n--TEST--\n").error() == "duplicated TEST section");
  CHECK(ParseText("--TEST--\n--TEST--\n").error() == "Unknown section \"TEST\"");
}

TEST_CASE("BORK: missing section --FILE--") {
  CHECK(ParseText("--TEST--\nx\n--EXPECT--\n").error() == "missing section --FILE--");
  CHECK(ParseText("--TEST--\nx\n--FILE--\n--FILEEOF--\n--EXPECT--\n").error() ==
        "missing section --FILE--");
  CHECK(ParseText("--TEST--\nx\n--FILE--\n--FILE_EXTERNAL--\nf\n--EXPECT--\n").error() ==
        "missing section --FILE--");
  // The name is known even though the test borked.
  CHECK(ParseText("--TEST--\n  spaced name \n--EXPECT--\n").name() == "spaced name");
}

TEST_CASE("BORK: missing section --EXPECT--") {
  const std::string kMsg = "missing section --EXPECT--, --EXPECTF-- or --EXPECTREGEX--";
  CHECK(ParseText("--TEST--\nx\n--FILE--\n").error() == kMsg);
  CHECK(ParseText("--TEST--\nx\n--FILE--\n--EXPECTHEADERS--\nA: b\n").error() == kMsg);
  CHECK(ParseText("--TEST--\nx\n--FILE--\n--EXPECT--\n--EXPECTF--\n").error() == kMsg);
  CHECK(ParseText("--TEST--\nx\n--FILE--\n--EXPECTF--\n--EXPECTREGEX--\n").error() == kMsg);
}

TEST_CASE("empty sections count as present") {
  PhptFile f = ParseText("--TEST--\n--FILE--\n--EXPECTF--\n");
  REQUIRE(f.ok());
  CHECK(f.name().empty());
  CHECK(SectionOr(f, "FILE") == "");
  CHECK(f.ExpectKind() == "EXPECTF");
}

TEST_CASE("REDIRECTTEST skips all further validation") {
  PhptFile f = ParseText("--TEST--\nredirect\n--REDIRECTTEST--\nreturn [];\n");
  REQUIRE(f.ok());
  CHECK(f.Has("REDIRECTTEST"));
  CHECK(f.ExpectKind().empty());
  // Even FILEEOF stays as it is.
  PhptFile g = ParseText("--TEST--\nr\n--REDIRECTTEST--\n--FILEEOF--\nx\n\n");
  REQUIRE(g.ok());
  CHECK(SectionOr(g, "FILEEOF") == "x\n\n");
}

TEST_CASE("PHPDBG replaces FILE and feeds STDIN") {
  PhptFile f = ParseText("--TEST--\ndbg\n--PHPDBG--\nr\nq\n--EXPECT--\nx\n");
  REQUIRE(f.ok());
  CHECK(SectionOr(f, "STDIN") == "r\nq\n\n");
  PhptFile g = ParseText("--TEST--\ndbg\n--PHPDBG--\nr\n--STDIN--\nin\n--EXPECT--\nx\n");
  REQUIRE(g.ok());
  CHECK(SectionOr(g, "STDIN") == "in\n");
  // With PHPDBG, two FILE sections are not an error either.
  CHECK(ParseText("--TEST--\nd\n--PHPDBG--\n--FILE--\n--FILEEOF--\n--EXPECT--\n").ok());
}

TEST_CASE("===DONE=== ends FILE bodies") {
  PhptFile f = PhptFile::Load(kFixtures + "/done.phpt");
  REQUIRE(f.ok());
  CHECK(f.name() == "===DONE=== truncates FILE");
  CHECK(SectionOr(f, "FILE") == "<?php\necho \"x\";\n?>\n===DONE===\n");
  // Not in other sections.
  CHECK(SectionOr(f, "EXPECT") == "x\n===DONE===\nkept in EXPECT\n");

  // Trailing whitespace (\s: space, \t, \v, \f, \r) is allowed after the marker.
  PhptFile g = ParseText("--TEST--\nx\n--FILE--\na\n===DONE=== \t\x0B\f\r\nb\nc\n--EXPECT--\n");
  REQUIRE(g.ok());
  CHECK(SectionOr(g, "FILE") == "a\n===DONE=== \t\x0B\f\r\n");
  // Other text on the line, or indentation, is not the marker.
  for (std::string line : {"===DONE=== x\n"s, " ===DONE===\n"s, "===DONE==\n"s, "===done===\n"s}) {
    PhptFile h = ParseText("--TEST--\nx\n--FILE--\n" + line + "b\n--EXPECT--\n");
    REQUIRE(h.ok());
    CHECK(SectionOr(h, "FILE") == line + "b\n");
  }
  // Headers after the marker still count, and only the first marker matters.
  PhptFile k =
      ParseText("--TEST--\nx\n--FILE--\n===DONE===\n===DONE===\n--INI--\na=1\n--EXPECT--\n");
  REQUIRE(k.ok());
  CHECK(SectionOr(k, "FILE") == "===DONE===\n");
  CHECK(SectionOr(k, "INI") == "a=1\n");
  // The marker as the last line of the file, without a newline.
  PhptFile l = ParseText("--TEST--\nx\n--EXPECT--\n--FILEEOF--\na\n===DONE===");
  REQUIRE(l.ok());
  CHECK(SectionOr(l, "FILE") == "a\n===DONE===");
}

TEST_CASE("===DONE=== also truncates FILEEOF and FILE_EXTERNAL bodies") {
  PhptFile f = ParseText("--TEST--\nx\n--FILEEOF--\na\n===DONE===\r\n\r\nrest\n--EXPECT--\n");
  REQUIRE(f.ok());
  CHECK(SectionOr(f, "FILE") == "a\n===DONE===");
  PhptFile g = PhptFile::Parse(kFixtures + "/external/t.phpt",
                               "--TEST--\nx\n--FILE_EXTERNAL--\nfiles/code.inc\n===DONE===\n"
                               "junk\n--EXPECT--\n");
  // The body became "files/code.inc\n===DONE===\n", which names no file.
  CHECK(g.error() ==
        "could not load --FILE_EXTERNAL-- " + kFixtures + "/external/files/code.inc\n===DONE===");
}

TEST_CASE("FILEEOF becomes FILE without trailing newlines") {
  PhptFile f = PhptFile::Load(kFixtures + "/plain/fileeof.phpt");
  REQUIRE(f.ok());
  CHECK(SectionOr(f, "FILE") == "<?php\necho \"no newline\";\n?>");
  CHECK_FALSE(f.Has("FILEEOF"));
  PhptFile g = ParseText("--TEST--\nx\n--FILEEOF--\n\r\n\r\n--EXPECT--\n");
  REQUIRE(g.ok());
  CHECK(SectionOr(g, "FILE") == "");
  // Only \r and \n are stripped.
  PhptFile h = ParseText("--TEST--\nx\n--FILEEOF--\na \n--EXPECT--\n");
  CHECK(SectionOr(h, "FILE") == "a ");
}

TEST_CASE("bodies keep CRLF, lone CR and NUL bytes") {
  PhptFile f = PhptFile::Load(kFixtures + "/crlf_nul.phpt");
  REQUIRE(f.ok());
  CHECK(f.name() == "CRLF and NUL bytes");
  CHECK(SectionOr(f, "FILE") == "<?php\r\necho \"a\0b\";\r\n?>\r\n"s);
  CHECK(SectionOr(f, "EXPECT") == "a\0b\r\n"s);

  const std::string text = "--TEST--\nx\n--FILE--\na\rb\0c\r\n\0\n--EXPECT--\nno final newline"s;
  PhptFile g = ParseText(text);
  REQUIRE(g.ok());
  CHECK(SectionOr(g, "FILE") == "a\rb\0c\r\n\0\n"s);
  CHECK(SectionOr(g, "EXPECT") == "no final newline");
}

TEST_CASE("name is the trimmed TEST section and may span lines") {
  PhptFile f = ParseText("--TEST--\n\t first\nsecond \r\n\x0B\n--FILE--\n--EXPECT--\n");
  REQUIRE(f.ok());
  CHECK(f.name() == "first\nsecond");
}

TEST_CASE("_EXTERNAL sections load files relative to the test, without ..") {
  PhptFile f = PhptFile::Load(kFixtures + "/external/file_external.phpt");
  REQUIRE(f.ok());
  CHECK(SectionOr(f, "FILE") == "<?php\necho \"external\";\n");
  CHECK(SectionOr(f, "EXPECT") == "external\n");
  CHECK(f.ExpectKind() == "EXPECT");
  // The reference itself stays visible (run-tests checks FILE_EXTERNAL for --repeat).
  CHECK(SectionOr(f, "FILE_EXTERNAL") == "  ../files/code.inc  \n");

  PhptFile g = PhptFile::Load(kFixtures + "/external/expectf_external.phpt");
  REQUIRE(g.ok());
  CHECK(SectionOr(g, "EXPECTF") == "%d\n");
  CHECK(g.ExpectKind() == "EXPECTF");

  PhptFile h = PhptFile::Load(kFixtures + "/external/expectregex_external.phpt");
  REQUIRE(h.ok());
  CHECK(SectionOr(h, "EXPECTREGEX") == "\\d+\n");
  CHECK(h.ExpectKind() == "EXPECTREGEX");

  // ".." anywhere is deleted: "fi..les" -> "files".
  PhptFile k =
      PhptFile::Parse(kFixtures + "/external/x.phpt",
                      "--TEST--\nx\n--FILE_EXTERNAL--\n..fi..les/..code.inc\n--EXPECT--\n");
  REQUIRE(k.ok());
  CHECK(SectionOr(k, "FILE") == "<?php\necho \"external\";\n");
}

TEST_CASE("BORK: _EXTERNAL file missing") {
  PhptFile f = PhptFile::Load(kFixtures + "/external/missing_external.phpt");
  CHECK_FALSE(f.ok());
  CHECK(f.error() == "could not load --FILE_EXTERNAL-- " + kFixtures + "/external/files/nope.inc");
  PhptFile g = PhptFile::Parse("rel.phpt", "--TEST--\nx\n--FILE--\n--EXPECT_EXTERNAL--\n nope\n");
  CHECK(g.error() == "could not load --EXPECT_EXTERNAL-- ./nope");
  // A directory is not a file either.
  PhptFile h = PhptFile::Parse(kFixtures + "/t.phpt",
                               "--TEST--\nx\n--FILE_EXTERNAL--\nexternal\n"
                               "--EXPECT--\n");
  CHECK(h.error() == "could not load --FILE_EXTERNAL-- " + kFixtures + "/external");
}

TEST_CASE("an _EXTERNAL expectation wins over the same inline one") {
  // run-tests only counts EXPECT/EXPECTF/EXPECTREGEX after loading, so both
  // together are not an error.
  PhptFile f = PhptFile::Parse(kFixtures + "/external/t.phpt",
                               "--TEST--\nx\n--FILE--\n--EXPECT--\ninline\n"
                               "--EXPECT_EXTERNAL--\nfiles/expect.txt\n");
  REQUIRE(f.ok());
  CHECK(SectionOr(f, "EXPECT") == "external\n");
}

TEST_CASE("FLAKY is accepted, as by the run-tests.php of PHP 8.2.32") {
  PhptFile f = ParseText("--TEST--\nx\n--FLAKY--\ntiming\n--FILE--\n--EXPECT--\n");
  REQUIRE(f.ok());
  CHECK(SectionOr(f, "FLAKY") == "timing\n");
}

TEST_CASE("RESIDENT is a known section") {
  PhptFile f = ParseText("--TEST--\nx\n--RESIDENT--\nmode=worker\n--FILE--\n--EXPECT--\n");
  REQUIRE(f.ok());
  CHECK(SectionOr(f, "RESIDENT") == "mode=worker\n");
}

TEST_CASE("IsKnownSection") {
  for (const char* name : {"TEST",
                           "EXPECT",
                           "EXPECTF",
                           "EXPECTREGEX",
                           "EXPECTREGEX_EXTERNAL",
                           "EXPECT_EXTERNAL",
                           "EXPECTF_EXTERNAL",
                           "EXPECTHEADERS",
                           "POST",
                           "POST_RAW",
                           "GZIP_POST",
                           "DEFLATE_POST",
                           "PUT",
                           "GET",
                           "COOKIE",
                           "ARGS",
                           "FILE",
                           "FILEEOF",
                           "FILE_EXTERNAL",
                           "REDIRECTTEST",
                           "CAPTURE_STDIO",
                           "STDIN",
                           "CGI",
                           "PHPDBG",
                           "INI",
                           "ENV",
                           "EXTENSIONS",
                           "SKIPIF",
                           "XFAIL",
                           "XLEAK",
                           "CLEAN",
                           "CREDITS",
                           "DESCRIPTION",
                           "CONFLICTS",
                           "WHITESPACE_SENSITIVE",
                           "FLAKY",
                           "RESIDENT"}) {
    INFO(name);
    CHECK(PhptFile::IsKnownSection(name));
    // Every known section parses as a header (TEST only as the first line).
    if (std::string(name) != "TEST") {
      CHECK(ParseText("--TEST--\n--" + std::string(name) + "--\n").error() !=
            "Unknown section \"" + std::string(name) + "\"");
    }
  }
  for (const char* name : {"HEADERS", "REQUEST", "expect", "", "FILE "}) {
    INFO(name);
    CHECK_FALSE(PhptFile::IsKnownSection(name));
  }
}

TEST_CASE("ConflictKeys") {
  PhptFile own = PhptFile::Load(kFixtures + "/conflicts_dir/own.phpt");
  REQUIRE(own.ok());
  CHECK(own.ConflictKeys() == std::vector<std::string>{"mysql"});

  PhptFile dir = PhptFile::Load(kFixtures + "/conflicts_dir/uses_dir.phpt");
  REQUIRE(dir.ok());
  CHECK(dir.ConflictKeys() == std::vector<std::string>{"port_8080", "all"});

  PhptFile none = PhptFile::Load(kFixtures + "/plain/no_conflicts.phpt");
  REQUIRE(none.ok());
  CHECK(none.ConflictKeys().empty());

  // An empty CONFLICTS section still shadows the directory file.
  PhptFile empty = PhptFile::Parse(kFixtures + "/conflicts_dir/x.phpt",
                                   "--TEST--\nx\n--CONFLICTS--\n--FILE--\n--EXPECT--\n");
  REQUIRE(empty.ok());
  CHECK(empty.ConflictKeys().empty());
}

TEST_CASE("ParseConflictKeys") {
  CHECK(ParseConflictKeys("") == std::vector<std::string>{});
  CHECK(ParseConflictKeys("all") == std::vector<std::string>{"all"});
  CHECK(ParseConflictKeys("  a  \r\n# only a comment\nb # trailing\n\n\tc\n") ==
        std::vector<std::string>{"a", "b", "c"});
  CHECK(ParseConflictKeys("#x\n#y") == std::vector<std::string>{});
}

TEST_CASE("Load of a file that does not exist") {
  PhptFile f = PhptFile::Load(kFixtures + "/does_not_exist.phpt");
  CHECK_FALSE(f.ok());
  CHECK(f.error().rfind("cannot open test file: ", 0) == 0);
  CHECK(f.path() == kFixtures + "/does_not_exist.phpt");
}

TEST_CASE("Load and Parse agree") {
  for (const char* rel : {"/crlf_nul.phpt", "/done.phpt", "/plain/fileeof.phpt"}) {
    std::string path = kFixtures + rel;
    PhptFile loaded = PhptFile::Load(path);
    REQUIRE(loaded.ok());
    // Rebuild the file text from a fresh read through Parse.
    FILE* fp = std::fopen(path.c_str(), "rb");
    REQUIRE(fp != nullptr);
    std::string content;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) content.append(buf, n);
    std::fclose(fp);
    PhptFile parsed = PhptFile::Parse(path, content);
    CHECK(parsed.sections() == loaded.sections());
    CHECK(parsed.name() == loaded.name());
  }
}

TEST_CASE("parsing stops at the first bork") {
  // Unknown section comes before the missing EXPECT, and the later duplicate
  // is never seen.
  CHECK(ParseText("--TEST--\nx\n--BOGUS--\n--FILE--\na\n--FILE--\nb\n").error() ==
        "Unknown section \"BOGUS\"");
}

TEST_CASE("BORK: a FIFO or device is not read (never blocks, never floods)") {
  char dir[] = "/tmp/phptrun_fifo_XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string fifo = std::string(dir) + "/t.phpt";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  PhptFile f = PhptFile::Load(fifo);  // before the fix: blocks in open() for ever
  CHECK_FALSE(f.ok());
  CHECK(f.error() == "cannot open test file: " + fifo + ": not a regular file");
  unlink(fifo.c_str());
  rmdir(dir);
  PhptFile zero = PhptFile::Load("/dev/zero");  // before the fix: reads until bad_alloc
  CHECK_FALSE(zero.ok());
  CHECK(zero.error() == "cannot open test file: /dev/zero: not a regular file");
  std::string content, err;
  CHECK_FALSE(ReadCaseFile("/dev/null", &content, &err));
  CHECK(err == "not a regular file");
}

}  // namespace
}  // namespace phptrun
