#include <catch2/catch.hpp>

#include "support.hpp"

using namespace clik::test;

TEST_CASE("the 20th queued event triggers a flush", "[flush]") {
  auto c = make_core();
  for (int i = 1; i < 20; ++i) {
    REQUIRE(c.track_click(kT0 + i, "contact.phone") == clik::kQueued);
    REQUIRE(c.poll_batch(kT0 + i) == "");
  }
  CHECK(c.next_deadline(kT0 + 19) == kT0 + 1 + 10000);
  REQUIRE(c.track_click(kT0 + 20, "contact.phone") == clik::kFlushNow);
  CHECK(c.next_deadline(kT0 + 20) == kT0 + 20);
  const auto body = parse(c.poll_batch(kT0 + 20));
  CHECK(body.size() == 20);
  CHECK(c.request_id() > 0);
}

TEST_CASE("maxBatchEvents is configurable", "[flush]") {
  auto c = make_core(R"({"maxBatchEvents":3})");
  CHECK(c.track_click(kT0, "a") == clik::kQueued);
  CHECK(c.track_click(kT0, "b") == clik::kQueued);
  CHECK(c.track_click(kT0, "c") == clik::kFlushNow);
  CHECK(parse(c.poll_batch(kT0)).size() == 3);
}

TEST_CASE("10 s after the oldest unsent event the queue flushes", "[flush]") {
  auto c = make_core();
  REQUIRE(c.track_page_view(kT0, "home") == clik::kQueued);
  REQUIRE(c.track_click(kT0 + 4000, "contact.phone") == clik::kQueued);
  CHECK(c.next_deadline(kT0 + 4000) == kT0 + 10000);
  CHECK(c.poll_batch(kT0 + 9999) == "");
  const auto body = parse(c.poll_batch(kT0 + 10000));
  CHECK(body.size() == 2);
  CHECK(c.next_deadline(kT0 + 10000) == -1);  // in flight, nothing else pending
}

TEST_CASE("flushIntervalMs is configurable", "[flush]") {
  auto c = make_core(R"({"flushIntervalMs":2500})");
  c.track_click(kT0, "x");
  CHECK(c.next_deadline(kT0) == kT0 + 2500);
  CHECK(c.poll_batch(kT0 + 2499) == "");
  CHECK(parse(c.poll_batch(kT0 + 2500)).size() == 1);
}

TEST_CASE("nothing pending means no deadline", "[flush]") {
  auto c = make_core();
  CHECK(c.next_deadline(kT0) == -1);
  CHECK(c.poll_batch(kT0 + 1e6) == "");
}

TEST_CASE("at most one normal batch is in flight", "[flush]") {
  auto c = make_core(R"({"maxBatchEvents":2})");
  c.track_click(kT0, "a");
  c.track_click(kT0, "b");
  REQUIRE(c.poll_batch(kT0) != "");
  const auto first = c.request_id();
  c.track_click(kT0, "c");
  CHECK(c.track_click(kT0, "d") == clik::kQueued);  // due, but a batch is in flight
  CHECK(c.poll_batch(kT0) == "");
  REQUIRE(c.on_result(first, kT0 + 50, 200, "", "") == 2);
  CHECK(c.next_deadline(kT0 + 50) == kT0 + 50);
  CHECK(parse(c.poll_batch(kT0 + 50)).size() == 2);
}

TEST_CASE("a queue larger than the byte budget leaves as several batches", "[flush][bytes]") {
  auto c = make_core(R"({"maxBatchBytes":4096,"maxBatchEvents":1000,"maxStringBytes":128})");
  const std::string target = "portfolio." + std::string(100, 'x');
  for (int i = 0; i < 200; ++i) c.track_click(kT0 + i, target);
  std::size_t total = 0, batches = 0;
  double now = kT0 + 20000;
  for (;;) {
    const auto body = c.poll_batch(now);
    if (body.empty()) break;
    ++batches;
    CHECK(body.size() + clik::kEnvelopeBytes <= 4096);  // room for the shim's {"events":...}
    const auto events = parse(body);
    total += events.size();
    REQUIRE(c.on_result(c.request_id(), now, 200, "", "") == static_cast<int>(events.size()));
    now += 10;
  }
  CHECK(total == 200);
  CHECK(batches > 1);
  CHECK(stats(c)["delivered"] == 200);
}

