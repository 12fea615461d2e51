// Debian's Chromium driven by playwright-core, for tests and benchmarks.
// Browsers cannot be downloaded here (never `playwright install`): this always
// launches /usr/bin/chromium with a throwaway profile that close() removes.
//   const browser = await launchChromium();   // { context, newPage(), close() }
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CLIK_CHROMIUM ?? '/usr/bin/chromium';

// Quiet, offline-friendly flags: no sandbox (CI runs as root), no GPU, no
// background traffic that could reach for the internet.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium({ args = [], ...options } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'clik-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    ...options,
  });
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
