// Finds the <script> element that loaded this build and reads the tracker's
// options from its data-* attributes.
//
// document.currentScript is set while a classic script (async or not) is being
// evaluated, so it is read once, synchronously, at evaluation time. When it is
// missing (the file was injected by a tag manager that evaluates it from a
// callback, or wrapped by a bundler) we fall back to the first script element
// carrying the marker attribute every embed must have: data-supabase-url.

const MARKER = 'script[data-supabase-url]';

/** @returns {HTMLScriptElement|null} */
export function findOwnTag(doc) {
  const current = doc.currentScript;
  if (current && current.hasAttribute && current.hasAttribute('data-supabase-url')) return current;
  return doc.querySelector(MARKER);
}

/** "true"/"" (a bare attribute) are on, "false"/absent are off; anything else is an error. */
function flag(tag, name) {
  const v = tag.getAttribute(name);
  if (v === null || v === 'false') return false;
  if (v === '' || v === 'true') return true;
  throw new Error(`${name}="${v}" must be "true" or "false"`);
}

/**
 * The createTracker options a tag describes. Required attributes are checked by
 * createTracker itself (one place for the rules); an empty data-contact-id means none.
 */
export function readTagOptions(tag) {
  const attr = (name) => {
    const v = tag.getAttribute(name);
    return v === null ? undefined : v.trim();
  };
  const options = {
    supabaseUrl: attr('data-supabase-url'),
    supabaseKey: attr('data-supabase-key'),
    userCode: attr('data-user-code'),
    shareCode: attr('data-share-code'),
    // data-autocapture: clicks on [data-clik-track] elements. History API page
    // views are a separate opt-in (data-autocapture-pages): a page that already
    // calls clik('trackPageView') on its tab switches (the share page) would
    // otherwise count each switch twice.
    autocapture: { clicks: flag(tag, 'data-autocapture'), pageViews: flag(tag, 'data-autocapture-pages') },
  };
  const contactId = attr('data-contact-id');
  if (contactId) options.contactId = contactId;
  // On unless the tag says data-fetch-in-worker="false" (see worker_relay.mjs).
  if (tag.getAttribute('data-fetch-in-worker') !== null) options.fetchInWorker = flag(tag, 'data-fetch-in-worker');
  return options;
}

/**
 * Where the .wasm next to this script lives: resolved against the script's own
 * src, so a page on any path (or a CDN) finds it without configuration.
 */
export function wasmUrlBeside(tag, fileName, base) {
  return new URL(fileName, new URL(tag.src || tag.getAttribute('src') || '', base));
}
