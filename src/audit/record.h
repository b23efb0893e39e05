#pragma once
// One delivered CloudTrail event: the JSON record (spec/sts-federation.md §10.1) and the few fields
// sinks file it under. A call gives one Record per receiving account (a cross-account AssumeRole
// gives two, sharing sharedEventID). The JSON never holds a secret: records are rendered from
// events whose secret members were dropped (record_json.h).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace iamd::audit {

/// A resource as LookupEvents lists it: {ResourceType, ResourceName}.
struct ResourceRef {
  std::string type;  // "AWS::IAM::Role"
  std::string name;  // a name or an ARN, as the request gave it
};

/// Where the file sink wrote a record's line: in the file of the record's account and hour
/// (hour_files.h), part `part`, `length` bytes (no newline) at `offset` of its uncompressed text.
struct FileLocation {
  int part = 0;
  std::int64_t offset = 0;
  std::uint32_t length = 0;
};

struct Record {
  std::string account;  // recipientAccountId: the account this copy is delivered to
  core::TimePoint time;  // eventTime (the record shows whole seconds)
  std::string event_id;
  std::string event_name;    // "AssumeRole"
  std::string event_source;  // "sts.amazonaws.com"
  std::string username;      // LookupEvents' Username: the caller's user or role name
  std::string access_key_id;
  bool read_only = false;
  std::vector<ResourceRef> resources;
  std::string json;  // the whole record, one line (no newline)
  // Set by the file sink, for the sinks after it: the index then keeps this rather than a second
  // copy of `json`.
  std::optional<FileLocation> file;
};

}  // namespace iamd::audit
