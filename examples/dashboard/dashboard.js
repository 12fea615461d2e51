// The card owner's dashboard: one RPC, get_analytics_dashboard, called as an
// authenticated user (the demo server hands this page a signed-in user's
// token in config.json; a real app would take it from supabase.auth).
// Charts are drawn by uPlot; the page never reads raw events.

const $ = (id) => document.getElementById(id);
const config = await (await fetch('./config.json', { cache: 'no-store' })).json();
const form = $('filters');
const charts = {};

$('who').textContent = `· ${config.userCode}`;

async function rpc(fn, args) {
  const res = await fetch(`${config.supabaseUrl}/rest/v1/rpc/${fn}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      apikey: config.anonKey,
      authorization: `Bearer ${config.accessToken}`,
    },
    body: JSON.stringify(args),
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${res.status} ${body?.code ?? ''}: ${body?.message ?? res.statusText}`);
  return body;
}

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

function filters() {
  const days = Number(form.days.value);
  const to = new Date();
  const from = new Date(to.getTime() - (days - 1) * 86400000);
  const f = { from: isoDay(from), to: isoDay(to) };
  if (form.shareCode.value) f.shareCode = form.shareCode.value;
  return f;
}

function width(el) {
  return Math.max(280, el.clientWidth);
}

/** Replaces a chart (uPlot has no cheap "new series set" update). */
function draw(key, el, opts, data) {
  charts[key]?.destroy();
  charts[key] = new uPlot({ width: width(el), height: 220, ...opts }, data, el);
}

function dailyChart(daily) {
  const x = daily.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
  draw('daily', $('chart-daily'), {
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
    series: [
      {},
      { label: 'Sessions', stroke: '#3b5bdb', width: 2 },
      { label: 'Page views', stroke: '#2f9e44', width: 2 },
      { label: 'Clicks', stroke: '#e8590c', width: 2 },
    ],
  }, [x, daily.map((d) => d.sessions), daily.map((d) => d.pageViews), daily.map((d) => d.clicks)]);
}

/** A categorical bar chart: x is the index, the axis prints the labels. */
function barChart(key, el, rows, labelOf, valueOf, color) {
  const labels = rows.map(labelOf);
  const bars = uPlot.paths.bars({ size: [0.6, 80] });
  draw(key, el, {
    // Counts start at zero: uPlot's auto range would make the smallest bar look empty.
    scales: { x: { time: false, range: [-0.5, Math.max(labels.length - 0.5, 0.5)] }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
    axes: [
      { values: (u, splits) => splits.map((i) => labels[i] ?? ''), splits: () => labels.map((_, i) => i) },
      {},
    ],
    legend: { show: false },
    series: [{}, { label: 'count', fill: color, stroke: color, paths: bars, points: { show: false } }],
  }, [labels.map((_, i) => i), rows.map(valueOf)]);
}

function fillTable(id, rows, cells) {
  const tbody = $(id).tBodies[0];
  tbody.replaceChildren(...rows.map((r) => {
    const tr = document.createElement('tr');
    for (const c of cells(r)) {
      const td = document.createElement('td');
      td.textContent = c;
      tr.append(td);
    }
    return tr;
  }));
}

function render(d) {
  $('t-sessions').textContent = d.totals.sessions;
  $('t-pageViews').textContent = d.totals.pageViews;
  $('t-clicks').textContent = d.totals.clicks;
  dailyChart(d.daily);
  barChart('pages', $('chart-pages'), d.pageTypes, (r) => r.pageType, (r) => r.views, '#2f9e44');
  barChart('categories', $('chart-categories'), d.clickCategories, (r) => r.category, (r) => r.clicks, '#e8590c');
  fillTable('table-targets', d.topClickTargets, (r) => [r.target, r.category, r.clicks, r.uniqueSessions]);
  fillTable('table-shares', d.shareCodes, (r) => [r.shareCode ?? '(none)', r.sessions, r.pageViews, r.clicks]);
  fillTable('table-contacts', d.contacts, (r) => [r.contactId, r.sessions, r.pageViews, r.clicks]);

  // Keep the share-code choices in step with what the data holds.
  const select = form.shareCode;
  const known = new Set([...select.options].map((o) => o.value));
  for (const s of d.shareCodes) {
    if (s.shareCode && !known.has(s.shareCode)) select.add(new Option(s.shareCode, s.shareCode));
  }
  $('updated').textContent = new Date().toLocaleTimeString();
  document.body.dataset.loaded = 'true';
}

async function refresh() {
  try {
    render(await rpc('get_analytics_dashboard', { user_code: config.userCode, filters: filters() }));
    $('error').hidden = true;
  } catch (err) {
    $('error').textContent = `Could not load the dashboard: ${err.message}`;
    $('error').hidden = false;
  }
}

form.addEventListener('change', refresh);
setInterval(() => { if (form.live.checked && !document.hidden) refresh(); }, 5000);
await refresh();
