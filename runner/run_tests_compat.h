// What main.cc does for run-tests.php's options (docs/run-tests-options.md),
// kept apart from the shell so each reads on its own:
//
//   ApplyRunTestsSetup(options, &setup);        files beside cases, --keep-*, --show-*, ...
//   AddRunTestsIni(options, &ini);              --file-cache-*, --repeat
//   SetRunTestsEnvironment(options);            TEST_TIMEOUT, SKIP_REPEAT, --asan's variables
//   ReadCaseList(options, &paths, &err);        -r / -l
//   FilterRunTestsCases(options, &cases);       --file-cache-* leaves out ext/opcache, --shuffle
//   ApplyRunTestsConsole(options, &console);    -g, --[no-]progress, --[no-]color, --show-slow
//   BlessFailedCases(files, std::cout);         --bless
//   status = RunTestsExitStatus(status);        REPORT_EXIT_STATUS
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "reports/console_reporter.h"
#include "runner/case/engine_setup.h"
#include "runner/options.h"
#include "runner/phpt/ini.h"

namespace phptrun {

void ApplyRunTestsSetup(const Options& o, EngineSetup* setup);
void AddRunTestsIni(const Options& o, IniList* ini);
// -m / -M TOOL: false with *err when valgrind cannot run the tool.
bool CheckValgrind(const Options& o, std::string* err);
void SetRunTestsEnvironment(const Options& o);
// Appends the cases of the -r/-l list to *paths. False with *err when -r's
// file cannot be read (a missing -l file is an empty list).
bool ReadCaseList(const Options& o, std::vector<std::string>* paths, std::string* err);
void FilterRunTestsCases(const Options& o, std::vector<std::string>* cases);
void ApplyRunTestsConsole(const Options& o, ConsoleOptions* console);
void BlessFailedCases(const std::vector<std::string>& failed, std::ostream& out);
int RunTestsExitStatus(int status);

}  // namespace phptrun
