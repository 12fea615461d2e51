// The sans-I/O batching core: every decision of a browser analytics batcher,
// driven by the caller's clock (now_ms) and entropy (seed). No I/O, no
// exceptions; errors are negative status codes plus last_error().
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "clik/config.hpp"
#include "clik/event.hpp"
#include "clik/event_queue.hpp"
#include "clik/random.hpp"
#include "clik/session_table.hpp"
#include "clik/stats.hpp"
#include "clik/uuid_v7.hpp"

namespace clik {

enum TrackStatus : int { kQueued = 0, kFlushNow = 1 };

enum CoreError : int {
  kInvalidArgument = -1,
  kNoIdentity = -2,
  kDisabled = -3,
  kCorruptInput = -4,
  kUnknownRequest = -5,
};

class Core {
 public:
  Core();

  std::string configure(std::string_view config_json);
  void seed(std::string_view hex);
  int set_identity(std::string_view user_code, std::string_view share_code, std::string_view contact_id);

  int track_session(double now_ms, std::string_view user_agent, std::string_view referrer);
  int track_page_view(double now_ms, std::string_view page_type);
  int track_click(double now_ms, std::string_view target);

  std::string session_id(double now_ms);
  std::string click_category(std::string_view target) const;

  double next_deadline(double now_ms) const;
  std::string poll_batch(double now_ms);
  std::string poll_urgent(double now_ms);
  std::uint32_t request_id() const { return last_request_id_; }
  int on_result(double request_id, double now_ms, double status, std::string_view retry_after,
                std::string_view body);
  std::int64_t request_timeout_ms() const { return cfg_.request_timeout_ms; }

  std::string snapshot() { return snapshot_since(0); }
  bool dirty() const { return dirty_; }
  // The caller's storage is up to date without a new snapshot (events only
  // left the core since the last one): clears dirty().
  void mark_persisted() { dirty_ = false; }
  // Incremental persistence, so the shim writes what is new instead of the
  // whole queue after every change: every held event has a sequence number
  // (Event::seq). persist_mark() is the newest ever given; snapshot_since(m)
  // is the snapshot of the held events with seq > m (0: all of them) and
  // clears dirty(); held_floor() is the smallest seq still held
  // (persist_mark() + 1 when nothing is), so a persisted chunk of events that
  // all have seq < held_floor() holds nothing the core still needs.
  double persist_mark() const { return static_cast<double>(next_seq_ - 1); }
  std::string snapshot_since(double mark);
  double held_floor() const;
  int restore(std::string_view snapshot, double now_ms);
  std::string session_state() const { return sessions_.serialize(); }
  // Changes when a session id is created, renewed or restored (not when a session
  // is only seen again): the shim writes session_state() at once then, else lazily.
  std::uint32_t session_revision() const { return sessions_.revision(); }
  int restore_session(std::string_view state);

  void set_enabled(bool enabled);
  std::string stats() const;
  const std::string& last_error() const { return last_error_; }

  // Records a call the bindings rejected before it reached the core (wrong JS types).
  int invalid_call(std::string_view message);

  // Largest snapshot / session state restore() accepts.
  static constexpr std::size_t kMaxRestoreBytes = 8u << 20;

 private:
  struct Batch {
    std::uint32_t id = 0;
    std::vector<Event> events;
    std::size_t bytes = 0;
    std::uint32_t attempts = 0;  // HTTP-level retryable failures so far (bounded by maxAttempts)
    std::uint32_t failures = 0;  // all retryable failures, network errors included (drive the backoff)
    bool in_flight = false;
    std::int64_t retry_at = 0;
  };

  // Every held event, in snapshot order: the normal batch, the urgent
  // batches, then the queue.
  template <class F>
  void for_each_held(F&& f) const {
    if (normal_)
      for (const auto& e : normal_->events) f(e);
    for (const auto& b : urgent_)
      for (const auto& e : b.events) f(e);
    for (const auto& e : queue_) f(e);
  }

  int fail(int code, std::string message);
  int check_time(double now_ms, std::int64_t& out);
  int check_can_track(double now_ms, std::int64_t& now);
  int track(EventFields& f, std::int64_t now);
  int enqueue(Event&& e, std::int64_t now);
  void enforce_queue_limit();
  void expire(std::int64_t now);
  bool flush_due(std::int64_t now) const;
  std::int64_t deadline(std::int64_t now) const;
  // Moves events from the queue front into `b` while the body stays within limit_bytes.
  void fill(Batch& b, std::int64_t limit_bytes);
  std::string body_of(const Batch& b) const;
  void requeue_front(std::vector<Event>&& events);
  void settle_delivered(Batch& b, std::int64_t now, std::string_view body);
  std::uint32_t next_id();
  std::size_t held() const;
  std::size_t in_flight_count() const;

  Config cfg_;
  Random rng_;
  UuidV7Generator uuids_;
  SessionTable sessions_;
  Stats stats_;

  bool enabled_ = true;
  bool has_identity_ = false;
  std::string user_code_, share_code_, contact_id_;

  EventQueue queue_;                 // unsent, oldest first
  std::optional<Batch> normal_;      // the one normal batch: in flight or waiting to retry
  std::vector<Batch> urgent_;        // keepalive batches handed over at page hide
  std::size_t urgent_bytes_in_flight_ = 0;

  std::uint32_t next_request_id_ = 1;
  std::uint32_t last_request_id_ = 0;
  bool dirty_ = false;
  std::uint64_t next_seq_ = 1;  // Event::seq of the next event held (2^53 is far: a JS number)
  std::string last_error_;
};

}  // namespace clik
