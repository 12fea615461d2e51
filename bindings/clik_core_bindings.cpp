// The core's surface for JS: plain wasm exports, plain numbers and strings in
// and out, no logic (bindings/clik_core.d.ts is the contract).
//
// No embind: its 3.1.6 runtime (type registry, invokers, string marshalling
// that copies byte by byte in JS under DYNAMIC_EXECUTION=0) was a large part of
// the JS glue and of the .wasm, for a surface of a few numbers and strings.
// Instead every call is one wasm export taking the binding's address; strings
// travel as UTF-8 bytes in two buffers the binding owns (`in_` filled by JS,
// `out_` read by JS), so a call is one wasm call plus a TextEncoder/TextDecoder
// pass. clik_core_module.mjs loads the module, checks JS argument types and
// builds the Core class of clik_core.d.ts on these exports.
#include <emscripten/em_macros.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "clik/core.hpp"

namespace {

class CoreBinding {
 public:
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

// Lifetime: one binding per JS Core object, freed by its delete().
EMSCRIPTEN_KEEPALIVE CoreBinding* clik_new() { return new CoreBinding(); }
EMSCRIPTEN_KEEPALIVE void clik_delete(CoreBinding* b) { delete b; }

EMSCRIPTEN_KEEPALIVE char* clik_in(CoreBinding* b, std::uint32_t n) { return b->in(n); }
EMSCRIPTEN_KEEPALIVE const char* clik_out(CoreBinding* b) { return b->out(); }
EMSCRIPTEN_KEEPALIVE void clik_trim(CoreBinding* b) { b->trim(); }

// --- calls made a few times per page ---
EMSCRIPTEN_KEEPALIVE std::uint32_t clik_configure(CoreBinding* b, std::uint32_t json_len) {
  return b->put(b->core().configure(b->arg(0, json_len)));
}
EMSCRIPTEN_KEEPALIVE void clik_seed(CoreBinding* b, std::uint32_t hex_len) { b->core().seed(b->arg(0, hex_len)); }
EMSCRIPTEN_KEEPALIVE int clik_set_identity(CoreBinding* b, std::uint32_t u_len, std::uint32_t s_len, std::uint32_t c_len) {
  return b->core().set_identity(b->arg(0, u_len), b->arg(u_len, s_len), b->arg(u_len + s_len, c_len));
}
EMSCRIPTEN_KEEPALIVE std::uint32_t clik_session_id(CoreBinding* b, double now) { return b->put(b->core().session_id(now)); }
EMSCRIPTEN_KEEPALIVE std::uint32_t clik_click_category(CoreBinding* b, std::uint32_t target_len) {
  return b->put(b->core().click_category(b->arg(0, target_len)));
}
EMSCRIPTEN_KEEPALIVE double clik_request_timeout_ms(CoreBinding* b) {
  return static_cast<double>(b->core().request_timeout_ms());
}
EMSCRIPTEN_KEEPALIVE int clik_restore(CoreBinding* b, double now, std::uint32_t snapshot_len) {
  return b->core().restore(b->arg(0, snapshot_len), now);
}
EMSCRIPTEN_KEEPALIVE std::uint32_t clik_session_state(CoreBinding* b) { return b->put(b->core().session_state()); }
EMSCRIPTEN_KEEPALIVE std::uint32_t clik_session_revision(CoreBinding* b) { return b->core().session_revision(); }
EMSCRIPTEN_KEEPALIVE int clik_restore_session(CoreBinding* b, std::uint32_t state_len) {
  return b->core().restore_session(b->arg(0, state_len));
}
EMSCRIPTEN_KEEPALIVE void clik_set_enabled(CoreBinding* b, int enabled) { b->core().set_enabled(enabled != 0); }
EMSCRIPTEN_KEEPALIVE std::uint32_t clik_stats(CoreBinding* b) { return b->put(b->core().stats()); }
EMSCRIPTEN_KEEPALIVE std::uint32_t clik_last_error(CoreBinding* b) { return b->put(b->core().last_error()); }
EMSCRIPTEN_KEEPALIVE int clik_invalid_call(CoreBinding* b, std::uint32_t message_len) {
  return b->core().invalid_call(b->arg(0, message_len));
}

// --- calls made per event or per flush ---
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
EMSCRIPTEN_KEEPALIVE void clik_mark_persisted(CoreBinding* b) { b->core().mark_persisted(); }
EMSCRIPTEN_KEEPALIVE double clik_request_id(CoreBinding* b) { return b->core().request_id(); }
EMSCRIPTEN_KEEPALIVE double clik_next_deadline(CoreBinding* b, double now) { return b->core().next_deadline(now); }

}  // extern "C"
