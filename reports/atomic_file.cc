#include "reports/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace phptrun {
namespace {

bool Fail(const std::string& path, const std::string& what, int error, std::string* err) {
  if (err) *err = path + ": " + what + ": " + std::strerror(error);
  return false;
}

}  // namespace

bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* err) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return Fail(path, "cannot create " + tmp, errno, err);

  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      close(fd);
      unlink(tmp.c_str());
      return Fail(path, "cannot write " + tmp, error, err);
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  // Without the fsync a crash right after the rename can leave an empty file
  // under the final name on some file systems (ext4 with delalloc).
  if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
    int error = errno;
    close(fd);
    unlink(tmp.c_str());
    return Fail(path, "cannot flush " + tmp, error, err);
  }
  if (close(fd) != 0) {
    int error = errno;
    unlink(tmp.c_str());
    return Fail(path, "cannot close " + tmp, error, err);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int error = errno;
    unlink(tmp.c_str());
    return Fail(path, "cannot rename " + tmp + " to " + path, error, err);
  }
  return true;
}

AtomicFileWriter::~AtomicFileWriter() { Discard(); }

bool AtomicFileWriter::Open(const std::string& path, std::string* err) {
  Discard();
  path_ = path;
  tmp_ = path + ".tmp." + std::to_string(getpid());
  error_ = 0;
  buffer_.clear();
  fd_ = open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) return Fail(path, "cannot create " + tmp_, errno, err);
  return true;
}

void AtomicFileWriter::Write(std::string_view data) {
  if (fd_ < 0 || error_) return;
  buffer_.append(data.data(), data.size());
  if (buffer_.size() >= (1u << 20)) Flush();
}

bool AtomicFileWriter::Flush() {
  const char* data = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0 && !error_) {
    ssize_t n = write(fd_, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = errno;
      failed_op_ = "cannot write " + tmp_;
      break;
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  buffer_.clear();
  return !error_;
}

bool AtomicFileWriter::Commit(std::string* err) {
  if (fd_ < 0) {
    if (err) *err = path_ + ": not open";
    return false;
  }
  Flush();
  if (!error_ && fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) {
    error_ = errno;
    failed_op_ = "cannot flush " + tmp_;
  }
  if (close(fd_) != 0 && !error_) {
    error_ = errno;
    failed_op_ = "cannot close " + tmp_;
  }
  fd_ = -1;
  if (!error_ && std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    error_ = errno;
    failed_op_ = "cannot rename " + tmp_ + " to " + path_;
  }
  if (error_) {
    unlink(tmp_.c_str());
    return Fail(path_, failed_op_, error_, err);
  }
  return true;
}

void AtomicFileWriter::Discard() {
  if (fd_ < 0) return;
  close(fd_);
  fd_ = -1;
  unlink(tmp_.c_str());
}

}  // namespace phptrun
