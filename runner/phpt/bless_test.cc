#include "runner/phpt/bless.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace phptrun {
namespace {

// Expected results below are what php-src 8.2's scripts/dev/bless_tests.php
// (run by run-tests.php --bless) made of the same files.

TEST_CASE("bless: machine-specific parts become placeholders", "[bless]") {
  CHECK(BlessPlaceholders("Warning: foo in /tmp/x/a.php on line 12") ==
        "Warning: foo in %s on line %d");
  CHECK(BlessPlaceholders("Fatal error: x in /tmp/a.php:7\n#0 /tmp/a.php(3): f()") ==
        "Fatal error: x in %s:%d\n#0 %s(%d): f()");
  CHECK(BlessPlaceholders("resource(5) of type (stream)\nResource id #12") ==
        "resource(%d) of type (stream)\nResource id #%d");
  CHECK(BlessPlaceholders(std::string("a\0b", 3)) == "a%0b");
  CHECK(BlessPlaceholders("string(7) \"x: %d\"") == "string(%d) \"x: %d\"");
  CHECK(BlessPlaceholders("plain text, in the end") == "plain text, in the end");
}

TEST_CASE("bless: EXPECTF keeps the old lines that still match", "[bless]") {
  CHECK(BlessExpectf("keep 1\nnew line 2\nkeep 3\nFatal error: x in /t/a.php:7",
                     "keep %d\nold line\nkeep %d\n%a") ==
        "keep %d\nnew line 2\nkeep %d\nFatal error: x in %s:%d");
  CHECK(BlessExpectf("int(5)", "int(%d)") == "int(%d)");
}

TEST_CASE("bless: the section is replaced up to CLEAN, EXPECTF when placeholders came in",
          "[bless]") {
  std::string phpt = "--TEST--\nt\n--FILE--\n<?php\n--EXPECT--\nold\n--CLEAN--\n<?php unlink('x');\n";
  CHECK(BlessInsert(phpt, "new") ==
        "--TEST--\nt\n--FILE--\n<?php\n--EXPECT--\nnew\n--CLEAN--\n<?php unlink('x');\n");
  CHECK(BlessInsert(phpt, "in %s") ==
        "--TEST--\nt\n--FILE--\n<?php\n--EXPECTF--\nin %s\n--CLEAN--\n<?php unlink('x');\n");
  CHECK(BlessInsert("--TEST--\nt\n--FILE--\n<?php\n--EXPECTF--\n%d\n", "5") ==
        "--TEST--\nt\n--FILE--\n<?php\n--EXPECT--\n5\n");
  CHECK(BlessInsert("--TEST--\n--EXPECTREGEX--\nx\n", "y").empty());
}

TEST_CASE("bless: a file from its .out; XFAIL, EXPECTREGEX and no .out are left alone",
          "[bless]") {
  char name[] = "/tmp/phptrun-bless-XXXXXX";
  std::string dir = mkdtemp(name);
  auto write = [&](const std::string& file, const std::string& text) {
    std::ofstream(dir + "/" + file, std::ios::binary) << text;
  };
  auto read = [&](const std::string& file) {
    std::ifstream in(dir + "/" + file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  write("a.phpt", "--TEST--\na\n--FILE--\n<?php echo 2;\n--EXPECTF--\n%d\nold\n");
  write("a.out", "2\nnew");
  std::string why;
  CHECK(BlessCase(dir + "/a.phpt", &why));
  CHECK(read("a.phpt") == "--TEST--\na\n--FILE--\n<?php echo 2;\n--EXPECTF--\n%d\nnew\n");

  const std::string xfail = "--TEST--\nx\n--FILE--\n<?php\n--XFAIL--\nbug\n--EXPECT--\n1\n";
  write("x.phpt", xfail);
  write("x.out", "2");
  CHECK_FALSE(BlessCase(dir + "/x.phpt", &why));
  CHECK(why.find("XFAIL") != std::string::npos);
  CHECK(read("x.phpt") == xfail);

  write("r.phpt", "--TEST--\nr\n--FILE--\n<?php\n--EXPECTREGEX--\n\\d\n");
  write("r.out", "2");
  CHECK_FALSE(BlessCase(dir + "/r.phpt", &why));
  CHECK(why.find("EXPECTREGEX") == std::string::npos);  // "only EXPECT and EXPECTF ..."
  CHECK(why.find("EXPECTF") != std::string::npos);

  write("n.phpt", "--TEST--\nn\n--FILE--\n<?php\n--EXPECT--\n1\n");
  CHECK_FALSE(BlessCase(dir + "/n.phpt", &why));
  CHECK(why.find("n.out") != std::string::npos);
  system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
}  // namespace phptrun
