#include "runner/process/resident_control.h"

#include <errno.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstring>

#include "runner/result/wire.h"

namespace phptrun {
namespace {

void PutU32(unsigned char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>((v >> (8 * i)) & 0xff);
}

// One control message, framed as WriteMessage(WireWriter{U32 kind, Str body})
// would frame it, without building it in a heap buffer.
void WriteFrame(int fd, uint32_t kind, const void* body, size_t size) noexcept {
  unsigned char header[12];
  PutU32(header, static_cast<uint32_t>(8 + size));
  PutU32(header + 4, kind);
  PutU32(header + 8, static_cast<uint32_t>(size));
  iovec iov[2] = {{header, sizeof header}, {const_cast<void*>(body), size}};
  int count = 2;
  iovec* next = iov;
  while (count > 0) {
    ssize_t n = writev(fd, next, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // the worker is gone; the case will be judged from what arrived
    }
    size_t left = static_cast<size_t>(n);
    while (count > 0 && left >= next->iov_len) {
      left -= next->iov_len;
      ++next;
      --count;
    }
    if (count > 0) {
      next->iov_base = static_cast<char*>(next->iov_base) + left;
      next->iov_len -= left;
    }
  }
}

struct Reporter {
  int fd;
};

void OnSamples(void* ctx, const phptrun_resident_sample* samples, size_t count) noexcept {
  const Reporter* r = static_cast<const Reporter*>(ctx);
  WriteFrame(r->fd, kControlResidentSamples, samples, count * sizeof *samples);
}

// From the crash signal handler: WriteFrame only calls writev().
void OnCrashed(void* ctx, int iteration) noexcept {
  const Reporter* r = static_cast<const Reporter*>(ctx);
  WriteFrame(r->fd, kControlResidentCrashed, &iteration, sizeof iteration);
}

void OnSites(void* ctx, const phptrun_resident_site* sites, size_t count, int64_t total_bytes,
             int64_t total_blocks) noexcept {
  const Reporter* r = static_cast<const Reporter*>(ctx);
  try {
    WireWriter w;
    w.I64(total_bytes);
    w.I64(total_blocks);
    w.U32(static_cast<uint32_t>(count));
    for (size_t i = 0; i < count; ++i) {
      w.Str(sites[i].file ? sites[i].file : "");
      w.I64(sites[i].line);
      w.Str(sites[i].function ? sites[i].function : "");
      w.I64(sites[i].bytes);
      w.I64(sites[i].count);
    }
    WriteFrame(r->fd, kControlResidentSites, w.data().data(), w.data().size());
  } catch (...) {
    // Out of memory while reporting: the case goes without sites.
  }
}

void OnRetained(void* ctx, const void* data, size_t size) noexcept {
  const Reporter* r = static_cast<const Reporter*>(ctx);
  WriteFrame(r->fd, kControlResidentRetained, data, size);
}

// Reads a snapshot in retained.h's layout; false when it is cut short.
bool ParseSnapshot(const std::string& body, RetainedSnapshot* out) {
  size_t at = 0;
  auto take = [&](void* p, size_t n) {
    if (at + n > body.size()) return false;
    std::memcpy(p, body.data() + at, n);
    at += n;
    return true;
  };
  int64_t iteration = 0;
  uint32_t count = 0, truncated = 0, nodes = 0;
  if (!take(&iteration, 8) || !take(&count, 4) || !take(&truncated, 4) || !take(&nodes, 4)) {
    return false;
  }
  out->iteration = static_cast<int>(iteration);
  out->truncated = truncated != 0;
  out->nodes = nodes;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t length = 0;
    if (!take(&length, 4) || at + length > body.size()) return false;
    RetainedSnapshot::Entry e;
    e.path.assign(body.data() + at, length);
    at += length;
    if (!take(&e.items, 8) || !take(&e.bytes, 8)) return false;
    out->entries.push_back(std::move(e));
  }
  return true;
}

}  // namespace

void RunResidentAndReport(const phptrun_request& request, const phptrun_resident_config& config,
                          int control_fd, phptrun_request_result* request_result) {
  Reporter reporter{control_fd};
  phptrun_resident_sink sink{};
  sink.ctx = &reporter;
  sink.samples = OnSamples;
  sink.sites = OnSites;
  sink.retained = OnRetained;
  sink.crashed = OnCrashed;
  phptrun_resident_result result{};
  phptrun_resident_run(&request, &config, &sink, &result);
  WriteFrame(control_fd, kControlResidentResult, &result, sizeof result);
  *request_result = result.request;
}

bool ReadResidentControl(uint32_t kind, const std::string& body, ResidentOutcome* outcome) {
  switch (kind) {
    case kControlResidentSamples: {
      size_t n = body.size() / sizeof(phptrun_resident_sample);
      size_t at = outcome->samples.size();
      outcome->samples.resize(at + n);
      if (n) std::memcpy(&outcome->samples[at], body.data(), n * sizeof(phptrun_resident_sample));
      return true;
    }
    case kControlResidentSites: {
      WireReader r(body);
      uint32_t count = 0;
      r.I64(&outcome->retained_bytes);
      r.I64(&outcome->retained_blocks);
      r.U32(&count);
      outcome->sites.clear();
      for (uint32_t i = 0; i < count && r.ok(); ++i) {
        LeakSite s;
        r.Str(&s.file);
        r.I64(&s.line);
        r.Str(&s.function);
        r.I64(&s.bytes);
        r.I64(&s.count);
        if (r.ok()) outcome->sites.push_back(std::move(s));
      }
      outcome->have_sites = r.ok();
      return true;
    }
    case kControlResidentRetained: {
      RetainedSnapshot snapshot;
      if (ParseSnapshot(body, &snapshot)) outcome->snapshots.push_back(std::move(snapshot));
      return true;
    }
    case kControlResidentCrashed:
      if (body.size() == sizeof outcome->crashed_in) {
        std::memcpy(&outcome->crashed_in, body.data(), body.size());
      }
      return true;
    case kControlResidentResult:
      if (body.size() == sizeof outcome->result) {
        std::memcpy(&outcome->result, body.data(), body.size());
        outcome->finished = true;
      }
      return true;
    default:
      return false;
  }
}

}  // namespace phptrun
