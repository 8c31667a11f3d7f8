// MakeDiff (declared in runner/expect.h): a run-tests-style line diff built on
// Myers' O(ND) algorithm, with an equality that for EXPECTF/EXPECTREGEX asks
// whether the expected line, as its own pattern, matches the actual line.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runner/phpt/expect.h"
#include "runner/phpt/expectf_pattern.h"

namespace phptrun {
namespace {

// explode("\n", $s): an empty string is one empty line.
std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  for (;;) {
    size_t nl = s.find('\n', pos);
    if (nl == std::string_view::npos) {
      lines.push_back(s.substr(pos));
      return lines;
    }
    lines.push_back(s.substr(pos, nl - pos));
    pos = nl + 1;
  }
}

// Decides whether expected line `a` "equals" actual line `b`, counting the
// work so that the diff can give up on hopeless inputs. Identical expected
// lines share one matcher; an EXPECTF line is judged by the direct search
// (ExpectfPattern, which gives the regex's answers without compiling one)
// and its regex is compiled only if that search gives up. Long lines cost
// more: a diff of large outputs stays bounded in time and memory (it once
// took minutes and 14 GB for 3000 long "%s..." lines, one RE2 each).
class LineEquality {
 public:
  LineEquality(std::string_view kind, const std::vector<std::string_view>& expected,
               const std::vector<std::string_view>& actual)
      : expected_(expected), actual_(actual) {
    mode_ = kind == "EXPECTF"       ? Mode::kExpectf
            : kind == "EXPECTREGEX" ? Mode::kRegex
                                    : Mode::kLiteral;
    // Interned ids: for EXPECT each comparison is an int compare; for the
    // patterns, identical lines share a matcher.
    std::unordered_map<std::string_view, int> ids;
    expected_ids_.reserve(expected.size());
    for (std::string_view line : expected) {
      expected_ids_.push_back(ids.emplace(line, static_cast<int>(ids.size())).first->second);
    }
    if (mode_ == Mode::kLiteral) {
      actual_ids_.reserve(actual.size());
      for (std::string_view line : actual) {
        auto it = ids.find(line);
        actual_ids_.push_back(it == ids.end() ? -1 : it->second);
      }
      return;
    }
    matchers_.resize(ids.size());
    literal_.resize(expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      std::string_view line = expected[i];
      // A line without placeholders (EXPECTF) or metacharacters (EXPECTREGEX)
      // can only match itself.
      literal_[i] = mode_ == Mode::kExpectf
                        ? line.find('%') == std::string_view::npos
                        : line.find_first_of("\\^$.[]|()?*+{}/") == std::string_view::npos;
    }
  }

  bool operator()(size_t a, size_t b) {
    ++calls_;
    if (mode_ == Mode::kLiteral) return expected_ids_[a] == actual_ids_[b];
    if (literal_[a]) return expected_[a] == actual_[b];
    std::string_view line = expected_[a];
    std::string_view subject = actual_[b];
    calls_ += static_cast<long>((line.size() + subject.size()) / 256);
    LineMatcher& m = matchers_[expected_ids_[a]];
    if (!m.prepared) {
      m.prepared = true;
      calls_ += 20 + static_cast<long>(line.size() / 2);  // compiling costs more
      if (mode_ == Mode::kExpectf && ExpectfPattern::Applies(line)) m.direct.emplace(line);
    }
    if (m.direct) {
      if (std::optional<bool> decided = m.direct->Decide(subject)) return *decided;
    }
    if (!m.regex) {
      m.regex =
          PregPattern::Compile(mode_ == Mode::kExpectf ? ExpectfToRegex(line) : std::string(line));
      calls_ += 20 + static_cast<long>(line.size() / 2);
    }
    // RE2's work can grow with both lengths (a DFA that does not fit its
    // memory): 400k units allow about 4e8 pattern x subject bytes.
    calls_ += static_cast<long>((line.size() * subject.size()) >> 10);
    return m.regex->ok() && m.regex->Matches(subject);
  }

