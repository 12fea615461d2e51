#include "clik/event.hpp"

#include <initializer_list>

#include "clik/json_writer.hpp"
#include "clik/utf8.hpp"

namespace clik {

std::string_view event_type_name(EventType t) {
  switch (t) {
    case EventType::Session: return "session";
    case EventType::PageView: return "page_view";
    case EventType::Click: return "click";
  }
  return "session";
}

bool parse_event_type(std::string_view name, EventType& out) {
  if (name == "session") out = EventType::Session;
  else if (name == "page_view") out = EventType::PageView;
  else if (name == "click") out = EventType::Click;
  else return false;
  return true;
}

namespace {

// True when `value` is printable ASCII with nothing JSON must escape: such a
// value is already what append_sanitized + append_json_string would write.
bool plain(std::string_view value) {
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') return false;
  }
  return true;
}

// Writes ,"key":"value" with the value repaired and truncated; omitted when empty.
// `member` is the ,"key": prefix as one literal: one append instead of three per field.
void field(std::string& out, std::string& scratch, std::string_view member, std::string_view value,
           std::size_t max_bytes, std::uint64_t& truncated) {
  if (value.empty()) return;
  out.append(member);
  // The common case, copied once instead of sanitised into scratch and escaped out of it.
  if (value.size() <= max_bytes && plain(value)) {
    out.push_back('"');
    out.append(value);
    out.push_back('"');
    return;
  }
  scratch.clear();
  if (append_sanitized(scratch, value, max_bytes).truncated) ++truncated;
  append_json_string(out, scratch);
}

}  // namespace

Event build_event(const EventFields& f, std::size_t max_string_bytes, std::uint64_t& truncated) {
  Event e;
  e.timestamp = f.timestamp;
  e.id.assign(f.event_id.data(), f.event_id.size());
  std::string& out = e.json;
  // One allocation for the whole event: its keys, punctuation and two timestamps
  // (at most 191 B: a click with every field and 16-digit timestamps; kFrame leaves
  // room for a few escaped characters) plus its values as they usually go out. A fixed
  // guess (256 B) was just short of a click event, so every click was copied once into
  // a block twice its size and kept it while queued.
  constexpr std::size_t kFrame = 224;
  std::size_t room = kFrame + e.id.size();
  for (const std::string_view v : {f.session_id, f.user_code, f.share_code, f.contact_id, f.user_agent,
                                   f.referrer, f.page_type, f.click_target, f.click_category})
    room += v.size() < max_string_bytes ? v.size() : max_string_bytes;
  out.reserve(room);
  std::string scratch;
  out.append("{\"type\":\"");
  out.append(event_type_name(f.type));
  out.append("\",\"data\":{\"eventId\":\"");
  out.append(e.id);  // generated or validated as canonical UUID text: no escaping needed
  out.push_back('"');
  // Generated session ids ("session_<ms>_<9>", 32 bytes) are never cut, even
  // under a small maxStringBytes: a cut id would split the session.
  field(out, scratch, ",\"sessionId\":", f.session_id, max_string_bytes < 64 ? 64 : max_string_bytes, truncated);
  field(out, scratch, ",\"userCode\":", f.user_code, max_string_bytes, truncated);
  field(out, scratch, ",\"shareCode\":", f.share_code, max_string_bytes, truncated);
  field(out, scratch, ",\"contactId\":", f.contact_id, max_string_bytes, truncated);
  switch (f.type) {
    case EventType::Session:
      field(out, scratch, ",\"userAgent\":", f.user_agent, max_string_bytes, truncated);
      field(out, scratch, ",\"referrer\":", f.referrer, max_string_bytes, truncated);
      break;
    case EventType::PageView:
      field(out, scratch, ",\"pageType\":", f.page_type, max_string_bytes, truncated);
      break;
    case EventType::Click:
      field(out, scratch, ",\"clickTarget\":", f.click_target, max_string_bytes, truncated);
      field(out, scratch, ",\"clickCategory\":", f.click_category, max_string_bytes, truncated);
      break;
  }
  out.append(",\"timestamp\":");
  append_json_int(out, f.timestamp);
  out.append("},\"timestamp\":");
  append_json_int(out, f.timestamp);
  out.push_back('}');
  return e;
}

}  // namespace clik
