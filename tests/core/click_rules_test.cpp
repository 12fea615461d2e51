#include <catch2/catch.hpp>

#include "support.hpp"

using namespace clik::test;

TEST_CASE("every seed click prefix maps to its category", "[click]") {
  auto c = make_core();
  CHECK(c.click_category("contact.phone") == "contact");
  CHECK(c.click_category("contact.email") == "contact");
  CHECK(c.click_category("socialMessaging.whatsapp") == "messaging");
  CHECK(c.click_category("socialChannels.instagram") == "social");
  CHECK(c.click_category("portfolio.item3") == "portfolio");
  CHECK(c.click_category("aiAgent") == "aiAgent");
}

TEST_CASE("near misses of the seed rules fall to other", "[click]") {
  auto c = make_core();
  CHECK(c.click_category("aiAgent.chat") == "other");   // aiAgent is an exact rule
  CHECK(c.click_category("contact") == "other");        // prefix includes the dot
  CHECK(c.click_category("Contact.phone") == "other");  // case-sensitive, as the seed
  CHECK(c.click_category("booking.slot") == "other");
  CHECK(c.click_category("") == "other");
}

TEST_CASE("configured click rules apply first, prefix and exact", "[click]") {
  auto c = make_core(R"({"clickRules":[{"prefix":"booking.","category":"booking"},
                                       {"exact":"contact.vcard","category":"vcard"}]})");
  CHECK(c.click_category("booking.slot") == "booking");
  CHECK(c.click_category("contact.vcard") == "vcard");
  CHECK(c.click_category("contact.vcard2") == "contact");
  CHECK(c.click_category("contact.phone") == "contact");
}

TEST_CASE("trackClick writes the derived category into the event", "[click]") {
  auto c = make_core();
  REQUIRE(c.track_click(kT0, "socialMessaging.telegram") == clik::kQueued);
  const auto body = parse(c.poll_batch(kT0 + 10000));
  REQUIRE(body.size() == 1);
  CHECK(body[0]["data"]["clickTarget"] == "socialMessaging.telegram");
  CHECK(body[0]["data"]["clickCategory"] == "messaging");
}
