// One analytics event and its wire form (an element of the array that
// ingest_analytics_batch(events jsonb) takes).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace clik {

enum class EventType { Session, PageView, Click };

std::string_view event_type_name(EventType t);
bool parse_event_type(std::string_view name, EventType& out);

// Field values of an event before serialisation. Empty optional fields are omitted.
struct EventFields {
  EventType type = EventType::Session;
  std::string_view event_id, session_id, user_code, share_code, contact_id;
  std::string_view user_agent, referrer;           // session
  std::string_view page_type;                      // page_view
  std::string_view click_target, click_category;   // click
  std::int64_t timestamp = 0;
};

// An event as it is queued: already serialised, so batches are concatenations
// and a retry resends exactly the same bytes (same eventId and timestamp).
struct Event {
  std::int64_t timestamp = 0;
  std::string id;
  std::string json;
  // When the core first held it (tracked or restored), increasing: what
  // incremental persistence selects by (Core::snapshot_since).
  std::uint64_t seq = 0;
};

// Serialises `f` as {"type":..,"data":{..,"timestamp":ms},"timestamp":ms}.
// Every string is repaired and truncated to max_string_bytes; `truncated`
// is incremented per string that had to be cut.
Event build_event(const EventFields& f, std::size_t max_string_bytes, std::uint64_t& truncated);

}  // namespace clik
