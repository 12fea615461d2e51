// The core's counters (bindings/clik_core.d.ts, stats()) before the core is
// loaded or when it could not load: same shape, all zero, so callers never
// have to test for missing fields.
export function zeroCoreStats() {
  return {
    queued: 0, inFlight: 0, tracked: 0, delivered: 0, retries: 0, truncated: 0,
    restoreErrors: 0, invalidCalls: 0,
    dropped: {
      queue_overflow: 0, rejected_by_server: 0, permanent_failure: 0,
      retries_exhausted: 0, expired: 0, opt_out: 0, oversize: 0,
    },
  };
}
