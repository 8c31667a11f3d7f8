// Turns the PATH arguments into the list of .phpt cases to run.
#pragma once

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

}  // namespace phptrun
