// Which case runs next: dynamic hand-out in file order, cases known to be
// slow first, honouring CONFLICTS.
//
//   Scheduler s;
//   s.Add(id, conflict_keys, slow);     // for every case
//   size_t id;
//   while (s.Next(&id)) start(id);      // whenever a worker is free
//   s.Finished(id);                     // when its result arrives
//
// Two cases that share a conflict key never run at the same time. A case
// with the key "all" runs alone, after every other case has finished.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace phptrun {

class Scheduler {
 public:
  // `slow` cases go before every case that is not, in the order added.
  void Add(size_t id, std::vector<std::string> conflict_keys, bool slow = false);
  // The next case that may start now. False when none may (all pending ones
  // are blocked by running cases) or none is left.
  bool Next(size_t* id);
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
    bool slow = false;
  };
  bool Blocked(const Entry& e) const;
  void Start(Entry e);

  std::deque<Entry> pending_;
  std::deque<Entry> alone_;               // "all": run at the very end, one by one
  std::map<size_t, Entry> running_;
  std::map<std::string, int> held_keys_;  // key -> running cases holding it
};

}  // namespace phptrun
