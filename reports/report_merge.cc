#include "reports/report_merge.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <tuple>

#include "reports/atomic_file.h"
#include "reports/junit_reporter.h"
#include "runner/phpt/verdict.h"

namespace phptrun {
namespace {

using Json = nlohmann::ordered_json;

// What a shard's report says about the shard.
struct ShardFacts {
  std::string input;  // the report's file
  int index = 0;
  int count = 0;
  unsigned long long collected = 0;
  unsigned long long assigned = 0;
  std::string digest;
  double duration_s = 0;
  bool interrupted = false;
  std::vector<std::string> unfinished;
  std::string Label() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// Unusable input: the message names the file.
struct InputError {
  std::string message;
};

std::string ReadOrThrow(const std::string& path) {
  std::string content;
  if (!ReadWholeFile(path, &content)) throw InputError{path + ": cannot read this file"};
  return content;
}

// Checks that the shards belong to one run and reports what is missing or
// given twice. Returns the problems (each one line).
std::vector<std::string> CheckShards(const std::vector<ShardFacts>& shards) {
  const ShardFacts& first = shards.front();
  for (const ShardFacts& s : shards) {
    if (s.count != first.count || s.collected != first.collected || s.digest != first.digest) {
      throw InputError{s.input + ": shard " + s.Label() + " of " + std::to_string(s.collected) +
                       " cases (digest " + s.digest + ") is not of the run of " + first.input +
                       " (" + first.Label() + " of " + std::to_string(first.collected) +
                       " cases, digest " + first.digest + ")"};
    }
  }
  std::vector<std::string> problems;
  std::map<int, std::string> seen;
  unsigned long long assigned = 0;
  for (const ShardFacts& s : shards) {
    auto [it, inserted] = seen.emplace(s.index, s.input);
    if (!inserted) {
      problems.push_back("shard " + s.Label() + " given twice: " + it->second + " and " + s.input);
      continue;
    }
    assigned += s.assigned;
    if (s.interrupted)
      problems.push_back("shard " + s.Label() + " (" + s.input + ") was interrupted");
    for (const std::string& file : s.unfinished) {
      problems.push_back("missing: " + file + " (shard " + s.Label() + " did not finish it)");
    }
  }
  std::vector<int> absent;
  for (int k = 1; k <= first.count; ++k) {
    if (!seen.count(k)) absent.push_back(k);
  }
  for (int k : absent) {
    problems.push_back("missing: shard " + std::to_string(k) + "/" + std::to_string(first.count) +
                       " has no report");
  }
  if (!absent.empty() && first.collected > assigned) {
    problems.push_back("missing: " + std::to_string(first.collected - assigned) + " of " +
                       std::to_string(first.collected) +
                       " collected cases, in the shards without a report");
  } else if (absent.empty() && assigned != first.collected) {
    problems.push_back("the shards were given " + std::to_string(assigned) + " cases, but " +
                       std::to_string(first.collected) + " were collected");
  }
  return problems;
}

// ---- JSON -----------------------------------------------------------------------

struct JsonTest {
  std::string file, name, shard;
  Json test;
};

int MergeJson(const MergeOptions& o, std::ostream& log, std::vector<std::string>* problems,
              Json* merged) {
  std::vector<ShardFacts> shards;
  std::vector<JsonTest> tests;
  Json header;
  std::string started;
  long long max_rss = 0;
  for (const std::string& input : o.inputs) {
    Json report = Json::parse(ReadOrThrow(input), nullptr, false);
    if (report.is_discarded() || !report.is_object() || !report.contains("tests") ||
        !report["tests"].is_array()) {
      throw InputError{input + ": not a JSON report of phptrun"};
    }
    const Json& shard = report.contains("shard") ? report["shard"] : Json();
    if (!shard.is_object() || !shard.contains("index") || !shard.contains("count") ||
        !shard.contains("collected") || !shard.contains("digest") || !shard.contains("assigned")) {
      throw InputError{input + ": not a shard's report (run phptrun with --shard K/N)"};
    }
    ShardFacts facts;
    facts.input = input;
    try {
      facts.index = shard["index"].get<int>();
      facts.count = shard["count"].get<int>();
      facts.collected = shard["collected"].get<unsigned long long>();
      facts.assigned = shard["assigned"].get<unsigned long long>();
      facts.digest = shard["digest"].get<std::string>();
      facts.duration_s = report.value("duration_s", 0.0);
      facts.interrupted = report.value("interrupted", false);
      if (report.contains("unfinished")) {
        for (const Json& f : report["unfinished"]) facts.unfinished.push_back(f.get<std::string>());
      }
      if (header.is_null()) header = report;
      std::string s = report.value("started", "");
      if (started.empty() || (!s.empty() && s < started)) started = s;
      max_rss = std::max(max_rss, report.value("supervisor_max_rss_kb", 0LL));
      for (Json& test : report["tests"]) {
        JsonTest t;
        t.file = test.at("file").get<std::string>();
        t.name = test.at("name").get<std::string>();
        test.at("verdict").get<std::string>();
        test["shard"] = t.shard = facts.Label();
        t.test = std::move(test);
        tests.push_back(std::move(t));
      }
    } catch (const Json::exception& e) {
      throw InputError{input + ": malformed report (" + e.what() + ")"};
    }
    if (facts.index < 1 || facts.index > facts.count) {
      throw InputError{input + ": shard " + facts.Label() + " is not a K/N with 1 <= K <= N"};
    }
    shards.push_back(std::move(facts));
  }
  *problems = CheckShards(shards);

  std::stable_sort(tests.begin(), tests.end(), [](const JsonTest& a, const JsonTest& b) {
    return a.file != b.file ? a.file < b.file : a.name < b.name;
  });
  std::map<std::string, int> summary;
  for (Verdict v : kAllVerdicts) summary[VerdictName(v)] = 0;
  bool failed = !problems->empty();
  Json list = Json::array();
  std::vector<std::string> duplicates;
  for (size_t i = 0; i < tests.size(); ++i) {
    if (i > 0 && tests[i].file == tests[i - 1].file && tests[i].name == tests[i - 1].name) {
      std::string text = "twice: " + tests[i].file + " (shards " + tests[i - 1].shard + " and " +
                         tests[i].shard + ")";
      problems->push_back(text);
      duplicates.push_back(tests[i].file);
      failed = true;
      continue;  // every case once
    }
    std::string verdict = tests[i].test["verdict"].get<std::string>();
    ++summary[verdict];
    Verdict v;
    if (ParseVerdict(verdict, &v) && VerdictFailsRun(v)) failed = true;
    list.push_back(std::move(tests[i].test));
  }

  const ShardFacts& first = shards.front();
  Json out = Json::object();
  out["phptrun"] = header.value("phptrun", "");
  out["php"] = header.value("php", "");
  out["started"] = started;
  double duration = 0;
  bool interrupted = false;
  for (const ShardFacts& s : shards) {
    duration = std::max(duration, s.duration_s);
    interrupted = interrupted || s.interrupted;
  }
  out["duration_s"] = duration;  // the slowest shard's wall time
  Json counts = Json::object();
  for (Verdict v : kAllVerdicts) counts[VerdictName(v)] = summary[VerdictName(v)];
  out["summary"] = std::move(counts);
  out["interrupted"] = interrupted;
  out["supervisor_max_rss_kb"] = max_rss;
  Json shard_list = Json::array();
  for (const ShardFacts& s : shards) {
    shard_list.push_back(Json{{"shard", s.Label()},
                              {"report", s.input},
                              {"duration_s", s.duration_s},
                              {"assigned", s.assigned},
                              {"interrupted", s.interrupted}});
  }
  std::vector<std::string> missing;
  for (const std::string& p : *problems) {
    if (p.rfind("missing: ", 0) == 0) missing.push_back(p.substr(9));
  }
  out["merge"] = Json{{"shards", std::move(shard_list)},
                      {"collected", first.collected},
                      {"digest", first.digest},
                      {"missing", missing},
                      {"twice", duplicates},
                      {"problems", *problems}};
  out["tests"] = std::move(list);
  *merged = std::move(out);
  (void)log;
  return failed || interrupted ? 1 : 0;
}

// ---- JUnit ----------------------------------------------------------------------

std::string Property(pugi::xml_node suite, const char* name) {
  for (pugi::xml_node p : suite.child("properties").children("property")) {
    if (std::string(p.attribute("name").value()) == name) return p.attribute("value").value();
  }
  return "";
}

// The case a testcase is: the PATH of "TITLE [PATH]", else the name.
std::string CaseKey(pugi::xml_node testcase) {
  std::string name = testcase.attribute("name").value();
  size_t open = name.rfind(" [");
  if (!name.empty() && name.back() == ']' && open != std::string::npos) {
    return name.substr(open + 2, name.size() - open - 3) + '\0' + name;
  }
  return name + '\0' + name;
}

struct JunitCase {
  std::string key;
  std::string shard;
  size_t doc;  // index into the loaded documents
  pugi::xml_node node;
};

int MergeJunit(const MergeOptions& o, std::vector<std::string>* problems, pugi::xml_document* out) {
  std::vector<std::unique_ptr<pugi::xml_document>> docs;
  std::vector<ShardFacts> shards;
  std::map<std::string, std::vector<JunitCase>> by_suite;
  std::map<std::string, std::string> timestamp_of;
  for (const std::string& input : o.inputs) {
    std::string content = ReadOrThrow(input);
    auto doc = std::make_unique<pugi::xml_document>();
    pugi::xml_parse_result parsed = doc->load_buffer(content.data(), content.size());
    pugi::xml_node root = doc->child("testsuites");
    if (!parsed || !root) {
      throw InputError{input + ": not a JUnit report (" +
                       (parsed ? "no <testsuites> root" : std::string(parsed.description())) + ")"};
    }
    ShardFacts facts;
    facts.input = input;
    for (pugi::xml_node suite : root.children("testsuite")) {
      std::string label = Property(suite, "phptrun.shard");
      if (label.empty()) continue;
      size_t slash = label.find('/');
      facts.index = std::atoi(label.substr(0, slash).c_str());
      facts.count = slash == std::string::npos ? 0 : std::atoi(label.substr(slash + 1).c_str());
      facts.collected = std::strtoull(Property(suite, "phptrun.collected").c_str(), nullptr, 10);
      facts.assigned = std::strtoull(Property(suite, "phptrun.assigned").c_str(), nullptr, 10);
      facts.digest = Property(suite, "phptrun.digest");
      facts.duration_s = std::atof(Property(suite, "phptrun.duration_s").c_str());
      for (pugi::xml_node p : suite.child("properties").children("property")) {
        if (std::string(p.attribute("name").value()) == "phptrun.unfinished") {
          facts.unfinished.push_back(p.attribute("value").value());
        }
      }
      facts.interrupted = !facts.unfinished.empty();
      break;
    }
    if (facts.count < 1 || facts.index < 1 || facts.index > facts.count) {
      throw InputError{input + ": not a shard's report (no phptrun.shard K/N property; run " +
                       "phptrun with --shard K/N)"};
    }
    for (pugi::xml_node suite : root.children("testsuite")) {
      std::string name = suite.attribute("name").value();
      std::string ts = suite.attribute("timestamp").value();
      if (!ts.empty() && (timestamp_of[name].empty() || ts < timestamp_of[name]))
        timestamp_of[name] = ts;
      for (pugi::xml_node testcase : suite.children("testcase")) {
        by_suite[name].push_back(
            JunitCase{CaseKey(testcase), facts.Label(), docs.size(), testcase});
      }
    }
    docs.push_back(std::move(doc));
    shards.push_back(std::move(facts));
  }
  *problems = CheckShards(shards);
  bool failed = !problems->empty();

  pugi::xml_node decl = out->append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = out->append_child("testsuites");
  root.append_attribute("name") = "phptrun";
  unsigned long long tests = 0, failures = 0, errors = 0;
  double duration = 0;
  for (const ShardFacts& s : shards) duration = std::max(duration, s.duration_s);
  for (auto& [name, cases] : by_suite) {
    std::stable_sort(cases.begin(), cases.end(),
                     [](const JunitCase& a, const JunitCase& b) { return a.key < b.key; });
    pugi::xml_node suite = root.append_child("testsuite");
    suite.append_attribute("name") = name.c_str();
    unsigned long long n = 0, f = 0, e = 0, skipped = 0;
    long long ms = 0;
    std::set<std::string> from;
    std::vector<pugi::xml_node> copies;
    for (size_t i = 0; i < cases.size(); ++i) {
      if (i > 0 && cases[i].key == cases[i - 1].key) {
        problems->push_back("twice: " + cases[i].key.substr(0, cases[i].key.find('\0')) +
                            " (shards " + cases[i - 1].shard + " and " + cases[i].shard + ")");
        failed = true;
        continue;
      }
      ++n;
      from.insert(cases[i].shard);
      pugi::xml_node c = cases[i].node;
      if (c.child("failure")) ++f;
      if (c.child("error")) ++e;
      // As phptrun's exit status: a WARN&FAIL is a JUnit failure, but not a failed run.
      if (c.child("error") ||
          (c.child("failure") &&
           std::string(c.child("failure").attribute("type").value()) != "warn")) {
        failed = true;
      }
      if (c.child("skipped")) ++skipped;
      ms += std::llround(std::atof(c.attribute("time").value()) * 1000.0);
      copies.push_back(c);
    }
    suite.append_attribute("tests") = n;
    suite.append_attribute("failures") = f;
    suite.append_attribute("errors") = e;
    suite.append_attribute("skipped") = skipped;
    suite.append_attribute("time") = FormatJunitTime(static_cast<double>(ms)).c_str();
    if (!timestamp_of[name].empty())
      suite.append_attribute("timestamp") = timestamp_of[name].c_str();
    std::string list;
    for (const std::string& s : from) list += (list.empty() ? "" : " ") + s;
    pugi::xml_node prop = suite.append_child("properties").append_child("property");
    prop.append_attribute("name") = "phptrun.shards";
    prop.append_attribute("value") = list.c_str();
    for (pugi::xml_node c : copies) suite.append_copy(c);
    tests += n;
    failures += f;
    errors += e;
  }
  root.append_attribute("tests") = tests;
  root.append_attribute("failures") = failures;
  root.append_attribute("errors") = errors;
  root.append_attribute("time") = FormatJunitTime(duration * 1000.0).c_str();
  return failed ? 1 : 0;
}

}  // namespace

std::string MergeUsageText() {
  return "Usage: phptrun merge (--json | --junit) -o OUT REPORT...\n"
         "Merges the reports of a run's shards (phptrun --shard K/N) into one.\n"
         "\n"
         "  --json          the REPORTs are --json reports; OUT is one JSON report\n"
         "  --junit         the REPORTs are --junit reports; OUT is one JUnit file\n"
         "  -o OUT          the merged report\n"
         "  -h, --help      this text\n"
         "\n"
         "Every case is listed once, counts are recomputed, each case (JSON) or\n"
         "suite (JUnit) names its shards. A shard without a report, a case a shard\n"
         "did not finish and a case present twice are reported (docs/ci.md).\n"
         "Exit status: 0 the merged run passed, 1 a case FAILed, BORKed or LEAKed,\n"
         "or a case is missing or twice, 2 unusable\n"
         "input (a report missing, malformed, or from another run).\n";
}

bool ParseMergeOptions(int argc, const char* const* argv, MergeOptions* o, std::string* err) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--json" || arg == "--junit") {
      auto format = arg == "--json" ? MergeOptions::Format::kJson : MergeOptions::Format::kJunit;
      if (o->format != MergeOptions::Format::kNone && o->format != format) {
        *err = "merge " + arg + ": give either --json or --junit, not both";
        return false;
      }
      o->format = format;
    } else if (arg == "-o" || arg.rfind("-o", 0) == 0 || arg.rfind("--output=", 0) == 0) {
      std::string value;
      if (arg == "-o") {
        if (i + 1 >= argc) {
          *err = "merge -o needs a value";
          return false;
        }
        value = argv[++i];
      } else {
        value = arg.rfind("--output=", 0) == 0 ? arg.substr(9) : arg.substr(2);
      }
      if (value.empty()) {
        *err = "merge -o: the file name is empty";
        return false;
      }
      o->output = value;
    } else if (arg == "-h" || arg == "--help") {
      o->help = true;
    } else if (!arg.empty() && arg[0] == '-') {
      *err = "merge: unknown option " + arg + " (see phptrun merge -h)";
      return false;
    } else {
      o->inputs.push_back(arg);
    }
  }
  if (o->help) return true;
  if (o->format == MergeOptions::Format::kNone) {
    *err = "merge: say which reports: --json or --junit (see phptrun merge -h)";
    return false;
  }
  if (o->output.empty()) {
    *err = "merge -o: no output file given";
    return false;
  }
  if (o->inputs.empty()) {
    *err = "merge: no REPORT given";
    return false;
  }
  return true;
}

