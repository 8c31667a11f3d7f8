#include "reports/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <streambuf>
#include <vector>

namespace phptrun {

// A streambuf that writes to a file descriptor in 64 KiB chunks and keeps the
// first write error instead of throwing or retrying.
class AtomicFile::Buffer : public std::streambuf {
 public:
  explicit Buffer(int fd) : fd_(fd), data_(kSize) { setp(data_.data(), data_.data() + kSize); }

  // Writes what is buffered. False once any write failed; error() is its errno.
  bool Drain() {
    char* p = pbase();
    size_t left = static_cast<size_t>(pptr() - pbase());
    while (left > 0 && error_ == 0) {
      ssize_t n = write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error_ = errno;
        break;
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    setp(data_.data(), data_.data() + kSize);
    return error_ == 0;
  }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!Drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return Drain() ? 0 : -1; }

 private:
  static constexpr size_t kSize = 64 * 1024;
  int fd_;
  std::vector<char> data_;
  int error_ = 0;
};

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(getpid())), stream_(nullptr) {
  fd_ = open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    Fail("cannot create " + tmp_, errno, &error_);
    return;
  }
  buffer_ = std::make_unique<Buffer>(fd_);
  stream_.rdbuf(buffer_.get());
}

AtomicFile::~AtomicFile() { Abort(); }

bool AtomicFile::Fail(const std::string& what, int error, std::string* err) {
  if (err) *err = path_ + ": " + what + ": " + std::strerror(error);
  return false;
}

void AtomicFile::Abort() {
  if (fd_ < 0) return;
  stream_.rdbuf(nullptr);
  close(fd_);
  fd_ = -1;
  unlink(tmp_.c_str());
}

bool AtomicFile::Commit(std::string* err) {
  if (fd_ < 0) {
    if (err) *err = error_.empty() ? path_ + ": already written or abandoned" : error_;
    return false;
  }
  if (!buffer_->Drain()) {
    int error = buffer_->error();
    Abort();
    return Fail("cannot write " + tmp_, error, err);
  }
  // Without the fsync a crash right after the rename can leave an empty file
  // under the final name on some file systems (ext4 with delalloc).
  if (fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) {
    int error = errno;
    Abort();
    return Fail("cannot flush " + tmp_, error, err);
  }
  stream_.rdbuf(nullptr);
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) {
    int error = errno;
    unlink(tmp_.c_str());
    return Fail("cannot close " + tmp_, error, err);
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    int error = errno;
    unlink(tmp_.c_str());
    return Fail("cannot rename " + tmp_ + " to " + path_, error, err);
  }
  return true;
}

bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* err) {
  AtomicFile file(path);
  if (!file.ok()) {
    if (err) *err = file.error();
    return false;
  }
  file.stream().write(content.data(), static_cast<std::streamsize>(content.size()));
  return file.Commit(err);
}

bool ReadWholeFile(const std::string& path, std::string* content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  *content = text.str();
  return true;
}

}  // namespace phptrun
