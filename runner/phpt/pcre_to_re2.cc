#include "runner/phpt/pcre_to_re2.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace phptrun {
namespace {

// The %f of run-tests.php, and the same language without the lookahead.
// They differ only where %f matches an empty string (or a lone sign) because
// ".<digit>" follows, so the translation uses it only where what follows %f
// cannot begin with '.' (FloatEndsSafely).
constexpr std::string_view kFloatRe2 = "[+-]?(?:\\d+(?:\\.\\d+)?|\\.\\d+)(?:[Ee][+-]?\\d+)?";

// PCRE2's \s without UCP (VT included since PCRE2 10.x) and its relatives,
// spelled so that RE2 reads them the same way.
constexpr std::string_view kSpaceSet = "\\t\\n\\x{0B}\\f\\r ";
constexpr std::string_view kNotSpaceSet = "\\x{00}-\\x{08}\\x{0E}-\\x{1F}\\x{21}-\\x{FF}";
constexpr std::string_view kHorizontalSpaceSet = "\\t \\x{A0}";
constexpr std::string_view kVerticalSpaceSet = "\\n\\x{0B}\\f\\r\\x{85}";

// What RE2 needs escaped outside and inside a character class.
constexpr std::string_view kRe2Meta = "\\.+*?()|[]{}^$";
constexpr std::string_view kRe2ClassMeta = "\\][^-";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsOctal(char c) { return c >= '0' && c <= '7'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsWordChar(char c) { return IsAlnum(c) || c == '_'; }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendHexChar(unsigned char c, std::string* out) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x{%02X}", c);
  out->append(buf);
}

// Translates a PCRE pattern (as between the delimiters of preg_match's
// '/^...$/s') into an RE2 pattern that matches exactly the same byte strings
// in Latin-1 mode with dot_nl. Anything that RE2 cannot express, or would read
// differently, makes Convert() fail so that the caller uses PCRE2 instead.
class PcreToRe2 {
 public:
  explicit PcreToRe2(std::string_view p) : p_(p) {}

  bool Convert() {
    int depth = 0;
    while (i_ < p_.size()) {
      if (p_.compare(i_, kFloatPcre.size(), kFloatPcre) == 0) {
        if (!FloatEndsSafely(i_ + kFloatPcre.size(), depth)) return false;
        out_.append(kFloatRe2);
        i_ += kFloatPcre.size();
        nodes_ += 16;
        literal_run_ = false;
        continue;
      }
      char c = p_[i_];
      // Consecutive literals make one node in RE2's tree, anything else one each.
      const bool literal_run = literal_run_;
      literal_run_ = false;
      ++nodes_;
      // PCRE2 rejects a quantifier on ^, \A, \z, \b or \B, and one with
      // nothing before it (after '(' or '|', or where a \E hides that it
      // follows '('); RE2 accepts the first kind and may read "(\E?" as "(?".
      const bool unrepeatable = unrepeatable_;
      unrepeatable_ = false;
      // A lone \E and an empty \Q\E are nothing at all, not even a separator.
      if (p_.compare(i_, 2, "\\E") == 0 || p_.compare(i_, 4, "\\Q\\E") == 0) {
        i_ += p_[i_ + 1] == 'E' ? 2 : 4;
        unrepeatable_ = unrepeatable;
        literal_run_ = literal_run;
        --nodes_;
        continue;
      }
      switch (c) {
        case '\\':
          if (!Escape()) return false;
          break;
        case '[':
          if (!Class()) return false;
          break;
        case '(':
          if (!OpenGroup()) return false;
          ++depth;
          unrepeatable_ = true;
          break;
        case ')':
          if (depth == 0) return false;
          --depth;
          out_.push_back(')');
          ++i_;
          break;
        case '|':
          if (depth == 0) top_level_bars_.push_back(out_.size());
          out_.push_back('|');
          ++i_;
          unrepeatable_ = true;
          break;
        case '$':
          // PCRE's '$' also matches before a final newline. RE2 has no such
          // assertion, but where nothing can follow it (at the end of a
          // top-level alternative) consuming that newline is the same thing.
          if (depth != 0 || (i_ + 1 < p_.size() && p_[i_ + 1] != '|')) return false;
          out_.append("\\n?\\z");
          ++i_;
          break;
        case '{': {
          size_t len = QuantifierLength(i_);
          if (len > 0 && unrepeatable) return false;
          if (len == 0) {
            out_.append("\\{");  // PCRE reads a '{' that starts no quantifier literally.
            ++i_;
          } else {
            // RE2 expands counted repetitions: x{500} is 500 nodes. A count
            // above RE2's limit of 1000 is PCRE2's to judge: up to 65535 it
            // repeats, past that it is a compile error (x{2147483648} is no
            // literal text, as RE2 would read it). The counts are written
            // without leading zeros, which make RE2 read {2,03} literally.
            size_t count = 0;
            out_.push_back('{');
            for (size_t j = i_ + 1; j < i_ + len; ++j) {
              if (IsDigit(p_[j])) count = count * 10 + (p_[j] - '0');
              if (count > 1000) return false;
              if (p_[j] == ',' || p_[j] == '}') {
                if (IsDigit(p_[j - 1])) out_.append(std::to_string(count));
                out_.push_back(p_[j]);
                if (p_[j] == ',') count = 0;
              }
            }
            nodes_ += count;
            i_ += len;
          }
          break;
        }
        case '}':
          out_.append("\\}");
          ++i_;
          break;
        case '*':
        case '+':
        case '?':
          if (unrepeatable) return false;
          out_.push_back(c);
          ++i_;
          break;
        case '^':
          unrepeatable_ = true;
          out_.push_back(c);
          ++i_;
          break;
        case '.':
          out_.push_back(c);
          ++i_;
          break;
        default:
          Literal(static_cast<unsigned char>(c));
          ++i_;
      }
      if (literal_run && literal_run_) --nodes_;
    }
    return depth == 0;
  }

