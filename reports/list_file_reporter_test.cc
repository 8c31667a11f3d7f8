#include "reports/list_file_reporter.h"

#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "reports/report_test_support.h"

using namespace phptrun;
using namespace phptrun::testing;

namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("List files: -w lists what run-tests lists as failed, -W every result",
          "[list_file_reporter]") {
  char name[] = "/tmp/phptrun-lists-XXXXXX";
  std::string dir = mkdtemp(name);
  std::string failed = dir + "/failed.txt", all = dir + "/all.txt";
  {
    std::ofstream(failed) << "old content\n";
    ListFileReporter lists;
    std::string err;
    REQUIRE(lists.Open(failed, false, all, &err));
    CHECK(Read(failed).empty());  // -w truncates at the start, as run-tests
    REQUIRE(Replay(lists, SampleCases(), 1, false));
    CHECK(lists.failed_cases().size() == 2);  // the FAIL ones, for --bless
  }
  char cwd[4096];
  REQUIRE(getcwd(cwd, sizeof cwd) != nullptr);
  std::string here = cwd;
  std::string w = Read(failed), big_w = Read(all);
  // FAIL, XFAIL, WARN, LEAK and XLEAK; not PASS, SKIP or BORK. Absolute paths.
  CHECK(w.find(here + "/Zend/tests/basic/002.phpt\n") != std::string::npos);
  CHECK(w.find(here + "/tests/lang/slow.phpt\n") != std::string::npos);
  CHECK(w.find("skip_me") == std::string::npos);
  CHECK(w.find("broken.phpt") == std::string::npos);
  CHECK(w.find("basic/001.phpt") == std::string::npos);
  size_t lines = 0;
  for (char c : w) lines += c == '\n';
  CHECK(lines == 6);
  CHECK(big_w.find("PASSED\t" + here + "/Zend/tests/basic/001.phpt\n") != std::string::npos);
  CHECK(big_w.find("BORKED\t" + here + "/ext/json/tests/broken.phpt\n") != std::string::npos);
  CHECK(big_w.find("SKIPPED\t") != std::string::npos);
  CHECK(big_w.find("XLEAKED\t") != std::string::npos);

  // -a appends.
  {
    ListFileReporter lists;
    std::string err;
    REQUIRE(lists.Open(failed, true, "", &err));
    REQUIRE(Replay(lists, SampleCases(), 1, false));
  }
  CHECK(Read(failed) == w + w);

  ListFileReporter bad;
  std::string err;
  CHECK_FALSE(bad.Open("/nonexistent-dir/f.txt", false, "", &err));
  CHECK(err == "-w /nonexistent-dir/f.txt: cannot write this file");
  system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
