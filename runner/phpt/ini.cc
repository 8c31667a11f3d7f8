#include "runner/phpt/ini.h"

#include <cctype>
#include <cstdlib>

namespace phptrun {
namespace {

std::string_view Trim(std::string_view s) {
  const char* kSpace = " \t\n\r\v\f";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

void ReplaceAll(std::string* s, std::string_view from, const std::string& to) {
  for (size_t pos = 0; (pos = s->find(from, pos)) != std::string::npos; pos += to.size()) {
    s->replace(pos, from.size(), to);
  }
}

bool Accumulates(const std::string& key) {
  return key == "extension" || key == "zend_extension";
}

}  // namespace

IniList RunTestsIniDefaults() {
  return {
      {"output_handler", ""},
      {"open_basedir", ""},
      {"disable_functions", ""},
      {"output_buffering", "Off"},
      {"error_reporting", "32767"},
      {"display_errors", "1"},
      {"display_startup_errors", "1"},
      {"log_errors", "0"},
      {"html_errors", "0"},
      {"track_errors", "0"},
      {"report_memleaks", "1"},
      {"report_zend_debug", "0"},
      {"docref_root", ""},
      {"docref_ext", ".html"},
      {"error_prepend_string", ""},
      {"error_append_string", ""},
      {"auto_prepend_file", ""},
      {"auto_append_file", ""},
      {"ignore_repeated_errors", "0"},
      {"precision", "14"},
      {"serialize_precision", "-1"},
      {"memory_limit", "128M"},
      {"opcache.fast_shutdown", "0"},
      {"opcache.file_update_protection", "0"},
      {"opcache.revalidate_freq", "0"},
      {"opcache.jit_hot_loop", "1"},
      {"opcache.jit_hot_func", "1"},
      {"opcache.jit_hot_return", "1"},
      {"opcache.jit_hot_side_exit", "1"},
      {"zend.assertions", "1"},
      {"zend.exception_ignore_args", "0"},
      {"zend.exception_string_param_max_len", "15"},
      {"short_open_tag", "0"},
      {"session.auto_start", "0"},
      {"zlib.output_compression", "Off"},
  };
}

IniList ParseIniSection(std::string_view body, const std::string& test_dir) {
  std::string text(body);
  ReplaceAll(&text, "{PWD}", test_dir);
  ReplaceAll(&text, "{TMP}", TempDirectory());
  // {MAIL:file} -> a sendmail_path that writes the mail to file (run-tests'
  // /{MAIL:(\S+)}/ with its greedy \S+: up to the last '}' of the word).
  for (size_t at; (at = text.find("{MAIL:")) != std::string::npos;) {
    size_t word_end = text.find_first_of(" \t\r\n\v\f", at);
    if (word_end == std::string::npos) word_end = text.size();
    size_t close = text.rfind('}', word_end - 1);
    if (close == std::string::npos || close <= at + 6) break;
    text.replace(at, close + 1 - at, "tee " + text.substr(at + 6, close - at - 6) + " >/dev/null");
  }
  IniList out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    size_t eq = line.find('=');
    if (eq != std::string_view::npos) {
      std::string key(Trim(line.substr(0, eq)));
      std::string value(Trim(line.substr(eq + 1)));
      MergeIni(&out, {{key, value}});
    }
    pos = end + 1;
  }
  return out;
}

void MergeIni(IniList* base, const IniList& more) {
  for (const IniEntry& entry : more) {
    bool replaced = false;
    if (!Accumulates(entry.first)) {
      for (IniEntry& existing : *base) {
        if (existing.first == entry.first) {
          existing.second = entry.second;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) base->push_back(entry);
  }
}

std::string FormatIniLine(const std::string& key, const std::string& value) {
  unsigned char first = value.empty() ? '\0' : static_cast<unsigned char>(value[0]);
  bool literal = first != '\0' && !std::isalnum(first) && first != '"' && first != '\'';
  if (!literal) return key + "=" + value + "\n";
  // Wrapped in quotes without escaping, exactly as `php -d` does.
  return key + "=\"" + value + "\"\n";
}

std::string FormatIniLines(const IniList& entries) {
  std::string out;
  for (const IniEntry& e : entries) out += FormatIniLine(e.first, e.second);
  return out;
}

std::string FormatDefineArgs(const IniList& entries) {
  std::string out;
  for (const IniEntry& e : entries) out += " -d \"" + e.first + "=" + e.second + "\"";
  return out;
}

std::string TempDirectory() {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = tmp && *tmp ? tmp : "/tmp";
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

}  // namespace phptrun
