#include "reports/html_reporter.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "reports/html_assets.h"
#include "reports/report_test_support.h"
#include "tracer/leak_analysis.h"

using namespace phptrun;
using namespace phptrun::testing;
using namespace std::string_literals;

namespace {

std::string RenderHtml(const std::vector<CaseResult>& cases, double duration_s,
                       bool interrupted = false) {
  HtmlReporter html("");
  RunInfo info = SampleRunInfo(cases.size());
  info.cores = 4;
  info.arguments = {"-j2", "--html", "r.html", "tests/"};
  html.RunStarting(info);
  for (const CaseResult& r : cases) html.CaseFinished(r);
  std::ostringstream out;
  html.Render(MakeRunEnd(cases, duration_s, interrupted), out);
  return out.str();
}

// The text of the <script type="application/json" id="ID"> element.
std::string DataBlock(const std::string& page, const std::string& id) {
  std::string open = "<script type=\"application/json\" id=\"" + id + "\">";
  size_t begin = page.find(open);
  REQUIRE(begin != std::string::npos);
  begin += open.size();
  size_t end = page.find("</script>", begin);
  REQUIRE(end != std::string::npos);
  return page.substr(begin, end - begin);
}

// A resident case whose heap climbs by 100 bytes per iteration after a
// warm-up of 4, and whose objects stay flat, judged as the worker would.
CaseResult ResidentCase(Verdict verdict, std::string reason) {
  CaseResult r = MakeCase("tests/resident/cache.phpt", "Cache", verdict, std::move(reason), 50);
  ResidentReport& rep = r.resident;
  rep.present = true;
  rep.mode = "worker";
  rep.iterations = rep.completed = 12;
  rep.warmup = 4;
  std::vector<int64_t> heap, objects;
  for (int i = 0; i < 12; ++i) {
    heap.push_back(1000 + 100 * i);
    objects.push_back(7);
  }
  rep.series = {{"heap", heap}, {"objects", objects}};
  LeakAnalysis a = AnalyzeLeaks({{"heap", true, heap}, {"objects", false, objects}}, 4, 0);
  for (const MetricVerdict& m : a.metrics) {
    rep.growth.emplace_back(m.name, m.growth);
    if (m.leaking) rep.leaking.push_back(m.name);
  }
  rep.checkpoints = a.checkpoints;
  rep.decision = "growing";
  rep.extended_from = 6;
  rep.extended_because = "heap rose at 6 iterations without rising steadily";
  rep.fresh_checked = {2, 6, 12};
  rep.retainers = {{"Cache::$items",
                    {4, 5, 6, 7, 8, 9, 10, 11, 12},
                    {400, 500, 600, 700, 800, 900, 1000, 1100, 1200},
                    "growing",
                    1,
                    100,
                    12,
                    true}};
  rep.sites = {{"/src/cache.php", 14, "Cache::put", 4096, 12}};
  return r;
}

}  // namespace

TEST_CASE("HTML: the page's data matches the approved baseline", "[html_reporter][approved]") {
  // The sample run plus a judged resident LEAK with a retainer, extended
  // and compared with fresh workers: every key of the resident block.
  std::vector<CaseResult> cases = SampleCases();
  cases.push_back(ResidentCase(Verdict::kLeak, "retained by Cache::$items: items +1/iteration"));
  std::string page = RenderHtml(cases, 61.5);
  nlohmann::ordered_json data = {
      {"run", nlohmann::ordered_json::parse(DataBlock(page, "phptrun-run"))},
      {"cases", nlohmann::ordered_json::parse(DataBlock(page, "phptrun-cases"))}};
  CheckApproved("approved.html-data.json", data.dump(2) + "\n");
}

