#include "runner/phpt/shell_words.h"

namespace phptrun {

std::vector<std::string> SplitShellWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  enum { kPlain, kSingle, kDouble } mode = kPlain;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (mode == kSingle) {
      if (c == '\'') mode = kPlain; else word += c;
      continue;
    }
    if (mode == kDouble) {
      if (c == '"') {
        mode = kPlain;
      } else if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;  // backslash-newline: a line continuation, removed as in sh
      } else if (c == '\\' && i + 1 < text.size() &&
                 std::string_view("\\\"$`").find(text[i + 1]) != std::string_view::npos) {
        word += text[++i];
      } else {
        word += c;
      }
      continue;
    }
    if (c == '\n' || c == '\r') break;  // the rest is another shell command
    if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      mode = kSingle;
    } else if (c == '"') {
      mode = kDouble;
    } else if (c == '\\' && i + 1 < text.size()) {
      if (text[i + 1] != '\n') word += text[i + 1];
      ++i;
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

}  // namespace phptrun
