// Engine tests of the lifecycle tracer's hooks: real requests in forks of
// the real engine (tests/engine_main.cc starts it with the tracer on, without
// php.ini), their event logs turned into spans.
#include "runner/sapi/lifecycle_hooks.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runner/process/sandbox.h"
#include "tracer/event_log.h"
#include "tracer/span_builder.h"

namespace phptrun {
namespace {

class Dir {
 public:
  Dir() {
    char templ[] = "/tmp/phptrun-lifecycle-XXXXXX";
    path_ = mkdtemp(templ);
  }
  ~Dir() {
    for (const std::string& f : files_) unlink(f.c_str());
    rmdir(path_.c_str());
  }
  std::string Write(const std::string& name, const std::string& content) {
    std::string file = path_ + "/" + name;
    std::ofstream(file) << content;
    files_.push_back(file);
    return file;
  }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

struct Traced {
  RequestOutcome out;
  std::vector<Span> spans;

  const Span* Find(const std::string& name) const {
    for (const Span& s : spans) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }
  int Index(const std::string& name) const {
    for (size_t i = 0; i < spans.size(); ++i) {
      if (spans[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }
  std::vector<std::string> Children(int parent) const {
    std::vector<std::string> names;
    for (const Span& s : spans) {
      if (s.parent == parent) names.push_back(s.name);
    }
    return names;
  }
  std::vector<std::string> Children(const std::string& parent) const {
    return Children(Index(parent));
  }
};

Traced Run(const std::string& code, const std::string& startup_ini = "") {
  Dir dir;
  std::string script = dir.Write("t.php", code);
  RequestSpec spec;
  spec.script_path = script;
  spec.argv = {script};
  spec.timeout_s = 20;
  spec.startup_ini = startup_ini;
  Traced t;
  t.out = RunRequest(spec);
  REQUIRE(t.out.completed);
  EventLog log;
  REQUIRE(EventLog::Decode(t.out.lifecycle_log, &log));
  CHECK(log.dropped == 0);
  t.spans = BuildSpans(log, 0);
  for (size_t i = 0; i < t.spans.size(); ++i) {
    const Span& s = t.spans[i];
    INFO(s.name);
    if (s.parent < 0) continue;
    REQUIRE(s.parent < static_cast<int32_t>(i));
    CHECK(s.start_us >= t.spans[s.parent].start_us);
    CHECK(s.end_us() <= t.spans[s.parent].end_us() + 1e-6);
  }
  return t;
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The steps of request shutdown, in order, without the extensions' hooks.
std::vector<std::string> ShutdownSteps(const Traced& t) {
  std::vector<std::string> steps;
  int rshutdown = t.Index("RSHUTDOWN");
  for (const Span& s : t.spans) {
    if (s.parent == rshutdown && s.kind == SpanKind::kStep) steps.push_back(s.name);
  }
  return steps;
}

const std::vector<std::string> kAllShutdownSteps = {
    "shutdown_functions", "destructors",     "output_flush",   "zend_deactivate",
    "post_deactivate",    "sapi_deactivate", "memory_shutdown"};

TEST_CASE("tracer: a request's phases, extensions' hooks and steps") {
  REQUIRE(phptrun_lifecycle_enabled());
  Traced t = Run("<?php echo 'hi';");
  CHECK(t.out.output == "hi");
  CHECK(t.Children(-1) == std::vector<std::string>{"RINIT", "compile", "execute", "RSHUTDOWN"});
  std::vector<std::string> rinit = t.Children("RINIT");
  CHECK(rinit.at(0) == "sapi_activate");
  CHECK(rinit.at(1) == "superglobals");
  CHECK(Contains(rinit, "RINIT standard"));
  CHECK(Contains(rinit, "RINIT date"));
  CHECK(t.Children("compile").size() == 2);
  CHECK(t.Children("compile").at(0) == "script_setup");
  CHECK(t.Children("compile").at(1).rfind("compile /tmp/phptrun-lifecycle-", 0) == 0);
  CHECK(ShutdownSteps(t) == kAllShutdownSteps);
  CHECK(Contains(t.Children("RSHUTDOWN"), "RSHUTDOWN standard"));
  CHECK(Contains(t.Children("post_deactivate"), "post_deactivate date"));
  for (const Span& s : t.spans) {
    INFO(s.name);
    CHECK((s.flags & (kSpanInferred | kSpanBailout)) == 0);
  }
  // Phases carry heap and persistent figures; per-request hooks heap only.
  const Span* r = t.Find("RINIT");
  CHECK(r->heap_after > r->heap_before);
  CHECK(r->heap_peak >= r->heap_after);
  CHECK(r->persistent_before > 0);
  CHECK(t.Find("RSHUTDOWN")->persistent_after > 0);
  CHECK(t.Find("RINIT standard")->heap_before >= 0);
  CHECK(t.Find("RINIT standard")->persistent_before == -1);
}

TEST_CASE("tracer: includes and eval compile inside execute") {
  Dir dir;
  std::string inc = dir.Write("inc.php", "<?php function f() { return 'f'; }");
  std::string lib = dir.Write("lib.php", "<?php function g() { return 'g'; }");
  std::string lib_dir = lib.substr(0, lib.rfind('/'));
  Traced t = Run("<?php include '" + inc + "'; set_include_path('" + lib_dir +
                 "'); include 'lib.php'; echo f(), g(), eval('return 1;');");
  CHECK(t.out.output == "fg1");
  std::vector<std::string> execute = t.Children("execute");
  REQUIRE(execute.size() == 3);
  CHECK(execute[0] == "compile " + inc);
  CHECK(execute[1] == "compile " + lib);  // found on the include path, named by where
  CHECK(execute[2].find("eval()'d code") != std::string::npos);
  CHECK(t.Find("compile " + inc)->kind == SpanKind::kCompile);
}

TEST_CASE("tracer: shutdown functions, destructors and the flush, each where it ran") {
  Traced t =
      Run("<?php ob_start();\n"
          "class D { function __destruct() { usleep(20000); echo 'd'; } }\n"
          "$d = new D;\n"
          "register_shutdown_function(function () {\n"
          "  usleep(20000); echo 's';\n"
          "  register_shutdown_function(function () { echo 'n'; });\n"
          "});\n"
          "echo 'main';\n");
  CHECK(t.out.output == "mainsnd");
  CHECK(ShutdownSteps(t) == kAllShutdownSteps);
  // Lower bounds only: usleep() sleeps at least that long.
  CHECK(t.Find("shutdown_functions")->dur_us >= 20000);
  CHECK(t.Find("destructors")->dur_us >= 20000);
  for (const char* step : {"shutdown_functions", "destructors", "output_flush"}) {
    INFO(step);
    CHECK((t.Find(step)->flags & kSpanInferred) == 0);
  }
}

TEST_CASE("tracer: exit() in a shutdown function leaves its end inferred") {
  Traced t =
      Run("<?php register_shutdown_function(function () { echo 'a'; exit(3); });\n"
          "register_shutdown_function(function () { echo 'never'; });\n"
          "echo 'main';");
  CHECK(t.out.output == "maina");
  CHECK(ShutdownSteps(t) == kAllShutdownSteps);
  CHECK(t.Find("shutdown_functions")->flags & kSpanInferred);
  CHECK(t.Find("destructors")->flags & kSpanInferred);
}

TEST_CASE("tracer: a user output handler hides where the flush starts") {
  Traced t = Run("<?php ob_start(function ($b) { return strtoupper($b); }); echo 'x';");
  CHECK(t.out.output == "X");
  CHECK(t.Find("output_flush")->flags & kSpanInferred);
  CHECK(t.Find("destructors")->flags & kSpanInferred);
}

TEST_CASE("tracer: persistent memory a script takes shows in its phases") {
  // putenv() keeps its string in malloc'd memory until RSHUTDOWN.
  Traced t = Run("<?php putenv('PHPTRUN_BIG=' . str_repeat('x', 4 << 20)); echo 'ok';");
  CHECK(t.out.output == "ok");
  const Span* execute = t.Find("execute");
  const Span* rshutdown = t.Find("RSHUTDOWN");
  // Give or take what else malloc's bookkeeping moved meanwhile.
  const int64_t kSlack = 64 << 10;
  CHECK(execute->persistent_after - execute->persistent_before >= (4 << 20) - kSlack);
  CHECK(rshutdown->persistent_before - rshutdown->persistent_after >= (4 << 20) - kSlack);
  CHECK(execute->heap_peak >= (4 << 20));
}

TEST_CASE("tracer: a restart traces the new engine, extensions from INI included") {
  Traced t = Run("<?php echo ctype_digit('7') ? 'yes' : 'no';", "extension=ctype\n");
  CHECK(t.out.output == "yes");
  CHECK(t.Children(-1) == std::vector<std::string>{"MSHUTDOWN", "SSHUTDOWN", "SINIT", "MINIT",
                                                   "RINIT", "compile", "execute", "RSHUTDOWN"});
  std::vector<std::string> minit = t.Children("MINIT");
  CHECK(Contains(minit, "MINIT ctype"));  // loaded by the INI, not static
  CHECK(Contains(minit, "MINIT standard"));
  CHECK(Contains(minit, "MINIT Core"));
  for (const char* step :
       {"zend_startup", "INI", "register_modules", "load_extensions", "post_startup"}) {
    INFO(step);
    CHECK(Contains(minit, step));
  }
  CHECK(Contains(t.Children("MSHUTDOWN"), "MSHUTDOWN standard"));
  // The worker's engine (this process) still runs plain requests afterwards.
  CHECK(Run("<?php echo function_exists('ctype_digit') ? 'loaded' : 'not loaded';").out.output ==
        "not loaded");
  // A second restart wraps the extensions afresh: no wrapper calls itself.
  CHECK(Run("<?php echo 'again';", "extension=ctype\n").out.output == "again");
}

TEST_CASE("tracer: the engine's own startup has a MINIT span for every extension") {
  Traced t = Run("<?php echo json_encode(get_loaded_extensions());");
  std::vector<std::string> loaded = nlohmann::json::parse(t.out.output);
  REQUIRE(loaded.size() >= 10);
  // This process started the engine (engine_main); its log still holds that.
  std::vector<Span> startup = BuildSpans(EventLog::Capture(), 0);
  std::vector<std::string> names;
  int minit = -1;
  for (size_t i = 0; i < startup.size(); ++i) {
    if (startup[i].name == "MINIT" && startup[i].parent < 0) minit = static_cast<int>(i);
  }
  REQUIRE(minit >= 0);
  for (const Span& s : startup) {
    if (s.parent == minit) names.push_back(s.name);
  }
  for (const std::string& ext : loaded) {
    INFO(ext);
    CHECK(Contains(names, "MINIT " + ext));
  }
  CHECK(startup[minit].persistent_after > startup[minit].persistent_before);
  // Request hooks exist only for loaded extensions.
  for (const Span& s : t.spans) {
    if (s.kind != SpanKind::kExtension) continue;
    std::string ext = s.name.substr(s.name.find(' ') + 1);
    INFO(s.name);
    CHECK(std::find(loaded.begin(), loaded.end(), ext) != loaded.end());
  }
}

}  // namespace
}  // namespace phptrun