  const std::string& out() const { return out_; }
  const std::vector<size_t>& top_level_bars() const { return top_level_bars_; }
  // About how many nodes RE2's parse tree will have.
  size_t nodes() const { return nodes_; }

 private:
  // {n}, {n,} or {n,m} as PCRE2 10.42 reads them; 0 if `{` at `at` is literal.
  size_t QuantifierLength(size_t at) const {
    size_t j = at + 1;
    size_t digits = 0;
    while (j < p_.size() && IsDigit(p_[j])) ++j, ++digits;
    if (digits == 0) return 0;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      while (j < p_.size() && IsDigit(p_[j])) ++j;
    }
    if (j < p_.size() && p_[j] == '}') return j + 1 - at;
    return 0;
  }

  // Whether the lookahead-free %f means what run-tests' %f means when the
  // pattern goes on at `at`: true when nothing there can begin with '.' (the
  // end of the pattern or of a top-level alternative, or one literal byte
  // other than '.', \d, \w or \s, that no quantifier makes optional).
  bool FloatEndsSafely(size_t at, int depth) const {
    if (at == p_.size()) return true;
    if (depth == 0 && (p_[at] == '|' || p_.substr(at) == "$" || p_.compare(at, 2, "$|") == 0)) {
      return true;
    }
    size_t next = at + 1;
    if (p_[at] == '\\') {
      if (next >= p_.size() || p_[next] == '.') return false;
      if (IsAlnum(p_[next]) &&
          std::string_view("dwsnrtfae").find(p_[next]) == std::string_view::npos) {
        return false;
      }
      ++next;
    } else if (std::string_view(".[]()|*+?{}^$").find(p_[at]) != std::string_view::npos) {
      return false;
    }
    if (next < p_.size() && (p_[next] == '?' || p_[next] == '*' || p_[next] == '{')) return false;
    return true;
  }

  // One byte as an RE2 literal, outside (`meta` = kRe2Meta) or inside
  // (kRe2ClassMeta) a character class.
  void Byte(unsigned char c, std::string_view meta) {
    if (c != 0 && meta.find(static_cast<char>(c)) != std::string_view::npos) {
      out_.push_back('\\');
      out_.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7F) {
      AppendHexChar(c, &out_);
    } else {
      out_.push_back(static_cast<char>(c));  // Latin-1: bytes >= 0x80 are code points.
    }
  }
  void Literal(unsigned char c) {
    Byte(c, kRe2Meta);
    literal_run_ = true;
  }
  void ClassChar(unsigned char c) { Byte(c, kRe2ClassMeta); }

