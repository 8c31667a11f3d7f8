#include "reports/junit_reporter.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <pugixml.hpp>
#include <sstream>
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

  void Add(Verdict verdict, bool warn_failed, double time_ms) {
    ++tests;
    switch (verdict) {
      case Verdict::kFail:
      case Verdict::kLeak:
        ++failures;
        break;
      case Verdict::kWarn:
        if (warn_failed) ++failures;
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
        break;
    }
    ms += time_ms;
  }
};

std::string Xml(const std::string& text) { return EscapeReportText(text, TextSink::kXml); }

// junit-10.xsd allows `skipped` on <testsuite> but not on <testsuites>.
void SetCounts(pugi::xml_node node, const Counts& counts, double ms, bool with_skipped) {
  node.append_attribute("tests") = static_cast<unsigned long long>(counts.tests);
  node.append_attribute("failures") = static_cast<unsigned long long>(counts.failures);
  node.append_attribute("errors") = static_cast<unsigned long long>(counts.errors);
  if (with_skipped) node.append_attribute("skipped") = static_cast<unsigned long long>(counts.skipped);
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
  testcase.append_attribute("name") = Xml(JunitTestName(result.name, result.file)).c_str();
  testcase.append_attribute("classname") = Xml(dir).c_str();
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
      if (result.warn_failed) {
        // run-tests' JUnit reports WARN&FAIL as a failure.
        AppendOutcome(testcase, "failure", "warn", text, result.diff);
        break;
      }
      testcase.append_child("system-out")
          .append_child(pugi::node_pcdata)
          .set_value(Xml(JoinNonEmpty(text, result.diff)).c_str());
      break;
    }
  }
  // A case that ran twice because its worker died says so (DESIGN.md: no
  // case runs twice silently).
  if (!result.rerun_reason.empty()) {
    testcase.append_child("system-err")
        .append_child(pugi::node_pcdata)
        .set_value(Xml("phptrun: " + result.rerun_reason).c_str());
  }
}

struct Suite {
  Counts counts;
  std::vector<uint32_t> cases;  // in SortedOrder()
};

// Suites by directory, sorted (std::map), with their counts, from the index
// alone: no case is read back for this.
std::map<std::string, Suite> GroupSuites(const CumulativeReporter& reporter, Counts* total) {
  std::map<std::string, Suite> suites;
  for (uint32_t i : reporter.SortedOrder()) {
    CumulativeReporter::Brief brief = reporter.CaseBrief(i);
    Suite& suite = suites[CaseDirectory(std::string(brief.file))];
    suite.counts.Add(brief.verdict, brief.warn_failed, brief.time_ms);
    suite.cases.push_back(i);
    total->Add(brief.verdict, brief.warn_failed, brief.time_ms);
  }
  return suites;
}

// The declaration and the <testsuites> root, without children.
pugi::xml_node AppendRoot(pugi::xml_document* doc, const RunEnd& end, const Counts& total) {
  pugi::xml_node decl = doc->append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = doc->append_child("testsuites");
  root.append_attribute("name") = "phptrun";
  SetCounts(root, total, end.duration_s * 1000.0, false);
  return root;
}

void AddProperty(pugi::xml_node properties, const char* name, const std::string& value) {
  pugi::xml_node p = properties.append_child("property");
  p.append_attribute("name") = name;
  p.append_attribute("value") = Xml(value).c_str();
}

// The engine, and the run's facts a merge needs (docs/ci.md), in every
// suite: junit-10.xsd has <properties> on <testsuite> only.
void AppendRunProperties(pugi::xml_node suite, const RunInfo& info, const RunEnd& end) {
  const EngineInfo& engine = info.engine;
  if (info.shard.count == 0 && end.unfinished.empty() && engine.version.empty() && !end.interrupted) {
    return;
  }
  pugi::xml_node properties = suite.append_child("properties");
  // The cases listed are those that finished (JSON: "interrupted"); a report
  // rewritten while the run goes on (Reporter::Checkpoint) says so too.
  if (end.interrupted) AddProperty(properties, "phptrun.interrupted", "true");
  const ShardInfo& shard = info.shard;
  if (shard.count > 0) {
    AddProperty(properties, "phptrun.shard",
                std::to_string(shard.index) + "/" + std::to_string(shard.count));
    AddProperty(properties, "phptrun.collected", std::to_string(shard.collected));
    AddProperty(properties, "phptrun.digest", shard.digest);
    AddProperty(properties, "phptrun.assigned", std::to_string(shard.assigned));
    AddProperty(properties, "phptrun.duration_s", FormatJunitTime(end.duration_s * 1000.0));
  }
  for (const std::string& file : end.unfinished) AddProperty(properties, "phptrun.unfinished", file);
  // The engine that ran the suite, as it described itself at run time.
  if (!engine.version.empty()) {
    AddProperty(properties, "php_build", engine.Build());
    AddProperty(properties, "php_binary", engine.php_binary);
    AddProperty(properties, "php_ini", engine.php_ini);
    AddProperty(properties, "extension_dir", engine.extension_dir);
    AddProperty(properties, "libphp", engine.libphp);
  }
}

