// Hand-written JSON output for events: the hot path builds no JSON tree.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace clik {

// Appends `s` as a quoted JSON string. `s` must already be valid UTF-8.
void append_json_string(std::string& out, std::string_view s);
// Appends a signed integer in decimal.
void append_json_int(std::string& out, std::int64_t v);

}  // namespace clik
