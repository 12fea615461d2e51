// The script-tag build (dist/script/clik.js, an IIFE):
//
//   <script>window.clik=window.clik||function(){(window.clik.q=window.clik.q||[]).push(arguments)};</script>
//   <script async src="https://cdn.example/clik.js" data-supabase-url="https://xyz.supabase.co"
//           data-supabase-key="ANON_KEY" data-user-code="myclik" data-share-code="public"
//           data-contact-id="" data-autocapture="true"></script>
//
// Reads its own tag, creates the tracker with the wasm that sits next to this
// file (located from the script's own src; or, in the inline variant, decoded
// from this file), replays the stub's queue in order and installs the live
// window.clik. It does not track a view by itself: the page calls
// clik('trackView') (the seed's share page does so on load), so a page that
// already does is not counted twice.
//
// Never breaks a page: any error here ends in one console.warn and an inert
// window.clik that accepts (and ignores) every command.
import { createTracker } from '../src/index.mjs';
import { loadCore } from '../src/core_loader.mjs';
import { findOwnTag, readTagOptions, wasmUrlBeside } from './own-tag.mjs';
import { COMMANDS, createDispatcher, installDispatcher } from './command-queue.mjs';
import { wasmFileName, wasmBase64 } from 'clik:wasm';

function start(win) {
  const doc = win.document;
  const warn = (message) => {
    try { win.console.warn(message); } catch { /* no console: nothing to say it with */ }
  };
  if (win.clik && win.clik.live) {
    warn('clik-analytics: the script tag is on this page twice; the second copy does nothing');
    return;
  }
  let tracker;
  try {
    const tag = findOwnTag(doc);
    if (!tag) throw new Error('no <script data-supabase-url=...> tag found');
    const where = wasmBase64 ? { wasmBinary: decodeBase64(win, wasmBase64) } : { wasmUrl: wasmUrlBeside(tag, wasmFileName, doc.baseURI) };
    tracker = createTracker(readTagOptions(tag), { loadCore: () => loadCore(where) });
  } catch (err) {
    warn(`clik-analytics: tracking is off on this page: ${err && err.message ? err.message : err}`);
    tracker = inertTracker();
  }
  installDispatcher(win, createDispatcher(tracker, warn));
}

function decodeBase64(win, text) {
  const bin = win.atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Accepts every command and does nothing (what a page gets when setup failed). */
function inertTracker() {
  const t = {};
  for (const name of COMMANDS) t[name] = () => undefined;
  t.flush = () => Promise.resolve();
  t.stats = () => ({ inert: true });
  return t;
}

try {
  if (typeof window === 'object' && window && window.document) start(window);
} catch (err) {
  try { console.warn(`clik-analytics: tracking is off on this page: ${err && err.message ? err.message : err}`); } catch { /* nothing left to do */ }
}
