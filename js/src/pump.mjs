// The pump: the only thing that talks to the network for the core.
//   - ONE timer, armed at min(core.nextDeadline(now), earliest request timeout);
//   - pollBatch(now) -> transport -> onResult(requestId, now, status, retryAfter, body);
//   - a request still unanswered after core.requestTimeoutMs() is aborted and
//     reported as status 0 (its late answer, if any, is ignored).
// All decisions (when, what, retry, backoff, drop) are the core's.

const MAX_TIMER_DELAY_MS = 0x7fffffff;

export class Pump {
  /**
   * @param {object} core        a live Core (bindings/clik_core.d.ts)
   * @param {object} ports       resolvePorts() result (now, setTimeout, clearTimeout)
   * @param {{normal: Function, urgent: Function}} transports  (batch, info) => Promise<DeliveryResult>
   * @param {{changed: () => void, error: (e: unknown) => void}} hooks
   */
  constructor(core, ports, transports, hooks) {
    this.core = core;
    this.ports = ports;
    this.transports = transports;
    this.hooks = hooks;
    this.inFlight = new Map(); // requestId -> {deadline, controller, done, resolve}
    this.timer = null;
    this.timerAt = -1;
    this.stopped = false;
    this.requests = 0;
    /** True while the core holds a batch for a retry (observed from its retries counter). */
    this.backingOff = false;
    this.onWake = () => this.wake();
  }

  /** Sends whatever normal batch is due now, then re-arms the timer. */
  pump() {
    if (this.stopped) return;
    const now = this.ports.now();
    const batch = this.core.pollBatch(now);
    if (batch) this.send(this.core.requestId(), batch, false, now);
    this.arm(now);
  }

  /**
   * Hands every event the core releases for an urgent flush to the transport.
   * keepalive: true at page hide (the request must outlive the page).
   * Returns the number of requests started.
   */
  drainUrgent(keepalive) {
    if (this.stopped) return 0;
    const now = this.ports.now();
    let started = 0;
    for (let batch = this.core.pollUrgent(now); batch; batch = this.core.pollUrgent(now)) {
      this.send(this.core.requestId(), batch, keepalive, now);
      started++;
    }
    this.arm(now);
    return started;
  }

  /** Resolves when every request in flight at call time has settled. */
  settled() {
    return Promise.all(Array.from(this.inFlight.values(), (r) => r.done));
  }

  send(id, batch, keepalive, now) {
    let resolve;
    const done = new Promise((r) => { resolve = r; });
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const entry = { deadline: now + this.core.requestTimeoutMs(), controller, done, resolve, ok: false };
    this.inFlight.set(id, entry);
    this.requests++;
    const transport = keepalive ? this.transports.urgent : this.transports.normal;
    let pending;
    try {
      pending = Promise.resolve(transport(batch, { keepalive, signal: controller ? controller.signal : undefined }));
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (r) => this.settle(id, r.status, r.retryAfter, r.body),
      (err) => {
        // A network error is an expected outcome (status 0), not a shim error,
        // unless it is not an error at all (a bug in a user transport).
        if (!(err instanceof Error) && !(err && err.name)) this.hooks.error(err);
        this.settle(id, 0, '', '');
      },
    );
  }

  settle(id, status, retryAfter, body) {
    const entry = this.inFlight.get(id);
    if (!entry) return; // timed out already: the core has been told
    this.inFlight.delete(id);
    entry.ok = status >= 200 && status < 300;
    if (!this.stopped) {
      try {
        const retriesBefore = entry.ok ? 0 : this.retries();
        this.core.onResult(id, this.ports.now(), status | 0, retryAfter || '', body || '');
        this.backingOff = !entry.ok && this.retries() > retriesBefore;
        this.hooks.changed();
        this.pump();
      } catch (err) {
        this.hooks.error(err);
      }
    }
    entry.resolve(entry.ok);
  }

  retries() {
    return JSON.parse(this.core.stats()).retries;
  }

  wake() {
    this.timer = null;
    this.timerAt = -1;
    if (this.stopped) return;
    try {
      const now = this.ports.now();
      for (const [id, entry] of Array.from(this.inFlight)) {
        if (entry.deadline <= now) {
          if (entry.controller) {
            try { entry.controller.abort(); } catch { /* already settled */ }
          }
          this.settle(id, 0, '', '');
        }
      }
      this.pump();
    } catch (err) {
      this.hooks.error(err);
    }
  }

  /** Sets the single timer for the earliest thing that needs us. */
  arm(now) {
    if (this.stopped) return;
    let at = this.core.nextDeadline(now);
    for (const entry of this.inFlight.values()) {
      if (at < 0 || entry.deadline < at) at = entry.deadline;
    }
    if (at === this.timerAt && this.timer !== null) return;
    this.disarm();
    if (at < 0) return;
    this.timerAt = at;
    // Timers overflow past 2^31-1 ms (they would fire at once): wake early instead.
    this.timer = this.ports.setTimeout(this.onWake, Math.min(MAX_TIMER_DELAY_MS, Math.max(0, at - now)));
    // Never keep node alive just for analytics.
    if (this.timer && typeof this.timer.unref === 'function') this.timer.unref();
  }

  disarm() {
    if (this.timer !== null) this.ports.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = -1;
  }

  stop() {
    this.stopped = true;
    this.disarm();
    for (const entry of this.inFlight.values()) entry.resolve(false);
  }
}
