// An attacker holding only what every share page ships (the project URL and the
// anon key) goes after the public surface: the REST/RPC endpoints through the dev
// gateway (PostgREST v13's contract) over a real PostgreSQL 15 with the repo's sql/.
// Every attempt must be refused with the status and code PostgREST would send, and
// the database (rows and security catalog) must be exactly as before.
//
// About x-forwarded-for (what the deployment must guarantee): the per-IP limit keys
// on the FIRST x-forwarded-for entry. Supabase's edge, like the dev gateway, appends
// the peer address to whatever the client sent, so the first entry is chosen by the
// client: a client can rotate it to dodge the per-IP limit or write someone else's
// address to spend that address's budget. Per-IP limiting is therefore only as good
// as the proxy in front: a deployment that relies on it must run a proxy that
// OVERWRITES x-forwarded-for with the address it sees (or the function must key on
// the entry appended by the nearest trusted proxy). What holds whatever the proxy
// does is the per-userCode limit: rotating addresses cannot push more events for a
// card than its budget (asserted below).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { SignJWT, UnsecuredJWT } from 'jose';
import { fromDatabaseError } from '../../dev/gateway/errors.mjs';
import { startStack, setSettings, rpc, fingerprint } from './support.mjs';

const OWNER_A = '00000000-0000-4000-8000-00000000000a';
const OWNER_B = '00000000-0000-4000-8000-00000000000b';

let stack;
let gw;
let sql;
let tokenA;
let tokenB;
let seq = 0;

function event(type, extra = {}) {
  seq++;
  const data = {
    eventId: crypto.randomUUID(),
    sessionId: extra.sessionId ?? 'sec_session_1',
    userCode: extra.userCode ?? 'card_a',
    shareCode: 'public',
    timestamp: Date.now() - 1000 + (seq % 1000),
  };
  if (type === 'page_view') data.pageType = 'home';
  if (type === 'click') data.clickTarget = 'contact.phone';
  return { type, data: { ...data, ...extra } };
}

const ingest = (events, opts = {}) => rpc(gw.url, 'ingest_analytics_batch', { events }, { apikey: gw.anonKey, token: gw.anonKey, ...opts });
const dashboard = (code, opts = {}) => rpc(gw.url, 'get_analytics_dashboard', { user_code: code, filters: {} }, { apikey: gw.anonKey, ...opts });

