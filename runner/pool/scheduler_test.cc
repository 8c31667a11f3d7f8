#include "runner/pool/scheduler.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace phptrun {
namespace {

using Keys = std::vector<std::string>;

// Every id Next hands out right now, in order.
std::vector<size_t> StartAll(Scheduler* s) {
  std::vector<size_t> ids;
  size_t id;
  while (s->Next(&id)) ids.push_back(id);
  return ids;
}

TEST_CASE("scheduler: an empty scheduler is done") {
  Scheduler s;
  size_t id = 42;
  CHECK(s.Done());
  CHECK_FALSE(s.Next(&id));
  CHECK(id == 42);
  CHECK(s.pending() == 0);
  CHECK(s.running() == 0);
}

TEST_CASE("scheduler: cases without conflicts start in file order") {
  Scheduler s;
  for (size_t i = 0; i < 5; ++i) s.Add(i, {});
  CHECK(s.pending() == 5);
  CHECK_FALSE(s.Done());

  size_t id;
  REQUIRE(s.Next(&id));
  CHECK(id == 0);
  REQUIRE(s.Next(&id));
  CHECK(id == 1);
  CHECK(s.pending() == 3);
  CHECK(s.running() == 2);
  CHECK(StartAll(&s) == std::vector<size_t>{2, 3, 4});
  CHECK(s.pending() == 0);
  CHECK(s.running() == 5);
  CHECK_FALSE(s.Done());

  for (size_t i : {3, 0, 4, 1}) s.Finished(i);
  CHECK_FALSE(s.Done());
  s.Finished(2);
  CHECK(s.Done());
}

TEST_CASE("scheduler: slow cases start first, each group in file order") {
  Scheduler s;
  s.Add(0, {});
  s.Add(1, {}, /*slow=*/true);
  s.Add(2, {});
  s.Add(3, {}, /*slow=*/true);
  s.Add(4, {"all"}, /*slow=*/true);  // "all" still runs alone, last
  CHECK(StartAll(&s) == std::vector<size_t>{1, 3, 0, 2});
  for (size_t i : {0, 1, 2, 3}) s.Finished(i);
  CHECK(StartAll(&s) == std::vector<size_t>{4});
}

TEST_CASE("scheduler: a slow case blocked by a conflict lets the others start") {
  Scheduler s;
  s.Add(0, {"db"});
  s.Add(1, {"db"}, /*slow=*/true);
  s.Add(2, {});
  CHECK(StartAll(&s) == std::vector<size_t>{1, 2});
  s.Finished(1);
  CHECK(StartAll(&s) == std::vector<size_t>{0});
}

TEST_CASE("scheduler: ids need not be dense or sorted") {
  Scheduler s;
  s.Add(30, {});
  s.Add(7, {});
  s.Add(1000, {});
  CHECK(StartAll(&s) == std::vector<size_t>{30, 7, 1000});
}

TEST_CASE("scheduler: cases sharing a key never run together") {
  Scheduler s;
  s.Add(0, {"db"});
  s.Add(1, {"db"});
  s.Add(2, {"db"});

  CHECK(StartAll(&s) == std::vector<size_t>{0});
  s.Finished(0);
  CHECK(StartAll(&s) == std::vector<size_t>{1});
  s.Finished(1);
  CHECK(StartAll(&s) == std::vector<size_t>{2});
  s.Finished(2);
  CHECK(s.Done());
}

TEST_CASE("scheduler: a blocked case does not block later unrelated ones") {
  Scheduler s;
  s.Add(0, {"db"});
  s.Add(1, {"db"});
  s.Add(2, {});
  s.Add(3, {"net"});
  s.Add(4, {"db", "net"});
  s.Add(5, {"fs"});

  // 1 and 4 wait for 0 (and 4 for 3), the others start.
  CHECK(StartAll(&s) == std::vector<size_t>{0, 2, 3, 5});
  CHECK(s.pending() == 2);

  // 3 finishing frees "net", but 4 still waits for "db".
  s.Finished(3);
  CHECK(StartAll(&s).empty());

  // "db" is free: the earlier of the waiting cases goes first and takes it.
  s.Finished(0);
  CHECK(StartAll(&s) == std::vector<size_t>{1});
  s.Finished(1);
  CHECK(StartAll(&s) == std::vector<size_t>{4});
  for (size_t i : {2, 4, 5}) s.Finished(i);
  CHECK(s.Done());
}

TEST_CASE("scheduler: any one shared key is a conflict") {
  Scheduler s;
  s.Add(0, {"a", "b"});
  s.Add(1, {"c", "b"});
  s.Add(2, {"c"});
  CHECK(StartAll(&s) == std::vector<size_t>{0, 2});
  s.Finished(2);
  CHECK(StartAll(&s).empty());  // 1 still shares "b" with 0
  s.Finished(0);
  CHECK(StartAll(&s) == std::vector<size_t>{1});
}

TEST_CASE("scheduler: a case listing a key twice frees it when it finishes") {
  Scheduler s;
  s.Add(0, {"k", "k"});
  s.Add(1, {"k"});
  CHECK(StartAll(&s) == std::vector<size_t>{0});
  s.Finished(0);
  CHECK(StartAll(&s) == std::vector<size_t>{1});
  s.Finished(1);
  CHECK(s.Done());
}

TEST_CASE("scheduler: \"all\" runs alone and last") {
  Scheduler s;
  s.Add(0, {"all"});
  s.Add(1, {});
  s.Add(2, {"x", "all"});
  s.Add(3, {"x"});
  CHECK(s.pending() == 4);

  CHECK(StartAll(&s) == std::vector<size_t>{1, 3});
  s.Finished(1);
  CHECK(StartAll(&s).empty());  // 3 is still running
  s.Finished(3);

  // Then the "all" cases, in file order, one at a time.
  CHECK(StartAll(&s) == std::vector<size_t>{0});
  CHECK(s.running() == 1);
  s.Finished(0);
  CHECK(StartAll(&s) == std::vector<size_t>{2});
  CHECK_FALSE(s.Done());
  s.Finished(2);
  CHECK(s.Done());
}

TEST_CASE("scheduler: a case added late still runs before \"all\"") {
  Scheduler s;
  s.Add(0, {"all"});
  s.Add(1, {});
  CHECK(StartAll(&s) == std::vector<size_t>{1});
  s.Add(2, {});
  s.Finished(1);
  CHECK(StartAll(&s) == std::vector<size_t>{2});
  s.Finished(2);
  CHECK(StartAll(&s) == std::vector<size_t>{0});
}

TEST_CASE("scheduler: Requeue puts a case back at the front") {
  Scheduler s;
  s.Add(0, {});
  s.Add(1, {});
  s.Add(2, {});
  size_t id;
  REQUIRE(s.Next(&id));
  REQUIRE(s.Next(&id));
  CHECK(s.running() == 2);

  s.Requeue(0);
  CHECK(s.running() == 1);
  CHECK(s.pending() == 2);
  CHECK(StartAll(&s) == std::vector<size_t>{0, 2});
}

TEST_CASE("scheduler: Requeue releases the case's keys") {
  Scheduler s;
  s.Add(0, {"k"});
  s.Add(1, {"k"});
  CHECK(StartAll(&s) == std::vector<size_t>{0});
  s.Requeue(0);
  // 0 goes first again, and holds "k" again.
  CHECK(StartAll(&s) == std::vector<size_t>{0});
  s.Finished(0);
  CHECK(StartAll(&s) == std::vector<size_t>{1});
  s.Finished(1);
  CHECK(s.Done());
}

TEST_CASE("scheduler: a requeued \"all\" case still runs alone") {
  Scheduler s;
  s.Add(0, {"all"});
  s.Add(1, {"all"});
  CHECK(StartAll(&s) == std::vector<size_t>{0});
  s.Requeue(0);
  CHECK(s.pending() == 2);
  CHECK(StartAll(&s) == std::vector<size_t>{0});
  s.Finished(0);
  CHECK(StartAll(&s) == std::vector<size_t>{1});
}

TEST_CASE("scheduler: unknown ids are ignored by Requeue and Finished") {
  Scheduler s;
  s.Add(0, {"k"});
  s.Requeue(0);  // not started yet
  s.Finished(7);
  s.Requeue(7);
  CHECK(s.pending() == 1);
  CHECK(s.running() == 0);
  CHECK(StartAll(&s) == std::vector<size_t>{0});
  s.Finished(0);
  s.Finished(0);  // twice
  CHECK(s.Done());
}

TEST_CASE("scheduler: random workloads keep every rule") {
  const std::vector<std::string> kKeyPool = {"db", "net", "fs", "shm", "all"};
  for (unsigned seed = 1; seed <= 50; ++seed) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    Scheduler s;
    size_t n = 1 + rng() % 40;
    std::vector<Keys> keys(n);
    for (size_t i = 0; i < n; ++i) {
      for (const std::string& k : kKeyPool) {
        if (rng() % (k == "all" ? 10 : 4) == 0) keys[i].push_back(k);
      }
      s.Add(i, keys[i]);
    }
    auto is_all = [&](size_t i) {
      return std::find(keys[i].begin(), keys[i].end(), "all") != keys[i].end();
    };
    size_t workers = 1 + rng() % 4;
    std::vector<size_t> running;
    std::vector<size_t> started;
    std::set<size_t> finished;
    int requeues = 0;
    while (!s.Done()) {
      size_t id;
      while (running.size() < workers && s.Next(&id)) {
        REQUIRE(id < n);
        // Never started twice (unless requeued, which removed it from running).
        REQUIRE(std::find(running.begin(), running.end(), id) == running.end());
        REQUIRE(finished.count(id) == 0);
        for (size_t other : running) {
          for (const std::string& k : keys[id]) {
            INFO("case " << id << " and " << other << " share " << k);
            CHECK(std::find(keys[other].begin(), keys[other].end(), k) == keys[other].end());
          }
        }
        if (is_all(id)) {
          CHECK(running.empty());
          for (size_t i = 0; i < n; ++i) {
            if (!is_all(i)) CHECK(finished.count(i) == 1);
          }
        } else {
          for (size_t other : running) CHECK_FALSE(is_all(other));
        }
        running.push_back(id);
        started.push_back(id);
      }
      REQUIRE_FALSE(running.empty());  // otherwise the scheduler is stuck
      CHECK(s.running() == running.size());
      size_t pick = rng() % running.size();
      size_t done = running[pick];
      running.erase(running.begin() + pick);
      if (requeues < 3 && rng() % 8 == 0) {
        ++requeues;
        s.Requeue(done);
      } else {
        s.Finished(done);
        finished.insert(done);
      }
    }
    CHECK(finished.size() == n);
    CHECK(running.empty());
  }
}

