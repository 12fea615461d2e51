// The core's unsent events, oldest first: a FIFO on one std::vector plus the
// index of its front. std::deque did the same but its instantiations (block
// map, split buffers, segmented moves) were ~3 KB of the shipped wasm, more
// than the code that uses it; the queue is bounded (maxQueueEvents) and is
// taken from the front a batch at a time, so a vector with a moving head and
// an occasional compaction costs the same here.
#pragma once
#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>
#include "clik/event.hpp"

namespace clik {

class EventQueue {
 public:
  using iterator = std::vector<Event>::iterator;
  using const_iterator = std::vector<Event>::const_iterator;

  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }
  Event& front() { return items_[head_]; }
  const Event& front() const { return items_[head_]; }
  iterator begin() { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  const_iterator end() const { return items_.end(); }

  void push_back(Event&& e) { items_.push_back(std::move(e)); }

  void pop_front() {
    items_[head_] = Event();  // free its strings now, not at the next compaction
    if (++head_ == items_.size()) {
      clear();
    } else if (head_ >= kCompactAfter && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), begin());
      head_ = 0;
    }
  }

  // Puts `events` (oldest first) before the current front, keeping their order.
  void push_front(std::vector<Event>&& events) {
    const std::size_t n = events.size();
    if (n <= head_) {
      std::move(events.begin(), events.end(), items_.begin() + static_cast<std::ptrdiff_t>(head_ - n));
      head_ -= n;
      return;
    }
    events.reserve(n + size());
    events.insert(events.end(), std::make_move_iterator(begin()), std::make_move_iterator(end()));
    assign(std::move(events));
  }

  // Drops every event `pred` holds for; returns how many.
  template <class Pred>
  std::size_t remove_if(Pred pred) {
    const auto first = std::remove_if(begin(), end(), pred);
    const auto n = static_cast<std::size_t>(std::distance(first, end()));
    items_.erase(first, items_.end());
    if (empty()) clear();
    return n;
  }

  void assign(std::vector<Event>&& events) {
    items_ = std::move(events);
    head_ = 0;
  }

  void clear() {
    items_.clear();
    head_ = 0;
  }

 private:
  static constexpr std::size_t kCompactAfter = 32;
  std::vector<Event> items_;  // [head_, size) are queued; [0, head_) are spent slots
  std::size_t head_ = 0;
};

}  // namespace clik
