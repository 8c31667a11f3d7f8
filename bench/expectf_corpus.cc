// bench/expectf-corpus: the direct EXPECTF matcher against the regex path on
// php-src's own tests, and what each costs.
//
//   build/bench/expectf-corpus [--time [ROUNDS]] PHP_SRC [DIR...]
//
// Reads every .phpt under PHP_SRC's Zend/tests, tests and ext/*/tests (or
// the DIRs given, relative to PHP_SRC) whose expectation is an EXPECTF
// without %r. Without --time: renders each body into outputs that should
// match (placeholders replaced by sample text: a fixed rendering and two
// random ones) and mutates those (bytes deleted, inserted or replaced, a
// newline or text appended, a line dropped or doubled), then compares for
// every output ExpectfPattern, ExpectMatcher and the regex path
// (PregPattern::Compile(ExpectfToRegex(body))), and counts disagreements,
// which must be 0. It also counts where the regex path and PCRE2 itself
// (preg_match's engine) disagree, for information: that is the documented %f
// deviation. Exit status 1 if any disagreement between the matchers.
//
// With --time: for each such body, times building the matcher from the raw
// section and matching the fixed rendering (normalised), ROUNDS times
// (default 5), for the regex path (what ExpectMatcher did for every EXPECTF
// before the direct matcher) and for ExpectMatcher; prints the best round of
// each. Nothing here is run by CTest: the php-src tree is not in the
// repository (bench/fetch-php-src fetches it into bench/cache/).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "runner/phpt/expect.h"
#include "runner/phpt/expectf_pattern.h"
#include "runner/phpt/phpt_file.h"

namespace phptrun {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

struct Case {
  std::string path;
  std::string body;      // the raw EXPECTF section
  std::string expected;  // normalised
};

std::vector<std::string> TestFiles(const fs::path& root, const std::vector<std::string>& dirs) {
  std::vector<fs::path> tops;
  if (dirs.empty()) {
    tops = {root / "Zend/tests", root / "tests"};
    std::error_code ec;
    for (const auto& ext : fs::directory_iterator(root / "ext", ec)) {
      if (fs::is_directory(ext.path() / "tests")) tops.push_back(ext.path() / "tests");
    }
  } else {
    for (const std::string& d : dirs) tops.push_back(root / d);
  }
  std::vector<std::string> files;
  for (const fs::path& top : tops) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(top, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_regular_file() && it->path().extension() == ".phpt") {
        files.push_back(it->path().string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

class Renderer {
 public:
  explicit Renderer(uint32_t seed) : rng_(seed) {}

  // Fixed sample text per placeholder when `random` is false.
  std::string Render(std::string_view p, bool random) {
    std::string s;
    for (size_t i = 0; i < p.size(); ++i) {
      if (p[i] == '%' && i + 1 < p.size()) {
        const std::vector<std::string>* samples = Samples(p[i + 1]);
        if (samples != nullptr) {
          s += random ? (*samples)[Below(samples->size())] : (*samples)[0];
          ++i;
          continue;
        }
      }
      s.push_back(p[i]);
    }
    return s;
  }

  std::string Mutate(std::string s) {
    static const std::string kBytes = "a1.-e\n %/\0x:("s;
    size_t at = Below(s.size() + 1);
    switch (Below(7)) {
      case 0:
        if (at < s.size()) s.erase(at, 1);
        break;
      case 1:
        s.insert(s.begin() + at, kBytes[Below(kBytes.size())]);
        break;
      case 2:
        if (at < s.size()) s[at] = kBytes[Below(kBytes.size())];
        break;
      case 3:
        s += "\n";
        break;
      case 4:
        s += "x";
        break;
      case 5: {  // drop the line around `at`
        size_t b = s.rfind('\n', at == 0 ? 0 : at - 1);
        b = b == std::string::npos ? 0 : b;
        size_t e = s.find('\n', at);
        s.erase(b, (e == std::string::npos ? s.size() : e) - b);
        break;
      }
      default: {  // double the line around `at`
        size_t b = s.rfind('\n', at == 0 ? 0 : at - 1);
        b = b == std::string::npos ? 0 : b;
        size_t e = s.find('\n', at);
        s.insert(b, s.substr(b, (e == std::string::npos ? s.size() : e) - b));
      }
    }
    return s;
  }

 private:
  size_t Below(size_t n) { return n == 0 ? 0 : rng_() % n; }

  static const std::vector<std::string>* Samples(char c) {
    static const std::vector<std::string> e = {"/"},
                                          s = {"sample", "x", "/path/to/file.php", "a: b"},
                                          S = {"text", "", "x y"},
                                          a = {"any\nthing", "x", "\n", "l1\nl2\n"},
                                          A = {"more\nlines", "", "\n", "x"},
                                          w = {" ", "", "\n", "  \n\t"},
                                          i = {"-12", "0", "+7", "123456"},
                                          d = {"42", "0", "2147483647"},
                                          x = {"1f", "0", "DEADbeef"},
                                          f = {"1.5", "1", "-0.25", ".5", "1e10", "1.5E-7"},
                                          cc = {"c", "\n", "%"}, zero = {"\0"s};
    switch (c) {
      case 'e':
        return &e;
      case 's':
        return &s;
      case 'S':
        return &S;
      case 'a':
        return &a;
      case 'A':
        return &A;
      case 'w':
        return &w;
      case 'i':
        return &i;
      case 'd':
        return &d;
      case 'x':
        return &x;
      case 'f':
        return &f;
      case 'c':
        return &cc;
      case '0':
        return &zero;
      default:
        return nullptr;
    }
  }

  std::mt19937 rng_;
};

// preg_match('/^' . regex . '$/s', subject) as PHP's PCRE2 runs it.
class PcreReference {
 public:
  explicit PcreReference(const std::string& regex) {
    std::string full = "^" + regex + "$";
    int code = 0;
    PCRE2_SIZE offset = 0;
    re_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(full.data()), full.size(), PCRE2_DOTALL, &code,
                        &offset, nullptr);
    md_ = pcre2_match_data_create(1, nullptr);
    mc_ = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(mc_, 1'000'000);  // pcre.backtrack_limit
  }
  ~PcreReference() {
    pcre2_match_context_free(mc_);
    pcre2_match_data_free(md_);
    if (re_) pcre2_code_free(re_);
  }
  // 1 match, 0 no match, -1 error or limit.
  int Match(std::string_view s) const {
    if (!re_) return -1;
    int rc = pcre2_match(re_, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), 0, 0, md_, mc_);
    return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
  }

 private:
  pcre2_code* re_ = nullptr;
  pcre2_match_data* md_ = nullptr;
  pcre2_match_context* mc_ = nullptr;
};

std::string Shorten(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 120)) {
    if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c > 0x7E) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return s.size() > 120 ? out + "..." : out;
}