TEST_CASE("HTML: one page with the assets, the data, and every case in report order",
          "[html_reporter]") {
  std::vector<CaseResult> cases = SampleCases();
  std::string page = RenderHtml(cases, 61.5);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find(html_assets::kChartJs) != std::string::npos);
  CHECK(page.find(html_assets::kScript) != std::string::npos);
  CHECK(page.find("default-src 'none'") != std::string::npos);  // no network
  auto run = nlohmann::json::parse(DataBlock(page, "phptrun-run"));
  auto list = nlohmann::json::parse(DataBlock(page, "phptrun-cases"));
  REQUIRE(list.size() == cases.size());
  CHECK(list[0]["file"] == "Zend/tests/basic/001.phpt");  // sorted by file
  for (size_t i = 0; i < list.size(); ++i) CHECK(list[i]["id"] == i);
  CHECK(run["exit_status"] == 1);  // FAIL, BORK, LEAK among them
  CHECK(run["cores"] == 4);
  CHECK(run["arguments"] == nlohmann::json({"-j2", "--html", "r.html", "tests/"}));
  CHECK(run["summary"]["FAIL"] == 2);
  // The slowest first: the 60 s timeout.
  CHECK(list[run["slowest"][0].get<size_t>()]["file"] == "tests/lang/slow.phpt");
  // The tracer's spans give the per-extension tables.
  CHECK(run["profile"]["rinit"][0]["name"] == "standard");
  CHECK(run["profile"]["traced_cases"] == 2);
}

TEST_CASE("HTML: exit status 0 when nothing failed, 1 when interrupted", "[html_reporter]") {
  std::vector<CaseResult> passing = {MakeCase("a.phpt", "A", Verdict::kPass, "", 1),
                                     MakeCase("b.phpt", "B", Verdict::kSkip, "no", 1)};
  CHECK(nlohmann::json::parse(DataBlock(RenderHtml(passing, 1), "phptrun-run"))["exit_status"] ==
        0);
  CHECK(nlohmann::json::parse(
            DataBlock(RenderHtml(passing, 1, true), "phptrun-run"))["exit_status"] == 1);
  auto run = nlohmann::json::parse(DataBlock(RenderHtml(passing, 1), "phptrun-run"));
  CHECK(run["profile"].is_null());  // no spans: the tracer was off
}

TEST_CASE("HTML: hostile names and output cannot end the data element", "[html_reporter]") {
  std::string hostile = "</script><script>alert(1)</script><!--<img src=x onerror=alert(2)>";
  std::vector<CaseResult> cases = {
      MakeCase("x.phpt", hostile, Verdict::kFail, hostile, 1,
               "001+ " + hostile + "\n001- nul\0 cr\r del\x7f bad\xff ls\xe2\x80\xa8\n"s)};
  std::string page = RenderHtml(cases, 1);
  std::string data = DataBlock(page, "phptrun-cases");  // up to the first "</script>"
  CHECK(data.find('<') == std::string::npos);
  CHECK(data.find('>') == std::string::npos);
  CHECK(data.find('&') == std::string::npos);
  CHECK(data.find("\xe2\x80\xa8") == std::string::npos);
  auto list = nlohmann::json::parse(data);  // the whole array: nothing ended it early
  REQUIRE(list.size() == 1);
  CHECK(list[0]["name"] == hostile);  // the same text, once parsed
  CHECK(list[0]["diff"] ==
        "001+ " + hostile + "\n001- nul[[0x00]] cr[[0x0d]] del[[0x7f]] bad\\xff ls\xe2\x80\xa8\n");
}

