// An HTTP proxy that sits between the SDK and the dev gateway and injects the
// faults real networks and servers produce, chosen per request by a seeded
// PRNG so a failing run can be replayed with the same seed:
//   drop          the request never reaches the server (socket destroyed)
//   error         500 / 502 / 503 answered by the proxy, server untouched
//   rate_limited  429 with Retry-After, server untouched
//   lost_response the server commits, then the client's socket is destroyed
//                 (the classic duplicate maker: the client must retry)
//   slow          the server commits, the answer is held past the client's timeout
//   down          (setDown) every connection is refused until setDown(false)
// CORS preflights are always forwarded untouched: browsers cache them and a
// failed preflight is a different failure from the ones under test.
import http from 'node:http';

const MODES = ['ok', 'drop', 'error', 'rate_limited', 'lost_response', 'slow'];

/** mulberry32: small, seedable, good enough to pick fault modes. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @param {object} o
 * @param {string} o.target        upstream base URL, e.g. http://127.0.0.1:5432
 * @param {number} [o.seed]
 * @param {Record<string, number>} [o.weights]  relative weight per mode (missing = 0, ok defaults to 1)
 * @param {number} [o.slowMs]      how long a "slow" answer is held
 * @param {number} [o.retryAfterSeconds]
 */
export async function startFaultProxy({ target, seed = 1, weights = {}, slowMs = 3000, retryAfterSeconds = 1, port = 0 }) {
  const upstream = new URL(target);
  const random = prng(seed);
  const w = MODES.map((m) => (m === 'ok' ? weights.ok ?? 1 : weights[m] ?? 0));
  const total = w.reduce((a, b) => a + b, 0);
  const counts = Object.fromEntries(MODES.map((m) => [m, 0]));
  counts.down = 0;
  counts.preflight = 0;
  let down = false;
  const sockets = new Set();

  function pick() {
    let r = random() * total;
    for (let i = 0; i < MODES.length; i++) {
      if ((r -= w[i]) < 0) return MODES[i];
    }
    return 'ok';
  }

  function forward(req, body) {
    return new Promise((resolve, reject) => {
      const up = http.request(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });
  }

  function corsHeaders(req) {
    return {
      'access-control-allow-origin': req.headers.origin || '*',
      'access-control-expose-headers': 'retry-after, content-range',
      vary: 'Origin',
    };
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      try {
        if (down) {
          counts.down++;
          req.socket.destroy();
          return;
        }
        if (req.method === 'OPTIONS') {
          counts.preflight++;
          const r = await forward(req, body);
          res.writeHead(r.status, r.headers).end(r.body);
          return;
        }
        const mode = pick();
        counts[mode]++;
        switch (mode) {
          case 'drop':
            req.socket.destroy();
            return;
          case 'error': {
            const status = [500, 502, 503][Math.floor(random() * 3)];
            res.writeHead(status, { 'content-type': 'application/json', ...corsHeaders(req) });
            res.end(JSON.stringify({ code: 'PROXY', message: `injected ${status}`, details: null, hint: null }));
            return;
          }
          case 'rate_limited':
            res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds), ...corsHeaders(req) });
            res.end(JSON.stringify({ code: 'PT429', message: 'injected rate limit', details: null, hint: null }));
            return;
          case 'lost_response':
            await forward(req, body);
            req.socket.destroy();
            return;
          case 'slow': {
            const r = await forward(req, body);
            setTimeout(() => {
              if (!res.destroyed) res.writeHead(r.status, r.headers).end(r.body);
            }, slowMs).unref();
            return;
          }
          default: {
            const r = await forward(req, body);
            res.writeHead(r.status, r.headers).end(r.body);
          }
        }
      } catch {
        // Upstream unreachable: behave like a gateway that lost its backend.
        if (!res.headersSent) res.writeHead(502, corsHeaders(req)).end();
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    counts,
    /** While down, every connection is cut at once, as if the server were unreachable. */
    setDown(value) {
      down = value;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
