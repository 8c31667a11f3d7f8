#include "runner/run_tests_compat.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>

#include "runner/phpt/bless.h"

namespace phptrun {

void ApplyRunTestsSetup(const Options& o, EngineSetup* s) {
  const char* log_format = std::getenv("TEST_PHP_LOG_FORMAT");
  if (log_format && *log_format) {
    s->log_format = log_format;
    for (char& c : s->log_format) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  s->keep_php = o.keep_php;
  s->keep_skip = o.keep_skip;
  s->keep_clean = o.keep_clean;
  s->no_clean = o.no_clean;
  s->show_blocks = o.show_blocks;
  s->context_lines = o.context_lines;
  s->valgrind_tool = o.valgrind_tool;
  // run-tests: ASAN/MSAN builds run 2-3 times slower; the timeout is tripled.
  if (!o.sanitizer.empty()) s->timeout_s *= 3;
}

bool CheckValgrind(const Options& o, std::string* err) {
  if (o.valgrind_tool.empty()) return true;
  std::string probe = "valgrind --tool=" + o.valgrind_tool + " --version 2>/dev/null";
  FILE* p = popen(probe.c_str(), "r");
  char buf[128] = {};
  size_t n = p ? fread(buf, 1, sizeof buf - 1, p) : 0;
  int status = p ? pclose(p) : -1;
  if (status != 0 || std::string(buf, n).rfind("valgrind-", 0) != 0) {
    *err = std::string(o.valgrind_tool == "memcheck" ? "-m" : "-M " + o.valgrind_tool) +
           ": valgrind returned no version for tool " + o.valgrind_tool +
           " (is valgrind installed? apt-get install valgrind)";
    return false;
  }
  return true;
}

void AddRunTestsIni(const Options& o, IniList* ini) {
  if (!o.file_cache.empty()) {
    MergeIni(ini, {{"opcache.file_cache", "/tmp"}, {"opcache.record_warnings", "1"},
                   {"opcache.jit", "0"}});
    if (o.file_cache == "use") MergeIni(ini, {{"opcache.validate_timestamps", "0"}});
  } else if (o.repeat > 1) {
    MergeIni(ini, {{"opcache.record_warnings", "1"}});
  }
}

void SetRunTestsEnvironment(const Options& o) {
  if (o.set_timeout) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", o.timeout_s);
    setenv("TEST_TIMEOUT", seconds, 1);
  }
  if (o.skip_repeat) setenv("SKIP_REPEAT", "1", 1);
  if (!o.sanitizer.empty()) {
    setenv("USE_ZEND_ALLOC", "0", 1);
    setenv("USE_TRACKED_ALLOC", "1", 1);
    setenv("SKIP_ASAN", "1", 1);
    setenv("SKIP_PERF_SENSITIVE", "1", 1);
    if (o.sanitizer == "msan") {
      setenv("SKIP_MSAN", "1", 1);
      setenv("MSAN_OPTIONS", "intercept_tls_get_addr=0", 1);
    }
  }
}

bool ReadCaseList(const Options& o, std::vector<std::string>* paths, std::string* err) {
  const bool loop = o.write_list == o.read_list;  // -l
  std::ifstream in(o.read_list);
  if (!in) {
    if (loop && access(o.read_list.c_str(), F_OK) != 0) return true;
    *err = (loop ? "-l " : "-r ") + o.read_list + ": cannot read this file";
    return false;
  }
  // One case a line; blank lines and '#' lines (run-tests' redirect entries) are skipped.
  std::string line;
  while (std::getline(in, line)) {
    size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    size_t end = line.find_last_not_of(" \t\r");
    paths->push_back(line.substr(start, end - start + 1));
  }
  return true;
}

void FilterRunTestsCases(const Options& o, std::vector<std::string>* cases) {
  if (!o.file_cache.empty()) {
    // run-tests leaves out OPcache's own tests in file-cache mode: they
    // expect its default configuration.
    cases->erase(std::remove_if(cases->begin(), cases->end(),
                                [](const std::string& c) {
                                  return c.find("ext/opcache") != std::string::npos;
                                }),
                 cases->end());
  }
  if (o.shuffle) std::shuffle(cases->begin(), cases->end(), std::mt19937(std::random_device{}()));
}

void ApplyRunTestsConsole(const Options& o, ConsoleOptions* console) {
  // -g REDIRECT alone (phptrun prints no redirect lines) shows no case line.
  console->filter_groups = !o.show_groups.empty();
  for (const std::string& group : o.show_groups) {
    Verdict v;
    if (ParseVerdict(group, &v)) console->groups.push_back(v);
  }
  console->progress = o.progress;
  if (o.color >= 0) console->color = o.color == 1;
  console->slow_ms = o.show_slow_ms;
}

void BlessFailedCases(const std::vector<std::string>& failed, std::ostream& out) {
  for (const std::string& file : failed) {
    std::string why;
    if (BlessCase(file, &why)) {
      out << "blessed " << file << '\n';
    } else if (!why.empty()) {
      out << "not blessed " << file << ": " << why << '\n';
    }
  }
}

int RunTestsExitStatus(int status) {
  // REPORT_EXIT_STATUS=0 or =no: success whatever failed (usage errors stay 2).
  const char* report = std::getenv("REPORT_EXIT_STATUS");
  if (status == 1 && report && (std::string(report) == "0" || std::string(report) == "no")) {
    return 0;
  }
  return status;
}

}  // namespace phptrun
