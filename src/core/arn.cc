#include "core/arn.h"

namespace iamd::core {

std::string Arn::to_string() const {
  std::string out = "arn:";
  out += partition;
  out += ':';
  out += service;
  out += ':';
  out += region;
  out += ':';
  out += account;
  out += ':';
  out += resource;
  return out;
}

std::optional<Arn> Arn::parse(std::string_view text) {
  if (!text.starts_with("arn:")) return std::nullopt;
  std::string_view rest = text.substr(4);
  std::string parts[4];
  for (auto& part : parts) {
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part = std::string(rest.substr(0, colon));
    rest.remove_prefix(colon + 1);
  }
  if (parts[0].empty() || parts[1].empty()) return std::nullopt;
  return Arn{parts[0], parts[1], parts[2], parts[3], std::string(rest)};
}

std::string root_arn(std::string_view account) {
  std::string out = "arn:aws:iam::";
  out += account;
  out += ":root";
  return out;
}

std::string iam_arn(std::string_view account, std::string_view type, std::string_view path,
                    std::string_view name) {
  std::string out = "arn:aws:iam::";
  out += account;
  out += ':';
  out += type;
  out += '/';
  if (path.size() > 1) out += path.substr(1);  // "/x/y/" -> "x/y/"
  out += name;
  return out;
}

}  // namespace iamd::core
