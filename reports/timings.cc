#include "reports/timings.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "reports/atomic_file.h"

namespace phptrun {
namespace {

std::string Normalise(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  return path;
}

// The case file a JUnit testcase names: its `file` attribute (older phptrun
// reports), the FILE of phptrun's "TITLE [FILE]" name, or the FILE of
// run-tests.php's "FILE (TITLE)".
std::string JunitCaseFile(pugi::xml_node testcase) {
  std::string file = testcase.attribute("file").value();
  if (!file.empty()) return file;
  std::string name = testcase.attribute("name").value();
  size_t open = name.rfind(" [");
  if (!name.empty() && name.back() == ']' && open != std::string::npos) {
    return name.substr(open + 2, name.size() - open - 3);
  }
  size_t paren = name.find(".phpt (");
  if (paren != std::string::npos) return name.substr(0, paren + 5);
  return "";
}

bool LoadJson(const std::string& path, const std::string& content, RecordedTimings* out,
              std::string* err) {
  nlohmann::json report = nlohmann::json::parse(content, nullptr, false);
  if (report.is_discarded() || !report.is_object() || !report.contains("tests") ||
      !report["tests"].is_array()) {
    *err = path + ": not a JSON report of phptrun (no \"tests\" array)";
    return false;
  }
  for (const auto& test : report["tests"]) {
    if (!test.is_object() || !test.contains("file") || !test["file"].is_string() ||
        !test.contains("time_ms") || !test["time_ms"].is_number()) {
      *err = path + ": a test without \"file\" or \"time_ms\"";
      return false;
    }
    out->Add(test["file"].get<std::string>(), test["time_ms"].get<double>());
  }
  return true;
}

bool LoadJunit(const std::string& path, const std::string& content, RecordedTimings* out,
               std::string* err) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(content.data(), content.size());
  pugi::xml_node root = doc.document_element();
  std::string root_name = root.name();
  if (!parsed || (root_name != "testsuites" && root_name != "testsuite")) {
    *err = path + ": not a JUnit report (" +
           (parsed ? "no <testsuites> root" : std::string(parsed.description())) + ")";
    return false;
  }
  // Suites may nest (junit-10.xsd allows it).
  std::vector<pugi::xml_node> suites = {root};
  while (!suites.empty()) {
    pugi::xml_node suite = suites.back();
    suites.pop_back();
    for (pugi::xml_node child : suite.children()) {
      if (std::string(child.name()) == "testsuite") suites.push_back(child);
      if (std::string(child.name()) != "testcase") continue;
      std::string file = JunitCaseFile(child);
      if (file.empty()) continue;  // not a phpt case
      out->Add(file, std::atof(child.attribute("time").value()) * 1000.0);
    }
  }
  return true;
}

}  // namespace

bool RecordedTimings::Load(const std::string& path, std::string* err) {
  std::string content;
  if (!ReadWholeFile(path, &content)) {
    *err = path + ": cannot read this file";
    return false;
  }
  size_t first = content.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && content[first] == '{')
    return LoadJson(path, content, this, err);
  if (first != std::string::npos && content[first] == '<')
    return LoadJunit(path, content, this, err);
  *err = path + ": neither a JSON nor a JUnit report";
  return false;
}

void RecordedTimings::Add(const std::string& file, double ms) {
  std::string path = Normalise(file);
  if (path.empty() || !(ms >= 0)) return;
  median_ = -1;
  Recorded& r = by_path_[path];
  if (r.count++ > 0) {
    r.sum_ms += ms;
    return;
  }
  r.sum_ms = ms;
  for (size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    auto [it, inserted] = by_tail_.emplace(path.substr(slash + 1), path);
    if (!inserted && it->second != path) it->second.clear();  // shared: ambiguous
  }
}

bool RecordedTimings::Lookup(const std::string& file, double* ms) const {
  std::string path = Normalise(file);
  // Tails of the case's path, longest first; a bare file name only when it
  // is the whole path.
  for (size_t at = 0; at != std::string::npos;) {
    std::string tail = path.substr(at);
    if (at > 0 && tail.find('/') == std::string::npos) break;
    auto exact = by_path_.find(tail);
    if (exact != by_path_.end()) {
      *ms = exact->second.ms();
      return true;
    }
    auto longer = by_tail_.find(tail);
    if (longer != by_tail_.end()) {
      if (longer->second.empty()) return false;  // several recorded paths end so
      *ms = by_path_.at(longer->second).ms();
      return true;
    }
    size_t slash = path.find('/', at);
    at = slash == std::string::npos ? std::string::npos : slash + 1;
  }
  return false;
}

double RecordedTimings::median_ms() const {
  if (median_ >= 0) return median_;
  std::vector<double> all;
  all.reserve(by_path_.size());
  for (const auto& [path, r] : by_path_) all.push_back(r.ms());
  if (all.empty()) return median_ = 0;
  std::sort(all.begin(), all.end());
  size_t n = all.size();
  median_ = n % 2 ? all[n / 2] : (all[n / 2 - 1] + all[n / 2]) / 2;
  return median_;
}

double RecordedTimings::Estimate(const std::string& file) const {
  double ms;
  return Lookup(file, &ms) ? ms : median_ms();
}

}  // namespace phptrun