  // \x, \0, \c and the single-letter character escapes shared by both
  // contexts. `i_` is at the letter; on success it is past the escape and
  // *value holds the byte. Returns false on anything else.
  bool CharEscape(bool in_class, int* value) {
    char d = p_[i_];
    constexpr std::string_view kLetters = "nrtfae";
    constexpr std::string_view kBytes = "\n\r\t\f\x07\x1B";
    if (size_t k = kLetters.find(d); k != std::string_view::npos) {
      *value = static_cast<unsigned char>(kBytes[k]);
      ++i_;
      return true;
    }
    switch (d) {
      case 'c': {
        if (i_ + 1 >= p_.size()) return false;
        unsigned char x = static_cast<unsigned char>(p_[i_ + 1]);
        if (x < 32 || x > 126) return false;
        if (x >= 'a' && x <= 'z') x = static_cast<unsigned char>(x - 32);
        *value = x ^ 0x40;
        i_ += 2;
        return true;
      }
      case 'x': {
        size_t j = i_ + 1;
        int v = 0;
        if (j < p_.size() && p_[j] == '{') {
          ++j;
          size_t digits = 0;
          while (j < p_.size() && HexValue(p_[j]) >= 0) {
            v = v * 16 + HexValue(p_[j]);
            if (v > 0xFF) return false;  // Needs UTF mode: PCRE will say so.
            ++j, ++digits;
          }
          if (digits == 0 || j >= p_.size() || p_[j] != '}') return false;
          ++j;
        } else {
          for (int k = 0; k < 2 && j < p_.size() && HexValue(p_[j]) >= 0; ++k, ++j) {
            v = v * 16 + HexValue(p_[j]);
          }
        }
        *value = v;
        i_ = j;
        return true;
      }
      default:
        break;
    }
    // Octal: \0 plus up to two more digits anywhere; \1..\7 only in a class
    // (outside they may be back references).
    if (d == '0' || (in_class && IsOctal(d))) {
      size_t j = i_;
      int v = 0;
      for (int k = 0; k < 3 && j < p_.size() && IsOctal(p_[j]); ++k, ++j) v = v * 8 + (p_[j] - '0');
      if (v > 0xFF) return false;
      *value = v;
      i_ = j;
      return true;
    }
    return false;
  }

  bool Escape() {
    ++i_;                               // the backslash
    if (i_ >= p_.size()) return false;  // PCRE: "\ at end of pattern", or a literal '$' after it.
    char d = p_[i_];
    if (std::string_view("bBAzdDwW").find(d) != std::string_view::npos) {
      unrepeatable_ = std::string_view("bBAz").find(d) != std::string_view::npos;
      out_.push_back('\\');
      out_.push_back(d);
      ++i_;
      return true;
    }
    if (std::string_view("sShHvV").find(d) != std::string_view::npos) {
      std::string_view set = (d == 's' || d == 'S')   ? kSpaceSet
                             : (d == 'h' || d == 'H') ? kHorizontalSpaceSet
                                                      : kVerticalSpaceSet;
      out_.append(d >= 'a' ? "[" : "[^").append(set).append("]");
      ++i_;
      return true;
    }
    switch (d) {
      case 'N':
        if (i_ + 1 < p_.size() && p_[i_ + 1] == '{' && QuantifierLength(i_ + 1) == 0) return false;
        out_.append("[^\\n]");
        ++i_;
        return true;
      case 'Q': {
        size_t end = p_.find("\\E", i_ + 1);
        // Without \E the quoting would swallow the final '$' of /^...$/.
        if (end == std::string_view::npos) return false;
        for (size_t j = i_ + 1; j < end; ++j) Literal(static_cast<unsigned char>(p_[j]));
        i_ = end + 2;
        return true;
      }
      default:
        break;
    }
    int value = 0;
    if (CharEscape(/*in_class=*/false, &value)) {
      Literal(static_cast<unsigned char>(value));
      return true;
    }
    if (IsAlnum(d)) return false;  // back references, \G \Z \R \X \p \K ..., or a PCRE error
    // Any other escaped byte is that byte: \/ \" \{ \% \_ and non-ASCII.
    Literal(static_cast<unsigned char>(d));
    ++i_;
    return true;
  }

