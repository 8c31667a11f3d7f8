// `phptrun merge`: one report from the reports of a run's shards.
//
//   phptrun merge --json  -o merged.json  shard1.json shard2.json ...
//   phptrun merge --junit -o merged.xml   shard1.xml  shard2.xml  ...
//
// Each shard (phptrun --shard K/N) records in its report which part it was
// and of what: K/N, the number of cases collected before the split, a digest
// of that case list, how many cases it was given, and the cases it did not
// finish (JSON: "shard", "unfinished"; JUnit: phptrun.* properties of each
// testsuite). From that the merge knows, without the suite at hand:
//   - that the reports belong together (same N, count and digest), else the
//     input is unusable (exit 2);
//   - a shard with no report, a shard given twice, a case a shard did not
//     finish, a case present twice: each is reported on stderr (and, in the
//     JSON, under "merge"), and the merged run has not passed (exit 1).
// The merged report has every case once, sorted as phptrun sorts them, with
// counts recomputed; each JSON test gets "shard": "K/N", each JUnit suite a
// phptrun.shards property naming the shards its cases came from.
// Exit status: 0 when the merged run passed (as phptrun's own exit status: no
// FAIL, BORK or LEAK; nothing missing or twice), 1 when not,
// 2 for unusable input (a file missing, malformed, not a shard's report, or
// from another run).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace phptrun {

struct MergeOptions {
  enum class Format { kNone, kJson, kJunit };
  Format format = Format::kNone;
  std::string output;               // -o FILE
  std::vector<std::string> inputs;  // the shards' reports
  bool help = false;
};

// Parses the arguments after "merge". False with *err naming the flag.
bool ParseMergeOptions(int argc, const char* const* argv, MergeOptions* options, std::string* err);

std::string MergeUsageText();

// Merges and writes options.output; messages go to `log`. Returns the exit
// status (above).
int RunMerge(const MergeOptions& options, std::ostream& log);

// argv[0] is "merge": parse, run, print usage errors as phptrun does.
struct MergeOutcome {
  int status;
};
MergeOutcome MergeMain(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace phptrun
