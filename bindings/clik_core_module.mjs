// The WebAssembly core as an ES module: bindings/clik_core.d.ts's
// createClikCore() and its Core class over the plain exports of
// clik_core_bindings.cpp (a standalone wasm: two imports, exports by name).
// Copied to build/wasm/clik_core.mjs next to the .wasm by bindings/CMakeLists.txt.
//
// Hand-written instead of emscripten's glue: the glue's runtime (module
// object, run dependencies, export wrappers, heap views of every width) was
// ~3 KB brotli of the script-tag download for a module that needs one heap
// view and no runtime. Pure marshalling: all decisions stay in the C++ core.
//
// Wrong JS argument types become an error value (CoreError.INVALID_ARGUMENT,
// "" or the message, counted in stats().invalidCalls through _invalidCall)
// instead of an exception, so that no Core method throws for bad input; only
// using a Core after its delete() throws (a bug of the caller, as with any
// freed handle). null/undefined strings mean "". Strings cross as UTF-8 written
// by TextEncoder, which turns lone UTF-16 surrogates into U+FFFD.

const WASM_FILE = 'clik_core.wasm';

/**
 * @param {{wasmBinary?: ArrayBuffer|Uint8Array, locateFile?: (path: string, prefix: string) => string}} [options]
 * @returns {Promise<{Core: Function}>}
 */
export default async function createClikCore(options = {}) {
  const imports = {
    // Memory growth replaces memory.buffer; the heap view below notices by itself.
    env: { emscripten_notify_memory_growth() {} },
    // Reached only through abort() (e.g. out of memory): a trap, which the caller catches.
    wasi_snapshot_preview1: {
      proc_exit(code) {
        throw new WebAssembly.RuntimeError('clik core aborted (exit ' + code + ')');
      },
    },
  };
  const instance = options.wasmBinary
    ? (await WebAssembly.instantiate(options.wasmBinary, imports)).instance
    : await instantiateFrom(options.locateFile ? options.locateFile(WASM_FILE, '') : new URL(WASM_FILE, import.meta.url).href, imports);
  instance.exports._initialize(); // static constructors (a reactor module: no main)
  return { Core: coreClass(instance.exports) };
}

async function instantiateFrom(url, imports) {
  if (typeof WebAssembly.instantiateStreaming === 'function') {
    try {
      return (await WebAssembly.instantiateStreaming(fetch(url, { credentials: 'same-origin' }), imports)).instance;
    } catch {
      // e.g. served without Content-Type: application/wasm: compile from the bytes instead
    }
  }
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error("failed to load wasm binary file at '" + url + "' (HTTP " + res.status + ')');
  return (await WebAssembly.instantiate(await res.arrayBuffer(), imports)).instance;
}

