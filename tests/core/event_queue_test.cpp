#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "clik/event_queue.hpp"

using clik::Event;
using clik::EventQueue;

namespace {
Event ev(int i) {
  Event e;
  e.timestamp = i;
  e.id = "id" + std::to_string(i);
  e.json = "{\"n\":" + std::to_string(i) + "}";
  return e;
}
std::vector<std::int64_t> order(const EventQueue& q) {
  std::vector<std::int64_t> out;
  for (const auto& e : q) out.push_back(e.timestamp);
  return out;
}
std::vector<Event> evs(int from, int to) {
  std::vector<Event> out;
  for (int i = from; i < to; ++i) out.push_back(ev(i));
  return out;
}
}  // namespace

TEST_CASE("first in, first out across many compactions", "[event_queue]") {
  EventQueue q;
  int next_in = 0, next_out = 0;
  // Interleave pushes and pops so the head passes the compaction point many times.
  for (int round = 0; round < 200; ++round) {
    for (int k = 0; k < 7; ++k) q.push_back(ev(next_in++));
    for (int k = 0; k < 5; ++k) {
      REQUIRE(q.front().timestamp == next_out);
      REQUIRE(q.front().id == "id" + std::to_string(next_out));
      q.pop_front();
      ++next_out;
    }
    REQUIRE(q.size() == static_cast<std::size_t>(next_in - next_out));
  }
  while (!q.empty()) {
    REQUIRE(q.front().timestamp == next_out++);
    q.pop_front();
  }
  CHECK(next_out == next_in);
  CHECK(q.size() == 0);
}

TEST_CASE("push_front puts events back before the front, in their order", "[event_queue]") {
  SECTION("into the spent slots at the head") {
    EventQueue q;
    for (auto& e : evs(0, 10)) q.push_back(std::move(e));
    for (int i = 0; i < 4; ++i) q.pop_front();  // 4..9 left, 4 spent slots
    q.push_front(evs(100, 103));
    CHECK(order(q) == std::vector<std::int64_t>{100, 101, 102, 4, 5, 6, 7, 8, 9});
    CHECK(q.front().json == "{\"n\":100}");
  }
  SECTION("more events than spent slots") {
    EventQueue q;
    for (auto& e : evs(0, 5)) q.push_back(std::move(e));
    q.pop_front();  // 1..4 left, 1 spent slot
    q.push_front(evs(100, 103));
    CHECK(order(q) == std::vector<std::int64_t>{100, 101, 102, 1, 2, 3, 4});
  }
  SECTION("into an empty queue, then drained") {
    EventQueue q;
    q.push_front(evs(0, 3));
    CHECK(order(q) == std::vector<std::int64_t>{0, 1, 2});
    for (int i = 0; i < 3; ++i) q.pop_front();
    CHECK(q.empty());
    q.push_back(ev(9));
    CHECK(order(q) == std::vector<std::int64_t>{9});
  }
}

TEST_CASE("remove_if drops only matching queued events and counts them", "[event_queue]") {
  EventQueue q;
  for (auto& e : evs(0, 10)) q.push_back(std::move(e));
  q.pop_front();
  q.pop_front();  // 2..9
  CHECK(q.remove_if([](const Event& e) { return e.timestamp % 3 == 0; }) == 3);  // 3, 6, 9
  CHECK(order(q) == std::vector<std::int64_t>{2, 4, 5, 7, 8});
  CHECK(q.remove_if([](const Event&) { return true; }) == 5);
  CHECK(q.empty());
}
