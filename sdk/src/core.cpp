#include "clik/core.hpp"

#include <algorithm>
#include <cmath>

#include "clik/delivery_outcome.hpp"
#include "clik/json_writer.hpp"
#include "clik/retry_after.hpp"
#include "clik/server_verdict.hpp"
#include "clik/snapshot.hpp"
#include "clik/stable_order.hpp"
#include "clik/utf8.hpp"

namespace clik {
namespace {

constexpr double kMaxTimeMs = 9007199254740991.0;  // 2^53 - 1

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::size_t body_bytes(std::size_t events, std::size_t json_bytes) {
  // "[" + events joined by "," + "]"
  return 2 + json_bytes + (events ? events - 1 : 0);
}

}  // namespace

Core::Core() = default;

int Core::fail(int code, std::string message) {
  last_error_ = std::move(message);
  if (code == kInvalidArgument) ++stats_.invalid_calls;
  return code;
}

int Core::invalid_call(std::string_view message) {
  return fail(kInvalidArgument, std::string(message));
}

int Core::check_time(double now_ms, std::int64_t& out) {
  if (!std::isfinite(now_ms) || now_ms < 0 || now_ms > kMaxTimeMs)
    return fail(kInvalidArgument, "nowMs must be a finite number of ms since the epoch");
  out = static_cast<std::int64_t>(now_ms);
  return 0;
}

std::string Core::configure(std::string_view config_json) {
  auto err = apply_config_json(config_json, cfg_);
  if (!err.empty()) fail(kInvalidArgument, "configure: " + err);
  else enforce_queue_limit();
  return err;
}

void Core::seed(std::string_view hex) {
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  bool valid = hex.size() % 2 == 0;
  for (std::size_t i = 0; valid && i + 1 < hex.size(); i += 2) {
    const int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) valid = false;
    else bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  if (!valid || bytes.size() < 32) {
    // Still mix what we were given (it cannot hurt), but say so.
    rng_.mix(hex);
    fail(kInvalidArgument, "seed: expected a hex string of at least 32 random bytes");
    return;
  }
  rng_.mix(bytes);
}

int Core::set_identity(std::string_view user_code, std::string_view share_code, std::string_view contact_id) {
  const auto max = static_cast<std::size_t>(cfg_.max_string_bytes);
  std::string u, s, c;
  if (append_sanitized(u, user_code, max).truncated) ++stats_.truncated;
  if (append_sanitized(s, share_code, max).truncated) ++stats_.truncated;
  if (append_sanitized(c, contact_id, max).truncated) ++stats_.truncated;
  if (u.find_first_not_of(' ') == std::string::npos || s.find_first_not_of(' ') == std::string::npos)
    return fail(kInvalidArgument, "setIdentity: userCode and shareCode must be non-empty");
  user_code_ = std::move(u);
  share_code_ = std::move(s);
  contact_id_ = std::move(c);
  has_identity_ = true;
  return 0;
}

int Core::check_can_track(double now_ms, std::int64_t& now) {
  if (!enabled_) {
    last_error_ = "tracking is disabled";
    return kDisabled;
  }
  if (int rc = check_time(now_ms, now); rc < 0) return rc;
  if (!has_identity_) {
    last_error_ = "setIdentity() has not been called";
    return kNoIdentity;
  }
  return 0;
}

int Core::track_session(double now_ms, std::string_view user_agent, std::string_view referrer) {
  std::int64_t now;
  if (int rc = check_can_track(now_ms, now); rc < 0) return rc;
  EventFields f;
  f.type = EventType::Session;
  f.user_agent = user_agent;
  f.referrer = referrer;
  return track(f, now);
}

int Core::track_page_view(double now_ms, std::string_view page_type) {
  std::int64_t now;
  if (int rc = check_can_track(now_ms, now); rc < 0) return rc;
  if (page_type.empty()) return fail(kInvalidArgument, "trackPageView: pageType must be non-empty");
  EventFields f;
  f.type = EventType::PageView;
  f.page_type = page_type;
  return track(f, now);
}

int Core::track_click(double now_ms, std::string_view target) {
  std::int64_t now;
  if (int rc = check_can_track(now_ms, now); rc < 0) return rc;
  if (target.empty()) return fail(kInvalidArgument, "trackClick: target must be non-empty");
  // Categorise the repaired text: the same string the server will store.
  std::string clean;
  append_sanitized(clean, target, static_cast<std::size_t>(cfg_.max_string_bytes));
  EventFields f;
  f.type = EventType::Click;
  f.click_target = target;
  f.click_category = clik::click_category(cfg_.click_rules, clean);
  return track(f, now);
}

// What every tracked event shares, filled in once for the three track_* calls: a new
// event id, the session (touched now: it may start a new one), the identity from
// setIdentity and the time. The id is made before the session is touched, as both
// draw from rng_ and the order fixes what a seeded core generates.
int Core::track(EventFields& f, std::int64_t now) {
  const std::string id = uuids_.next(now, rng_);
  f.event_id = id;
  f.session_id = sessions_.touch(user_code_, share_code_, now, cfg_.session_timeout_ms, rng_);
  f.user_code = user_code_;
  f.share_code = share_code_;
  f.contact_id = contact_id_;
  f.timestamp = now;
  return enqueue(build_event(f, static_cast<std::size_t>(cfg_.max_string_bytes), stats_.truncated), now);
}

std::string Core::session_id(double now_ms) {
  std::int64_t now;
  if (check_time(now_ms, now) < 0) return "";
  if (!has_identity_) {
    last_error_ = "setIdentity() has not been called";
    return "";
  }
  return sessions_.touch(user_code_, share_code_, now, cfg_.session_timeout_ms, rng_);
}

std::string Core::click_category(std::string_view target) const {
  std::string clean;
  append_sanitized(clean, target, static_cast<std::size_t>(cfg_.max_string_bytes));
  return std::string(clik::click_category(cfg_.click_rules, clean));
}

int Core::enqueue(Event&& e, std::int64_t now) {
  ++stats_.tracked;
  e.seq = next_seq_++;
  queue_.push_back(std::move(e));
  dirty_ = true;
  enforce_queue_limit();
  return flush_due(now) ? kFlushNow : kQueued;
}

std::size_t Core::held() const {
  std::size_t n = queue_.size() + (normal_ ? normal_->events.size() : 0);
  for (const auto& b : urgent_) n += b.events.size();
  return n;
}

std::size_t Core::in_flight_count() const {
  std::size_t n = normal_ && normal_->in_flight ? normal_->events.size() : 0;
  for (const auto& b : urgent_) n += b.events.size();
  return n;
}

void Core::enforce_queue_limit() {
  // Drop the oldest events that are not in flight (in-flight ones are
  // settled by their result) until the queue fits.
  while (held() > static_cast<std::size_t>(cfg_.max_queue_events)) {
    if (normal_ && !normal_->in_flight && !normal_->events.empty()) {
      normal_->bytes -= normal_->events.front().json.size() + 1;
      normal_->events.erase(normal_->events.begin());
      if (normal_->events.empty()) normal_.reset();
    } else if (!queue_.empty()) {
      queue_.pop_front();
    } else {
      break;
    }
    stats_.drop(DropReason::QueueOverflow);
    dirty_ = true;
  }
}

void Core::expire(std::int64_t now) {
  const auto too_old = [&](const Event& e) { return now - e.timestamp > cfg_.max_event_age_ms; };
  std::size_t n = queue_.remove_if(too_old);
  if (normal_ && !normal_->in_flight) {
    auto& ev = normal_->events;
    const auto b = ev.size();
    ev.erase(std::remove_if(ev.begin(), ev.end(), too_old), ev.end());
    if (ev.size() != b) {
      n += b - ev.size();
      std::size_t json = 0;
      for (const auto& e : ev) json += e.json.size();
      normal_->bytes = body_bytes(ev.size(), json);
      if (ev.empty()) normal_.reset();
    }
  }
  if (n) {
    stats_.drop(DropReason::Expired, n);
    dirty_ = true;
  }
}

std::int64_t Core::deadline(std::int64_t now) const {
  if (!enabled_) return -1;
  std::int64_t d = -1;
  if (normal_) {
    if (!normal_->in_flight) d = normal_->retry_at;
  } else if (!queue_.empty()) {
    d = queue_.size() >= static_cast<std::size_t>(cfg_.max_batch_events)
            ? now
            : queue_.front().timestamp + cfg_.flush_interval_ms;
  }
  return d >= 0 && d < now ? now : d;
}

bool Core::flush_due(std::int64_t now) const {
  const auto d = deadline(now);
  return d >= 0 && d <= now;
}

double Core::next_deadline(double now_ms) const {
  if (!std::isfinite(now_ms) || now_ms < 0 || now_ms > kMaxTimeMs) return -1;
  return static_cast<double>(deadline(static_cast<std::int64_t>(now_ms)));
}

std::uint32_t Core::next_id() {
  const std::uint32_t id = next_request_id_++;
  if (next_request_id_ == 0 || next_request_id_ > 0x7FFFFFFF) next_request_id_ = 1;
  last_request_id_ = id;
  return id;
}

void Core::fill(Batch& b, std::int64_t limit_bytes) {
  std::size_t json = 0;
  for (const auto& e : b.events) json += e.json.size();
  while (!queue_.empty()) {
    const auto& e = queue_.front();
    if (static_cast<std::int64_t>(body_bytes(b.events.size() + 1, json + e.json.size())) > limit_bytes) {
      if (b.events.empty()) {
        // Only possible for events built under a larger maxStringBytes than
        // the current budgets allow: it can never be sent, so count it.
        queue_.pop_front();
        stats_.drop(DropReason::Oversize);
        dirty_ = true;
        continue;
      }
      break;
    }
    json += e.json.size();
    b.events.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  b.bytes = body_bytes(b.events.size(), json);
}

std::string Core::body_of(const Batch& b) const {
  std::string out;
  out.reserve(b.bytes);
  out.push_back('[');
  for (std::size_t i = 0; i < b.events.size(); ++i) {
    if (i) out.push_back(',');
    out.append(b.events[i].json);
  }
  out.push_back(']');
  return out;
}

std::string Core::poll_batch(double now_ms) {
  std::int64_t now;
  if (!enabled_ || check_time(now_ms, now) < 0) return "";
  expire(now);
  if (normal_) {
    if (normal_->in_flight || now < normal_->retry_at) return "";
    normal_->in_flight = true;
    normal_->id = next_id();
    return body_of(*normal_);
  }
  if (!flush_due(now)) return "";
  Batch b;
  fill(b, cfg_.max_batch_bytes - kEnvelopeBytes);
  if (b.events.empty()) return "";
  b.in_flight = true;
  b.id = next_id();
  normal_ = std::move(b);
  return body_of(*normal_);
}

void Core::requeue_front(std::vector<Event>&& events) {
  queue_.push_front(std::move(events));
}

std::string Core::poll_urgent(double now_ms) {
  std::int64_t now;
  if (!enabled_ || check_time(now_ms, now) < 0) return "";
  expire(now);
  // The page is going away: a batch waiting out its backoff goes now, with the rest.
  if (normal_ && !normal_->in_flight) {
    requeue_front(std::move(normal_->events));
    normal_.reset();
  }
  const auto left = cfg_.urgent_total_bytes - static_cast<std::int64_t>(urgent_bytes_in_flight_);
  const auto limit = std::min(cfg_.urgent_request_bytes, left) - kEnvelopeBytes;
  if (queue_.empty() || limit <= 2) return "";
  Batch b;
  // Unlike fill(), an event that does not fit the remaining keepalive budget
  // stays queued for the next page load instead of being dropped.
  std::size_t json = 0;
  while (!queue_.empty() &&
         static_cast<std::int64_t>(body_bytes(b.events.size() + 1, json + queue_.front().json.size())) <= limit) {
    json += queue_.front().json.size();
    b.events.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (b.events.empty()) return "";
  b.bytes = body_bytes(b.events.size(), json);
  b.in_flight = true;
  b.id = next_id();
  urgent_bytes_in_flight_ += b.bytes + kEnvelopeBytes;
  urgent_.push_back(std::move(b));
  return body_of(urgent_.back());
}

void Core::settle_delivered(Batch& b, std::int64_t, std::string_view body) {
  const auto verdict = parse_server_verdict(body, b.events.size());
  std::uint64_t rejected = 0;
  for (std::size_t i = 0; i < b.events.size(); ++i)
    if (verdict.all_rejected || verdict.rejected[i]) ++rejected;
  stats_.drop(DropReason::RejectedByServer, rejected);
  stats_.delivered += b.events.size() - rejected;
}

int Core::on_result(double request_id, double now_ms, double status_d, std::string_view retry_after,
                    std::string_view body) {
  std::int64_t now;
  if (int rc = check_time(now_ms, now); rc < 0) return rc;
  if (!std::isfinite(status_d) || status_d < 0 || status_d > 599 || status_d != std::floor(status_d))
    return fail(kInvalidArgument, "onResult: status must be an HTTP status (100-599) or 0");
  const int status = static_cast<int>(status_d);
  if (!std::isfinite(request_id) || request_id < 1 || request_id > 0x7FFFFFFF || request_id != std::floor(request_id)) {
    last_error_ = "onResult: unknown request id";
    return kUnknownRequest;
  }
  const auto id = static_cast<std::uint32_t>(request_id);
  const auto outcome = classify_status(status);

  if (normal_ && normal_->in_flight && normal_->id == id) {
    Batch& b = *normal_;
    const int n = static_cast<int>(b.events.size());
    switch (outcome) {
      case DeliveryOutcome::Delivered:
        settle_delivered(b, now, body);
        normal_.reset();
        break;
      case DeliveryOutcome::Permanent:
        stats_.drop(DropReason::PermanentFailure, b.events.size());
        normal_.reset();
        break;
      case DeliveryOutcome::Retryable: {
        // A network error says nothing about this batch (offline, captive
        // portal): only HTTP answers use up attempts; age and queue limits
        // still bound how long events wait.
        if (status != 0) ++b.attempts;
        ++b.failures;
        if (b.attempts >= static_cast<std::uint32_t>(cfg_.max_attempts)) {
          stats_.drop(DropReason::RetriesExhausted, b.events.size());
          normal_.reset();
          break;
        }
        std::int64_t delay;
        if (const auto ra = parse_retry_after(retry_after, now)) {
          delay = std::min(*ra, cfg_.retry_after_cap_ms);
        } else {
          // Full jitter: uniform in [0, min(cap, base * 2^attempt)).
          std::int64_t window = cfg_.retry_base_ms;
          for (std::uint32_t k = 1; k < b.failures && window < cfg_.retry_cap_ms; ++k) window *= 2;
          window = std::min(window, cfg_.retry_cap_ms);
          delay = static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(window)));
        }
        b.in_flight = false;
        b.retry_at = now + delay;
        ++stats_.retries;
        dirty_ = true;
        return 0;
      }
    }
    dirty_ = true;
    return n;
  }

  for (auto it = urgent_.begin(); it != urgent_.end(); ++it) {
    if (it->id != id) continue;
    Batch b = std::move(*it);
    urgent_.erase(it);
    urgent_bytes_in_flight_ -= std::min(urgent_bytes_in_flight_, b.bytes + static_cast<std::size_t>(kEnvelopeBytes));
    dirty_ = true;
    switch (outcome) {
      case DeliveryOutcome::Delivered:
        settle_delivered(b, now, body);
        return static_cast<int>(b.events.size());
      case DeliveryOutcome::Permanent:
        stats_.drop(DropReason::PermanentFailure, b.events.size());
        return static_cast<int>(b.events.size());
      case DeliveryOutcome::Retryable:
        // The page survived (or this is a late answer): back to the queue,
        // in order, for the normal path and its backoff.
        ++stats_.retries;
        requeue_front(std::move(b.events));
        return 0;
    }
  }
  last_error_ = "onResult: request id is not in flight";
  return kUnknownRequest;
}

std::string Core::snapshot_since(double mark) {
  // Anything that is not a number of events given out selects everything.
  const std::uint64_t after = mark >= 0 && mark < static_cast<double>(next_seq_) ? static_cast<std::uint64_t>(mark) : 0;
  std::string out;
  begin_snapshot(out);
  bool first = true;
  for_each_held([&](const Event& e) {
    if (e.seq <= after) return;
    add_to_snapshot(out, e, first);
    first = false;
  });
  end_snapshot(out);
  dirty_ = false;
  return out;
}

double Core::held_floor() const {
  std::uint64_t floor = next_seq_;
  for_each_held([&](const Event& e) { floor = std::min(floor, e.seq); });
  return static_cast<double>(floor);
}

int Core::restore(std::string_view text, double now_ms) {
  std::int64_t now;
  if (int rc = check_time(now_ms, now); rc < 0) return rc;
  if (text.empty()) return 0;  // nothing was persisted
  if (!enabled_) {
    last_error_ = "tracking is disabled";
    return kDisabled;
  }
  if (text.size() > kMaxRestoreBytes) {
    ++stats_.restore_errors;
    last_error_ = "restore: snapshot larger than 8 MiB";
    return kCorruptInput;
  }
  std::vector<Event> decoded;
  std::vector<std::uint8_t> truncated;  // per decoded event: counted only if it is kept
  std::uint64_t expired = 0;
  const auto r = decode_snapshot(text, [&](const EventFields& f) {
    if (now - f.timestamp > cfg_.max_event_age_ms) { ++expired; return; }
    std::uint64_t cut = 0;
    decoded.push_back(build_event(f, static_cast<std::size_t>(cfg_.max_string_bytes), cut));
    truncated.push_back(static_cast<std::uint8_t>(cut));
  });
  if (!r.ok) {
    ++stats_.restore_errors;
    last_error_ = "restore: not a clik snapshot (corrupt, foreign or another version)";
    return kCorruptInput;
  }
  stats_.restore_errors += static_cast<std::uint64_t>(r.bad_events);
  if (r.bad_events) {
    last_error_ = "restore: skipped ";
    append_json_int(last_error_, r.bad_events);
    last_error_ += " malformed events";
  }
  stats_.drop(DropReason::Expired, expired);
  // An event already queued or in flight, or seen earlier in the snapshot,
  // is a duplicate: the first copy stays.
  std::vector<std::string_view> known;
  for_each_held([&](const Event& e) { known.push_back(e.id); });
  const auto known_by_id = stable_order(known.size(), [&](std::uint32_t a, std::uint32_t b) { return known[a] < known[b]; });
  const auto decoded_by_id = stable_order(decoded.size(), [&](std::uint32_t a, std::uint32_t b) { return decoded[a].id < decoded[b].id; });
  std::vector<std::uint8_t> keep(decoded.size(), 0);  // not vector<bool>: its bit code is 0.5 KB of wasm
  for (std::size_t i = 0, k = 0; i < decoded_by_id.size(); ++i) {
    const std::string& id = decoded[decoded_by_id[i]].id;
    if (i > 0 && decoded[decoded_by_id[i - 1]].id == id) continue;
    while (k < known_by_id.size() && known[known_by_id[k]] < id) ++k;
    if (k < known_by_id.size() && known[known_by_id[k]] == id) continue;
    keep[decoded_by_id[i]] = 1;
  }
  // Restored events are usually older than anything tracked on this page:
  // merge by timestamp so the queue stays oldest-first.
  std::vector<Event> loaded;
  for (const std::uint32_t i : stable_order(decoded.size(), [&](std::uint32_t a, std::uint32_t b) {
         return decoded[a].timestamp < decoded[b].timestamp;
       })) {
    if (!keep[i]) continue;
    stats_.truncated += truncated[i];
    loaded.push_back(std::move(decoded[i]));
  }
  // New to this core: persisted again by it (snapshot_since) under its own key.
  for (auto& e : loaded) e.seq = next_seq_++;
  std::vector<Event> merged;
  merged.reserve(loaded.size() + queue_.size());
  auto a = loaded.begin();
  auto b = queue_.begin();
  while (a != loaded.end() || b != queue_.end()) {
    if (b == queue_.end() || (a != loaded.end() && a->timestamp <= b->timestamp)) merged.push_back(std::move(*a++));
    else merged.push_back(std::move(*b++));
  }
  queue_.assign(std::move(merged));
  if (!loaded.empty() || expired) dirty_ = true;
  enforce_queue_limit();
  return static_cast<int>(loaded.size());
}

int Core::restore_session(std::string_view state) {
  if (state.empty()) return 0;
  int bad = 0;
  const int n = state.size() > kMaxRestoreBytes ? -1 : sessions_.merge(state, bad);
  if (n < 0) {
    ++stats_.restore_errors;
    last_error_ = "restoreSession: not clik session state";
    return kCorruptInput;
  }
  stats_.restore_errors += static_cast<std::uint64_t>(bad);
  return n;
}

void Core::set_enabled(bool enabled) {
  if (!enabled) {
    const auto n = held();
    if (n) {
      stats_.drop(DropReason::OptOut, n);
      dirty_ = true;
    }
    queue_.clear();
    normal_.reset();
    urgent_.clear();
    urgent_bytes_in_flight_ = 0;
  }
  enabled_ = enabled;
}

std::string Core::stats() const {
  const auto in_flight = in_flight_count();
  return stats_.to_json(held() - in_flight, in_flight);
}

}  // namespace clik
