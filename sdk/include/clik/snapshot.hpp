// Persistence format of unsent events: {"clik":1,"events":[<wire event>...]}.
// It is the wire format itself, so restore re-validates every event exactly
// as the server would see it and a snapshot from another version is refused.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include "clik/event.hpp"
#include "clik/function_ref.hpp"

namespace clik {

constexpr int kSnapshotVersion = 1;

void begin_snapshot(std::string& out);
void add_to_snapshot(std::string& out, const Event& e, bool first);
void end_snapshot(std::string& out);

struct DecodeResult {
  bool ok = false;        // top-level structure valid
  int bad_events = 0;     // elements skipped as malformed
};

// Calls `sink` with each well-formed event's fields (strings still unsanitised:
// the caller rebuilds the event through build_event). Never throws.
DecodeResult decode_snapshot(std::string_view text, FunctionRef<void(const EventFields&)> sink);

}  // namespace clik
