#include "auth/sigv4/request.h"

namespace iamd::auth::sigv4 {

std::optional<std::string_view> find_header(const SignableRequest& request,
                                            std::string_view lower_name) {
  for (const auto& [name, value] : request.headers) {
    if (is_header_named(name, lower_name)) return value;
  }
  return std::nullopt;
}

std::size_t count_headers(const SignableRequest& request, std::string_view lower_name) {
  std::size_t n = 0;
  for (const auto& header : request.headers) n += is_header_named(header.first, lower_name) ? 1 : 0;
  return n;
}

}  // namespace iamd::auth::sigv4
