// Post-js for clik_core.mjs: makes wrong JS argument types an error value
// (CoreError.INVALID_ARGUMENT / "" + lastError(), counted in stats().invalidCalls)
// instead of the exception embind would throw, so that no Core method throws
// for bad input (bindings/clik_core.d.ts). null/undefined strings mean "".
// Lone UTF-16 surrogates become U+FFFD here: the 3.1.6 glue's UTF-8 encoder
// would otherwise fuse a lone surrogate with the next character into a wrong
// (valid-looking) code point that the core cannot detect.
// Pure marshalling: all decisions stay in the C++ core.
addOnInit(function () {
  var proto = Module['Core'].prototype;
  var invalid = proto['_invalidCall'];
  // name: [argument kinds ('n' number, 's' string), value returned on bad types]
  // A null error value means "return the message" (configure's contract).
  var signatures = {
    'configure': ['s', null],
    'seed': ['s', undefined],
    'setIdentity': ['sss', -1],
    'trackSession': ['nss', -1],
    'trackPageView': ['ns', -1],
    'trackClick': ['ns', -1],
    'sessionId': ['n', ''],
    'clickCategory': ['s', ''],
    'nextDeadline': ['n', -1],
    'pollBatch': ['n', ''],
    'pollUrgent': ['n', ''],
    'onResult': ['nnnss', -1],
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
    proto[name] = function (a, b, c, d, e) {
      var args = [a, b, c, d, e];
      for (var i = 0; i < arity; i++) {
        var v = args[i];
        if (kinds.charAt(i) === 's') {
          if (v == null) args[i] = '';
          else if (typeof v !== 'string') return fail(this, name, i, 'a string', onError);
          else args[i] = wellFormed(v);
        } else if (typeof v !== 'number') {
          return fail(this, name, i, 'a number', onError);
        }
      }
      switch (arity) {
        case 1: return original.call(this, args[0]);
        case 2: return original.call(this, args[0], args[1]);
        case 3: return original.call(this, args[0], args[1], args[2]);
        default: return original.call(this, args[0], args[1], args[2], args[3], args[4]);
      }
    };
  }
  function fail(self, name, index, expected, onError) {
    var message = name + ': argument ' + (index + 1) + ' must be ' + expected;
    invalid.call(self, message);
    return onError === null ? message : onError;
  }
  for (var name in signatures) {
    if (Object.prototype.hasOwnProperty.call(signatures, name)) {
      wrap(name, signatures[name][0], signatures[name][1]);
    }
  }
});
