#include "runner/phpt/case_list.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace phptrun {
namespace {

namespace fs = std::filesystem;
using Paths = std::vector<std::string>;

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempTree {
 public:
  TempTree() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/phptrun_case_list_XXXXXX";
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    root_ = pattern;
  }
  ~TempTree() {
    std::error_code ec;
    fs::permissions(root_ + "/locked", fs::perms::owner_all, ec);
    fs::remove_all(root_, ec);
  }
  const std::string& root() const { return root_; }

  // Creates the file `rel` (and the directories above it).
  void File(const std::string& rel) {
    fs::path p = fs::path(root_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "--TEST--\nx\n";
    REQUIRE(fs::is_regular_file(p));
  }
  void Dir(const std::string& rel) { fs::create_directories(fs::path(root_) / rel); }
  void Write(const std::string& rel, const std::string& content) {
    std::ofstream(fs::path(root_) / rel) << content;
  }
  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

 private:
  std::string root_;
};

// The tree most tests use.
void MakeSuite(TempTree* t) {
  t->File("b.phpt");
  t->File("a.phpt");
  t->File("notes.txt");
  t->File("a.phpt.bak");
  t->File("phpt");
  t->File("x.PHPT");
  t->File(".hidden.phpt");
  t->File(".hiddendir/c.phpt");
  t->File("sub/z.phpt");
  t->File("sub/README");
  t->File("sub/deeper/y.phpt");
  t->File("sub/deeper/deepest/w.phpt");
  t->File("dir.phpt/inner.phpt");  // a directory named like a test
  t->Dir("empty");
}

TEST_CASE("case list: a directory is searched recursively for .phpt files") {
  TempTree t;
  MakeSuite(&t);
  Paths cases;
  std::string err;
  REQUIRE(CollectCases({t.root()}, &cases, &err));
  CHECK(err.empty());
  CHECK(cases == Paths{t.Path("a.phpt"), t.Path("b.phpt"), t.Path("dir.phpt/inner.phpt"),
                       t.Path("sub/deeper/deepest/w.phpt"), t.Path("sub/deeper/y.phpt"),
                       t.Path("sub/z.phpt")});
}

TEST_CASE("case list: a trailing slash is not doubled") {
  TempTree t;
  MakeSuite(&t);
  Paths cases;
  std::string err;
  REQUIRE(CollectCases({t.root() + "/sub/"}, &cases, &err));
  CHECK(cases == Paths{t.Path("sub/deeper/deepest/w.phpt"), t.Path("sub/deeper/y.phpt"),
                       t.Path("sub/z.phpt")});
  REQUIRE(CollectCases({t.root() + "/sub"}, &cases, &err));
  CHECK(cases == Paths{t.Path("sub/deeper/deepest/w.phpt"), t.Path("sub/deeper/y.phpt"),
                       t.Path("sub/z.phpt")});
}

TEST_CASE("case list: the path keeps the argument's spelling") {
  TempTree t;
  t.File("s/a.phpt");
  Paths cases;
  std::string err;
  REQUIRE(CollectCases({t.root() + "/s/../s"}, &cases, &err));
  CHECK(cases == Paths{t.root() + "/s/../s/a.phpt"});
  REQUIRE(CollectCases({t.root() + "//s//"}, &cases, &err));
  CHECK(cases == Paths{t.root() + "//s//a.phpt"});
}

TEST_CASE("case list: relative arguments stay relative") {
  TempTree t;
  t.File("s/a.phpt");
  t.File("s/d/b.phpt");
  char old_cwd[4096];
  REQUIRE(getcwd(old_cwd, sizeof old_cwd) != nullptr);
  REQUIRE(chdir(t.root().c_str()) == 0);
  Paths cases;
  std::string err;
  bool ok = CollectCases({"s"}, &cases, &err);
  Paths dot_cases;
  bool ok_dot = CollectCases({"."}, &dot_cases, &err);
  REQUIRE(chdir(old_cwd) == 0);
  REQUIRE(ok);
  CHECK(cases == Paths{"s/a.phpt", "s/d/b.phpt"});
  REQUIRE(ok_dot);
  CHECK(dot_cases == Paths{"./s/a.phpt", "./s/d/b.phpt"});
}

TEST_CASE("case list: a file argument is taken as is") {
  TempTree t;
  MakeSuite(&t);
  Paths cases;
  std::string err;
  // Whatever its name: the user asked for it.
  REQUIRE(CollectCases({t.Path("notes.txt"), t.Path(".hidden.phpt"), t.Path(".hiddendir/c.phpt")},
                       &cases, &err));
  CHECK(cases == Paths{t.Path(".hidden.phpt"), t.Path(".hiddendir/c.phpt"), t.Path("notes.txt")});
}

TEST_CASE("case list: a hidden directory given by name is searched") {
  TempTree t;
  MakeSuite(&t);
  Paths cases;
  std::string err;
  REQUIRE(CollectCases({t.Path(".hiddendir")}, &cases, &err));
  CHECK(cases == Paths{t.Path(".hiddendir/c.phpt")});
}

TEST_CASE("case list: several arguments are merged, sorted and de-duplicated") {
  TempTree t;
  MakeSuite(&t);
  Paths cases;
  std::string err;
  REQUIRE(CollectCases({t.Path("sub/z.phpt"), t.root() + "/sub", t.Path("b.phpt"),
                        t.root() + "/sub/", t.Path("b.phpt"), t.Path("a.phpt")},
                       &cases, &err));
  CHECK(cases == Paths{t.Path("a.phpt"), t.Path("b.phpt"), t.Path("sub/deeper/deepest/w.phpt"),
                       t.Path("sub/deeper/y.phpt"), t.Path("sub/z.phpt")});
}

TEST_CASE("case list: sorting is by bytes") {
  TempTree t;
  for (const char* name : {"b.phpt", "B.phpt", "a_b.phpt", "a-b.phpt", "a.phpt", "a/z.phpt",
                           "a0.phpt", "10.phpt", "9.phpt"}) {
    t.File(name);
  }
  Paths cases;
  std::string err;
  REQUIRE(CollectCases({t.root()}, &cases, &err));
  CHECK(cases == Paths{t.Path("10.phpt"), t.Path("9.phpt"), t.Path("B.phpt"), t.Path("a-b.phpt"),
                       t.Path("a.phpt"), t.Path("a/z.phpt"), t.Path("a0.phpt"), t.Path("a_b.phpt"),
                       t.Path("b.phpt")});
}

TEST_CASE("case list: a directory without tests gives an empty list") {
  TempTree t;
  MakeSuite(&t);
  Paths cases = {"stale"};
  std::string err;
  REQUIRE(CollectCases({t.Path("empty")}, &cases, &err));
  CHECK(cases.empty());
  REQUIRE(CollectCases({}, &cases, &err));
  CHECK(cases.empty());
}

TEST_CASE("case list: the list is replaced, not appended to") {
  TempTree t;
  t.File("a.phpt");
  Paths cases = {"zzz-stale.phpt", "another"};
  std::string err;
  REQUIRE(CollectCases({t.root()}, &cases, &err));
  CHECK(cases == Paths{t.Path("a.phpt")});
}

TEST_CASE("case list: a symlink to a test or a directory is followed") {
  TempTree t;
  t.File("real/a.phpt");
  t.File("other/b.phpt");
  t.Dir("suite");
  REQUIRE(symlink((t.root() + "/real/a.phpt").c_str(), t.Path("suite/link.phpt").c_str()) == 0);
  REQUIRE(symlink((t.root() + "/other").c_str(), t.Path("suite/linked-dir").c_str()) == 0);
  REQUIRE(symlink((t.root() + "/nowhere").c_str(), t.Path("suite/dangling.phpt").c_str()) == 0);
  Paths cases;
  std::string err;
  REQUIRE(CollectCases({t.Path("suite")}, &cases, &err));
  CHECK(cases == Paths{t.Path("suite/link.phpt"), t.Path("suite/linked-dir/b.phpt")});
}

TEST_CASE("case list: a missing path is an error naming it") {
  TempTree t;
  MakeSuite(&t);
  Paths cases;
  std::string err;
  std::string missing = t.Path("no/such.phpt");
  CHECK_FALSE(CollectCases({t.Path("a.phpt"), missing, t.root()}, &cases, &err));
  CHECK(err.find(missing) == 0);
  CHECK(err.find("no such file or directory") != std::string::npos);

  err.clear();
  CHECK_FALSE(CollectCases({""}, &cases, &err));
  CHECK_FALSE(err.empty());
}

// CollectCases as an unprivileged user: in a child process running as
// "nobody" when we are root (root reads any directory).
bool CollectCasesUnprivileged(const Paths& args, std::string* err) {
  Paths cases;
  if (geteuid() != 0) return CollectCases(args, &cases, err);
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    std::string child_err;
    bool ok = CollectCases(args, &cases, &child_err);
    if (write(fds[1], child_err.data(), child_err.size()) < 0) _exit(4);
    _exit(ok ? 0 : 1);
  }
  close(fds[1]);
  err->clear();
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) err->append(buf, n);
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) <= 1);
  return WEXITSTATUS(status) == 0;
}

