#include "runner/result/resident_report.h"

#include <catch2/catch.hpp>
#include <limits>

#include "runner/result/wire.h"

namespace phptrun {
namespace {

ResidentReport Sample() {
  ResidentReport r;
  r.present = true;
  r.mode = "reload";
  r.iterations = 300;
  r.completed = 299;
  r.warmup = 30;
  r.max_growth = 64;
  r.series = {{"heap", {1, 2, std::numeric_limits<int64_t>::max()}}, {"classes", {}}};
  r.growth = {{"heap", 1480.25}, {"classes", -1}};
  r.leaking = {"heap"};
  r.sites = {{"/a/\xff.php", 2, "(compile)", 384000, 1893}, {"", 0, "(reload)", 48, 1}};
  r.retained_bytes = 384048;
  r.retained_blocks = 1894;
  r.attribution = "second pass";
  r.iterations_per_s = 101865.75;
  r.loop_ms = 2.9375;
  r.sampling_ms = 0.25;
  return r;
}

void CheckSame(const ResidentReport& a, const ResidentReport& b) {
  CHECK(a.present == b.present);
  CHECK(a.mode == b.mode);
  CHECK(a.iterations == b.iterations);
  CHECK(a.completed == b.completed);
  CHECK(a.warmup == b.warmup);
  CHECK(a.max_growth == b.max_growth);
  CHECK(a.series == b.series);
  CHECK(a.growth == b.growth);
  CHECK(a.leaking == b.leaking);
  REQUIRE(a.sites.size() == b.sites.size());
  for (size_t i = 0; i < a.sites.size(); ++i) {
    CHECK(a.sites[i].file == b.sites[i].file);
    CHECK(a.sites[i].line == b.sites[i].line);
    CHECK(a.sites[i].function == b.sites[i].function);
    CHECK(a.sites[i].bytes == b.sites[i].bytes);
    CHECK(a.sites[i].count == b.sites[i].count);
  }
  CHECK(a.retained_bytes == b.retained_bytes);
  CHECK(a.retained_blocks == b.retained_blocks);
  CHECK(a.attribution == b.attribution);
  CHECK(a.iterations_per_s == b.iterations_per_s);
  CHECK(a.loop_ms == b.loop_ms);
  CHECK(a.sampling_ms == b.sampling_ms);
}

TEST_CASE("resident report: round trip over the wire, inside a CaseResult too") {
  WireWriter w;
  EncodeResidentReport(Sample(), &w);
  WireReader r(w.data());
  ResidentReport out;
  REQUIRE(DecodeResidentReport(&r, &out));
  CheckSame(Sample(), out);

  CaseResult in;
  in.file = "suites/resident/x.phpt";
  in.verdict = Verdict::kLeak;
  in.resident = Sample();
  WireWriter cw;
  EncodeCaseResult(in, &cw);
  WireReader cr(cw.data());
  CaseResult back;
  REQUIRE(DecodeCaseResult(&cr, &back));
  CheckSame(in.resident, back.resident);
}

TEST_CASE("resident report: absent stays absent, and truncation fails") {
  WireWriter w;
  EncodeResidentReport(ResidentReport(), &w);
  CHECK(w.data().size() == 4);
  WireReader r(w.data());
  ResidentReport out = Sample();
  REQUIRE(DecodeResidentReport(&r, &out));
  CHECK_FALSE(out.present);
  CHECK(out.series.empty());

  WireWriter full;
  EncodeResidentReport(Sample(), &full);
  for (size_t len = 0; len < full.data().size(); ++len) {
    INFO("length " << len);
    WireReader cut(std::string_view(full.data()).substr(0, len));
    ResidentReport partial;
    CHECK_FALSE(DecodeResidentReport(&cut, &partial));
  }
}

TEST_CASE("resident report: metrics follow the engine's sample layout") {
  const auto& m = ResidentMetrics();
  REQUIRE(m.size() == 10);
  CHECK(std::string(m[0].name) == "heap");
  CHECK(m[0].bytes);
  CHECK(std::string(m[1].name) == "persistent");
  CHECK(m[1].bytes);
  for (size_t i = 2; i < m.size(); ++i) CHECK_FALSE(m[i].bytes);
  CHECK(std::string(m[8].name) == "interned_strings");
  CHECK(std::string(m[9].name) == "pcre_cache");
  CHECK(m[9].limit == 4096);
  for (size_t i = 0; i < 9; ++i) CHECK(m[i].limit == 0);
}

TEST_CASE("resident report: details for JUnit and --show-diff") {
  CHECK(ResidentDetails(ResidentReport()).empty());
  ResidentReport r = Sample();
  r.series = {{"heap", std::vector<int64_t>(299, 0)}};
  r.series[0].second[29] = 100000;
  r.series[0].second.back() = 500000;
  std::string text = ResidentDetails(r);
  CHECK(text.find("resident reload: 299 of 300 iterations, warm-up 30, max_growth 64 B\n") == 0);
  CHECK(text.find("  heap grows +1.4 KiB per iteration: 100000 after warm-up (iteration 30), "
                  "500000 at iteration 299\n") != std::string::npos);
  CHECK(text.find("  375.0 KiB in 1893 blocks  (compile)  /a/\xff.php:2\n") != std::string::npos);
  CHECK(text.find("  48 B in 1 block  (reload)\n") != std::string::npos);
  CHECK(text.find("attribution: second pass\n") != std::string::npos);
}

}  // namespace
}  // namespace phptrun
