// Loads the WebAssembly core once. Fail-safe by design: the promise resolves
// to the module or REJECTS with an Error; the tracker turns a rejection into
// one console.warn and an inert tracker (tracker.mjs). Nothing here throws
// synchronously at the page.
//
// Where the .wasm comes from, in order:
//   1. options.wasmBinary (ArrayBuffer / Uint8Array): no fetch at all;
//   2. options.wasmUrl (string or URL);
//   3. `new URL('./clik_core.wasm', import.meta.url)`: the literal pattern Vite
//      and webpack 5 recognise, so bundlers emit the asset and rewrite the URL.
// Under node a file: URL is read with fs (imported dynamically, only there);
// browsers stream-compile it from the URL (bindings/clik_core_module.mjs).
import createClikCore from '../../build/wasm/clik_core.mjs';

function defaultWasmUrl() {
  return new URL('./clik_core.wasm', import.meta.url);
}

const isNode = typeof process === 'object' && process !== null &&
  typeof process.versions === 'object' && process.versions !== null &&
  typeof process.versions.node === 'string';

async function readFileUrl(url) {
  // A computed specifier keeps browser bundlers from trying to resolve node:fs.
  const fsName = 'node:fs/promises';
  const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ fsName);
  return fs.readFile(url);
}

async function instantiate(wasmBinary, wasmUrl) {
  const moduleOptions = {};
  if (wasmBinary) {
    moduleOptions.wasmBinary = wasmBinary;
  } else {
    const url = wasmUrl instanceof URL ? wasmUrl : new URL(String(wasmUrl), typeof location === 'object' && location ? location.href : undefined);
    if (url.protocol === 'file:' && isNode) {
      moduleOptions.wasmBinary = await readFileUrl(url);
    } else if (isNode) {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`clik-analytics: could not fetch ${url.href} (HTTP ${res.status})`);
      moduleOptions.wasmBinary = new Uint8Array(await res.arrayBuffer());
    } else {
      moduleOptions.locateFile = () => url.href;
    }
  }
  try {
    const mod = await createClikCore(moduleOptions);
    if (!mod || typeof mod.Core !== 'function') throw new Error('module has no Core class');
    return mod;
  } catch (err) {
    const e = new Error(`clik-analytics: the WebAssembly core could not load: ${err && err.message ? err.message : err}`);
    e.cause = err;
    throw e;
  }
}

const memo = new Map(); // key: wasm location (href) -> Promise<CoreModule>

/**
 * The default CoreModule loader: one memoised promise per wasm location
 * (a given wasmBinary is not memoised: the caller owns it).
 * @param {{wasmUrl?: string|URL, wasmBinary?: ArrayBuffer|Uint8Array}} [where]
 * @returns {Promise<import('../../bindings/clik_core').CoreModule>}
 */
export function loadCore(where = {}) {
  if (where.wasmBinary) return instantiate(where.wasmBinary, null);
  let url;
  try {
    url = where.wasmUrl ? where.wasmUrl : defaultWasmUrl();
  } catch (err) {
    return Promise.reject(err);
  }
  const key = String(url);
  let p = memo.get(key);
  if (!p) {
    p = instantiate(null, url);
    // A failed load is retried by the next tracker rather than remembered forever.
    p.catch(() => memo.delete(key));
    memo.set(key, p);
  }
  return p;
}
