// The loop bench/core/instructions.sh counts with callgrind: `n` calls of one case,
// natively (g++, the native preset), the same cases as bench/core/track_cost.mjs runs
// through the WASM module in node. Native instructions are a proxy for the work the
// core does per call, not the wasm's count; they are the same in every run, where
// node's ns per call move by a third between runs on a shared VM.
//   click_instructions CASE N     CASE: baseline | track | incremental | snapshot10 | snapshot20
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "clik/core.hpp"
#include "clik/json_writer.hpp"

namespace {

constexpr double kT0 = 1706400000000.0;
const char* const kTargets[] = {"contact.phone", "contact.email", "socialMessaging.whatsapp",
                                "socialChannels.linkedin", "portfolio.project-1", "aiAgent",
                                "vcard.download", "portfolio.project-2"};

// The C++ twin of track_cost.mjs's JS baseline: push a record per click, serialise
// the batch every 20 (the least a batcher does per event, nothing validated or kept).
struct Click {
  std::string target;
  double timestamp;
};

std::size_t baseline(int n) {
  std::vector<Click> queue;
  std::size_t sink = 0;
  for (int i = 0; i < n; ++i) {
    queue.push_back({kTargets[i & 7], kT0 + i});
    if (queue.size() == 20) {
      std::string out = "[";
      for (const Click& c : queue) {
        if (out.size() > 1) out += ',';
        out += "{\"type\":\"click\",\"data\":{\"eventId\":\"0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b\","
               "\"sessionId\":\"session_1706400000000_abcdefghi\",\"userCode\":\"myclik\","
               "\"shareCode\":\"public\",\"clickTarget\":";
        clik::append_json_string(out, c.target);
        out += ",\"clickCategory\":\"contact\",\"timestamp\":";
        clik::append_json_int(out, static_cast<long long>(c.timestamp));
        out += "},\"timestamp\":";
        clik::append_json_int(out, static_cast<long long>(c.timestamp));
        out += '}';
      }
      out += ']';
      sink += out.size();
      queue.clear();
    }
  }
  return sink;
}

void start(clik::Core& c, int max_batch_events) {
  std::string config = "{\"maxBatchEvents\":" + std::to_string(max_batch_events) + "}";
  c.configure(config);
  c.seed(std::string(64, '5'));
  c.set_identity("myclik", "public", "");
}

// trackClick, every flush as the shim does it (pollBatch + onResult 200), and with
// `incremental` what js/src/persistence.mjs asks after a change: the new events and
// the floor below which written chunks can go.
std::size_t track(int n, bool incremental) {
  clik::Core c;
  start(c, 20);
  std::size_t sink = 0;
  double last = 0;
  for (int i = 0; i < n; ++i) {
    const double now = kT0 + i;
    if (c.track_click(now, kTargets[i & 7]) == 1) {
      sink += c.poll_batch(now).size();
      c.on_result(c.request_id(), now, 200, "", "");
    }
    if (incremental) {
      const double mark = c.persist_mark();
      if (mark > last) sink += c.snapshot_since(last).size();
      last = mark;
      sink += static_cast<std::size_t>(c.held_floor());
    }
  }
  return sink;
}

std::size_t snapshot_only(int n, int queued) {
  clik::Core c;
  start(c, 1000);
  for (int i = 0; i < queued; ++i) c.track_click(kT0 + i, kTargets[i & 7]);
  std::size_t sink = 0;
  for (int i = 0; i < n; ++i) sink += c.snapshot().size();
  return sink;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s baseline|track|incremental|snapshot10|snapshot20 N\n", argv[0]);
    return 2;
  }
  const char* which = argv[1];
  const int n = std::atoi(argv[2]);
  std::size_t sink;
  if (!std::strcmp(which, "baseline")) sink = baseline(n);
  else if (!std::strcmp(which, "track")) sink = track(n, false);
  else if (!std::strcmp(which, "incremental")) sink = track(n, true);
  else if (!std::strcmp(which, "snapshot10")) sink = snapshot_only(n, 10);
  else if (!std::strcmp(which, "snapshot20")) sink = snapshot_only(n, 20);
  else {
    std::fprintf(stderr, "unknown case %s\n", which);
    return 2;
  }
  std::printf("%zu\n", sink);  // keeps the work observable
  return 0;
}
