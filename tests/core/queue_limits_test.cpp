#include <catch2/catch.hpp>

#include "support.hpp"

using namespace clik::test;

TEST_CASE("a full queue drops the oldest events and counts them", "[queue]") {
  auto c = make_core(R"({"maxQueueEvents":5,"maxBatchEvents":100})");
  for (int i = 0; i < 8; ++i) c.track_click(kT0 + i, "t" + std::to_string(i));
  const auto s = stats(c);
  CHECK(s["queued"] == 5);
  CHECK(s["dropped"]["queue_overflow"] == 3);
  const auto body = parse(c.poll_batch(kT0 + 20000));
  REQUIRE(body.size() == 5);
  CHECK(body[0]["data"]["clickTarget"] == "t3");
  CHECK(body[4]["data"]["clickTarget"] == "t7");
}

TEST_CASE("the default queue bound is 1000", "[queue]") {
  auto c = make_core(R"({"maxBatchEvents":1000})");
  for (int i = 0; i < 1100; ++i) c.track_page_view(kT0 + i, "home");
  CHECK(stats(c)["queued"] == 1000);
  CHECK(stats(c)["dropped"]["queue_overflow"] == 100);
}

TEST_CASE("in-flight events are not dropped by overflow; waiting retries are", "[queue]") {
  auto c = make_core(R"({"maxQueueEvents":4,"maxBatchEvents":100})");
  c.track_click(kT0, "a");
  c.track_click(kT0, "b");
  REQUIRE(c.poll_batch(kT0 + 10000) != "");
  const auto id = c.request_id();
  for (int i = 0; i < 4; ++i) c.track_click(kT0 + 10001 + i, "n" + std::to_string(i));
  CHECK(stats(c)["inFlight"] == 2);
  CHECK(stats(c)["queued"] == 2);
  CHECK(stats(c)["dropped"]["queue_overflow"] == 2);
  c.on_result(id, kT0 + 10010, 503, "60", "");  // now a waiting retry: oldest, droppable
  c.track_click(kT0 + 10020, "z");
  CHECK(stats(c)["dropped"]["queue_overflow"] == 3);
  const auto body = parse(c.poll_batch(kT0 + 70010));
  REQUIRE(body.size() == 1);
  CHECK(body[0]["data"]["clickTarget"] == "b");
}

TEST_CASE("events older than maxEventAgeMs are dropped as expired", "[queue]") {
  auto c = make_core(R"({"maxEventAgeMs":60000})");
  c.track_click(kT0, "old");
  c.track_click(kT0 + 50000, "new");
  const auto body = parse(c.poll_batch(kT0 + 61000));
  REQUIRE(body.size() == 1);
  CHECK(body[0]["data"]["clickTarget"] == "new");
  CHECK(stats(c)["dropped"]["expired"] == 1);
}

TEST_CASE("opting out drops everything, counted, and refuses new events", "[queue]") {
  auto c = make_core();
  c.track_click(kT0, "a");
  c.track_click(kT0, "b");
  c.poll_batch(kT0 + 10000);
  const auto id = c.request_id();
  c.track_click(kT0 + 10001, "c");
  c.set_enabled(false);
  CHECK(stats(c)["dropped"]["opt_out"] == 3);
  CHECK(c.track_click(kT0 + 10002, "d") == clik::kDisabled);
  CHECK(c.poll_batch(kT0 + 30000) == "");
  CHECK(c.next_deadline(kT0 + 30000) == -1);
  CHECK(c.on_result(id, kT0 + 10003, 200, "", "") == clik::kUnknownRequest);
  c.set_enabled(true);
  CHECK(c.track_click(kT0 + 10004, "e") == clik::kQueued);
}

TEST_CASE("tracking needs an identity and a valid clock", "[queue]") {
  clik::Core c;
  c.seed(kSeedHex);
  CHECK(c.track_click(kT0, "contact.phone") == clik::kNoIdentity);
  CHECK(c.set_identity("", "public", "") == clik::kInvalidArgument);
  CHECK(c.set_identity("myclik", "", "") == clik::kInvalidArgument);
  CHECK(c.track_page_view(kT0, "home") == clik::kNoIdentity);
  REQUIRE(c.set_identity("myclik", "public", "c-1") == 0);
  CHECK(c.track_click(std::nan(""), "x") == clik::kInvalidArgument);
  CHECK(c.track_click(-1, "x") == clik::kInvalidArgument);
  CHECK(c.track_click(1e300, "x") == clik::kInvalidArgument);
  CHECK(c.track_click(kT0, "") == clik::kInvalidArgument);
  CHECK(c.track_page_view(kT0, "") == clik::kInvalidArgument);
  CHECK_FALSE(c.last_error().empty());
  const auto s = stats(c);
  CHECK(s["tracked"] == 0);
  CHECK(s["queued"] == 0);
  CHECK(s["invalidCalls"] == 7);
}

TEST_CASE("bad calls leave the queue intact", "[queue]") {
  auto c = make_core();
  c.track_click(kT0, "contact.phone");
  const auto before = c.snapshot();
  c.track_click(std::nan(""), "x");
  c.track_click(kT0, "");
  c.restore("garbage", kT0);
  c.configure("{\"maxQueueEvents\":0}");
  c.on_result(99, kT0, 200, "", "");
  CHECK(c.snapshot() == before);
}
