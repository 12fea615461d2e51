// The core's surface for JS: one thin class, plain numbers and strings in and
// out, no logic (bindings/clik_core.d.ts is the contract).
//
// Two doors into the same object:
//  * embind (class Core): construction, delete() and the calls made a few
//    times per page (configure, identity, restore, stats...);
//  * plain wasm exports for the calls made per event or per flush (track*,
//    poll*, onResult, snapshot*, persistMark, heldFloor, dirty, requestId,
//    nextDeadline). embind 3.1.6
//    under DYNAMIC_EXECUTION=0 goes through a generic invoker and copies every
//    string byte by byte in JS; here strings travel as UTF-8 bytes in two
//    buffers the binding owns (`in_` filled by JS, `out_` read by JS), so a
//    call is one wasm call plus a TextEncoder/TextDecoder pass.
// clik_core_guard.js (post-js) checks JS argument types and turns both doors
// into the methods of clik_core.d.ts.
#include <emscripten/bind.h>
#include <emscripten/em_macros.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "clik/core.hpp"

namespace {

class CoreBinding {
 public:
  std::string configure(const std::string& json) { return core_.configure(json); }
  void seed(const std::string& hex) { core_.seed(hex); }
  int setIdentity(const std::string& u, const std::string& s, const std::string& c) { return core_.set_identity(u, s, c); }
  std::string sessionId(double now) { return core_.session_id(now); }
  std::string clickCategory(const std::string& target) { return core_.click_category(target); }
  double requestTimeoutMs() { return static_cast<double>(core_.request_timeout_ms()); }
  int restore(const std::string& snapshot, double now) { return core_.restore(snapshot, now); }
  std::string sessionState() { return core_.session_state(); }
  int restoreSession(const std::string& state) { return core_.restore_session(state); }
  void setEnabled(bool enabled) { core_.set_enabled(enabled); }
  std::string stats() { return core_.stats(); }
  std::string lastError() { return core_.last_error(); }
  int invalidCall(const std::string& message) { return core_.invalid_call(message); }
  // Address of this object for the plain exports below (wasm32: fits a JS number).
  unsigned address() { return static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(this)); }

  // --- the plain-export door ---
  clik::Core& core() { return core_; }
  // Room for n bytes of string arguments, written by JS before the call.
  char* in(std::uint32_t n) {
    if (in_.size() < n) in_.resize(n);
    return in_.data();
  }
  std::string_view arg(std::uint32_t offset, std::uint32_t length) const {
    return std::string_view(in_).substr(offset, length);
  }
  // Keeps a returned string for JS to read at out() and returns its length.
  std::uint32_t put(std::string s) {
    out_ = std::move(s);
    return static_cast<std::uint32_t>(out_.size());
  }
  const char* out() const { return out_.data(); }
  // Called by JS once it has read the result of a call with a huge argument
  // or result: gives that memory back to the allocator.
  void trim() {
    constexpr std::size_t kKeep = 64 * 1024;
    if (in_.capacity() > kKeep) std::string().swap(in_);
    if (out_.capacity() > kKeep) std::string().swap(out_);
  }

 private:
  clik::Core core_;
  std::string in_, out_;
};

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE char* clik_in(CoreBinding* b, std::uint32_t n) { return b->in(n); }
EMSCRIPTEN_KEEPALIVE const char* clik_out(CoreBinding* b) { return b->out(); }
EMSCRIPTEN_KEEPALIVE void clik_trim(CoreBinding* b) { b->trim(); }

EMSCRIPTEN_KEEPALIVE int clik_track_click(CoreBinding* b, double now, std::uint32_t target_len) {
  return b->core().track_click(now, b->arg(0, target_len));
}
EMSCRIPTEN_KEEPALIVE int clik_track_page_view(CoreBinding* b, double now, std::uint32_t page_len) {
  return b->core().track_page_view(now, b->arg(0, page_len));
}
EMSCRIPTEN_KEEPALIVE int clik_track_session(CoreBinding* b, double now, std::uint32_t ua_len, std::uint32_t ref_len) {
  return b->core().track_session(now, b->arg(0, ua_len), b->arg(ua_len, ref_len));
}
EMSCRIPTEN_KEEPALIVE std::uint32_t clik_poll_batch(CoreBinding* b, double now) {
  return b->put(b->core().poll_batch(now));
}
EMSCRIPTEN_KEEPALIVE std::uint32_t clik_poll_urgent(CoreBinding* b, double now) {
  return b->put(b->core().poll_urgent(now));
}
EMSCRIPTEN_KEEPALIVE int clik_on_result(CoreBinding* b, double id, double now, double status,
                                        std::uint32_t retry_after_len, std::uint32_t body_len) {
  return b->core().on_result(id, now, status, b->arg(0, retry_after_len), b->arg(retry_after_len, body_len));
}
EMSCRIPTEN_KEEPALIVE std::uint32_t clik_snapshot(CoreBinding* b) { return b->put(b->core().snapshot()); }
EMSCRIPTEN_KEEPALIVE std::uint32_t clik_snapshot_since(CoreBinding* b, double mark) {
  return b->put(b->core().snapshot_since(mark));
}
EMSCRIPTEN_KEEPALIVE double clik_persist_mark(CoreBinding* b) { return b->core().persist_mark(); }
EMSCRIPTEN_KEEPALIVE double clik_held_floor(CoreBinding* b) { return b->core().held_floor(); }
EMSCRIPTEN_KEEPALIVE int clik_dirty(CoreBinding* b) { return b->core().dirty() ? 1 : 0; }
EMSCRIPTEN_KEEPALIVE double clik_request_id(CoreBinding* b) { return b->core().request_id(); }
EMSCRIPTEN_KEEPALIVE double clik_next_deadline(CoreBinding* b, double now) { return b->core().next_deadline(now); }

}  // extern "C"

EMSCRIPTEN_BINDINGS(clik_core) {
  emscripten::class_<CoreBinding>("Core")
      .constructor<>()
      .function("configure", &CoreBinding::configure)
      .function("seed", &CoreBinding::seed)
      .function("setIdentity", &CoreBinding::setIdentity)
      .function("sessionId", &CoreBinding::sessionId)
      .function("clickCategory", &CoreBinding::clickCategory)
      .function("requestTimeoutMs", &CoreBinding::requestTimeoutMs)
      .function("restore", &CoreBinding::restore)
      .function("sessionState", &CoreBinding::sessionState)
      .function("restoreSession", &CoreBinding::restoreSession)
      .function("setEnabled", &CoreBinding::setEnabled)
      .function("stats", &CoreBinding::stats)
      .function("lastError", &CoreBinding::lastError)
      .function("_invalidCall", &CoreBinding::invalidCall)
      .function("_address", &CoreBinding::address);
}
