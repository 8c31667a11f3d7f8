#include "runner/phpt/case_list.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
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
    } else if (EndsWith(name, ".phpt")) {
      // A FIFO or device named *.phpt is a case too, which BORKs "not a
      // regular file": never skipped silently, never read from.
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
    } else if (!S_ISREG(st.st_mode)) {
      *err = arg + ": not a regular file";
      return false;
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

// The file's bytes, or "" when it cannot be read (the case itself then
// says why): a FIFO or device is never opened for reading (ReadCaseFile).
std::string ReadWholeFile(const std::string& path) {
  std::string content, err;
  if (!ReadCaseFile(path, &content, &err)) content.clear();
  return content;
}

}  // namespace

CaseHintReader::Hints CaseHintReader::Read(const std::string& path) {
  Hints hints;
  std::string content = ReadWholeFile(path);
  hints.slow = content.find("SKIP_SLOW_TESTS") != std::string::npos;
  const bool conflicts = content.find("--CONFLICTS--") != std::string::npos;
  if (conflicts || content.find("--INI--") != std::string::npos ||
      content.find("--EXTENSIONS--") != std::string::npos) {
    PhptFile test = PhptFile::Parse(path, content);
    const std::string* ini = test.Section("INI");
    const std::string* extensions = test.Section("EXTENSIONS");
    if (ini || extensions) {
      std::string both = (extensions ? *extensions : "") + '\0' + (ini ? *ini : "");
      char hex[17];
      std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string>{}(both));
      hints.affinity = hex;
    }
    if (conflicts) {
      hints.conflict_keys = test.ConflictKeys();
      return hints;
    }
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
