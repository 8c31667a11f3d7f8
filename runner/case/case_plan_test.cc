#include "runner/case/case_plan.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

namespace phptrun {
namespace {

// An engine with `loaded` extensions, .so files for `installed` ones, and
// `startup_only` INI keys.
class FakeEngine : public EngineFacts {
 public:
  std::set<std::string> loaded, installed, startup_only;
  bool ExtensionLoaded(const std::string& name) const override { return loaded.count(name) > 0; }
  std::string ExtensionFile(const std::string& name) const override {
    return installed.count(name) ? "/ext/" + name + ".so" : "";
  }
  bool IniAppliesAtRuntime(const std::string& key) const override {
    return startup_only.count(key) == 0;
  }
};

const std::string kDir = std::string(PHPTRUN_SOURCE_DIR) + "/fixtures/phpt";

PhptFile Parse(const std::string& sections) {
  PhptFile test = PhptFile::Parse(kDir + "/plan.phpt", "--TEST--\nplan\n" + sections +
                                                           "--FILE--\n<?php\n--EXPECT--\n");
  REQUIRE(test.ok());
  return test;
}

std::string Value(const EnvList& env, const std::string& name) {
  std::string value = "(unset)";
  for (const auto& [k, v] : env) {
    if (k == name) value = v;  // the last one wins, as setenv() in order does
  }
  return value;
}

struct Planned {
  bool ok = false;
  CasePlan plan;
  Judgement stop{Verdict::kPass, ""};
};

Planned Plan(const PhptFile& test, const FakeEngine& engine, const EngineSetup& setup = {},
             const CaseContext& context = {}) {
  Planned p;
  p.ok = PlanCase(test, context, setup, engine, &p.plan, &p.stop);
  return p;
}

TEST_CASE("CasePlan: scripts go beside the test, named after it") {
  Planned p = Plan(Parse(""), FakeEngine());
  REQUIRE(p.ok);
  CHECK(p.plan.script == p.plan.dir + "/plan.php");
  CHECK(p.plan.skip_file == p.plan.dir + "/plan.skip.php");
  CHECK(p.plan.clean_file == p.plan.dir + "/plan.clean.php");
  CHECK_FALSE(p.plan.cgi);
  CHECK_FALSE(p.plan.resident);
  CHECK_FALSE(p.plan.needs_restart);
}

TEST_CASE("CasePlan: a redirect's cases write their scripts in its directory") {
  CaseContext context;
  context.script_dir = "/somewhere/else";
  context.env = {{"REDIR_TEST_DIR", "/x"}};
  Planned p = Plan(Parse(""), FakeEngine(), {}, context);
  REQUIRE(p.ok);
  CHECK(p.plan.script == "/somewhere/else/plan.php");
  CHECK(Value(p.plan.env, "REDIR_TEST_DIR") == "/x");
}

TEST_CASE("CasePlan: stops before SKIPIF with run-tests' verdicts") {
  FakeEngine engine;
  CaseContext redirected;
  redirected.script_dir = "/r";
  Planned p = Plan(Parse("--REDIRECTTEST--\nreturn [];\n"), engine, {}, redirected);
  CHECK_FALSE(p.ok);
  CHECK(p.stop.verdict == Verdict::kBork);
  CHECK(p.stop.reason == "a REDIRECTTEST cannot be run through another REDIRECTTEST");

  p = Plan(Parse("--PHPDBG--\nr\n"), engine);
  CHECK_FALSE(p.ok);
  CHECK(p.stop.verdict == Verdict::kSkip);
  CHECK(p.stop.reason == "phpdbg not available");

  p = Plan(Parse("--RESIDENT--\nmode=sometimes\n"), engine);
  CHECK_FALSE(p.ok);
  CHECK(p.stop.verdict == Verdict::kBork);
  CHECK(p.stop.reason.find("mode") != std::string::npos);

  EngineSetup repeat;
  repeat.repeat = 3;
  p = Plan(Parse("--CLEAN--\n<?php\n"), engine, repeat);
  CHECK_FALSE(p.ok);
  CHECK(p.stop.verdict == Verdict::kSkip);
  CHECK(p.stop.reason == "Test with CLEAN might not be repeatable");
  p = Plan(Parse(""), engine, repeat);
  REQUIRE(p.ok);
  CHECK(p.plan.resident);
  CHECK(p.plan.resident_spec.iterations == 3);
}

TEST_CASE("CasePlan: EXTENSIONS loads what is installed and skips on what is not") {
  FakeEngine engine;
  engine.loaded = {"json"};
  engine.installed = {"gd", "opcache"};
  Planned p = Plan(Parse("--EXTENSIONS--\njson\n gd \n\nopcache\n"), engine);
  REQUIRE(p.ok);
  CHECK(p.plan.extension_names == std::vector<std::string>{"json", "gd", "opcache"});
  REQUIRE(p.plan.extension_ini.size() == 2);
  CHECK(p.plan.extension_ini[0] == IniEntry{"extension", "/ext/gd.so"});
  CHECK(p.plan.extension_ini[1] == IniEntry{"zend_extension", "/ext/opcache.so"});
  CHECK(p.plan.needs_restart);  // loading an extension needs a started-again engine
  CHECK(p.plan.extension_lines.find("/ext/gd.so") != std::string::npos);
  CHECK(p.plan.extra_args.find("-d \"extension=/ext/gd.so\"") != std::string::npos);

  p = Plan(Parse("--EXTENSIONS--\nnope\njson\nnada\n"), engine);
  CHECK_FALSE(p.ok);
  CHECK(p.stop.verdict == Verdict::kSkip);
  CHECK(p.stop.reason == "Required extension(s) missing: nope, nada");
}

TEST_CASE("CasePlan: INI applies at runtime unless an entry only acts at startup") {
  FakeEngine engine;
  engine.startup_only = {"disable_functions"};
  PhptFile runtime = Parse("--INI--\nprecision=5\n");
  Planned p = Plan(runtime, engine);
  REQUIRE(p.ok);
  CHECK_FALSE(p.plan.needs_restart);
  RequestSpec spec;
  FillTestRequest(runtime, p.plan, nullptr, &spec);
  CHECK(spec.runtime_ini == "precision=5\n");
  CHECK(spec.startup_ini.empty());

  PhptFile startup = Parse("--INI--\nprecision=5\ndisable_functions=exec\n");
  p = Plan(startup, engine);
  REQUIRE(p.ok);
  CHECK(p.plan.needs_restart);
  spec = RequestSpec();
  FillTestRequest(startup, p.plan, nullptr, &spec);
  CHECK(spec.runtime_ini.empty());
  CHECK(spec.startup_ini.find("disable_functions=exec") != std::string::npos);
}

TEST_CASE("CasePlan: ENV gets {PWD}; SKIPIF sees it, and the test sees run-tests' CGI variables") {
  PhptFile test = Parse("--ENV--\nWHERE={PWD}/data\n  SPACED = x \nnot a variable\n");
  Planned p = Plan(test, FakeEngine());
  REQUIRE(p.ok);
  CHECK(Value(p.plan.skipif_env, "WHERE") == p.plan.dir + "/data");
  CHECK(Value(p.plan.skipif_env, "REDIRECT_STATUS") == "");
  RequestSpec spec;
  FillTestRequest(test, p.plan, nullptr, &spec);
  CHECK(Value(spec.env, "WHERE") == p.plan.dir + "/data");
  CHECK(Value(spec.env, "REDIRECT_STATUS") == "1");
  CHECK(Value(spec.env, "SCRIPT_FILENAME") == p.plan.script);
  CHECK(Value(spec.env, "REQUEST_METHOD") == "GET");
  CHECK(Value(spec.env, "TZ") == "");
}

TEST_CASE("CasePlan: a CGI test runs as php-cgi with its body on stdin") {
  phptrun_engine_options cgi{};
  PhptFile test = Parse("--POST--\na=1\n--INI--\nprecision=5\n");
  Planned p = Plan(test, FakeEngine());
  REQUIRE(p.ok);
  CHECK(p.plan.cgi);
  RequestSpec spec;
  spec.argv = {"script", "never"};
  FillTestRequest(test, p.plan, &cgi, &spec);
  CHECK(spec.restart_as == &cgi);
  CHECK(spec.argv.size() == 1);
  CHECK(spec.has_stdin);
  CHECK(spec.stdin_data == "a=1");
  CHECK(Value(spec.env, "REQUEST_METHOD") == "POST");
  CHECK(Value(spec.env, "CONTENT_LENGTH") == "3");
  // The personality restarts the engine anyway, so the INI goes with it.
  CHECK(spec.runtime_ini.empty());
  CHECK(spec.startup_ini == "precision=5\n");
}

TEST_CASE("CasePlan: ARGS, STDIN and CAPTURE_STDIO shape the test request") {
  PhptFile test = Parse("--ARGS--\none 'two words'\n--STDIN--\nin\n--CAPTURE_STDIO--\nSTDIN STDERR\n");
  Planned p = Plan(test, FakeEngine());
  REQUIRE(p.ok);
  RequestSpec spec;
  spec.argv = {"script"};
  FillTestRequest(test, p.plan, nullptr, &spec);
  CHECK(spec.argv == std::vector<std::string>{"script", "one", "two words"});
  CHECK(spec.discard_stderr);  // run-tests' 2>&1 falls after the section's newline
  CHECK(spec.has_stdin);
  CHECK(spec.stdin_data == "in\n");
  CHECK(spec.capture_stdin);
  CHECK_FALSE(spec.capture_stdout);
  CHECK(spec.capture_stderr);
}

}  // namespace
}  // namespace phptrun
