// clik-analytics: the package entry (ESM for bundlers and node 20).
//
// Public API (types in js/index.d.ts):
//   createTracker(options)            -> Tracker, usable synchronously; calls made
//                                        before the WebAssembly core is ready are
//                                        queued and replayed in order with their
//                                        original timestamps. `tracker.ready`
//                                        resolves true (core live) or false (inert).
//   init / analyticsBatcher / getOrCreateSessionId / trackView / trackPageView /
//   trackClick                        -> the seed's API (seed_compat.mjs).
//   loadCore({wasmUrl?, wasmBinary?}) -> the memoised default core loader.
//
// For embedders (the script-tag build in js/script-tag/): the second argument
//   createTracker(options, { loadCore: () => Promise<CoreModule> })
// replaces how the core is loaded, e.g. to use a wasm URL next to the script
// or a glue bundled differently. CoreModule is bindings/clik_core.d.ts's; the
// promise may reject: the tracker then warns once and stays inert. Nothing
// else about the tracker changes.
import { Tracker } from './tracker.mjs';

export { loadCore } from './core_loader.mjs';
export { defaultPageType } from './autocapture.mjs';
export { init, analyticsBatcher, getOrCreateSessionId, trackView, trackPageView, trackClick } from './seed_compat.mjs';

/**
 * @param {import('../index').TrackerOptions} options
 * @param {{loadCore?: () => Promise<object>}} [embedding]
 * @returns {import('../index').Tracker}
 */
export function createTracker(options, embedding) {
  const e = embedding && typeof embedding.loadCore === 'function' ? { loadCore: embedding.loadCore } : {};
  return new Tracker(options, e).api();
}