/** What PostgREST runs for a table request as `role` with `claims`, and the HTTP status it would answer. */
async function asPostgrest(role, claims, statement, params = []) {
  const c = new pg.Client({ connectionString: stack.dbUrl });
  await c.connect();
  try {
    await c.query('begin');
    await c.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
                          set_config('search_path', '"public", "extensions"', true)`, [role, JSON.stringify({ ...claims, role })]);
    const r = await c.query(statement, params);
    await c.query('commit'); // a successful attack must show in the fingerprint
    return { status: 200, rows: r.rows };
  } catch (err) {
    await c.query('rollback').catch(() => {});
    const http = fromDatabaseError(err, { authed: role !== 'anon' });
    return { status: http.status, code: http.body.code, message: http.body.message };
  } finally {
    await c.end();
  }
}

async function assertUnchanged(beforeFp, what, opts) {
  assert.deepEqual(await fingerprint(sql, opts), beforeFp, `${what}: the database changed`);
}

before(async () => {
  stack = await startStack({ prefix: 'sec' });
  ({ gw, sql } = stack);
  await sql(`insert into public.user_code_ownership (user_id, user_code) values ($1, 'card_a'), ($2, 'card_b')`, [OWNER_A, OWNER_B]);
  tokenA = await gw.signToken({ role: 'authenticated', sub: OWNER_A });
  tokenB = await gw.signToken({ role: 'authenticated', sub: OWNER_B });
  // Legitimate traffic first, so there is something to steal or destroy.
  const r = await ingest([event('session'), event('page_view'), event('click'), event('page_view', { userCode: 'card_b', sessionId: 'sec_b' })]);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.success, true);
});
after(() => stack?.close());

test('the owner can read their own dashboard (control: the refusals below are not a broken endpoint)', async () => {
  const r = await dashboard('card_a', { token: tokenA });
  assert.equal(r.status, 200, r.text);
  assert.ok(JSON.stringify(r.json).length > 10);
  assert.match(JSON.stringify(r.json), /home/);
});

test('no apikey or an unknown apikey: 401 before anything reaches the database', async () => {
  const fp = await fingerprint(sql, { withRateCounters: true });
  const none = await ingest([event('page_view')], { apikey: null, token: null });
  assert.equal(none.status, 401);
  assert.equal(none.json.message, 'No API key found in request');
  const forgedKey = await new SignJWT({ role: 'service_role', iss: 'supabase-demo' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode('not-the-project-secret-but-32-chars-long!'));
  const unknown = await ingest([event('page_view')], { apikey: forgedKey, token: null });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.json.message, 'Invalid API key');
  await assertUnchanged(fp, 'requests without a valid apikey', { withRateCounters: true });
});

test('table endpoints over REST are not a way in (GET/POST/PATCH/DELETE, any profile)', async () => {
  const fp = await fingerprint(sql, { withRateCounters: true });
  const attempts = [];
  for (const table of ['user_code_ownership', 'page_views', 'sessions', 'clicks', 'settings', 'rate_limit_counters']) {
    for (const profile of ['public', 'analytics']) {
      for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
        const headers = method === 'GET' ? { 'accept-profile': profile } : { 'content-profile': profile };
        const body = { user_id: OWNER_B, user_code: 'card_a', page_views: 0 };
        attempts.push(rpc(gw.url, null, body, { apikey: gw.anonKey, token: gw.anonKey, method, headers, path: `/rest/v1/${table}?select=*` })
          .then((r) => ({ table, profile, method, ...r })));
      }
    }
  }
  for (const r of await Promise.all(attempts)) {
    const where = `${r.method} ${r.profile}.${r.table}`;
    assert.ok(r.status >= 400 && r.status < 500, `${where}: ${r.status} ${r.text}`);
    assert.equal(typeof r.json?.code, 'string', `${where}: PostgREST error body`);
    assert.equal(r.json.details === undefined, false, `${where}: error body has details`);
  }
  await assertUnchanged(fp, 'REST table requests', { withRateCounters: true });
});

// The gateway leaves table endpoints out, but Supabase's PostgREST serves them for
// every table in an exposed schema. Run what PostgREST would run for them, as the
// roles an attacker can obtain, and map the errors the way PostgREST maps them.
test('what PostgREST would run for table requests: anon and another user are refused on every analytics table', async () => {
  const fp = await fingerprint(sql, { withRateCounters: true });
  const tables = (await sql(`select format('%I.%I', n.nspname, c.relname) as t, (select attname from pg_attribute
                               where attrelid = c.oid and attnum = 1) as col
                             from pg_class c join pg_namespace n on n.oid = c.relnamespace
                             where n.nspname = 'analytics' and c.relkind in ('r', 'p') order by 1`));
  assert.deepEqual(tables.map((x) => x.t), ['analytics.clicks', 'analytics.daily_rollups', 'analytics.page_views',
    'analytics.rate_limit_counters', 'analytics.session_bucket_marks', 'analytics.session_events', 'analytics.sessions',
    'analytics.settings'], 'every analytics table is tried');
  const failures = [];
  for (const [role, claims] of [['anon', {}], ['authenticated', { sub: OWNER_B }]]) {
    for (const { t, col } of tables) {
      for (const stmt of [`select * from ${t}`, `insert into ${t} default values`,
        `update ${t} set ${col} = ${col}`, `delete from ${t}`, `truncate ${t}`]) {
        const r = await asPostgrest(role, claims, stmt);
        const want = role === 'anon' ? 401 : 403;
        if (r.status !== want || r.code !== '42501') failures.push(`${role}: ${stmt} -> ${r.status} ${r.code ?? ''} ${r.message ?? ''}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  await assertUnchanged(fp, 'direct table statements', { withRateCounters: true });
});

