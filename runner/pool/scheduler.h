// Which case runs next: dynamic hand-out in file order, cases known to be
// slow first (or the longest recorded first), honouring CONFLICTS.
//
//   Scheduler s;
//   s.Add(id, conflict_keys, weight);   // for every case
//   size_t id;
//   while (s.Next(&id)) start(id);      // whenever a worker is free
//   s.Finished(id);                     // when its result arrives
//
// Two cases that share a conflict key never run at the same time. A case
// with the key "all" runs alone, after every other case has finished.
//
// Cases may carry an affinity (the startup INI they need): Next(&id, a)
// prefers, among the next kAffinityWindow startable cases, one with
// affinity a, so that a worker whose warm case process was started for an
// INI section gets the cases that share it (runner/process/sandbox.h).
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace phptrun {

class Scheduler {
 public:
  // Cases with a higher `weight` go first; equal weights in the order added.
  // The weight is a recorded time (--timings), or 1 for a case that says it
  // is slow and 0 for the others. Adding in order of falling weight makes
  // each Add O(1).
  void Add(size_t id, std::vector<std::string> conflict_keys, double weight = 0,
           std::string affinity = {});
  // The next case that may start now: the first one not blocked, or, when
  // `affinity` is not empty, the first of the next kAffinityWindow ones
  // that has it and weighs as much as the first. False when none may start
  // (all pending ones are blocked by running cases) or none is left.
  bool Next(size_t* id, const std::string& affinity = {});
  // The affinity a running case was added with ("" for others).
  const std::string& Affinity(size_t id) const;

  static constexpr size_t kAffinityWindow = 64;
  // Puts a started case back at the front (its worker died before it ran).
  void Requeue(size_t id);
  void Finished(size_t id);

  size_t pending() const { return pending_.size() + alone_.size(); }
  size_t running() const { return running_.size(); }
  bool Done() const { return pending() == 0 && running() == 0; }

 private:
  struct Entry {
    size_t id;
    std::vector<std::string> keys;
    double weight = 0;
    std::string affinity;
  };
  bool Blocked(const Entry& e) const;
  void Start(Entry e);

  std::deque<Entry> pending_;
  std::deque<Entry> alone_;               // "all": run at the very end, one by one
  std::map<size_t, Entry> running_;
  std::map<std::string, int> held_keys_;  // key -> running cases holding it
};

}  // namespace phptrun
