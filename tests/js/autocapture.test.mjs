// Opt-in autocapture with a minimal fake DOM (the real-DOM behaviour is
// covered by the Chromium tests in tests/browser/): data-clik-track clicks
// found with closest() in the capture phase, History API page views.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, pkg } from './harness.mjs';

class FakeElement {
  constructor(attrs = {}, parent = null) {
    this.attrs = attrs;
    this.parentElement = parent;
    this.nodeType = 1;
  }
  getAttribute(name) {
    return name in this.attrs ? this.attrs[name] : null;
  }
  closest(selector) {
    const m = /^\[([a-z-]+)\]$/.exec(selector);
    for (let el = this; el; el = el.parentElement) if (m && el.getAttribute(m[1]) !== null) return el;
    return null;
  }
}

class FakeDocument {
  constructor() {
    this.listeners = [];
    this.visibilityState = 'visible';
    this.referrer = '';
  }
  addEventListener(type, fn, capture) {
    this.listeners.push({ type, fn, capture: capture === true });
  }
  removeEventListener(type, fn, capture) {
    this.listeners = this.listeners.filter((l) => !(l.type === type && l.fn === fn && l.capture === (capture === true)));
  }
  click(target) {
    for (const l of this.listeners.slice()) if (l.type === 'click') l.fn({ type: 'click', target });
  }
  clickListeners() {
    return this.listeners.filter((l) => l.type === 'click');
  }
}

function browser(path = '/') {
  const location = { pathname: path };
  const window = new EventTarget();
  const history = {
    pushState(state, title, url) { location.pathname = new URL(url, 'https://card.example' + location.pathname).pathname; },
    replaceState(state, title, url) { location.pathname = new URL(url, 'https://card.example' + location.pathname).pathname; },
  };
  return { window, document: new FakeDocument(), history, location };
}

test('clicks inside [data-clik-track] send trackClick(target), in the capture phase; others do not', async () => {
  const b = browser();
  const s = setup({ ...b, autocapture: { clicks: true } });
  const button = new FakeElement({ 'data-clik-track': 'contact.phone' });
  const icon = new FakeElement({}, button);
  const text = { nodeType: 3, parentElement: icon };
  const plain = new FakeElement({});
  assert.equal(b.document.clickListeners()[0].capture, true);
  b.document.click(text); // before the core is ready: queued
  await s.tracker.ready;
  b.document.click(icon);
  b.document.click(plain);
  b.document.click(null);
  await s.tracker.flush();
  assert.deepEqual(s.net.events.map((e) => [e.type, e.data.clickTarget]), [['click', 'contact.phone'], ['click', 'contact.phone']]);
  s.tracker.destroy();
  assert.equal(b.document.clickListeners().length, 0, 'destroy removes the listener');
});

test('page views: the first one, pushState/replaceState/popstate that change the path, a custom pageType', async () => {
  const b = browser('/');
  const originalPush = b.history.pushState;
  const s = setup({ ...b, autocapture: { pageViews: true } });
  await s.tracker.ready;
  b.history.pushState({}, '', '/portfolio');
  b.history.replaceState({ scroll: 1 }, '', '/portfolio'); // same path: no page view
  b.history.pushState({}, '', '/cards/contact?x=1');
  b.location.pathname = '/';
  b.window.dispatchEvent(new Event('popstate'));
  await s.tracker.flush();
  assert.deepEqual(s.net.events.map((e) => e.data.pageType), ['home', 'portfolio', 'contact', 'home']);
  s.tracker.destroy();
  assert.equal(b.history.pushState, originalPush, 'destroy restores history.pushState');

  const c = browser('/p/42');
  const t = setup({ ...c, autocapture: { pageViews: true, pageType: (loc) => (loc.pathname.startsWith('/p/') ? 'profile' : null) } });
  await t.tracker.ready;
  c.history.pushState({}, '', '/ignored');
  await t.tracker.flush();
  assert.deepEqual(t.net.events.map((e) => e.data.pageType), ['profile']);
  t.tracker.destroy();
});

test('autocapture is off unless asked for', async () => {
  const b = browser('/');
  const originalPush = b.history.pushState;
  const s = setup({ ...b });
  await s.tracker.ready;
  b.document.click(new FakeElement({ 'data-clik-track': 'contact.phone' }));
  b.history.pushState({}, '', '/x');
  await s.tracker.flush();
  assert.equal(s.net.requests.length, 0);
  assert.equal(b.history.pushState, originalPush);
  assert.equal(b.document.clickListeners().length, 0);
  s.tracker.destroy();
});

test('defaultPageType: last path segment, "/" is home', () => {
  assert.equal(pkg.defaultPageType({ pathname: '/' }), 'home');
  assert.equal(pkg.defaultPageType({ pathname: '/a/portfolio/' }), 'portfolio');
  assert.equal(pkg.defaultPageType({ pathname: '/caf%C3%A9' }), 'café');
});