TEST_CASE("HTML: a resident case carries the LEAK rule's own figures", "[html_reporter]") {
  CaseResult leak = ResidentCase(Verdict::kLeak, "heap +100 B/iteration");
  auto r = nlohmann::json::parse(HtmlReporter::ResidentJson(leak.resident, leak.reason).dump());
  CHECK(r["judged"] == true);
  // 12 iterations, warm-up 4: 8 intervals of one iteration each, checkpoints
  // 4..12; the last K/2 are intervals 5..8, measured from b_4 = 8.
  CHECK(r["checkpoints"] == std::vector<int>{4, 5, 6, 7, 8, 9, 10, 11, 12});
  CHECK(r["checkpoints"] == leak.resident.checkpoints);
  CHECK(r["tail_from"] == 5);
  CHECK(r["middle"] == 8);
  CHECK(r["decision"] == "growing");
  CHECK(r["extended"]["from"] == 6);
  CHECK(r["fresh"]["checked"] == std::vector<int>{2, 6, 12});
  CHECK(r["fresh"]["differs"] == 0);
  CHECK(r["output_differs"] == 0);
  auto heap = r["metrics"][0];
  CHECK(heap["name"] == "heap");
  CHECK(heap["bytes"] == true);
  CHECK(heap["values"].size() == 12);
  CHECK(heap["leaking"] == true);
  CHECK(heap["trend"] == "growing");
  // Warm-up's highest (iteration 4), then one value per interval.
  CHECK(heap["highs"] ==
        std::vector<int64_t>{1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000, 2100});
  CHECK(heap["rose"] == std::vector<bool>{false, true, true, true, true, true, true, true, true});
  CHECK(heap["rising_tail"] == 4);
  CHECK(heap["middle_high"] == 1700);  // the highest up to iteration 8
  CHECK(heap["growth"] == 100.0);      // (2100 - 1700) / (12 - 8)
  CHECK(heap["last_rise"] == 12);
  auto objects = r["metrics"][1];
  CHECK(objects["leaking"] == false);
  CHECK(objects["trend"] == "flat");
  CHECK(objects["rising_tail"] == 0);
  CHECK(objects["growth"] == 0.0);
  CHECK(r["sites"][0]["function"] == "Cache::put");
  auto retainer = r["retainers"][0];
  CHECK(retainer["path"] == "Cache::$items");
  CHECK(retainer["items"].size() == 9);
  CHECK(retainer["bytes"][8] == 1200);
  CHECK(retainer["trend"] == "growing");
  CHECK(retainer["items_growth"] == 1.0);
  CHECK(retainer["leaking"] == true);
}

TEST_CASE("HTML: a bounded metric says where it stopped growing", "[html_reporter]") {
  CaseResult pass = ResidentCase(Verdict::kPass, "");
  // Grows until iteration 7, flat from there on.
  std::vector<int64_t> heap;
  for (int i = 1; i <= 12; ++i) heap.push_back(1000 + 100 * std::min(i, 7));
  pass.resident.series[0].second = heap;
  auto r = nlohmann::json::parse(HtmlReporter::ResidentJson(pass.resident, pass.reason).dump());
  auto m = r["metrics"][0];
  CHECK(m["trend"] == "bounded");
  CHECK(m["last_rise"] == 7);
  CHECK(m["rising_tail"] == 0);
  CHECK(m["rose"] == std::vector<bool>{false, true, true, true, false, false, false, false, false});
  CHECK(m["growth"] == 0.0);
}

TEST_CASE(
    "HTML: a state-leak FAIL names the first differing iteration; an unjudged run has no "
    "rule lines",
    "[html_reporter]") {
  CaseResult fail = ResidentCase(
      Verdict::kFail,
      "output of iteration 5 differs from iteration 1 (state kept between iterations?)");
  fail.resident.growth.clear();  // as when the run stopped early: not judged
  fail.resident.leaking.clear();
  fail.resident.fresh_differs = 2;
  auto r = nlohmann::json::parse(HtmlReporter::ResidentJson(fail.resident, fail.reason).dump());
  CHECK(r["output_differs"] == 5);
  CHECK(r["fresh"]["differs"] == 2);
  CHECK(r["judged"] == false);
  CHECK(r["checkpoints"].empty());
  CHECK(r["tail_from"] == 0);
  CHECK_FALSE(r["metrics"][0].contains("growth"));
  CHECK_FALSE(r["metrics"][0].contains("trend"));
  CHECK(r["metrics"][0]["values"].size() == 12);
}
