#include "reports/result_spool.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "reports/report_test_support.h"
#include "runner/result/wire.h"

using namespace phptrun;
using namespace phptrun::testing;

namespace {

// Every field, compared through the wire encoding.
std::string Encoded(const CaseResult& result) {
  WireWriter w;
  EncodeCaseResult(result, &w);
  return w.data();
}

CaseResult Numbered(int i, size_t diff_bytes) {
  CaseResult r = MakeCase("dir/" + std::to_string(i) + ".phpt", "case " + std::to_string(i),
                          static_cast<Verdict>(i % 8), "reason " + std::to_string(i), i * 0.25,
                          std::string(diff_bytes, static_cast<char>('a' + i % 26)));
  r.phases = SamplePhases();
  r.worker = i % 3 + 1;
  r.start_ms = i * 1.5;
  return r;
}

std::string MakeTempDir() {
  char templ[] = "/tmp/phptrun_spool_XXXXXX";
  REQUIRE(mkdtemp(templ) != nullptr);
  return templ;
}

size_t CountEntries(const std::string& dir) {
  size_t n = 0;
  DIR* d = opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") ++n;
  }
  closedir(d);
  return n;
}

// Appends `cases` and checks that each reads back identical, in reverse.
void CheckRoundTrip(ResultSpool& spool, const std::vector<CaseResult>& cases) {
  std::vector<ResultSpool::Ref> refs;
  for (const CaseResult& r : cases) refs.push_back(spool.Append(r));
  for (size_t k = cases.size(); k-- > 0;) {
    CaseResult back;
    INFO("case " << k);
    REQUIRE(spool.Read(refs[k], &back));
    CHECK(Encoded(back) == Encoded(cases[k]));
  }
  CHECK(spool.error().empty());
}

}  // namespace

TEST_CASE("Spool: results read back identical, small and larger than the buffer",
          "[result_spool]") {
  std::string dir = MakeTempDir();
  {
    ResultSpool spool(dir);
    std::vector<CaseResult> cases;
    for (int i = 0; i < 400; ++i) cases.push_back(Numbered(i, (i * 977) % 5000));
    cases.push_back(Numbered(400, 300 * 1024));  // bypasses the buffer
    cases.push_back(HostileCase());
    cases.push_back(CaseResult());
    CheckRoundTrip(spool, cases);
    CHECK(spool.on_disk());
    // The temporary file never has a name in the directory.
    CHECK(CountEntries(dir) == 0);
  }
  rmdir(dir.c_str());
}

TEST_CASE("Spool: memory is the write buffer, whatever the results weigh", "[result_spool]") {
  ResultSpool spool;
  spool.Append(Numbered(0, 10));
  REQUIRE(spool.on_disk());
  size_t buffer = spool.memory_bytes();
  CHECK(buffer > 0);
  CHECK(buffer <= 256 * 1024);
  for (int i = 1; i < 300; ++i) spool.Append(Numbered(i, 64 * 1024));  // 19 MB of diffs
  CHECK(spool.memory_bytes() == buffer);
}

TEST_CASE("Spool: without a usable directory, results stay in memory", "[result_spool]") {
  ResultSpool spool("/nonexistent/phptrun/spool");
  std::vector<CaseResult> cases;
  for (int i = 0; i < 50; ++i) cases.push_back(Numbered(i, 4096));
  CheckRoundTrip(spool, cases);
  CHECK_FALSE(spool.on_disk());
  CHECK(spool.memory_bytes() >= 50 * 4096);
}

TEST_CASE("Spool: a write that fails part-way keeps the rest in memory", "[result_spool]") {
  // A file-size limit makes pwrite stop short, then fail with EFBIG, the way
  // a full disk would; results end up straddling the file and memory.
  rlimit old_limit{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
  struct sigaction ignore = {};
  struct sigaction old_action = {};
  ignore.sa_handler = SIG_IGN;
  REQUIRE(sigaction(SIGXFSZ, &ignore, &old_action) == 0);
  rlimit limit = old_limit;
  limit.rlim_cur = 300 * 1000;
  REQUIRE(setrlimit(RLIMIT_FSIZE, &limit) == 0);

  std::string dir = MakeTempDir();
  {
    ResultSpool spool(dir);
    std::vector<CaseResult> cases;
    for (int i = 0; i < 40; ++i) cases.push_back(Numbered(i, 30 * 1000 + i));
    cases.push_back(Numbered(40, 200 * 1000));
    cases.push_back(Numbered(41, 10));
    CheckRoundTrip(spool, cases);
    CHECK_FALSE(spool.on_disk());
  }
  setrlimit(RLIMIT_FSIZE, &old_limit);
  sigaction(SIGXFSZ, &old_action, nullptr);
  CHECK(CountEntries(dir) == 0);
  rmdir(dir.c_str());
}