TEST_CASE("case list: an unreadable directory is an error naming it") {
  TempTree t;
  t.File("locked/a.phpt");
  t.File("ok.phpt");
  // Everything readable for the unprivileged user, except "locked".
  REQUIRE(chmod(t.root().c_str(), 0755) == 0);
  REQUIRE(chmod(t.Path("locked").c_str(), 0) == 0);
  std::string err;
  CHECK_FALSE(CollectCasesUnprivileged({t.root()}, &err));
  CHECK(err.find(t.Path("locked") + ": cannot read directory") == 0);
}

}  // namespace
}  // namespace phptrun

namespace phptrun {
namespace {

TEST_CASE("case list: a symlink loop is searched once, not forever") {
  TempTree t;
  t.File("suite/a.phpt");
  t.File("suite/sub/b.phpt");
  // sub/up points back at suite/: without loop detection this never ends.
  REQUIRE(symlink(t.Path("suite").c_str(), t.Path("suite/sub/up").c_str()) == 0);
  // A second link to a directory outside the tree is still followed (once).
  t.File("elsewhere/c.phpt");
  REQUIRE(symlink(t.Path("elsewhere").c_str(), t.Path("suite/linked").c_str()) == 0);
  Paths cases;
  std::string err;
  REQUIRE(CollectCases({t.Path("suite")}, &cases, &err));
  CHECK(cases == Paths{t.Path("suite/a.phpt"), t.Path("suite/linked/c.phpt"),
                       t.Path("suite/sub/b.phpt")});
}

TEST_CASE("case list: a FIFO or device on the command line is refused, named") {
  TempTree t;
  std::string fifo = t.Path("pipe.phpt");
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  Paths cases;
  std::string err;
  CHECK_FALSE(CollectCases({fifo}, &cases, &err));
  CHECK(err == fifo + ": not a regular file");
  CHECK_FALSE(CollectCases({"/dev/zero"}, &cases, &err));
  CHECK(err == "/dev/zero: not a regular file");
}

TEST_CASE("case list: a FIFO named *.phpt in a tree is a case (it BORKs when run)") {
  TempTree t;
  t.File("a.phpt");
  REQUIRE(mkfifo(t.Path("b.phpt").c_str(), 0600) == 0);
  REQUIRE(mkfifo(t.Path("c.txt").c_str(), 0600) == 0);
  Paths cases;
  std::string err;
  REQUIRE(CollectCases({t.root()}, &cases, &err));
  CHECK(cases == Paths{t.Path("a.phpt"), t.Path("b.phpt")});
}

TEST_CASE("case hints: cases with equal INI and EXTENSIONS sections share an affinity") {
  TempTree t;
  const std::string file = "--FILE--\n<?php echo 1;\n--EXPECT--\n1\n";
  t.Write("a.phpt", "--TEST--\na\n--INI--\nopcache.enable_cli=1\n" + file);
  t.Write("b.phpt", "--TEST--\nb\n--INI--\nopcache.enable_cli=1\n" + file);
  t.Write("c.phpt", "--TEST--\nc\n--INI--\nopcache.enable_cli=0\n" + file);
  t.Write("d.phpt", "--TEST--\nd\n--EXTENSIONS--\nopcache.enable_cli=1\n" + file);
  t.Write("e.phpt", "--TEST--\ne\n" + file);
  CaseHintReader hints;
  std::string a = hints.Read(t.Path("a.phpt")).affinity;
  CHECK_FALSE(a.empty());
  CHECK(hints.Read(t.Path("b.phpt")).affinity == a);
  CHECK(hints.Read(t.Path("c.phpt")).affinity != a);
  // The same text in another section is other settings.
  CHECK(hints.Read(t.Path("d.phpt")).affinity != a);
  CHECK(hints.Read(t.Path("e.phpt")).affinity.empty());
}

}  // namespace
}  // namespace phptrun
