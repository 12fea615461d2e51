// A trackClick that does nothing: what the measurement itself costs per call (the
// loop, the performance.now pair per burst, the task boundary between bursts, the
// idle-second correction's noise). No SDK can measure below this row, so it is the
// floor under every ratio in the table (bench/js/bench.mjs).
window.benchSdk = {
  ready: Promise.resolve(),
  trackClick() {},
};
