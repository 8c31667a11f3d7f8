#include "runner/resident/resident_spec.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <set>

namespace phptrun {
namespace {

std::string_view Trim(std::string_view s) {
  const char* space = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(space) - b + 1);
}

bool ParseInteger(std::string_view text, int64_t min, int64_t max, int64_t* out) {
  std::string s(text);
  if (s.empty() || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max) return false;
  *out = v;
  return true;
}

bool ParseBool(std::string_view text, bool* out) {
  std::string s(text);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "1" || s == "on" || s == "yes" || s == "true") {
    *out = true;
    return true;
  }
  if (s == "0" || s == "off" || s == "no" || s == "false") {
    *out = false;
    return true;
  }
  return false;
}

}  // namespace

const char* ResidentModeName(ResidentSpec::Mode mode) {
  switch (mode) {
    case ResidentSpec::Mode::kRequests:
      return "requests";
    case ResidentSpec::Mode::kWorker:
      return "worker";
    case ResidentSpec::Mode::kReload:
      return "reload";
  }
  return "?";
}

int DefaultWarmup(int iterations) { return std::max(5, iterations / 10); }

bool ParseResidentSection(std::string_view body, ResidentSpec* spec, std::string* err) {
  ResidentSpec out;
  std::set<std::string> seen;
  bool warmup_given = false;
  size_t pos = 0;
  int line_no = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    std::string_view line = body.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    size_t comment = line.find_first_of(";#");
    if (comment != std::string_view::npos) line = line.substr(0, comment);
    line = Trim(line);
    if (line.empty()) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      *err = "RESIDENT line " + std::to_string(line_no) + ": expected key=value, got '" +
             std::string(line) + "'";
      return false;
    }
    std::string key(Trim(line.substr(0, eq)));
    std::string_view value = Trim(line.substr(eq + 1));
    if (!seen.insert(key).second) {
      *err = "RESIDENT: " + key + " is given twice";
      return false;
    }
    auto bad = [&](const char* expected) {
      *err = "RESIDENT: " + key + "=" + std::string(value) + " is invalid; expected " + expected;
      return false;
    };
    int64_t n = 0;
    if (key == "mode") {
      if (value == "requests") {
        out.mode = ResidentSpec::Mode::kRequests;
      } else if (value == "worker") {
        out.mode = ResidentSpec::Mode::kWorker;
      } else if (value == "reload") {
        out.mode = ResidentSpec::Mode::kReload;
      } else {
        return bad("requests, worker or reload");
      }
    } else if (key == "iterations") {
      if (!ParseInteger(value, 1, 1000000, &n)) return bad("a number from 1 to 1000000");
      out.iterations = static_cast<int>(n);
    } else if (key == "warmup") {
      if (!ParseInteger(value, 1, 1000000, &n)) return bad("a number of iterations >= 1");
      out.warmup = static_cast<int>(n);
      warmup_given = true;
    } else if (key == "max_growth") {
      if (!ParseInteger(value, 0, INT64_MAX, &n)) return bad("bytes per iteration >= 0");
      out.max_growth = n;
    } else if (key == "same_output") {
      if (!ParseBool(value, &out.same_output)) return bad("1 or 0");
    } else if (key == "fresh") {
      if (!ParseBool(value, &out.fresh)) return bad("1 or 0");
    } else if (key == "max_iterations") {
      if (!ParseInteger(value, 1, 1000000, &n)) return bad("a number from 1 to 1000000");
      out.max_iterations = static_cast<int>(n);
    } else {
      *err = "RESIDENT: unknown key '" + key +
             "' (known: mode, iterations, warmup, max_growth, same_output, "
             "max_iterations, fresh)";
      return false;
    }
  }
  if (!warmup_given) out.warmup = DefaultWarmup(out.iterations);
  if (out.max_iterations > 0 && out.max_iterations < out.iterations) {
    *err = "RESIDENT: max_iterations=" + std::to_string(out.max_iterations) +
           " is below iterations=" + std::to_string(out.iterations);
    return false;
  }
  if (out.iterations - out.warmup < kMinJudgedIterations) {
    *err = "RESIDENT: warmup=" + std::to_string(out.warmup) + " leaves " +
           std::to_string(std::max(0, out.iterations - out.warmup)) +
           " of iterations=" + std::to_string(out.iterations) + " to judge; at least " +
           std::to_string(kMinJudgedIterations) + " are needed";
    return false;
  }
  *spec = out;
  return true;
}

ResidentSpec RepeatSpec(int repeat) {
  ResidentSpec spec;
  spec.from_repeat = true;
  spec.iterations = repeat;
  spec.warmup = std::min(DefaultWarmup(repeat), repeat - kMinJudgedIterations);
  if (spec.warmup < 1) {
    spec.warmup = 0;
    spec.judge_leaks = false;
  }
  return spec;
}

}  // namespace phptrun
