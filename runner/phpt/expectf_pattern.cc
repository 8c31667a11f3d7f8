#include "runner/phpt/expectf_pattern.h"

#include <cstdio>
#include <cstring>
#include <limits>
#include <unordered_set>

namespace phptrun {
namespace {

constexpr size_t kNone = std::numeric_limits<size_t>::max();

// One bit per ExpectfPattern::Class value except kAny.
constexpr uint8_t kNotNewlineBit = 1, kSpaceBit = 2, kDigitBit = 4, kHexBit = 8;

struct ClassTable {
  uint8_t bits[256] = {};
  constexpr ClassTable() {
    for (int c = 0; c < 256; ++c) {
      uint8_t b = 0;
      if (c != '\r' && c != '\n') b |= kNotNewlineBit;
      // PCRE2's \s without UCP: VT is included (PCRE2 >= 8.34 / 10.x).
      if (c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r' || c == ' ') {
        b |= kSpaceBit;
      }
      if (c >= '0' && c <= '9') b |= kDigitBit | kHexBit;
      if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) b |= kHexBit;
      bits[c] = b;
    }
  }
};
constexpr ClassTable kClasses;

// The letters of run-tests.php's EXPECTF table (ExpectfToRegex's kPlaceholders).
bool IsPlaceholderLetter(char c) { return std::strchr("esSaAwidxfc0", c) != nullptr && c != '\0'; }

// One end position range [lo, hi] of a variable-length token.
struct Range {
  size_t lo;
  size_t hi;
};

}  // namespace

bool ExpectfPattern::Applies(std::string_view normalized_expectf) {
  return normalized_expectf.size() <= kMaxSize &&
         normalized_expectf.find("%r") == std::string_view::npos;
}

ExpectfPattern::ExpectfPattern(std::string_view text) : pattern_size_(text.size()) {
  // strtr() over the preg_quote()d text, as in ExpectfToRegex: preg_quote
  // only puts a backslash before metacharacters (none of which is a
  // placeholder letter) and spells NUL "\000", so a '%' in the quoted string
  // is followed by a placeholder letter exactly when it is in `text`.
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 1 < text.size() && IsPlaceholderLetter(text[i + 1])) {
      AddPlaceholder(text[i + 1]);
      ++i;
    } else {
      AddLiteral(text[i]);
    }
  }
  min_rest_.assign(tokens_.size() + 1, 0);
  for (size_t k = tokens_.size(); k-- > 0;) {
    const Token& t = tokens_[k];
    size_t min = t.kind == Kind::kLiteral ? t.size : t.min;
    min_rest_[k] = min_rest_[k + 1] + min;
  }
}

void ExpectfPattern::AddLiteral(char c) {
  if (tokens_.empty() || tokens_.back().kind != Kind::kLiteral) {
    Token t{Kind::kLiteral};
    t.begin = static_cast<uint32_t>(literals_.size());
    tokens_.push_back(t);
  }
  literals_.push_back(c);
  ++tokens_.back().size;
}

void ExpectfPattern::AddPlaceholder(char letter) {
  auto run = [&](Class byte_class, uint8_t min) {
    Token t{Kind::kRun, byte_class, min, letter};
    tokens_.push_back(t);
  };
  switch (letter) {
    case 'e':
      AddLiteral('/');  // DIRECTORY_SEPARATOR on the platforms we run on
      return;
    case '0':
      AddLiteral('\0');
      return;
    case 'c':
      tokens_.push_back(Token{Kind::kAnyByte, Class::kAny, 1, letter});
      return;
    case 'i':
      tokens_.push_back(Token{Kind::kInt, Class::kAny, 1, letter});
      return;
    case 'f':
      // Empty where ".<digit>" follows (run-tests' lookahead).
      tokens_.push_back(Token{Kind::kFloat, Class::kAny, 0, letter});
      return;
    case 's':
      return run(Class::kNotNewline, 1);
    case 'S':
      return run(Class::kNotNewline, 0);
    case 'a':
      return run(Class::kAny, 1);
    case 'A':
      return run(Class::kAny, 0);
    case 'w':
      return run(Class::kSpace, 0);
    case 'd':
      return run(Class::kDigit, 1);
    case 'x':
      return run(Class::kHex, 1);
    default:
      break;
  }
}

