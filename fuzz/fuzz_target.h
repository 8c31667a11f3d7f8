// libFuzzer targets (fuzz/*_fuzz.cc): each defines LLVMFuzzerTestOneInput.
// Built with clang and -fsanitize=fuzzer for real fuzzing (`make fuzz`,
// bench/fuzz); otherwise linked with replay_main.cc, which runs the seeds and
// a few thousand deterministic mutations of them as a CTest smoke test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

// Inputs holding two texts are split at the first NUL byte.
inline std::pair<std::string_view, std::string_view> SplitAtNul(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  size_t nul = all.find('\0');
  if (nul == std::string_view::npos) return {all, std::string_view()};
  return {all.substr(0, nul), all.substr(nul + 1)};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
