#include <catch2/catch.hpp>
#include <regex>

#include "support.hpp"

using namespace clik::test;

TEST_CASE("session ids follow the seed's format", "[session]") {
  auto c = make_core();
  const auto id = c.session_id(kT0);
  CHECK(std::regex_match(id, std::regex("session_1706400000000_[0-9a-z]{9}")));
}

TEST_CASE("activity within 30 minutes continues the session", "[session]") {
  auto c = make_core();
  const auto id = c.session_id(kT0);
  CHECK(c.session_id(kT0 + 29 * 60000) == id);
  CHECK(c.session_id(kT0 + 58 * 60000) == id);  // each touch renews lastSeen
  CHECK(c.session_id(kT0 + 58 * 60000 + 1799999) == id);
}

TEST_CASE("30 minutes of inactivity starts a new session", "[session]") {
  auto c = make_core();
  const auto id = c.session_id(kT0);
  const auto next = c.session_id(kT0 + 30 * 60000);
  CHECK(next != id);
  CHECK(next.rfind("session_1706401800000_", 0) == 0);
}

TEST_CASE("track calls use and renew the session", "[session]") {
  auto c = make_core(R"({"maxBatchEvents":100})");
  c.track_session(kT0, "UA", "");
  c.track_click(kT0 + 20 * 60000, "contact.phone");
  c.track_click(kT0 + 40 * 60000, "contact.phone");  // 20 min after the last activity
  c.track_click(kT0 + 71 * 60000, "contact.phone");  // 31 min after: new session
  const auto body = parse(c.poll_batch(kT0 + 72 * 60000));
  REQUIRE(body.size() == 4);
  CHECK(body[0]["data"]["sessionId"] == body[1]["data"]["sessionId"]);
  CHECK(body[1]["data"]["sessionId"] == body[2]["data"]["sessionId"]);
  CHECK(body[3]["data"]["sessionId"] != body[2]["data"]["sessionId"]);
}

TEST_CASE("one session per userCode+shareCode", "[session]") {
  auto c = make_core();
  const auto a = c.session_id(kT0);
  c.set_identity("myclik", "team", "");
  const auto b = c.session_id(kT0 + 1);
  CHECK(a != b);
  c.set_identity("myclik", "public", "contact-7");  // contactId does not split sessions
  CHECK(c.session_id(kT0 + 2) == a);
}

TEST_CASE("sessionTimeoutMs is configurable", "[session]") {
  auto c = make_core(R"({"sessionTimeoutMs":60000})");
  const auto id = c.session_id(kT0);
  CHECK(c.session_id(kT0 + 59999) == id);
  CHECK(c.session_id(kT0 + 59999 + 60000) != id);
}

TEST_CASE("session state survives a page load through sessionStorage", "[session]") {
  auto a = make_core();
  const auto id = a.session_id(kT0);
  const auto state = a.session_state();
  auto b = make_core();
  CHECK(b.restore_session(state) == 1);
  CHECK(b.session_id(kT0 + 10 * 60000) == id);
  auto c = make_core();
  c.restore_session(state);
  CHECK(c.session_id(kT0 + 31 * 60000) != id);
}

TEST_CASE("the session revision moves when an id is created, renewed or restored, not when a session is seen again", "[session]") {
  auto a = make_core();
  const auto r0 = a.session_revision();
  a.session_id(kT0);
  const auto r1 = a.session_revision();
  CHECK(r1 != r0);  // created
  a.track_click(kT0 + 1000, "contact.phone");
  a.session_id(kT0 + 29 * 60000);
  CHECK(a.session_revision() == r1);  // only seen again: last-seen moved
  CHECK(a.session_state() != "");
  a.session_id(kT0 + 60 * 60000);
  const auto r2 = a.session_revision();
  CHECK(r2 != r1);  // renewed after 30 minutes
  a.set_identity("myclik", "team", "");
  a.session_id(kT0 + 60 * 60000);
  CHECK(a.session_revision() != r2);  // a second card's session

  auto b = make_core();
  const auto b0 = b.session_revision();
  CHECK(b.restore_session(a.session_state()) == 2);
  const auto b1 = b.session_revision();
  CHECK(b1 != b0);  // restored ids
  CHECK(b.restore_session(a.session_state()) == 0);
  CHECK(b.session_revision() == b1);  // the same state again changes nothing
}

TEST_CASE("corrupt session state is refused and counted", "[session]") {
  auto c = make_core();
  const auto id = c.session_id(kT0);
  for (const char* s : {"x", "{}", "[]", R"({"clikSessions":2,"s":[]})", R"({"sessionId":"abc","lastSeen":1})"})
    CHECK(c.restore_session(s) == clik::kCorruptInput);
  CHECK(c.restore_session(R"({"clikSessions":1,"s":[["a"],[1,2,3,4],["u","s","",5],["u","s","id",-1]]})") == 0);
  CHECK(stats(c)["restoreErrors"] == 9);
  CHECK(c.session_id(kT0 + 1) == id);
  CHECK(c.restore_session("") == 0);
}