TEST_CASE("the default 48 KB budget holds for a full default queue", "[flush][bytes]") {
  auto c = make_core(R"({"maxBatchEvents":1000})");
  const std::string ua(600, 'u');  // truncated to 512
  for (int i = 0; i < 1000; ++i) c.track_session(kT0 + i, ua, "https://example.com/" + std::string(400, 'r'));
  double now = kT0 + 20000;
  std::size_t total = 0;
  for (std::string body; !(body = c.poll_batch(now)).empty(); now += 1) {
    CHECK(body.size() + clik::kEnvelopeBytes <= 48 * 1024);
    total += parse(body).size();
    c.on_result(c.request_id(), now, 200, "", "");
  }
  CHECK(total == 1000);
}

TEST_CASE("urgent flush: each body <= 16 KB, all bodies within the keepalive budget", "[flush][urgent]") {
  auto c = make_core(R"({"maxBatchEvents":1000})");
  const std::string target = "contact." + std::string(500, 'p');
  for (int i = 0; i < 400; ++i) c.track_click(kT0 + i, target);  // ~250 KB, far over 64 KB
  std::size_t total_bytes = 0, handed = 0;
  int requests = 0;
  for (std::string body; !(body = c.poll_urgent(kT0 + 500)).empty();) {
    ++requests;
    CHECK(body.size() + clik::kEnvelopeBytes <= 16384);
    total_bytes += body.size() + clik::kEnvelopeBytes;
    handed += parse(body).size();
  }
  CHECK(requests >= 3);
  CHECK(total_bytes <= 61440);
  const auto s = stats(c);
  CHECK(s["inFlight"] == handed);
  CHECK(s["queued"] == 400 - handed);
  // What did not fit stays queued and persisted; the in-flight ones are persisted too.
  CHECK(parse(c.snapshot())["events"].size() == 400);
}

TEST_CASE("urgent budget frees up as keepalive requests complete", "[flush][urgent]") {
  auto c = make_core(R"({"maxBatchEvents":1000})");
  const std::string target = "contact." + std::string(500, 'p');
  for (int i = 0; i < 400; ++i) c.track_click(kT0 + i, target);
  std::vector<std::uint32_t> ids;
  while (!c.poll_urgent(kT0 + 500).empty()) ids.push_back(c.request_id());
  REQUIRE(c.poll_urgent(kT0 + 500) == "");
  REQUIRE(c.on_result(ids[0], kT0 + 600, 200, "", "") > 0);
  CHECK(c.poll_urgent(kT0 + 600) != "");
}

TEST_CASE("urgent flush takes a batch that was waiting out its backoff", "[flush][urgent]") {
  auto c = make_core();
  c.track_click(kT0, "a");
  REQUIRE(c.poll_batch(kT0 + 10000) != "");
  REQUIRE(c.on_result(c.request_id(), kT0 + 10100, 503, "120", "") == 0);
  c.track_click(kT0 + 10200, "b");
  const auto body = parse(c.poll_urgent(kT0 + 10300));
  REQUIRE(body.size() == 2);
  CHECK(body[0]["data"]["clickTarget"] == "a");
  CHECK(body[1]["data"]["clickTarget"] == "b");
}

TEST_CASE("a failed urgent request puts its events back in order", "[flush][urgent]") {
  auto c = make_core();
  c.track_click(kT0, "a");
  c.track_click(kT0 + 1, "b");
  const auto sent = parse(c.poll_urgent(kT0 + 2));
  const auto id = c.request_id();
  c.track_click(kT0 + 3, "c");
  REQUIRE(c.on_result(id, kT0 + 4, 0, "", "") == 0);
  const auto body = parse(c.poll_batch(kT0 + 10000));
  REQUIRE(body.size() == 3);
  CHECK(body[0]["data"]["eventId"] == sent[0]["data"]["eventId"]);
  CHECK(body[2]["data"]["clickTarget"] == "c");
}
