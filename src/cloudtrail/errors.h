#pragma once
// The errors of LookupEvents in CloudTrail's words. Every one is HTTP 400 (error_codes.def).
//
// Sources: the codes and when they apply are botocore's cloudtrail 2013-11-01 model and the API
// reference. AWS does not document the messages; the InvalidMaxResultsException and
// InvalidLookupAttributesException key/value messages are those of an AWS-compatible CloudTrail
// (ctyun's error table); the others are iamd's, written to the model's descriptions.

#include <cstdint>
#include <string_view>

#include "core/error.h"

namespace iamd::cloudtrail {

/// More than one LookupAttributes item.
core::Error too_many_lookup_attributes();
/// A missing or unknown AttributeKey.
core::Error invalid_lookup_attribute_key();
/// A missing AttributeValue, one outside 1-2000 characters, or a ReadOnly value other than
/// "true" / "false".
core::Error invalid_lookup_attribute_value();
/// StartTime after EndTime.
core::Error start_after_end();
/// A timestamp iamd cannot represent (before 1684 or after 2255).
core::Error time_out_of_range();
/// MaxResults outside 1-50.
core::Error invalid_max_results(std::int64_t value);
/// A NextToken not issued by LookupEvents, or issued for other parameters or another account.
core::Error invalid_next_token();
/// An EventCategory other than "insight".
core::Error invalid_event_category(std::string_view value);
/// A member of the wrong JSON type (a string or an object where a number belongs, ...). No
/// message, as the JSON protocol answers.
core::Error serialization();

}  // namespace iamd::cloudtrail
