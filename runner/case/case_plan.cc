#include "runner/case/case_plan.h"

#include <strings.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runner/phpt/shell_words.h"
#include "runner/phpt/text_util.h"
#include "runner/result/result.h"

namespace phptrun {
namespace {

// The case's directory with symlinks resolved, as run-tests' realpath().
std::string RealDirectory(const std::string& path) {
  std::string dir = CaseDirectory(path);
  char* real = realpath(dir.c_str(), nullptr);
  if (!real) return dir;
  std::string out = real;
  free(real);
  return out;
}

// "foo.phpt" -> "foo".
std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".phpt") == 0) name.resize(name.size() - 5);
  return name;
}

// The EXTENSIONS section: one name per line, trimmed, empty lines skipped.
std::vector<std::string> ExtensionNames(const PhptFile& test) {
  std::vector<std::string> names;
  if (const std::string* body = test.Section("EXTENSIONS")) {
    for (std::string_view line : SplitLines(*body, "\r\n")) {
      std::string name = TrimWhitespace(line);
      if (!name.empty()) names.push_back(std::move(name));
    }
  }
  return names;
}

// The kind-specific checks run-tests makes before SKIPIF.
bool PlanKind(const PhptFile& test, const CaseContext& context, const EngineSetup& setup,
              CasePlan* plan, Judgement* stop) {
  plan->redirects = test.Has("REDIRECTTEST");
  if (plan->redirects && !context.empty()) {
    *stop = {Verdict::kBork, "a REDIRECTTEST cannot be run through another REDIRECTTEST"};
    return false;
  }
  plan->cgi = IsCgiTest(test);
  if (plan->cgi) {
    for (const char* name : {"GZIP_POST", "DEFLATE_POST"}) {
      const std::string* body = test.Section(name);
      if (body && !body->empty()) {
        *stop = {Verdict::kSkip, std::string(name) + " is not supported yet"};
        return false;
      }
    }
    if (!BuildCgiRequest(test, &plan->cgi_request, &stop->reason)) {
      stop->verdict = Verdict::kBork;
      return false;
    }
  }
  if (test.Has("PHPDBG")) {
    *stop = {Verdict::kSkip, "phpdbg not available"};
    return false;
  }
  // Resident scenarios: a RESIDENT section, or --repeat for the other cases.
  if (const std::string* body = test.Section("RESIDENT")) {
    if (!ParseResidentSection(*body, &plan->resident_spec, &stop->reason)) {
      stop->verdict = Verdict::kBork;
      return false;
    }
    plan->resident = true;
  } else if (setup.repeat > 1) {
    const std::string* ini = test.Section("INI");
    std::string skip = RepeatSkipReason([&](const char* name) { return test.Has(name); },
                                        ini ? *ini : std::string());
    if (!skip.empty()) {
      *stop = {Verdict::kSkip, skip};
      return false;
    }
    plan->resident_spec = RepeatSpec(setup.repeat);
    plan->resident = true;
  }
  return true;
}

// EXTENSIONS (and a redirect's): the INI that loads those not loaded, or a
// SKIP naming those that cannot be.
bool PlanExtensions(const PhptFile& test, const CaseContext& context, const EngineFacts& engine,
                    CasePlan* plan, Judgement* stop) {
  plan->extension_names = ExtensionNames(test);
  std::vector<std::string> wanted = context.extensions;
  wanted.insert(wanted.end(), plan->extension_names.begin(), plan->extension_names.end());
  std::string missing;
  for (const std::string& name : wanted) {
    if (engine.ExtensionLoaded(name)) continue;
    std::string so = engine.ExtensionFile(name);
    if (so.empty()) {
      missing += (missing.empty() ? "" : ", ") + name;
    } else {
      bool zend = name == "opcache" || name == "xdebug";
      plan->extension_ini.push_back({zend ? "zend_extension" : "extension", so});
    }
  }
  if (!missing.empty()) {
    *stop = {Verdict::kSkip, "Required extension(s) missing: " + missing};
    return false;
  }
  plan->extension_lines = FormatIniLines(plan->extension_ini);
  return true;
}

// The environment run-tests gives every request, then the ENV section.
void PlanEnvironment(const PhptFile& test, const CaseContext& context, CasePlan* plan) {
  plan->env = context.env;
  plan->env.insert(plan->env.end(),
                   {{"REDIRECT_STATUS", ""}, {"QUERY_STRING", ""}, {"PATH_TRANSLATED", ""},
                    {"SCRIPT_FILENAME", ""}, {"REQUEST_METHOD", ""}, {"CONTENT_TYPE", ""},
                    {"CONTENT_LENGTH", ""}, {"TZ", ""}});
  if (const std::string* body = test.Section("ENV")) {
    std::string text = *body;
    for (size_t p; (p = text.find("{PWD}")) != std::string::npos;) text.replace(p, 5, plan->dir);
    for (std::string_view raw : SplitLines(text, "\n")) {
      std::string line = TrimWhitespace(raw);
      size_t eq = line.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      plan->env_section.push_back({line.substr(0, eq), line.substr(eq + 1)});
    }
  }
  plan->skipif_env = plan->env;
  plan->skipif_env.insert(plan->skipif_env.end(), plan->env_section.begin(),
                          plan->env_section.end());
  plan->own_env = !context.env.empty() || !plan->env_section.empty();
}

}  // namespace