// A shard without cases (more shards than cases) still says which shard it
// is, for phptrun merge: in an empty suite named "phptrun".
void AddEmptyRunSuite(const RunInfo& info, const RunEnd& end, std::map<std::string, Suite>* suites) {
  if (suites->empty() && (info.shard.count > 0 || !end.unfinished.empty() || end.interrupted)) {
    (*suites)["phptrun"];
  }
}

pugi::xml_node AppendSuite(pugi::xml_node parent, const std::string& dir, const Suite& suite,
                           const RunInfo& info, const RunEnd& end) {
  pugi::xml_node node = parent.append_child("testsuite");
  node.append_attribute("name") = Xml(dir).c_str();
  SetCounts(node, suite.counts, suite.counts.ms, true);
  if (!info.started.empty()) node.append_attribute("timestamp") = Xml(info.started).c_str();
  AppendRunProperties(node, info, end);
  return node;
}

void Print(pugi::xml_node node, unsigned depth, std::ostream& out) {
  std::ostringstream text;
  node.print(text, "  ", pugi::format_default, pugi::encoding_utf8, depth);
  out << JunitCarriageReturns(text.str());
}

// What Print() writes for `node`, whose last element has no children yet,
// with that element left open: "<name attributes />" becomes "<name
// attributes>". Attributes are thus escaped by pugixml exactly as in a
// whole document.
std::string PrintOpen(pugi::xml_node node, unsigned depth) {
  std::ostringstream text;
  Print(node, depth, text);
  std::string printed = text.str();
  const std::string empty_end = " />\n";
  if (printed.size() >= empty_end.size() &&
      printed.compare(printed.size() - empty_end.size(), empty_end.size(), empty_end) == 0) {
    printed.replace(printed.size() - empty_end.size(), empty_end.size(), ">\n");
  }
  return printed;
}

}  // namespace

std::string JunitTestName(const std::string& title, const std::string& file) {
  if (title.empty() || title == file) return file;
  return title + " [" + file + "]";
}

std::string FormatJunitTime(double ms) {
  // The bound (about 285,000 years) keeps llround in range.
  long long whole_ms = std::isfinite(ms) && ms > 0 && ms < 9e15 ? std::llround(ms) : 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", whole_ms / 1000, whole_ms % 1000);
  return buf;
}

JunitReporter::JunitReporter(std::string path) : CumulativeReporter(std::move(path)) {}

void JunitReporter::ToDocument(const RunEnd& end, pugi::xml_document* doc) const {
  Counts total;
  std::map<std::string, Suite> suites = GroupSuites(*this, &total);
  AddEmptyRunSuite(info(), end, &suites);
  pugi::xml_node root = AppendRoot(doc, end, total);
  for (const auto& [dir, suite] : suites) {
    pugi::xml_node node = AppendSuite(root, dir, suite, info(), end);
    for (uint32_t i : suite.cases) {
      CaseResult result;
      LoadCase(i, &result);
      AppendTestcase(node, dir, result);
    }
  }
}

void JunitReporter::Render(const RunEnd& end, std::ostream& out) const {
  // What ToDocument() would save, written one testcase at a time: the counts
  // come from the index first; then each case is read back, built as a
  // one-element tree and printed at its depth. Nothing the size of the run is
  // held in memory but the index.
  Counts total;
  std::map<std::string, Suite> suites = GroupSuites(*this, &total);
  AddEmptyRunSuite(info(), end, &suites);
  pugi::xml_document head;
  AppendRoot(&head, end, total);
  if (suites.empty()) {
    Print(head, 0, out);  // "<testsuites ... />"
    return;
  }
  out << PrintOpen(head, 0);
  for (const auto& [dir, suite] : suites) {
    pugi::xml_document suite_doc;
    pugi::xml_node suite_node = AppendSuite(suite_doc, dir, suite, info(), end);
    if (suite_node.first_child()) {
      // The properties, printed in full, then the suite left open.
      std::ostringstream whole;
      Print(suite_node, 1, whole);
      std::string text = whole.str();
      text.resize(text.rfind("  </testsuite>\n"));
      out << text;
    } else {
      out << PrintOpen(suite_node, 1);
    }
    for (uint32_t i : suite.cases) {
      CaseResult result;
      LoadCase(i, &result);
      pugi::xml_document case_doc;
      AppendTestcase(case_doc, dir, result);
      Print(case_doc.first_child(), 2, out);
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace phptrun
