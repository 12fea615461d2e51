// Builds the script-tag download into <distDir>/script/: clik.js (an IIFE:
// shim + the core's loader, minified, ES2020) and the core's .wasm next to it
// under a content-hashed name, so a cached clik.js never meets a wasm of
// another build. Nothing else goes in that folder: it is exactly what a page
// with the script tag downloads.
//
// The wasm is a second file rather than base64 inside clik.js because that is
// smaller over the wire (bench/js measures both every run: base64 defeats
// brotli) and lets the browser stream-compile it.
//
//   import { buildScriptTag } from './js/script-tag/build.mjs';
//   await buildScriptTag({ root, distDir });             // -> report (sizes)
//   await buildScriptTag({ root, distDir, inlineWasm: true, outDir });  // the variant, for bench/js
//   node js/script-tag/build.mjs                        // the same as the first, from the CLI
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

/** gzip -9 and brotli -q 11 (what a CDN serves pre-compressed) sizes of a buffer. */
export function compressedSizes(buf) {
  return {
    bytes: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length,
  };
}

/**
 * @param {object} o
 * @param {string} o.root      the repository root (build/wasm/ holds the core)
 * @param {string} o.distDir   the package's dist/ (output goes to <distDir>/script/)
 * @param {boolean} [o.inlineWasm]  base64 the wasm into clik.js (measured, not shipped)
 * @param {string} [o.outDir]  where to write instead of <distDir>/script/
 * @param {boolean} [o.quiet]  no summary line on stdout
 * @returns {Promise<{dir: string, files: Array<{name: string, bytes: number, gzip: number, brotli: number}>,
 *   total: {bytes: number, gzip: number, brotli: number}}>}
 */
export async function buildScriptTag({ root, distDir, inlineWasm = false, outDir, quiet = false }) {
  const dir = outDir ?? join(distDir, 'script');
  const wasm = await readFile(join(root, 'build', 'wasm', 'clik_core.wasm'));
  const wasmFileName = `clik_core.${createHash('sha256').update(wasm).digest('hex').slice(0, 10)}.wasm`;

  const result = await build({
    entryPoints: [join(here, 'entry.mjs')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    // The core module's and the loader's default wasm location use import.meta.url, which
    // a classic script does not have; the entry always passes the location itself.
    define: { 'import.meta.url': 'undefined' },
    plugins: [wasmModule(inlineWasm ? { wasmFileName: null, wasmBase64: wasm.toString('base64') } : { wasmFileName, wasmBase64: null })],
  });
  if (result.errors.length) throw new Error(`script-tag build failed: ${result.errors.map((e) => e.text).join('; ')}`);

  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const outputs = [['clik.js', Buffer.from(result.outputFiles[0].contents)]];
  if (!inlineWasm) outputs.push([wasmFileName, wasm]);
  for (const [name, buf] of outputs) await writeFile(join(dir, name), buf);

  const names = await readdir(dir);
  const files = [];
  for (const name of names.sort()) files.push({ name, ...compressedSizes(await readFile(join(dir, name))) });
  const total = files.reduce((t, f) => ({ bytes: t.bytes + f.bytes, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }), { bytes: 0, gzip: 0, brotli: 0 });
  if (!quiet) {
    console.log(`js/script-tag/build.mjs: wrote ${files.map((f) => f.name).join(' + ')} to ${dir} ` +
      `(${total.bytes} B, gzip ${total.gzip} B, brotli ${total.brotli} B)`);
  }
  return { dir, files, total };
}

/** `import { wasmFileName, wasmBase64 } from 'clik:wasm'` in entry.mjs: build-time constants. */
function wasmModule(values) {
  return {
    name: 'clik-wasm',
    setup(b) {
      b.onResolve({ filter: /^clik:wasm$/ }, () => ({ path: 'clik:wasm', namespace: 'clik-wasm' }));
      b.onLoad({ filter: /.*/, namespace: 'clik-wasm' }, () => ({
        contents: `export const wasmFileName = ${JSON.stringify(values.wasmFileName)};\nexport const wasmBase64 = ${JSON.stringify(values.wasmBase64)};\n`,
        loader: 'js',
      }));
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(here, '..', '..');
  await buildScriptTag({ root, distDir: join(root, 'dist') });
}
