#include "runner/phpt/ini.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <set>
#include <string>

#include "runner/test_support.h"

namespace phptrun {
namespace {

using namespace std::string_literals;

const std::string* Find(const IniList& list, const std::string& key) {
  for (const IniEntry& e : list) {
    if (e.first == key) return &e.second;
  }
  return nullptr;
}

TEST_CASE("ini: run-tests' defaults, each key once") {
  IniList ini = RunTestsIniDefaults();
  // $ini_overwrites of run-tests.php 8.2 (phpt-reference.md §2.6).
  const IniList expected = {
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
  for (const IniEntry& e : expected) {
    INFO(e.first);
    const std::string* value = Find(ini, e.first);
    REQUIRE(value != nullptr);
    CHECK(*value == e.second);
  }
  std::set<std::string> keys;
  for (const IniEntry& e : ini) {
    INFO(e.first);
    CHECK(keys.insert(e.first).second);
  }
}

TEST_CASE("ini: a section is split on CR and LF, keys and values trimmed") {
  IniList ini = ParseIniSection("a=1\r\n  b = two words \n\n\r\r c\t=\t3\r", "/dir");
  CHECK(ini == IniList{{"a", "1"}, {"b", "two words"}, {"c", "3"}});
}

TEST_CASE("ini: lines without '=' are ignored, blank lines too") {
  IniList ini = ParseIniSection("\n; comment\nnot a setting\n\nx=1\n   \n[section]\n", "/dir");
  CHECK(ini == IniList{{"x", "1"}});
  CHECK(ParseIniSection("", "/dir").empty());
  CHECK(ParseIniSection("\r\n\r\n", "/dir").empty());
}

TEST_CASE("ini: only the first '=' separates key and value") {
  IniList ini = ParseIniSection("error_prepend_string=a=b\nempty=\n=nokey\n", "/dir");
  CHECK(ini == IniList{{"error_prepend_string", "a=b"}, {"empty", ""}, {"", "nokey"}});
}

TEST_CASE("ini: the last line needs no newline") {
  CHECK(ParseIniSection("a=1\nb=2", "/d") == IniList{{"a", "1"}, {"b", "2"}});
}

TEST_CASE("ini: a key repeated in a section replaces the earlier value in place") {
  IniList ini = ParseIniSection("a=1\nb=2\na=3\n", "/d");
  CHECK(ini == IniList{{"a", "3"}, {"b", "2"}});
}

TEST_CASE("ini: extension and zend_extension accumulate inside a section") {
  IniList ini = ParseIniSection(
      "extension=zip\nzend_extension=opcache\nextension = gd \nzend_extension=xdebug\n", "/d");
  CHECK(ini == IniList{{"extension", "zip"},
                       {"zend_extension", "opcache"},
                       {"extension", "gd"},
                       {"zend_extension", "xdebug"}});
}

TEST_CASE("ini: {PWD} is the test's directory, {TMP} the temp directory") {
  ScopedEnv tmp("TMPDIR", "/var/tmp/phptrun-test/");
  IniList ini = ParseIniSection(
      "include_path={PWD}:{PWD}/inc\nupload_tmp_dir={TMP}\nsession.save_path={TMP}/s\n"
      "literal=PWD TMP {pwd}\n",
      "/suites/ext");
  CHECK(ini == IniList{{"include_path", "/suites/ext:/suites/ext/inc"},
                       {"upload_tmp_dir", "/var/tmp/phptrun-test"},
                       {"session.save_path", "/var/tmp/phptrun-test/s"},
                       {"literal", "PWD TMP {pwd}"}});
}

TEST_CASE("ini: {TMP} without TMPDIR is /tmp") {
  ScopedEnv tmp("TMPDIR", nullptr);
  CHECK(ParseIniSection("d={TMP}", "/x") == IniList{{"d", "/tmp"}});
}

TEST_CASE("ini: MergeIni replaces in place and appends new keys") {
  IniList base = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  MergeIni(&base, {{"b", "20"}, {"d", "4"}, {"a", "10"}});
  CHECK(base == IniList{{"a", "10"}, {"b", "20"}, {"c", "3"}, {"d", "4"}});

  MergeIni(&base, {});
  CHECK(base.size() == 4);

  IniList empty;
  MergeIni(&empty, {{"x", "1"}, {"x", "2"}});
  CHECK(empty == IniList{{"x", "2"}});
}

TEST_CASE("ini: MergeIni keeps every extension and zend_extension") {
  IniList base = {{"extension", "zip"}, {"memory_limit", "128M"}};
  MergeIni(&base, {{"extension", "zip"},
                   {"zend_extension", "opcache"},
                   {"memory_limit", "-1"},
                   {"extension", "gd"}});
  CHECK(base == IniList{{"extension", "zip"},
                        {"memory_limit", "-1"},
                        {"extension", "zip"},
                        {"zend_extension", "opcache"},
                        {"extension", "gd"}});
}

TEST_CASE("ini: the defaults overridden by a section") {
  IniList ini = RunTestsIniDefaults();
  size_t size = ini.size();
  MergeIni(&ini, ParseIniSection("precision=17\nextension=zip\n", "/d"));
  CHECK(ini.size() == size + 1);
  REQUIRE(Find(ini, "precision") != nullptr);
  CHECK(*Find(ini, "precision") == "17");
  CHECK(ini.back() == IniEntry{"extension", "zip"});
}

TEST_CASE("ini: FormatIniLine quotes values as php -d does") {
  // Letters, digits, quotes and empty values go to the INI parser as they are.
  CHECK(FormatIniLine("display_errors", "On") == "display_errors=On\n");
  CHECK(FormatIniLine("precision", "14") == "precision=14\n");
  CHECK(FormatIniLine("error_reporting", "E_ALL & ~E_NOTICE") ==
        "error_reporting=E_ALL & ~E_NOTICE\n");
  CHECK(FormatIniLine("open_basedir", "") == "open_basedir=\n");
  CHECK(FormatIniLine("s", "\"already quoted\"") == "s=\"already quoted\"\n");
  CHECK(FormatIniLine("s", "'single'") == "s='single'\n");
  CHECK(FormatIniLine("s", "a\"b") == "s=a\"b\n");
  // Anything else is wrapped in double quotes, without escaping.
  CHECK(FormatIniLine("serialize_precision", "-1") == "serialize_precision=\"-1\"\n");
  CHECK(FormatIniLine("include_path", "/usr/share/php") == "include_path=\"/usr/share/php\"\n");
  CHECK(FormatIniLine("docref_ext", ".html") == "docref_ext=\".html\"\n");
  CHECK(FormatIniLine("x", " lead") == "x=\" lead\"\n");
  CHECK(FormatIniLine("x", "{braces}") == "x=\"{braces}\"\n");
  CHECK(FormatIniLine("x", "_under") == "x=\"_under\"\n");
  CHECK(FormatIniLine("x", "/a\"b") == "x=\"/a\"b\"\n");
  CHECK(FormatIniLine("x", "\xc3\xa9t\xc3\xa9") == "x=\"\xc3\xa9t\xc3\xa9\"\n");
}

TEST_CASE("ini: FormatIniLines writes one line per entry, in order") {
  IniList ini = {{"a", "1"}, {"extension", "zip"}, {"b", "/x"}, {"extension", "gd"}};
  CHECK(FormatIniLines(ini) == "a=1\nextension=zip\nb=\"/x\"\nextension=gd\n");
  CHECK(FormatIniLines({}).empty());
}

TEST_CASE("ini: TempDirectory follows TMPDIR") {
  SECTION("unset") {
    ScopedEnv tmp("TMPDIR", nullptr);
    CHECK(TempDirectory() == "/tmp");
  }
  SECTION("empty") {
    ScopedEnv tmp("TMPDIR", "");
    CHECK(TempDirectory() == "/tmp");
  }
  SECTION("as given") {
    ScopedEnv tmp("TMPDIR", "/var/tmp/x");
    CHECK(TempDirectory() == "/var/tmp/x");
  }
  SECTION("trailing slash dropped") {
    ScopedEnv tmp("TMPDIR", "/var/tmp/x/");
    CHECK(TempDirectory() == "/var/tmp/x");
  }
}

}  // namespace
}  // namespace phptrun
