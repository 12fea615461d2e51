// Retry-After header parsing (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace clik {

// Delay in ms from now_ms, or nullopt when the value is absent or malformed.
// A date in the past yields 0.
std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_ms);

// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 or asctime date to Unix ms.
std::optional<std::int64_t> parse_http_date(std::string_view value);

}  // namespace clik
