// Builds the npm package into dist/ (run by scripts/build.sh after the WASM
// core is built into build/wasm/):
//   dist/index.mjs       ESM bundle of js/src + the core's loader (build/wasm/clik_core.mjs)
//   dist/index.d.ts      the hand-written public types (js/index.d.ts)
//   dist/clik_core.wasm  located at run time with new URL('./clik_core.wasm', import.meta.url)
// Then, if js/script-tag/build.mjs exists, awaits its buildScriptTag({root, distDir})
// (the script-tag build writes dist/script/).
import { build } from 'esbuild';
import { copyFile, mkdir, access } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const distDir = path.join(root, 'dist');
const wasmDir = path.join(root, 'build', 'wasm');

async function exists(p) {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function main() {
  for (const f of ['clik_core.mjs', 'clik_core.wasm']) {
    if (!(await exists(path.join(wasmDir, f)))) {
      throw new Error(`build/wasm/${f} is missing: build the core first (cmake --preset wasm && cmake --build --preset wasm, or bash scripts/build.sh)`);
    }
  }
  await mkdir(distDir, { recursive: true });
  await build({
    entryPoints: [path.join(root, 'js', 'src', 'index.mjs')],
    outfile: path.join(distDir, 'index.mjs'),
    bundle: true,
    format: 'esm',
    // Neutral: the bundle runs in browsers and node (no require/__dirname);
    // under node the loader reads the .wasm itself and passes wasmBinary.
    platform: 'neutral',
    target: ['es2020', 'node20', 'chrome100'],
    // Never bundled: a peer dependency used only through the user's client.
    external: ['@supabase/supabase-js'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(path.join(wasmDir, 'clik_core.wasm'), path.join(distDir, 'clik_core.wasm'));
  await copyFile(path.join(root, 'js', 'index.d.ts'), path.join(distDir, 'index.d.ts'));
  console.log('js/build.mjs: wrote dist/index.mjs, dist/index.d.ts, dist/clik_core.wasm');

  const scriptTagBuild = path.join(root, 'js', 'script-tag', 'build.mjs');
  if (await exists(scriptTagBuild)) {
    const mod = await import(pathToFileURL(scriptTagBuild).href);
    const run = mod.buildScriptTag || mod.build || mod.default;
    if (typeof run !== 'function') throw new Error('js/script-tag/build.mjs exports no buildScriptTag({root, distDir})');
    await run({ root, distDir });
  }
}

main().catch((err) => {
  console.error('js/build.mjs: ' + (err && err.stack ? err.stack : err));
  process.exit(1);
});
