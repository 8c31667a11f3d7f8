#include "runner/phpt/bless.h"

#include <re2/re2.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string_view>
#include <vector>

#include "runner/phpt/expect.h"
#include "runner/phpt/phpt_file.h"

namespace phptrun {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (;;) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(start));
      return lines;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
}

std::string Join(const std::vector<std::string>& lines) {
  std::string text;
  for (size_t i = 0; i < lines.size(); ++i) text += (i ? "\n" : "") + lines[i];
  return text;
}

// One EXPECTF line as bless_tests.php reads it: the placeholders below, every
// other character literal (%a, %A and %r are not placeholders there).
std::string LineFormatToRegex(const std::string& line) {
  std::string re;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '%' && i + 1 < line.size()) {
      const char* part = nullptr;
      switch (line[i + 1]) {
        case 'e': part = "/"; break;
        case 's': part = "[^\\r\\n]+"; break;
        case 'S': part = "[^\\r\\n]*"; break;
        case 'w': part = "\\s*"; break;
        case 'i': part = "[+-]?\\d+"; break;
        case 'd': part = "\\d+"; break;
        case 'x': part = "[0-9a-fA-F]+"; break;
        case 'f': part = "[+-]?\\.?\\d+\\.?\\d*(?:[Ee][+-]?\\d+)?"; break;
        case 'c': part = "."; break;
        case '0': part = "\\x00"; break;
      }
      if (part) {
        re += part;
        ++i;
        continue;
      }
    }
    re += RE2::QuoteMeta(std::string_view(&c, 1));
  }
  return re;
}

class LineMatcher {
 public:
  LineMatcher(const std::vector<std::string>& old_lines) : old_(old_lines) {
    patterns_.resize(old_lines.size());
  }
  bool operator()(size_t a, const std::string& line) {
    const std::string& format = old_[a];
    if (format.find('%') == std::string::npos) return format == line;
    if (!patterns_[a]) {
      RE2::Options options;
      options.set_encoding(RE2::Options::EncodingLatin1);
      options.set_dot_nl(true);
      options.set_log_errors(false);
      patterns_[a] = std::make_unique<RE2>(LineFormatToRegex(format), options);
    }
    return patterns_[a]->ok() && RE2::FullMatch(line, *patterns_[a]);
  }

 private:
  const std::vector<std::string>& old_;
  std::vector<std::unique_ptr<RE2>> patterns_;
};

}  // namespace

std::string BlessPlaceholders(const std::string& output) {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  static const struct {
    const char* pattern;
    const char* replacement;
  } kRules[] = {
      {R"((?m)in (?:/|[A-Z]:\\).+ on line \d+$)", "in %s on line %d"},
      {R"((?m)in (?:/|[A-Z]:\\).+:\d+$)", "in %s:%d"},
      {R"((?m)^#(\d+) (?:/|[A-Z]:\\).+\(\d+\):)", "#\\1 %s(%d):"},
      {R"(Resource id #\d+)", "Resource id #%d"},
      {R"(resource\(\d+\) of type)", "resource(%d) of type"},
      {R"(Resource ID#\d+ used as offset, casting to integer \(\d+\))",
       "Resource ID#%d used as offset, casting to integer (%d)"},
      {R"(string\(\d+\) "([^"]*%d))", "string(%d) \"\\1"},
  };
  std::string text = output;
  for (const auto& rule : kRules) {
    RE2 re(rule.pattern, options);
    if (re.ok()) RE2::GlobalReplace(&text, re, rule.replacement);
  }
  std::string out;
  for (char c : text) {
    if (c == '\0') {
      out += "%0";
    } else {
      out += c;
    }
  }
  return out;
}

std::string BlessExpectf(const std::string& output, const std::string& old_expectf) {
  std::vector<std::string> old_lines = Lines(old_expectf);
  std::vector<std::string> new_lines = Lines(output);
  LineMatcher equal(old_lines);
  // A longest common subsequence of old format lines and output lines by
  // dynamic programming (the outputs bless meets are small); ties keep the
  // old line first, as a Myers diff does.
  const size_t n = old_lines.size(), m = new_lines.size();
  if (n * m > 25'000'000) return Join({BlessPlaceholders(output)});
  std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
  std::vector<std::vector<char>> eq(n, std::vector<char>(m, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      eq[i][j] = equal(i, new_lines[j]);
      lcs[i][j] = eq[i][j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<std::string> result;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && eq[i][j] && lcs[i][j] == lcs[i + 1][j + 1] + 1) {
      result.push_back(old_lines[i]);  // kept: the old format line
      ++i;
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ++i;  // removed
    } else {
      result.push_back(BlessPlaceholders(new_lines[j]));  // added
      ++j;
    }
  }
  return Join(result);
}

std::string BlessInsert(const std::string& phpt, const std::string& expectation) {
  size_t expect = phpt.find("--EXPECT--");
  size_t expectf = phpt.find("--EXPECTF--");
  size_t start = std::min(expect, expectf);
  if (start == std::string::npos) return "";
  size_t clean = phpt.find("--CLEAN--", start);
  bool placeholders = RE2::PartialMatch(expectation, R"(%[resSaAwidxfc0])");
  std::string header = placeholders ? "--EXPECTF--\n" : "--EXPECT--\n";
  return phpt.substr(0, start) + header + expectation + "\n" +
         (clean == std::string::npos ? "" : phpt.substr(clean));
}

bool BlessCase(const std::string& phpt_path, std::string* why) {
  why->clear();
  std::string base = phpt_path;
  if (base.size() < 5 || base.compare(base.size() - 5, 5, ".phpt") != 0) {
    *why = "not a .phpt file";
    return false;
  }
  base.resize(base.size() - 4);
  // Read as every case file is (phpt_file.h): a FIFO named .out or .phpt
  // must not hang --bless.
  std::string out, phpt, err;
  if (!ReadCaseFile(base + "out", &out, &err)) {
    *why = "no " + base + "out beside it (TEST_PHP_LOG_FORMAT without O?): " + err;
    return false;
  }
  if (!ReadCaseFile(phpt_path, &phpt, &err)) {
    *why = "cannot read it: " + err;
    return false;
  }
  if (phpt.find("--XFAIL--") != std::string::npos) {
    *why = "it has an XFAIL section";
    return false;
  }
  size_t expect = phpt.find("--EXPECT--");
  size_t expectf = phpt.find("--EXPECTF--");
  if (expect == std::string::npos && expectf == std::string::npos) {
    *why = "only EXPECT and EXPECTF sections are blessed";
    return false;
  }
  std::string blessed;
  if (expectf < expect) {
    size_t body = expectf + 11;
    size_t next = phpt.find("\n--", body);
    size_t end = next;
    // The section ends at the next "--NAME--" line.
    while (next != std::string::npos) {
      size_t close = phpt.find("--", next + 3);
      size_t eol = phpt.find('\n', next + 1);
      if (close != std::string::npos && (eol == std::string::npos || close < eol)) {
        end = next;
        break;
      }
      next = phpt.find("\n--", next + 1);
      end = next;
    }
    std::string old = NormalizeOutput(phpt.substr(body, end == std::string::npos ? std::string::npos : end - body));
    blessed = BlessExpectf(out, old);
  } else {
    blessed = BlessPlaceholders(out);
  }
  std::string rewritten = BlessInsert(phpt, blessed);
  std::ofstream write(phpt_path, std::ios::binary | std::ios::trunc);
  write << rewritten;
  write.close();
  if (!write) {
    *why = "cannot write it";
    return false;
  }
  return true;
}

}  // namespace phptrun
