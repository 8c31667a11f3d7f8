// What a REDIRECTTEST hands down to the cases of the directory it names
// (run-tests.php: they run with its ENV and REDIR_TEST_DIR, its EXTENSIONS,
// their scripts in its directory, their names prefixed with its name).
// Empty for ordinary cases. The worker that ran the REDIRECTTEST sends it to
// the supervisor, which sends it with each of those cases to the worker
// that runs it.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace phptrun {

class WireWriter;
class WireReader;

struct CaseContext {
  std::string name_prefix;
  std::string script_dir;  // where the case's .php files go (absolute)
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<std::string> extensions;

  bool empty() const { return script_dir.empty(); }
};

void EncodeCaseContext(const CaseContext& context, WireWriter* w);
bool DecodeCaseContext(WireReader* r, CaseContext* context);

}  // namespace phptrun
