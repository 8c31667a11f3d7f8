// Keeps finished CaseResults out of the supervisor's memory until a whole-run
// report is written.
//
// A run of 10,000 cases makes megabytes of results (diffs, phases); holding
// them all made the supervisor's peak memory grow with the suite. The spool
// appends each result (runner/wire.h encoding) to a temporary file and hands
// back a small reference (offset, length) to read it back with:
//
//   ResultSpool spool;                          // file created on first Append
//   ResultSpool::Ref ref = spool.Append(result);
//   ...
//   CaseResult again;
//   if (!spool.Read(ref, &again)) Fail(spool.error());
//
// The file is created in $TMPDIR (or /tmp) with O_TMPFILE, or created and
// unlinked at once where that is unsupported, so it has no name while in use
// and nothing is left behind even after SIGKILL. Writes go through a fixed
// 128 KiB buffer. If the file cannot be created, or a write fails (disk full),
// results are kept in memory from then on instead: the run and its reports
// carry on, only the memory bound is lost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "runner/result/result.h"

namespace phptrun {

class ResultSpool {
 public:
  // Where one result was put; small enough to keep one per case.
  struct Ref {
    uint64_t offset = 0;
    uint32_t length = 0;
  };

  // `dir`: where the temporary file goes; "" means $TMPDIR, else /tmp.
  explicit ResultSpool(std::string dir = "");
  ~ResultSpool();
  ResultSpool(const ResultSpool&) = delete;
  ResultSpool& operator=(const ResultSpool&) = delete;

  Ref Append(const CaseResult& result);
  // Decodes the result at `ref` into *out. False (and error() set) when it
  // could not be read back, which only an I/O error on the temporary file
  // causes.
  bool Read(Ref ref, CaseResult* out) const;

  // True while results go to the temporary file (after the first Append).
  bool on_disk() const { return fd_ >= 0 && writable_; }
  // Bytes of results held in memory: the write buffer, or everything when
  // the spool fell back to memory.
  size_t memory_bytes() const { return tail_.capacity(); }
  // The first read error, "" when none; it names the temporary directory.
  const std::string& error() const { return error_; }

 private:
  void Open();
  void Flush();
  // Writes at the end of the file; returns the bytes written (all unless it
  // failed, which makes the spool keep the rest in memory).
  size_t WriteAt(const char* data, size_t size);

  std::string dir_;
  bool opened_ = false;  // Open() was tried
  int fd_ = -1;
  bool writable_ = false;  // false: everything from file_bytes_ on stays in tail_
  uint64_t file_bytes_ = 0;
  std::string tail_;  // the bytes after file_bytes_, not (yet) on disk
  mutable std::string error_;
};

}  // namespace phptrun
