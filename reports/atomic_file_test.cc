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

TEST_CASE("AtomicFile streams into the temporary file and renames on Commit", "[atomic_file]") {
  std::string dir = MakeTempDir();
  std::string path = dir + "/report.json";
  REQUIRE(phptrun::WriteFileAtomically(path, "old", nullptr));
  {
    phptrun::AtomicFile file(path);
    REQUIRE(file.ok());
    for (int i = 0; i < 100000; ++i) file.stream() << i << '\n';  // several buffers
    CHECK(Slurp(path) == "old");  // readers see the old file until the rename
    CHECK(List(dir).size() == 2);
    std::string err;
    REQUIRE(file.Commit(&err));
    CHECK(List(dir) == std::vector<std::string>{"report.json"});
  }
  std::string content = Slurp(path);
  CHECK(content.size() == 588890);
  CHECK(content.substr(0, 6) == "0\n1\n2\n");
  CHECK(content.substr(content.size() - 6) == "99999\n");

  // Abandoned, explicitly or by going out of scope: the old file stays.
  {
    phptrun::AtomicFile file(path);
    file.stream() << "half";
    file.Abort();
    std::string err;
    CHECK_FALSE(file.Commit(&err));
    CHECK_THAT(err, Catch::StartsWith(path + ": "));
  }
  {
    phptrun::AtomicFile file(path);
    file.stream() << "half";
  }
  CHECK(Slurp(path) == content);
  CHECK(List(dir) == std::vector<std::string>{"report.json"});
  RemoveDir(dir);
}

TEST_CASE("AtomicFile names the file when it cannot create or write it", "[atomic_file]") {
  std::string dir = MakeTempDir();
  std::string path = dir + "/missing/report.xml";
  phptrun::AtomicFile missing(path);
  CHECK_FALSE(missing.ok());
  CHECK_THAT(missing.error(), Catch::StartsWith(path + ": cannot create "));
  missing.stream() << "ignored";
  std::string err;
  CHECK_FALSE(missing.Commit(&err));
  CHECK(err == missing.error());

  // A full disk: a symlink to /dev/full, where every write fails with
  // ENOSPC, stands where the temporary file goes (open() follows it).
  if (access("/dev/full", W_OK) == 0) {
    std::string full = dir + "/full";
    REQUIRE(symlink("/dev/full", (full + ".tmp." + std::to_string(getpid())).c_str()) == 0);
    phptrun::AtomicFile file(full);
    REQUIRE(file.ok());
    file.stream() << std::string(200000, 'x');
    CHECK_FALSE(file.Commit(&err));
    CHECK_THAT(err, Catch::StartsWith(full + ": cannot write "));
    CHECK_THAT(err, Catch::Contains("No space left on device"));
  }
  CHECK(List(dir).empty());
  RemoveDir(dir);
}
