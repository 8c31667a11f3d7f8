// Length-prefixed messages between the supervisor, its workers and their
// case processes. A message is a 4-byte little-endian length followed by the
// payload; a payload is a sequence of fields written by WireWriter and read
// back in the same order by WireReader. Nothing travels through shared
// memory, so a crashing process cannot corrupt another's state.
//
//   WireWriter w;  w.U32(kind);  w.Str(path);
//   WriteMessage(fd, w.data());
//   ...
//   MessageBuffer in;  in.Fill(fd);  std::string msg;
//   while (in.Next(&msg)) { WireReader r(msg); uint32_t kind; r.U32(&kind); ... }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runner/result/result.h"

namespace phptrun {

class WireWriter {
 public:
  void U32(uint32_t v);
  void I64(int64_t v);
  void F64(double v);
  void Str(std::string_view s);
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}
  bool U32(uint32_t* v);
  bool I64(int64_t* v);
  bool F64(double* v);
  bool Str(std::string* s);
  // False once any read ran past the end.
  bool ok() const { return ok_; }

 private:
  bool Take(void* out, size_t n);
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// The longest message a reader accepts unless told otherwise: a length
// above it is not a message but bytes that were never ours (a test writing
// into a pipe of phptrun's), and buffering them all would exhaust memory.
constexpr size_t kMaxMessageBytes = size_t{1} << 30;

// Writes all of `bytes`, retrying on EINTR and short writes. False on error.
bool WriteAllBytes(int fd, std::string_view bytes);

// Writes one message, retrying on EINTR and short writes. False on error.
bool WriteMessage(int fd, std::string_view payload);

// Reads one whole message with blocking reads. False on EOF, error or a
// length above max_bytes.
bool ReadMessage(int fd, std::string* payload, size_t max_bytes = kMaxMessageBytes);

// Accumulates bytes from a non-blocking fd and splits them into messages.
class MessageBuffer {
 public:
  explicit MessageBuffer(size_t max_message = kMaxMessageBytes) : max_message_(max_message) {}
  // Reads what is available. Returns false on EOF or a read error (the
  // messages already buffered can still be taken with Next).
  bool Fill(int fd);
  bool Next(std::string* payload);
  // A length above max_message came: from then on Next gives nothing and
  // Fill reads and drops what comes, so the writer never blocks and memory
  // never grows. oversized_length() is the length that came.
  bool oversized() const { return oversized_length_ > 0; }
  uint64_t oversized_length() const { return oversized_length_; }

 private:
  // Checks the lengths of the frames that arrived whole since the last call.
  void Scan();

  size_t max_message_;
  uint64_t oversized_length_ = 0;
  std::string buffer_;
  size_t start_ = 0;    // the first frame not taken by Next
  size_t scanned_ = 0;  // the first frame whose length is not checked yet
};

// `with_spans` false writes an empty span tree (for stores of results that
// only whole-run reports read back).
void EncodeCaseResult(const CaseResult& result, WireWriter* w, bool with_spans = true);
bool DecodeCaseResult(WireReader* r, CaseResult* result);

// A span tree (tracer/span.h): a count, then each span's fields.
void EncodeSpans(const std::vector<Span>& spans, WireWriter* w);
// Replaces *spans; false when the data ends early or a parent index does
// not point at an earlier span.
bool DecodeSpans(WireReader* r, std::vector<Span>* spans);

}  // namespace phptrun