test('card ownership (public.user_code_ownership, exposed by PostgREST): nobody claims or reads someone else\'s card', async () => {
  const fp = await fingerprint(sql, { withRateCounters: true });
  const anonRead = await asPostgrest('anon', {}, 'select * from public.user_code_ownership');
  assert.deepEqual([anonRead.status, anonRead.code], [401, '42501']);
  // B may read its own rows only (RLS), never A's
  const bRead = await asPostgrest('authenticated', { sub: OWNER_B }, 'select user_id::text, user_code from public.user_code_ownership');
  assert.equal(bRead.status, 200);
  assert.deepEqual(bRead.rows, [{ user_id: OWNER_B, user_code: 'card_b' }]);
  // claiming A's card, taking it over, or deleting A's ownership
  for (const [stmt, params] of [
    ['insert into public.user_code_ownership (user_id, user_code) values ($1, $2)', [OWNER_B, 'card_a']],
    ['update public.user_code_ownership set user_id = $1 where user_code = $2', [OWNER_B, 'card_a']],
    ['update public.user_code_ownership set user_code = $1 where user_id = $2', ['card_a', OWNER_B]],
    ['delete from public.user_code_ownership where user_code = $1', ['card_a']],
  ]) {
    for (const [role, claims] of [['anon', {}], ['authenticated', { sub: OWNER_B }], ['authenticated', {}]]) {
      const r = await asPostgrest(role, claims, stmt, params);
      assert.deepEqual([r.status, r.code], [role === 'anon' ? 401 : 403, '42501'], `${role} ${JSON.stringify(claims)}: ${stmt}`);
    }
  }
  await assertUnchanged(fp, 'ownership attacks', { withRateCounters: true });
});

test('RPC reaches only the two API functions: system, internal and other-schema functions are not callable', async () => {
  // Catalog: what anon / authenticated may execute in the exposed schema.
  const exec = await sql(`select r.role, array_agg(p.oid::regprocedure::text order by p.oid::regprocedure::text) as fns
    from pg_proc p cross join unnest(array['anon', 'authenticated']) as r(role)
    where p.pronamespace = 'public'::regnamespace and has_function_privilege(r.role, p.oid, 'execute')
    group by r.role order by r.role`);
  assert.deepEqual(exec, [
    { role: 'anon', fns: ['ingest_analytics_batch(jsonb)'] },
    { role: 'authenticated', fns: ['get_analytics_dashboard(text,jsonb)', 'ingest_analytics_batch(jsonb)'] },
  ]);
  const fp = await fingerprint(sql, { withRateCounters: true });
  const names = ['pg_sleep', 'set_config', 'current_setting', 'pg_read_file', 'pg_ls_dir', 'pg_terminate_backend',
    'lo_import', 'query_to_xml', 'dblink_exec', 'raise_http', 'prune_expired', 'default_click_category', 'uid', 'jwt', 'role'];
  for (const name of names) {
    const r = await rpc(gw.url, name, { seconds: 1, setting_name: 'role', new_value: 'postgres', is_local: false, filename: '/etc/passwd' },
      { apikey: gw.anonKey, token: gw.anonKey });
    assert.equal(r.status, 404, `${name}: ${r.text}`);
    assert.equal(r.json.code, 'PGRST202', name);
  }
  for (const profile of ['analytics', 'auth', 'pg_catalog', 'information_schema']) {
    for (const name of ['prune_expired', 'raise_http', 'uid', 'pg_sleep']) {
      const r = await rpc(gw.url, name, {}, { apikey: gw.anonKey, token: gw.anonKey, headers: { 'content-profile': profile } });
      assert.deepEqual([r.status, r.json.code], [406, 'PGRST106'], `${profile}.${name}`);
    }
  }
  // anon on the dashboard function: no EXECUTE at all
  const anonDash = await dashboard('card_a', { token: gw.anonKey });
  assert.deepEqual([anonDash.status, anonDash.json.code], [401, '42501']);
  await assertUnchanged(fp, 'RPC to other functions', { withRateCounters: true });
});

