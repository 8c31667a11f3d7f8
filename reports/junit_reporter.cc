#include "reports/junit_reporter.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <pugixml.hpp>
#include <vector>

#include "reports/text_escape.h"

namespace phptrun {
namespace {

struct Counts {
  size_t tests = 0;
  size_t failures = 0;
  size_t errors = 0;
  size_t skipped = 0;
  double ms = 0;

  void Add(const CaseResult& result) {
    ++tests;
    switch (result.verdict) {
      case Verdict::kFail:
      case Verdict::kLeak:
        ++failures;
        break;
      case Verdict::kBork:
        ++errors;
        break;
      case Verdict::kSkip:
      case Verdict::kXfail:
      case Verdict::kXleak:
        ++skipped;
        break;
      case Verdict::kPass:
      case Verdict::kWarn:
        break;
    }
    ms += result.time_ms;
  }
};

std::string Xml(const std::string& text) { return EscapeReportText(text, TextSink::kXml); }

void SetCounts(pugi::xml_node node, const Counts& counts, double ms) {
  node.append_attribute("tests") = static_cast<unsigned long long>(counts.tests);
  node.append_attribute("failures") = static_cast<unsigned long long>(counts.failures);
  node.append_attribute("errors") = static_cast<unsigned long long>(counts.errors);
  node.append_attribute("skipped") = static_cast<unsigned long long>(counts.skipped);
  node.append_attribute("time") = FormatJunitTime(ms).c_str();
}

// <tag type=.. message=..>body</tag> under `testcase`; no body when empty.
void AppendOutcome(pugi::xml_node testcase, const char* tag, const char* type,
                   const std::string& message, const std::string& body) {
  pugi::xml_node node = testcase.append_child(tag);
  node.append_attribute("type") = type;
  node.append_attribute("message") = Xml(message).c_str();
  if (!body.empty()) node.append_child(pugi::node_pcdata).set_value(Xml(body).c_str());
}

std::string JoinNonEmpty(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + (a.back() == '\n' ? "" : "\n") + b;
}

void AppendTestcase(pugi::xml_node suite, const std::string& dir, const CaseResult& result) {
  pugi::xml_node testcase = suite.append_child("testcase");
  testcase.append_attribute("name") = Xml(result.name.empty() ? result.file : result.name).c_str();
  testcase.append_attribute("classname") = Xml(dir).c_str();
  testcase.append_attribute("file") = Xml(result.file).c_str();
  testcase.append_attribute("time") = FormatJunitTime(result.time_ms).c_str();

  const std::string& reason = result.reason;
  switch (result.verdict) {
    case Verdict::kPass:
      break;
    case Verdict::kFail:
      AppendOutcome(testcase, "failure", "fail", reason.empty() ? "output differs" : reason,
                    result.diff);
      break;
    case Verdict::kLeak:
      AppendOutcome(testcase, "failure", "leak", reason.empty() ? "memory leaked" : reason,
                    JoinNonEmpty(reason, result.diff));
      break;
    case Verdict::kBork:
      AppendOutcome(testcase, "error", "bork", reason, "");
      break;
    case Verdict::kSkip:
      AppendOutcome(testcase, "skipped", "skip", reason, "");
      break;
    case Verdict::kXfail:
      AppendOutcome(testcase, "skipped", "xfail", reason, "");
      break;
    case Verdict::kXleak:
      AppendOutcome(testcase, "skipped", "xleak", reason, "");
      break;
    case Verdict::kWarn: {
      std::string text = reason.empty() ? "WARN" : "WARN: " + reason;
      testcase.append_child("system-out")
          .append_child(pugi::node_pcdata)
          .set_value(Xml(JoinNonEmpty(text, result.diff)).c_str());
      break;
    }
  }
}

}  // namespace

std::string FormatJunitTime(double ms) {
  // The bound (about 285,000 years) keeps llround in range.
  long long whole_ms = std::isfinite(ms) && ms > 0 && ms < 9e15 ? std::llround(ms) : 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", whole_ms / 1000, whole_ms % 1000);
  return buf;
}

JunitReporter::JunitReporter(std::string path) : CumulativeReporter(std::move(path)) {}

void JunitReporter::Render(const RunEnd& end, std::ostream& out) const {
  // std::map: suites sorted by directory; cases arrive sorted by file.
  std::map<std::string, std::vector<const CaseResult*>> suites;
  Counts total;
  for (const CaseResult* result : SortedCases()) {
    suites[CaseDirectory(result->file)].push_back(result);
    total.Add(*result);
  }

  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";

  pugi::xml_node root = doc.append_child("testsuites");
  root.append_attribute("name") = "phptrun";
  SetCounts(root, total, end.duration_s * 1000.0);
  if (!info().started.empty()) root.append_attribute("timestamp") = Xml(info().started).c_str();

  for (const auto& [dir, cases] : suites) {
    Counts counts;
    for (const CaseResult* result : cases) counts.Add(*result);
    pugi::xml_node suite = root.append_child("testsuite");
    suite.append_attribute("name") = Xml(dir).c_str();
    SetCounts(suite, counts, counts.ms);
    for (const CaseResult* result : cases) AppendTestcase(suite, dir, *result);
  }
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
}

}  // namespace phptrun
