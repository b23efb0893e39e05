#include "api/params.h"

namespace iamd::api {

OutNode& OutNode::add_string(std::string n, std::string value) {
  children.push_back(OutNode{std::move(n), Kind::String, std::move(value), {}});
  return children.back();
}

OutNode& OutNode::add_integer(std::string n, std::int64_t value) {
  children.push_back(OutNode{std::move(n), Kind::Integer, std::to_string(value), {}});
  return children.back();
}

OutNode& OutNode::add_boolean(std::string n, bool value) {
  children.push_back(OutNode{std::move(n), Kind::Boolean, value ? "true" : "false", {}});
  return children.back();
}

OutNode& OutNode::add_timestamp(std::string n, std::string iso8601) {
  children.push_back(OutNode{std::move(n), Kind::Timestamp, std::move(iso8601), {}});
  return children.back();
}

OutNode& OutNode::add_struct(std::string n) {
  children.push_back(OutNode{std::move(n), Kind::Struct, {}, {}});
  return children.back();
}

OutNode& OutNode::add_list(std::string n) {
  children.push_back(OutNode{std::move(n), Kind::List, {}, {}});
  return children.back();
}

OutNode& OutNode::add_map(std::string n) {
  children.push_back(OutNode{std::move(n), Kind::Map, {}, {}});
  return children.back();
}

OutNode& OutNode::add_item() {
  children.push_back(OutNode{"member", Kind::Struct, {}, {}});
  return children.back();
}

void OutNode::add_string_item(std::string value) {
  children.push_back(OutNode{"member", Kind::String, std::move(value), {}});
}

void OutNode::add_entry(std::string key, std::string value, Kind value_kind) {
  OutNode entry{"entry", Kind::Struct, {}, {}};
  entry.children.push_back(OutNode{"key", Kind::String, std::move(key), {}});
  entry.children.push_back(OutNode{"value", value_kind, std::move(value), {}});
  children.push_back(std::move(entry));
}

}  // namespace iamd::api