test("another owner's dashboard: refused as anon, as another user, as a user without sub, with look-alike codes", async () => {
  const fp = await fingerprint(sql, { withRateCounters: true });
  const cases = [
    ['anon without a bearer', 'card_a', {}, 401],
    ['anon key as bearer', 'card_a', { token: gw.anonKey }, 401],
    ['anon token carrying the owner\'s sub', 'card_a', { token: await gw.signToken({ role: 'anon', sub: OWNER_A }) }, 401],
    ['owner B', 'card_a', { token: tokenB }, 403],
    ['authenticated without sub', 'card_a', { token: await gw.signToken({ role: 'authenticated' }) }, 403],
    ['authenticated with a non-uuid sub', 'card_a', { token: await gw.signToken({ role: 'authenticated', sub: "x' or '1'='1" }) }, 'any4xx'],
    ['owner B, upper-cased code', 'CARD_A', { token: tokenB }, 403],
    ['owner B, padded code', 'card_a ', { token: tokenB }, 403],
    ['owner B, SQL in the code', "card_b' or user_code = 'card_a", { token: tokenB }, 403],
    ['owner B, null code', null, { token: tokenB }, 403],
  ];
  for (const [label, code, opts, want] of cases) {
    const r = await dashboard(code, opts);
    if (want === 'any4xx') assert.ok(r.status >= 400 && r.status < 500, `${label}: ${r.status} ${r.text}`);
    else assert.equal(r.status, want, `${label}: ${r.text}`);
    assert.ok(!/"totals"|home|contact\.phone/.test(r.text), `${label}: leaked data: ${r.text}`);
    if (want !== 'any4xx') assert.equal(r.json.code, '42501', label);
  }
  await assertUnchanged(fp, 'dashboard attacks', { withRateCounters: true });
});

