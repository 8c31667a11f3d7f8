#include "runner/pool/shard.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

namespace phptrun {
namespace {

using Keys = std::vector<std::vector<std::string>>;

std::vector<std::vector<size_t>> AllShards(const std::vector<double>& w, const Keys& keys, int n) {
  std::vector<std::vector<size_t>> shards;
  for (int k = 1; k <= n; ++k) shards.push_back(ShardCases(w, keys, k, n));
  return shards;
}

TEST_CASE("shard: without timings, an even split by count, every case once") {
  std::vector<double> w(10, 1);
  auto shards = AllShards(w, Keys(10), 4);
  std::multiset<size_t> all;
  for (const auto& s : shards) {
    CHECK((s.size() == 2 || s.size() == 3));
    all.insert(s.begin(), s.end());
  }
  CHECK(all.size() == 10);
  CHECK(std::set<size_t>(all.begin(), all.end()).size() == 10);
  // Deterministic: the same split again.
  CHECK(AllShards(w, Keys(10), 4) == shards);
  CHECK(ShardCases(w, Keys(10), 1, 1).size() == 10);
}

TEST_CASE("shard: CONFLICTS groups stay in one shard; 'all' does not group") {
  std::vector<double> w(8, 1);
  Keys keys(8);
  keys[1] = {"db"};
  keys[5] = {"db", "net"};
  keys[7] = {"net"};
  keys[2] = {"all"};
  keys[6] = {"all"};
  auto shards = AllShards(w, keys, 3);
  for (const auto& s : shards) {
    std::set<size_t> in(s.begin(), s.end());
    bool has = in.count(1) || in.count(5) || in.count(7);
    if (has) CHECK((in.count(1) && in.count(5) && in.count(7)));
  }
  // 2 and 6 may be anywhere, but not both in the group's shard as a group.
  size_t total = 0;
  for (const auto& s : shards) total += s.size();
  CHECK(total == 8);
}

TEST_CASE("shard: recorded times, longest first to the least loaded shard") {
  // 100, 60, 50, 40, 30, 20, 10, 10 over 2 shards: 100+40+20 / 60+50+30+10+10.
  std::vector<double> w = {10, 100, 60, 50, 40, 30, 20, 10};
  auto shards = AllShards(w, Keys(8), 2);
  double load[2] = {0, 0};
  for (int k = 0; k < 2; ++k)
    for (size_t i : shards[k]) load[k] += w[i];
  CHECK(load[0] == 160);
  CHECK(load[1] == 160);
  CHECK(shards[0] == std::vector<size_t>{1, 4, 6});
}

TEST_CASE("shard: more shards than cases leaves some empty") {
  std::vector<double> w(2, 1);
  auto shards = AllShards(w, Keys(2), 4);
  CHECK(shards[0] == std::vector<size_t>{0});
  CHECK(shards[1] == std::vector<size_t>{1});
  CHECK(shards[2].empty());
}

TEST_CASE("shard: the digest of the case list") {
  CHECK(CaseListDigest(std::vector<std::string>()) == "cbf29ce484222325");
  CHECK(CaseListDigest({"a.phpt", "b.phpt"}) == CaseListDigest({"a.phpt", "b.phpt"}));
  CHECK(CaseListDigest({"a.phpt", "b.phpt"}) != CaseListDigest({"b.phpt", "a.phpt"}));
  CHECK(CaseListDigest({"ab"}) != CaseListDigest({"a", "b"}));
  CHECK(CaseListDigest({"x"}).size() == 16);
}

}  // namespace
}  // namespace phptrun

namespace phptrun {
namespace {

TEST_CASE("shard: a long CONFLICTS group, which runs one case at a time, gets less besides") {
  // Two shards. The group "server" (cases 0-3, 40 each) takes 160 however
  // many workers there are; the other cases (8 x 20) can share them.
  std::vector<double> w = {40, 40, 40, 40, 20, 20, 20, 20, 20, 20, 20, 20};
  Keys keys(12);
  for (int i = 0; i < 4; ++i) keys[i] = {"server"};
  auto weight = [&](const std::vector<size_t>& s) {
    double sum = 0;
    for (size_t i : s) sum += w[i];
    return sum;
  };
  // One worker per shard: by weight, 160 each.
  auto one = AllShards(w, keys, 2);
  CHECK(weight(one[0]) == 160);
  CHECK(weight(one[1]) == 160);
  // Two workers: the group's shard takes 160 anyway, the other shard gets the
  // rest (160 over two workers: 80), instead of the group plus half the rest
  // (240 over two workers, but the group alone is 160 + what waits for it).
  std::vector<size_t> a = ShardCases(w, keys, 1, 2, 2), b = ShardCases(w, keys, 2, 2, 2);
  CHECK(a == std::vector<size_t>{0, 1, 2, 3});
  CHECK(b.size() == 8);
}

TEST_CASE("shard: 'all' cases run alone, so they count in full") {
  // 2 jobs, 2 shards: an "all" case of 100 and four cases of 100. By sum
  // alone one shard would take the "all" case and one other (100 + 100/2);
  // it runs alone, so the estimate is 100 + 50 = 150 against 150 for three
  // others sharing two workers.
  std::vector<double> w = {100, 100, 100, 100, 100};
  Keys keys(5);
  keys[0] = {"all"};
  std::vector<size_t> s1 = ShardCases(w, keys, 1, 2, 2), s2 = ShardCases(w, keys, 2, 2, 2);
  CHECK(s1.size() + s2.size() == 5);
  const std::vector<size_t>& with_all = std::count(s1.begin(), s1.end(), 0) ? s1 : s2;
  CHECK(with_all.size() == 2);  // the "all" case and one other
}

}  // namespace
}  // namespace phptrun
