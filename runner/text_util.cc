#include "runner/text_util.h"

namespace phptrun {

std::string TrimWhitespace(std::string_view text) {
  const char* kBlank = " \t\r\n\v";
  size_t b = text.find_first_not_of(kBlank);
  if (b == std::string_view::npos) return {};
  return std::string(text.substr(b, text.find_last_not_of(kBlank) - b + 1));
}

}  // namespace phptrun