int Differential(const std::vector<Case>& cases) {
  Renderer renderer(8232);
  long pairs = 0, disagreements = 0, matcher_disagreements = 0, gave_up = 0, matching = 0;
  long pcre_differs = 0, pcre_errors = 0, pcre_errors_on_match = 0;
  for (const Case& c : cases) {
    ExpectfPattern direct(c.expected);
    PregPattern regex = PregPattern::Compile(ExpectfToRegex(c.expected));
    if (!regex.ok() || regex.uses_pcre()) {
      std::printf("regex path not on RE2 for %s: %s\n", c.path.c_str(), regex.error().c_str());
      ++disagreements;
      continue;
    }
    PcreReference pcre(ExpectfToRegex(c.expected));
    ExpectMatcher matcher("EXPECTF", c.body);
    std::vector<std::string> outputs;
    std::string fixed = NormalizeOutput(renderer.Render(c.expected, false));
    outputs.push_back(fixed);
    outputs.push_back(NormalizeOutput(renderer.Render(c.expected, true)));
    outputs.push_back(NormalizeOutput(renderer.Render(c.expected, true)));
    for (int m = 0; m < 5; ++m) outputs.push_back(renderer.Mutate(outputs[m % 3]));
    for (const std::string& out : outputs) {
      ++pairs;
      bool want = regex.Matches(out);
      matching += want;
      ExpectfPattern::Outcome outcome = direct.Match(out);
      if (outcome == ExpectfPattern::Outcome::kGaveUp) {
        ++gave_up;
      } else if ((outcome == ExpectfPattern::Outcome::kMatch) != want) {
        ++disagreements;
        std::printf("DISAGREE %s: regex path %d\n  output: %s\n", c.path.c_str(), want,
                    Shorten(out).c_str());
      }
      if (matcher.Matches(out) != want) {
        ++matcher_disagreements;
        std::printf("DISAGREE (ExpectMatcher) %s: regex path %d\n  output: %s\n", c.path.c_str(),
                    want, Shorten(out).c_str());
      }
      int reference = pcre.Match(out);
      if (reference < 0) {
        pcre_errors_on_match += want;
        if (++pcre_errors <= 5) {
          std::printf("note: PCRE2 gives up (backtrack limit) where the regex path says %d: %s\n",
                      want, c.path.c_str());
        }
      } else if ((reference == 1) != want) {
        ++pcre_differs;
        if (pcre_differs <= 5) {
          std::printf("note: PCRE2 says %d, the regex path %d: %s\n  output: %s\n", reference, want,
                      c.path.c_str(), Shorten(out).c_str());
        }
      }
    }
  }
  std::printf(
      "%zu bodies, %ld pairs (%ld matching), direct vs regex path: %ld disagreements, "
      "%ld handed over; ExpectMatcher vs regex path: %ld disagreements; regex path vs "
      "PCRE2: %ld differ, %ld PCRE2 backtrack limits (%ld where the regex path matches)\n",
      cases.size(), pairs, matching, disagreements, gave_up, matcher_disagreements, pcre_differs,
      pcre_errors, pcre_errors_on_match);
  return disagreements == 0 && matcher_disagreements == 0 ? 0 : 1;
}

