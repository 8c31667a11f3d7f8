// INI settings as run-tests.php passes them to php: its defaults, a test's
// --INI-- section, and `-d key=value` lines in the form the engine parses.
//
//   IniList ini = RunTestsIniDefaults();
//   MergeIni(&ini, ParseIniSection(*test.Section("INI"), test_dir));
//   std::string lines = FormatIniLines(ini);   // "key=value\n" for the engine
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phptrun {

using IniEntry = std::pair<std::string, std::string>;  // key, raw value
using IniList = std::vector<IniEntry>;

// run-tests.php 8.2's $ini_overwrites (phpt-reference.md §2.6), plus the
// entries it adds when the extension is present (session, zlib, ...): those
// are harmless when absent, as `php -d` ignores unknown keys.
IniList RunTestsIniDefaults();

// A --INI-- body as run-tests' settings2array reads it: lines split on
// [\n\r]+, "name=value" with both sides trimmed, lines without '=' ignored;
// {PWD} becomes test_dir and {TMP} the temp directory.
IniList ParseIniSection(std::string_view body, const std::string& test_dir);

// Adds `more` to `base`: "extension" and "zend_extension" accumulate, other
// keys replace an earlier value in place (run-tests' order of -d flags).
void MergeIni(IniList* base, const IniList& more);

// One line of INI text with the value quoted as `php -d` quotes it: a value
// starting with a character other than a letter, digit or quote is taken
// literally; otherwise the INI parser sees it (constants, On/Off, ...).
std::string FormatIniLine(const std::string& key, const std::string& value);
std::string FormatIniLines(const IniList& entries);

// The entries as php command-line flags, ` -d "key=value"` each, as
// run-tests.php puts them in TEST_PHP_EXTRA_ARGS.
std::string FormatDefineArgs(const IniList& entries);

// sys_get_temp_dir() as PHP computes it: $TMPDIR without trailing slash,
// else /tmp.
std::string TempDirectory();

}  // namespace phptrun
