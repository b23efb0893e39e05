#include "http/json/request.h"

#include <string>
#include <utility>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>

#include "core/strings.h"

namespace iamd::http::json {
namespace {

using core::Error;
using core::ErrorCode;

Error serialization(std::string message) {
  return Error{ErrorCode::SerializationException, std::move(message)};
}

// Builds the parameter tree from Boost.JSON's SAX events. A handler that fails records its own
// error (so the client gets our words, not Boost's) and makes the parser stop.
class TreeBuilder {
 public:
  static constexpr std::size_t max_array_size = kMaxValues;
  static constexpr std::size_t max_object_size = kMaxValues;
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = kMaxKeyBytes;

  api::ParamNode root;
  std::optional<Error> error;  // set when a handler failed

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }

  bool on_object_begin(boost::system::error_code& ec) {
    if (stack_.empty()) {
      if (!count(ec)) return false;
      stack_.push_back(Frame{&root, false, 0, {}});
      return true;
    }
    api::ParamNode* node = next_node(ec);
    if (node == nullptr) return false;
    if (stack_.size() == kMaxDepth) {
      return fail(ec, serialization("The request body is nested deeper than " +
                                    std::to_string(kMaxDepth) + " levels"));
    }
    stack_.push_back(Frame{node, false, 0, {}});
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    stack_.pop_back();
    return true;
  }
  bool on_array_begin(boost::system::error_code& ec) {
    if (stack_.empty()) return top_level_not_object(ec);
    api::ParamNode* node = next_node(ec);
    if (node == nullptr) return false;
    if (stack_.size() == kMaxDepth) {
      return fail(ec, serialization("The request body is nested deeper than " +
                                    std::to_string(kMaxDepth) + " levels"));
    }
    stack_.push_back(Frame{node, true, 0, {}});
    return true;
  }
  bool on_array_end(std::size_t, boost::system::error_code&) {
    stack_.pop_back();
    return true;
  }

  bool on_key_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    key_.append(s.data(), s.size());
    if (key_.size() > kMaxKeyBytes) {
      return fail(ec, serialization("A member name in the request body is longer than " +
                                    std::to_string(kMaxKeyBytes) + " bytes"));
    }
    stack_.back().key = std::move(key_);
    key_.clear();
    return true;
  }

  bool on_string_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    text_.append(s.data(), s.size());
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    text_.append(s.data(), s.size());
    return scalar(ec);
  }
  bool on_number_part(boost::json::string_view s, boost::system::error_code&) {
    text_.append(s.data(), s.size());
    return true;
  }
  // Numbers keep the text the client sent: "5" stays "5", "5.0" stays "5.0" (and then fails an
  // integer member's check), so nothing is lost or rounded on the way to the handler.
  bool on_int64(std::int64_t, boost::json::string_view s, boost::system::error_code& ec) {
    text_.append(s.data(), s.size());
    return scalar(ec);
  }
  bool on_uint64(std::uint64_t, boost::json::string_view s, boost::system::error_code& ec) {
    text_.append(s.data(), s.size());
    return scalar(ec);
  }
  bool on_double(double, boost::json::string_view s, boost::system::error_code& ec) {
    text_.append(s.data(), s.size());
    return scalar(ec);
  }
  bool on_bool(bool b, boost::system::error_code& ec) {
    text_ = b ? "true" : "false";
    return scalar(ec);
  }
  bool on_null(boost::system::error_code& ec) {
    if (stack_.empty()) return top_level_not_object(ec);
    if (!count(ec)) return false;
    // An explicit null is an absent member; in a list it still takes its position.
    Frame& top = stack_.back();
    if (top.is_array) ++top.next_index;
    return true;
  }
  bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }

 private:
  struct Frame {
    api::ParamNode* node;
    bool is_array;
    std::size_t next_index;  // arrays: items so far
    std::string key;         // objects: the key of the value that comes next
  };

  bool fail(boost::system::error_code& ec, Error e) {
    error = std::move(e);
    ec = boost::json::error::exception;  // any error stops the parser; ours is in `error`
    return false;
  }
  bool top_level_not_object(boost::system::error_code& ec) {
    return fail(ec, serialization("The request body must be a JSON object"));
  }
  bool count(boost::system::error_code& ec) {
    if (++values_ > kMaxValues) {
      return fail(ec, Error{ErrorCode::RequestEntityTooLarge,
                            "Too many values in the request body: at most " +
                                std::to_string(kMaxValues) + " are accepted"});
    }
    return true;
  }

  // The node the next value goes to: a new member of the current object, or the next item of
  // the current array. nullptr (with the error set) on a duplicate key or too many values.
  api::ParamNode* next_node(boost::system::error_code& ec) {
    if (!count(ec)) return nullptr;
    Frame& top = stack_.back();
    if (top.is_array) {
      std::string index = std::to_string(++top.next_index);
      return &top.node->children["member"].children[index];
    }
    auto [it, inserted] = top.node->children.try_emplace(std::move(top.key));
    if (!inserted) {
      fail(ec, serialization("Duplicate member in the request body: " + it->first));
      return nullptr;
    }
    return &it->second;
  }

  bool scalar(boost::system::error_code& ec) {
    if (stack_.empty()) {
      text_.clear();
      return top_level_not_object(ec);
    }
    api::ParamNode* node = next_node(ec);
    if (node == nullptr) return false;
    node->value = std::move(text_);
    text_.clear();
    return true;
  }

  std::vector<Frame> stack_;
  std::string key_;   // a key being assembled from parts
  std::string text_;  // a string or number being assembled from parts
  std::size_t values_ = 0;
};

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

bool is_json_content_type(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  return core::iequals(type, "application/x-amz-json-1.1") ||
         core::iequals(type, "application/x-amz-json-1.0");
}

core::Result<Target> parse_target(std::string_view x_amz_target) {
  std::size_t dot = x_amz_target.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == x_amz_target.size()) {
    return Error{ErrorCode::UnknownOperationException, ""};
  }
  const api::ServiceInfo* service = api::find_service_by_target_prefix(x_amz_target.substr(0, dot));
  if (service == nullptr) return Error{ErrorCode::UnknownOperationException, ""};
  return Target{service, x_amz_target.substr(dot + 1)};
}

core::Result<api::ParamNode> decode_body(std::string_view body) {
  if (is_blank(body)) return api::ParamNode{};
  boost::json::parse_options options;
  options.max_depth = kMaxDepth + 1;  // our own check (with our message) trips first
  boost::json::basic_parser<TreeBuilder> parser(options);
  boost::system::error_code ec;
  std::size_t used = parser.write_some(false, body.data(), body.size(), ec);
  TreeBuilder& builder = parser.handler();
  if (builder.error) return *builder.error;
  if (ec) {
    return serialization("The request body is not valid JSON (" + ec.message() + " at byte " +
                         std::to_string(used) + ")");
  }
  if (used != body.size() && !is_blank(body.substr(used))) {
    return serialization("The request body has data after the JSON object (at byte " +
                         std::to_string(used) + ")");
  }
  return std::move(builder.root);
}

}  // namespace iamd::http::json
