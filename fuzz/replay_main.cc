// A main for the fuzz targets without libFuzzer (g++ builds, CTest): runs
// every seed file given (files or directories, recursively), then
// --mutations N deterministic mutations of them (byte flips, tokens of the
// phpt and EXPECTF languages, deletions, duplications, splices, NULs), and
// prints how many inputs ran. A crash or abort() fails the test.
//
//   fuzz_expect fuzz/corpus/expect --mutations 3000
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.h"

namespace {

void Collect(const std::string& path, std::vector<std::string>* seeds) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    DIR* d = opendir(path.c_str());
    if (!d) return;
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) Collect(path + "/" + n, seeds);
  } else if (S_ISREG(st.st_mode) && st.st_size <= (1 << 20)) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    seeds->push_back(text.str());
  }
}

const char* const kTokens[] = {"%s",
                               "%S",
                               "%a",
                               "%A",
                               "%w",
                               "%i",
                               "%d",
                               "%x",
                               "%f",
                               "%c",
                               "%e",
                               "%r",
                               "%0",
                               "%%",
                               "%r.*%r",
                               "%r(a|b)%r",
                               "\n",
                               "\r\n",
                               "\0",
                               "--TEST--\n",
                               "--FILE--\n",
                               "--EXPECT--\n",
                               "--EXPECTF--\n",
                               "--EXPECTREGEX--\n",
                               "--SKIPIF--\n",
                               "--INI--\n",
                               "--CLEAN--\n",
                               "--FILE_EXTERNAL--\n",
                               "--REDIRECTTEST--\n",
                               "--CONFLICTS--\n",
                               "--ARGS--\n",
                               "(",
                               ")",
                               "[",
                               "]",
                               "{2}",
                               "{1000}",
                               "{65536}",
                               "x{2147483648}",
                               "*",
                               "+",
                               "?",
                               "\\",
                               "\\Q",
                               "\\E",
                               "(?=",
                               "(?<=",
                               "$",
                               "^",
                               "|",
                               ".",
                               "\xff",
                               "\xc3\xa9",
                               "\x1b[2J"};

std::string Mutate(std::string s, const std::vector<std::string>& seeds, std::mt19937* rng) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>((*rng)() % n); };
  int steps = 1 + static_cast<int>(pick(4));
  for (int k = 0; k < steps; ++k) {
    switch (pick(7)) {
      case 0:
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << pick(8));
        break;
      case 1: {
        const char* t = kTokens[pick(sizeof kTokens / sizeof kTokens[0])];
        size_t len = std::strlen(t) + (t[0] == '\0');
        s.insert(pick(s.size() + 1), t, len);
        break;
      }
      case 2:
        if (!s.empty()) {
          size_t at = pick(s.size());
          s.erase(at, pick(std::min<size_t>(64, s.size() - at) + 1));
        }
        break;
      case 3:
        if (!s.empty()) {
          size_t at = pick(s.size());
          std::string part = s.substr(at, pick(256) + 1);
          s.insert(pick(s.size() + 1), part);
        }
        break;
      case 4: {
        const std::string& other = seeds[pick(seeds.size())];
        if (!other.empty()) {
          size_t at = pick(other.size());
          s.insert(pick(s.size() + 1), other.substr(at, pick(512) + 1));
        }
        break;
      }
      case 5:
        s.insert(pick(s.size() + 1), 1, '\0');
        break;
      default:
        s.insert(pick(s.size() + 1), 1, static_cast<char>(pick(256)));
    }
  }
  if (s.size() > (64 << 10)) s.resize(64 << 10);
  return s;
}

// The input being run, written out by OnAbort so that a failure can be
// replayed (`fuzz_X crash-input`) and turned into a unit test.
const std::string* g_current = nullptr;

void OnAbort(int sig) {
  if (g_current) {
    if (FILE* f = std::fopen("crash-input", "wb")) {
      std::fwrite(g_current->data(), 1, g_current->size(), f);
      std::fclose(f);
      std::fputs("the failing input is in ./crash-input\n", stderr);
    }
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void Run(const std::string& input) {
  g_current = &input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  g_current = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 0;
  unsigned seed = 1;
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--mutations") == 0 && i + 1 < argc) {
      mutations = std::atol(argv[++i]);
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      seed = static_cast<unsigned>(std::atol(argv[++i]));
    } else {
      Collect(argv[i], &seeds);
    }
  }
  if (seeds.empty()) seeds.push_back("");
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE}) signal(sig, OnAbort);
  for (const std::string& s : seeds) Run(s);
  std::mt19937 rng(seed);
  for (long n = 0; n < mutations; ++n) Run(Mutate(seeds[rng() % seeds.size()], seeds, &rng));
  std::printf("%zu seeds and %ld mutations ran, no crash\n", seeds.size(), mutations);
  return 0;
}
