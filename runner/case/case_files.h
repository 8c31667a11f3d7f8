// The files run-tests.php 8.2 leaves beside a case, and the blocks its
// --show-* options print. For foo.phpt, with base "dir/foo.":
//
//   foo.diff  the diff (the one the console and the reports show)
//   foo.exp   the expectation, trimmed          foo.out  the output, trimmed
//   foo.log   "\n---- EXPECTED OUTPUT\n<exp>\n---- ACTUAL OUTPUT\n<out>\n---- FAILED\n"
//   foo.sh    a reproducer: the test's environment, then the php command line
//             that runs foo.php as run-tests would (sh foo.sh [gdb|lldb|valgrind|rr])
//   foo.php   the script (kept when the case did not pass, or with --keep-php)
//   foo.post  a failing CGI case's request body, which foo.sh gives php-cgi
//
// Which of the first five are written is TEST_PHP_LOG_FORMAT's letters
// (L E O D S; default LEODS), as in run-tests. Before a case runs, the
// files an earlier run left are removed, so a case that now passes leaves
// none.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phptrun {

// "dir/foo." for the script "dir/foo.php"; "" for anything else.
std::string CaseFilesBase(const std::string& script);

// Removes foo.diff .log .exp .out .mem .sh .php .skip.php .clean.php .post.
void RemoveCaseFiles(const std::string& base);

struct FailureFiles {
  std::string log_format = "LEODS";
  std::string expected;  // trimmed, as run-tests compares it
  std::string actual;    // trimmed
  std::string diff;
  std::string reproducer;  // the .sh text (ReproducerScript)
};

// Writes the files of a case that did not pass (`write_sh` also for a
// passing one that leaked). False with *err naming the file on failure.
bool WriteFailureFiles(const std::string& base, const FailureFiles& files, bool write_sh,
                       std::string* err);

// The .sh text: "#!/bin/sh", an export line per variable (later ones
// win), then a case over $1 running `command` plainly or under gdb, lldb,
// valgrind (with USE_ZEND_ALLOC=0) or rr.
std::string ReproducerScript(const std::vector<std::pair<std::string, std::string>>& env,
                             const std::string& command);

// A word quoted for sh: 'it'\''s'.
std::string ShellQuote(std::string_view word);

// "\n========NAME========\n<text without trailing whitespace>\n========DONE========\n"
std::string ShowBlock(const std::string& name, std::string_view text);

}  // namespace phptrun
