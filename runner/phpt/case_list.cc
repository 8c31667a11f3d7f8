#include "runner/phpt/case_list.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "runner/phpt/phpt_file.h"

namespace phptrun {
namespace {

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

std::string Join(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

// Directories already searched, by device and inode: a symlink that points
// back up the tree (or twice at the same place) is searched once.
using Visited = std::set<std::pair<dev_t, ino_t>>;

bool Walk(const std::string& dir, Visited* visited, std::vector<std::string>* out,
          std::string* err) {
  struct stat self;
  if (stat(dir.c_str(), &self) == 0 && !visited->insert({self.st_dev, self.st_ino}).second) {
    return true;
  }
  DIR* d = opendir(dir.c_str());
  if (!d) {
    *err = dir + ": cannot read directory: " + std::strerror(errno);
    return false;
  }
  std::vector<std::string> subdirs;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    std::string path = Join(dir, name);
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN || type == DT_LNK) {
      struct stat st;
      if (stat(path.c_str(), &st) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    if (type == DT_DIR) {
      subdirs.push_back(path);
    } else if (type == DT_REG && EndsWith(name, ".phpt")) {
      out->push_back(path);
    }
  }
  closedir(d);
  for (const std::string& sub : subdirs) {
    if (!Walk(sub, visited, out, err)) return false;
  }
  return true;
}

}  // namespace

bool CollectCases(const std::vector<std::string>& args, std::vector<std::string>* cases,
                  std::string* err) {
  cases->clear();
  Visited visited;
  for (const std::string& arg : args) {
    struct stat st;
    if (stat(arg.c_str(), &st) != 0) {
      *err = arg + ": no such file or directory";
      return false;
    }
    if (S_ISDIR(st.st_mode)) {
      if (!Walk(arg, &visited, cases, err)) return false;
    } else {
      cases->push_back(arg);
    }
  }
  std::sort(cases->begin(), cases->end());
  cases->erase(std::unique(cases->begin(), cases->end()), cases->end());
  return true;
}

}  // namespace phptrun

namespace phptrun {
namespace {

// The file's bytes, or "" when it cannot be read.
std::string ReadWholeFile(const std::string& path) {
  std::string content;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) content.append(buf, n);
    std::fclose(f);
  }
  return content;
}

}  // namespace

CaseHintReader::Hints CaseHintReader::Read(const std::string& path) {
  Hints hints;
  std::string content = ReadWholeFile(path);
  hints.slow = content.find("SKIP_SLOW_TESTS") != std::string::npos;
  if (content.find("--CONFLICTS--") != std::string::npos) {
    hints.conflict_keys = PhptFile::Parse(path, content).ConflictKeys();
    return hints;
  }
  size_t slash = path.find_last_of('/');
  // As CaseDirectory (runner/result) has it.
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  auto it = by_directory_.find(dir);
  if (it == by_directory_.end()) {
    it = by_directory_.emplace(dir, ParseConflictKeys(ReadWholeFile(dir + "/CONFLICTS"))).first;
  }
  hints.conflict_keys = it->second;
  return hints;
}

}  // namespace phptrun
