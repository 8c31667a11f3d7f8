#include "runner/pool/shard.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <numeric>

namespace phptrun {
namespace {

size_t Root(std::vector<size_t>* parent, size_t i) {
  while ((*parent)[i] != i) i = (*parent)[i] = (*parent)[(*parent)[i]];
  return i;
}

}  // namespace

std::vector<size_t> ShardCases(const std::vector<double>& weights,
                               const std::vector<std::vector<std::string>>& keys, int k, int n,
                               int jobs) {
  size_t count = weights.size();
  // Groups: cases sharing a CONFLICTS key, by union-find.
  std::vector<size_t> parent(count);
  std::iota(parent.begin(), parent.end(), 0);
  std::map<std::string, size_t> first_with_key;
  for (size_t i = 0; i < count && i < keys.size(); ++i) {
    for (const std::string& key : keys[i]) {
      if (key == "all") continue;
      auto [it, inserted] = first_with_key.emplace(key, i);
      if (!inserted) {
        size_t a = Root(&parent, i), b = Root(&parent, it->second);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);  // the root is the first case
      }
    }
  }
  struct Group {
    size_t first;
    double weight = 0;
    bool alone = false;  // an "all" case: runs with nothing else
  };
  std::vector<Group> groups;
  std::vector<size_t> group_of_root(count, SIZE_MAX);
  std::vector<size_t> group_of(count);
  for (size_t i = 0; i < count; ++i) {
    size_t root = Root(&parent, i);
    if (group_of_root[root] == SIZE_MAX) {
      group_of_root[root] = groups.size();
      groups.push_back(Group{i});
    }
    group_of[i] = group_of_root[root];
    groups[group_of[i]].weight += weights[i];
    if (i < keys.size() && std::find(keys[i].begin(), keys[i].end(), "all") != keys[i].end()) {
      groups[group_of[i]].alone = true;
    }
  }
  std::vector<size_t> order(groups.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return groups[a].weight > groups[b].weight; });
  // A shard's wall time, estimated: its groups share `jobs` workers, but a
  // group runs one case at a time, so the longest group bounds it from
  // below; "all" cases run alone after everything else.
  struct Load {
    double sum = 0, longest = 0, alone = 0;
    double Wall(int jobs) const { return std::max(longest, sum / jobs) + alone; }
  };
  int workers = jobs > 0 ? jobs : 1;
  std::vector<Load> load(n > 0 ? n : 1);
  std::vector<int> shard_of_group(groups.size());
  for (size_t g : order) {
    const Group& group = groups[g];
    auto with = [&](Load l) {
      if (group.alone) {
        l.alone += group.weight;
      } else {
        l.sum += group.weight;
        l.longest = std::max(l.longest, group.weight);
      }
      return l;
    };
    int best = 0;
    for (int s = 1; s < static_cast<int>(load.size()); ++s) {
      double a = with(load[s]).Wall(workers), b = with(load[best]).Wall(workers);
      if (a < b || (a == b && load[s].sum + load[s].alone < load[best].sum + load[best].alone)) best = s;
    }
    shard_of_group[g] = best;
    load[best] = with(load[best]);
  }
  std::vector<size_t> mine;
  for (size_t i = 0; i < count; ++i) {
    if (shard_of_group[group_of[i]] == k - 1) mine.push_back(i);
  }
  return mine;
}

std::string CaseListDigest(const std::vector<std::string>& cases) {
  uint64_t hash = 14695981039346656037ull;
  auto mix = [&](unsigned char c) {
    hash ^= c;
    hash *= 1099511628211ull;
  };
  for (const std::string& path : cases) {
    for (char c : path) mix(static_cast<unsigned char>(c));
    mix('\n');
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

}  // namespace phptrun
