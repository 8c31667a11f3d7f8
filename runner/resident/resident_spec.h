// How a case runs resident (DESIGN.md, "Resident scenarios"): its --RESIDENT--
// section, or `--repeat N` for a case without one.
//
//   ResidentSpec spec;
//   std::string err;
//   if (!ParseResidentSection(*test.Section("RESIDENT"), &spec, &err)) BORK(err);
//
// The section is one `key=value` per line; `;` and `#` start comments, blank
// lines are ignored:
//
//   mode=worker        requests | worker | reload                (default requests)
//   iterations=200     how many requests/iterations, 1..1000000  (default 100)
//   warmup=20          iterations the leak verdict ignores       (default max(5, iterations/10))
//   max_growth=0       bytes per iteration tolerated after warm-up (default 0)
//   same_output=1      every iteration must print what the first printed (default 1)
//   max_iterations=N   how far an undecided leak verdict may extend the run,
//                      doubling the iterations (default 8 x iterations)
//   fresh=1            worker: compare sampled requests with a fresh worker
//                      serving the same request number (default 1)
//
// An unknown or repeated key, a bad value, or a warm-up that leaves fewer
// than kMinJudgedIterations iterations to judge is an error whose text names
// the key (the case BORKs with it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace phptrun {

// The leak verdict cuts the iterations after warm-up into intervals at its
// checkpoints (tracer/leak_analysis.h), one iteration each at least: it
// needs four of them.
inline constexpr int kMinJudgedIterations = 4;

// By default an undecided run may grow to this many times its iterations.
inline constexpr int kDefaultExtension = 8;

struct ResidentSpec {
  enum class Mode { kRequests, kWorker, kReload };
  Mode mode = Mode::kRequests;
  int iterations = 100;
  int warmup = 10;
  int64_t max_growth = 0;
  bool same_output = true;
  // False for a --repeat too short to judge leaks: only outputs are compared.
  bool judge_leaks = true;
  // Made from --repeat N rather than a RESIDENT section.
  bool from_repeat = false;
  // The longest run an undecided verdict may be extended to (doubling the
  // iterations); 0: kDefaultExtension times `iterations`.
  int max_iterations = 0;
  // Set by the runner on an extended run: the configured iterations.
  int extended_from = 0;
  // worker: serve a few sampled requests (2, the middle one, the last) also
  // in a freshly booted worker and compare the outputs (RESIDENT fresh=1/0).
  bool fresh = true;
};

// "requests", "worker", "reload".
const char* ResidentModeName(ResidentSpec::Mode mode);

// max(5, iterations / 10): the default warm-up.
int DefaultWarmup(int iterations);

bool ParseResidentSection(std::string_view body, ResidentSpec* spec, std::string* err);

// `--repeat N` (N >= 2) for a case without RESIDENT: mode=requests,
// iterations=N, same_output=1, the default warm-up shortened so that
// kMinJudgedIterations remain; when N is too small for that, leaks are not
// judged and only the outputs are compared.
ResidentSpec RepeatSpec(int repeat);

// run-tests.php's reason to skip a case under --repeat (its sections make it
// unrepeatable: FILE_EXTERNAL, CLEAN, STDIN, CAPTURE_STDIO, or
// opcache.opt_debug_level in INI), or "" when it can repeat. `has_section`
// answers for a section name; `ini` is the INI section's body or "".
template <typename HasSection>
std::string RepeatSkipReason(HasSection has_section, std::string_view ini) {
  if (has_section("FILE_EXTERNAL")) return "Test with FILE_EXTERNAL might not be repeatable";
  for (const char* section : {"CLEAN", "STDIN", "CAPTURE_STDIO"}) {
    if (has_section(section))
      return std::string("Test with ") + section + " might not be repeatable";
  }
  if (ini.find("opcache.opt_debug_level") != std::string_view::npos) {
    return "opt_debug_level tests are not repeatable";
  }
  return "";
}

}  // namespace phptrun