test('forged JWTs: wrong secret, alg none, expired, role escalation: 401 with PostgREST\'s code, nothing run', async () => {
  const fp = await fingerprint(sql, { withRateCounters: true });
  const wrongKey = new TextEncoder().encode('an-attacker-guessed-secret-32-chars-long!!');
  const sign = (claims, key = wrongKey) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
  const now = Math.floor(Date.now() / 1000);
  const anonKeyAsSecret = new TextEncoder().encode(gw.anonKey);
  const cases = [
    ['wrong secret, service_role', await sign({ role: 'service_role', exp: now + 600 }), 'PGRST301'],
    ['wrong secret, postgres', await sign({ role: 'postgres', exp: now + 600 }), 'PGRST301'],
    ['wrong secret, owner A', await sign({ role: 'authenticated', sub: OWNER_A, exp: now + 600 }), 'PGRST301'],
    ['signed with the anon key as secret', await sign({ role: 'service_role' }, anonKeyAsSecret), 'PGRST301'],
    ['alg none, service_role', new UnsecuredJWT({ role: 'service_role', sub: OWNER_A }).encode(), 'PGRST301'],
    ['alg none with a signature part', `${new UnsecuredJWT({ role: 'service_role' }).encode()}AAAA`, 'PGRST301'],
    ['anon key with a re-written payload', reWritePayload(gw.anonKey, { role: 'service_role' }), 'PGRST301'],
    ['expired, owner A', await gw.signToken({ role: 'authenticated', sub: OWNER_A, exp: now - 3600 }), 'PGRST303'],
    ['not yet valid', await gw.signToken({ role: 'service_role', nbf: now + 3600 }), 'PGRST303'],
    ['two parts', 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0', 'PGRST301'],
  ];
  for (const [label, token, code] of cases) {
    for (const call of [
      () => ingest([event('page_view', { userCode: 'card_forged' })], { token }),
      () => dashboard('card_a', { token }),
    ]) {
      const r = await call();
      assert.equal(r.status, 401, `${label}: ${r.status} ${r.text}`);
      assert.equal(r.json.code, code, label);
      assert.match(r.headers.get('www-authenticate') ?? '', /invalid_token/, label);
    }
  }
  // A valid signature for a role that does not exist is refused too (22023 -> 401).
  const ghost = await ingest([event('page_view', { userCode: 'card_forged' })], { token: await gw.signToken({ role: 'pg_write_all_data_x' }) });
  assert.equal(ghost.status, 401, ghost.text);
  await assertUnchanged(fp, 'forged JWTs', { withRateCounters: true });
});

function reWritePayload(jwt, claims) {
  const [h, p, s] = jwt.split('.');
  const payload = { ...JSON.parse(Buffer.from(p, 'base64url').toString()), ...claims };
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
}

test('search_path: every SECURITY DEFINER function pins search_path to \'\'; API roles cannot create objects', async () => {
  const definers = await sql(`select p.oid::regprocedure::text as fn, p.proconfig from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema') order by 1`);
  assert.ok(definers.some((d) => d.fn === 'ingest_analytics_batch(jsonb)'));
  assert.ok(definers.some((d) => d.fn === 'get_analytics_dashboard(text,jsonb)'));
  for (const d of definers) {
    assert.ok((d.proconfig ?? []).includes('search_path=""'), `${d.fn} has search_path='' (got ${d.proconfig})`);
  }
  const fp = await fingerprint(sql, { withRateCounters: true });
  for (const role of ['anon', 'authenticated']) {
    for (const schema of ['public', 'analytics', 'auth']) {
      const [{ ok }] = await sql(`select has_schema_privilege($1, $2, 'CREATE') as ok`, [role, schema]);
      assert.equal(ok, false, `${role} may not CREATE in ${schema}`);
    }
    const claims = role === 'anon' ? {} : { sub: OWNER_B };
    for (const stmt of [
      'create function public.jsonb_array_length(jsonb) returns int language sql as $$ select 0 $$',
      'create table public.settings (x int)',
      'create view public.leak as select 1',
      'create schema evil',
    ]) {
      const r = await asPostgrest(role, claims, stmt);
      assert.equal(r.code, '42501', `${role}: ${stmt} -> ${r.status} ${r.code} ${r.message}`);
    }
  }
  await assertUnchanged(fp, 'object creation attempts', { withRateCounters: true });
});

// The worst case: someone has managed to create objects on the search path (a
// schema of their own listed before pg_catalog, temp tables in their session).
// The functions must still use only the real objects. Each shadow records that it
// was called (as whom) in evil.hits; a control function written the seed's way
// (SECURITY DEFINER without search_path) proves the trap works.
test('shadowing through search_path and pg_temp reaches nothing (and a seed-style function would be caught)', async () => {
  await sql(`
    create schema evil;
    create table evil.hits (fn text, as_user text);
    grant usage on schema evil to public; grant insert, select on evil.hits to public;
    create function evil.hit(fn text) returns void language sql security invoker
      as $$ insert into evil.hits values (fn, current_user) $$;
    grant execute on function evil.hit(text) to public;
    create function evil.jsonb_array_length(jsonb) returns int language plpgsql as
      $$ begin perform evil.hit('jsonb_array_length'); return pg_catalog.jsonb_array_length($1); end $$;
    create function evil.jsonb_typeof(jsonb) returns text language plpgsql as
      $$ begin perform evil.hit('jsonb_typeof'); return pg_catalog.jsonb_typeof($1); end $$;
    create function evil.now() returns timestamptz language plpgsql as
      $$ begin perform evil.hit('now'); return pg_catalog.now(); end $$;
    create function evil.length(text) returns int language plpgsql as
      $$ begin perform evil.hit('length'); return pg_catalog.length($1); end $$;
    create function evil.gen_random_uuid() returns uuid language plpgsql as
      $$ begin perform evil.hit('gen_random_uuid'); return pg_catalog.gen_random_uuid(); end $$;
    create function evil.current_setting(text, boolean) returns text language plpgsql as
      $$ begin perform evil.hit('current_setting'); return pg_catalog.current_setting($1, $2); end $$;
    create function evil.format(text, variadic text[]) returns text language plpgsql as
      $$ begin perform evil.hit('format'); return 'x'; end $$;
    create function evil.uid() returns uuid language plpgsql as
      $$ begin perform evil.hit('uid'); return '${OWNER_B}'::uuid; end $$;
    create table evil.settings as select * from analytics.settings;
    create table evil.user_code_ownership (user_id uuid, user_code text);
    insert into evil.user_code_ownership values ('${OWNER_B}', 'card_a');
    grant select on evil.settings, evil.user_code_ownership to public;
    -- the control: the seed's pattern, SECURITY DEFINER without a search_path
    create function public.seed_style_count(events jsonb) returns int language plpgsql security definer as
      $$ begin return jsonb_array_length(events); end $$;
    grant execute on function public.seed_style_count(jsonb) to anon;
  `);
  try {
    const before = await sql(`select count(*)::int as n from analytics.page_views`);
    const c = new pg.Client({ connectionString: stack.dbUrl });
    await c.connect();
    try {
      const asRole = async (role, claims, path) => {
        await c.query(`select set_config('role', $1, false), set_config('request.jwt.claims', $2, false),
                              set_config('search_path', $3, false)`, [role, JSON.stringify({ ...claims, role }), path]);
      };
      // pg_temp objects in the attacker's own session (anon has TEMP by default)
      await asRole('anon', {}, 'evil, pg_catalog, public');
      await c.query(`create temp table settings (max_events_per_call int); create temp table page_views (x int);
                     create temp table sessions (x int); create temp table user_code_ownership (user_id uuid, user_code text)`);
      await c.query(`insert into pg_temp.user_code_ownership values ($1, 'card_a')`, [OWNER_B]);
      // control: the trap catches a definer function without search_path
      const ctl = await c.query(`select public.seed_style_count('[1,2]'::jsonb) as n`);
      assert.equal(ctl.rows[0].n, 2);
      // ours, as anon with the hostile search_path
      const r = await c.query(`select public.ingest_analytics_batch($1::jsonb) as r`,
        [JSON.stringify([event('page_view', { sessionId: 'shadow_1' }), event('click', { sessionId: 'shadow_1' })])]);
      assert.equal(r.rows[0].r.success, true);
      assert.equal(r.rows[0].r.page_views_inserted, 1);
      assert.equal(r.rows[0].r.clicks_inserted, 1);
      // the dashboard, as owner B with a hostile path and planted ownership rows
      await asRole('authenticated', { sub: OWNER_B }, 'pg_temp, evil, pg_catalog, public');
      const dash = await c.query(`select public.get_analytics_dashboard('card_a', '{}') as d`).then(() => null, (e) => e);
      assert.equal(dash?.code, '42501', 'owner B is still refused card_a');
      await c.query('reset role');
    } finally {
      await c.end();
    }
    const hits = await sql(`select fn, as_user from evil.hits order by 1`);
    assert.deepEqual(hits, [{ fn: 'jsonb_array_length', as_user: 'postgres' }],
      'only the seed-style control reached a shadow (running as the definer: the escalation search_path=\'\' prevents)');
    const after = await sql(`select count(*)::int as n from analytics.page_views`);
    assert.equal(after[0].n, before[0].n + 1, 'the real table received the event');
  } finally {
    await sql(`drop schema evil cascade; drop function public.seed_style_count(jsonb)`);
  }
});

/** Waits until at least `margin` seconds remain in the current fixed rate window. */
async function awayFromWindowEdge(windowSeconds, margin = 30) {
  const left = windowSeconds - ((Date.now() / 1000) % windowSeconds);
  if (left < margin) await new Promise((r) => setTimeout(r, (left + 1) * 1000));
}

test('rate limit from one IP: 429 + Retry-After once over the limit, nothing stored; other IPs unaffected', async () => {
  await setSettings(sql, { rate_limit_ip_calls: 5, rate_limit_user_code_events: 100000, rate_window_seconds: 3600 });
  try {
    await awayFromWindowEdge(3600);
    const ip = '198.51.100.23';
    for (let i = 0; i < 5; i++) {
      const r = await ingest([event('page_view', { userCode: 'card_rl' })], { headers: { 'x-forwarded-for': ip } });
      assert.equal(r.status, 200, r.text);
    }
    const fp = await fingerprint(sql);
    for (let i = 0; i < 3; i++) {
      const r = await ingest([event('page_view', { userCode: 'card_rl' }), event('click', { userCode: 'card_rl' })],
        { headers: { 'x-forwarded-for': `${ip}, 10.9.9.9` } });
      assert.equal(r.status, 429, r.text);
      assert.equal(r.json.code, 'rate_limited');
      assert.deepEqual(Object.keys(r.json).sort(), ['code', 'details', 'hint', 'message']);
      const ra = Number(r.headers.get('retry-after'));
      assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= 3600, `Retry-After ${r.headers.get('retry-after')}`);
    }
    await assertUnchanged(fp, 'rate-limited calls');
    const other = await ingest([event('page_view', { userCode: 'card_rl' })], { headers: { 'x-forwarded-for': '203.0.113.200' } });
    assert.equal(other.status, 200, 'another client is not limited');
  } finally {
    await setSettings(sql, { rate_limit_ip_calls: 600, rate_limit_user_code_events: 60000, rate_window_seconds: 60 });
  }
});