std::string ExpectfPattern::DebugString() const {
  std::string out;
  for (const Token& t : tokens_) {
    if (!out.empty()) out.push_back(' ');
    if (t.kind != Kind::kLiteral) {
      out.push_back('%');
      out.push_back(t.letter);
      continue;
    }
    out.append("lit(");
    for (size_t i = t.begin; i < t.begin + t.size; ++i) {
      unsigned char c = static_cast<unsigned char>(literals_[i]);
      if (c < 0x20 || c > 0x7E) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", c);
        out.append(buf);
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
    out.push_back(')');
  }
  return out;
}

// One run of the backtracking search. The state is (token k, position pos);
// fixed-length tokens are matched straight away, each variable-length one
// pushes a Frame that enumerates its possible ends in increasing order.
// Failed states are remembered: (k, pos) pairs in a hash set, and for the
// repetition placeholders also a whole interval, because if X* or X+ fails
// from pos it fails from every later position inside the same run of X
// bytes (its choices there are a subset).
class ExpectfPattern::Search {
 public:
  Search(const ExpectfPattern& p, std::string_view s, uint64_t max_work)
      : p_(p),
        s_(s),
        n_(s.size()),
        max_work_(max_work),
        run_fail_lo_(p.tokens_.size(), kNone),
        run_fail_hi_(p.tokens_.size(), kNone) {}

  Outcome Run() {
    Step step = Enter(0, 0);
    while (step != Step::kAccepted) {
      if (step == Step::kOverBudget || work_ > max_work_) return Outcome::kGaveUp;
      if (frames_.empty()) return Outcome::kMismatch;
      size_t end = 0;
      if (!NextCandidate(&frames_.back(), &end)) {
        Frame& f = frames_.back();
        RecordFailure(f);
        frames_.pop_back();
        step = Step::kFailed;
        continue;
      }
      step = Enter(frames_.back().k + 1, end);
    }
    return Outcome::kMatch;
  }

 private:
  enum class Step { kFailed, kAccepted, kPushed, kOverBudget };

  struct Frame {
    size_t k;
    size_t pos;
    size_t extent;  // kRun: where the run of class bytes from pos ends
    size_t cursor;  // the next end to consider
    int range;      // index into ranges
    int ranges_size;
    Range ranges[3];
  };

  // preg_match's '$': the end of the subject or just before a final "\n".
  bool Accepts(size_t pos) const { return pos == n_ || (pos + 1 == n_ && s_[n_ - 1] == '\n'); }

  uint64_t Key(size_t k, size_t pos) const { return uint64_t{k} * (n_ + 1) + pos; }

  // Matches the fixed-length tokens from (k, pos) on; at a variable-length
  // one, pushes its frame.
  Step Enter(size_t k, size_t pos) {
    const std::vector<Token>& tokens = p_.tokens_;
    for (;;) {
      if (++work_ > max_work_) return Step::kOverBudget;
      if (p_.min_rest_[k] > n_ - pos) return Step::kFailed;
      if (k == tokens.size()) return Accepts(pos) ? Step::kAccepted : Step::kFailed;
      const Token& t = tokens[k];
      if (t.kind == Kind::kLiteral) {
        work_ += t.size;
        if (std::memcmp(s_.data() + pos, p_.literals_.data() + t.begin, t.size) != 0) {
          return Step::kFailed;
        }
        pos += t.size;
        ++k;
        continue;
      }
      if (t.kind == Kind::kAnyByte) {
        ++pos;
        ++k;
        continue;
      }
      break;
    }
    if (run_fail_lo_[k] != kNone && run_fail_lo_[k] <= pos && pos <= run_fail_hi_[k]) {
      return Step::kFailed;
    }
    if (!failed_.empty() && failed_.count(Key(k, pos)) != 0) return Step::kFailed;

    Frame f{};
    f.k = k;
    f.pos = pos;
    f.extent = kNone;
    Ranges(p_.tokens_[k], pos, &f);
    // Ends that leave too little for the rest, or (for the last token) that
    // preg_match's '$' would not accept, need not be tried.
    const size_t max_end = n_ - p_.min_rest_[k + 1];
    size_t min_end = 0;
    if (k + 1 == tokens.size()) min_end = n_ > 0 && s_[n_ - 1] == '\n' ? n_ - 1 : n_;
    int kept = 0;
    for (int r = 0; r < f.ranges_size; ++r) {
      Range range = f.ranges[r];
      if (range.hi > max_end) range.hi = max_end;
      if (range.lo < min_end) range.lo = min_end;
      if (range.lo <= range.hi) f.ranges[kept++] = range;
    }
    f.ranges_size = kept;
    if (kept == 0) {
      RecordFailure(f);
      return Step::kFailed;
    }
    f.cursor = f.ranges[0].lo;
    frames_.push_back(f);
    return Step::kPushed;
  }

  // Scans the run of bytes of `byte_class` from `pos`; returns where it ends.
  size_t RunEnd(Class byte_class, size_t pos) {
    if (byte_class == Class::kAny) return n_;
    uint8_t bit = byte_class == Class::kNotNewline ? kNotNewlineBit
                  : byte_class == Class::kSpace    ? kSpaceBit
                  : byte_class == Class::kDigit    ? kDigitBit
                                                   : kHexBit;
    size_t e = pos;
    while (e < n_ && (kClasses.bits[static_cast<unsigned char>(s_[e])] & bit) != 0) ++e;
    work_ += e - pos;
    return e;
  }
  size_t DigitsEnd(size_t pos) { return RunEnd(Class::kDigit, pos); }

  // The possible ends of token t starting at pos, as increasing ranges.
  void Ranges(const Token& t, size_t pos, Frame* f) {
    f->ranges_size = 0;
    auto add = [f](size_t lo, size_t hi) { f->ranges[f->ranges_size++] = Range{lo, hi}; };
    if (t.kind == Kind::kRun) {
      f->extent = RunEnd(t.byte_class, pos);
      if (pos + t.min <= f->extent) add(pos + t.min, f->extent);
      return;
    }
    // %i and %f: an optional sign is taken whenever it is there, since
    // neither can continue with a sign after not taking it.
    size_t q = pos;
    if (q < n_ && (s_[q] == '+' || s_[q] == '-')) ++q;
    size_t digits = DigitsEnd(q);
    if (t.kind == Kind::kInt) {
      if (digits > q) add(q + 1, digits);
      return;
    }
    // %f: [+-]?(?:\d+|(?=\.\d))(?:\.\d+)?(?:[Ee][+-]?\d+)?  Any prefix of a
    // digit run ends a match; a fraction only follows the whole integer
    // part, an exponent only the whole mantissa. The lookahead lets %f end
    // right after the sign (or match nothing) where ".<digit>" follows.
    size_t mantissa_end;
    if (digits > q) {
      add(q + 1, digits);
      mantissa_end = digits;
      if (mantissa_end < n_ && s_[mantissa_end] == '.') {
        size_t fraction = DigitsEnd(mantissa_end + 1);
        if (fraction > mantissa_end + 1) {
          add(mantissa_end + 2, fraction);
          mantissa_end = fraction;
        }
      }
    } else {
      if (q >= n_ || s_[q] != '.') return;
      size_t fraction = DigitsEnd(q + 1);
      if (fraction == q + 1) return;
      add(q, q);
      add(q + 2, fraction);
      mantissa_end = fraction;
    }
    if (mantissa_end < n_ && (s_[mantissa_end] == 'e' || s_[mantissa_end] == 'E')) {
      size_t r = mantissa_end + 1;
      if (r < n_ && (s_[r] == '+' || s_[r] == '-')) ++r;
      size_t exponent = DigitsEnd(r);
      if (exponent > r) add(r + 1, exponent);
    }
  }

  // The next end of f's token worth trying: where the following literal
  // occurs, and not where the following repetition is known to fail.
  bool NextCandidate(Frame* f, size_t* end) {
    const std::vector<Token>& tokens = p_.tokens_;
    const Token* next = f->k + 1 < tokens.size() ? &tokens[f->k + 1] : nullptr;
    while (f->range < f->ranges_size) {
      const Range& range = f->ranges[f->range];
      size_t e = f->cursor < range.lo ? range.lo : f->cursor;
      if (e > range.hi) {
        if (++f->range < f->ranges_size) f->cursor = f->ranges[f->range].lo;
        continue;
      }
      if (next != nullptr && next->kind == Kind::kLiteral) {
        std::string_view literal(p_.literals_.data() + next->begin, next->size);
        size_t window = range.hi + literal.size();
        if (window > n_) window = n_;
        size_t found = s_.substr(0, window).find(literal, e);
        work_ += (found == std::string_view::npos ? window : found) - e + 1;
        if (found == std::string_view::npos) {
          f->cursor = range.hi + 1;
          continue;
        }
        e = found;
      } else if (next != nullptr && next->kind == Kind::kRun) {
        const size_t k = f->k + 1;
        if (run_fail_lo_[k] != kNone && run_fail_lo_[k] <= e && e <= run_fail_hi_[k]) {
          ++work_;
          f->cursor = run_fail_hi_[k] + 1;
          continue;
        }
      }
      f->cursor = e + 1;
      *end = e;
      return true;
    }
    return false;
  }

  void RecordFailure(const Frame& f) {
    ++work_;
    failed_.insert(Key(f.k, f.pos));
    if (p_.tokens_[f.k].kind != Kind::kRun) return;
    size_t& lo = run_fail_lo_[f.k];
    size_t& hi = run_fail_hi_[f.k];
    if (hi == f.extent && lo != kNone) {
      if (f.pos < lo) lo = f.pos;
    } else {
      lo = f.pos;
      hi = f.extent;
    }
  }

  const ExpectfPattern& p_;
  std::string_view s_;
  size_t n_;
  uint64_t max_work_;
  uint64_t work_ = 0;
  std::vector<Frame> frames_;
  std::unordered_set<uint64_t> failed_;
  // Per kRun token: the latest interval of starts known to fail.
  std::vector<size_t> run_fail_lo_;
  std::vector<size_t> run_fail_hi_;
};

std::optional<bool> ExpectfPattern::Decide(std::string_view output) const {
  switch (Match(output)) {
    case Outcome::kMatch:
      return true;
    case Outcome::kMismatch:
      return false;
    case Outcome::kGaveUp:
      break;
  }
  return std::nullopt;
}

ExpectfPattern::Outcome ExpectfPattern::Match(std::string_view output) const {
  return Match(output, kBaseWork + kWorkPerByte * (output.size() + pattern_size_));
}

ExpectfPattern::Outcome ExpectfPattern::Match(std::string_view output, uint64_t max_work) const {
  return Search(*this, output, max_work).Run();
}

}  // namespace phptrun
