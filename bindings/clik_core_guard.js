// Post-js for clik_core.mjs: builds Module.Core (bindings/clik_core.d.ts) on
// the plain exports of clik_core_bindings.cpp. Pure marshalling: all decisions
// stay in the C++ core.
//
// Wrong JS argument types become an error value (CoreError.INVALID_ARGUMENT,
// "" or the message, counted in stats().invalidCalls through _invalidCall)
// instead of an exception, so that no Core method throws for bad input; only
// using a Core after its delete() throws (a bug of the caller, as with any
// freed handle). null/undefined strings mean "". Strings cross as UTF-8 written
// by TextEncoder, which turns lone UTF-16 surrogates into U+FFFD.
addOnInit(function () {
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  // Past this many bytes in or out, the binding's buffers are freed after the call.
  var TRIM_BYTES = 65536;

  /** @constructor */
  function Core() {
    this.p = _clik_new();
  }
  Module['Core'] = Core;
  var proto = Core.prototype;

  // The C++ binding's address; delete() zeroes it.
  function self(core) {
    if (!core.p) throw new Error('clik Core: used after delete()');
    return core.p;
  }

  // UTF-8 of s at HEAPU8[at..end): an ASCII loop (share-page strings are
  // short and ASCII), TextEncoder from the first other character on.
  function encode(s, at, end) {
    var heap = HEAPU8, n = s.length, i = 0;
    for (; i < n; i++) {
      var c = s.charCodeAt(i);
      if (c > 127) break;
      heap[at + i] = c;
    }
    if (i === n) return n;
    return i + encoder.encodeInto(s.substring(i), heap.subarray(at + i, end)).written;
  }
  // Writes string arguments a, b, c (null/undefined: "") one after the other
  // into the binding's input buffer; their byte lengths are left in lenA..lenC.
  var lenA = 0, lenB = 0, lenC = 0;
  function put(p, a, b, c) {
    a = a == null ? '' : a;
    b = b == null ? '' : b;
    c = c == null ? '' : c;
    var room = 3 * (a.length + b.length + c.length);  // UTF-8 bytes per UTF-16 unit: at most 3
    var at = _clik_in(p, room);                       // may grow memory: HEAPU8 is read after it
    lenA = encode(a, at, at + room);
    lenB = encode(b, at + lenA, at + room);
    lenC = encode(c, at + lenA + lenB, at + room);
  }
  // The string the last call left in the binding's output buffer.
  function take(p, length) {
    if (!length) return '';
    var at = _clik_out(p);
    var s = decoder.decode(HEAPU8.subarray(at, at + length));
    if (length > TRIM_BYTES) _clik_trim(p);
    return s;
  }
  function done(p, result) {
    if (lenA + lenB + lenC > TRIM_BYTES) _clik_trim(p);
    return result;
  }

  function invalidCall(core, message) {
    var p = self(core);
    put(p, message);
    return done(p, _clik_invalid_call(p, lenA));
  }
  // True when v is of `kind` ('n' number, 's' string, null or undefined);
  // otherwise records the invalid call on the core and returns false.
  function ok(core, name, index, kind, v) {
    if (kind === 's' ? v == null || typeof v === 'string' : typeof v === 'number') return true;
    invalidCall(core, name + ': argument ' + (index + 1) + ' must be ' + (kind === 's' ? 'a string' : 'a number'));
    return false;
  }

  proto['delete'] = function () {
    _clik_delete(self(this));
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
    return done(p, take(p, _clik_configure(p, lenA)));
  };
  proto['seed'] = function (hex) {
    var p = self(this);
    if (!ok(this, 'seed', 0, 's', hex)) return;
    put(p, hex);
    done(p, _clik_seed(p, lenA));
  };
  proto['setIdentity'] = function (userCode, shareCode, contactId) {
    var p = self(this);
    if (!ok(this, 'setIdentity', 0, 's', userCode) || !ok(this, 'setIdentity', 1, 's', shareCode) ||
        !ok(this, 'setIdentity', 2, 's', contactId)) return -1;
    put(p, userCode, shareCode, contactId);
    return done(p, _clik_set_identity(p, lenA, lenB, lenC));
  };
  proto['sessionId'] = function (now) {
    var p = self(this);
    if (!ok(this, 'sessionId', 0, 'n', now)) return '';
    return take(p, _clik_session_id(p, now));
  };
  proto['clickCategory'] = function (target) {
    var p = self(this);
    if (!ok(this, 'clickCategory', 0, 's', target)) return '';
    put(p, target);
    return done(p, take(p, _clik_click_category(p, lenA)));
  };
  proto['requestTimeoutMs'] = function () {
    return _clik_request_timeout_ms(self(this));
  };
  proto['restore'] = function (snapshot, now) {
    var p = self(this);
    if (!ok(this, 'restore', 0, 's', snapshot) || !ok(this, 'restore', 1, 'n', now)) return -1;
    put(p, snapshot);
    return done(p, _clik_restore(p, now, lenA));
  };
  proto['sessionState'] = function () {
    var p = self(this);
    return take(p, _clik_session_state(p));
  };
  proto['restoreSession'] = function (state) {
    var p = self(this);
    if (!ok(this, 'restoreSession', 0, 's', state)) return -1;
    put(p, state);
    return done(p, _clik_restore_session(p, lenA));
  };
  proto['setEnabled'] = function (enabled) {
    _clik_set_enabled(self(this), enabled ? 1 : 0);
  };
  proto['stats'] = function () {
    var p = self(this);
    return take(p, _clik_stats(p));
  };
  proto['lastError'] = function () {
    var p = self(this);
    return take(p, _clik_last_error(p));
  };

  // --- calls made per event and per flush ---
  proto['trackClick'] = function (now, target) {
    var p = self(this);
    if (!ok(this, 'trackClick', 0, 'n', now) || !ok(this, 'trackClick', 1, 's', target)) return -1;
    put(p, target);
    return done(p, _clik_track_click(p, now, lenA));
  };
  proto['trackPageView'] = function (now, pageType) {
    var p = self(this);
    if (!ok(this, 'trackPageView', 0, 'n', now) || !ok(this, 'trackPageView', 1, 's', pageType)) return -1;
    put(p, pageType);
    return done(p, _clik_track_page_view(p, now, lenA));
  };
  proto['trackSession'] = function (now, userAgent, referrer) {
    var p = self(this);
    if (!ok(this, 'trackSession', 0, 'n', now) || !ok(this, 'trackSession', 1, 's', userAgent) ||
        !ok(this, 'trackSession', 2, 's', referrer)) return -1;
    put(p, userAgent, referrer);
    return done(p, _clik_track_session(p, now, lenA, lenB));
  };
  proto['onResult'] = function (requestId, now, status, retryAfter, body) {
    var p = self(this);
    if (!ok(this, 'onResult', 0, 'n', requestId) || !ok(this, 'onResult', 1, 'n', now) ||
        !ok(this, 'onResult', 2, 'n', status) || !ok(this, 'onResult', 3, 's', retryAfter) ||
        !ok(this, 'onResult', 4, 's', body)) return -1;
    put(p, retryAfter, body);
    return done(p, _clik_on_result(p, requestId, now, status, lenA, lenB));
  };
  proto['pollBatch'] = function (now) {
    var p = self(this);
    if (!ok(this, 'pollBatch', 0, 'n', now)) return '';
    return take(p, _clik_poll_batch(p, now));
  };
  proto['pollUrgent'] = function (now) {
    var p = self(this);
    if (!ok(this, 'pollUrgent', 0, 'n', now)) return '';
    return take(p, _clik_poll_urgent(p, now));
  };
  proto['nextDeadline'] = function (now) {
    var p = self(this);
    if (!ok(this, 'nextDeadline', 0, 'n', now)) return -1;
    return _clik_next_deadline(p, now);
  };
  proto['snapshot'] = function () {
    var p = self(this);
    return take(p, _clik_snapshot(p));
  };
  proto['snapshotSince'] = function (mark) {
    var p = self(this);
    if (!ok(this, 'snapshotSince', 0, 'n', mark)) return '';
    return take(p, _clik_snapshot_since(p, mark));
  };
  proto['persistMark'] = function () {
    return _clik_persist_mark(self(this));
  };
  proto['heldFloor'] = function () {
    return _clik_held_floor(self(this));
  };
  proto['dirty'] = function () {
    return _clik_dirty(self(this)) !== 0;
  };
  proto['markPersisted'] = function () {
    _clik_mark_persisted(self(this));
  };
  proto['requestId'] = function () {
    return _clik_request_id(self(this));
  };
});
