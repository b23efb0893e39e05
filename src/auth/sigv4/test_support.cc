#include "auth/sigv4/test_support.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/strings.h"
#include "core/time_format.h"

namespace iamd::auth::sigv4::testing {

SignableRequest RawRequest::view() const {
  SignableRequest v{method, target, {}, body};
  v.headers.reserve(headers.size());
  for (const auto& [name, value] : headers) v.headers.emplace_back(name, value);
  return v;
}

void RawRequest::set_header(std::string_view name, std::string value) {
  for (auto& header : headers) {
    if (core::iequals(header.first, name)) {
      header.second = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

std::optional<RawRequest> parse_raw_request(std::string_view text) {
  auto next_line = [&text]() {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    return line;
  };
  const std::string_view request_line = next_line();
  const std::size_t first_space = request_line.find(' ');
  const std::size_t version = request_line.rfind(" HTTP/");
  if (first_space == std::string_view::npos || version == std::string_view::npos ||
      version < first_space) {
    return std::nullopt;
  }
  RawRequest out;
  out.method = request_line.substr(0, first_space);
  out.target = request_line.substr(first_space + 1, version - first_space - 1);
  while (!text.empty()) {
    const std::string_view line = next_line();
    if (line.empty()) break;
    if ((line.front() == ' ' || line.front() == '\t') && !out.headers.empty()) {
      out.headers.back().second += "\n";
      out.headers.back().second += line;
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    out.headers.emplace_back(std::string(line.substr(0, colon)),
                             std::string(line.substr(colon + 1)));
  }
  out.body = text;
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::filesystem::path vectors_dir() {
  if (const char* root = std::getenv("IAMD_SOURCE_DIR"); root != nullptr && *root != '\0') {
    return std::filesystem::path(root) / "tests" / "vectors" / "sigv4";
  }
  return std::filesystem::path(__FILE__).parent_path() / ".." / ".." / ".." / "tests" / "vectors" /
         "sigv4";
}

core::TimePoint at(std::string_view amz_date) {
  auto t = core::parse_amz_date(amz_date);
  if (!t) std::abort();
  return *t;
}

void sign_with_header(RawRequest& request, const ClientSigning& client) {
  ParsedSignature s;
  s.access_key_id = client.access_key_id;
  s.date = client.amz_date.substr(0, 8);
  s.region = client.region;
  s.service = client.service;
  s.terminator = std::string(kTerminator);
  s.signed_headers = client.signed_headers;
  s.amz_date = client.amz_date;
  const SigningKey key = derive_signing_key(client.secret, s.date, s.region, s.service);
  auto signature = calculate_signature(request.view(), s, key);
  if (!signature) std::abort();
  s.signature = *signature;
  request.set_header("Authorization", format_authorization_header(s));
}

}  // namespace iamd::auth::sigv4::testing
