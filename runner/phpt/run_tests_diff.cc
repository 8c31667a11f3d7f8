#include "runner/phpt/run_tests_diff.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <vector>

#include "runner/phpt/expect.h"

namespace phptrun {
namespace {

// Views into `text`, which must outlive them.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (;;) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.emplace_back(text.substr(start));
      return lines;
    }
    lines.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
}

class Differ {
 public:
  Differ(std::vector<std::string_view> patterns, std::vector<std::string_view> wanted,
         std::vector<std::string_view> output, bool regex, int context)
      : pattern_(std::move(patterns)),
        wanted_(std::move(wanted)),
        output_(std::move(output)),
        regex_(regex),
        context_(context) {
    // Identical lines share one compiled pattern.
    std::map<std::string_view, size_t> ids;
    pattern_id_.reserve(pattern_.size());
    for (std::string_view p : pattern_) {
      pattern_id_.push_back(ids.emplace(p, ids.size()).first->second);
    }
    compiled_.resize(ids.size());
    const size_t width = std::to_string(std::max(pattern_.size() + 1, output_.size() + 1)).size();
    width_ = std::max<size_t>(3, width);
  }

  bool Run(std::string* out);

 private:
  // Line i of the expectation against line j of the output.
  // Long lines cost more, so that the budget bounds the time a diff of
  // large outputs takes.
  bool Same(size_t i, size_t j) {
    ++comparisons_;
    comparisons_ += static_cast<long>((pattern_[i].size() + output_[j].size()) / 256);
    if (!regex_) return pattern_[i] == output_[j];
    std::optional<PregPattern>& compiled = compiled_[pattern_id_[i]];
    if (!compiled) {
      compiled = PregPattern::Compile(pattern_[i]);
      comparisons_ += 20 + static_cast<long>(pattern_[i].size() / 2);
    }
    // RE2's work can grow with both lengths (a DFA that does not fit its
    // memory): pattern x subject bytes, up to kMaxRegexWork in all.
    regex_work_ += pattern_[i].size() * output_[j].size();
    if (regex_work_ > kMaxRegexWork) comparisons_ = kBudget + 1;
    return compiled->ok() && compiled->Matches(output_[j]);
  }

  // How many lines match from (i, j) on, looking past mismatches within
  // `steps`: run-tests' count_array_diff, its halved float budget included.
  long Count(size_t i, size_t j, long steps) {
    if (comparisons_ > kBudget) return 0;
    long equal = 0;
    while (i < pattern_.size() && j < output_.size() && Same(i, j)) {
      ++i;
      ++j;
      ++equal;
      --steps;
    }
    if (--steps > 0) {
      long best1 = 0;
      double budget = steps / 2.0;  // PHP: $steps / 2 is a float, passed on truncated
      for (size_t k = i + 1; k < pattern_.size() && budget-- > 0; ++k) {
        best1 = std::max(best1, Count(k, j, static_cast<long>(budget)));
      }
      long best2 = 0;
      long budget2 = steps;
      for (size_t k = j + 1; k < output_.size() && budget2-- > 0; ++k) {
        best2 = std::max(best2, Count(i, k, budget2));
      }
      if (best1 > best2) {
        equal += best1;
      } else if (best2 > 0) {
        equal += best2;
      }
    }
    return equal;
  }

  // "NNN+ line", zero-padded to the width (as "%0*zu%c "), without a
  // format call: a flood's diff has millions of such lines.
  std::string Numbered(size_t n, char sign, std::string_view line) const {
    std::string number = std::to_string(n);
    std::string text;
    text.reserve(width_ + 2 + line.size());
    if (number.size() < width_) text.append(width_ - number.size(), '0');
    text += number;
    text += sign;
    text += ' ';
    text += line;
    return text;
  }

  std::string_view Wanted(long i) const {
    return i >= 0 && static_cast<size_t>(i) < wanted_.size() ? wanted_[i] : std::string_view();
  }

  // The unchanged lines before expectation line `next` (run-tests'
  // add_context_lines, with its "--" where it skipped some).
  void Context(long next) {
    if (shown_ >= next || context_ == 0) return;
    long end = next - 1;
    long range_end = std::min(end, shown_ + context_);
    if (shown_ >= 0) {
      while (shown_ < range_end) Emit(Indent(), Wanted(shown_++));
    }
    if (end - context_ > shown_) {
      shown_ = end - context_;
      if (shown_ > 0) Emit("--");
    }
    shown_ = std::max<long>(shown_, 0);
    while (shown_ < end) Emit(Indent(), Wanted(shown_++));
    shown_ = next;
  }
  std::string Indent() const { return std::string(width_ + 2, ' '); }