  // One element of a character class: a byte (kind 0) or a set (kind 1,
  // already spelled in *set).
  bool ClassAtom(int* kind, int* value, std::string* set) {
    char c = p_[i_];
    if (c == '[' && i_ + 1 < p_.size() &&
        (p_[i_ + 1] == ':' || p_[i_ + 1] == '.' || p_[i_ + 1] == '=')) {
      if (p_[i_ + 1] != ':') return false;
      size_t j = i_ + 2;
      if (j < p_.size() && p_[j] == '^') ++j;
      size_t name_begin = j;
      while (j < p_.size() && p_[j] >= 'a' && p_[j] <= 'z') ++j;
      if (j == name_begin || p_.compare(j, 2, ":]") != 0) return false;
      static constexpr std::string_view kNames[] = {"alnum", "alpha", "ascii", "blank", "cntrl",
                                                    "digit", "graph", "lower", "print", "punct",
                                                    "upper", "word",  "xdigit"};
      std::string_view name = p_.substr(name_begin, j - name_begin);
      bool known = false;
      for (std::string_view n : kNames) known = known || n == name;
      // [:space:] is the one whose RE2 and PCRE spellings could drift apart.
      if (name == "space") {
        *set = p_[i_ + 2] == '^' ? std::string(kNotSpaceSet) : std::string(kSpaceSet);
        known = true;
      } else {
        *set = std::string(p_.substr(i_, j + 2 - i_));
      }
      if (!known) return false;
      *kind = 1;
      i_ = j + 2;
      return true;
    }
    if (c != '\\') {
      *kind = 0;
      *value = static_cast<unsigned char>(c);
      ++i_;
      return true;
    }
    ++i_;
    if (i_ >= p_.size()) return false;
    char d = p_[i_];
    *kind = 1;
    if (std::string_view("dDwW").find(d) != std::string_view::npos) {
      *set = std::string("\\") + d;
    } else if (d == 's' || d == 'S' || d == 'h' || d == 'v') {
      *set = d == 's'   ? kSpaceSet
             : d == 'S' ? kNotSpaceSet
             : d == 'h' ? kHorizontalSpaceSet
                        : kVerticalSpaceSet;
    } else if (d == 'b') {  // backspace, in a class
      *kind = 0;
      *value = 0x08;
    } else {
      *kind = 0;
      if (CharEscape(/*in_class=*/true, value)) return true;
      if (IsAlnum(d)) return false;
      *value = static_cast<unsigned char>(d);
    }
    ++i_;
    return true;
  }

  bool Class() {
    // "[:alpha:]" outside a class is a PCRE error, "[:x]" a class: let PCRE say.
    if (i_ + 1 < p_.size() && (p_[i_ + 1] == ':' || p_[i_ + 1] == '.' || p_[i_ + 1] == '=')) {
      return false;
    }
    ++i_;  // '['
    out_.push_back('[');
    if (i_ < p_.size() && p_[i_] == '^') {
      out_.push_back('^');
      ++i_;
    }
    bool first = true;
    for (;;) {
      if (i_ >= p_.size()) return false;
      if (p_[i_] == ']' && !first) {
        out_.push_back(']');
        ++i_;
        return true;
      }
      first = false;
      int kind = 0, lo = 0;
      std::string set;
      if (!ClassAtom(&kind, &lo, &set)) return false;
      bool range = i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']';
      if (kind == 1) {
        if (range) return false;  // PCRE2 rejects or reads "-" literally; let it decide.
        out_.append(set);
        continue;
      }
      if (!range) {
        ClassChar(static_cast<unsigned char>(lo));
        continue;
      }
      ++i_;  // '-'
      int hi = 0;
      if (!ClassAtom(&kind, &hi, &set) || kind != 0 || hi < lo) return false;
      ClassChar(static_cast<unsigned char>(lo));
      out_.push_back('-');
      ClassChar(static_cast<unsigned char>(hi));
    }
  }

  bool OpenGroup() {
    if (i_ + 1 < p_.size() && p_[i_ + 1] == '*') return false;  // (*VERB)
    if (i_ + 1 >= p_.size() || p_[i_ + 1] != '?') {
      out_.push_back('(');
      ++i_;
      return true;
    }
    if (i_ + 2 < p_.size() && p_[i_ + 2] == ':') {
      out_.append("(?:");
      i_ += 3;
      return true;
    }
    // Named groups (?<name> and (?P<name>; RE2 2022 knows only the latter.
    size_t j = i_ + 2;
    if (j < p_.size() && p_[j] == 'P') ++j;
    if (j < p_.size() && p_[j] == '<' && j + 1 < p_.size() && IsWordChar(p_[j + 1]) &&
        !IsDigit(p_[j + 1])) {
      size_t k = j + 1;
      while (k < p_.size() && IsWordChar(p_[k])) ++k;
      if (k >= p_.size() || p_[k] != '>') return false;
      out_.append("(?P<").append(p_.substr(j + 1, k - j - 1)).append(">");
      i_ = k + 1;
      return true;
    }
    // Lookaround, atomic groups, inline options, comments, recursion...
    return false;
  }

  std::string_view p_;
  size_t i_ = 0;
  bool unrepeatable_ = true;  // the pattern starts with nothing to repeat
  bool literal_run_ = false;
  size_t nodes_ = 0;
  std::string out_;
  std::vector<size_t> top_level_bars_;
};

}  // namespace

bool TranslatePcreToRe2(std::string_view pcre_body, Re2Translation* out) {
  PcreToRe2 conv(pcre_body);
  if (!conv.Convert()) return false;
  out->pattern = conv.out();
  out->top_level_bars = conv.top_level_bars();
  out->nodes = conv.nodes();
  return true;
}

}  // namespace phptrun
