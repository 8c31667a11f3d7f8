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

// The same for a file too big to build in memory first: written piece by
// piece to "<path>.tmp.<pid>", renamed over <path> by Commit(). A writer
// destroyed without Commit() removes its temporary file, so readers never
// see a partial file under <path>.
//
//   AtomicFileWriter out;
//   if (!out.Open("trace.json", &err)) ...
//   out.Write("{...");  ...                       // buffered
//   if (!out.Commit(&err)) ...                    // err names the file
class AtomicFileWriter {
 public:
  AtomicFileWriter() = default;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  bool Open(const std::string& path, std::string* err);
  // Appends; a write error is kept and reported by Commit().
  void Write(std::string_view data);
  // Flushes, syncs and renames. False (temporary file removed) on any error
  // since Open().
  bool Commit(std::string* err);
  bool is_open() const { return fd_ >= 0; }

 private:
  bool Flush();
  void Discard();

  std::string path_, tmp_;
  std::string buffer_;
  int fd_ = -1;
  int error_ = 0;         // first errno seen
  std::string failed_op_;
};

}  // namespace phptrun