int Time(const std::vector<Case>& cases, int rounds) {
  Renderer renderer(8232);
  std::vector<std::string> outputs;
  for (const Case& c : cases)
    outputs.push_back(NormalizeOutput(renderer.Render(c.expected, false)));
  using Clock = std::chrono::steady_clock;
  double best_regex = 1e9, best_matcher = 1e9;
  long regex_matches = 0, matcher_matches = 0;
  for (int r = 0; r < rounds; ++r) {
    regex_matches = matcher_matches = 0;
    auto start = Clock::now();
    for (size_t i = 0; i < cases.size(); ++i) {
      PregPattern p = PregPattern::Compile(ExpectfToRegex(NormalizeOutput(cases[i].body)));
      regex_matches += p.Matches(outputs[i]);
    }
    double regex = std::chrono::duration<double>(Clock::now() - start).count();
    start = Clock::now();
    for (size_t i = 0; i < cases.size(); ++i) {
      ExpectMatcher m("EXPECTF", cases[i].body);
      matcher_matches += m.Matches(outputs[i]);
    }
    double matcher = std::chrono::duration<double>(Clock::now() - start).count();
    best_regex = std::min(best_regex, regex);
    best_matcher = std::min(best_matcher, matcher);
    std::printf("round %d: regex path %.1f ms, ExpectMatcher %.1f ms\n", r + 1, regex * 1e3,
                matcher * 1e3);
  }
  std::printf(
      "%zu bodies; best of %d rounds: regex path %.1f ms (%.1f us/case, %ld matched), "
      "ExpectMatcher %.1f ms (%.1f us/case, %ld matched), %.1fx\n",
      cases.size(), rounds, best_regex * 1e3, best_regex * 1e6 / cases.size(), regex_matches,
      best_matcher * 1e3, best_matcher * 1e6 / cases.size(), matcher_matches,
      best_regex / best_matcher);
  return 0;
}

int Main(int argc, char** argv) {
  bool time = false;
  int rounds = 5;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--time") {
      time = true;
      if (i + 1 < argc && std::isdigit(static_cast<unsigned char>(argv[i + 1][0]))) {
        rounds = std::max(1, std::atoi(argv[++i]));
      }
    } else if (a == "-h" || a == "--help") {
      std::printf("usage: expectf-corpus [--time [ROUNDS]] PHP_SRC [DIR...]\n");
      return 0;
    } else {
      args.push_back(a);
    }
  }
  if (args.empty()) {
    std::fprintf(stderr, "usage: expectf-corpus [--time [ROUNDS]] PHP_SRC [DIR...]\n");
    return 2;
  }
  fs::path root = args[0];
  if (!fs::is_directory(root)) {
    std::fprintf(stderr, "expectf-corpus: %s is not a directory\n", args[0].c_str());
    return 2;
  }
  std::vector<std::string> files =
      TestFiles(root, std::vector<std::string>(args.begin() + 1, args.end()));
  std::vector<Case> cases;
  long expectf = 0, with_r = 0, too_big = 0, unreadable = 0;
  for (const std::string& path : files) {
    PhptFile test = PhptFile::Load(path);
    if (!test.ok()) {
      ++unreadable;
      continue;
    }
    if (test.ExpectKind() != "EXPECTF") continue;
    ++expectf;
    const std::string* body = test.Section("EXPECTF");
    if (body == nullptr) continue;
    std::string expected = NormalizeOutput(*body);
    if (expected.find("%r") != std::string::npos) {
      ++with_r;
      continue;
    }
    if (!ExpectfPattern::Applies(expected)) {
      ++too_big;
      continue;
    }
    cases.push_back(Case{path, *body, std::move(expected)});
  }
  std::printf(
      "%zu .phpt files (%ld not parsed), %ld EXPECTF: %ld with %%r, %ld over %zu bytes, "
      "%zu taken\n",
      files.size(), unreadable, expectf, with_r, too_big, ExpectfPattern::kMaxSize, cases.size());
  return time ? Time(cases, rounds) : Differential(cases);
}

}  // namespace
}  // namespace phptrun

int main(int argc, char** argv) { return phptrun::Main(argc, argv); }
