#include "runner/phpt/debug_leaks.h"

#include <re2/re2.h>

#include <cstdio>

namespace phptrun {
namespace {

// The lines of main/main.c's php_message_handler_for_zend (PHP 8.2), one
// pattern each. The date is php_asctime_r's ("Mon Dec  7 16:45:37 2026"), or
// "null" when it could not be formatted.
const RE2& ScriptLine() {
  static const RE2 re(
      R"(\[(?:null|[A-Za-z]{3} [A-Za-z]{3} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]+)\]  Script:  '.*')");
  return re;
}
const RE2& FreeingLine() {
  static const RE2 re(
      R"((.+)\(([0-9]+)\) :  Freeing 0x[0-9a-fA-F]+ \(([0-9]+) bytes\), script=.*)");
  return re;
}
const RE2& RelayedLine() {
  static const RE2 re(R"((.+)\(([0-9]+)\) : Actual location \(location was relayed\))");
  return re;
}
const RE2& RepeatedLine() {
  static const RE2 re(R"(Last leak repeated ([0-9]+) times?)");
  return re;
}
const RE2& TotalLine() {
  static const RE2 re(R"(=== Total ([0-9]+) memory leaks detected ===)");
  return re;
}

// Parses `text` (from a Script line to the end) as nothing but report lines;
// false at the first line that is not one.
bool ParseReport(const std::string& text, DebugLeakReport* report) {
  if (text.empty() || text.back() != '\n') return false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    re2::StringPiece line(text.data() + pos, eol - pos);
    pos = eol + 1;
    std::string file;
    uint32_t number = 0;
    uint64_t count = 0;
    if (RE2::FullMatch(line, ScriptLine())) continue;
    if (RE2::FullMatch(line, FreeingLine(), &file, &number, &count)) {
      DebugLeak leak;
      leak.file = file;
      leak.line = number;
      leak.bytes = count;
      report->leaks.push_back(leak);
    } else if (RE2::FullMatch(line, RelayedLine(), &file, &number) && !report->leaks.empty()) {
      report->leaks.back().actual_file = file;
      report->leaks.back().actual_line = number;
    } else if (RE2::FullMatch(line, RepeatedLine(), &count) && !report->leaks.empty()) {
      report->leaks.back().repeated = count;
    } else if (RE2::FullMatch(line, TotalLine(), &count)) {
      report->total = count;
    } else {
      return false;
    }
  }
  return !report->leaks.empty();
}

std::string FormatBytes(uint64_t bytes) { return std::to_string(bytes) + " B"; }

}  // namespace

std::string ShortSourcePath(const std::string& path) {
  size_t best = std::string::npos;
  for (const char* top : {"/Zend/", "/main/", "/ext/", "/sapi/", "/TSRM/"}) {
    size_t at = path.rfind(top);
    if (at != std::string::npos && (best == std::string::npos || at > best)) best = at;
  }
  return best == std::string::npos ? path : path.substr(best + 1);
}

uint64_t DebugLeakReport::Blocks() const {
  uint64_t n = 0;
  for (const DebugLeak& leak : leaks) n += leak.Blocks();
  return n;
}

uint64_t DebugLeakReport::Bytes() const {
  uint64_t n = 0;
  for (const DebugLeak& leak : leaks) n += leak.TotalBytes();
  return n;
}

std::string DebugLeakReport::Summary() const {
  uint64_t blocks = total ? total : Blocks();
  std::string text = "debug heap: " + std::to_string(blocks) +
                     (blocks == 1 ? " leaked block, " : " leaked blocks, ") +
                     std::to_string(Bytes()) + " bytes:";
  const size_t kShown = 4;
  for (size_t i = 0; i < leaks.size() && i < kShown; ++i) {
    const DebugLeak& leak = leaks[i];
    text += (i ? ", " : " ") + ShortSourcePath(leak.file) + ":" + std::to_string(leak.line) + " (";
    if (leak.repeated) text += std::to_string(leak.Blocks()) + " x ";
    text += FormatBytes(leak.bytes) + ")";
  }
  if (leaks.size() > kShown) text += ", +" + std::to_string(leaks.size() - kShown) + " more sites";
  return text;
}

std::string DebugLeakReport::Details() const {
  std::string text = "Request heap leaks reported by the debug build's memory manager:\n";
  for (const DebugLeak& leak : leaks) {
    char line[64];
    std::snprintf(line, sizeof line, "  %llu x %llu B = %llu B  ",
                  static_cast<unsigned long long>(leak.Blocks()),
                  static_cast<unsigned long long>(leak.bytes),
                  static_cast<unsigned long long>(leak.TotalBytes()));
    text += line + leak.file + ":" + std::to_string(leak.line);
    if (!leak.actual_file.empty()) {
      text += " (relayed from " + leak.actual_file + ":" + std::to_string(leak.actual_line) + ")";
    }
    text += "\n";
  }
  return text + "As printed:\n" + this->text;
}

DebugLeakReport TakeDebugLeakReport(std::string* output) {
  const std::string marker = "]  Script:  '";
  for (size_t at = output->find(marker); at != std::string::npos;
       at = output->find(marker, at + 1)) {
    size_t open = output->rfind('[', at);
    if (open == std::string::npos) continue;
    DebugLeakReport report;
    std::string tail = output->substr(open);
    if (!ParseReport(tail, &report)) continue;
    report.text = std::move(tail);
    output->erase(open);
    return report;
  }
  return {};
}

}  // namespace phptrun
