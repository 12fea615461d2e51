// The pure-JS baseline: push an object, JSON.stringify every 20 (what a
// minimal hand-written batcher pays per event, with no persistence and no send).
let queue = [];
window.benchSdk = {
  ready: Promise.resolve(),
  trackClick(target) {
    queue.push({ type: 'click', data: { clickTarget: target, timestamp: Date.now() } });
    if (queue.length === 20) {
      window.benchSink = JSON.stringify(queue);
      queue = [];
    }
  },
};
