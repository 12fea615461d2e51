#include <catch2/catch.hpp>
#include <cmath>

#include "support.hpp"

using namespace clik::test;

TEST_CASE("snapshot/restore round trip keeps ids, timestamps and order", "[persistence]") {
  auto a = make_core();
  a.track_session(kT0, "UA/1.0", "https://ref.example/");
  a.track_page_view(kT0 + 1, "home");
  a.track_click(kT0 + 2, "contact.phone");
  a.track_click(kT0 + 3, "socialChannels.x");
  REQUIRE(a.poll_batch(kT0 + 10000) != "");  // all four now in flight
  a.track_click(kT0 + 10001, "portfolio.p1");
  REQUIRE(a.dirty());
  const auto snap = a.snapshot();
  CHECK_FALSE(a.dirty());
  CHECK(parse(snap)["events"].size() == 5);

  auto b = make_core();
  CHECK(b.restore(snap, kT0 + 20000) == 5);
  CHECK(b.dirty());
  CHECK(b.snapshot() == snap);  // byte-identical: same ids, same timestamps
  const auto body = parse(b.poll_batch(kT0 + 20000));
  REQUIRE(body.size() == 5);
  CHECK(body[0]["type"] == "session");
  CHECK(body[4]["data"]["clickTarget"] == "portfolio.p1");
}

TEST_CASE("restoring the same snapshot twice skips duplicates by eventId", "[persistence]") {
  auto a = make_core();
  a.track_click(kT0, "contact.phone");
  a.track_click(kT0 + 1, "contact.email");
  const auto snap = a.snapshot();
  CHECK(a.restore(snap, kT0 + 2) == 0);  // already held
  auto b = make_core();
  b.track_click(kT0 + 5, "aiAgent");
  CHECK(b.restore(snap, kT0 + 6) == 2);
  CHECK(b.restore(snap, kT0 + 7) == 0);
  const auto body = parse(b.poll_batch(kT0 + 20000));
  REQUIRE(body.size() == 3);
  CHECK(body[0]["data"]["clickTarget"] == "contact.phone");  // merged oldest-first
  CHECK(body[2]["data"]["clickTarget"] == "aiAgent");
}

TEST_CASE("corrupt, foreign or other-version input is refused and counted", "[persistence]") {
  auto c = make_core();
  c.track_click(kT0, "contact.phone");
  const auto before = c.snapshot();
  const char* bad[] = {
      "garbage", "{", "[]", "null", "{\"clik\":2,\"events\":[]}", "{\"events\":[]}",
      "{\"clik\":1,\"events\":{}}", "{\"clik\":\"1\",\"events\":[]}", "\xff\xfe{}",
      R"({"clik":1,"events":[)", R"({"posthog":"queue"})",
  };
  for (const char* s : bad) {
    INFO(s);
    CHECK(c.restore(s, kT0) == clik::kCorruptInput);
  }
  CHECK(stats(c)["restoreErrors"] == std::size(bad));
  CHECK(c.snapshot() == before);
  CHECK(c.restore("", kT0) == 0);  // nothing persisted is not an error
}

TEST_CASE("malformed events inside a valid snapshot are skipped one by one", "[persistence]") {
  auto a = make_core();
  a.track_click(kT0, "contact.phone");
  auto j = parse(a.snapshot());
  auto good = j["events"][0];
  auto no_id = good; no_id["data"].erase("eventId");
  auto bad_id = good; bad_id["data"]["eventId"] = "not-a-uuid";
  auto bad_type = good; bad_type["type"] = "purchase";
  auto bad_ts = good; bad_ts["data"]["timestamp"] = "yesterday";
  auto neg_ts = good; neg_ts["data"]["timestamp"] = -5;
  auto no_target = good; no_target["data"].erase("clickTarget");
  auto num_user = good; num_user["data"]["userCode"] = 42;
  j["events"] = nlohmann::json::array({no_id, bad_id, bad_type, bad_ts, neg_ts, no_target, num_user, 7, good});
  auto b = make_core();
  CHECK(b.restore(j.dump(), kT0 + 1) == 1);
  CHECK(stats(b)["restoreErrors"] == 8);
  CHECK(parse(b.snapshot())["events"][0] == good);
}

TEST_CASE("restored strings are repaired and re-truncated", "[persistence]") {
  auto a = make_core();
  a.track_click(kT0, "contact.phone");
  auto j = parse(a.snapshot());
  j["events"][0]["data"]["clickTarget"] = std::string(2000, 'x');
  auto b = make_core(R"({"maxStringBytes":100})");
  REQUIRE(b.restore(j.dump(), kT0 + 1) == 1);
  CHECK(parse(b.snapshot())["events"][0]["data"]["clickTarget"].get<std::string>().size() == 100);
}

TEST_CASE("restore drops events past maxEventAgeMs and respects the queue bound", "[persistence]") {
  auto a = make_core(R"({"maxBatchEvents":100})");
  for (int i = 0; i < 10; ++i) a.track_click(kT0 + i * 1000.0, "t");
  const auto snap = a.snapshot();
  auto b = make_core(R"({"maxEventAgeMs":5000,"maxQueueEvents":3})");
  CHECK(b.restore(snap, kT0 + 9000) == 6);  // 0..3 s too old
  CHECK(stats(b)["dropped"]["expired"] == 4);
  CHECK(stats(b)["dropped"]["queue_overflow"] == 3);
  CHECK(stats(b)["queued"] == 3);
}

