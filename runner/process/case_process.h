// What runs inside a case process, a fork of the worker's started engine,
// and the messages it exchanges with the worker (runner/sandbox.cc).
//
// A one-shot case process runs one request and exits with the script's exit
// status:
//
//   if (fork() == 0) RunOneRequest(spec, stdin_fd, output_fd, control_fd);
//
// A warm case process serves request after request. For each, the worker
// sends the request and three descriptors over a socket (SendWarmRequest);
// the process runs it, reports on the control pipe as a one-shot process
// does, puts its process back as it found it (process_state.h) and answers
// "ready" or "retiring" on the socket:
//
//   if (fork() == 0) ServeWarmRequests(socket, max_requests, close_fds, startup_ini);
//   SendWarmRequest(socket, spec, stdin_fd, output_fd, control_fd);
//   ... read the control pipe until ReadWarmDone(socket, &ready, &cpu_us, &why) ...
//
// Either way results travel as control messages (ControlKind) on a pipe of
// their own, never through shared memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/process/sandbox.h"

namespace phptrun {

enum ControlKind : uint32_t {
  kControlResult = 1,
  kControlRestart = 2,
  kControlError = 3,
  kControlLifecycle = 4,  // the lifecycle event log of the request
};

// The longest control message a worker accepts. The largest real one, the
// lifecycle event log, stays under 2 MiB; anything longer is a test writing
// into the control pipe, and fails its case (Sandbox).
constexpr size_t kMaxControlMessageBytes = 16 << 20;

// Runs spec's request (and the restart or resident loop it asks for) with
// stdin_fd as fd 0 and output_fd as fds 1 and 2, then _exits.
[[noreturn]] void RunOneRequest(const RequestSpec& spec, int stdin_fd, int output_fd,
                                int control_fd);

// The loop of a warm case process: serves the requests arriving on `socket`
// until the worker closes it, a request leaves a trace it cannot undo, or
// max_requests were served; then _exits. close_fds: the worker's descriptors
// the process must not hold. A non-empty startup_ini restarts the engine
// with it when the first request arrives, as a one-shot process would for
// that request (its startup output goes to that request's output; if there
// is any, the process serves no other).
[[noreturn]] void ServeWarmRequests(int socket, int max_requests, const std::vector<int>& close_fds,
                                    const std::string& startup_ini);

// Worker side: whether the request is small enough to travel to a warm
// process (a huge ENV section is not).
bool FitsWarmRequest(const RequestSpec& spec);

// Worker side. False when the request cannot travel (too large, or the
// process is gone); the caller then runs it in a one-shot process.
bool SendWarmRequest(int socket, const RequestSpec& spec, int stdin_fd, int output_fd,
                     int control_fd);

// Reads the answer a warm process sends once a request is over, with the
// CPU it has used so far (user + sys, its waited children included) and
// the time it has spent waiting for a CPU, in microseconds. False when
// there is none yet (EAGAIN) or the socket is closed (*closed set).
bool ReadWarmDone(int socket, bool* ready, uint64_t* cpu_us, uint64_t* queued_us, std::string* why,
                  bool* closed);

}  // namespace phptrun
