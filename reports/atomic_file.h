// Writing a report file so that readers see the old file or the whole new one.
//
// run-tests.php truncates its JUnit file at start and fills it at the end, so
// a run that is killed leaves an empty file (phpt-reference.md §2.10). We write
// "<path>.tmp.<pid>" and rename() it over <path>, which is atomic on POSIX
// file systems:
//
//   std::string err;
//   if (!WriteFileAtomically("junit.xml", xml, &err)) Warn(err);
//
// A report too large to build as one string is streamed instead:
//
//   AtomicFile file("report.json");
//   if (!file.ok()) return Fail(file.error());
//   Render(file.stream());                 // any number of writes
//   if (!file.Commit(&err)) Warn(err);     // flush, fsync, rename
#pragma once

#include <memory>
#include <ostream>
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

// Reads all of `path` (an earlier report: --timings, phptrun merge) into
// `content`; false when it cannot be opened.
bool ReadWholeFile(const std::string& path, std::string* content);

// The streaming form of WriteFileAtomically, with the same temporary name and
// the same error messages. The constructor creates the temporary file; write
// through stream(), then Commit(). A file that is destroyed, or Abort()ed,
// before a successful Commit() leaves no temporary file and <path> untouched.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // False when the temporary file could not be created; error() says why.
  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

  // Where the content goes; buffered. A write error is remembered and
  // reported by Commit(), so writers need not check the stream.
  std::ostream& stream() { return stream_; }

  // Flushes, fsyncs and renames the temporary file over the path. On failure
  // returns false, removes the temporary file and sets *err (names the file).
  bool Commit(std::string* err);
  // Removes the temporary file; the path keeps its old content.
  void Abort();

 private:
  class Buffer;
  bool Fail(const std::string& what, int error, std::string* err);

  std::string path_;
  std::string tmp_;
  int fd_ = -1;
  std::string error_;
  std::unique_ptr<Buffer> buffer_;
  std::ostream stream_;
};

}  // namespace phptrun
