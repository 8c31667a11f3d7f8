// CaseRunner's auxiliary requests (SKIPIF, CLEAN, REDIRECTTEST), the
// defaults every request of a case starts from, and what planning asks of
// the started engine.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "runner/case/case_files.h"
#include "runner/case/case_runner.h"
#include "runner/case/case_trace.h"
#include "runner/phpt/text_util.h"

namespace phptrun {

CaseRunner::RealEngineFacts::RealEngineFacts() {
  const char* dir = phptrun_engine_ini_value("extension_dir");
  extension_dir_ = dir ? dir : "";
}

bool CaseRunner::RealEngineFacts::ExtensionLoaded(const std::string& name) const {
  return phptrun_engine_extension_loaded(name.c_str());
}

std::string CaseRunner::RealEngineFacts::ExtensionFile(const std::string& name) const {
  std::string so = extension_dir_ + "/" + name + ".so";
  return access(so.c_str(), R_OK) == 0 ? so : "";
}

bool CaseRunner::RealEngineFacts::IniAppliesAtRuntime(const std::string& key) const {
  return phptrun_engine_ini_applies_at_runtime(key.c_str());
}

RequestSpec CaseRunner::BaseSpec(const std::string& script) const {
  RequestSpec spec;
  spec.script_path = script;
  spec.argv = {script};
  spec.timeout_s = setup_.timeout_s;
  spec.output_limit = setup_.output_limit;
  // The worker's other descriptors were closed when it started (their
  // numbers may since belong to other files); only its own pipes remain.
  spec.close_fds = config_.worker_fds;
  spec.fresh = fresh_;
  return spec;
}

void CaseRunner::UseCgi(RequestSpec* spec) const {
  spec->restart_as = &cgi_options_;
  spec->quiet = true;
  spec->argv.resize(1);
}

RequestOutcome CaseRunner::Execute(const RequestSpec& spec) {
  Step(CaseStep::kRequest, spec.timeout_s);
  RequestOutcome out = sandbox_.Run(spec);
  reused_ = reused_ || out.reused;
  CountCpu(out);
  return out;
}

SkipifOutcome CaseRunner::RunSkipif(const PhptFile& test, const CasePlan& plan,
                                    CaseResult* result) {
  const std::string& code = *test.Section("SKIPIF");
  // run-tests' key: the command line (our startup INI) and the directory,
  // then the code; the environment is not part of it.
  std::string key = (plan.cgi ? "cgi\n" : "") + plan.extension_lines + '\0' +
                    CaseDirectory(plan.skip_file) + '\0' + code;
  bool use_cache = !std::getenv("DISABLE_SKIP_CACHE");
  if (use_cache && !fresh_) {  // a fresh run checks what a reused process said
    auto hit = skipif_cache_.find(key);
    if (hit != skipif_cache_.end()) return InterpretSkipif(hit->second);
  }
  std::string err;
  if (!WriteCaseScript(plan.skip_file, code, &err)) {
    SkipifOutcome bork;
    bork.action = SkipifOutcome::Action::kBork;
    bork.reason = "cannot write SKIPIF file: " + err;
    return bork;
  }
  RequestSpec spec = BaseSpec(plan.skip_file);
  spec.startup_ini = plan.extension_lines;
  spec.runtime_ini = "display_errors=1\ndisplay_startup_errors=0\n";
  spec.runtime_ini_undoable = true;
  spec.env = plan.skipif_env;
  spec.env_section = plan.own_env;
  // run-tests runs SKIPIF and CLEAN without 2>&1 and reads only stdout.
  spec.discard_stderr = true;
  if (plan.cgi) UseCgi(&spec);
  for (const char* name : {"REQUEST_METHOD", "QUERY_STRING", "PATH_TRANSLATED", "SCRIPT_FILENAME"}) {
    spec.env.push_back({name, ""});
  }
  RequestOutcome out = Execute(spec);
  if (!setup_.keep_skip) unlink(plan.skip_file.c_str());
  Phase phase;
  phase.name = "SKIPIF";
  phase.ms = out.wall_ms;
  phase.heap_peak = out.engine.execute.heap_peak;
  result->phases.push_back(phase);
  AddRequestTrace(out, "SKIPIF", config_.run_start_ms, setup_.spans, result);

  std::string output = OutputAsRunTestsSees(out);
  SkipifOutcome outcome = InterpretSkipif(output);
  if (outcome.action == SkipifOutcome::Action::kBork) {
    // Say what it printed, as run-tests does: usually a PHP warning.
    std::string shown = TrimWhitespace(output);
    if (shown.size() > 300) shown = shown.substr(0, 300) + "...";
    for (char& c : shown) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    outcome.reason += ": " + shown;
  }
  if (use_cache && outcome.cacheable && out.completed) skipif_cache_[key] = output;
  return outcome;
}

std::string CaseRunner::RunClean(const PhptFile& test, const CasePlan& plan, CaseResult* result) {
  const std::string* code = test.Section("CLEAN");
  std::string err;
  if (!code || TrimWhitespace(*code).empty()) return {};
  if (std::find(setup_.show_blocks.begin(), setup_.show_blocks.end(), "clean") !=
      setup_.show_blocks.end()) {
    result->blocks += ShowBlock("CLEAN", *code);
  }
  // --no-clean: CLEAN does not run (with --keep-clean its file is still written).
  if (setup_.no_clean && !setup_.keep_clean) return {};
  if (!WriteCaseScript(plan.clean_file, TrimWhitespace(*code), &err)) return {};
  if (setup_.no_clean) return {};
  RequestSpec clean = BaseSpec(plan.clean_file);
  clean.startup_ini = plan.extension_lines;
  clean.env = plan.skipif_env;
  clean.env_section = plan.own_env;
  clean.discard_stderr = true;
  if (plan.cgi) UseCgi(&clean);
  RequestOutcome out = Execute(clean);
  if (!setup_.keep_clean) unlink(plan.clean_file.c_str());
  Phase phase;
  phase.name = "CLEAN";
  phase.ms = out.wall_ms;
  result->phases.push_back(phase);
  AddRequestTrace(out, "CLEAN", config_.run_start_ms, setup_.spans, result);
  return TrimWhitespace(OutputAsRunTestsSees(out));
}

namespace {

// `text` as lowercase hex digits, for PHP's hex2bin(): any bytes survive
// being put into the generated script.
std::string HexBytes(const std::string& text) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(text.size() * 2);
  for (unsigned char c : text) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

}  // namespace

bool CaseRunner::EvaluateRedirect(const PhptFile& test, const CasePlan& plan,
                                  std::string* directory, EnvList* redirect_env,
                                  std::string* why) {
  // run-tests eval()s the section inside run-tests.php and reads the array it
  // returns, so the section's __DIR__ and __FILE__ are run-tests.php's (the
  // php-src root it is run from: ext/pdo_sqlite/tests/common.phpt redirects
  // to `__DIR__ . '/ext/pdo/tests'`). phptrun has no run-tests.php: they are
  // the directory phptrun runs in, replaced token by token before the eval.
  char cwd[4096];
  std::string here = getcwd(cwd, sizeof cwd) ? cwd : ".";
  std::string code =
      "<?php $code = hex2bin('" + HexBytes(*test.Section("REDIRECTTEST")) + "');\n"
      "$dir = var_export(hex2bin('" + HexBytes(here) + "'), true);\n"
      "$file = var_export(hex2bin('" + HexBytes(here + "/run-tests.php") + "'), true);\n"
      "if (function_exists('token_get_all')) {\n"
      "  $source = '';\n"
      "  foreach (array_slice(token_get_all('<?php ' . $code), 1) as $t) {\n"
      "    if (!is_array($t)) { $source .= $t; continue; }\n"
      "    $source .= $t[0] === T_DIR ? $dir : ($t[0] === T_FILE ? $file : $t[1]);\n"
      "  }\n"
      "  $code = $source;\n"
      "}\n"
      "echo json_encode((function () use ($code) { return eval($code); })(),\n"
      "                 JSON_INVALID_UTF8_SUBSTITUTE);";
  std::string err;
  if (!WriteCaseScript(plan.script, code, &err)) {
    *why = "cannot write the REDIRECTTEST script: " + err;
    return false;
  }
  RequestSpec spec = BaseSpec(plan.script);
  spec.env = plan.skipif_env;
  spec.env_section = plan.own_env;
  RequestOutcome out = Execute(spec);
  unlink(plan.script.c_str());
  nlohmann::json info = nlohmann::json::parse(out.output, nullptr, false);
  const std::string kNoDirectory =
      "Redirect info must contain exactly one TEST string to be used as redirect directory.";
  if (info.is_discarded() || !info.is_object()) {
    *why = kNoDirectory + " (the section printed: " + TrimWhitespace(out.output).substr(0, 200) + ")";
    return false;
  }
  auto tests = info.find("TESTS");
  if (tests == info.end() || !tests->is_string() || tests->get<std::string>().empty()) {
    *why = kNoDirectory;
    return false;
  }
  *directory = tests->get<std::string>();
  auto vars = info.find("ENV");
  if (vars != info.end() && vars->is_object()) {
    for (auto it = vars->begin(); it != vars->end(); ++it) {
      std::string value = it->is_string() ? it->get<std::string>() : it->dump();
      redirect_env->push_back({it.key(), value});
    }
  }
  return true;
}

}  // namespace phptrun
