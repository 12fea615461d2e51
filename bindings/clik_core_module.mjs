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

  // The methods of bindings/clik_core.d.ts, one wasm export each, as
  // "name:arguments:result". The export is clik_ + the name in snake case. Arguments,
  // in order: 'n' a number, passed as is; 's' a string (null or undefined: ""),
  // written to the input buffer and passed as its UTF-8 length after the numbers;
  // 'b' a truthy value, passed as 1 or 0. Result: 's' the string the call left in
  // the output buffer, 'i' a number, 'u' an unsigned 32-bit number, 'b' a boolean,
  // nothing when empty. An argument of the wrong type makes the call an error value
  // instead: "" for a string result, -1 (CoreError.INVALID_ARGUMENT) for a number.
  // Written as data, not one function per method: this glue is part of what every
  // page with the script tag downloads. trackClick, the one call per event, and
  // configure, whose error value is its message, are written out below.
  var METHODS = ('seed:s: setIdentity:sss:i sessionId:n:s clickCategory:s:s requestTimeoutMs::i ' +
    'restore:sn:i sessionState::s sessionRevision::u restoreSession:s:i setEnabled:b: stats::s ' +
    'lastError::s trackPageView:ns:i trackSession:nss:i onResult:nnnss:i pollBatch:n:s ' +
    'pollUrgent:n:s nextDeadline:n:i snapshot::s snapshotSince:n:s persistMark::i heldFloor::i ' +
    'dirty::b markPersisted:: requestId::i').split(' ');
  METHODS.forEach(function (spec) {
    var parts = spec.split(':'), name = parts[0], kinds = parts[1], result = parts[2];
    var fn = ex['clik_' + name.replace(/[A-Z]/g, function (c) { return '_' + c.toLowerCase(); })];
    var invalid = result === 's' ? '' : result ? -1 : undefined;
    var strings = kinds.indexOf('s') >= 0;
    proto[name] = function () {
      var p = self(this), args = [p], text = [];
      for (var i = 0; i < kinds.length; i++) {
        var v = arguments[i];
        if (kinds[i] === 'b') args.push(v ? 1 : 0);
        else if (!ok(this, name, i, kinds[i], v)) return invalid;
        else (kinds[i] === 's' ? text : args).push(v);
      }
      if (strings) {
        put(p, text[0], text[1], text[2]);
        args.push(lenA, lenB, lenC);
        args.length = 1 + kinds.length; // the lengths of the strings given, no more
      }
      var r = fn.apply(null, args);
      r = result === 's' ? take(p, r) : result === 'u' ? r >>> 0 : result === 'b' ? r !== 0 : result ? r : undefined;
      return strings ? done(p, r) : r;
    };
  });

  proto['configure'] = function (json) {
    var p = self(this);
    if (!ok(this, 'configure', 0, 's', json)) return this['lastError']();
    put(p, json);
    return done(p, take(p, ex.clik_configure(p, lenA)));
  };
  // Nearly every event is a click: written out, so that call pays none of the
  // table's argument loop and arrays.
  proto['trackClick'] = function (now, target) {
    var p = self(this);
    if (!ok(this, 'trackClick', 0, 'n', now) || !ok(this, 'trackClick', 1, 's', target)) return -1;
    put(p, target);
    return done(p, ex.clik_track_click(p, now, lenA));
  };

  return Core;
}