function coreClass(ex) {
  var memory = ex.memory;
  var heap = new Uint8Array(memory.buffer);
  // The heap as bytes; memory growth detaches the old buffer, so the view is
  // renewed whenever memory.buffer is another one.
  function heapU8() {
    return heap.buffer === memory.buffer ? heap : (heap = new Uint8Array(memory.buffer));
  }

  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  // Past this many bytes in or out, the binding's buffers are freed after the call.
  var TRIM_BYTES = 65536;

  function Core() {
    this.p = ex.clik_new();
  }
  var proto = Core.prototype;

  // The C++ binding's address; delete() zeroes it.
  function self(core) {
    if (!core.p) throw new Error('clik Core: used after delete()');
    return core.p;
  }

  // UTF-8 of s at heap bytes [at, end): an ASCII loop (share-page strings are
  // short and ASCII), TextEncoder from the first other character on.
  function encode(s, at, end) {
    var bytes = heapU8(), n = s.length, i = 0;
    for (; i < n; i++) {
      var c = s.charCodeAt(i);
      if (c > 127) break;
      bytes[at + i] = c;
    }
    if (i === n) return n;
    return i + encoder.encodeInto(s.substring(i), bytes.subarray(at + i, end)).written;
  }
  // Writes string arguments a, b, c (null/undefined: "") one after the other
  // into the binding's input buffer; their byte lengths are left in lenA..lenC.
  var lenA = 0, lenB = 0, lenC = 0;
  function put(p, a, b, c) {
    a = a == null ? '' : a;
    b = b == null ? '' : b;
    c = c == null ? '' : c;
    var room = 3 * (a.length + b.length + c.length);  // UTF-8 bytes per UTF-16 unit: at most 3
    var at = ex.clik_in(p, room);                       // may grow memory: the heap view is taken after it
    lenA = encode(a, at, at + room);
    lenB = encode(b, at + lenA, at + room);
    lenC = encode(c, at + lenA + lenB, at + room);
  }
  // The string the last call left in the binding's output buffer.
  function take(p, length) {
    if (!length) return '';
    var at = ex.clik_out(p);
    var s = decoder.decode(heapU8().subarray(at, at + length));
    if (length > TRIM_BYTES) ex.clik_trim(p);
    return s;
  }
  function done(p, result) {
    if (lenA + lenB + lenC > TRIM_BYTES) ex.clik_trim(p);
    return result;
  }

  function invalidCall(core, message) {
    var p = self(core);
    put(p, message);
    return done(p, ex.clik_invalid_call(p, lenA));
  }
  // True when v is of `kind` ('n' number, 's' string, null or undefined);
  // otherwise records the invalid call on the core and returns false.
  function ok(core, name, index, kind, v) {
    if (kind === 's' ? v == null || typeof v === 'string' : typeof v === 'number') return true;
    invalidCall(core, name + ': argument ' + (index + 1) + ' must be ' + (kind === 's' ? 'a string' : 'a number'));
    return false;
  }

  proto['delete'] = function () {
    ex.clik_delete(self(this));
    this.p = 0;
  };
  proto['_invalidCall'] = function (message) {
    return invalidCall(this, typeof message === 'string' ? message : String(message));
  };

  // --- calls made a few times per page ---
  proto['configure'] = function (json) {
    var p = self(this);
    if (!ok(this, 'configure', 0, 's', json)) return this['lastError']();
    put(p, json);
    return done(p, take(p, ex.clik_configure(p, lenA)));
  };
  proto['seed'] = function (hex) {
    var p = self(this);
    if (!ok(this, 'seed', 0, 's', hex)) return;
    put(p, hex);
    done(p, ex.clik_seed(p, lenA));
  };
  proto['setIdentity'] = function (userCode, shareCode, contactId) {
    var p = self(this);
    if (!ok(this, 'setIdentity', 0, 's', userCode) || !ok(this, 'setIdentity', 1, 's', shareCode) ||
        !ok(this, 'setIdentity', 2, 's', contactId)) return -1;
    put(p, userCode, shareCode, contactId);
    return done(p, ex.clik_set_identity(p, lenA, lenB, lenC));
  };
  proto['sessionId'] = function (now) {
    var p = self(this);
    if (!ok(this, 'sessionId', 0, 'n', now)) return '';
    return take(p, ex.clik_session_id(p, now));
  };
  proto['clickCategory'] = function (target) {
    var p = self(this);
    if (!ok(this, 'clickCategory', 0, 's', target)) return '';
    put(p, target);
    return done(p, take(p, ex.clik_click_category(p, lenA)));
  };
  proto['requestTimeoutMs'] = function () {
    return ex.clik_request_timeout_ms(self(this));
  };
  proto['restore'] = function (snapshot, now) {
    var p = self(this);
    if (!ok(this, 'restore', 0, 's', snapshot) || !ok(this, 'restore', 1, 'n', now)) return -1;
    put(p, snapshot);
    return done(p, ex.clik_restore(p, now, lenA));
  };
  proto['sessionState'] = function () {
    var p = self(this);
    return take(p, ex.clik_session_state(p));
  };
  proto['sessionRevision'] = function () {
    return ex.clik_session_revision(self(this)) >>> 0;
  };
  proto['restoreSession'] = function (state) {
    var p = self(this);
    if (!ok(this, 'restoreSession', 0, 's', state)) return -1;
    put(p, state);
    return done(p, ex.clik_restore_session(p, lenA));
  };
  proto['setEnabled'] = function (enabled) {
    ex.clik_set_enabled(self(this), enabled ? 1 : 0);
  };
  proto['stats'] = function () {
    var p = self(this);
    return take(p, ex.clik_stats(p));
  };
  proto['lastError'] = function () {
    var p = self(this);
    return take(p, ex.clik_last_error(p));
  };

  // --- calls made per event and per flush ---
  proto['trackClick'] = function (now, target) {
    var p = self(this);
    if (!ok(this, 'trackClick', 0, 'n', now) || !ok(this, 'trackClick', 1, 's', target)) return -1;
    put(p, target);
    return done(p, ex.clik_track_click(p, now, lenA));
  };
  proto['trackPageView'] = function (now, pageType) {
    var p = self(this);
    if (!ok(this, 'trackPageView', 0, 'n', now) || !ok(this, 'trackPageView', 1, 's', pageType)) return -1;
    put(p, pageType);
    return done(p, ex.clik_track_page_view(p, now, lenA));
  };
  proto['trackSession'] = function (now, userAgent, referrer) {
    var p = self(this);
    if (!ok(this, 'trackSession', 0, 'n', now) || !ok(this, 'trackSession', 1, 's', userAgent) ||
        !ok(this, 'trackSession', 2, 's', referrer)) return -1;
    put(p, userAgent, referrer);
    return done(p, ex.clik_track_session(p, now, lenA, lenB));
  };
  proto['onResult'] = function (requestId, now, status, retryAfter, body) {
    var p = self(this);
    if (!ok(this, 'onResult', 0, 'n', requestId) || !ok(this, 'onResult', 1, 'n', now) ||
        !ok(this, 'onResult', 2, 'n', status) || !ok(this, 'onResult', 3, 's', retryAfter) ||
        !ok(this, 'onResult', 4, 's', body)) return -1;
    put(p, retryAfter, body);
    return done(p, ex.clik_on_result(p, requestId, now, status, lenA, lenB));
  };
  proto['pollBatch'] = function (now) {
    var p = self(this);
    if (!ok(this, 'pollBatch', 0, 'n', now)) return '';
    return take(p, ex.clik_poll_batch(p, now));
  };
  proto['pollUrgent'] = function (now) {
    var p = self(this);
    if (!ok(this, 'pollUrgent', 0, 'n', now)) return '';
    return take(p, ex.clik_poll_urgent(p, now));
  };
  proto['nextDeadline'] = function (now) {
    var p = self(this);
    if (!ok(this, 'nextDeadline', 0, 'n', now)) return -1;
    return ex.clik_next_deadline(p, now);
  };
  proto['snapshot'] = function () {
    var p = self(this);
    return take(p, ex.clik_snapshot(p));
  };
  proto['snapshotSince'] = function (mark) {
    var p = self(this);
    if (!ok(this, 'snapshotSince', 0, 'n', mark)) return '';
    return take(p, ex.clik_snapshot_since(p, mark));
  };
  proto['persistMark'] = function () {
    return ex.clik_persist_mark(self(this));
  };
  proto['heldFloor'] = function () {
    return ex.clik_held_floor(self(this));
  };
  proto['dirty'] = function () {
    return ex.clik_dirty(self(this)) !== 0;
  };
  proto['markPersisted'] = function () {
    ex.clik_mark_persisted(self(this));
  };
  proto['requestId'] = function () {
    return ex.clik_request_id(self(this));
  };

  return Core;
}
