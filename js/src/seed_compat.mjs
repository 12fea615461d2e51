// The seed's client API (shared/seed/serverless-ingestion.md, Steps 2-3) on
// top of one default tracker, for code written against it:
//   init({supabaseClient} | {supabaseUrl, supabaseKey} | {transport}, ...options)
//   analyticsBatcher.trackSession(sessionId, userCode, shareCode, contactId?)
//   analyticsBatcher.trackPageView(sessionId, userCode, shareCode, pageType, contactId?)
//   analyticsBatcher.trackClick(sessionId, userCode, shareCode, clickTarget, contactId?)
//   getOrCreateSessionId(userCode, shareCode)
//   trackView(userCode, shareCode, contactId?)                 -> a session event
//   trackPageView(userCode, shareCode, 'page.home', contactId?) -> page_view "home"
//   trackClick(userCode, shareCode, target, contactId?)
// Differences, on purpose:
//  - The core owns sessions (same 30-minute rule, kept in sessionStorage): the
//    sessionId argument of analyticsBatcher.* is accepted and ignored; events
//    carry the core's id for that userCode + shareCode, which is what
//    getOrCreateSessionId returns.
//  - getOrCreateSessionId returns "" until the core has loaded (await
//    `ready` from init(), or call it after the first tracked event).
//  - Calls made before init() are kept (up to 1000, with their timestamps)
//    and replayed by init().
import { Tracker } from './tracker.mjs';

const MAX_EARLY_CALLS = 1000;
let tracker = null;
let early = [];

function identity(userCode, shareCode, contactId) {
  return { userCode, shareCode, contactId: contactId == null ? '' : contactId };
}

function record(op, arg, id) {
  if (tracker) {
    tracker.record(op, arg, id);
    return;
  }
  if (early.length >= MAX_EARLY_CALLS) early.shift();
  early.push({ op, arg, id, t: Date.now() });
}

/**
 * Creates the default tracker the seed API writes to (replacing a previous
 * one). Options as createTracker's; userCode/shareCode are optional here
 * because every seed call names its card. Returns the tracker.
 */
export function init(options) {
  if (tracker) tracker.destroy();
  tracker = new Tracker(options, { identityPerCall: true });
  const calls = early;
  early = [];
  for (const c of calls) tracker.recordAt(c.op, c.arg, c.id, c.t);
  return tracker.api();
}

function guarded(fn) {
  return (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      if (tracker) tracker.shimError(err);
      return undefined;
    }
  };
}

export const analyticsBatcher = {
  trackSession: guarded((sessionId, userCode, shareCode, contactId) => {
    record('session', undefined, identity(userCode, shareCode, contactId));
  }),
  trackPageView: guarded((sessionId, userCode, shareCode, pageType, contactId) => {
    record('page', pageType, identity(userCode, shareCode, contactId));
  }),
  trackClick: guarded((sessionId, userCode, shareCode, clickTarget, contactId) => {
    record('click', clickTarget, identity(userCode, shareCode, contactId));
  }),
  flush: () => (tracker ? tracker.api().flush() : Promise.resolve()),
  stats: () => (tracker ? tracker.api().stats() : undefined),
  destroy: guarded(() => {
    if (tracker) tracker.destroy();
    tracker = null;
  }),
};

export const getOrCreateSessionId = guarded((userCode, shareCode) =>
  tracker ? tracker.sessionId(identity(userCode, shareCode, '')) : '');

export const trackView = guarded((userCode, shareCode, contactId) => {
  analyticsBatcher.trackSession(undefined, userCode, shareCode, contactId);
});

export const trackPageView = guarded((userCode, shareCode, page, contactId) => {
  // 'page.' is stripped by the tracker for every page view, as the seed did here.
  analyticsBatcher.trackPageView(undefined, userCode, shareCode, page, contactId);
});

export const trackClick = guarded((userCode, shareCode, target, contactId) => {
  analyticsBatcher.trackClick(undefined, userCode, shareCode, target, contactId);
});
