#include "tracer/event_log.h"

#include <cstring>

namespace phptrun {
namespace {

// Encoding: "PTEL", u32 event count, u64 dropped, u32 name bytes, the events
// as they are in memory (both ends are the same binary on the same machine),
// then the names.
constexpr char kMagic[4] = {'P', 'T', 'E', 'L'};

template <typename T>
bool Get(std::string_view* in, T* value) {
  if (in->size() < sizeof *value) return false;
  std::memcpy(value, in->data(), sizeof *value);
  in->remove_prefix(sizeof *value);
  return true;
}

void PutHeader(char (&header)[20], size_t count, size_t name_bytes, size_t dropped) {
  uint32_t count32 = static_cast<uint32_t>(count), names32 = static_cast<uint32_t>(name_bytes);
  uint64_t dropped64 = dropped;
  std::memcpy(header, kMagic, 4);
  std::memcpy(header + 4, &count32, 4);
  std::memcpy(header + 8, &dropped64, 8);
  std::memcpy(header + 16, &names32, 4);
}

std::string EncodeRaw(const phptrun_event* events, size_t count, const char* names,
                      size_t name_bytes, size_t dropped) {
  char header[20];
  PutHeader(header, count, name_bytes, dropped);
  std::string out;
  out.reserve(sizeof header + count * sizeof(phptrun_event) + name_bytes);
  out.append(header, sizeof header);
  if (count) out.append(reinterpret_cast<const char*>(events), count * sizeof(phptrun_event));
  out.append(names, name_bytes);
  return out;
}

}  // namespace

EventLog EventLog::Capture() {
  EventLog log;
  size_t count = 0, names = 0;
  const phptrun_event* events = phptrun_log_events(&count);
  const char* store = phptrun_log_names(&names);
  log.events.assign(events, events + count);
  log.names.assign(store, names);
  log.dropped = phptrun_log_dropped();
  return log;
}

std::string_view EventLog::Name(uint32_t id) const {
  if (id == 0 || id > names.size()) return {};
  const char* start = names.data() + id - 1;
  return std::string_view(start, strnlen(start, names.size() - (id - 1)));
}

std::string EventLog::Encode() const {
  return EncodeRaw(events.data(), events.size(), names.data(), names.size(), dropped);
}

EventLog::Parts EventLog::CurrentParts() {
  Parts parts;
  size_t count = 0;
  parts.events = phptrun_log_events(&count);
  parts.event_bytes = count * sizeof(phptrun_event);
  parts.names = phptrun_log_names(&parts.name_bytes);
  PutHeader(parts.header, count, parts.name_bytes, phptrun_log_dropped());
  return parts;
}

std::string EventLog::EncodeCurrent() {
  size_t count = 0, name_bytes = 0;
  const phptrun_event* events = phptrun_log_events(&count);
  const char* names = phptrun_log_names(&name_bytes);
  return EncodeRaw(events, count, names, name_bytes, phptrun_log_dropped());
}

bool EventLog::Decode(std::string_view in, EventLog* out) {
  if (in.size() < sizeof kMagic || std::memcmp(in.data(), kMagic, sizeof kMagic) != 0) return false;
  in.remove_prefix(sizeof kMagic);
  uint32_t count = 0, name_bytes = 0;
  uint64_t dropped = 0;
  if (!Get(&in, &count) || !Get(&in, &dropped) || !Get(&in, &name_bytes)) return false;
  size_t event_bytes = static_cast<size_t>(count) * sizeof(phptrun_event);
  if (in.size() != event_bytes + name_bytes) return false;
  out->events.resize(count);
  if (count) std::memcpy(out->events.data(), in.data(), event_bytes);
  in.remove_prefix(event_bytes);
  out->names.assign(in.data(), in.size());
  out->dropped = static_cast<size_t>(dropped);
  return true;
}

}  // namespace phptrun
