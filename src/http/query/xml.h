#pragma once
// AWS Query protocol, response side: api::Output / core::Error -> the XML body AWS sends.
//
// Bodies are compact (no whitespace between elements) and have no XML declaration, like IAM's and
// STS's own responses; botocore's QueryParser finds elements by name, so neither matters to it.
//
// Text that XML 1.0 cannot carry is replaced, never passed through: C0 controls other than tab,
// LF and CR, U+FFFE/U+FFFF and bytes that are not UTF-8 become U+FFFD (XML 1.0 forbids them even
// as character references, e.g. "&#x1;", and expat -- botocore's parser -- rejects the document).
// CR is written as "&#xD;" because a parser would otherwise normalise it to LF.

#include <string>
#include <string_view>

#include "api/operation.h"
#include "api/params.h"
#include "core/error.h"

namespace iamd::http::query {

/// <ActionResponse xmlns="NS"><ActionResult>members</ActionResult>
/// <ResponseMetadata><RequestId>ID</RequestId></ResponseMetadata></ActionResponse>
/// The Result element is absent when out.has_result is false and is "<ActionResult/>" when it
/// has no members (botocore needs it for UpdateRole). Lists are <Name><member>..</member></Name>,
/// maps <Name><entry><key>k</key><value>v</value></entry></Name>, an empty list or struct <Name/>.
/// `action` and the OutNode names must be XML names (operation and model member names are).
std::string encode_response(const api::ServiceInfo& service, std::string_view action,
                            const api::Output& out, std::string_view request_id);

/// <ErrorResponse xmlns="NS"><Error><Type>Sender|Receiver</Type><Code>CODE</Code>
/// <Message>MSG</Message></Error><RequestId>ID</RequestId></ErrorResponse>
/// Type and Code come from the core error table.
std::string encode_error(std::string_view xml_namespace, const core::Error& e,
                         std::string_view request_id);

/// Appends `text` as XML character data (or, with `attribute`, as a double-quoted attribute
/// value), escaping & < > " ' and replacing what XML 1.0 cannot carry (see above).
void append_xml_text(std::string& out, std::string_view text, bool attribute = false);

}  // namespace iamd::http::query
