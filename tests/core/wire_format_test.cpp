#include <catch2/catch.hpp>
#include <regex>

#include "support.hpp"

using namespace clik::test;

TEST_CASE("a batch is exactly the seed's ingest_analytics_batch array", "[wire]") {
  auto c = make_core();
  c.set_identity("myclik", "public", "contact-42");
  c.track_session(kT0, "Test Browser", "https://example.com");
  c.track_page_view(kT0 + 1000, "home");
  c.track_click(kT0 + 2000, "contact.phone");
  const auto body = parse(c.poll_batch(kT0 + 10000));
  REQUIRE(body.is_array());
  REQUIRE(body.size() == 3);
  const auto sid = body[0]["data"]["sessionId"];
  using nlohmann::json;
  auto expect = [&](const json& e, const char* type, double ts, json data) {
    data["eventId"] = e["data"]["eventId"];
    data["sessionId"] = sid;
    data["userCode"] = "myclik";
    data["shareCode"] = "public";
    data["contactId"] = "contact-42";
    data["timestamp"] = static_cast<std::int64_t>(ts);
    CHECK(e == json{{"type", type}, {"data", data}, {"timestamp", static_cast<std::int64_t>(ts)}});
  };
  expect(body[0], "session", kT0, {{"userAgent", "Test Browser"}, {"referrer", "https://example.com"}});
  expect(body[1], "page_view", kT0 + 1000, {{"pageType", "home"}});
  expect(body[2], "click", kT0 + 2000, {{"clickTarget", "contact.phone"}, {"clickCategory", "contact"}});
}

TEST_CASE("absent optional fields are omitted, not null", "[wire]") {
  auto c = make_core();  // contactId ""
  c.track_session(kT0, "", "");
  const auto body = c.poll_batch(kT0 + 10000);
  CHECK(body.find("null") == std::string::npos);
  const auto data = parse(body)[0]["data"];
  CHECK_FALSE(data.contains("contactId"));
  CHECK_FALSE(data.contains("userAgent"));
  CHECK_FALSE(data.contains("referrer"));
}

TEST_CASE("every event carries a time-ordered UUID v7 eventId", "[wire]") {
  auto c = make_core(R"({"maxBatchEvents":1000})");
  const std::regex v7("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 300; ++i) c.track_click(kT0 + i / 100, "x");  // many in the same ms
  c.track_click(kT0 - 5000, "x");  // clock stepped back: ids still increase
  const auto body = parse(c.poll_batch(kT0 + 20000));
  std::string prev;
  for (const auto& e : body) {
    const auto id = e["data"]["eventId"].get<std::string>();
    CHECK(std::regex_match(id, v7));
    CHECK(id > prev);
    prev = id;
  }
  // The first 12 hex digits are the event time in ms.
  CHECK(body[0]["data"]["eventId"].get<std::string>().substr(0, 13) == "018d4d5d-a800");
}

TEST_CASE("same seed, same calls: same output (no hidden clock or randomness)", "[wire]") {
  auto run = [] {
    auto c = make_core();
    c.track_session(kT0, "UA", "r");
    c.track_click(kT0 + 5, "contact.phone");
    return c.poll_batch(kT0 + 10000) + c.session_state();
  };
  CHECK(run() == run());
  clik::Core other;
  other.seed(std::string(64, 'b'));
  other.set_identity("myclik", "public", "");
  other.track_session(kT0, "UA", "r");
  other.track_click(kT0 + 5, "contact.phone");
  CHECK(other.poll_batch(kT0 + 10000) + other.session_state() != run());
}

TEST_CASE("seed() wants at least 32 bytes of hex", "[wire]") {
  clik::Core c;
  c.seed("abcd");
  CHECK_FALSE(c.last_error().empty());
  CHECK(stats(c)["invalidCalls"] == 1);
  c.seed(std::string(64, 'z'));
  CHECK(stats(c)["invalidCalls"] == 2);
  c.seed(std::string(64, 'F'));
  CHECK(stats(c)["invalidCalls"] == 2);
}

TEST_CASE("stats has every documented counter", "[wire]") {
  auto c = make_core();
  const auto s = stats(c);
  for (const char* k : {"queued", "inFlight", "tracked", "delivered", "retries", "truncated", "restoreErrors", "invalidCalls"})
    CHECK(s.contains(k));
  for (const char* k : {"queue_overflow", "rejected_by_server", "permanent_failure", "retries_exhausted", "expired", "opt_out"})
    CHECK(s["dropped"].contains(k));
}
