// Shipped size of the WASM core: raw, gzip -9 (zlib level 9) and brotli
// (quality 11, the static-hosting default) of build/wasm's .wasm and its JS loader.
// Usage: node bench/core/sizes.mjs   (bench/core/run.sh wraps it)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const wasmDir = fileURLToPath(new URL('../../build/wasm/', import.meta.url));
const files = ['clik_core.wasm', 'clik_core.mjs'];
const gzip = (b) => zlib.gzipSync(b, { level: 9 }).length;
const brotli = (b) => zlib.brotliCompressSync(b, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length },
}).length;

const rows = files.map((f) => {
  const b = readFileSync(wasmDir + f);
  return [f, b.length, gzip(b), brotli(b)];
});
rows.push(rows.reduce((t, r) => ['total (.wasm + loader)', t[1] + r[1], t[2] + r[2], t[3] + r[3]], ['', 0, 0, 0]));
const kb = (n) => `${n} B (${(n / 1024).toFixed(1)} KiB)`;
console.log('| file | raw | gzip -9 | brotli -q 11 |');
console.log('|---|---:|---:|---:|');
for (const [f, raw, gz, br] of rows) console.log(`| ${f} | ${kb(raw)} | ${kb(gz)} | ${kb(br)} |`);
