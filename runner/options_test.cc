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
  CHECK(ParseOk({"-j4", "-j", "auto", "t"}).jobs == 0);  // auto, the default
  CHECK(ParseOk({"-jauto", "t"}).jobs == 0);
  CHECK(ParseError({"-j", "Auto", "t"}).find("'auto'") != std::string::npos);
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

TEST_CASE("options: --resident-budget S (extensions of undecided resident runs)") {
  CHECK(ParseOk({"suites"}).resident_budget_s == 30);
  CHECK(ParseOk({"--resident-budget", "0", "suites"}).resident_budget_s == 0);
  CHECK(ParseOk({"--resident-budget=120", "suites"}).resident_budget_s == 120);
  CHECK(ParseError({"--resident-budget", "-1", "suites"}) ==
        "--resident-budget: expected seconds >= 0, got '-1'");
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

// run-tests.php 8.2's options (docs/run-tests-options.md).

TEST_CASE("options: php-src's own CI command line is accepted") {
  // .github/actions/test-linux/action.yml of php-src 8.2, with its inputs filled in.
  Options o = ParseOk({"-P", "-q", "-d", "zend_extension=opcache.so", "-d", "opcache.enable_cli=1",
                       "-d", "opcache.jit=tracing", "-d", "opcache.jit_buffer_size=16M", "-j2",
                       "-g", "FAIL,BORK,LEAK,XLEAK", "--no-progress", "--offline", "--show-diff",
                       "--show-slow", "1000", "--set-timeout", "120", "Zend/tests"});
  CHECK(o.quiet);
  CHECK(o.jobs == 2);
  CHECK(o.defines.size() == 4);
  CHECK(o.show_groups == std::vector<std::string>{"FAIL", "BORK", "LEAK", "XLEAK"});
  CHECK(o.progress == 0);
  CHECK(o.offline);
  CHECK(o.show_diff);
  CHECK(o.show_slow_ms == 1000);
  CHECK(o.timeout_s == 120);
  CHECK(o.set_timeout);
  CHECK(o.timeout_given);
  REQUIRE(o.notes.size() == 1);  // -P: accepted, explained
  CHECK(o.notes[0].find("-P: ") == 0);
  CHECK(o.paths == std::vector<std::string>{"Zend/tests"});
}

TEST_CASE("options: -g takes run-tests' groups and names a wrong one") {
  CHECK(ParseOk({"-g", "PASS", "t"}).show_groups == std::vector<std::string>{"PASS"});
  CHECK(ParseOk({"-g", "SKIP,REDIRECT,WARN,XFAIL", "t"}).show_groups.size() == 4);
  CHECK(ParseError({"-g", "FAIL,FAILED", "t"}).find("-g: unknown group 'FAILED'") == 0);
  CHECK(ParseError({"-g", "fail", "t"}).find("'fail'") != std::string::npos);
  CHECK(ParseError({"-g", "", "t"}).find("-g: unknown group ''") == 0);
  CHECK(ParseError({"t", "-g"}) == "-g needs a value");
}

TEST_CASE("options: list files -r, -l, -w, -a, -W and -s") {
  Options o = ParseOk({"-r", "in.txt"});  // a list is enough: no PATH needed
  CHECK(o.read_list == "in.txt");
  CHECK(o.write_list.empty());
  o = ParseOk({"-l", "loop.txt"});
  CHECK(o.read_list == "loop.txt");
  CHECK(o.write_list == "loop.txt");
  CHECK_FALSE(o.append_list);
  o = ParseOk({"-a", "failed.txt", "-W", "all.txt", "-s", "summary.txt", "t"});
  CHECK(o.write_list == "failed.txt");
  CHECK(o.append_list);
  CHECK(o.result_list == "all.txt");
  CHECK(o.summary_file == "summary.txt");
  CHECK(ParseOk({"-w", "f.txt", "t"}).write_list == "f.txt");
  for (const char* flag : {"-r", "-l", "-w", "-a", "-W", "-s"}) {
    INFO(flag);
    CHECK(ParseError({"t", flag}) == std::string(flag) + " needs a value");
  }
}

TEST_CASE("options: --keep-*, --show-*, --no-clean, --context, --shuffle, --bless, colours") {
  Options o = ParseOk({"--keep-php", "--keep-clean", "--show-php", "--show-out", "--no-clean",
                       "--context", "0", "--shuffle", "--bless", "--no-color", "--progress", "t"});
  CHECK(o.keep_php);
  CHECK_FALSE(o.keep_skip);
  CHECK(o.keep_clean);
  CHECK(o.show_blocks == std::vector<std::string>{"php", "out"});
  CHECK(o.no_clean);
  CHECK(o.context_lines == 0);
  CHECK(o.shuffle);
  CHECK(o.bless);
  CHECK(o.color == 0);
  CHECK(o.progress == 1);
  o = ParseOk({"--keep-all", "--show-all", "--color", "t"});
  CHECK((o.keep_php && o.keep_skip && o.keep_clean));
  CHECK(o.show_blocks.size() == 6);
  CHECK(o.show_diff);
  CHECK(o.color == 1);
  // run-tests takes these and does nothing with them.
  CHECK(ParseOk({"--keep-out", "--keep-diff", "t"}).notes.empty());
  CHECK(ParseError({"--keep-everything", "t"}).find("--keep-everything") != std::string::npos);
  CHECK(ParseError({"--show-stuff", "t"}).find("--show-stuff") != std::string::npos);
  CHECK(ParseError({"--context", "-1", "t"}) == "--context: expected a number of lines, got '-1'");
  CHECK(ParseError({"--show-slow", "1.5", "t"}) ==
        "--show-slow: expected a number of milliseconds, got '1.5'");
  CHECK(ParseError({"--bless=1", "t"}) == "--bless takes no value");
}

TEST_CASE("options: --set-timeout, --repeat's SKIP_REPEAT, --file-cache-*, --asan, --msan") {
  Options o = ParseOk({"--set-timeout", "5", "t"});
  CHECK(o.timeout_s == 5);
  CHECK(o.set_timeout);
  CHECK(ParseError({"--set-timeout", "0", "t"}) == "--set-timeout: expected seconds > 0, got '0'");
  CHECK_FALSE(ParseOk({"--timeout", "5", "t"}).set_timeout);
  CHECK(ParseOk({"--repeat", "2", "t"}).skip_repeat);
  CHECK_FALSE(ParseOk({"t"}).skip_repeat);
  CHECK(ParseOk({"--file-cache-prime", "t"}).file_cache == "prime");
  CHECK(ParseOk({"--file-cache-use", "t"}).file_cache == "use");
  CHECK(ParseOk({"--asan", "t"}).sanitizer == "asan");
  CHECK(ParseOk({"--msan", "t"}).sanitizer == "msan");
}

TEST_CASE("options: run-tests options phptrun cannot honour are refused with the reason") {
  CHECK(ParseError({"-p", "t"}).find("-p: phptrun runs cases in its embedded PHP") == 0);
  CHECK(ParseError({"--preload", "t"}).find("--preload: ") == 0);
  CHECK(ParseError({"--temp-source", "t"}).find("--temp-source: ") == 0);
}

TEST_CASE("options: -m and -M TOOL run tests under valgrind, with run-tests' 300 s") {
  Options o = ParseOk({"-m", "t"});
  CHECK(o.valgrind_tool == "memcheck");
  ApplyEnvironmentDefaults(&o);
  CHECK(o.timeout_s == 300);
  o = ParseOk({"-M", "helgrind", "--timeout", "20", "t"});
  CHECK(o.valgrind_tool == "helgrind");
  ApplyEnvironmentDefaults(&o);
  CHECK(o.timeout_s == 20);
  CHECK(ParseError({"-M", "a b", "t"}).find("-M: expected a valgrind tool name") == 0);
  CHECK(ParseError({"t", "-M"}) == "-M needs a value");
  // --show-mem has a log to show only with -m.
  CHECK(ParseOk({"-m", "--show-mem", "t"}).notes.empty());
  CHECK(ParseOk({"--show-mem", "t"}).notes.size() == 1);
}

TEST_CASE("options: TEST_TIMEOUT and SHOW_ONLY_GROUPS as run-tests reads them") {
  {
    ScopedEnv timeout("TEST_TIMEOUT", "7");
    ScopedEnv groups("SHOW_ONLY_GROUPS", "FAIL,NOPE,PASS");
    Options o = ParseOk({"t"});
    ApplyEnvironmentDefaults(&o);
    CHECK(o.timeout_s == 7);
    CHECK(o.show_groups == std::vector<std::string>{"FAIL", "PASS"});  // unknown names dropped
    // The command line wins.
    o = ParseOk({"--timeout", "3", "-g", "BORK", "t"});
    ApplyEnvironmentDefaults(&o);
    CHECK(o.timeout_s == 3);
    CHECK(o.show_groups == std::vector<std::string>{"BORK"});
  }
  ScopedEnv bad("TEST_TIMEOUT", "soon");
  Options o = ParseOk({"t"});
  ApplyEnvironmentDefaults(&o);
  CHECK(o.timeout_s == 60);
}

TEST_CASE("options: TEST_PHP_ARGS is split on spaces and appended") {
  const char* argv[] = {"phptrun", "-q", "t"};
  CHECK(ArgsWithEnvironment(3, argv, nullptr) == std::vector<std::string>{"phptrun", "-q", "t"});
  CHECK(ArgsWithEnvironment(3, argv, "  -g FAIL  --offline ") ==
        std::vector<std::string>{"phptrun", "-q", "t", "-g", "FAIL", "--offline"});
  CHECK(ArgsWithEnvironment(3, argv, "") == std::vector<std::string>{"phptrun", "-q", "t"});
}

TEST_CASE("options: -h teaches run-tests' options in their own section") {
  std::string usage = UsageText();
  size_t section = usage.find("run-tests.php's options");
  REQUIRE(section != std::string::npos);
  for (const char* flag : {"-r FILE", "-w FILE", "-l FILE", "-W FILE", "-g A,B", "--set-timeout S",
                           "--show-slow MS", "--bless", "--shuffle", "TEST_PHP_ARGS",
                           "REPORT_EXIT_STATUS", "foo.diff"}) {
    INFO(flag);
    CHECK(usage.find(flag, section) != std::string::npos);
  }
}

TEST_CASE("options: --html FILE") {
  CHECK(ParseOk({"--html", "r.html", "suites"}).html_file == "r.html");
  CHECK(ParseOk({"--html=out/r.html", "suites"}).html_file == "out/r.html");
  CHECK(ParseOk({"suites"}).html_file.empty());
  CHECK(ParseError({"suites", "--html"}).find("--html") != std::string::npos);
  CHECK(ParseError({"--html=", "suites"}) == "--html: the file name is empty");
  CHECK(UsageText().find("--html FILE") != std::string::npos);
}

}  // namespace phptrun

