#include "runner/case/case_files.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace phptrun {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

struct TempDir {
  TempDir() {
    char name[] = "/tmp/phptrun-case-files-XXXXXX";
    path = mkdtemp(name);
  }
  ~TempDir() { system(("rm -rf '" + path + "'").c_str()); }
  std::string path;
};

TEST_CASE("case files: the base of a script", "[case_files]") {
  CHECK(CaseFilesBase("/t/foo.php") == "/t/foo.");
  CHECK(CaseFilesBase("foo.php") == "foo.");
  CHECK(CaseFilesBase("/t/foo.phpt") == "");
  CHECK(CaseFilesBase(".php") == "");
}

TEST_CASE("case files: run-tests' contents of .exp .out .diff .log", "[case_files]") {
  // What run-tests.php 8.2 wrote beside a failing EXPECT test whose output
  // was "one\ntwo\nthree" against "one\n2\nthree" (checked byte for byte).
  TempDir dir;
  std::string base = dir.path + "/fail.";
  FailureFiles files;
  files.expected = "one\n2\nthree";
  files.actual = "one\ntwo\nthree";
  files.diff = "     one\n002+ two\n002- 2\n     three";
  files.reproducer = "#!/bin/sh\necho reproduced\n";
  std::string err;
  REQUIRE(WriteFailureFiles(base, files, true, &err));
  CHECK(Read(base + "exp") == "one\n2\nthree");
  CHECK(Read(base + "out") == "one\ntwo\nthree");
  CHECK(Read(base + "diff") == "     one\n002+ two\n002- 2\n     three");
  CHECK(Read(base + "log") ==
        "\n---- EXPECTED OUTPUT\none\n2\nthree\n---- ACTUAL OUTPUT\none\ntwo\nthree\n---- FAILED\n");
  CHECK(Read(base + "sh") == files.reproducer);
  struct stat st {};
  REQUIRE(stat((base + "sh").c_str(), &st) == 0);
  CHECK((st.st_mode & 0111) != 0);

  // Removed before the case runs again; other files stay.
  std::ofstream(base + "php") << "<?php";
  std::ofstream(base + "phpt") << "--TEST--";
  RemoveCaseFiles(base);
  for (const char* ext : {"exp", "out", "diff", "log", "sh", "php"}) {
    INFO(ext);
    CHECK_FALSE(Exists(base + ext));
  }
  CHECK(Exists(base + "phpt"));
}

TEST_CASE("case files: TEST_PHP_LOG_FORMAT's letters choose the files", "[case_files]") {
  TempDir dir;
  std::string base = dir.path + "/x.";
  FailureFiles files;
  files.log_format = "DS";
  files.diff = "001+ a";
  std::string err;
  REQUIRE(WriteFailureFiles(base, files, true, &err));
  CHECK(Exists(base + "diff"));
  CHECK(Exists(base + "sh"));
  CHECK_FALSE(Exists(base + "exp"));
  CHECK_FALSE(Exists(base + "out"));
  CHECK_FALSE(Exists(base + "log"));
  // No .sh unless asked for.
  RemoveCaseFiles(base);
  REQUIRE(WriteFailureFiles(base, files, false, &err));
  CHECK_FALSE(Exists(base + "sh"));
  // An unwritable place is an error that names the file.
  CHECK_FALSE(WriteFailureFiles("/nonexistent-dir/y.", files, true, &err));
  CHECK(err.find("/nonexistent-dir/y.diff") == 0);
}

TEST_CASE("case files: the reproducer exports the environment and runs the command",
          "[case_files]") {
  std::string sh = ReproducerScript({{"A", "1"}, {"B", "it's"}, {"A", "2"}, {"", "x"}},
                                    "/usr/bin/php8.2 -f '/t/x.php' 2>&1");
  CHECK(sh.find("#!/bin/sh\n\nexport A='2'\nexport B='it'\\''s'\n") == 0);
  CHECK(sh.find("\"gdb\")\n    gdb --args /usr/bin/php8.2 -f '/t/x.php' 2>&1\n") != std::string::npos);
  CHECK(sh.find("USE_ZEND_ALLOC=0 valgrind $2 /usr/bin/php8.2") != std::string::npos);
  CHECK(sh.find("*)\n    /usr/bin/php8.2 -f '/t/x.php' 2>&1\n    ;;\nesac") != std::string::npos);
  // It really runs: the exported values reach the command.
  TempDir dir;
  std::string path = dir.path + "/r.sh";
  std::ofstream(path) << ReproducerScript({{"GREETING", "it's $HOME"}}, "printf '%s' \"$GREETING\"");
  FILE* p = popen(("sh '" + path + "'").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[128] = {};
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  CHECK(std::string(buf, n) == "it's $HOME");
}

TEST_CASE("case files: --show-* blocks as run-tests prints them", "[case_files]") {
  CHECK(ShowBlock("TEST", "<?php echo 1;\n\n") == "\n========TEST========\n<?php echo 1;\n========DONE========\n");
  CHECK(ShowBlock("OUT", "") == "\n========OUT========\n\n========DONE========\n");
}

}  // namespace
}  // namespace phptrun