TEST_CASE("scheduler: a worker gets the next case with its affinity, within the window") {
  Scheduler s;
  s.Add(0, {}, 0, "K");
  s.Add(1, {}, 0, "");
  s.Add(2, {}, 0, "K");
  s.Add(3, {}, 0, "L");
  s.Add(4, {}, 0, "K");
  size_t id;
  REQUIRE(s.Next(&id, "K"));
  CHECK(id == 0);
  CHECK(s.Affinity(0) == "K");  // known while it runs
  CHECK(s.Affinity(1).empty());
  REQUIRE(s.Next(&id, "K"));
  CHECK(id == 2);  // passes over case 1
  REQUIRE(s.Next(&id, ""));
  CHECK(id == 1);  // without an affinity: file order
  REQUIRE(s.Next(&id, "M"));
  CHECK(id == 3);  // no case has it: file order
  REQUIRE(s.Next(&id, "K"));
  CHECK(id == 4);
  CHECK_FALSE(s.Next(&id, "K"));
}

TEST_CASE("scheduler: affinity looks no further than the window, and never past a conflict") {
  Scheduler s;
  for (size_t i = 0; i < Scheduler::kAffinityWindow; ++i) s.Add(i, {});
  s.Add(Scheduler::kAffinityWindow, {}, 0, "K");
  size_t id;
  REQUIRE(s.Next(&id, "K"));
  CHECK(id == 0);

  Scheduler c;
  c.Add(0, {"db"}, 0, "");
  c.Add(1, {"db"}, 0, "K");
  c.Add(2, {}, 0, "");
  REQUIRE(c.Next(&id, ""));
  CHECK(id == 0);
  REQUIRE(c.Next(&id, "K"));
  CHECK(id == 2);  // case 1 waits for case 0's key
}