  // Appends a line (`head` then `line`) to the diff.
  void Emit(std::string_view head, std::string_view line = std::string_view()) {
    if (any_line_) text_ += '\n';
    any_line_ = true;
    text_ += head;
    text_ += line;
  }

  static constexpr long kBudget = 5'000'000;
  static constexpr uint64_t kMaxRegexWork = uint64_t{1} << 30;
  std::vector<std::string_view> pattern_, wanted_, output_;
  std::vector<size_t> pattern_id_;                    // line -> index into compiled_
  std::vector<std::optional<PregPattern>> compiled_;  // by distinct pattern line
  bool regex_;
  long context_;
  size_t width_ = 3;
  long comparisons_ = 0;
  uint64_t regex_work_ = 0;
  long shown_ = -1;  // run-tests' $old_k1
  std::string text_;  // the diff so far
  bool any_line_ = false;
};

bool Differ::Run(std::string* out) {
  const size_t n = pattern_.size(), m = output_.size();
  size_t i = 0, j = 0;
  // Removed and added lines in order, keyed one past their index: in
  // run-tests' `$old1[$idx1] = ... $w[$idx1++]` PHP evaluates the right side,
  // and its increment, before the key. The order and context below depend
  // on those keys.
  std::map<size_t, std::string> removed, added;
  std::map<size_t, size_t> mapping;  // output line -> expectation line
  while (i < n && j < m) {
    mapping[j] = i;
    if (Same(i, j)) {
      ++i;
      ++j;
      continue;
    }
    long c1 = Count(i + 1, j, 10);
    long c2 = Count(i, j + 1, 10);
    if (comparisons_ > kBudget) return false;
    if (c1 > c2) {
      removed[i + 1] = Numbered(i + 1, '-', Wanted(static_cast<long>(i)));
      ++i;
    } else if (c2 > 0) {
      added[j + 1] = Numbered(j + 1, '+', output_[j]);
      ++j;
    } else {
      removed[i + 1] = Numbered(i + 1, '-', Wanted(static_cast<long>(i)));
      added[j + 1] = Numbered(j + 1, '+', output_[j]);
      ++i;
      ++j;
    }
  }
  mapping[j] = i;

  auto r = removed.begin();
  auto a = added.begin();
  long last_removed = -2, last_added = -2;
  while (r != removed.end() || a != added.end()) {
    const bool have_r = r != removed.end(), have_a = a != added.end();
    if ((have_r && static_cast<long>(r->first) == last_removed + 1) || !have_a) {
      Context(static_cast<long>(r->first));
      last_removed = static_cast<long>(r->first);
      Emit(r->second);
      shown_ = static_cast<long>(r->first);
      ++r;
    } else if ((have_a && static_cast<long>(a->first) == last_added + 1) || !have_r) {
      Context(static_cast<long>(mapping[a->first]));
      last_added = static_cast<long>(a->first);
      Emit(a->second);
      ++a;
    } else if (r->first < mapping[a->first]) {
      Context(static_cast<long>(r->first));
      last_removed = static_cast<long>(r->first);
      Emit(r->second);
      ++r;
    } else {
      Context(static_cast<long>(mapping[a->first]));
      last_added = static_cast<long>(a->first);
      Emit(a->second);
      ++a;
    }
  }
  for (; i < n; ++i) {
    Context(static_cast<long>(i) + 1);
    Emit(Numbered(i + 1, '-', Wanted(static_cast<long>(i))));
  }
  for (; j < m; ++j) {
    auto known = mapping.find(j);
    if (known != mapping.end()) Context(static_cast<long>(known->second) + 1);
    Emit(Numbered(j + 1, '+', output_[j]));
  }
  Context(std::min(shown_ + context_ + 1, static_cast<long>(n) + 1));
  if (context_ != 0 && shown_ < static_cast<long>(n) + 1) Emit("--");
  *out = std::move(text_);
  return true;
}

}  // namespace

bool RunTestsDiff(std::string_view kind, std::string_view expected, std::string_view actual,
                  int context_lines, std::string* out) {
  std::vector<std::string_view> wanted = Lines(expected);
  bool regex = kind == "EXPECTF" || kind == "EXPECTREGEX";
  // run-tests splits the whole expectation's regex at its newlines.
  const std::string expectf_regex = kind == "EXPECTF" ? ExpectfToRegex(expected) : std::string();
  std::vector<std::string_view> patterns = kind == "EXPECTF" ? Lines(expectf_regex) : wanted;
  Differ differ(std::move(patterns), std::move(wanted), Lines(actual), regex,
                std::max(0, context_lines));
  return differ.Run(out);
}

}  // namespace phptrun
