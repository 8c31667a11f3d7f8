// Turns the PATH arguments into the list of .phpt cases to run.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace phptrun {

// Files are taken as given (a FIFO or device is refused); directories are searched recursively for
// "*.phpt" files whose name does not start with '.'. Each path is the
// argument joined with the path below it ("suites/" + "a/b.phpt" ->
// "suites/a/b.phpt"); a FIFO or device found there is kept, and BORKs when
// it runs (PhptFile::Load: "not a regular file"). The result is sorted and free of duplicates.
// False, with *err naming the path, when an argument does not exist or a directory cannot be read.
bool CollectCases(const std::vector<std::string>& args, std::vector<std::string>* cases,
                  std::string* err);

// What scheduling and sharding need to know of a case before it runs,
// without parsing every file in full: its CONFLICTS keys (most files have no
// CONFLICTS section, and a directory's CONFLICTS file is read once), and
// whether it says it is slow: php-src's convention for that is a SKIPIF that
// skips when SKIP_SLOW_TESTS (run-tests -x) is set; and which startup
// settings it needs.
class CaseHintReader {
 public:
  struct Hints {
    std::vector<std::string> conflict_keys;
    bool slow = false;
    // Equal for cases whose INI and EXTENSIONS sections are equal (a hash
    // of both), "" for cases with neither: cases that can share a case
    // process started with those settings (Scheduler's affinity).
    std::string affinity;
  };
  Hints Read(const std::string& path);

 private:
  std::map<std::string, std::vector<std::string>> by_directory_;
};

}  // namespace phptrun
