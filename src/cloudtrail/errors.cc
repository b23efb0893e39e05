#include "cloudtrail/errors.h"

#include <string>

namespace iamd::cloudtrail {

using core::Error;
using core::ErrorCode;

Error too_many_lookup_attributes() {
  return Error{ErrorCode::InvalidLookupAttributesException,
               "The list of lookup attributes can contain only one item."};
}

Error invalid_lookup_attribute_key() {
  return Error{ErrorCode::InvalidLookupAttributesException, "Lookup attribute key is not valid."};
}

Error invalid_lookup_attribute_value() {
  return Error{ErrorCode::InvalidLookupAttributesException,
               "Lookup attribute value is not valid."};
}

Error start_after_end() {
  return Error{ErrorCode::InvalidTimeRangeException,
               "The start time must not be after the end time."};
}

Error time_out_of_range() {
  return Error{ErrorCode::InvalidTimeRangeException,
               "The time range is outside the range of possible values."};
}

Error invalid_max_results(std::int64_t value) {
  return Error{ErrorCode::InvalidMaxResultsException,
               "A max results value of " + std::to_string(value) +
                   " is invalid. Specify max results between 1 and 50."};
}

Error invalid_next_token() {
  return Error{ErrorCode::InvalidNextTokenException,
               "The NextToken is not valid, or was issued for a request with different "
               "parameters."};
}

Error invalid_event_category(std::string_view value) {
  return Error{ErrorCode::InvalidEventCategoryException,
               "Event category " + std::string(value) +
                   " is not valid. The valid value is insight."};
}

Error serialization() { return Error{ErrorCode::SerializationException, ""}; }

}  // namespace iamd::cloudtrail
