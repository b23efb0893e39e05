#include "policy/context.h"

#include "core/strings.h"

namespace iamd::policy {

void RequestContext::set(std::string_view key, std::string value) {
  ContextValue v;
  v.values.push_back(std::move(value));
  keys_[core::ascii_lower(key)] = std::move(v);
}

void RequestContext::set_multi(std::string_view key, std::vector<std::string> values) {
  ContextValue v;
  v.values = std::move(values);
  v.multi_valued = true;
  keys_[core::ascii_lower(key)] = std::move(v);
}

void RequestContext::erase(std::string_view key) { keys_.erase(core::ascii_lower(key)); }

const ContextValue* RequestContext::find(std::string_view key) const {
  return find_lower(core::ascii_lower(key));
}

const ContextValue* RequestContext::find_lower(const std::string& lower_key) const {
  auto it = keys_.find(lower_key);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace iamd::policy
