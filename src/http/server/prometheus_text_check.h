#pragma once
// Test helper: a line-by-line check of the Prometheus text exposition format 0.0.4 (the subset
// we emit: HELP/TYPE comments and samples with optional labels, no timestamps).

#include <regex>
#include <sstream>
#include <string>

namespace iamd::http::testing {

/// Empty when `text` is valid; otherwise the first offending line.
inline std::string first_invalid_prometheus_line(const std::string& text) {
  static const std::regex help(R"(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*)");
  static const std::regex type(
      R"(# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped))");
  static const std::regex sample(
      R"([a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")"
      R"((,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? )"
      R"(([-+]?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|\+Inf|-Inf|NaN))");
  if (text.empty() || text.back() != '\n') return "<text must end with a newline>";
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!std::regex_match(line, help) && !std::regex_match(line, type) &&
        !std::regex_match(line, sample)) {
      return line.empty() ? "<empty line>" : line;
    }
  }
  return {};
}

}  // namespace iamd::http::testing
