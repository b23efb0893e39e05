#include "core/error.h"

namespace iamd::core {
namespace {

struct Row {
  std::string_view wire;
  int status;
  Fault fault;
};

constexpr Row kRows[] = {
#define X(name, wire, status, fault) {wire, status, Fault::fault},
#include "core/error_codes.def"
#undef X
};

}  // namespace

std::string_view wire_code(ErrorCode code) { return kRows[static_cast<int>(code)].wire; }
int http_status(ErrorCode code) { return kRows[static_cast<int>(code)].status; }
Fault fault(ErrorCode code) { return kRows[static_cast<int>(code)].fault; }

}  // namespace iamd::core