  // Cost units spent so far, and how many the diff may spend.
  long calls() const { return calls_; }
  long budget() const { return mode_ == Mode::kLiteral ? 20'000'000 : 400'000; }

 private:
  enum class Mode { kLiteral, kExpectf, kRegex };
  struct LineMatcher {
    bool prepared = false;
    std::optional<ExpectfPattern> direct;
    std::optional<PregPattern> regex;
  };
  Mode mode_;
  const std::vector<std::string_view>& expected_;
  const std::vector<std::string_view>& actual_;
  std::vector<int> expected_ids_;
  std::vector<int> actual_ids_;
  std::vector<bool> literal_;
  std::vector<LineMatcher> matchers_;  // by expected line id
  long calls_ = 0;
};

enum class OpKind : char { kEqual, kDelete, kInsert };
struct Op {
  OpKind kind;
  size_t a;  // expected line index (kEqual, kDelete)
  size_t b;  // actual line index (kEqual, kInsert)
};

// Largest edit distance Myers may explore before the cheap diff takes over;
// its trace costs ~5 bytes * kMaxEdits^2.
constexpr int kMaxEdits = 1000;

// Myers' greedy forward search on expected[a0, a0+n) vs actual[b0, b0+m),
// appending the edit script to *ops. False when over budget; *ops is then
// unchanged.
bool MyersDiff(size_t a0, size_t n, size_t b0, size_t m, LineEquality& eq, std::vector<Op>* ops) {
  const long ln = static_cast<long>(n), lm = static_cast<long>(m);
  const int max_d = static_cast<int>(std::min<long>(ln + lm, kMaxEdits));
  // trace[d][k + d] = furthest x on diagonal k after d edits (-1: unreachable);
  // down[d][k + d] = whether that point was reached by an insertion.
  std::vector<std::vector<long>> trace;
  std::vector<std::vector<char>> down;
  for (int d = 0; d <= max_d; ++d) {
    std::vector<long> cur(2 * d + 1, -1);
    std::vector<char> dir(2 * d + 1, 0);
    const std::vector<long>* prev = d > 0 ? &trace[d - 1] : nullptr;
    for (int k = -d; k <= d; k += 2) {
      long x;
      if (d == 0) {
        x = 0;
      } else {
        long x_down = -1, x_right = -1;
        if (k + 1 <= d - 1) {
          long px = (*prev)[k + 1 + d - 1];
          if (px >= 0 && px - (k + 1) < lm) x_down = px;
        }
        if (k - 1 >= -(d - 1)) {
          long px = (*prev)[k - 1 + d - 1];
          if (px >= 0 && px < ln) x_right = px + 1;
        }
        if (x_down < 0 && x_right < 0) continue;
        if (x_right > x_down) {
          x = x_right;
        } else {
          x = x_down;
          dir[k + d] = 1;
        }
      }
      long y = x - k;
      while (x < ln && y < lm && eq(a0 + x, b0 + y)) ++x, ++y;
      if (eq.calls() > eq.budget()) return false;
      cur[k + d] = x;
      if (x >= ln && y >= lm) {
        trace.push_back(std::move(cur));
        down.push_back(std::move(dir));
        // Walk back from (n, m), collecting the script in reverse.
        std::vector<Op> rev;
        long cx = ln, cy = lm;
        for (int dd = d; dd >= 0; --dd) {
          int kk = static_cast<int>(cx - cy);
          long sx, sy;  // start of this step's snake
          if (dd == 0) {
            sx = 0, sy = 0;
          } else if (down[dd][kk + dd]) {
            long px = trace[dd - 1][kk + 1 + dd - 1];
            sx = px, sy = px - kk;
          } else {
            long px = trace[dd - 1][kk - 1 + dd - 1];
            sx = px + 1, sy = sx - kk;
          }
          while (cx > sx && cy > sy) {
            --cx, --cy;
            rev.push_back({OpKind::kEqual, a0 + cx, b0 + cy});
          }
          if (dd == 0) break;
          if (down[dd][kk + dd]) {
            --cy;
            rev.push_back({OpKind::kInsert, 0, b0 + cy});
          } else {
            --cx;
            rev.push_back({OpKind::kDelete, a0 + cx, 0});
          }
        }
        ops->insert(ops->end(), rev.rbegin(), rev.rend());
        return true;
      }
    }
    trace.push_back(std::move(cur));
    down.push_back(std::move(dir));
  }
  return false;
}

// Appends "NNN+ " for line `index` (zero-padded to `width`, as "%0*zu%c "),
// without a format call: a flood's diff has millions of such lines.
void AppendLineNumber(std::string* out, size_t index, int width, char sign) {
  std::string number = std::to_string(index + 1);
  if (number.size() < static_cast<size_t>(width)) out->append(width - number.size(), '0');
  *out += number;
  *out += sign;
  *out += ' ';
}

}  // namespace

std::string MakeDiff(std::string_view kind, std::string_view expected, std::string_view actual,
                     int context_lines) {
  std::vector<std::string_view> w = SplitLines(expected);
  std::vector<std::string_view> o = SplitLines(actual);
  LineEquality eq(kind, w, o);

  // Common head and tail first: cheap, and usually most of the output.
  size_t head = 0;
  while (head < w.size() && head < o.size() && eq(head, head)) ++head;
  size_t tail = 0;
  while (tail < w.size() - head && tail < o.size() - head &&
         eq(w.size() - 1 - tail, o.size() - 1 - tail)) {
    ++tail;
  }

  std::vector<Op> ops;
  ops.reserve(std::max(w.size(), o.size()) + 16);
  for (size_t i = 0; i < head; ++i) ops.push_back({OpKind::kEqual, i, i});
  size_t n = w.size() - head - tail, m = o.size() - head - tail;
  if (!MyersDiff(head, n, head, m, eq, &ops)) {
    // Too different (or too costly to compare) for a minimal diff: show the
    // whole middle as replaced.
    for (size_t j = 0; j < m; ++j) ops.push_back({OpKind::kInsert, 0, head + j});
    for (size_t i = 0; i < n; ++i) ops.push_back({OpKind::kDelete, head + i, 0});
  }
  for (size_t i = 0; i < tail; ++i) {
    ops.push_back({OpKind::kEqual, w.size() - tail + i, o.size() - tail + i});
  }

  const size_t ctx = context_lines > 0 ? static_cast<size_t>(context_lines) : 0;
  const int width = std::max<int>(3, std::to_string(std::max(w.size(), o.size()) + 1).size());
  const std::string indent(width + 2, ' ');
  std::string out;
  bool any_line = false;
  auto emit = [&out, &any_line](std::string_view line) {
    if (any_line) out.push_back('\n');
    any_line = true;
    out.append(line);
  };
  auto emit_numbered = [&](size_t index, char sign, std::string_view line) {
    if (any_line) out.push_back('\n');
    any_line = true;
    AppendLineNumber(&out, index, width, sign);
    out.append(line);
  };
  auto emit_context = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      emit(indent);
      out.append(w[ops[i].a]);
    }
  };

  size_t prev_end = 0;  // end of the previous change block in ops
  bool first = true;
  size_t i = 0;
  while (i < ops.size()) {
    if (ops[i].kind == OpKind::kEqual) {
      ++i;
      continue;
    }
    size_t block_end = i;
    while (block_end < ops.size() && ops[block_end].kind != OpKind::kEqual) ++block_end;
    size_t gap = i - prev_end;
    if (ctx > 0) {
      if (first) {
        if (gap > ctx) emit("--");
        emit_context(i - std::min(gap, ctx), i);
      } else if (gap > 2 * ctx) {
        emit_context(prev_end, prev_end + ctx);
        emit("--");
        emit_context(i - ctx, i);
      } else {
        emit_context(prev_end, i);
      }
    }
    // Like run-tests, what came out before what was expected.
    for (size_t j = i; j < block_end; ++j) {
      if (ops[j].kind == OpKind::kInsert) {
        emit_numbered(ops[j].b, '+', o[ops[j].b]);
      }
    }
    for (size_t j = i; j < block_end; ++j) {
      if (ops[j].kind == OpKind::kDelete) {
        emit_numbered(ops[j].a, '-', w[ops[j].a]);
      }
    }
    first = false;
    prev_end = i = block_end;
  }
  if (first) return std::string();
  if (ctx > 0) {
    size_t gap = ops.size() - prev_end;
    emit_context(prev_end, prev_end + std::min(gap, ctx));
    if (gap > ctx) emit("--");
  }
  return out;
}

}  // namespace phptrun