int RunMerge(const MergeOptions& o, std::ostream& log) {
  std::vector<std::string> problems;
  int status = 0;
  std::string text;
  size_t cases = 0;
  try {
    if (o.format == MergeOptions::Format::kJson) {
      Json merged;
      status = MergeJson(o, log, &problems, &merged);
      cases = merged["tests"].size();
      text = merged.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
    } else {
      pugi::xml_document merged;
      status = MergeJunit(o, &problems, &merged);
      cases = merged.child("testsuites").attribute("tests").as_ullong();
      std::ostringstream xml;
      merged.save(xml, "  ", pugi::format_default, pugi::encoding_utf8);
      text = xml.str();
    }
  } catch (const InputError& e) {
    log << "phptrun: error: merge: " << e.message << "\n";
    return 2;
  }
  for (const std::string& p : problems) log << "phptrun: merge: " << p << "\n";
  AtomicFile file(o.output);
  std::string err;
  if (!file.ok()) {
    log << "phptrun: error: merge: " << file.error() << "\n";
    return 2;
  }
  file.stream() << text;
  if (!file.Commit(&err)) {
    log << "phptrun: error: merge: " << err << "\n";
    return 2;
  }
  log << "phptrun: merged " << o.inputs.size() << " reports, " << cases << " cases, into "
      << o.output << (status == 0 ? ": passed" : ": not passed") << "\n";
  return status;
}

MergeOutcome MergeMain(int argc, char** argv, std::ostream& out, std::ostream& err) {
  MergeOptions options;
  std::string message;
  if (!ParseMergeOptions(argc, argv, &options, &message)) {
    err << "phptrun: error: " << message << "\n";
    return {2};
  }
  if (options.help) {
    out << MergeUsageText();
    return {0};
  }
  return {RunMerge(options, err)};
}

}  // namespace phptrun
