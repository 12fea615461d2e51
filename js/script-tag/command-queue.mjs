// window.clik: the queueing stub's calls replayed in order, then a live
// dispatcher in its place. The stub every page pastes before the script tag:
//
//   window.clik=window.clik||function(){(window.clik.q=window.clik.q||[]).push(arguments)};
//
// Calls look like clik('trackClick', 'contact.phone'). Only the tracker's public
// methods can be named; anything else is a clear warning, never an exception at
// the page. clik(fn) calls fn(tracker) once the script has loaded.

export const COMMANDS = ['trackView', 'trackPageView', 'trackClick', 'flush', 'stats', 'optOut', 'optIn', 'destroy'];

/**
 * @param {object} tracker  createTracker's result (or an inert stand-in)
 * @param {(message: string) => void} warn
 * @returns {Function} the live window.clik
 */
export function createDispatcher(tracker, warn) {
  function clik(command, ...args) {
    try {
      if (typeof command === 'function') return command(tracker);
      if (COMMANDS.indexOf(command) < 0) {
        warn(`clik-analytics: unknown command ${JSON.stringify(String(command))} (known: ${COMMANDS.join(', ')})`);
        return undefined;
      }
      return tracker[command](...args);
    } catch (err) {
      warn(`clik-analytics: clik(${JSON.stringify(String(command))}) failed: ${err && err.message ? err.message : err}`);
      return undefined;
    }
  }
  clik.live = true;
  return clik;
}

/**
 * Replays what the stub queued, in order, then puts the live dispatcher in its
 * place. A replayed call that calls clik() again reaches the stub, which appends
 * to the same array: it runs after what was queued before it, as it would have.
 * @returns {number} how many queued calls were replayed
 */
export function installDispatcher(win, dispatcher) {
  const stub = win.clik;
  const queue = stub && Array.isArray(stub.q) ? stub.q : null;
  let replayed = 0;
  while (queue && queue.length) {
    const args = queue.shift();
    replayed++;
    dispatcher(...Array.prototype.slice.call(args));
  }
  win.clik = dispatcher;
  return replayed;
}
