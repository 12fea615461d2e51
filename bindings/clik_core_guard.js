// Post-js for clik_core.mjs: turns the two doors of clik_core_bindings.cpp
// into the methods of bindings/clik_core.d.ts. Pure marshalling: all
// decisions stay in the C++ core.
//
// Wrong JS argument types become an error value (CoreError.INVALID_ARGUMENT,
// "" or the message, counted in stats().invalidCalls through _invalidCall)
// instead of an exception, so that no Core method throws for bad input.
// null/undefined strings mean "". Lone UTF-16 surrogates become U+FFFD: the
// 3.1.6 glue's UTF-8 encoder would otherwise fuse a lone surrogate with the
// next character into a wrong (valid-looking) code point that the core cannot
// detect; TextEncoder (the hot path) already replaces them.
addOnInit(function () {
  var proto = Module['Core'].prototype;
  var invalid = proto['_invalidCall'];
  var address = proto['_address'];
  var destroy = proto['delete'];
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  // Past this many bytes in or out, the binding's buffers are freed after the call.
  var TRIM_BYTES = 65536;

  // True when v is of `kind` ('n' number, 's' string, null or undefined);
  // otherwise records the invalid call on the core and returns false.
  function ok(core, name, index, kind, v) {
    if (kind === 's' ? v == null || typeof v === 'string' : typeof v === 'number') return true;
    invalid.call(core, name + ': argument ' + (index + 1) + ' must be ' + (kind === 's' ? 'a string' : 'a number'));
    return false;
  }

  // --- embind door: the calls made a few times per page. ---
  // name: [argument kinds, value returned on bad types]
  // A null error value means "return the message" (configure's contract).
  var embound = {
    'configure': ['s', null],
    'seed': ['s', undefined],
    'setIdentity': ['sss', -1],
    'sessionId': ['n', ''],
    'clickCategory': ['s', ''],
    'restore': ['sn', -1],
    'restoreSession': ['s', -1],
  };
  function wellFormed(v) {
    if (v.isWellFormed ? v.isWellFormed() : !/[\uD800-\uDFFF]/.test(v)) return v;
    if (v.toWellFormed) return v.toWellFormed();
    var out = '';
    for (var i = 0; i < v.length; i++) {
      var c = v.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && (v.charCodeAt(i + 1) & 0xFC00) === 0xDC00) out += v.charAt(i) + v.charAt(++i);
      else out += (c & 0xF800) === 0xD800 ? '\uFFFD' : v.charAt(i);
    }
    return out;
  }
  function wrap(name, kinds, onError) {
    var original = proto[name];
    var arity = kinds.length;
    proto[name] = function (a, b, c) {
      var args = [a, b, c];
      for (var i = 0; i < arity; i++) {
        var v = args[i];
        if (!ok(this, name, i, kinds.charAt(i), v)) {
          return onError === null ? this['lastError']() : onError;
        }
        if (kinds.charAt(i) === 's') args[i] = v == null ? '' : wellFormed(v);
      }
      return original.apply(this, args.slice(0, arity));
    };
  }
  for (var name in embound) {
    if (Object.prototype.hasOwnProperty.call(embound, name)) wrap(name, embound[name][0], embound[name][1]);
  }

  // --- plain-export door: the calls made per event and per flush. ---
  // The C++ object's address, cached on the handle; delete() forgets it, so a
  // deleted handle goes back through embind, which refuses it as before.
  function self(core) {
    return core._clikAddress || (core._clikAddress = address.call(core));
  }
  proto['delete'] = function () {
    this._clikAddress = 0;
    return destroy.call(this);
  };

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
  // Writes string arguments a and b (null/undefined: "") into the binding's
  // input buffer; their byte lengths are left in lenA and lenB.
  var lenA = 0, lenB = 0;
  function put(p, a, b) {
    a = a == null ? '' : a;
    b = b == null ? '' : b;
    var room = 3 * (a.length + b.length);  // UTF-8 bytes per UTF-16 unit: at most 3
    var at = _clik_in(p, room);            // may grow memory: HEAPU8 is read after it
    lenA = encode(a, at, at + room);
    lenB = encode(b, at + lenA, at + room);
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
    if (lenA + lenB > TRIM_BYTES) _clik_trim(p);
    return result;
  }

  proto['trackClick'] = function (now, target) {
    if (!ok(this, 'trackClick', 0, 'n', now) || !ok(this, 'trackClick', 1, 's', target)) return -1;
    var p = self(this);
    put(p, target, '');
    return done(p, _clik_track_click(p, now, lenA));
  };
  proto['trackPageView'] = function (now, pageType) {
    if (!ok(this, 'trackPageView', 0, 'n', now) || !ok(this, 'trackPageView', 1, 's', pageType)) return -1;
    var p = self(this);
    put(p, pageType, '');
    return done(p, _clik_track_page_view(p, now, lenA));
  };
  proto['trackSession'] = function (now, userAgent, referrer) {
    if (!ok(this, 'trackSession', 0, 'n', now) || !ok(this, 'trackSession', 1, 's', userAgent) ||
        !ok(this, 'trackSession', 2, 's', referrer)) return -1;
    var p = self(this);
    put(p, userAgent, referrer);
    return done(p, _clik_track_session(p, now, lenA, lenB));
  };
  proto['onResult'] = function (requestId, now, status, retryAfter, body) {
    if (!ok(this, 'onResult', 0, 'n', requestId) || !ok(this, 'onResult', 1, 'n', now) ||
        !ok(this, 'onResult', 2, 'n', status) || !ok(this, 'onResult', 3, 's', retryAfter) ||
        !ok(this, 'onResult', 4, 's', body)) return -1;
    var p = self(this);
    put(p, retryAfter, body);
    return done(p, _clik_on_result(p, requestId, now, status, lenA, lenB));
  };
  proto['pollBatch'] = function (now) {
    if (!ok(this, 'pollBatch', 0, 'n', now)) return '';
    var p = self(this);
    return take(p, _clik_poll_batch(p, now));
  };
  proto['pollUrgent'] = function (now) {
    if (!ok(this, 'pollUrgent', 0, 'n', now)) return '';
    var p = self(this);
    return take(p, _clik_poll_urgent(p, now));
  };
  proto['nextDeadline'] = function (now) {
    if (!ok(this, 'nextDeadline', 0, 'n', now)) return -1;
    return _clik_next_deadline(self(this), now);
  };
  proto['snapshot'] = function () {
    var p = self(this);
    return take(p, _clik_snapshot(p));
  };
  proto['snapshotSince'] = function (mark) {
    if (!ok(this, 'snapshotSince', 0, 'n', mark)) return '';
    var p = self(this);
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
  proto['requestId'] = function () {
    return _clik_request_id(self(this));
  };
});
