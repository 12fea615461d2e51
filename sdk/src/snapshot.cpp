#include "clik/snapshot.hpp"

#include "clik/json_reader.hpp"
#include "clik/uuid_v7.hpp"

namespace clik {

void begin_snapshot(std::string& out) { out.append("{\"clik\":1,\"events\":["); }

void add_to_snapshot(std::string& out, const Event& e, bool first) {
  if (!first) out.push_back(',');
  out.append(e.json);
}

void end_snapshot(std::string& out) { out.append("]}"); }

namespace {

constexpr std::int64_t kMaxTimestamp = 9007199254740991LL;  // 2^53 - 1: exact in a JS number

// Reads an optional string field; false when present but not a string.
bool opt_string(const JsonValue& data, const char* key, std::string_view& out) {
  const JsonValue v = data.find(key);
  if (!v.exists()) return true;
  if (!v.is_string()) return false;
  out = v.string();
  return true;
}

bool decode_event(const JsonValue& item, EventFields& f) {
  if (!item.is_object()) return false;
  const JsonValue type = item.find("type");
  const JsonValue data = item.find("data");
  if (!type.is_string() || !data.is_object()) return false;
  if (!parse_event_type(type.string(), f.type)) return false;
  // Beyond int64 (BigUnsigned) is beyond kMaxTimestamp as well.
  const JsonValue ts = data.find("timestamp");
  if (ts.kind() != JsonKind::Integer) return false;
  const std::int64_t t = ts.integer();
  if (t < 0 || t > kMaxTimestamp) return false;
  f.timestamp = t;
  if (!opt_string(data, "eventId", f.event_id) || !is_uuid_text(f.event_id)) return false;
  if (!opt_string(data, "sessionId", f.session_id) || !opt_string(data, "userCode", f.user_code) ||
      !opt_string(data, "shareCode", f.share_code) || !opt_string(data, "contactId", f.contact_id) ||
      !opt_string(data, "userAgent", f.user_agent) || !opt_string(data, "referrer", f.referrer) ||
      !opt_string(data, "pageType", f.page_type) || !opt_string(data, "clickTarget", f.click_target) ||
      !opt_string(data, "clickCategory", f.click_category))
    return false;
  if (f.session_id.empty() || f.user_code.empty() || f.share_code.empty()) return false;
  if (f.type == EventType::PageView && f.page_type.empty()) return false;
  if (f.type == EventType::Click && (f.click_target.empty() || f.click_category.empty())) return false;
  return true;
}

}  // namespace

DecodeResult decode_snapshot(std::string_view text, FunctionRef<void(const EventFields&)> sink) {
  DecodeResult r;
  const JsonDocument doc(text);
  const JsonValue j = doc.root();
  if (!j.is_object()) return r;
  const JsonValue events = j.find("events");
  if (!j.find("clik").number_equals(kSnapshotVersion) || !events.is_array()) return r;
  r.ok = true;
  for (const JsonValue item : events) {
    EventFields f;
    if (decode_event(item, f)) sink(f);
    else ++r.bad_events;
  }
  return r;
}

}  // namespace clik