test('rate limit from many IPs (spoofed x-forwarded-for rotation): the per-userCode cap still holds exactly', async () => {
  await setSettings(sql, { rate_limit_ip_calls: 2, rate_limit_user_code_events: 50, rate_window_seconds: 3600 });
  try {
    await awayFromWindowEdge(3600);
    const code = 'card_flood';
    const statuses = [];
    for (let i = 0; i < 12; i++) {
      const batch = Array.from({ length: 10 }, () => event('page_view', { userCode: code, sessionId: `flood_${i}` }));
      const r = await ingest(batch, { headers: { 'x-forwarded-for': `10.${i}.${i}.${i + 1}` } });
      statuses.push(r.status);
      if (r.status === 429) {
        assert.equal(r.json.code, 'rate_limited');
        assert.match(r.json.details, /code:card_flood/);
        assert.ok(Number(r.headers.get('retry-after')) >= 1);
      }
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    const [{ n }] = await sql(`select count(*)::int as n from analytics.page_views where user_code = $1`, [code]);
    assert.equal(n, 50, 'exactly the budget was stored, not one event more');
    // the limit is per card: another card from the same rotating clients is served
    const other = await ingest([event('page_view', { userCode: 'card_other' })], { headers: { 'x-forwarded-for': '10.99.0.1' } });
    assert.equal(other.status, 200);
    // and the per-IP key is the first x-forwarded-for entry, i.e. client-chosen
    // (see the header of this file): a third call from a "new" address passes the
    // per-IP check, the per-code check is what protects the card.
    const rotated = await ingest([event('page_view', { userCode: 'card_other' })], { headers: { 'x-forwarded-for': '10.99.0.1' } });
    const rotated3 = await ingest([event('page_view', { userCode: 'card_other' })], { headers: { 'x-forwarded-for': '10.99.0.1' } });
    assert.deepEqual([rotated.status, rotated3.status], [200, 429], 'per-IP limit (2 calls) on the first x-forwarded-for entry');
    const [{ keys }] = await sql(`select array_agg(distinct key order by key) as keys from analytics.rate_limit_counters where key like 'ip:10.99.%'`);
    assert.deepEqual(keys, ['ip:10.99.0.1'], 'the client-supplied first entry is the key, not the peer the gateway appended');
  } finally {
    await setSettings(sql, { rate_limit_ip_calls: 600, rate_limit_user_code_events: 60000, rate_window_seconds: 60 });
  }
});
