// Thousands of malformed and hostile payloads to ingest_analytics_batch through the
// dev gateway over PostgreSQL 15, from a SEEDED generator (replay a failure with
// CLIK_BAD_INPUT_SEED=<seed printed on failure>; CLIK_BAD_INPUT_PAYLOADS sets how many).
// The generator knows, for every event it builds, whether it is valid (an oracle
// written from the documented rules, not from the server's answers). Asserted:
//  - every answer is a clear result: 200 with the function's JSON, or a 4xx with
//    PostgREST's error body; never a 5xx, never a dropped connection;
//  - a 200 rejects exactly the events the oracle calls invalid, each with a reason,
//    and counts every valid one as inserted or duplicate;
//  - at the end the raw tables hold every valid eventId exactly once and nothing
//    else, the session counters and rollups agree with the raw rows, and nothing
//    outside the analytics data (catalog, grants, settings, ownership) changed.
// Rate limits are switched off for this file (analytics.settings, as the superuser):
// they are the security suite's subject, and would turn valid calls into 429s here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, rpc, fingerprint, storedEventIds, prng, uuidv7 } from './support.mjs';

const SEED = Number(process.env.CLIK_BAD_INPUT_SEED ?? 20261125);
const PAYLOADS = Number(process.env.CLIK_BAD_INPUT_PAYLOADS ?? 1200);
const DAY = 86400000;

let stack;
let limits;
before(async () => {
  stack = await startStack({ prefix: 'bad', settings: { rate_limit_ip_calls: null, rate_limit_user_code_events: null } });
  [limits] = await stack.sql(`select max_events_per_call, max_id_length, max_code_length, max_target_length, max_text_length,
                                     extract(epoch from max_event_age) * 1000 as age_ms, extract(epoch from max_clock_skew) * 1000 as skew_ms
                              from analytics.settings`);
  for (const k of Object.keys(limits)) limits[k] = Number(limits[k]);
});
after(() => stack?.close());

