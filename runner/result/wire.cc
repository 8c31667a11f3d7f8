#include "runner/result/wire.h"

#include <errno.h>
#include <unistd.h>

#include <cstring>

namespace phptrun {

void WireWriter::U32(uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  data_.append(b, 4);
}

void WireWriter::I64(int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((u >> (8 * i)) & 0xff);
  data_.append(b, 8);
}

void WireWriter::F64(double v) {
  int64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  I64(bits);
}

void WireWriter::Str(std::string_view s) {
  U32(static_cast<uint32_t>(s.size()));
  data_.append(s.data(), s.size());
}

bool WireReader::Take(void* out, size_t n) {
  if (!ok_ || data_.size() - pos_ < n) {
    ok_ = false;
    return false;
  }
  std::memcpy(out, data_.data() + pos_, n);
  pos_ += n;
  return true;
}

bool WireReader::U32(uint32_t* v) {
  unsigned char b[4];
  if (!Take(b, 4)) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) *v |= static_cast<uint32_t>(b[i]) << (8 * i);
  return true;
}

bool WireReader::I64(int64_t* v) {
  unsigned char b[8];
  if (!Take(b, 8)) return false;
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u |= static_cast<uint64_t>(b[i]) << (8 * i);
  *v = static_cast<int64_t>(u);
  return true;
}

bool WireReader::F64(double* v) {
  int64_t bits;
  if (!I64(&bits)) return false;
  std::memcpy(v, &bits, sizeof bits);
  return true;
}

bool WireReader::Str(std::string* s) {
  uint32_t n;
  if (!U32(&n)) return false;
  if (data_.size() - pos_ < n) {
    ok_ = false;
    return false;
  }
  s->assign(data_.data() + pos_, n);
  pos_ += n;
  return true;
}