std::vector<std::string> GeneratedFiles(const std::string& path, const CaseContext& context) {
  std::string dir = context.empty() ? RealDirectory(path) : context.script_dir;
  const std::string base = dir + "/" + BaseName(path);
  return {base + ".php", base + ".skip.php", base + ".clean.php"};
}

bool PlanCase(const PhptFile& test, const CaseContext& context, const EngineSetup& setup,
              const EngineFacts& engine, CasePlan* plan, Judgement* stop) {
  if (!PlanKind(test, context, setup, plan, stop)) return false;
  if (!PlanExtensions(test, context, engine, plan, stop)) return false;

  plan->dir = context.empty() ? RealDirectory(test.path()) : context.script_dir;
  std::vector<std::string> files = GeneratedFiles(test.path(), context);
  plan->script = files[0];
  plan->skip_file = files[1];
  plan->clean_file = files[2];

  // The test's INI: applied in the started engine when every entry can be,
  // else the case process restarts its engine with them.
  if (const std::string* ini = test.Section("INI")) plan->test_ini = ParseIniSection(*ini, plan->dir);
  plan->needs_restart = !plan->extension_ini.empty();
  for (const IniEntry& e : plan->test_ini) {
    if (!engine.IniAppliesAtRuntime(e.first)) plan->needs_restart = true;
  }
  plan->extra_args =
      setup.extra_args + FormatDefineArgs(plan->extension_ini) + FormatDefineArgs(plan->test_ini);
  PlanEnvironment(test, context, plan);
  return true;
}

void FillTestRequest(const PhptFile& test, const CasePlan& plan,
                     const phptrun_engine_options* cgi_options, RequestSpec* spec) {
  if (plan.needs_restart) {
    IniList startup = plan.extension_ini;
    MergeIni(&startup, plan.test_ini);
    spec->startup_ini = FormatIniLines(startup);
  } else {
    spec->runtime_ini = FormatIniLines(plan.test_ini);
  }
  spec->env = plan.env;
  spec->env.insert(spec->env.end(), {{"REDIRECT_STATUS", "1"}, {"PATH_TRANSLATED", plan.script},
                                     {"SCRIPT_FILENAME", plan.script}, {"REQUEST_METHOD", "GET"},
                                     {"TEST_PHP_EXTRA_ARGS", plan.extra_args}});
  const CgiRequest& cgi = plan.cgi_request;
  if (plan.cgi) {
    spec->env.insert(spec->env.end(),
                     {{"QUERY_STRING", cgi.query_string},
                      {"HTTP_COOKIE", cgi.cookie},
                      {"REQUEST_METHOD", cgi.method},
                      {"CONTENT_TYPE", cgi.content_type},
                      {"CONTENT_LENGTH", cgi.has_body ? std::to_string(cgi.body.size()) : ""}});
  }
  spec->env.insert(spec->env.end(), plan.env_section.begin(), plan.env_section.end());
  spec->env_section = plan.own_env;
  if (const std::string* args = test.Section("ARGS")) {
    for (std::string& word : SplitShellWords(*args)) spec->argv.push_back(std::move(word));
    // run-tests' command ends at the section's newline, so its " 2>&1"
    // becomes a separate command: stderr of ARGS tests is not captured.
    spec->discard_stderr = args->find('\n') != std::string::npos;
  }
  if (const std::string* capture = test.Section("CAPTURE_STDIO")) {
    auto names = [&](const char* stream) { return strcasestr(capture->c_str(), stream) != nullptr; };
    spec->capture_stdin = names("STDIN");
    spec->capture_stdout = names("STDOUT");
    spec->capture_stderr = names("STDERR");
  }
  if (const std::string* in = test.Section("STDIN")) {
    spec->has_stdin = true;
    spec->stdin_data = *in;
  }
  if (plan.cgi) {
    // php-cgi -C: the CGI personality, the request line from the sections,
    // the body on stdin, and the CGI environment run-tests sets.
    spec->restart_as = cgi_options;
    if (spec->startup_ini.empty() && !spec->runtime_ini.empty()) {
      spec->startup_ini = spec->runtime_ini;  // a restart happens anyway
      spec->runtime_ini.clear();
    }
    spec->argv.resize(1);
    spec->discard_stderr = false;
    if (cgi.has_body) {
      spec->has_stdin = true;
      spec->stdin_data = cgi.body;
    }
  }
}

bool WriteCaseScript(const std::string& path, const std::string& content, std::string* err) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    *err = path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) *err = path + ": write failed";
  return ok;
}

}  // namespace phptrun
