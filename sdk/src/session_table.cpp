#include "clik/session_table.hpp"

#include "clik/json_reader.hpp"
#include "clik/json_writer.hpp"
#include "clik/utf8.hpp"

namespace clik {
namespace {

constexpr std::size_t kMaxFieldBytes = 512;

std::string new_session_id(std::int64_t now_ms, Random& rng) {
  static const char kBase36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string id = "session_";
  append_json_int(id, now_ms);
  id.push_back('_');
  for (int i = 0; i < 9; ++i) id.push_back(kBase36[rng.below(36)]);
  return id;
}

}  // namespace

SessionTable::Entry* SessionTable::find(std::string_view user_code, std::string_view share_code) {
  for (auto& e : entries_)
    if (e.user_code == user_code && e.share_code == share_code) return &e;
  return nullptr;
}

SessionTable::Entry& SessionTable::insert(Entry e) {
  if (entries_.size() >= kMaxEntries) {  // forget the least recently seen card
    std::size_t oldest = 0;
    for (std::size_t i = 1; i < entries_.size(); ++i)
      if (entries_[i].last_seen < entries_[oldest].last_seen) oldest = i;
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(oldest));
  }
  entries_.push_back(std::move(e));
  return entries_.back();
}

const std::string& SessionTable::touch(std::string_view user_code, std::string_view share_code,
                                       std::int64_t now_ms, std::int64_t timeout_ms, Random& rng) {
  Entry* e = find(user_code, share_code);
  if (e && now_ms - e->last_seen < timeout_ms) {
    if (now_ms > e->last_seen) e->last_seen = now_ms;
    return e->session_id;
  }
  if (!e) e = &insert(Entry{std::string(user_code), std::string(share_code), {}, 0});
  e->session_id = new_session_id(now_ms, rng);
  e->last_seen = now_ms;
  ++revision_;
  return e->session_id;
}

std::string SessionTable::serialize() const {
  std::string out = "{\"clikSessions\":1,\"s\":[";
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto& e = entries_[i];
    if (i) out.push_back(',');
    out.push_back('[');
    append_json_string(out, e.user_code);
    out.push_back(',');
    append_json_string(out, e.share_code);
    out.push_back(',');
    append_json_string(out, e.session_id);
    out.push_back(',');
    append_json_int(out, e.last_seen);
    out.push_back(']');
  }
  out += "]}";
  return out;
}

int SessionTable::merge(std::string_view state, int& bad_entries) {
  bad_entries = 0;
  const JsonDocument doc(state);
  const JsonValue j = doc.root();
  if (!j.is_object()) return -1;
  const JsonValue list = j.find("s");
  if (!j.find("clikSessions").number_equals(1) || !list.is_array()) return -1;
  int loaded = 0;
  for (const JsonValue item : list) {
    JsonValue parts[4] = {item, item, item, item};
    if (item.is_array() && item.size() == 4) {
      int k = 0;
      for (const JsonValue part : item) parts[k++] = part;
    }
    // A last-seen beyond int64 (BigUnsigned) reads as negative, as it did under nlohmann.
    if (!item.is_array() || item.size() != 4 || !parts[0].is_string() || !parts[1].is_string() ||
        !parts[2].is_string() || !parts[3].is_integer_syntax()) {
      ++bad_entries;
      continue;
    }
    std::string fields[3];
    bool ok = true;
    for (int k = 0; k < 3; ++k) {
      const std::string_view s = parts[k].string();
      if (s.empty() || s.size() > kMaxFieldBytes || !is_valid_utf8(s)) ok = false;
      else fields[k] = std::string(s);
    }
    const std::int64_t last_seen = parts[3].kind() == JsonKind::Integer ? parts[3].integer() : -1;
    if (!ok || last_seen < 0) {
      ++bad_entries;
      continue;
    }
    Entry* e = find(fields[0], fields[1]);
    if (e && e->last_seen >= last_seen) continue;
    if (!e) e = &insert(Entry{fields[0], fields[1], {}, 0});
    if (e->session_id != fields[2]) ++revision_;
    e->session_id = std::move(fields[2]);
    e->last_seen = last_seen;
    ++loaded;
  }
  return loaded;
}

}  // namespace clik