// ---------------------------------------------------------------------------
// The generator. Every event it returns carries its oracle: valid or not.
// ---------------------------------------------------------------------------
function generator(seed) {
  const random = prng(seed);
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const chance = (p) => random() < p;
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const str = (n, ch = 'x') => ch.repeat(n);
  const hostileStrings = [
    "'; DROP TABLE analytics.page_views; --", "' OR '1'='1", '$$; select pg_sleep(10); $$', 'E\'\\x00\'',
    '%s%s%n', '{{7*7}}', '<script>alert(1)</script>', '../../etc/passwd', '\\', '"', 'NULL', 'null',
    '😀👍🏽', '\u202eevil', '\uffff', 'e\u0301', '日本語', ' ', '\t\n\r', 'ROLLBACK; COMMIT;', '\\u0000',
  ];
  const wrongTypes = () => pick([42, -1, 0.5, true, false, null, [], ['a'], {}, { a: 1 }, 1e308]);
  const history = []; // valid events already answered 200 (for retried-batch duplicates)
  let noId = 0;

  function validEvent() {
    const now = Date.now();
    const type = pick(['session', 'page_view', 'page_view', 'click', 'click']);
    const data = {
      eventId: uuidv7(now, random),
      sessionId: chance(0.2) ? pick(hostileStrings) : `s_${int(1, 400)}`,
      userCode: chance(0.1) ? pick(hostileStrings) : pick(['card_a', 'card_b', 'card_c']),
      timestamp: pick([now - int(0, 60000), now - int(0, 6 * DAY), now - limits.age_ms + DAY / 2,
        now + limits.skew_ms - 600000, now - 1000.5]),
    };
    if (chance(0.7)) data.shareCode = pick(['public', '', null, pick(hostileStrings), str(limits.max_code_length)]);
    if (chance(0.3)) data.contactId = pick(['c_1', '', null, pick(hostileStrings), str(limits.max_id_length)]);
    if (chance(0.05)) data.sessionId = str(limits.max_id_length, 's');
    if (chance(0.05)) data.userCode = str(limits.max_code_length, 'u');
    if (chance(0.05)) data.eventId = data.eventId.toUpperCase();
    if (type === 'session') {
      if (chance(0.8)) data.userAgent = pick(['Mozilla/5.0', pick(hostileStrings), str(limits.max_text_length, 'a'), null]);
      if (chance(0.5)) data.referrer = pick(['https://example.com/?q=1', '', null, str(limits.max_text_length, 'r')]);
    }
    if (type === 'page_view') data.pageType = pick(['home', 'contact', 'profile', 'portfolio', pick(hostileStrings), str(limits.max_code_length, 'p')]);
    if (type === 'click') {
      data.clickTarget = pick(['contact.phone', 'socialMessaging.whatsapp', 'aiAgent', pick(hostileStrings), str(limits.max_target_length, 't')]);
      if (chance(0.5)) data.clickCategory = pick(['contact', '', null, 'custom', str(limits.max_code_length, 'c')]);
    }
    if (chance(0.1)) data.unknownField = pick([wrongTypes(), { nested: { deeper: [1, 2, { x: 'y' }] } }, 'extra']);
    const event = { type, data };
    if (chance(0.05)) {
      // the timestamp at the event level instead of inside data (the seed's clients put it in both)
      event.timestamp = data.timestamp;
      delete data.timestamp;
    }
    if (chance(0.05)) event.extra = 'ignored';
    if (chance(0.03)) {
      // the seed's format: no eventId; each such event is sent once, tracked by its session
      delete data.eventId;
      data.sessionId = `noid_${seed}_${noId++}`;
    }
    return event;
  }

  // One way to make an event invalid, and the field it breaks (for the failure message).
  const mutations = [
    () => pick([42, 'event', null, [], true]),
    (e) => { delete e.type; return e; },
    (e) => { e.type = pick([7, null, true, {}, ['click'], 'pageview', '', 'SESSION', 'click; drop table x', 'identify']); return e; },
    (e) => { e.data = pick([undefined, null, 'data', [], 3]); if (e.data === undefined) delete e.data; return e; },
    (e) => { e.data.sessionId = pick([undefined, '', 5, null, {}, ['s'], true, str(limits.max_id_length + 1)]); return e; },
    (e) => { e.data.userCode = pick([undefined, '', 5, null, {}, [], str(limits.max_code_length + 1)]); return e; },
    (e) => { e.data.shareCode = pick([5, {}, [], true, str(limits.max_code_length + 1)]); return e; },
    (e) => { e.data.contactId = pick([5, {}, [], false, str(limits.max_id_length + 1)]); return e; },
    (e) => { e.data.eventId = pick([5, {}, [], true, '', 'not-a-uuid', "' OR 1=1 --", `${crypto.randomUUID()}0`,
      crypto.randomUUID().replace(/-/g, ''), '{' + crypto.randomUUID() + '}']); return e; },
    (e) => {
      const now = Date.now();
      const ts = pick([undefined, null, String(now), true, [now], { ms: now }, -1, 0, now - limits.age_ms - DAY,
        now + limits.skew_ms + 3600000, 1e20, -1e20, 1e300, -0.5]);
      delete e.timestamp;
      if (ts === undefined) delete e.data.timestamp; else e.data.timestamp = ts;
      return e;
    },
    (e) => { e.data.userAgent = pick([5, {}, [], true, str(limits.max_text_length + 1)]); return e; },
    (e) => { e.data.referrer = pick([5, {}, ['r'], str(limits.max_text_length + 1)]); return e; },
    (e) => {
      if (e.type === 'page_view') e.data.pageType = pick([undefined, '', 5, null, {}, str(limits.max_code_length + 1)]);
      else if (e.type === 'click') e.data.clickTarget = pick([undefined, '', 5, null, [], str(limits.max_target_length + 1)]);
      else e.data.sessionId = '';
      if (e.data.pageType === undefined && e.type === 'page_view') delete e.data.pageType;
      if (e.data.clickTarget === undefined && e.type === 'click') delete e.data.clickTarget;
      return e;
    },
    (e) => {
      if (e.type !== 'click') { e.type = 'click'; delete e.data.clickTarget; return e; }
      e.data.clickCategory = pick([5, {}, [], true, str(limits.max_code_length + 1)]);
      return e;
    },
    (e) => { e.data.SessionId = e.data.sessionId; delete e.data.sessionId; return e; },
  ];

  function invalidEvent() {
    const e = validEvent();
    if (e.data?.eventId === undefined && e.data) e.data.eventId = crypto.randomUUID();
    const out = pick(mutations)(e);
    // keys set to undefined vanish in JSON: that is a missing field, which is what we want
    return out;
  }

  /** A batch of events with its oracle: [{ event, valid, id, dupOf }] */
  function batch() {
    const n = chance(0.03) ? limits.max_events_per_call : pick([1, 1, 2, 3, 5, 10, 20, 20, 40, int(1, 100)]);
    const items = [];
    for (let i = 0; i < n; i++) {
      const r = random();
      if (r < 0.45) {
        const event = validEvent();
        items.push({ event, valid: true, id: event.data.eventId?.toLowerCase() ?? null });
      } else if (r < 0.9) {
        items.push({ event: invalidEvent(), valid: false });
      } else {
        // a duplicate: of an event earlier in this batch, or of one a previous call stored
        const earlier = items.filter((x) => x.valid && x.id);
        const source = earlier.length && chance(0.5) ? pick(earlier).event : history.length ? pick(history) : null;
        if (source) items.push({ event: structuredClone(source), valid: true, id: source.data.eventId.toLowerCase() });
        else { const event = validEvent(); items.push({ event, valid: true, id: event.data.eventId?.toLowerCase() ?? null }); }
      }
    }
    return items;
  }

  // Whole payloads that must fail as a whole: a 4xx, nothing stored.
  const wholeRejects = [
    () => ['not JSON', '{"events": [ {"type": "session", '],
    () => ['not JSON at all', 'SELECT * FROM analytics.page_views'],
    () => ['raw NUL byte', Buffer.from('{"events":[\0]}')],
    () => ['empty body', ''],
    () => ['events is a string', JSON.stringify({ events: 'x' })],
    () => ['events is null', JSON.stringify({ events: null })],
    () => ['events is an object', JSON.stringify({ events: { 0: validEvent() } })],
    () => ['events is a number', JSON.stringify({ events: 5 })],
    () => ['events is empty', JSON.stringify({ events: [] })],
    () => ['no events key', JSON.stringify({ event: [validEvent()] })],
    () => ['an extra argument', JSON.stringify({ events: [validEvent()], user_code: 'card_a' })],
    () => ['an array body', JSON.stringify([validEvent()])],
    () => ['too many events', JSON.stringify({ events: Array.from({ length: limits.max_events_per_call + 1 }, validEvent) })],
    () => ['over the body limit', JSON.stringify({ events: [{ ...validEvent(), pad: str(1100000) }] })],
    () => ['over the payload limit inside the body limit', JSON.stringify({ events: [validEvent(), { pad: Array(200000).fill(1) }] })],
    () => ['NUL escape in a string', JSON.stringify({ events: [validEvent(), nulIn(validEvent())] })],
    () => ['lone surrogate escape', JSON.stringify({ events: [validEvent(), { ...validEvent(), type: 'x\ud800' }] })],
    () => ['number overflowing numeric', `{"events":[${JSON.stringify(validEvent())},{"type":"click","data":{"timestamp":1e1000000}}]}`],
  ];
  function nulIn(e) {
    const field = pick(['sessionId', 'userCode', 'shareCode', 'clickTarget', 'pageType']);
    e.data[field] = `a\u0000${pick(hostileStrings)}`;
    return e;
  }

  return {
    random,
    /** { label, raw, items | null, whole: 'batch' | 'reject' | 'either' } */
    next() {
      const r = random();
      if (r < 0.8) {
        const items = batch();
        return { label: 'batch', raw: JSON.stringify({ events: items.map((x) => x.event) }), items, whole: 'batch' };
      }
      if (r < 0.95) {
        const [label, raw] = pick(wholeRejects)();
        return { label, raw, items: null, whole: 'reject' };
      }
      // Deep but bounded nesting inside an ignored field: a valid event. Invalid UTF-8
      // bytes: PostgreSQL would reject the payload (22021); the dev gateway decodes it
      // with replacement characters: either is a clear answer, what matters is no 5xx
      // and at most one copy (those ids are tracked as "maybe").
      if (chance(0.5)) {
        const e = validEvent();
        const depth = int(100, 3000);
        const raw = JSON.stringify({ events: [{ ...e, nest: '__NEST__' }] }).replace('"__NEST__"', `${'['.repeat(depth)}${']'.repeat(depth)}`);
        return { label: `nesting ${depth}`, raw, items: [{ event: e, valid: true, id: e.data.eventId?.toLowerCase() ?? null }], whole: 'batch' };
      }
      const e = validEvent();
      e.data.eventId = e.data.eventId ?? crypto.randomUUID();
      e.data.sessionId = `utf8_${int(1, 1000)}`;
      const [head, tail] = JSON.stringify({ events: [e] }).split('"sessionId":"');
      const raw = Buffer.concat([Buffer.from(`${head}"sessionId":"`), Buffer.from(pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]])), Buffer.from(tail)]);
      return { label: 'invalid UTF-8', raw, items: [{ event: e, valid: true, id: e.data.eventId.toLowerCase() }], whole: 'either' };
    },
    remember(items) {
      for (const x of items) if (x.valid && x.id) history.push(x.event);
    },
  };
}

