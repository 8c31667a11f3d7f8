// Recorded case times from earlier reports of phptrun, for ordering and
// sharding a run (--timings, --shard-timings).
//
//   RecordedTimings timings;
//   std::string err;
//   if (!timings.Load("last/report.json", &err)) fail(err);   // JSON or JUnit
//   double ms = timings.Estimate("Zend/tests/bug1.phpt");     // median if unknown
//
// A report from another machine or checkout names the same case by another
// path ("/home/ci/php-src/Zend/tests/a.phpt" against "Zend/tests/a.phpt"). A
// case matches a recorded path when one of the two paths ends with the other
// at a '/' (after dropping leading "./"), and the match is unambiguous: the
// same path exactly first, then the longest recorded path that ends with the
// case's path, then the longest tail of the case's path that was recorded.
// Two different recorded paths that fit equally well are no match. A case
// recorded in several reports gets the mean of its times.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace phptrun {

class RecordedTimings {
 public:
  // Adds the cases of one report: phptrun's JSON (tests[].file, time_ms) or
  // JUnit (testcase with a `file` attribute or a "TITLE [FILE]" name, and
  // `time` in seconds). False with *err naming the file when it cannot be
  // read or is neither.
  bool Load(const std::string& path, std::string* err);
  // Adds one recorded time (for tests, and what Load uses).
  void Add(const std::string& file, double ms);

  bool empty() const { return by_path_.empty(); }
  size_t size() const { return by_path_.size(); }
  // The recorded time of `file`; false when none matches (see above).
  bool Lookup(const std::string& file, double* ms) const;
  // The recorded time, or the median of all recorded times for a case no
  // report has (0 when nothing was loaded).
  double Estimate(const std::string& file) const;
  double median_ms() const;

 private:
  struct Recorded {
    double sum_ms = 0;
    int count = 0;
    double ms() const { return count ? sum_ms / count : 0; }
  };
  // Recorded path (normalised) -> its times.
  std::map<std::string, Recorded> by_path_;
  // Every proper tail of a recorded path ("b/c.phpt" of "a/b/c.phpt") ->
  // the recorded path, or "" when several recorded paths share the tail.
  std::map<std::string, std::string> by_tail_;
  mutable double median_ = -1;
};

}  // namespace phptrun
