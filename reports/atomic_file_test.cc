#include "reports/atomic_file.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string MakeTempDir() {
  char templ[] = "/tmp/phptrun_atomic_XXXXXX";
  REQUIRE(mkdtemp(templ) != nullptr);
  return templ;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> List(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  return names;
}

void RemoveDir(const std::string& dir) {
  for (const std::string& name : List(dir)) unlink((dir + "/" + name).c_str());
  rmdir(dir.c_str());
}

}  // namespace

TEST_CASE("WriteFileAtomically writes and replaces without leaving a temp file", "[atomic_file]") {
  std::string dir = MakeTempDir();
  std::string path = dir + "/report.xml";
  std::string err;
  REQUIRE(phptrun::WriteFileAtomically(path, std::string("first\0bytes", 11), &err));
  CHECK(Slurp(path) == std::string("first\0bytes", 11));
  REQUIRE(phptrun::WriteFileAtomically(path, "second", &err));
  CHECK(Slurp(path) == "second");
  CHECK(List(dir) == std::vector<std::string>{"report.xml"});
  RemoveDir(dir);
}

TEST_CASE("WriteFileAtomically names the file when it cannot write", "[atomic_file]") {
  std::string dir = MakeTempDir();
  std::string path = dir + "/missing/report.xml";
  std::string err;
  CHECK_FALSE(phptrun::WriteFileAtomically(path, "x", &err));
  CHECK_THAT(err, Catch::StartsWith(path + ": cannot create "));
  CHECK_THAT(err, Catch::Contains("No such file or directory"));
  CHECK(List(dir).empty());

  // The target is a directory: the rename fails and the temp file goes away.
  std::string target = dir + "/adir";
  REQUIRE(mkdir(target.c_str(), 0700) == 0);
  err.clear();
  CHECK_FALSE(phptrun::WriteFileAtomically(target, "x", &err));
  CHECK_THAT(err, Catch::StartsWith(target + ": cannot rename "));
  CHECK(List(dir) == std::vector<std::string>{"adir"});
  RemoveDir(target);
  RemoveDir(dir);
}

TEST_CASE("AtomicFileWriter streams into place on Commit", "[atomic_file]") {
  std::string dir = MakeTempDir();
  std::string path = dir + "/trace.json";
  {
    phptrun::AtomicFileWriter out;
    std::string err;
    REQUIRE(out.Open(path, &err));
    CHECK(out.is_open());
    std::string big(3 << 20, 'x');  // more than one buffer's worth
    out.Write("{");
    out.Write(big);
    out.Write("}");
    CHECK(List(dir).size() == 1);  // only the temporary file so far
    CHECK(access(path.c_str(), F_OK) != 0);
    REQUIRE(out.Commit(&err));
    CHECK_FALSE(out.is_open());
    CHECK(Slurp(path) == "{" + big + "}");
  }
  CHECK(List(dir) == std::vector<std::string>{"trace.json"});
  unlink(path.c_str());
  rmdir(dir.c_str());
}

TEST_CASE("AtomicFileWriter left without Commit leaves nothing behind", "[atomic_file]") {
  std::string dir = MakeTempDir();
  {
    phptrun::AtomicFileWriter out;
    std::string err;
    REQUIRE(out.Open(dir + "/never.json", &err));
    out.Write("half");
  }
  CHECK(List(dir).empty());
  rmdir(dir.c_str());
}

TEST_CASE("AtomicFileWriter errors name the file", "[atomic_file]") {
  phptrun::AtomicFileWriter out;
  std::string err;
  CHECK_FALSE(out.Open("/nonexistent-dir/t.json", &err));
  CHECK(err.find("/nonexistent-dir/t.json") != std::string::npos);
  CHECK_FALSE(out.Commit(&err));
}