test(`${PAYLOADS} seeded hostile payloads (seed ${SEED}): clear answers, no 5xx, valid events stored exactly once, nothing else changed`, async () => {
  const { gw, sql } = stack;
  const before = await fingerprint(sql);
  const gen = generator(SEED);
  const validIds = new Set();
  const maybeIds = new Set();
  const noIdSessions = new Set();
  const statusCounts = {};
  const failures = [];
  let validSent = 0;
  let invalidSent = 0;
  const fail = (i, p, msg, r) => {
    if (failures.length < 20) failures.push(`#${i} (${p.label}): ${msg} -> ${r?.status} ${String(r?.text ?? '').slice(0, 300)}`);
  };

  for (let i = 0; i < PAYLOADS; i++) {
    const p = gen.next();
    let r;
    try {
      r = await rpc(gw.url, 'ingest_analytics_batch', null, { apikey: gw.anonKey, token: gw.anonKey, rawBody: p.raw });
    } catch (err) {
      fail(i, p, `no answer: ${err.message}`);
      continue;
    }
    statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
    if (r.status >= 500) { fail(i, p, 'a 5xx', r); continue; }
    if (r.status !== 200) {
      if (!(r.status >= 400 && r.status < 500)) { fail(i, p, 'neither 200 nor 4xx', r); continue; }
      if (typeof r.json?.message !== 'string') {
        fail(i, p, 'a 4xx without a clear error body', r);
      }
      if (p.whole === 'batch') fail(i, p, 'a valid-shaped batch was refused as a whole', r);
      continue;
    }
    if (p.whole === 'reject') { fail(i, p, 'should have been refused as a whole', r); continue; }
    const res = r.json;
    if (res?.success !== true || res.processed !== p.items.length || !Array.isArray(res.rejected)) {
      fail(i, p, 'not the function\'s result shape', r);
      continue;
    }
    const expectRejected = p.items.map((x, k) => (x.valid ? -1 : k)).filter((k) => k >= 0);
    const gotRejected = res.rejected.map((x) => x.index);
    if (JSON.stringify(gotRejected) !== JSON.stringify(expectRejected)) {
      const diff = [...new Set([...gotRejected, ...expectRejected])].filter((k) => gotRejected.includes(k) !== expectRejected.includes(k));
      fail(i, p, `rejected ${JSON.stringify(gotRejected.slice(0, 10))} expected ${JSON.stringify(expectRejected.slice(0, 10))}; `
        + `first difference: ${JSON.stringify(p.items[diff[0]]?.event)?.slice(0, 300)} reason ${JSON.stringify(res.rejected.find((x) => x.index === diff[0]))}`, r);
      continue;
    }
    if (!res.rejected.every((x) => typeof x.reason === 'string' && x.reason.length > 0)) fail(i, p, 'a rejection without a reason', r);
    const valid = p.items.filter((x) => x.valid);
    const inserted = res.sessions_inserted + res.page_views_inserted + res.clicks_inserted;
    const expectedDup = (() => {
      const seen = new Set(validIds);
      let d = 0;
      for (const x of valid) {
        if (!x.id) continue;
        if (seen.has(x.id)) d++; else seen.add(x.id);
      }
      return d;
    })();
    if (inserted + res.duplicates !== valid.length || res.duplicates !== expectedDup) {
      fail(i, p, `inserted ${inserted} + duplicates ${res.duplicates} for ${valid.length} valid events (${expectedDup} duplicates expected)`, r);
    }
    validSent += valid.length;
    invalidSent += p.items.length - valid.length;
    for (const x of valid) {
      if (x.id) (p.whole === 'either' ? maybeIds : validIds).add(x.id);
      else noIdSessions.add(x.event.data.sessionId);
    }
    if (p.whole === 'batch') gen.remember(valid);
  }

  console.log(`bad input, seed ${SEED}: ${PAYLOADS} payloads, answers by status ${JSON.stringify(statusCounts)}, `
    + `${validSent} valid events sent (${validIds.size} distinct ids), ${invalidSent} invalid events rejected`);
  assert.deepEqual(failures, [], `replay with CLIK_BAD_INPUT_SEED=${SEED}`);

  // The database: exactly the valid events, once each.
  const stored = await storedEventIds(sql);
  const missing = [...validIds].filter((id) => stored.get(id) !== 1);
  const extra = [...stored.keys()].filter((id) => !validIds.has(id) && !maybeIds.has(id));
  const noIdRows = await sql(`select session_id, count(*)::int as n from (
      select session_id from analytics.session_events union all select session_id from analytics.page_views
      union all select session_id from analytics.clicks) s where session_id like 'noid\\_%' group by 1`);
  const extraOfNoId = new Set(noIdRows.map((r) => r.session_id));
  assert.deepEqual(missing.map((id) => `${id}: ${stored.get(id) ?? 0} rows`), [], 'every valid eventId stored exactly once');
  assert.deepEqual([...maybeIds].filter((id) => (stored.get(id) ?? 0) > 1), [], 'the invalid-UTF-8 events at most once');
  // the only ids nobody sent are the ones the server gave to events without an eventId
  assert.equal(extra.length, noIdRows.reduce((a, r) => a + r.n, 0), 'no stored event that was not sent as valid');
  assert.deepEqual(noIdRows.filter((r) => r.n !== 1 || !noIdSessions.has(r.session_id)), [], 'events without eventId: once each');
  assert.deepEqual([...noIdSessions].filter((s) => !extraOfNoId.has(s)), [], 'events without eventId: none lost');

  // Counters and rollups agree with the raw rows.
  const [c] = await sql(`select
      (select count(*) from analytics.page_views)::bigint as pv, (select coalesce(sum(page_views), 0) from analytics.sessions)::bigint as s_pv,
      (select coalesce(sum(events), 0) from analytics.daily_rollups where kind = 'p')::bigint as r_pv,
      (select count(*) from analytics.clicks)::bigint as cl, (select coalesce(sum(clicks), 0) from analytics.sessions)::bigint as s_cl,
      (select coalesce(sum(events), 0) from analytics.daily_rollups where kind = 'c')::bigint as r_cl,
      (select coalesce(sum(events), 0) from analytics.daily_rollups where kind = 't')::bigint as t_cl,
      (select count(distinct session_id) from (select session_id from analytics.session_events union all
         select session_id from analytics.page_views union all select session_id from analytics.clicks) x)::bigint as sessions_raw,
      (select count(*) from analytics.sessions)::bigint as sessions_rows`);
  assert.equal(c.s_pv, c.pv, 'sessions.page_views = raw page views');
  assert.equal(c.r_pv, c.pv, 'page-view rollup = raw page views');
  assert.equal(c.s_cl, c.cl, 'sessions.clicks = raw clicks');
  assert.equal(c.r_cl, c.cl, 'click-category rollup = raw clicks');
  assert.equal(c.t_cl, c.cl, 'click-target rollup = raw clicks');
  assert.equal(c.sessions_rows, c.sessions_raw, 'one session row per session seen');

  // Nothing outside the analytics data changed.
  const afterFp = await fingerprint(sql);
  assert.deepEqual(afterFp.catalog, before.catalog, 'catalog, grants, policies, roles unchanged');
  for (const t of ['analytics.settings', 'public.user_code_ownership']) {
    assert.equal(afterFp.tables[t], before.tables[t], `${t} unchanged`);
  }
});

// PostgreSQL 15 parses JSON recursively: an argument nested some ten thousand levels
// deep (well inside the 1 MiB body limit) exhausts max_stack_depth while the
// argument is parsed, before the function runs, and PostgREST maps 54001 to 500.
// Nothing the function can catch; a deployment fix is a nesting limit in front of
// PostgREST. Kept visible as a TODO until something in front answers it with a 4xx.
test('an argument nested 100 000 levels deep is a clear 4xx', { todo: 'PG15 raises 54001 (stack depth) while parsing the argument: 500 (see report)' }, async () => {
  const { gw } = stack;
  const raw = `{"events":[{"type":"click","nest":${'['.repeat(100000)}${']'.repeat(100000)}}]}`;
  const r = await rpc(gw.url, 'ingest_analytics_batch', null, { apikey: gw.anonKey, rawBody: raw });
  assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.text.slice(0, 200)}`);
});
