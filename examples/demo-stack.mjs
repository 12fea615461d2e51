// The demo stack as a library: the dev gateway (Supabase RPC stand-in) over
// PGlite or PostgreSQL, a demo card owner, and a static server for the share
// page, the script-tag build and the dashboard on another origin than the
// gateway (as in production, where Supabase is cross-origin to the card).
// Used by `npm run demo` (examples/demo.mjs) and by the end-to-end tests.
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway } from '../dev/gateway/gateway.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** URL prefix → folder on disk. Everything else is 404. */
const MOUNTS = [
  ['/card/', join(root, 'examples/share-page')],
  ['/script/', join(root, 'dist/script')],
  ['/dashboard/vendor/', join(root, 'node_modules/uplot/dist')],
  ['/dashboard/', join(root, 'examples/dashboard')],
];

export const DEMO_CARD = { userCode: 'adamoreau', shareCode: 'public' };

/**
 * @param {object} [o]
 * @param {string|null} [o.databaseUrl]  null = embedded PGlite
 * @param {number} [o.gatewayPort]       0 = free port
 * @param {number} [o.webPort]           0 = free port
 * @param {string} [o.scriptFile]        the script-tag file under dist/script/
 * @param {(line: string) => void} [o.log]
 */
export async function startDemoStack({ databaseUrl = null, gatewayPort = 0, webPort = 0, scriptFile = 'clik.js', log = () => {} } = {}) {
  const gateway = await startGateway({ port: gatewayPort, databaseUrl, log });
  const ownerId = randomUUID();
  await gateway.query(
    'INSERT INTO public.user_code_ownership (user_id, user_code) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [ownerId, DEMO_CARD.userCode],
  );
  // A signed-in owner's token, as supabase.auth would hold after a login.
  const accessToken = await gateway.signToken({ role: 'authenticated', sub: ownerId, exp: Math.floor(Date.now() / 1000) + 7 * 86400 });

  const placeholders = {
    SCRIPT_URL: `/script/${scriptFile}`,
    SUPABASE_URL: gateway.url,
    SUPABASE_ANON_KEY: gateway.anonKey,
    USER_CODE: DEMO_CARD.userCode,
    SHARE_CODE: DEMO_CARD.shareCode,
    CONTACT_ID: '',
  };
  const dashboardConfig = JSON.stringify({ supabaseUrl: gateway.url, anonKey: gateway.anonKey, accessToken, userCode: DEMO_CARD.userCode });

  async function serve(req, res) {
    const url = new URL(req.url, 'http://demo');
    let path = decodeURIComponent(url.pathname);
    if (path === '/') return redirect(res, '/card/');
    if (path === '/card' || path === '/dashboard') return redirect(res, `${path}/${url.search}`);
    if (path === '/dashboard/config.json') return send(res, 200, TYPES['.json'], dashboardConfig);
    const mount = MOUNTS.find(([prefix]) => path.startsWith(prefix));
    if (!mount) return send(res, 404, 'text/plain', 'not found');
    let rel = path.slice(mount[0].length) || 'index.html';
    const file = normalize(join(mount[1], rel));
    if (!file.startsWith(mount[1])) return send(res, 403, 'text/plain', 'forbidden');
    try {
      if (!(await stat(file)).isFile()) return send(res, 404, 'text/plain', 'not found');
      let body = await readFile(file);
      if (file === join(root, 'examples/share-page/index.html')) {
        const contact = url.searchParams.get('contact') || '';
        body = body.toString('utf8').replace(/\{\{(\w+)\}\}/g, (_, k) => escapeAttr(k === 'CONTACT_ID' ? contact : placeholders[k] ?? ''));
      }
      return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body);
    } catch {
      return send(res, 404, 'text/plain', 'not found');
    }
  }

  const web = http.createServer((req, res) => {
    serve(req, res).catch(() => send(res, 500, 'text/plain', 'error'));
  });
  await new Promise((resolve) => web.listen(webPort, '127.0.0.1', resolve));
  const webUrl = `http://127.0.0.1:${web.address().port}`;

  return {
    gateway,
    webUrl,
    shareUrl: `${webUrl}/card/`,
    dashboardUrl: `${webUrl}/dashboard/`,
    ownerId,
    accessToken,
    async close() {
      web.closeAllConnections?.();
      await new Promise((resolve) => web.close(resolve));
      await gateway.close();
    },
  };
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function redirect(res, to) {
  res.writeHead(302, { location: to });
  res.end();
}

function escapeAttr(s) {
  return String(s).replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c]);
}
