#include "runner/phpt/text_util.h"

namespace phptrun {

std::string TrimWhitespace(std::string_view text) {
  const char* kBlank = " \t\r\n\v";
  size_t b = text.find_first_not_of(kBlank);
  if (b == std::string_view::npos) return {};
  return std::string(text.substr(b, text.find_last_not_of(kBlank) - b + 1));
}

std::vector<std::string_view> SplitLines(std::string_view text, std::string_view breaks) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of(breaks, pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

}  // namespace phptrun
