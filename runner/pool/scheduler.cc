#include "runner/pool/scheduler.h"

#include <algorithm>
#include <iterator>

namespace phptrun {

void Scheduler::Add(size_t id, std::vector<std::string> keys, double weight,
                    std::string affinity) {
  bool alone = std::find(keys.begin(), keys.end(), "all") != keys.end();
  std::deque<Entry>& queue = alone ? alone_ : pending_;
  // After the last entry that weighs as much or more, searched from the back.
  auto at = queue.end();
  while (at != queue.begin() && std::prev(at)->weight < weight) --at;
  queue.insert(at, Entry{id, std::move(keys), weight, std::move(affinity)});
}

bool Scheduler::Blocked(const Entry& e) const {
  for (const std::string& key : e.keys) {
    if (held_keys_.count(key)) return true;
  }
  return false;
}

void Scheduler::Start(Entry e) {
  for (const std::string& key : e.keys) ++held_keys_[key];
  size_t id = e.id;
  running_.emplace(id, std::move(e));
}

bool Scheduler::Next(size_t* id, const std::string& affinity) {
  auto chosen = pending_.end();
  size_t seen = 0;
  for (auto it = pending_.begin(); it != pending_.end() && seen < kAffinityWindow; ++it) {
    if (Blocked(*it)) continue;
    ++seen;
    if (chosen == pending_.end()) {
      chosen = it;
    } else if (it->weight < chosen->weight) {
      break;  // never ahead of a case recorded or known to take longer
    }
    if (affinity.empty() || it->affinity == affinity) {
      chosen = it;
      break;
    }
  }
  if (chosen != pending_.end()) {
    *id = chosen->id;
    Entry e = std::move(*chosen);
    pending_.erase(chosen);
    Start(std::move(e));
    return true;
  }
  if (pending_.empty() && running_.empty() && !alone_.empty()) {
    *id = alone_.front().id;
    Start(std::move(alone_.front()));
    alone_.pop_front();
    return true;
  }
  return false;
}

const std::string& Scheduler::Affinity(size_t id) const {
  static const std::string kNone;
  auto it = running_.find(id);
  return it == running_.end() ? kNone : it->second.affinity;
}

void Scheduler::Requeue(size_t id) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  Entry e = it->second;  // a copy: Finished still needs the keys to release them
  Finished(id);
  bool alone = std::find(e.keys.begin(), e.keys.end(), "all") != e.keys.end();
  (alone ? alone_ : pending_).push_front(std::move(e));
}

void Scheduler::Finished(size_t id) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  for (const std::string& key : it->second.keys) {
    if (--held_keys_[key] == 0) held_keys_.erase(key);
  }
  running_.erase(it);
}

}  // namespace phptrun