TEST_CASE("a page that died mid-request replays its batch", "[persistence]") {
  auto a = make_core();
  a.track_click(kT0, "contact.phone");
  const auto sent = a.poll_urgent(kT0 + 1);
  REQUIRE(sent != "");
  const auto snap = a.snapshot();  // written at pagehide, request still in flight
  auto b = make_core();
  REQUIRE(b.restore(snap, kT0 + 60000) == 1);
  CHECK(b.poll_batch(kT0 + 60000) == sent);  // same eventId: the server dedupes
}

TEST_CASE("dirty tracks queue changes", "[persistence]") {
  auto c = make_core();
  CHECK_FALSE(c.dirty());
  c.track_click(kT0, "x");
  CHECK(c.dirty());
  c.snapshot();
  CHECK_FALSE(c.dirty());
  c.poll_batch(kT0 + 10000);
  c.on_result(c.request_id(), kT0 + 10001, 200, "", "");
  CHECK(c.dirty());
  // Events only left: the caller deletes chunks, writes nothing new, and says so.
  c.mark_persisted();
  CHECK_FALSE(c.dirty());
  c.track_click(kT0 + 20000, "y");
  CHECK(c.dirty());
}

TEST_CASE("incremental persistence: snapshot_since(mark) holds only what came after the mark", "[persistence]") {
  auto c = make_core();
  CHECK(c.persist_mark() == 0);
  CHECK(c.held_floor() == 1);  // nothing held: one past the mark
  c.track_click(kT0, "contact.phone");
  c.track_click(kT0 + 1, "contact.email");
  const double m1 = c.persist_mark();
  CHECK(m1 == 2);
  CHECK(parse(c.snapshot_since(0))["events"].size() == 2);  // 0: everything held
  CHECK_FALSE(c.dirty());                                   // it is a snapshot: clears dirty
  c.track_click(kT0 + 2, "aiAgent");
  REQUIRE(c.dirty());
  const auto delta = parse(c.snapshot_since(m1));
  REQUIRE(delta["events"].size() == 1);
  CHECK(delta["events"][0]["data"]["clickTarget"] == "aiAgent");
  CHECK(parse(c.snapshot_since(c.persist_mark()))["events"].empty());
  CHECK(c.snapshot() == c.snapshot_since(0));
  // Nonsense marks select everything rather than nothing (never lose an event).
  CHECK(c.snapshot_since(-1) == c.snapshot_since(0));
  CHECK(c.snapshot_since(1e300) == c.snapshot_since(0));
  CHECK(c.snapshot_since(std::nan("")) == c.snapshot_since(0));
}

TEST_CASE("incremental persistence: held_floor rises as events leave, in flight or not", "[persistence]") {
  auto c = make_core();
  for (int i = 0; i < 3; i++) c.track_click(kT0 + i, "contact.phone");
  CHECK(c.held_floor() == 1);
  REQUIRE(c.poll_batch(kT0 + 10000) != "");  // 1..3 in flight: still held
  c.track_click(kT0 + 10001, "contact.email");  // seq 4
  CHECK(c.held_floor() == 1);
  REQUIRE(c.on_result(c.request_id(), kT0 + 10002, 200, "", R"({"success":true,"processed":3})") >= 0);
  CHECK(c.held_floor() == 4);  // chunks of seq < 4 hold nothing the core needs
  // Restored events are new to this core: they get new sequence numbers.
  auto other = make_core();
  other.track_click(kT0 + 5, "portfolio.p1");
  REQUIRE(c.restore(other.snapshot(), kT0 + 10003) == 1);
  CHECK(c.persist_mark() == 5);
  CHECK(parse(c.snapshot_since(4))["events"][0]["data"]["clickTarget"] == "portfolio.p1");
  REQUIRE(c.poll_batch(kT0 + 30000) != "");
  REQUIRE(c.on_result(c.request_id(), kT0 + 30001, 200, "", R"({"success":true,"processed":2})") >= 0);
  CHECK(c.held_floor() == c.persist_mark() + 1);  // empty
}

TEST_CASE("a snapshot holding one event twice restores its first copy once", "[persistence]") {
  auto a = make_core();
  a.track_click(kT0 + 3, "contact.phone");
  a.track_click(kT0 + 1, "contact.email");
  auto j = parse(a.snapshot());
  auto first = j["events"][0];
  first["data"]["clickTarget"] = std::string(2000, 'x');  // a truncated copy...
  auto later = j["events"][0];
  later["data"]["clickTarget"] = "later.copy";  // ...and a later one, with the same eventId
  j["events"] = nlohmann::json::array({first, j["events"][1], later});
  auto b = make_core(R"({"maxStringBytes":100})");
  REQUIRE(b.restore(j.dump(), kT0 + 10) == 2);
  CHECK(stats(b)["truncated"] == 1);
  const auto events = parse(b.snapshot())["events"];
  REQUIRE(events.size() == 2);
  CHECK(events[0]["data"]["clickTarget"] == "contact.email");  // oldest-first
  CHECK(events[1]["data"]["clickTarget"].get<std::string>() == std::string(100, 'x'));
}
