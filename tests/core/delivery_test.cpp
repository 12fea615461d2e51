#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "support.hpp"

using namespace clik::test;

namespace {

// Queues three clicks and sends them; returns the body.
std::string send_three(clik::Core& c, double now) {
  c.track_click(now - 10000, "contact.phone");
  c.track_click(now - 10000, "socialChannels.x");
  c.track_click(now - 10000, "aiAgent");
  return c.poll_batch(now);
}

}  // namespace

TEST_CASE("success forgets the batch", "[delivery]") {
  auto c = make_core();
  REQUIRE(send_three(c, kT0) != "");
  CHECK(c.on_result(c.request_id(), kT0 + 80, 200, "", R"({"success":true,"sessions_inserted":0})") == 3);
  const auto s = stats(c);
  CHECK(s["delivered"] == 3);
  CHECK(s["queued"] == 0);
  CHECK(s["inFlight"] == 0);
  CHECK(parse(c.snapshot())["events"].empty());
  CHECK(c.next_deadline(kT0 + 80) == -1);
}

TEST_CASE("retryable failures resend the same batch with capped full-jitter backoff", "[delivery][retry]") {
  auto c = make_core(R"({"retryBaseMs":1000,"retryCapMs":8000})");
  const auto body = send_three(c, kT0);
  double now = kT0;
  const double windows[] = {1000, 2000, 4000, 8000, 8000, 8000};
  const int statuses[] = {500, 503, 502, 429, 408, 504};
  for (int k = 0; k < 6; ++k) {
    INFO("failure " << k + 1);
    REQUIRE(c.on_result(c.request_id(), now, statuses[k], "", "") == 0);
    const double at = c.next_deadline(now);
    CHECK(at >= now);
    CHECK(at < now + windows[k]);
    if (at > now) CHECK(c.poll_batch(at - 1) == "");
    now = at;
    CHECK(c.poll_batch(now) == body);  // same events, same ids, same timestamps
  }
  CHECK(stats(c)["retries"] == 6);
}

TEST_CASE("backoff delays are jittered, not fixed", "[delivery][retry]") {
  std::set<double> delays;
  for (int run = 0; run < 20; ++run) {
    clik::Core c;
    c.seed(std::string(62, 'f') + (run < 10 ? "0" : "") + std::to_string(run));
    c.set_identity("u", "s", "");
    c.track_click(kT0, "x");
    c.poll_batch(kT0 + 10000);
    c.on_result(c.request_id(), kT0 + 10000, 503, "", "");
    delays.insert(c.next_deadline(kT0 + 10000) - (kT0 + 10000));
  }
  CHECK(delays.size() > 10);
  for (double d : delays) CHECK((d >= 0 && d < 1000));
}

TEST_CASE("Retry-After in seconds is honoured and capped", "[delivery][retry]") {
  auto c = make_core(R"({"retryAfterCapMs":300000})");
  send_three(c, kT0);
  REQUIRE(c.on_result(c.request_id(), kT0, 429, "120", "") == 0);
  CHECK(c.next_deadline(kT0) == kT0 + 120000);
  CHECK(c.poll_batch(kT0 + 119999) == "");
  REQUIRE(c.poll_batch(kT0 + 120000) != "");
  REQUIRE(c.on_result(c.request_id(), kT0 + 120000, 503, "86400", "") == 0);
  CHECK(c.next_deadline(kT0 + 120000) == kT0 + 120000 + 300000);
}

TEST_CASE("Retry-After as an HTTP-date is honoured", "[delivery][retry]") {
  auto c = make_core();
  send_three(c, kT0);  // kT0 is Sun, 28 Jan 2024 00:00:00 GMT
  REQUIRE(c.on_result(c.request_id(), kT0, 503, "Sun, 28 Jan 2024 00:02:30 GMT", "") == 0);
  CHECK(c.next_deadline(kT0) == kT0 + 150000);
}

TEST_CASE("a malformed Retry-After falls back to backoff", "[delivery][retry]") {
  auto c = make_core(R"({"retryBaseMs":1000})");
  send_three(c, kT0);
  REQUIRE(c.on_result(c.request_id(), kT0, 503, "soon", "") == 0);
  CHECK(c.next_deadline(kT0) < kT0 + 1000);
}

TEST_CASE("permanent failures drop the batch and count it", "[delivery]") {
  for (int status : {400, 401, 403, 404, 409, 413, 422, 501, 505, 302}) {
    INFO("status " << status);
    auto c = make_core();
    send_three(c, kT0);
    CHECK(c.on_result(c.request_id(), kT0, status, "", R"({"code":"PGRST202"})") == 3);
    const auto s = stats(c);
    CHECK(s["dropped"]["permanent_failure"] == 3);
    CHECK(s["queued"] == 0);
    CHECK(s["inFlight"] == 0);
    CHECK(c.next_deadline(kT0) == -1);
  }
}