bool WriteAllBytes(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

namespace {

bool ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

uint32_t DecodeLength(const char* b) {
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= static_cast<uint32_t>(static_cast<unsigned char>(b[i])) << (8 * i);
  return n;
}

}  // namespace

bool WriteMessage(int fd, std::string_view payload) {
  WireWriter header;
  header.U32(static_cast<uint32_t>(payload.size()));
  std::string frame = header.data();
  frame.append(payload.data(), payload.size());
  return WriteAllBytes(fd, frame);
}

bool ReadMessage(int fd, std::string* payload, size_t max_bytes) {
  char b[4];
  if (!ReadAll(fd, b, 4)) return false;
  if (DecodeLength(b) > max_bytes) return false;
  payload->resize(DecodeLength(b));
  return ReadAll(fd, payload->data(), payload->size());
}

bool MessageBuffer::Fill(int fd) {
  char chunk[65536];
  for (;;) {
    ssize_t r = read(fd, chunk, sizeof chunk);
    if (r > 0) {
      if (!oversized()) {
        buffer_.append(chunk, static_cast<size_t>(r));
        Scan();
      }
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
}

void MessageBuffer::Scan() {
  while (buffer_.size() - scanned_ >= 4) {
    uint32_t n = DecodeLength(buffer_.data() + scanned_);
    if (n > max_message_) {
      // Not ours: drop everything, messages before it included, since they
      // came down the same poisoned channel.
      oversized_length_ = n;
      std::string().swap(buffer_);
      start_ = scanned_ = 0;
      return;
    }
    if (buffer_.size() - scanned_ - 4 < n) return;
    scanned_ += 4 + n;
  }
}

bool MessageBuffer::Next(std::string* payload) {
  if (oversized() || scanned_ == start_) return false;
  uint32_t n = DecodeLength(buffer_.data() + start_);
  payload->assign(buffer_.data() + start_ + 4, n);
  start_ += 4 + n;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = scanned_ = 0;
  } else if (start_ > 65536) {
    buffer_.erase(0, start_);
    scanned_ -= start_;
    start_ = 0;
  }
  return true;
}

void EncodeCaseResult(const CaseResult& r, WireWriter* w, bool with_spans) {
  w->Str(r.file);
  w->Str(r.name);
  w->U32(static_cast<uint32_t>(r.verdict));
  w->Str(r.reason);
  w->F64(r.time_ms);
  w->Str(r.diff);
  w->U32(static_cast<uint32_t>(r.phases.size()));
  for (const Phase& p : r.phases) {
    w->Str(p.name);
    w->F64(p.ms);
    w->I64(p.heap_before);
    w->I64(p.heap_after);
    w->I64(p.heap_peak);
  }
  w->U32(static_cast<uint32_t>(r.worker));
  w->F64(r.start_ms);
  EncodeResidentReport(r.resident, w);
  // Added with the lifecycle tracer, after the original fields.
  for (const Phase& p : r.phases) {
    w->I64(p.persistent_before);
    w->I64(p.persistent_after);
  }
  EncodeSpans(with_spans ? r.spans : std::vector<Span>{}, w);
  w->U32(r.confirmed_fresh ? 1 : 0);
  w->U32(static_cast<uint32_t>(r.reused_verdict));
  w->Str(r.blocks);  // added with run-tests' --show-* options
  w->U32(r.warn_failed ? 1 : 0);
  w->F64(r.cpu_ms);  // added with -j auto
  w->Str(r.rerun_reason);
}

void EncodeSpans(const std::vector<Span>& spans, WireWriter* w) {
  w->U32(static_cast<uint32_t>(spans.size()));
  for (const Span& s : spans) {
    w->Str(s.name);
    w->U32(static_cast<uint32_t>(s.kind));
    w->U32(static_cast<uint32_t>(s.parent));
    w->F64(s.start_us);
    w->F64(s.dur_us);
    w->I64(s.heap_before);
    w->I64(s.heap_after);
    w->I64(s.heap_peak);
    w->I64(s.persistent_before);
    w->I64(s.persistent_after);
    w->U32(s.flags);
  }
}

bool DecodeSpans(WireReader* r, std::vector<Span>* spans) {
  uint32_t count = 0;
  spans->clear();
  if (!r->U32(&count)) return false;
  for (uint32_t i = 0; i < count && r->ok(); ++i) {
    Span s;
    uint32_t kind = 0, parent = 0;
    r->Str(&s.name);
    r->U32(&kind);
    r->U32(&parent);
    r->F64(&s.start_us);
    r->F64(&s.dur_us);
    r->I64(&s.heap_before);
    r->I64(&s.heap_after);
    r->I64(&s.heap_peak);
    r->I64(&s.persistent_before);
    r->I64(&s.persistent_after);
    r->U32(&s.flags);
    if (!r->ok()) return false;
    s.kind = static_cast<SpanKind>(kind);
    s.parent = static_cast<int32_t>(parent);
    if (s.parent < -1 || s.parent >= static_cast<int32_t>(i)) return false;
    spans->push_back(std::move(s));
  }
  return r->ok();
}

bool DecodeCaseResult(WireReader* r, CaseResult* out) {
  uint32_t verdict = 0, phases = 0, worker = 0;
  r->Str(&out->file);
  r->Str(&out->name);
  r->U32(&verdict);
  r->Str(&out->reason);
  r->F64(&out->time_ms);
  r->Str(&out->diff);
  r->U32(&phases);
  if (!r->ok() || verdict > static_cast<uint32_t>(Verdict::kXleak)) return false;
  out->verdict = static_cast<Verdict>(verdict);
  out->phases.clear();
  for (uint32_t i = 0; i < phases && r->ok(); ++i) {
    Phase p;
    r->Str(&p.name);
    r->F64(&p.ms);
    r->I64(&p.heap_before);
    r->I64(&p.heap_after);
    r->I64(&p.heap_peak);
    out->phases.push_back(std::move(p));
  }
  r->U32(&worker);
  r->F64(&out->start_ms);
  out->worker = static_cast<int>(worker);
  if (!r->ok() || !DecodeResidentReport(r, &out->resident)) return false;
  for (Phase& p : out->phases) {
    r->I64(&p.persistent_before);
    r->I64(&p.persistent_after);
  }
  if (!r->ok() || !DecodeSpans(r, &out->spans)) return false;
  uint32_t confirmed = 0, reused_verdict = 0;
  r->U32(&confirmed);
  r->U32(&reused_verdict);
  if (!r->ok() || reused_verdict > static_cast<uint32_t>(Verdict::kXleak)) return false;
  out->confirmed_fresh = confirmed != 0;
  out->reused_verdict = static_cast<Verdict>(reused_verdict);
  r->Str(&out->blocks);
  uint32_t warn_failed = 0;
  r->U32(&warn_failed);
  out->warn_failed = warn_failed != 0;
  r->F64(&out->cpu_ms);
  return r->Str(&out->rerun_reason);
}

}  // namespace phptrun
