// libFuzzer target for the AWS Query codec: arbitrary bytes -> decode_form -> build_params -> an
// echo of the tree through encode_response (or the error through encode_error).
//
// Properties checked, beyond "no crash, no sanitizer report":
//   - decoded names and values are valid UTF-8;
//   - re-encoding the decoded fields (RFC 3986) and decoding again gives the same fields;
//   - a built tree holds exactly one value per field (nothing silently overwritten);
//   - every XML body is well-formed to expat (botocore's parser), when expat is available.
//
// Build (from the repository root):
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/fuzz_query_form.cc src/http/query/form.cc src/http/query/xml.cc \
//     src/api/params.cc src/api/operation.cc src/api/input.cc src/core/error.cc \
//     src/core/strings.cc -lexpat -o fuzz_query_form
//   ./fuzz_query_form -max_total_time=20 tests/fuzz/corpus/fuzz_query_form

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/operation.h"
#include "core/strings.h"
#include "http/query/form.h"
#include "http/query/xml.h"

#if __has_include(<expat.h>)
#include <expat.h>
#define IAMD_FUZZ_EXPAT 1
#endif

namespace {

using namespace iamd;

void check(bool ok) {
  if (!ok) std::abort();
}

void check_well_formed(const std::string& doc) {
#ifdef IAMD_FUZZ_EXPAT
  XML_Parser p = XML_ParserCreate("UTF-8");
  bool ok = XML_Parse(p, doc.data(), static_cast<int>(doc.size()), 1) == XML_STATUS_OK;
  XML_ParserFree(p);
  check(ok);
#else
  check(core::is_valid_utf8(doc));
#endif
}

void check_error(const core::Error& e) {
  check_well_formed(http::query::encode_error(api::find_service("sts")->xml_namespace, e, "fuzz"));
}

// Mirrors the parameter tree into output nodes; segment names and values go in as text, since
// element names come from the model, never from the wire.
std::size_t echo(const api::ParamNode& node, api::OutNode& list) {
  std::size_t values = 0;
  for (const auto& [segment, child] : node.children) {
    auto& item = list.add_item();
    item.add_string("Name", segment);
    if (child.value) {
      item.add_string("Value", *child.value);
      ++values;
    }
    values += echo(child, item.add_list("Children"));
  }
  return values;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto fields = http::query::decode_form(text);
  if (!fields) {
    check_error(fields.error());
    return 0;
  }
  std::string reencoded;
  for (const auto& [name, value] : *fields) {
    check(core::is_valid_utf8(name) && core::is_valid_utf8(value));
    reencoded += core::uri_encode(name) + "=" + core::uri_encode(value) + "&";
  }
  auto again = http::query::decode_form(reencoded);
  check(again && *again == *fields);

  auto params = http::query::build_params(*fields);
  if (!params) {
    check_error(params.error());
  } else {
    api::Output out;
    check(echo(*params, out.result.add_list("Params")) == fields->size());
    check_well_formed(http::query::encode_response(*api::find_service("iam"), "Echo", out, "fuzz"));
  }

  // The same bytes split into a query string and a body exercise merging.
  auto split = http::query::parse_params(text.substr(0, size / 2), text.substr(size / 2));
  if (!split) check_error(split.error());
  return 0;
}
