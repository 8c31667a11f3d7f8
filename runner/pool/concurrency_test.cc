#include "runner/pool/concurrency.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

namespace phptrun {
namespace {

// A made-up pool on a fake clock: `running` cases each want `cpu_per_case`
// CPUs, and together get at most the machine's CPUs. Steps of 25 ms, as the
// supervisor's sampling.
struct FakePool {
  FakePool(Concurrency* concurrency, int machine_cpus, double per_case)
      : c(concurrency), cpus(machine_cpus), cpu_per_case(per_case) {}
  Concurrency* c;
  int cpus;
  double cpu_per_case;
  size_t pending = 1000;
  double now_ms = 1000;
  double cpu_ms = 0;
  int running = 0;
  std::vector<int> limits;  // the limit after each window

  void Step(int turns) {
    for (int i = 0; i < turns; ++i) {
      running = pending > 0 ? c->limit() : std::min(running, c->limit());
      c->Observe(now_ms, running, pending);
      if (c->WantsSample(now_ms)) {
        c->Sample(now_ms, cpu_ms);
        limits.push_back(c->limit());
      }
      now_ms += 25;
      cpu_ms += 25 * std::min<double>(cpus, running * cpu_per_case);
    }
  }
};

TEST_CASE("concurrency: cases that sleep get more running, one per window, up to the limit") {
  Concurrency c(2, 8);
  CHECK(c.limit() == 2);
  FakePool pool{&c, 2, 0.05};
  pool.Step(1);  // the first reading only starts the window
  CHECK(c.limit() == 2);
  pool.Step(4);  // one window of 100 ms, nearly all idle
  CHECK(c.limit() == 3);
  CHECK(c.last_idle_cpus() > 1.8);
  pool.Step(40);
  CHECK(c.limit() == 8);
  // It grew by one per window, never by more.
  for (size_t i = 1; i < pool.limits.size(); ++i) {
    CHECK(pool.limits[i] - pool.limits[i - 1] <= 1);
  }
}

TEST_CASE("concurrency: cases that compute never run more than one per CPU") {
  Concurrency c(2, 8);
  FakePool pool{&c, 2, 1.0};
  pool.Step(200);
  for (int limit : pool.limits) CHECK(limit == 2);
}

TEST_CASE("concurrency: half a CPU idle is enough to add one, less is not") {
  // Three cases using 0.5 CPU each on 2 CPUs: 0.5 idle -> a fourth; then
  // 2.0 busy -> saturated, back to three; and so on around the balance.
  Concurrency c(2, 8);
  FakePool pool{&c, 2, 0.5};
  pool.Step(200);
  for (int limit : pool.limits) CHECK(limit <= 4);
  CHECK(*std::max_element(pool.limits.begin(), pool.limits.end()) == 4);

  // 0.6 CPU each: two cases leave 0.8 idle, three leave none.
  Concurrency d(2, 8);
  FakePool busier{&d, 2, 0.6};
  busier.Step(200);
  for (int limit : busier.limits) CHECK(limit <= 3);
}

TEST_CASE("concurrency: cases that start computing give the extra room back") {
  Concurrency c(2, 8);
  FakePool pool{&c, 2, 0.05};
  pool.Step(60);
  REQUIRE(c.limit() == 8);
  pool.cpu_per_case = 1.0;
  pool.Step(13);  // the window under way, then three of computing: three fewer
  CHECK(c.limit() == 5);
  pool.Step(40);
  CHECK(c.limit() == 2);  // never below the CPUs
}

TEST_CASE("concurrency: no growth without pending cases or with cases not yet running") {
  Concurrency c(2, 8);
  FakePool pool{&c, 2, 0.05};
  pool.pending = 0;
  pool.Step(40);
  CHECK(c.limit() == 2);

  // Idle CPUs while the allowed cases are not all running (a worker still
  // starting its engine): wait for them first.
  Concurrency d(2, 8);
  double now = 0;
  d.Observe(now, 0, 100);
  d.Sample(now, 0);
  for (int i = 1; i <= 8; ++i) {
    now += 25;
    d.Observe(now, 1, 100);
    if (d.WantsSample(now)) d.Sample(now, 0);
  }
  CHECK(d.limit() == 2);
}

TEST_CASE(
    "concurrency: a fixed -j (max_jobs == cpus) never changes, and max_jobs is at least cpus") {
  Concurrency c(4, 4);
  FakePool pool{&c, 4, 0.01};
  pool.Step(100);
  CHECK(c.limit() == 4);
  Concurrency d(3, 1);
  CHECK(d.max_jobs() == 3);
  Concurrency e(0, 0);
  CHECK(e.cpus() == 1);
  CHECK(e.limit() == 1);
}

TEST_CASE("concurrency: a window is at least kWindowMs long") {
  Concurrency c(2, 8);
  c.Observe(0, 2, 10);
  CHECK(c.WantsSample(0));  // the first reading
  c.Sample(0, 0);
  CHECK_FALSE(c.WantsSample(50));
  CHECK_FALSE(c.WantsSample(99.9));
  CHECK(c.WantsSample(100));
  CHECK(c.window_end_ms() == 100);
}

}  // namespace
}  // namespace phptrun
