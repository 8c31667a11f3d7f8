// Catch2 main for the engine tests: starts the real embedded engine once
// (SINIT + MINIT, without php.ini so the tests do not depend on the
// machine's configuration), as a phptrun worker does, then runs the tests,
// each of which forks requests from it. The lifecycle tracer is on (phptrun
// turns it on for --trace, --profile and --tracer), so every engine test also
// shows it changes nothing a script can see.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>

#include "runner/phpt/ini.h"
#include "runner/sapi/engine.h"
#include "runner/sapi/lifecycle_hooks.h"

int main(int argc, char** argv) {
  static const std::string ini = phptrun::FormatIniLines(phptrun::RunTestsIniDefaults());
  phptrun_engine_options options{};
  options.sapi_name = "cli";
  options.php_binary = PHPTRUN_PHP_CLI;
  options.no_ini = 1;
  options.ini_entries = ini.c_str();
  char err[256];
  phptrun_lifecycle_enable(1);
  if (phptrun_engine_startup(&options, nullptr, err, sizeof err) != 0) {
    std::fprintf(stderr, "engine did not start: %s\n", err);
    return 2;
  }
  int failed = Catch::Session().run(argc, argv);
  phptrun_engine_shutdown(nullptr);
  return failed;
}
