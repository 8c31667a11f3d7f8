// Writing a report file so that readers see the old file or the whole new one.
//
// run-tests.php truncates its JUnit file at start and fills it at the end, so
// a run that is killed leaves an empty file (phpt-reference.md §2.10). We write
// "<path>.tmp.<pid>" and rename() it over <path>, which is atomic on POSIX
// file systems:
//
//   std::string err;
//   if (!WriteFileAtomically("junit.xml", xml, &err)) Warn(err);
#pragma once

#include <string>
#include <string_view>

namespace phptrun {

// Writes `content` to `path` through a temporary file in the same directory,
// flushed to disk before the rename. On failure returns false, removes the
// temporary file and sets *err to a message that names the file and the
// system error ("out/junit.xml: cannot create out/junit.xml.tmp.42: No such
// file or directory"). Not async-signal-safe: call it from normal code, e.g.
// after a signal handler has set a flag.
bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* err);

}  // namespace phptrun
