#include "runner/case/case_files.h"

#include <unistd.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "runner/case/case_plan.h"

namespace phptrun {

std::string CaseFilesBase(const std::string& script) {
  const std::string php = ".php";
  if (script.size() <= php.size() || script.compare(script.size() - php.size(), php.size(), php) != 0) {
    return "";
  }
  return script.substr(0, script.size() - 3);
}

void RemoveCaseFiles(const std::string& base) {
  if (base.empty()) return;
  for (const char* ext :
       {"diff", "log", "exp", "out", "mem", "sh", "php", "skip.php", "clean.php", "post"}) {
    unlink((base + ext).c_str());
  }
}

bool WriteFailureFiles(const std::string& base, const FailureFiles& files, bool write_sh,
                       std::string* err) {
  if (base.empty()) return true;
  auto wants = [&](char letter) { return files.log_format.find(letter) != std::string::npos; };
  if (wants('E') && !WriteCaseScript(base + "exp", files.expected, err)) return false;
  if (wants('O') && !WriteCaseScript(base + "out", files.actual, err)) return false;
  if (wants('D') && !WriteCaseScript(base + "diff", files.diff, err)) return false;
  if (wants('L') && !WriteCaseScript(base + "log",
                               "\n---- EXPECTED OUTPUT\n" + files.expected +
                                   "\n---- ACTUAL OUTPUT\n" + files.actual + "\n---- FAILED\n",
                               err)) {
    return false;
  }
  if (write_sh && wants('S')) {
    if (!WriteCaseScript(base + "sh", files.reproducer, err)) return false;
    chmod((base + "sh").c_str(), 0755);
  }
  return true;
}

std::string ShellQuote(std::string_view word) {
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string ReproducerScript(const std::vector<std::pair<std::string, std::string>>& env,
                             const std::string& command) {
  // One line per name, in first-seen order, with the last value given.
  std::vector<std::string> order;
  std::map<std::string, std::string> values;
  for (const auto& [name, value] : env) {
    if (name.empty() || name.find_first_of("=\n") != std::string::npos) continue;
    if (values.emplace(name, value).second) {
      order.push_back(name);
    } else {
      values[name] = value;
    }
  }
  std::string exports;
  for (const std::string& name : order) exports += "export " + name + "=" + ShellQuote(values[name]) + "\n";
  return "#!/bin/sh\n" + (exports.empty() ? "" : "\n" + exports) +
         "\n"
         "case \"$1\" in\n"
         "\"gdb\")\n"
         "    gdb --args " + command + "\n"
         "    ;;\n"
         "\"lldb\")\n"
         "    lldb -- " + command + "\n"
         "    ;;\n"
         "\"valgrind\")\n"
         "    USE_ZEND_ALLOC=0 valgrind $2 " + command + "\n"
         "    ;;\n"
         "\"rr\")\n"
         "    rr record $2 " + command + "\n"
         "    ;;\n"
         "*)\n"
         "    " + command + "\n"
         "    ;;\n"
         "esac";
}

std::string ShowBlock(const std::string& name, std::string_view text) {
  static const char kTrimmed[] = " \t\n\r\v\0";  // PHP's rtrim() set
  size_t end = text.find_last_not_of(kTrimmed, std::string_view::npos, sizeof kTrimmed - 1);
  std::string_view body = end == std::string_view::npos ? std::string_view() : text.substr(0, end + 1);
  return "\n========" + name + "========\n" + std::string(body) + "\n========DONE========\n";
}

}  // namespace phptrun
