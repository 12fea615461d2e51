// clik-analytics as a share page gets it: the script tag (dist/script/clik.js,
// loaded by the bench page with data-* pointing at the stub server) and the
// window.clik dispatcher. Ready once the WebAssembly core is live.
window.benchSdk = {
  ready: new Promise((resolve) => window.clik((tracker) => resolve(tracker.ready))).then((live) => {
    if (!live) throw new Error('the clik core did not load');
  }),
  trackClick: (target) => window.clik('trackClick', target),
};