TEST_CASE("maxAttempts HTTP failures exhaust a batch; network errors do not", "[delivery][retry]") {
  auto c = make_core(R"({"maxAttempts":3,"retryBaseMs":1,"retryCapMs":1})");
  send_three(c, kT0);
  double now = kT0;
  for (int k = 0; k < 10; ++k) {  // offline for a while: status 0 keeps retrying
    REQUIRE(c.on_result(c.request_id(), now, 0, "", "") == 0);
    now += 1;
    REQUIRE(c.poll_batch(now) != "");
  }
  REQUIRE(c.on_result(c.request_id(), now, 500, "", "") == 0);
  REQUIRE(c.poll_batch(now += 1) != "");
  REQUIRE(c.on_result(c.request_id(), now, 500, "", "") == 0);
  REQUIRE(c.poll_batch(now += 1) != "");
  CHECK(c.on_result(c.request_id(), now, 500, "", "") == 3);
  CHECK(stats(c)["dropped"]["retries_exhausted"] == 3);
}

TEST_CASE("per-event rejections drop just those events", "[delivery][rejected]") {
  auto c = make_core();
  const auto sent = parse(send_three(c, kT0));
  REQUIRE(c.on_result(c.request_id(), kT0, 200, "",
                      R"({"success":true,"rejected":[{"index":1,"reason":"invalid click target"},{"index":7,"reason":"x"}]})") == 3);
  const auto s = stats(c);
  CHECK(s["dropped"]["rejected_by_server"] == 1);
  CHECK(s["delivered"] == 2);
  CHECK(s["queued"] == 0);
}

TEST_CASE("success:false without a rejected list rejects the whole batch", "[delivery][rejected]") {
  auto c = make_core();
  send_three(c, kT0);
  c.on_result(c.request_id(), kT0, 200, "", R"({"success":false,"error":"No events provided"})");
  CHECK(stats(c)["dropped"]["rejected_by_server"] == 3);
  CHECK(stats(c)["delivered"] == 0);
}

TEST_CASE("odd success bodies accept the batch", "[delivery]") {
  for (const char* body : {"", "null", "[1,2]", "<html>ok</html>", "{\"rejected\":\"all\"}", "{broken"}) {
    INFO(body);
    auto c = make_core();
    send_three(c, kT0);
    CHECK(c.on_result(c.request_id(), kT0, 200, "", body) == 3);
    CHECK(stats(c)["delivered"] == 3);
  }
}

TEST_CASE("late, duplicate or invented request ids are reported and change nothing", "[delivery]") {
  auto c = make_core();
  send_three(c, kT0);
  const auto id = c.request_id();
  CHECK(c.on_result(id + 1, kT0, 200, "", "") == clik::kUnknownRequest);
  CHECK(c.on_result(0, kT0, 200, "", "") == clik::kUnknownRequest);
  CHECK(c.on_result(-3.5, kT0, 200, "", "") == clik::kUnknownRequest);
  CHECK(stats(c)["inFlight"] == 3);
  REQUIRE(c.on_result(id, kT0, 200, "", "") == 3);
  CHECK(c.on_result(id, kT0, 200, "", "") == clik::kUnknownRequest);
  CHECK(stats(c)["delivered"] == 3);
}

TEST_CASE("a retried batch answered late under its old id is unknown", "[delivery]") {
  auto c = make_core();
  send_three(c, kT0);
  const auto first = c.request_id();
  c.on_result(first, kT0, 503, "1", "");
  REQUIRE(c.poll_batch(kT0 + 1000) != "");
  CHECK(c.request_id() != first);
  CHECK(c.on_result(first, kT0 + 1001, 200, "", "") == clik::kUnknownRequest);
}

TEST_CASE("bad status values are invalid arguments and leave the batch in flight", "[delivery]") {
  auto c = make_core();
  send_three(c, kT0);
  const auto id = c.request_id();
  for (double status : {-1.0, 600.0, 200.5, std::nan("")}) CHECK(c.on_result(id, kT0, status, "", "") == clik::kInvalidArgument);
  CHECK(c.on_result(id, std::nan(""), 200, "", "") == clik::kInvalidArgument);
  CHECK(stats(c)["inFlight"] == 3);
  CHECK(c.on_result(id, kT0, 204, "", "") == 3);
}

TEST_CASE("events tracked during a retry wait go in a later batch", "[delivery]") {
  auto c = make_core();
  const auto first = send_three(c, kT0);
  c.on_result(c.request_id(), kT0, 503, "5", "");
  for (int i = 0; i < 25; ++i) c.track_click(kT0 + 100 + i, "portfolio.a");
  CHECK(c.next_deadline(kT0 + 200) == kT0 + 5000);
  CHECK(c.poll_batch(kT0 + 5000) == first);
  c.on_result(c.request_id(), kT0 + 5100, 200, "", "");
  CHECK(parse(c.poll_batch(kT0 + 5100)).size() == 25);
}
