// A parsed .phpt file, read as run-tests.php 8.2 reads it
// (shared/docs/phpt-reference.md §2.1).
//
//   PhptFile test = PhptFile::Load("Zend/tests/foo.phpt");
//   if (!test.ok()) { /* BORK with test.error() */ }
//   const std::string* code = test.Section("FILE");
//
// Load() never throws: a file that cannot be read, or that run-tests.php would
// bork, gives ok() == false and error() with run-tests' reason text
// ("tests must start with --TEST--", "Unknown section \"HEADERS\"", ...).
// After a successful Load, the _EXTERNAL sections have been replaced by the
// content of their files (FILE_EXTERNAL -> FILE, EXPECT_EXTERNAL -> EXPECT,
// ...) and FILEEOF by FILE without trailing newlines.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace phptrun {

class PhptFile {
 public:
  // Reads and validates `path`. Relative _EXTERNAL files resolve against the
  // directory of `path`.
  static PhptFile Load(const std::string& path);
  // Parses `content` as if read from `path` (external files are still read
  // from disk relative to `path`).
  static PhptFile Parse(const std::string& path, std::string_view content);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  const std::string& path() const { return path_; }
  // Trimmed TEST section; may span lines. Empty if the file did not parse
  // far enough.
  const std::string& name() const { return name_; }

  bool Has(std::string_view section) const;
  // The section body with its original line endings, or nullptr.
  const std::string* Section(std::string_view section) const;
  const std::map<std::string, std::string, std::less<>>& sections() const { return sections_; }

  // Which EXPECT section this test uses: "EXPECT", "EXPECTF" or "EXPECTREGEX".
  std::string ExpectKind() const;

  // Conflict keys from the CONFLICTS section (one per line, '#' comments),
  // else from a CONFLICTS file in the test's directory; empty if none.
  // "all" means: run alone, after everything else.
  std::vector<std::string> ConflictKeys() const;

  // True when `name` is a section run-tests.php 8.2 accepts (TEST, the
  // ALLOWED_SECTIONS of 8.2.32, FLAKY included) or phptrun's RESIDENT.
  static bool IsKnownSection(std::string_view name);

 private:
  std::string path_;
  std::string name_;
  std::string error_;
  std::map<std::string, std::string, std::less<>> sections_;
};

// Parses a conflicts body: one key per line, trimmed, '#' starts a comment.
std::vector<std::string> ParseConflictKeys(std::string_view body);

// The largest test (or _EXTERNAL, or CONFLICTS) file phptrun reads.
constexpr size_t kMaxCaseFileBytes = 64 << 20;

// Reads a file a case is made of. Only regular files are read (opened
// without blocking, so a FIFO never hangs the reader), and at most
// kMaxCaseFileBytes of them; false with *err ("not a regular file",
// "larger than 64 MiB", strerror) otherwise.
bool ReadCaseFile(const std::string& path, std::string* out, std::string* err);

}  // namespace phptrun
