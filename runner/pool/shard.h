// Splitting the collected cases into N disjoint shards (--shard K/N), for CI
// jobs that each run one part of a suite, and the digest that lets a merge
// of their reports check they split the same list (docs/ci.md).
//
//   std::vector<size_t> mine = ShardCases(weights, groups, k, n);
//
// Every machine must compute the same split from the same files, whatever
// order its filesystem lists them in: the cases come sorted by path
// (CollectCases), and the split depends only on that order, the weights and
// the groups. Cases that share a CONFLICTS key form a group that stays in
// one shard (the shard's scheduler keeps them apart in time). The split is a
// longest-first greedy: groups by falling weight (ties: the first case's
// position), each to the shard whose estimated wall time grows least (ties:
// the least weight so far, then the lowest K). A shard's wall time is
// estimated for `jobs` workers as max(its longest group, its weight / jobs)
// plus its "all" cases, which run alone: a CONFLICTS group runs one case at a
// time (php-src's "server" group takes minutes), so a shard that holds it
// gets less besides. With weight 1 per case that is an even split by count;
// with recorded times, shards of about the same wall time.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace phptrun {

// Indices (ascending) of the cases of shard `k` (1-based) of `n`.
// `weights[i]` is case i's weight; `keys[i]` its CONFLICTS keys ("all" does
// not group: such cases run alone at the end of whichever shard has them).
std::vector<size_t> ShardCases(const std::vector<double>& weights,
                               const std::vector<std::vector<std::string>>& keys, int k, int n,
                               int jobs = 1);

// A digest of the case list (FNV-1a 64 over the paths, in order, each ended
// by '\n'), as 16 hex digits: shards of one run report the same digest.
std::string CaseListDigest(const std::vector<std::string>& cases);

}  // namespace phptrun