namespace phptrun {
namespace {

TEST_CASE("options: --shard K/N, --timings and --shard-timings") {
  Options o = ParseOk({"--shard", "2/4", "--timings", "a.json", "--timings=b.xml",
                       "--shard-timings", "c.json", "t"});
  CHECK(o.shard_index == 2);
  CHECK(o.shard_count == 4);
  CHECK(o.timings_files == std::vector<std::string>{"a.json", "b.xml"});
  CHECK(o.shard_timings_files == std::vector<std::string>{"c.json"});
  CHECK(ParseOk({"--shard=1/1", "t"}).shard_count == 1);
  for (const char* bad : {"0/4", "5/4", "4", "a/b", "2/", "/2", "-1/2", "2/4x"}) {
    std::string err = ParseError({"--shard", bad, "t"});
    CHECK(err.find("--shard") != std::string::npos);
    CHECK(err.find(bad) != std::string::npos);
  }
  CHECK(ParseError({"--timings", "", "t"}).find("--timings") != std::string::npos);
  CHECK(ParseError({"--shard-timings", "x.json", "t"}).find("--shard-timings") != std::string::npos);
  for (const char* flag : {"--timings FILE", "--shard K/N", "--shard-timings FILE", "phptrun merge"}) {
    INFO(flag);
    CHECK(UsageText().find(flag) != std::string::npos);
  }
}

}  // namespace
}  // namespace phptrun
