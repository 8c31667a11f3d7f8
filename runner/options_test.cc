#include "runner/options.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <vector>

#include "runner/test_support.h"

namespace phptrun {
namespace {

// Parses `args` as if given after "phptrun" on the command line.
bool Parse(const std::vector<std::string>& args, Options* options, std::string* err) {
  std::vector<const char*> argv = {"phptrun"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseOptions(static_cast<int>(argv.size()), argv.data(), options, err);
}

Options ParseOk(const std::vector<std::string>& args) {
  Options options;
  std::string err;
  bool ok = Parse(args, &options, &err);
  INFO("error: " << err);
  REQUIRE(ok);
  CHECK(err.empty());
  return options;
}

std::string ParseError(const std::vector<std::string>& args) {
  Options options;
  std::string err;
  CHECK_FALSE(Parse(args, &options, &err));
  CHECK_FALSE(err.empty());
  return err;
}

TEST_CASE("options: a path alone gives the defaults") {
  Options o = ParseOk({"suites"});
  CHECK(o.paths == std::vector<std::string>{"suites"});
  CHECK(o.jobs == 0);
  CHECK(o.timeout_s == 60);
  CHECK_FALSE(o.no_ini);
  CHECK(o.ini_file.empty());
  CHECK(o.defines.empty());
  CHECK(o.sapi_name == "cli");
  CHECK(o.junit_file.empty());
  CHECK(o.json_file.empty());
  CHECK_FALSE(o.show_diff);
  CHECK_FALSE(o.quiet);
  CHECK_FALSE(o.verbose);
  CHECK_FALSE(o.list);
  CHECK_FALSE(o.version);
  CHECK_FALSE(o.help);
  CHECK_FALSE(o.skip_slow);
  CHECK_FALSE(o.offline);
}

TEST_CASE("options: every flag, value in the next argument") {
  Options o = ParseOk({"-j",       "4",       "--timeout", "2.5",       "-n",     "-c",
                       "my.ini",   "-d",      "a=1",       "-d",        "b=2",    "--sapi-name",
                       "cgi-fcgi", "--junit", "j.xml",     "--json",    "r.json", "--show-diff",
                       "-q",       "-v",      "-x",        "--offline", "--list", "t.phpt"});
  CHECK(o.jobs == 4);
  CHECK(o.timeout_s == 2.5);
  CHECK(o.no_ini);
  CHECK(o.ini_file == "my.ini");
  CHECK(o.defines == std::vector<std::string>{"a=1", "b=2"});
  CHECK(o.sapi_name == "cgi-fcgi");
  CHECK(o.junit_file == "j.xml");
  CHECK(o.json_file == "r.json");
  CHECK(o.show_diff);
  CHECK(o.quiet);
  CHECK(o.verbose);
  CHECK(o.skip_slow);
  CHECK(o.offline);
  CHECK(o.list);
  CHECK_FALSE(o.help);
  CHECK_FALSE(o.version);
  CHECK(o.paths == std::vector<std::string>{"t.phpt"});
}

TEST_CASE("options: glued values") {
  Options o = ParseOk({"-j8", "--timeout=0.5", "-cphp.ini", "-dmemory_limit=-1", "-dx=y=z",
                       "--sapi-name=embed", "--junit=out.xml", "--json=FILE", "t.phpt"});
  CHECK(o.jobs == 8);
  CHECK(o.timeout_s == 0.5);
  CHECK(o.ini_file == "php.ini");
  // Only the first '=' of a long option separates the value.
  CHECK(o.defines == std::vector<std::string>{"memory_limit=-1", "x=y=z"});
  CHECK(o.sapi_name == "embed");
  CHECK(o.junit_file == "out.xml");
  CHECK(o.json_file == "FILE");
  CHECK(o.paths == std::vector<std::string>{"t.phpt"});

  // A long option's glued value may itself contain '='.
  CHECK(ParseOk({"--json=a=b.json", "t"}).json_file == "a=b.json");
}

TEST_CASE("options: -v and --verbose, -h and --help, --version") {
  CHECK(ParseOk({"--verbose", "t"}).verbose);
  CHECK(ParseOk({"-v", "t"}).verbose);

  // Help and version need no PATH.
  CHECK(ParseOk({"-h"}).help);
  CHECK(ParseOk({"--help"}).help);
  Options v = ParseOk({"--version"});
  CHECK(v.version);
  CHECK(v.paths.empty());
}

TEST_CASE("options: -d keeps every entry in order, repeats included") {
  Options o = ParseOk({"-d", "k=1", "-dk=2", "-d", "flag", "-d", "empty=", "t"});
  CHECK(o.defines == std::vector<std::string>{"k=1", "k=2", "flag", "empty="});
}

TEST_CASE("options: paths interleave with flags and keep their order") {
  Options o = ParseOk({"b", "-q", "a", "-", "c/d.phpt"});
  CHECK(o.quiet);
  CHECK(o.paths == std::vector<std::string>{"b", "a", "-", "c/d.phpt"});
}

TEST_CASE("options: -- ends the options") {
  Options o = ParseOk({"-q", "--", "-x", "--json=f", "--", "t.phpt"});
  CHECK(o.quiet);
  CHECK_FALSE(o.skip_slow);
  CHECK(o.json_file.empty());
  CHECK(o.paths == std::vector<std::string>{"-x", "--json=f", "--", "t.phpt"});

  // Nothing after "--" is no PATH at all.
  CHECK(ParseError({"-q", "--"}).find("no PATH") != std::string::npos);
}

TEST_CASE("options: the last of a repeated flag wins") {
  Options o = ParseOk({"-j2", "-j", "3", "--json=a", "--json", "b", "t"});
  CHECK(o.jobs == 3);
  CHECK(o.json_file == "b");
}

TEST_CASE("options: an unknown flag is named in the error") {
  std::string err = ParseError({"--frobnicate", "t"});
  CHECK(err.find("--frobnicate") != std::string::npos);

  err = ParseError({"--frobnicate=3", "t"});
  CHECK(err.find("--frobnicate") != std::string::npos);

  err = ParseError({"-Z", "t"});
  CHECK(err.find("-Z") != std::string::npos);

  // Short flags do not combine.
  err = ParseError({"-qv", "t"});
  CHECK(err.find("-qv") != std::string::npos);

  // A typo of a valid long flag is not taken for it.
  err = ParseError({"--timeouts", "5", "t"});
  CHECK(err.find("--timeouts") != std::string::npos);
}

TEST_CASE("options: -j takes a whole number of at least 1") {
  for (const char* bad : {"0", "-1", "abc", "4x", "", "1.5", "99999999999"}) {
    INFO("-j " << bad);
    std::string err = ParseError({"-j", bad, "t"});
    CHECK(err.find("-j") == 0);
    CHECK(err.find(std::string("'") + bad + "'") != std::string::npos);
  }
  std::string err = ParseError({"-j0", "t"});
  CHECK(err.find("-j") == 0);
  CHECK(err.find("'0'") != std::string::npos);

  CHECK(ParseOk({"-j1", "t"}).jobs == 1);
  CHECK(ParseOk({"-j", "64", "t"}).jobs == 64);
}

TEST_CASE("options: --timeout takes positive seconds") {
  for (const char* bad : {"-1", "0", "abc", "", "5s", "nan", "inf"}) {
    INFO("--timeout " << bad);
    std::string err = ParseError({"--timeout", bad, "t"});
    CHECK(err.find("--timeout") == 0);
    CHECK(err.find(std::string("'") + bad + "'") != std::string::npos);
  }
  CHECK(ParseError({"--timeout=-1", "t"}).find("--timeout") == 0);
  CHECK(ParseOk({"--timeout", "0.001", "t"}).timeout_s == 0.001);
  CHECK(ParseOk({"--timeout", "300", "t"}).timeout_s == 300);
}

TEST_CASE("options: a flag missing its value is named") {
  for (const char* flag : {"-j", "--timeout", "-c", "-d", "--sapi-name", "--junit", "--json"}) {
    INFO(flag);
    std::string err = ParseError({"t", flag});
    CHECK(err == std::string(flag) + " needs a value");
  }
}

TEST_CASE("options: -d needs a key") {
  std::string err = ParseError({"-d", "=value", "t"});
  CHECK(err.find("-d") == 0);
  CHECK(err.find("'=value'") != std::string::npos);

  CHECK(ParseError({"-d=x", "t"}).find("-d") == 0);  // glued: the value is "=x"
  CHECK(ParseError({"-d", "", "t"}).find("-d") == 0);
}

TEST_CASE("options: --sapi-name cannot be empty") {
  CHECK(ParseError({"--sapi-name=", "t"}).find("--sapi-name") == 0);
  CHECK(ParseError({"--sapi-name", "", "t"}).find("--sapi-name") == 0);
}

TEST_CASE("options: flags without a value reject a glued one") {
  for (const char* flag :
       {"--show-diff", "--verbose", "--offline", "--list", "--version", "--help"}) {
    INFO(flag);
    std::string err = ParseError({std::string(flag) + "=yes", "t"});
    CHECK(err == std::string(flag) + " takes no value");
  }
}

TEST_CASE("options: no PATH is an error unless only help or version is asked") {
  std::string err = ParseError({});
  CHECK(err.find("no PATH") != std::string::npos);
  CHECK(ParseError({"-q", "-j2"}).find("no PATH") != std::string::npos);
  CHECK(ParseError({"--list"}).find("no PATH") != std::string::npos);
}

TEST_CASE("options: the usage text lists every flag") {
  std::string usage = UsageText();
  for (const char* flag : {"-j N", "--timeout", "-n", "-c FILE", "-d KEY=VALUE", "--sapi-name",
                           "--junit", "--json", "--show-diff", "-x", "--offline", "-q", "-v",
                           "--list", "--version", "--help", "TEST_PHP_JUNIT"}) {
    INFO(flag);
    CHECK(usage.find(flag) != std::string::npos);
  }
}

TEST_CASE("options: TEST_PHP_JUNIT fills --junit when it was not given") {
  SECTION("set: used when --junit is absent") {
    ScopedEnv env("TEST_PHP_JUNIT", "/tmp/from-env.xml");
    Options o = ParseOk({"t"});
    ApplyEnvironmentDefaults(&o);
    CHECK(o.junit_file == "/tmp/from-env.xml");
  }
  SECTION("set: --junit wins") {
    ScopedEnv env("TEST_PHP_JUNIT", "/tmp/from-env.xml");
    Options o = ParseOk({"--junit", "cli.xml", "t"});
    ApplyEnvironmentDefaults(&o);
    CHECK(o.junit_file == "cli.xml");
  }
  SECTION("empty: ignored") {
    ScopedEnv env("TEST_PHP_JUNIT", "");
    Options o = ParseOk({"t"});
    ApplyEnvironmentDefaults(&o);
    CHECK(o.junit_file.empty());
  }
  SECTION("unset: nothing") {
    ScopedEnv env("TEST_PHP_JUNIT", nullptr);
    Options o = ParseOk({"t"});
    ApplyEnvironmentDefaults(&o);
    CHECK(o.junit_file.empty());
  }
  SECTION("ParseOptions itself does not read the environment") {
    ScopedEnv env("TEST_PHP_JUNIT", "/tmp/from-env.xml");
    CHECK(ParseOk({"t"}).junit_file.empty());
  }
}

TEST_CASE("options: ScopedEnv restores the environment") {
  ScopedEnv outer("PHPTRUN_OPTIONS_TEST_VAR", "before");
  {
    ScopedEnv inner("PHPTRUN_OPTIONS_TEST_VAR", nullptr);
    CHECK(std::getenv("PHPTRUN_OPTIONS_TEST_VAR") == nullptr);
  }
  REQUIRE(std::getenv("PHPTRUN_OPTIONS_TEST_VAR") != nullptr);
  CHECK(std::string(std::getenv("PHPTRUN_OPTIONS_TEST_VAR")) == "before");
  {
    ScopedEnv inner("PHPTRUN_OPTIONS_TEST_VAR", "during");
    CHECK(std::string(std::getenv("PHPTRUN_OPTIONS_TEST_VAR")) == "during");
  }
  CHECK(std::string(std::getenv("PHPTRUN_OPTIONS_TEST_VAR")) == "before");
}

TEST_CASE("options: --repeat N and --attribute (resident runs)") {
  Options o = ParseOk({"suites"});
  CHECK(o.repeat == 0);
  CHECK_FALSE(o.attribute);
  o = ParseOk({"--repeat", "5", "--attribute", "suites"});
  CHECK(o.repeat == 5);
  CHECK(o.attribute);
  CHECK(ParseOk({"--repeat=2", "suites"}).repeat == 2);
  CHECK(ParseError({"--repeat", "0", "suites"}) == "--repeat: expected a number of runs >= 1, got '0'");
  CHECK(ParseError({"--repeat", "x", "suites"}) == "--repeat: expected a number of runs >= 1, got 'x'");
  CHECK(ParseError({"--attribute=1", "suites"}) == "--attribute takes no value");
  CHECK(ParseError({"suites", "--repeat"}) == "--repeat needs a value");
}

}  // namespace

TEST_CASE("options: --trace, --profile and --tracer") {
  Options o = ParseOk({"--trace", "t.json", "--profile", "suites"});
  CHECK(o.trace_file == "t.json");
  CHECK(o.profile);
  CHECK_FALSE(o.tracer);
  CHECK(ParseOk({"--trace=x.json", "suites"}).trace_file == "x.json");
  Options defaults = ParseOk({"suites"});
  CHECK(defaults.trace_file.empty());
  CHECK_FALSE(defaults.profile);
  CHECK_FALSE(defaults.tracer);
  CHECK(ParseOk({"--tracer", "suites"}).tracer);

  CHECK(ParseError({"--trace"}).find("--trace") != std::string::npos);
  CHECK(ParseError({"--trace=", "suites"}).find("--trace") != std::string::npos);
  CHECK(ParseError({"--profile=yes", "suites"}).find("--profile") != std::string::npos);
  CHECK(ParseError({"--tracer=on", "suites"}).find("--tracer") != std::string::npos);
  std::string usage = UsageText();
  for (const char* flag : {"--trace FILE", "--profile", "--tracer"}) {
    INFO(flag);
    CHECK(usage.find(flag) != std::string::npos);
  }
}

}  // namespace phptrun

namespace phptrun {
namespace {

TEST_CASE("options: TEST_PHP_ARGS words follow the command line, as run-tests.php appends them") {
  const char* argv[] = {"phptrun", "-q", "tests/"};
  CHECK(WithTestPhpArgs(3, argv, nullptr) == std::vector<std::string>{"phptrun", "-q", "tests/"});
  CHECK(WithTestPhpArgs(3, argv, "") == std::vector<std::string>{"phptrun", "-q", "tests/"});
  std::vector<std::string> args =
      WithTestPhpArgs(3, argv, "-d extension_dir=modules/  -d extension=apcu.so ");
  CHECK(args == std::vector<std::string>{"phptrun", "-q", "tests/", "-d", "extension_dir=modules/",
                                         "-d", "extension=apcu.so"});
  // What phpize's `make test` passes this way reaches the engine's INI.
  std::vector<const char*> ptrs;
  for (const std::string& a : args) ptrs.push_back(a.c_str());
  Options options;
  std::string err;
  REQUIRE(ParseOptions(static_cast<int>(ptrs.size()), ptrs.data(), &options, &err));
  CHECK(options.defines == std::vector<std::string>{"extension_dir=modules/", "extension=apcu.so"});
  CHECK(options.paths == std::vector<std::string>{"tests/"});
}

}  // namespace
}  // namespace phptrun