TEST_CASE("scheduler: affinity never takes a case ahead of a heavier one") {
  Scheduler s;
  s.Add(0, {}, 5.0, "");   // recorded as long
  s.Add(1, {}, 5.0, "K");
  s.Add(2, {}, 0.0, "K");  // lighter: not taken before case 0
  size_t id;
  REQUIRE(s.Next(&id, "K"));
  CHECK(id == 1);  // as heavy as the first: fine
  REQUIRE(s.Next(&id, "K"));
  CHECK(id == 0);  // case 2 is lighter than case 0
  REQUIRE(s.Next(&id, "K"));
  CHECK(id == 2);
}

}  // namespace
}  // namespace phptrun

TEST_CASE("scheduler: recorded times order the queue, longest first, CONFLICTS still held") {
  phptrun::Scheduler s;
  // Added longest first, as the supervisor does, then a late one in between.
  s.Add(0, {}, 900);
  s.Add(1, {"db"}, 500);
  s.Add(2, {"db"}, 400);
  s.Add(3, {}, 10);
  s.Add(4, {}, 450);  // e.g. a REDIRECTTEST's case, added during the run
  s.Add(5, {}, 10);   // equal weights keep the order added
  std::vector<size_t> order;
  size_t id;
  while (s.Next(&id)) order.push_back(id);
  // 2 shares "db" with the running 1: the others go past it.
  CHECK(order == std::vector<size_t>{0, 1, 4, 3, 5});
  s.Finished(1);
  REQUIRE(s.Next(&id));
  CHECK(id == 2);
}
