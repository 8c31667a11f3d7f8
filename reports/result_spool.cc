#include "reports/result_spool.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "runner/result/wire.h"

namespace phptrun {
namespace {

// Write-buffer size: one write() per this many bytes of results. Records
// larger than this skip the buffer.
constexpr size_t kBufferBytes = 128 * 1024;

}  // namespace

ResultSpool::ResultSpool(std::string dir) : dir_(std::move(dir)) {}

ResultSpool::~ResultSpool() {
  if (fd_ >= 0) close(fd_);
}

void ResultSpool::Open() {
  opened_ = true;
  std::string dir = dir_;
  if (dir.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  }
  dir_ = dir;
#ifdef O_TMPFILE
  // Nameless from the start: nothing to clean up, whatever kills us.
  fd_ = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
  if (fd_ < 0) {
    // File systems without O_TMPFILE: create, then unlink at once.
    std::string name = dir + "/phptrun-results-XXXXXX";
    std::vector<char> templ(name.begin(), name.end());
    templ.push_back('\0');
    fd_ = mkostemp(templ.data(), O_CLOEXEC);
    if (fd_ >= 0 && unlink(templ.data()) != 0) {
      // A file we cannot unlink would outlive the run; rather not use it.
      close(fd_);
      fd_ = -1;
    }
  }
  // No usable temporary file ($TMPDIR missing, read-only or full): fall back
  // to keeping the encoded results in memory (tail_ just never drains). The
  // reports come out the same; only the supervisor's memory grows with the
  // run, as it did before the spool existed.
  writable_ = fd_ >= 0;
  if (writable_) tail_.reserve(kBufferBytes);
}

size_t ResultSpool::WriteAt(const char* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = pwrite(fd_, data + done, size - done, static_cast<off_t>(file_bytes_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Disk full or an I/O error: what did not reach the file stays in
      // memory from now on (see Open()).
      writable_ = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  file_bytes_ += done;
  return done;
}

void ResultSpool::Flush() {
  size_t done = WriteAt(tail_.data(), tail_.size());
  if (done == tail_.size()) {
    tail_.clear();  // keeps the capacity: the buffer is allocated once
  } else {
    tail_.erase(0, done);
  }
}

ResultSpool::Ref ResultSpool::Append(const CaseResult& result) {
  if (!opened_) Open();
  WireWriter w;
  // Span trees go to the trace and profile reporters as cases finish; the
  // whole-run reports read back from here do not show them.
  EncodeCaseResult(result, &w, /*with_spans=*/false);
  const std::string& record = w.data();
  Ref ref;
  ref.offset = file_bytes_ + tail_.size();
  ref.length = static_cast<uint32_t>(record.size());

  size_t written = 0;
  if (writable_ && tail_.size() + record.size() > kBufferBytes) {
    Flush();
    if (writable_ && record.size() > kBufferBytes && tail_.empty()) {
      written = WriteAt(record.data(), record.size());
    }
  }
  if (written < record.size()) tail_.append(record, written, std::string::npos);
  return ref;
}

bool ResultSpool::Read(Ref ref, CaseResult* out) const {
  std::string bytes(ref.length, '\0');
  size_t from_file = 0;
  if (ref.offset < file_bytes_) {
    from_file = static_cast<size_t>(std::min<uint64_t>(ref.length, file_bytes_ - ref.offset));
  }
  size_t done = 0;
  while (done < from_file) {
    ssize_t n =
        pread(fd_, bytes.data() + done, from_file - done, static_cast<off_t>(ref.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (error_.empty()) {
        error_ = "cannot read back a result from the temporary file in " + dir_ + ": " +
                 (n < 0 ? std::strerror(errno) : "unexpected end of file");
      }
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (from_file < ref.length) {
    uint64_t in_tail = ref.offset + from_file - file_bytes_;
    bytes.replace(from_file, ref.length - from_file, tail_, static_cast<size_t>(in_tail),
                  ref.length - from_file);
  }
  WireReader reader(bytes);
  if (!DecodeCaseResult(&reader, out)) {
    if (error_.empty()) error_ = "a result in the temporary file in " + dir_ + " is damaged";
    return false;
  }
  return true;
}

}  // namespace phptrun
