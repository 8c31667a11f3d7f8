// The first step of running a case: everything that can be decided from
// its sections before anything runs. What kind of case it is (plain, CGI,
// REDIRECTTEST, resident), where its scripts go, the INI and environment of
// its requests, and the extensions it needs, or the verdict that stops it
// before SKIPIF (a BORK for a malformed section, a SKIP for a missing
// extension or an unsupported section).
//
//   CasePlan plan;
//   Judgement stop;
//   if (!PlanCase(test, context, setup, engine_facts, &plan, &stop)) ... stop.verdict
//   RequestSpec spec = ...;                 // the worker's defaults
//   FillTestRequest(test, plan, &cgi_options, &spec);
//
// Nothing here starts a process; what it needs to know of the started
// engine comes through EngineFacts, so unit tests can give a fake.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runner/case/case_context.h"
#include "runner/case/engine_setup.h"
#include "runner/phpt/cgi_request.h"
#include "runner/phpt/ini.h"
#include "runner/phpt/judge.h"
#include "runner/phpt/phpt_file.h"
#include "runner/process/sandbox.h"
#include "runner/resident/resident_spec.h"

namespace phptrun {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// What planning needs to know of the worker's started engine.
class EngineFacts {
 public:
  virtual ~EngineFacts() = default;
  virtual bool ExtensionLoaded(const std::string& name) const = 0;
  // The shared object that would load extension `name`, or "" when there is none.
  virtual std::string ExtensionFile(const std::string& name) const = 0;
  // False for entries that only act at engine startup (PHP_INI_SYSTEM,
  // unknown keys, extension=).
  virtual bool IniAppliesAtRuntime(const std::string& key) const = 0;
};

struct CasePlan {
  bool redirects = false;              // a REDIRECTTEST
  bool cgi = false;                    // has CGI sections: runs as php-cgi
  CgiRequest cgi_request;
  bool resident = false;               // RESIDENT section, or --repeat
  ResidentSpec resident_spec;
  std::vector<std::string> extension_names;  // its EXTENSIONS section
  IniList extension_ini;               // loads the extensions it needs that are not loaded
  std::string extension_lines;         // the same as INI lines: SKIPIF's and CLEAN's startup INI
  std::string dir;                     // where its scripts go (the test's, or the redirect's)
  std::string script, skip_file, clean_file;
  IniList test_ini;                    // its INI section
  bool needs_restart = false;          // an entry only acts at startup: restart the engine
  std::string extra_args;              // TEST_PHP_EXTRA_ARGS, as run-tests sets it
  EnvList env;                         // every request's base environment
  EnvList env_section;                 // its ENV section
  EnvList skipif_env;                  // env + ENV: SKIPIF, CLEAN and REDIRECTTEST
  bool own_env = false;                // an ENV section (its own or a REDIRECTTEST's)
};

// Plans the case of `test` (already loaded without error). False, with
// *stop, when it ends here.
bool PlanCase(const PhptFile& test, const CaseContext& context, const EngineSetup& setup,
              const EngineFacts& engine, CasePlan* plan, Judgement* stop);

// Sets up the test request of a planned case on `spec` (which has the
// worker's defaults: script, argv[0], timeout, descriptors): its INI, its
// environment, ARGS, CAPTURE_STDIO, STDIN, and for a CGI case the php-cgi
// personality `cgi_options` (which must outlive the request).
void FillTestRequest(const PhptFile& test, const CasePlan& plan,
                     const phptrun_engine_options* cgi_options, RequestSpec* spec);

// Writes one of a planned case's scripts (script, skip_file, clean_file),
// which live beside the test while it runs, as run-tests writes them.
// The files a case writes beside itself (or in its REDIRECTTEST's
// directory) while it runs: the test script, the SKIPIF and CLEAN scripts.
// The supervisor removes them when the case was cut short.
std::vector<std::string> GeneratedFiles(const std::string& path, const CaseContext& context);

bool WriteCaseScript(const std::string& path, const std::string& content, std::string* err);

}  // namespace phptrun
